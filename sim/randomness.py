"""The model's randomness: one stream per draw site, seeded from the run's seed and its name.

Every place that draws random numbers (a *site*: ``"journey.recruitment"``, ``"cohort"``)
has numbers of its own, derived from the run's seed and a hash of the site's name, as
Starsim's distributions do (``starsim/distributions.py``), never from the order in which
sites were declared.

Monthly draws are *counter-based*: survivor ``i``'s uniform at site ``s``, month ``t`` and
row ``r`` is a pure function of ``(seed, s, t, r, i)``, computed only for the survivors a
process considers. The function is SplitMix64 (Steele, Lea and Flood, "Fast splittable
pseudorandom number generators", OOPSLA 2014; Vigna's reference ``splitmix64.c`` at
prso.di.unimi.it/xoroshiro): the ``i+1``-th output of SplitMix64 started from a 64-bit key
for ``(seed, s, t, r)``, which numpy's ``SeedSequence`` derives. SplitMix64's outputs pass
TestU01's BigCrush, and :func:`splitmix64` reproduces the reference outputs (a test checks
them); a slow test checks uniformity and independence across sites and months here.
:func:`splitmix64` is the readable numpy form; the model draws with the same function
compiled by Numba (Starsim, too, depends on Numba and compiles with ``nb.njit(cache=True)``,
``starsim/utils.py``), which a test checks gives the same bits.

So switching a policy lever, adding a site or skipping one, or drawing for more or fewer
survivors leaves every other draw unchanged (common random numbers), and scenario
comparisons share their noise. A site's draws are the same however often it is asked for in
a month, so a survivor who passes the same site twice in a month gets the same numbers: give
each decision its own site.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Hashable, Sequence
from typing import overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.compiled import compiled

#: SplitMix64's increment and its two mixing multipliers (Vigna's ``splitmix64.c``).
GAMMA, MIX1, MIX2 = 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
_GAMMA, _MIX1, _MIX2 = np.uint64(GAMMA), np.uint64(MIX1), np.uint64(MIX2)
_S11, _S27, _S30, _S31 = (np.uint64(k) for k in (11, 27, 30, 31))
_MASK = 2**64 - 1
_TO_UNIT = 2.0**-53


@functools.cache
def site_key(name: str) -> int:
    """A stable 63-bit integer for a site's name (Python's ``hash`` is salted per process)."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "little") >> 1


def splitmix64(key: ArrayLike, counters: ArrayLike) -> NDArray[np.uint64]:
    """Output number ``c`` (1-based) of SplitMix64 seeded with ``key``, for each ``c``.

    ``splitmix64(1234567, [1, 2])`` gives the reference generator's first two outputs
    for seed 1234567. Arithmetic wraps modulo 2**64, as in the reference. Keys and
    counters broadcast: keys of shape ``(k, 1)`` and ``n`` counters give ``(k, n)`` outputs.
    """
    z = np.asarray(counters, dtype=np.uint64) * _GAMMA
    z = z + np.asarray(key, dtype=np.uint64)
    return _mix(z)


