"""Warms a process that will run tasks: importing this module makes and stores one tiny run.

A process pool's worker server imports it before it forks any worker (it is one of
:data:`experiments.tasks.WORKER_WARMUP`), so each worker starts its first task with the
model's compiled loops loaded from Numba's cache and the store's first write done, instead of
spending about a quarter of a second on them in that task. The run goes to a temporary folder
that is removed.
"""

from __future__ import annotations

import contextlib
import tempfile

import sim
from experiments.store import ResultsStore
from experiments.tasks import Task, run_task

#: The warming run: small, but through every process and table a real run takes.
WARM_RUN = {"cohort.n_survivors": 200, "run.horizon_months": 12}


def warm() -> None:
    """Make and store one tiny run in a temporary folder."""
    task = Task("warm", 0, 1, sim.Params().with_overrides(WARM_RUN))
    with tempfile.TemporaryDirectory(prefix="retraffic-warm-") as folder:
        ResultsStore(folder).save(task.scenario, task.replicate, run_task(task), task.settings)


# Warming only saves time: should it fail, the worker server must still start (an exception
# other than ImportError here would stop it), and the first task meets the same failure and
# reports it where it matters.
with contextlib.suppress(Exception):
    warm()
