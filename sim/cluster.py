"""Running on an existing Dask cluster: connecting, and the settings its workers should have.

:func:`sim.executors.execute` runs tasks here when given a scheduler's address.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from sim.inputs import InputError

T = TypeVar("T")
R = TypeVar("R")


#: Dask settings for a cluster that runs simulations, each process's background work made
#: rare: a compute-bound run shares its process (and, on a small machine, its core) with the
#: worker's event loop. Measured on 2 cores (benchmarks/speed.py, 64 runs of the default
#: cohort): the stack profiler (every 10 ms) slowed runs by a few per cent, and the
#: event-loop health check (every 20 ms) with the system and memory monitors by 2-3% more.
#: A nanny also starts its worker with ``MALLOC_TRIM_THRESHOLD_=65536`` (Dask's
#: ``distributed.nanny.pre-spawn-environ``, to hand freed memory back to the system): setting
#: it at all turns off glibc's adaptive mmap threshold, so each large temporary array is
#: mapped and unmapped anew, and a default run took 18% longer (0.145 s -> 0.170 s here).
#: None unsets it (Dask's rule for that setting); a run's memory is small.
#: Give them to the workers as environment variables (:func:`dask_environment`).
DASK_SIMULATION_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "10s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
}


def dask_environment() -> dict[str, str]:
    """:data:`DASK_SIMULATION_CONFIG` as the environment variables Dask reads at start.

    Dask lower-cases the names it reads from the environment, so a setting named by an
    environment variable (``...pre-spawn-environ.MALLOC_TRIM_THRESHOLD_``) goes into its
    parent as a Python literal, which Dask parses and merges with its defaults.
    """
    env = {}
    for key, value in DASK_SIMULATION_CONFIG.items():
        parent, _, leaf = key.rpartition(".")
        if leaf.isupper():
            env[_dask_variable(parent)] = repr({leaf: value})
        else:
            env[_dask_variable(key)] = str(value)
    return env


def _dask_variable(key: str) -> str:
    """The environment variable Dask reads setting ``key`` from."""
    return "DASK_" + key.upper().replace(".", "__").replace("-", "_")


def connect(scheduler: str) -> Any:
    """A Dask client of the scheduler at ``scheduler``; an unreachable one is bad input."""
    from distributed import Client

    try:
        return Client(scheduler, timeout="10s")
    except (OSError, ValueError, TypeError) as err:
        raise InputError(
            f"--scheduler: cannot reach a Dask scheduler at {scheduler!r} ({err}); give the "
            "address of a running one, e.g. tcp://host:8786."
        ) from None


def run_on_dask(fn: Callable[[T], R], tasks: Sequence[T], scheduler: str) -> Iterator[tuple[T, R]]:
    """Run ``fn`` on every task on the cluster at ``scheduler``; ``(task, result)`` as each ends."""
    from distributed import as_completed

    client = connect(scheduler)
    try:
        futures: list[Any] = client.map(fn, tasks, pure=False)
        index = {f.key: t for f, t in zip(futures, tasks, strict=True)}
        for future in as_completed(futures):
            yield index[future.key], future.result()
    finally:
        client.close()
