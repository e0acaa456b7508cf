"""Benchmark: every speed and scale goal of the project, measured on this machine.

Run on demand (never part of the test suite):

    python benchmarks/speed.py                    # every row, 2 workers
    python benchmarks/speed.py --rows run cli     # some rows
    python benchmarks/speed.py --workers 16       # the 16-core rows (on a 16-core machine)
    python benchmarks/speed.py --scheduler tcp://host:8786   # Dask rows on that cluster

Rows (each ratio is computed from timings taken in one process, so a busy machine slows both
sides alike):

- run: one default run (14,000 survivors x 120 months) / a numpy reference drawing
  20 x 14,000 uniforms for each of 120 months; best of 3 of each, interleaved.
- compare: 4 scenarios (baseline and the headline policies) x 16 replicates at the default
  size; parallel efficiency = time on 1 worker / (workers x time on ``--workers``), for the
  local process pool and for Dask (a LocalCluster of ``--workers`` processes unless
  ``--scheduler`` names one; warmed by a small comparison first, as a long-lived cluster
  is, and with sim.cluster.DASK_SIMULATION_CONFIG). The summary after the runs is included.
  Each repeat (``--repeat``) times 1 worker, the pool and Dask back to back; a row gives the
  best time on 1 worker over the best on ``--workers``, and the range of the repeats' own
  ratios (how much the machine's speed moved meanwhile).
- tiny: 8 runs (4 scenarios x 2 replicates) of 500 survivors x 24 months; wall time on 2
  workers / on 1.
- million: 1,000,000 survivors x 120 months in a fresh process on one core: seconds and
  peak memory (max resident set size, the interpreter included).
  A last row measures the machine's own ceiling in each repeat: a few default runs in one
  process alone, against the same in each of ``--workers`` processes that start them
  together, which no scheduler can beat; best over best, and the repeats' range.
- cli: ``retraffic --help`` and ``retraffic scenarios list`` in fresh processes, best of 3,
  with Python's bytecode cache written (as an installed package has it).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# Measure with the bytecode cache an installed package has: this process writes it for every
# module it imports (even under PYTHONDONTWRITEBYTECODE=1), and the workers it starts read it.
sys.dont_write_bytecode = False

ROWS = ("cli", "run", "million", "tiny", "compare")

#: Timings of each compare row: on a 2-core virtual machine one repeat's own ratio moved by
#: up to 10% from the next (its neighbours' load), and the best of 2 or 3 still missed a fast
#: moment on one side now and then.
REPEAT = 5


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", nargs="+", choices=ROWS, default=list(ROWS))
    parser.add_argument("--workers", type=int, default=2, help="workers for the compare rows")
    parser.add_argument("--scheduler", help="address of a Dask scheduler for the Dask row")
    parser.add_argument("--replicates", type=int, default=16, help="compare row replicates")
    parser.add_argument(
        "--repeat",
        type=int,
        default=REPEAT,
        help="timings of each compare row (best is kept)",
    )
    parser.add_argument(
        "--json",
        type=Path,
        help="also write the rows, with each compare repeat's seconds, to this JSON file",
    )
    parser.add_argument(
        "--readme", action="store_true", help="write the rows into the README's speed block"
    )
    args = parser.parse_args()

    print(machine())
    print(f"{'measure':<72} {'measured':>26} {'goal':>10}  met")
    rows: list[dict] = []
    for name in args.rows:
        for row in MEASURES[name](args):
            rows.append(row)
            met = _met(row["met"]).upper() if row["met"] is False else _met(row["met"])
            print(f"{row['measure']:<72} {row['shown']:>26} {row['goal']:>10}  {met}", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "rows": rows}, indent=2) + "\n")
    if args.readme:
        write_readme(rows, " ".join(["python benchmarks/speed.py", *sys.argv[1:]]))


README = ROOT / "README.md"
START, END = "<!-- speed:start -->", "<!-- speed:end -->"


def write_readme(rows: list[dict], command: str) -> None:
    """Replace the README's speed block with these rows, the machine and the command."""
    from experiments.readme import replace_block

    command = command.replace(" --readme", "")
    lines = [
        f"Measured by `{command}` on {machine().removeprefix('machine: ')} "
        f"({time.strftime('%Y-%m-%d')}):",
        "",
        "| measure | measured | goal | met |",
        "|---|---|---|---|",
        *(f"| {r['measure']} | {r['shown']} | {r['goal']} | {_met(r['met'])} |" for r in rows),
    ]
    try:
        text = replace_block(README.read_text(encoding="utf-8"), "\n".join(lines), START, END)
    except ValueError as err:
        raise SystemExit(str(err)) from None
    README.write_text(text, encoding="utf-8")


def machine() -> str:
    """One line naming the machine the figures come from."""
    import numpy as np

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"machine: {cpu}, {cores} cores; Python {platform.python_version()}, numpy {np.__version__}"
    )