def _mix(z: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """SplitMix64's output function, in place on ``z`` (which it returns)."""
    z ^= z >> _S30
    z *= _MIX1
    z ^= z >> _S27
    z *= _MIX2
    z ^= z >> _S31
    return z


@compiled
def _uniforms(shifted, counters, n):  # type: ignore[no-untyped-def]  # numba infers the types
    """Uniform ``(r, j)`` from key ``shifted[r] - GAMMA`` and counter ``counters[j] + 1``.

    :func:`splitmix64` and its conversion to a float fused in one pass over the counters,
    compiled by Numba: each number costs a few integer operations, not a dozen array passes.
    ``(c + 1) * GAMMA + key == c * GAMMA + (key + GAMMA)`` modulo 2**64, so the keys come
    shifted by ``GAMMA``. With ``n >= 0`` each counter must be a survivor row ``0..n-1``.
    """
    out = np.empty((shifted.size, counters.size))
    for j in range(counters.size):
        c = counters[j]
        if n >= 0 and (c < 0 or c >= n):
            raise IndexError("bug: survivor rows outside the cohort drawn.")
        base = np.uint64(c) * _GAMMA
        for r in range(shifted.size):
            z = base + shifted[r]
            z = (z ^ (z >> _S30)) * _MIX1
            z = (z ^ (z >> _S27)) * _MIX2
            z = z ^ (z >> _S31)
            out[r, j] = (z >> _S11) * _TO_UNIT
    return out


def _shifted(keys: Sequence[int]) -> NDArray[np.uint64]:
    """Keys plus SplitMix64's increment, modulo 2**64, as the kernel takes them."""
    return np.array([(key + GAMMA) & _MASK for key in keys], dtype=np.uint64)


def counter_uniforms(keys: Sequence[int], counters: ArrayLike) -> NDArray[np.float64]:
    """Uniforms on [0, 1), one row per key and one column per counter.

    Number ``(r, j)`` is the top 53 bits of :func:`splitmix64`'s output ``counters[j] + 1``
    for ``keys[r]``, times 2**-53.

    Example:
        >>> top = splitmix64(7, [1, 2]) >> np.uint64(11)
        >>> bool((counter_uniforms([7], [0, 1])[0] == top * 2.0**-53).all())
        True
    """
    c = np.asarray(counters)
    if c.dtype.kind not in "iu":
        c = c.astype(np.int64)
    return _uniforms(_shifted(keys), c, -1)


def _fold(key: int, value: int) -> int:
    """SplitMix64's first output for the seed ``key ^ value`` (a 64-bit hash combine).

    :func:`splitmix64` in Python integers: a key costs no array operations.
    """
    return _mix_int((key ^ value) + GAMMA)


def _mix_int(z: int) -> int:
    """:func:`_mix` on one Python integer, taken modulo 2**64 first."""
    z &= _MASK
    z = ((z ^ (z >> 30)) * MIX1) & _MASK
    z = ((z ^ (z >> 27)) * MIX2) & _MASK
    return z ^ (z >> 31)


class Draws:
    """``k`` rows of one uniform per survivor for a site in a month, computed where read.

    Index it as an array of shape ``(k, n)`` would be: ``u[r, idx]`` (the row-``r`` numbers
    of survivors ``idx``), ``u[:, idx]`` (all rows, shape ``(k, len(idx))``) or ``u[r]`` (a
    row, itself indexed later by survivor). Only the numbers read are computed.
    """

    def __init__(self, shifted: NDArray[np.uint64], n: int) -> None:
        self.shape = (len(shifted), n)
        self._shifted = shifted  # the keys as the kernel takes them (:func:`_shifted`)

    @property
    def keys(self) -> tuple[int, ...]:
        """The SplitMix64 key of each row."""
        return tuple((int(key) - GAMMA) & _MASK for key in self._shifted)

    @overload
    def __getitem__(self, index: tuple[int | slice, ArrayLike]) -> NDArray[np.float64]: ...

    @overload
    def __getitem__(self, index: int) -> Row: ...

    def __getitem__(self, index: object) -> NDArray[np.float64] | Row:
        if type(index) is tuple and type(index[0]) is int:  # u[r, idx], the usual read
            r = index[0]
            return _uniforms(self._shifted[r : r + 1], _positions(index[1]), self.shape[1])[0]
        rows, who = index if isinstance(index, tuple) else (index, None)
        n = self.shape[1]
        if isinstance(rows, slice):
            at = np.arange(n) if who is None else _positions(who)
            return _uniforms(self._shifted[rows], at, n)
        r = int(rows)
        shifted = self._shifted[r : r + 1]
        if who is None:
            return Row(n, shifted)
        return _uniforms(shifted, _positions(who), n)[0]


class Row:
    """One row of :class:`Draws`: survivor ``i``'s number is ``row[i]``."""

    def __init__(self, n: int, shifted: NDArray[np.uint64]) -> None:
        self.n = n
        self._shifted = shifted  # the key as the kernel takes it, from Draws

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, who: ArrayLike) -> NDArray[np.float64]:
        return _uniforms(self._shifted, _positions(who), self.n)[0]

    def __array__(self, dtype: None = None, copy: None = None) -> NDArray[np.float64]:
        return _uniforms(self._shifted, np.arange(self.n), self.n)[0]


def _positions(who: ArrayLike) -> NDArray[np.integer]:
    """Survivor rows from an index array or a boolean mask (else a bug).

    The rows themselves are checked where they are drawn (:func:`_uniforms`).
    """
    if type(who) is np.ndarray and who.ndim == 1 and who.dtype.kind in "iu":
        return who
    if not isinstance(who, np.ndarray):
        who = np.asarray(who)
    if who.dtype == np.bool_:
        return who.nonzero()[0]
    if who.ndim != 1 or who.dtype.kind not in "iu":
        raise IndexError(f"bug: draws are indexed by a 1-d array of survivor rows, not {who!r}.")
    return who


