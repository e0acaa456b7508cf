"""Matching survivors to traffickers who can take them, one month's call at a time.

:meth:`sim.traffickers.Traffickers.recruit` states the rule: candidates in a random order,
each taking a random one of the traffickers free at that moment who could take them. Done one
by one, each step scans every trafficker; here everyone's pick is made at once from pools of
candidates kept per region, redone only from the first pick that fills a trafficker to
capacity (:func:`match_at_once`); a call of a few candidates, the usual case, loops over
them from the same pools (:func:`match_each`). A test checks that both equal the one-by-one
rule exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from sim.traffickers import Traffickers


#: Up to this many candidates, :func:`match_each` (a loop) is quicker than
#: :func:`match_at_once`; both give the same matches (a test checks them against each other).
FEW = 256


def match_at_once(
    traffickers: Traffickers, asked: Asked, order: NDArray[np.intp], out: NDArray[np.int32]
) -> int:
    """Match candidates ``order`` (positions in ``asked``) in that order, into ``out``.

    Everyone in order takes from the traffickers free now, up to the first one whose pick
    fills a trafficker: later picks see a smaller pool, so they are redone. Returns how many
    found no trafficker only because every one who could take them was at capacity.
    """
    t, capacity = traffickers, traffickers.params.recruits_per_month
    free = Pools(t, t.active_mask & (t.recruits < capacity))
    active: Pools | None = None
    full = 0
    todo = order
    while len(todo):
        tid = free.choose(asked, todo)
        first = first_filled(tid, t.recruits, capacity)
        done = len(todo) if first is None else first + 1
        taken = tid[:done]
        out[todo[:done]] = taken
        np.add.at(t.recruits, taken[taken >= 0], 1)
        if first is not None:
            free.remove(int(tid[first]))
        missed = todo[:done][taken < 0]
        if len(missed):
            active = active or Pools(t, t.active_mask.copy())
            full += int((active.choose(asked, missed) >= 0).sum())
        todo = todo[done:]
    return full


def match_each(
    traffickers: Traffickers, asked: Asked, order: NDArray[np.intp], out: NDArray[np.int32]
) -> int:
    """:func:`match_at_once` one candidate at a time: the rule as stated, for a few."""
    t, capacity = traffickers, traffickers.params.recruits_per_month
    recruits, active = t.recruits, t.active_mask
    free = Pools(t, active & (recruits < capacity))
    everyone: Pools | None = None
    former, pick = asked.former.tolist(), asked.pick.tolist()
    key = (asked.region.astype(np.int64) * 2 + asked.international).tolist()
    full = 0
    pool: NDArray[np.intp] | list[int]
    for j in order.tolist():
        if asked.former_only:
            f = former[j]
            found = f >= 0 and bool(free.available[f])
            pool = [f] if found else []
            could = found or (f >= 0 and bool(active[f]))
        else:
            pool = free.get(key[j])
            could = len(pool) > 0
            if not could:
                everyone = everyone or Pools(t, active.copy())
                could = len(everyone.get(key[j])) > 0
        if len(pool) == 0:
            full += could
            continue
        tid = int(pool[int(pick[j] * len(pool))])
        out[j] = tid
        recruits[tid] += 1
        if recruits[tid] >= capacity:
            free.remove(tid)
    return full


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
            at = int(pool.searchsorted(tid))
            if at < len(pool) and pool[at] == tid:
                self._pools[key] = np.concatenate((pool[:at], pool[at + 1 :]))

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