def _row(measure: str, value: float, shown: str, goal: str, met: bool | None) -> dict:
    """One measured row; ``met`` is None for rows that give context and have no goal."""
    return {"measure": measure, "value": value, "shown": shown, "goal": goal, "met": met}


def _met(met: bool | None) -> str:
    return "-" if met is None else "yes" if met else "no"


def _best(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


# --- rows ------------------------------------------------------------------------------------
def run_ratio(args: argparse.Namespace) -> list[dict]:
    import numpy as np

    import sim

    params = sim.Params()
    sim.run(params.with_overrides({"cohort.n_survivors": 500, "run.horizon_months": 12}), seed=1)

    def reference() -> None:
        rng = np.random.default_rng(0)
        for _ in range(120):
            rng.random((20, 14_000))

    model, numpy_ref = float("inf"), float("inf")
    for _ in range(3):
        model = min(model, _best(lambda: sim.run(params, seed=1), 1))
        numpy_ref = min(numpy_ref, _best(reference, 1))
    ratio = model / numpy_ref
    return [
        _row(
            f"one default run ({model:.2f} s) / numpy reference ({numpy_ref:.3f} s)",
            ratio,
            f"{ratio:.1f}",
            "<= 3",
            ratio <= 3,
        )
    ]


def _scenarios() -> list[str]:
    from scenarios import HEADLINE_POLICIES

    return ["baseline", *HEADLINE_POLICIES]


def _compare_time(**options: object) -> float:
    from experiments.compare import comparison

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        comparison(_scenarios(), output=Path(folder) / "out", posterior=None, **options)
        return time.perf_counter() - start


CONCURRENT = """
import sys, time
import sim
sim.run(sim.Params().with_overrides({"cohort.n_survivors": 500, "run.horizon_months": 12}), seed=1)
print("ready", flush=True)
sys.stdin.readline()  # every process starts its runs at the same moment
seed, runs = int(sys.argv[1]), int(sys.argv[2])
start = time.perf_counter()
for k in range(runs):
    sim.run(sim.Params(), seed=seed + k)
print((time.perf_counter() - start) / runs)
"""

#: Default runs each process of the ceiling row makes: long enough that all of them overlap.
CEILING_RUNS = 6


def machine_ceiling(n: int, runs: int = CEILING_RUNS) -> tuple[float, float]:
    """Seconds per default run in one process alone, and in each of ``n`` processes at once.

    Their ratio is the parallel efficiency of independent runs on this machine at that
    moment, whatever schedules them. Each process imports the model and warms up first, and
    all start their ``runs`` runs together when the last is ready, so the runs overlap from
    the first to (nearly) the last: shared caches, memory bandwidth, cores that are
    hyperthreads of one physical core and a virtual machine's neighbours slow every run when
    all cores are busy, and no scheduler can do better than this.
    """

    def per_run(count: int) -> list[float]:
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", CONCURRENT, str(1 + 100 * k), str(runs)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                cwd=ROOT,
                text=True,
            )
            for k in range(count)
        ]
        for process in processes:
            assert process.stdout is not None
            if process.stdout.readline().strip() != "ready":
                raise SystemExit("bug: a ceiling process failed before its runs")
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        return [float(p.communicate()[0].strip().splitlines()[-1]) for p in processes]

    return per_run(1)[0], sum(per_run(n)) / n


def _ceiling_row(n: int, alone: list[float], together: list[float]) -> dict:
    """The machine's ceiling over the repeats: best alone over best together, and its range."""
    ceiling = min(alone) / min(together)
    paired = [a / b for a, b in zip(alone, together, strict=True)]
    spread = f" (repeats {min(paired):.2f}-{max(paired):.2f})" if len(paired) > 1 else ""
    return _row(
        f"machine ceiling: {CEILING_RUNS} runs alone / in each of {n} processes at once, per "
        f"run ({min(alone):.2f} s / {min(together):.2f} s)",
        ceiling,
        f"{ceiling:.2f}{spread}",
        "-",
        None,
    )


def compare_efficiency(args: argparse.Namespace) -> list[dict]:
    """The pool's and Dask's parallel efficiency, each repeat timing all three back to back.

    The row's value is the best time on 1 worker over the best on ``--workers``; beside it,
    the range of each repeat's own ratio (its three timings taken minutes apart at most), which
    shows how much this machine's speed moved during the row. Each repeat also measures the
    machine's ceiling (:func:`machine_ceiling`), so the last row shows it over the same time.
    """
    n = args.workers
    with contextlib.ExitStack() as stack:
        scheduler = args.scheduler or stack.enter_context(_local_cluster(n)).scheduler_address
        times: dict[str, list[float]] = {"one": [], "pool": [], "Dask": []}
        alone, together = [], []
        for _ in range(args.repeat):  # interleaved: each repeat sees the same machine
            times["one"].append(_compare_time(replicates=args.replicates, workers=1))
            times["pool"].append(_compare_time(replicates=args.replicates, workers=n))
            times["Dask"].append(_dask_time(args.replicates, scheduler))
            ceiling = machine_ceiling(n)
            alone.append(ceiling[0])
            together.append(ceiling[1])
    # Each row keeps its repeats' seconds, in order, for the JSON file (how the machine moved).
    rows = [
        _efficiency(kind, times["one"], times[kind], args)
        | {"seconds": {"one worker": times["one"], kind: times[kind]}}
        for kind in ("pool", "Dask")
    ]
    return [
        *rows,
        _ceiling_row(n, alone, together) | {"seconds": {"alone": alone, "together": together}},
    ]


