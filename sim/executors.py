"""Where runs execute: this process, a local process pool, or an existing Dask cluster.

All three give identical results: each task carries its own seed, and results are stored by
(scenario, replicate), not by completion order.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import select
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

from sim.cluster import run_on_dask
from sim.inputs import whole_number

T = TypeVar("T")
R = TypeVar("R")

#: What a script that starts runs at its top level must add (said by the worker that re-ran the
#: script, and by the caller).
UNGUARDED = (
    "worker processes re-run the script that started them, and this one starts runs at its "
    'top level: put those calls under `if __name__ == "__main__":` (or pass workers=1).'
)


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
    if workers is not None:
        workers = whole_number(workers, "workers", 1)
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
    refuse_in_a_starting_worker()
    kind, n = backend(workers, scheduler)
    if kind == "dask":
        assert scheduler is not None
        yield from run_on_dask(fn, tasks, scheduler)
    elif kind == "serial":
        for task in tasks:
            yield task, fn(task)
    else:
        yield from _pool(fn, tasks, n)


#: Work left, in seconds of this process's time, below which starting worker processes does
#: not pay: the server workers fork from needs about a second to import the model first.
WORTH_STARTING_SECONDS = 2.0

#: The worker server that has started a worker for this process (its process id), once one
#: has: it has finished its imports, and a worker forks from it in milliseconds.
_warm_server: int | None = None


def _pool(fn: Callable[[T], R], tasks: Sequence[T], workers: int) -> Iterator[tuple[T, R]]:
    """Run tasks on ``workers`` processes: this one and ``workers - 1`` that start once.

    The workers fork from a server that imports ``fn``'s module first (``forkserver`` with it
    preloaded), so each starts in milliseconds instead of importing the model itself. When
    that server has started workers before (a second comparison in one session), they start
    at once, beside this process's first task. Otherwise the first task runs here and is
    timed while the server starts importing; when the rest would take this process less
    than :data:`WORTH_STARTING_SECONDS`, it runs here too and no worker starts (a small job
    costs no more than running it here). Either way this process keeps taking tasks while
    the workers start and after, and each process gets its next task the moment it finishes
    one, so no core waits.
    """
    context = _context(fn, start_server=workers > 1 and len(tasks) > 1)
    queue = deque(tasks)
    if workers > 1 and len(queue) > 1 and _server_is_warm(context):
        yield from _with_workers(fn, queue, context, min(workers, len(queue)) - 1)
        return
    first = queue.popleft()
    began = time.perf_counter()
    result = fn(first)
    each = time.perf_counter() - began
    yield first, result
    if workers < 2 or each * len(queue) < WORTH_STARTING_SECONDS:
        while queue:
            task = queue.popleft()
            yield task, fn(task)
        return
    yield from _with_workers(fn, queue, context, min(workers - 1, len(queue)))


def _server_is_warm(context: BaseContext) -> bool:
    """Whether workers fork from a server that has started one for this process already."""
    return (
        context.get_start_method() == "forkserver"
        and _warm_server is not None
        and alive(_warm_server)
    )


def _with_workers(
    fn: Callable[[T], R], queue: deque[T], context: BaseContext, helpers: int
) -> Iterator[tuple[T, R]]:
    """The queue's tasks on this process and ``helpers`` workers started from ``context``."""
    pool = ProcessPoolExecutor(
        max_workers=helpers,
        mp_context=context,
        initializer=exit_with_parent,
        initargs=(os.getpid(),),
    )
    try:
        yield from _shared(fn, queue, pool, helpers)
    except BrokenProcessPool:
        if _script_without_spec():
            raise RuntimeError(UNGUARDED) from None
        raise


def refuse_in_a_starting_worker() -> None:
    """Stop a worker that is re-running the caller's unguarded script, saying what to add.

    A new worker process re-runs the script that started its parent (as ``__mp_main__``)
    before it takes any task; a script that starts runs at its top level would start them
    again in every worker, which waits for the parent's results folder forever. Called before
    anything else a comparison does: the worker prints one line and exits, and the caller
    then raises the same sentence (:data:`UNGUARDED`).
    """
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        os.write(2, f"retraffic: {UNGUARDED}\n".encode())
        os._exit(1)


def _script_without_spec() -> bool:
    """Whether this program is a script run by path, which every worker re-runs on start."""
    main = sys.modules.get("__main__")
    return getattr(getattr(main, "__spec__", None), "name", None) is None and bool(
        getattr(main, "__file__", None)
    )


def exit_with_parent(parent: int) -> None:
    """A worker's initializer: the worker exits as soon as process ``parent`` has ended.

    Without it, a pool's workers (and the resource tracker they keep open) outlive a parent
    killed by SIGKILL, waiting for work forever. A daemon thread waits on the parent's
    process file descriptor (Linux), or checks it every second elsewhere.
    """

    def watch() -> None:
        try:
            handle = os.pidfd_open(parent)
        except (AttributeError, OSError):  # no pidfd here, or the parent has gone already
            while alive(parent):
                time.sleep(1.0)
        else:
            select.select([handle], [], [])
        os._exit(1)

    threading.Thread(target=watch, name="retraffic-exit-with-parent", daemon=True).start()


