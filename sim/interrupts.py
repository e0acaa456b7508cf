"""Ctrl-C in worker processes a library forks: the process that forked them handles it, once.

Ctrl-C in a terminal reaches every process of the group. A worker that raised
``KeyboardInterrupt`` too would print a traceback of its own; the owner, which handles the
interruption once (keeps what finished, stops its workers), is enough. Workers of
:mod:`sim.executors` fork from a server that ignores Ctrl-C, and Dask's are not ours.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

#: Whether processes this one forks now leave Ctrl-C to it (:func:`forks_leave_interrupts`).
_forks_quiet = False
#: The forking thread's signal mask just before the fork, restored after it.
_mask: set[int | signal.Signals] = set()


@contextmanager
def forks_leave_interrupts() -> Iterator[None]:
    """While inside, a process this one forks ignores Ctrl-C from its first instruction.

    A library that forks its own workers (pyabc's multicore sampler, each generation) lets
    them run its code before ours: a Ctrl-C in that moment printed a traceback from the new
    worker. Ctrl-C is blocked across the fork, so one that arrives then waits, and the new
    process ignores it before unblocking it; this process gets it once the fork is done.
    """
    global _forks_quiet
    before, _forks_quiet = _forks_quiet, True
    try:
        yield
    finally:
        _forks_quiet = before


def _quiet() -> None:
    """Ignore Ctrl-C, and let SIGTERM just end the process.

    The owner's SIGTERM handler, inherited by forking, would print a traceback from each
    worker the owner stops.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _before_fork() -> None:
    global _mask
    if _forks_quiet:
        _mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def _after_fork_in_parent() -> None:
    if _forks_quiet:
        signal.pthread_sigmask(signal.SIG_SETMASK, _mask)


def _after_fork_in_child() -> None:
    global _forks_quiet
    if _forks_quiet:
        _forks_quiet = False  # its own forks are its own business
        _quiet()
        signal.pthread_sigmask(signal.SIG_SETMASK, _mask)


os.register_at_fork(
    before=_before_fork,
    after_in_parent=_after_fork_in_parent,
    after_in_child=_after_fork_in_child,
)