@contextlib.contextmanager
def _local_cluster(n: int) -> Iterator[Any]:
    """A LocalCluster of ``n`` one-thread processes, set up as the README says to start one.

    Dask's profiler off and its event-loop check and monitors rare (each slows a
    compute-bound run): :data:`sim.cluster.DASK_SIMULATION_CONFIG`.
    """
    import dask
    from distributed import LocalCluster

    from sim.cluster import DASK_SIMULATION_CONFIG

    with (
        dask.config.set(DASK_SIMULATION_CONFIG),
        LocalCluster(
            n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
    ):
        yield cluster


def _dask_time(replicates: int, scheduler: str) -> float:
    """A comparison on a warm cluster, whose workers have imported the model already.

    A long-lived cluster's workers have; a small comparison first does that here.
    """
    _compare_time(replicates=2, survivors=200, months=12, scheduler=scheduler)
    return _compare_time(replicates=replicates, scheduler=scheduler)


def _efficiency(kind: str, one: list[float], many: list[float], args: argparse.Namespace) -> dict:
    """The efficiency row: best over best, and the range of the repeats' own ratios."""
    n = args.workers
    goal = 0.95 if n <= 2 else 0.85
    eff = min(one) / (n * min(many))
    paired = [a / (n * b) for a, b in zip(one, many, strict=True)]
    spread = f" (repeats {min(paired):.2f}-{max(paired):.2f})" if len(paired) > 1 else ""
    return _row(
        f"compare 4 x {args.replicates}, {n} workers: parallel efficiency ({kind}) "
        f"[{min(one):.1f} s / {n} x {min(many):.1f} s]",
        eff,
        f"{eff:.3f}{spread}",
        f">= {goal}",
        eff >= goal,
    )


def tiny_ratio(args: argparse.Namespace) -> list[dict]:
    size = {"replicates": 2, "survivors": 500, "months": 24}
    _compare_time(**size, workers=1)  # imports and caches warm
    one = min(_compare_time(**size, workers=1) for _ in range(3))
    two = min(_compare_time(**size, workers=2) for _ in range(3))
    ratio = two / one
    return [
        _row(
            f"tiny compare (8 runs of 500 x 24): 2 workers ({two:.2f} s) / 1 ({one:.2f} s)",
            ratio,
            f"{ratio:.2f}",
            "<= 1.2",
            ratio <= 1.2,
        )
    ]


def million(args: argparse.Namespace) -> list[dict]:
    from run_model import CHILD  # one fresh-process run: seconds and peak memory

    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    command = [sys.executable, "-c", CHILD, "1000000", "1"]
    if hasattr(os, "sched_setaffinity"):
        command = ["taskset", "-c", "0", *command]
    out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT, env=env)
    row = json.loads(out.stdout.strip().splitlines()[-1])
    gib = row["peak_mib"] / 1024
    return [
        _row(
            "1,000,000 survivors x 120 months, one core: seconds",
            row["seconds"],
            f"{row['seconds']:.1f} s",
            "<= 20 s",
            row["seconds"] <= 20,
        ),
        _row(
            "1,000,000 survivors x 120 months, one core: peak memory",
            gib,
            f"{gib:.2f} GiB",
            "<= 2 GiB",
            gib <= 2,
        ),
    ]


def cli(args: argparse.Namespace) -> list[dict]:
    program = Path(sys.executable).with_name("retraffic")
    base = [str(program)] if program.exists() else [sys.executable, "-m", "experiments.cli"]
    # With Python's bytecode cache, as an installed package has it (pip compiles on install);
    # a checkout run with PYTHONDONTWRITEBYTECODE=1 recompiles every module on every start.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    rows = []
    for argv in (["--help"], ["scenarios", "list"]):

        def start(argv: list[str] = argv) -> None:
            subprocess.run([*base, *argv], capture_output=True, check=True, cwd=ROOT, env=env)

        start()  # writes the cache of a fresh checkout
        seconds = _best(start)
        rows.append(
            _row(
                f"retraffic {' '.join(argv)}",
                seconds,
                f"{seconds:.2f} s",
                "<= 0.5 s",
                seconds <= 0.5,
            )
        )
    return rows


MEASURES: dict[str, Callable[[argparse.Namespace], list[dict]]] = {
    "run": run_ratio,
    "compare": compare_efficiency,
    "tiny": tiny_ratio,
    "million": million,
    "cli": cli,
}


if __name__ == "__main__":
    main()
