"""Matching survivors to traffickers who can take them, one month's call at a time.

:meth:`sim.traffickers.Traffickers.recruit` states the rule: candidates in a random order,
each taking a random one of the traffickers free at that moment who could take them.
:func:`match` follows it one candidate at a time, compiled: the traffickers free at the start
of the call are sorted once into pools by region (and reach), and a trafficker leaves its
pools when it fills, so each candidate's pick costs a look-up, not a scan of every trafficker.
A test checks it against the rule written plainly in numpy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from sim.compiled import compiled

if TYPE_CHECKING:
    from sim.traffickers import Traffickers


def match(
    traffickers: Traffickers,
    order: NDArray[np.intp],
    former: NDArray[np.int32],
    region: NDArray[np.int16],
    international: NDArray[np.bool_],
    pick: NDArray[np.float64],
    former_only: bool,
    out: NDArray[np.int32],
) -> int:
    """Match candidates in ``order`` (positions in the other arrays), writing ``out``.

    Each candidate takes the ``pick``-th share of the traffickers free now who could take
    them, in index order: their former trafficker alone when ``former_only``; otherwise
    those of their region for internal trafficking, and for international trafficking those
    of their region that reach destinations, or any that do when none of their region can.
    A trafficker is free while it is active and has recruited fewer than its capacity this
    month (``traffickers.recruits`` counts up as it takes people).

    Returns:
        How many found no trafficker only because every one who could take them was at
        capacity.
    """
    t = traffickers
    regions = 1 + max(int(t.region.max(initial=0)), int(region.max(initial=0)))
    return int(
        _match(
            order,
            former,
            region,
            international,
            pick,
            former_only,
            t.region,
            t.reach,
            t.active_mask,
            t.recruits,
            t.params.recruits_per_month,
            regions,
            out,
        )
    )


@compiled
def _match(  # type: ignore[no-untyped-def]  # numba infers the types
    order,
    former,
    region,
    international,
    pick,
    former_only,
    t_region,
    t_reach,
    active,
    recruits,
    capacity,
    regions,
    out,
):
    """:func:`match`, one candidate at a time.

    Pool ``2r`` holds region ``r``'s traffickers, ``2r + 1`` those of them that reach
    destinations, and ``2 * regions`` every trafficker that reaches them. International
    candidates whose region's pool is empty take from the last.
    """
    free = np.empty(t_region.size, dtype=np.bool_)
    for k in range(t_region.size):
        free[k] = active[k] and recruits[k] < capacity
    if former_only:
        return _match_former(order, former, active, free, recruits, capacity, out)
    anywhere = 2 * regions
    size, could, start, members = _pools(free, active, t_region, t_reach, anywhere)
    full = 0
    for j in order:
        g = 2 * region[j] + (1 if international[j] else 0)
        if international[j] and size[g] == 0:
            g = anywhere
        if size[g] == 0:
            full += could[g] > 0
            continue
        tid = members[start[g] + int(pick[j] * size[g])]
        out[j] = tid
        recruits[tid] += 1
        if recruits[tid] >= capacity:  # it leaves every pool it is in
            for h in _pools_of(tid, t_region, t_reach, anywhere):
                if h >= 0:
                    first, last = start[h], start[h] + size[h]
                    at = first + np.searchsorted(members[first:last], tid)
                    members[at : last - 1] = members[at + 1 : last].copy()
                    size[h] -= 1
    return full


@compiled
def _match_former(order, former, active, free, recruits, capacity, out):  # type: ignore[no-untyped-def]
    """:func:`_match` when only each candidate's former trafficker may take them."""
    full = 0
    for j in order:
        f = former[j]
        if f >= 0 and free[f]:
            out[j] = f
            recruits[f] += 1
            free[f] = recruits[f] < capacity
        elif f >= 0 and active[f]:
            full += 1
    return full


@compiled
def _pools(free, active, t_region, t_reach, anywhere):  # type: ignore[no-untyped-def]
    """The pools of :func:`_match`: each one's free traffickers, in index order.

    Pool ``g`` holds ``members[start[g] : start[g] + size[g]]``; ``could[g]`` counts its
    active traffickers, free or not (those who could take someone but for capacity).
    """
    size = np.zeros(anywhere + 1, dtype=np.int64)
    could = np.zeros(anywhere + 1, dtype=np.int64)
    for k in range(t_region.size):
        if active[k]:
            for g in _pools_of(k, t_region, t_reach, anywhere):
                if g >= 0:
                    could[g] += 1
                    size[g] += free[k]
    start = np.zeros(anywhere + 2, dtype=np.int64)
    start[1:] = np.cumsum(size)
    members = np.empty(start[-1], dtype=np.int64)
    filled = start[:-1].copy()
    for k in range(t_region.size):
        if free[k]:
            for g in _pools_of(k, t_region, t_reach, anywhere):
                if g >= 0:
                    members[filled[g]] = k
                    filled[g] += 1
    return size, could, start, members


@compiled
def _pools_of(k, t_region, t_reach, anywhere):  # type: ignore[no-untyped-def]
    """The three pools trafficker ``k`` can belong to, -1 for those it does not.

    Its region's; if it reaches destinations, also its region's reaching ones and everyone's
    reaching ones.
    """
    r = 2 * np.int64(t_region[k])
    if t_reach[k]:
        return (r, r + 1, anywhere)
    return (r, -1, -1)


def flagged(flags: NDArray[np.bool_], tid: NDArray[np.integer]) -> NDArray[np.bool_]:
    """``flags[tid]`` with False where ``tid`` is -1 (no trafficker)."""
    tid = np.asarray(tid)
    ok = tid >= 0
    out = np.zeros(tid.shape, dtype=bool)
    out[ok] = flags[tid[ok]]
    return out
