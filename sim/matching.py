"""Matching survivors to traffickers who can take them, one month's call at a time.

:meth:`sim.traffickers.Traffickers.recruit` states the rule: candidates in a random order,
each taking a random one of the traffickers free at that moment who could take them. Done one
by one, each step scans every trafficker; here everyone's pick is made at once from pools of
candidates kept per region, redone only from the first pick that fills a trafficker to
capacity (a test checks the result equals the one-by-one rule exactly).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from sim.traffickers import Traffickers


def flagged(flags: NDArray[np.bool_], tid: NDArray[np.integer]) -> NDArray[np.bool_]:
    """``flags[tid]`` with False where ``tid`` is -1 (no trafficker)."""
    tid = np.asarray(tid)
    ok = tid >= 0
    out = np.zeros(tid.shape, dtype=bool)
    out[ok] = flags[tid[ok]]
    return out


def first_filled(tid: NDArray[np.int32], recruits: NDArray[np.int32], capacity: int) -> int | None:
    """Position of the first pick (in order) that fills its trafficker to capacity."""
    ok = np.flatnonzero(tid >= 0)
    t = tid[ok]
    if len(t) <= 1:
        return int(ok[0]) if len(t) and recruits[t[0]] + 1 >= capacity else None
    order = np.argsort(t, kind="stable")
    ranked = t[order]
    starts = np.flatnonzero(np.concatenate([[True], ranked[1:] != ranked[:-1]]))
    counts = np.diff(np.append(starts, len(ranked)))
    occurrence = np.empty(len(t), dtype=np.int64)
    occurrence[order] = np.arange(len(t)) - np.repeat(starts, counts) + 1
    fills = np.flatnonzero(recruits[t] + occurrence >= capacity)
    return int(ok[fills[0]]) if len(fills) else None


class Pools:
    """Who could take a survivor, among some traffickers, kept current as they fill up.

    Pools are by the survivor's region and whether the episode crosses a border. Internal
    trafficking takes traffickers of the survivor's region; international trafficking those
    of the region that reach destinations, or any that do when the region has none.
    """

    _ANY_REACH = -1

    def __init__(self, traffickers: Traffickers, available: NDArray[np.bool_]) -> None:
        self.traffickers = traffickers
        self.available = available
        self._pools: dict[int, NDArray[np.intp]] = {}

    def _pool(self, key: int) -> NDArray[np.intp]:
        """Sorted indices of the available who could take a survivor of group ``key``."""
        pool = self._pools.get(key)
        if pool is None:
            t = self.traffickers
            if key == self._ANY_REACH:
                pool = np.flatnonzero(self.available & t.reach)
            elif key % 2:
                pool = np.flatnonzero(self.available & t.reach & (t.region == key // 2))
            else:
                pool = np.flatnonzero(self.available & (t.region == key // 2))
            self._pools[key] = pool
        return pool

    def get(self, key: int) -> NDArray[np.intp]:
        """The pool of group ``key`` (region * 2 + international), with the fallback applied."""
        pool = self._pool(key)
        return self._pool(self._ANY_REACH) if key % 2 and len(pool) == 0 else pool

    def remove(self, tid: int) -> None:
        """Trafficker ``tid`` is no longer available (it filled up)."""
        self.available[tid] = False
        for key, pool in self._pools.items():
            at = np.searchsorted(pool, tid)
            if at < len(pool) and pool[at] == tid:
                self._pools[key] = np.delete(pool, at)

    def choose(self, asked: Asked, js: NDArray[np.intp]) -> NDArray[np.int32]:
        """Each of candidates ``js``'s pick from their pool (-1 where it is empty)."""
        tid = np.full(len(js), -1, dtype=np.int32)
        if asked.former_only:
            former = asked.former[js]
            ok = flagged(self.available, former)
            tid[ok] = former[ok]
            return tid
        key = asked.region[js].astype(np.int64) * 2 + asked.international[js]
        if len(key) == 0:
            return tid
        if len(key) == 1:  # the common case of one candidate: no grouping needed
            groups: list[tuple[int, NDArray[np.intp]]] = [(int(key[0]), np.zeros(1, np.intp))]
        else:
            order = np.argsort(key, kind="stable")
            cuts = np.flatnonzero(np.diff(key[order])) + 1
            groups = [(int(key[rows[0]]), rows) for rows in np.split(order, cuts)]
        for k, rows in groups:
            pool = self.get(k)
            if len(pool):
                tid[rows] = pool[(asked.pick[js[rows]] * len(pool)).astype(np.intp)]
        return tid


@dataclass(frozen=True)
class Asked:
    """The candidates of one :meth:`Traffickers.recruit` call, by position."""

    former: NDArray[np.int32]
    region: NDArray[np.int16]
    international: NDArray[np.bool_]
    former_only: bool
    pick: NDArray[np.float64]