class Streams:
    """The random numbers of one run, by site name.

    Args:
        seed: The run's seed.
        trace: Record the keys of every site's monthly draws by ``(site, month)`` in
            ``self.trace`` (for tests of common random numbers).
    """

    def __init__(self, seed: int, trace: bool = False) -> None:
        self.seed = seed
        self.trace: dict[tuple[str, Hashable], tuple[int, ...]] | None = {} if trace else None
        self._month: int | None = None
        self._drawn: dict[str, Draws] = {}
        self._sites: dict[str, int] = {}  # each site's key before the month is folded in
        #: Per site and number of rows: the rows' shifted keys (:func:`_shifted`) by month.
        self._tables: dict[tuple[str, int], NDArray[np.uint64]] = {}
        self._base = int(np.random.SeedSequence(seed).generate_state(1, np.uint64)[0])

    def generator(self, site: str, *counter: int) -> np.random.Generator:
        """A fresh generator for ``site`` (and, optionally, a counter such as an index).

        For set-up draws taken in sequence (the cohort); the same arguments always give the
        same generator state.
        """
        return np.random.default_rng(self._sequence(site, *counter))

    def __getitem__(self, site: str) -> np.random.Generator:
        """The set-up generator of a site (drawn from in sequence, e.g. the cohort)."""
        return self.generator(site)

    def key(self, site: str, month: int, row: int = 0) -> int:
        """The 64-bit SplitMix64 key of a site's row of draws in a month.

        The run's seed is hashed once by numpy's ``SeedSequence``; the site's key, the month
        and the row are then folded in one at a time by SplitMix64's output function, so a
        key costs a few integer operations.
        """
        if row < 0:
            raise ValueError(f"stream counters must not be negative (got row {row}).")
        return _fold(self._site_month(site, month), row)

    def _site_month(self, site: str, month: int) -> int:
        if month < 0:
            raise ValueError(f"stream counters must not be negative (got month {month}).")
        at = self._sites.get(site)
        if at is None:
            at = self._sites[site] = _fold(self._base, site_key(site))
        return _fold(at, month + 1)

    def uniforms(self, site: str, month: int, n: int, k: int = 1) -> Draws:
        """``k`` rows of one uniform per survivor ``0..n-1`` for ``site`` in ``month``.

        Raises:
            RuntimeError: The site was already drawn this month with another shape: two
                decisions share a site name, which is a bug in the calling code.
        """
        if month != self._month:
            self._month, self._drawn = month, {}
        drawn = self._drawn.get(site)
        if drawn is None:
            table = self._tables.get((site, k))
            if table is None or not 0 <= month < len(table):
                table = self._tables[(site, k)] = self._key_table(site, month, k)
            drawn = Draws(table[month], n)
            self._drawn[site] = drawn
            if self.trace is not None:
                self.trace[(site, month)] = drawn.keys
        elif drawn.shape != (k, n):
            raise RuntimeError(
                f"bug: stream {site!r} was drawn with shape {drawn.shape} and then {(k, n)} "
                f"in month {month}; give each decision its own stream name."
            )
        return drawn

    def _key_table(self, site: str, month: int, k: int) -> NDArray[np.uint64]:
        """The shifted keys of a site's ``k`` rows for months ``0..`` at least ``month``.

        :meth:`key` for every month and row at once, in numpy's wrapping 64-bit arithmetic
        (a test checks them against :meth:`key`); made once per run for a block of months
        rather than in Python integers every month.
        """
        if month < 0:
            raise ValueError(f"stream counters must not be negative (got month {month}).")
        self._site_month(site, 0)  # the site's key
        months = np.arange(1, max(128, 1 << (month + 1).bit_length()) + 1, dtype=np.uint64)
        at = _mix((np.uint64(self._sites[site]) ^ months) + _GAMMA)
        rows = np.arange(k, dtype=np.uint64)
        return _mix((at[:, None] ^ rows) + _GAMMA) + _GAMMA

    def numbers(self, site: str, items: ArrayLike, k: int = 1) -> NDArray[np.float64]:
        """``k`` set-up uniforms for each item number in ``items``, shape ``(k, len(items))``.

        Item ``i``'s numbers depend only on the seed, the site and ``i`` (a trafficker
        added later gets the numbers of its index, whoever came before).
        """
        return counter_uniforms([self.key(site, 0, r) for r in range(k)], items)

    def per_item(self, site: str, month: int, n: int) -> NDArray[np.float64]:
        """One uniform per item ``0..n-1`` for ``site`` in ``month``.

        Item ``i``'s number does not depend on ``n``: a list that grows keeps its draws.
        """
        key = self.key(site, month)
        if self.trace is not None:
            self.trace[(site, month)] = (key,)
        return counter_uniforms([key], np.arange(n))[0]

    def _sequence(self, site: str, *counter: int) -> np.random.SeedSequence:
        if any(c < 0 for c in counter):
            raise ValueError(f"stream counters must not be negative (got {counter} for {site}).")
        return np.random.SeedSequence(self.seed, spawn_key=(site_key(site), *counter))
