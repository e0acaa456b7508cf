"""Executors: every task runs once, wherever it runs, and its result comes back with it."""

import multiprocessing
import os
import time
from pathlib import Path

import pytest

from sim.executors import WORTH_STARTING_SECONDS, execute


def _square(x: int) -> int:
    return x * x


def _slow_pid(x: int) -> tuple[int, int]:
    time.sleep(0.5)
    return x, os.getpid()


def _quick_pid(x: int) -> tuple[int, int]:
    return x, os.getpid()


def _fail(x: int) -> int:
    if x == 3:
        raise ValueError("task 3 failed")
    return x


@pytest.mark.parametrize("workers", [1, 2])
def test_every_task_runs_once_and_returns_with_its_result(workers):
    results = dict(execute(_square, list(range(7)), workers=workers))
    assert results == {x: x * x for x in range(7)}


def _short_pid(x: int) -> tuple[int, int]:
    time.sleep(0.05)
    return x, os.getpid()


def test_a_small_job_runs_here_and_starts_no_worker(monkeypatch):
    from sim import executors

    monkeypatch.setattr(executors, "_warm_server", None)  # no server has started a worker yet
    results = dict(execute(_quick_pid, list(range(20)), workers=2))
    assert {pid for _, pid in results.values()} == {os.getpid()}
    assert not multiprocessing.active_children()


def test_once_the_server_has_started_a_worker_the_next_job_starts_workers_at_once():
    # 20 x 0.05 s is below WORTH_STARTING_SECONDS: from a server still cold it would all run
    # here; from one that has started a worker, a worker starts beside the first task.
    assert 20 * 0.05 < WORTH_STARTING_SECONDS
    list(execute(_slow_pid, list(range(8)), workers=2))  # the server starts a worker
    results = dict(execute(_short_pid, list(range(20)), workers=2))
    assert sorted(results) == list(range(20))
    assert {pid for _, pid in results.values()} - {os.getpid()}, "a worker must run some tasks"
    assert not multiprocessing.active_children()


def test_pool_workers_take_tasks_once_they_have_started():
    # Long tasks (3.5 s left after the first, more than WORTH_STARTING_SECONDS): workers
    # start, and this process runs tasks until the first is up.
    assert 7 * 0.5 > WORTH_STARTING_SECONDS
    results = dict(execute(_slow_pid, list(range(8)), workers=2))
    assert sorted(results) == list(range(8))
    pids = {pid for _, pid in results.values()}
    assert len(pids - {os.getpid()}) >= 1, "worker processes must run some tasks"


@pytest.mark.parametrize("workers", [1, 2])
def test_an_error_in_a_task_reaches_the_caller(workers):
    with pytest.raises(ValueError, match="task 3 failed"):
        list(execute(_fail, list(range(6)), workers=workers))


def test_the_dask_settings_for_simulations_are_the_environment_the_readme_gives():
    import dask

    from sim.cluster import DASK_SIMULATION_CONFIG, dask_environment

    env = dask_environment()
    parsed = dask.config.collect_env(env)
    for key, value in DASK_SIMULATION_CONFIG.items():
        got = parsed
        for part in key.split("."):
            got = got[part.replace("-", "_")] if part not in got else got[part]
        assert got == value, key
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    text = " ".join(readme.split())
    for name, value in env.items():  # a value with spaces double-quoted, as a shell needs
        assert f"{name}={value}" in text or f'{name}="{value}"' in text, name


def _memory_settings() -> tuple[str | None, str | None]:
    return os.environ.get("MALLOC_TRIM_THRESHOLD_"), os.environ.get("OMP_NUM_THREADS")


