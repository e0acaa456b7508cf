"""The one place where rates become per-step probabilities.

Parameters named ``*_rate_per_month`` or ``*_per_month`` are rates of a Poisson process; the
model steps one month at a time, so the chance of at least one event in a step is
``1 - exp(-rate * months)``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Length of one model step.
STEP_MONTHS = 1.0


def prob(rate: ArrayLike, months: float = STEP_MONTHS) -> NDArray[np.float64]:
    """Probability of at least one event in ``months`` for a Poisson rate per month.

    Example:
        >>> float(prob(0.0))
        0.0
        >>> round(float(prob(np.log(2))), 6)
        0.5
    """
    return -np.expm1(-np.asarray(rate, dtype=float) * months)


def halved(
    months: NDArray[np.integer], halflife: float, start: float = 1.0, end: float = 0.0
) -> NDArray[np.float64]:
    """From ``start`` towards ``end``, the gap halving every ``halflife`` months.

    ``end + (start - end) * 0.5 ** (months / halflife)`` for whole, non-negative months, as
    a look-up in a table of those values (each computed as that expression is).

    Example:
        >>> halved(np.array([0, 6, 12]), 6.0).tolist()
        [1.0, 0.5, 0.25]
        >>> halved(np.array([0, 6]), 6.0, start=3.0, end=1.0).tolist()
        [3.0, 2.0]
    """
    months = np.asarray(months)
    return halvings(int(months.max(initial=0)), halflife, start, end)[months]


def halvings(
    longest: int, halflife: float, start: float = 1.0, end: float = 0.0
) -> NDArray[np.float64]:
    """:func:`halved`'s table: its values for 0, 1, ... months, at least to ``longest``.

    Example:
        >>> halvings(12, 6.0)[[0, 6, 12]].tolist()
        [1.0, 0.5, 0.25]
    """
    return _halvings(halflife, max(128, 1 << longest.bit_length()), start, end)


@functools.lru_cache(maxsize=64)
def _halvings(halflife: float, size: int, start: float, end: float) -> NDArray[np.float64]:
    table = end + (start - end) * 0.5 ** (np.arange(size) / halflife)
    table.setflags(write=False)
    return table


def factor(condition: NDArray[np.bool_], yes: float, no: float = 1.0) -> NDArray[np.float64]:
    """``yes`` where ``condition`` holds, else ``no``, as floats.

    Example:
        >>> factor(np.array([True, False]), 2.5).tolist()
        [2.5, 1.0]
    """
    return np.where(condition, float(yes), float(no))


def level(code: NDArray[np.integer], values: Sequence[float]) -> NDArray[np.float64]:
    """``values[code]`` for each code, as floats (a multiplier with several levels).

    Example:
        >>> level(np.array([2, 0], dtype=np.uint8), [1.0, 1.5, 3.0]).tolist()
        [3.0, 1.0]
    """
    return np.array(values, dtype=np.float64).take(code)


def code(*conditions: NDArray[np.bool_]) -> NDArray[np.uint8]:
    """How many of ``conditions`` hold, per survivor: an index into :func:`level`'s values.

    Example:
        >>> code(np.array([True, True, False]), np.array([True, False, False])).tolist()
        [2, 1, 0]
    """
    out = conditions[0].astype(np.uint8)
    for condition in conditions[1:]:
        out += condition.view(np.uint8)
    return out