def alive(pid: int) -> bool:
    """Whether a process with id ``pid`` runs on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def preloaded(fn: Callable[..., Any]) -> list[str]:
    """The modules the worker server imports before forking workers for ``fn``.

    ``fn``'s module, the modules it names in ``WORKER_IMPORTS`` (those its tasks import on
    first use, which each worker would otherwise import during its first task), then those
    it names in ``WORKER_WARMUP`` (modules whose import warms the server, so its workers
    start warm).
    """
    module = sys.modules.get(fn.__module__)
    return [
        fn.__module__,
        *getattr(module, "WORKER_IMPORTS", ()),
        *getattr(module, "WORKER_WARMUP", ()),
    ]


def _context(fn: Callable[..., Any], start_server: bool) -> BaseContext:
    """The ``forkserver`` context with ``fn``'s module preloaded (``spawn`` where none exists).

    With ``start_server``, the server starts importing now, in the background. It starts with
    Ctrl-C ignored (an ignored signal stays ignored in a new program), as do the workers it
    forks: Ctrl-C in a terminal reaches every process of the group, and the caller handles it
    by keeping what finished and stopping the workers, without a traceback from each.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(preloaded(fn))
    if start_server and threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            multiprocessing.forkserver.ensure_running()  # does not wait for the imports
        finally:
            signal.signal(signal.SIGINT, previous)
    return context


def _shared(
    fn: Callable[[T], R], queue: deque[T], pool: ProcessPoolExecutor, helpers: int
) -> Iterator[tuple[T, R]]:
    """The rest of :func:`_pool`: this process's thread and ``helpers`` workers share a queue.

    Each takes its next task as it finishes one. While many are left, each worker also has
    its next task waiting beside the one it runs: handing it one only when it reports back
    would leave it idle while this process, busy with its own task, gets round to it (the
    interpreter lock: about 10 ms a task). Near the end each has one, so all end together.
    """
    here = _Here()
    # Starting the first worker waits for the server to finish importing: do it in a thread.
    ready: Future[int] = Future()
    pending: dict[Future[R], tuple[T, Executor]] = {}

    def feed(executor: Executor) -> None:
        if queue:
            task = queue.popleft()
            pending[executor.submit(fn, task)] = (task, executor)

    def top_up() -> None:
        depth = 2 if len(queue) > 2 * helpers else 1
        while queue and sum(e is pool for _, e in pending.values()) < depth * helpers:
            feed(pool)

    started = finished = False
    try:  # from the moment a worker may start: a Ctrl-C even while threads start stops it
        here.start(ready, lambda: pool.submit(os.getppid).result())  # the server's id
        feed(here)
        while pending:
            watched: list[Future[Any]] = [*pending, *([] if started else [ready])]
            done, _ = wait(watched, return_when=FIRST_COMPLETED)
            if not started and ready.done():
                _started_from(ready.result())  # a pool that cannot start: an error
                started = True
                top_up()
            for future in done:
                if future is not ready:
                    task, executor = pending.pop(future)
                    if executor is pool:
                        top_up()
                    else:
                        feed(executor)
                    yield task, future.result()
        finished = True
    finally:
        queue.clear()
        for future in pending:
            future.cancel()
        try:
            _stop(pool, ready, finished)
        except KeyboardInterrupt:
            # Ctrl-C while stopping (waiting for a worker to finish starting, say): stop them
            # all now, then let the interruption go on.
            _stop(pool, ready, finished=False)
            raise


def _started_from(server: int) -> None:
    """Note that process ``server`` has started a worker (see :data:`_warm_server`).

    Under ``spawn`` that is this process, which :func:`_server_is_warm` never counts.
    """
    global _warm_server
    _warm_server = server


def _stop(pool: ProcessPoolExecutor, ready: Future[int], finished: bool) -> None:
    """Shut the pool down: its workers finish (``finished``) or are stopped mid-task."""
    # A worker still starting is let finish starting first: one stopped half-way would
    # print a traceback after this process has gone. (None starts if its thread has not.)
    ready.cancel()
    wait([ready], timeout=60)
    if not finished:  # interrupted or failed: stop the workers now, mid-task or not
        processes = list(getattr(pool, "_processes", {}).values())
        for process in processes:
            process.terminate()
        for process in processes:  # gone before this process removes what they share
            process.join(timeout=10)
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=finished, cancel_futures=True)
    if manager is not None:
        # Its closing of the pool's wake-up pipe would race the interpreter's exit,
        # which writes to that pipe (CPython 3.11): a traceback after the last line.
        manager.join(timeout=10)


class _Here(Executor):
    """Runs each task in a daemon thread of this process.

    When the caller stops (Ctrl-C, an error elsewhere), nothing waits for that thread: the
    process exits, and a run it was storing leaves only a half-written folder the store
    removes next time.
    """

    def submit(self, fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> Future[R]:
        future: Future[R] = Future()
        self.start(future, lambda: fn(*args, **kwargs))
        return future

    @staticmethod
    def start(future: Future[R], fn: Callable[[], R]) -> None:
        """Run ``fn`` in a new thread, unless ``future`` is cancelled first; its result to it.

        The caller holds ``future`` before the thread starts, so it can stop or wait for the
        work even when interrupted while the thread is starting.
        """

        def run() -> None:
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn())
                except BaseException as err:  # handed to the caller through the future
                    future.set_exception(err)

        threading.Thread(target=run, name="retraffic-task", daemon=True).start()