def test_with_the_simulation_settings_a_nanny_starts_its_worker_without_memory_trimming(
    monkeypatch,
):
    # Dask's nanny sets MALLOC_TRIM_THRESHOLD_ for its worker by default, which slows every
    # run; the settings unset it and keep Dask's other variables (one thread for numpy).
    import dask
    from distributed import Client, LocalCluster

    from sim.cluster import DASK_SIMULATION_CONFIG

    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    with (
        dask.config.set(DASK_SIMULATION_CONFIG),
        LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        assert list(client.run(_memory_settings).values()) == [(None, "1")]


def test_ctrl_c_while_a_worker_starts_stops_it_before_the_caller_hears(monkeypatch):
    # Ctrl-C just after the thread that starts the first worker has begun (CI: it landed in
    # Thread.start's wait, the worker went on starting after this process had gone and
    # printed a traceback): the worker is let finish starting, then stopped, before the
    # interruption reaches the caller.
    import threading

    start = threading.Thread.start
    pressed: list[str] = []

    def start_then_ctrl_c(thread: threading.Thread) -> None:
        start(thread)
        if thread.name == "retraffic-task" and not pressed:
            pressed.append(thread.name)
            raise KeyboardInterrupt

    monkeypatch.setattr(threading.Thread, "start", start_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt) as interrupted:
        list(execute(_slow_pid, list(range(8)), workers=2))
    assert pressed
    # The interruption's traceback keeps the pool alive, as the command line's exit does; a
    # worker left starting would be up by now (its server imports in about a second).
    time.sleep(3.0)
    assert not multiprocessing.active_children(), interrupted.traceback[-1]


FIRST_RUN = """
import sys, tempfile
import experiments.tasks
before = {name for name in experiments.tasks.WORKER_IMPORTS if name in sys.modules}
from experiments.runs import run_scenarios
with tempfile.TemporaryDirectory() as folder:
    run_scenarios(["baseline"], replicates=1, survivors=50, months=3, workers=1,
                  output=folder, posterior=None)
missing = [n for n in experiments.tasks.WORKER_IMPORTS if n not in sys.modules]
print(sorted(before), missing)
"""


def test_the_worker_server_preloads_what_a_first_run_would_import():
    # A pool's workers fork from a server that imported the task's module and the modules it
    # names; each of those must be one a run really imports on first use, or the list lies.
    import subprocess
    import sys

    from experiments.tasks import WORKER_IMPORTS, WORKER_WARMUP, run_and_save
    from sim.executors import preloaded

    assert preloaded(run_and_save) == ["experiments.tasks", *WORKER_IMPORTS, *WORKER_WARMUP]
    assert preloaded(_square) == [__name__]  # a module that names none: itself alone
    out = subprocess.run(
        [sys.executable, "-c", FIRST_RUN], capture_output=True, text=True, check=True, timeout=300
    )
    assert out.stdout.strip().splitlines()[-1] == "[] []", out.stdout


WARMED = """
import sys
import experiments.warm
from sim.compiled import loaded
before = loaded()
from experiments.runs import run_scenarios
import tempfile
with tempfile.TemporaryDirectory() as folder:
    run_scenarios(["baseline", "combined"], replicates=1, survivors=300, months=30, workers=1,
                  output=folder)
new = {k: v - before.get(k, set()) for k, v in loaded().items()}
print(sum(len(v) for v in before.values()), {k: v for k, v in new.items() if v})
"""


def test_the_warm_up_loads_every_compiled_loop_a_run_calls():
    # The worker server imports experiments.warm so its workers start with the compiled
    # loops loaded: after it, runs of other sizes and scenarios load no further loop.
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", WARMED], capture_output=True, text=True, check=True, timeout=300
    )
    count, new = out.stdout.strip().splitlines()[-1].split(" ", 1)
    assert int(count) > 0 and new == "{}", out.stdout


def _slow_first(x: int) -> int:
    if x == 0:
        time.sleep(0.5)  # the pool is worth starting; the rest finish here before it is up
    return x


def test_ctrl_c_while_waiting_for_a_worker_to_finish_starting_still_stops_it(monkeypatch):
    # The slow suite: a Ctrl-C that came while the caller waited, at the end, for a worker
    # still starting skipped the rest of the clean-up, and that worker printed a traceback
    # once this process had gone. A Ctrl-C then still stops every worker before it goes on.
    import sim.executors

    real_wait = sim.executors.wait
    pressed: list[bool] = []

    def wait_then_ctrl_c(futures, timeout=None, **options):
        if timeout == 60 and not pressed:  # the clean-up's wait for the starting worker
            pressed.append(True)
            raise KeyboardInterrupt
        return real_wait(futures, timeout=timeout, **options)

    monkeypatch.setattr(sim.executors, "wait", wait_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt) as interrupted:
        list(execute(_slow_first, list(range(8)), workers=2))
    assert pressed
    time.sleep(3.0)  # a worker left starting would be up by now
    assert not multiprocessing.active_children(), interrupted.traceback[-1]
