"""Where runs execute: this process, a local process pool, or an existing Dask cluster.

All three give identical results: each task carries its own seed, and results are stored by
(scenario, replicate), not by completion order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def backend(workers: int | None, scheduler: str | None) -> tuple[str, int]:
    """Where work runs: ``("dask", 0)``, ``("serial", 1)`` or ``("pool", n)`` processes.

    The one choice every runner makes (experiments here, pyabc's samplers in calibration).
    """
    if scheduler is not None:
        return "dask", 0
    n = workers or default_workers()
    return ("serial", 1) if n == 1 else ("pool", n)


def execute(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    workers: int | None = None,
    scheduler: str | None = None,
) -> Iterator[tuple[T, R]]:
    """Run ``fn`` on every task and yield ``(task, result)`` as each finishes.

    Args:
        fn: A picklable top-level function.
        tasks: The tasks.
        workers: Local worker processes (default: all cores; 1 runs in this process).
        scheduler: Address of a Dask scheduler (``tcp://host:8786``); when given, the tasks
            run on that cluster and ``workers`` is ignored.
    """
    if not tasks:
        return
    kind, n = backend(workers, scheduler)
    if kind == "dask":
        assert scheduler is not None
        yield from _dask(fn, tasks, scheduler)
    elif kind == "serial":
        for task in tasks:
            yield task, fn(task)
    else:
        yield from _pool(fn, tasks, n)


def _pool(fn: Callable[[T], R], tasks: Sequence[T], workers: int) -> Iterator[tuple[T, R]]:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=context) as pool:
        pending: dict[Future[R], T] = {pool.submit(fn, t): t for t in tasks}
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    task = pending.pop(future)
                    yield task, future.result()
        finally:
            for future in pending:
                future.cancel()


def _dask(fn: Callable[[T], R], tasks: Sequence[T], scheduler: str) -> Iterator[tuple[T, R]]:
    from distributed import Client, as_completed

    try:
        client = Client(scheduler, timeout="10s")
    except OSError as err:
        raise ConnectionError(f"cannot reach the Dask scheduler at {scheduler} ({err}).") from None
    try:
        futures: list[Any] = client.map(fn, tasks, pure=False)
        index = {f.key: t for f, t in zip(futures, tasks, strict=True)}
        for future in as_completed(futures):
            yield index[future.key], future.result()
    finally:
        client.close()
