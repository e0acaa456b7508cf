"""Where runs execute: this process, a local process pool, or an existing Dask cluster.

All three give identical results: each task carries its own seed, and results are stored by
(scenario, replicate), not by completion order.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
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


#: Work left, in seconds of this process's time, below which starting worker processes does
#: not pay: the server workers fork from needs about a second to import the model first.
WORTH_STARTING_SECONDS = 2.0


def _pool(fn: Callable[[T], R], tasks: Sequence[T], workers: int) -> Iterator[tuple[T, R]]:
    """Run tasks on ``workers`` local processes that start once and take many tasks each.

    The first task runs in this process and is timed. When the rest would take this process
    less than :data:`WORTH_STARTING_SECONDS`, it runs here too and no process starts (a small
    job costs no more than running it here). Otherwise workers start, forking from a server
    that has imported ``fn``'s module (``forkserver`` with it preloaded), so each starts in
    milliseconds instead of importing the model itself; this process keeps running tasks
    until the first worker is up.
    """
    queue = deque(tasks)
    first = queue.popleft()
    began = time.perf_counter()
    result = fn(first)
    each = time.perf_counter() - began
    yield first, result
    if each * len(queue) < WORTH_STARTING_SECONDS:
        while queue:
            task = queue.popleft()
            yield task, fn(task)
        return
    yield from _with_workers(fn, queue, workers)


def _with_workers(fn: Callable[[T], R], queue: deque[T], workers: int) -> Iterator[tuple[T, R]]:
    """The rest of :func:`_pool`: workers take tasks once up, at most two queued each."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([fn.__module__])
    pool = ProcessPoolExecutor(max_workers=min(workers, len(queue)), mp_context=context)
    # Starting the first worker waits for the server to import the model: do it in a thread.
    ready: Future[int] = Future()
    threading.Thread(target=_first_worker, args=(pool, ready), daemon=True).start()
    pending: dict[Future[R], T] = {}
    try:
        while queue and not ready.done():
            task = queue.popleft()
            yield task, fn(task)
        while queue or pending:
            while queue and len(pending) < 2 * workers:
                task = queue.popleft()
                pending[pool.submit(fn, task)] = task
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield pending.pop(future), future.result()
    finally:
        queue.clear()
        for future in pending:
            future.cancel()
        # A worker still starting is let finish starting, then stopped with the rest: one
        # stopped half-way would print a traceback after this process has gone.
        wait([ready], timeout=60)
        pool.shutdown(wait=True, cancel_futures=True)


def _first_worker(pool: ProcessPoolExecutor, ready: Future[int]) -> None:
    """Start the pool's first worker and mark ``ready`` when it runs (or cannot start)."""
    try:
        ready.set_result(pool.submit(os.getpid).result())
    except BaseException as err:  # handed to the caller through the future
        ready.set_exception(err)


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
