"""Compiling the model's innermost loops with Numba, as Starsim does (``starsim/utils.py``).

Only loops whose numpy form costs a pass over the cohort per factor are compiled: the
counter-based draws (:mod:`sim.randomness`) and the re-trafficking hazard
(:mod:`sim.processes.retrafficking`). Each multiplies, adds and compares in the order its
numpy form would, without ``fastmath``, so it gives the same bits (tests compare them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba

F = TypeVar("F", bound=Callable[..., Any])


def compiled(fn: F) -> F:
    """``fn`` compiled by Numba, cached on disk where Numba finds a writable place for it.

    Numba caches beside the module or in the user's cache folder (``NUMBA_CACHE_DIR``
    chooses another). With none writable (a read-only install and no home folder) it
    refuses to cache: then each process compiles ``fn`` when first called, a fraction of a
    second, rather than failing to import.
    """
    try:
        made = numba.njit(cache=True, nogil=True)(fn)
    except RuntimeError:  # "cannot cache function ...: no locator available for file ..."
        made = numba.njit(nogil=True)(fn)
    COMPILED.append(made)
    return cast(F, made)


#: Every loop :func:`compiled` made, in this process.
COMPILED: list[Any] = []


def loaded() -> dict[str, set[str]]:
    """The signatures each compiled loop has loaded or compiled so far in this process."""
    return {f"{f.__module__}.{f.__name__}": {str(s) for s in f.signatures} for f in COMPILED}
