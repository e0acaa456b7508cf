"""The model's randomness: one stream per draw site, seeded from the run's seed and its name.

Every place that draws random numbers (a *site*: ``"journey.recruitment"``, ``"cohort"``)
has a generator of its own whose seed is derived from the run's seed and a hash of the
site's name, as Starsim's distributions do (``starsim/distributions.py``), never from the
order in which sites were declared. Monthly draws are keyed by the month too, and every
site draws one uniform per survivor (or per trafficker) whether or not that survivor is
eligible. So survivor ``i``'s draw at site ``s`` in month ``t`` is a fixed number of the
run's seed: switching a policy lever, adding a site or skipping one leaves every other draw
unchanged (common random numbers), and scenario comparisons share their noise.

A site's month draws are the same array however often it is asked for in that month, so a
survivor who passes the same site twice in a month gets the same numbers: give each decision
its own site.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Hashable

import numpy as np
from numpy.typing import NDArray


@functools.cache
def site_key(name: str) -> int:
    """A stable 63-bit integer for a site's name (Python's ``hash`` is salted per process)."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "little") >> 1


class Streams:
    """The generators of one run, by site name.

    Args:
        seed: The run's seed.
        trace: Record a digest of every month's draws by ``(site, month)`` in ``self.trace``
            (for tests of common random numbers).
    """

    def __init__(self, seed: int, trace: bool = False) -> None:
        self.seed = seed
        self.trace: dict[tuple[str, Hashable], str] | None = {} if trace else None
        self._month: int | None = None
        self._drawn: dict[str, NDArray[np.float64]] = {}

    def generator(self, site: str, *counter: int) -> np.random.Generator:
        """A fresh generator for ``site`` (and, optionally, a counter such as an index).

        The same arguments always give the same generator state.
        """
        if any(c < 0 for c in counter):
            raise ValueError(f"stream counters must not be negative (got {counter} for {site}).")
        sequence = np.random.SeedSequence(self.seed, spawn_key=(site_key(site), *counter))
        return np.random.default_rng(sequence)

    def __getitem__(self, site: str) -> np.random.Generator:
        """The set-up generator of a site (drawn from in sequence, e.g. the cohort)."""
        return self.generator(site)

    def uniforms(self, site: str, month: int, n: int, k: int = 1) -> NDArray[np.float64]:
        """``k`` rows of ``n`` uniforms for ``site`` in ``month`` (one column per survivor).

        Raises:
            RuntimeError: The site was already drawn this month with another shape: two
                decisions share a site name, which is a bug in the calling code.
        """
        if month != self._month:
            self._month, self._drawn = month, {}
        drawn = self._drawn.get(site)
        if drawn is None:
            drawn = self.generator(site, month + 1).random((k, n))
            self._drawn[site] = drawn
            self._record(site, month, drawn)
        elif drawn.shape != (k, n):
            raise RuntimeError(
                f"bug: stream {site!r} was drawn with shape {drawn.shape} and then {(k, n)} "
                f"in month {month}; give each decision its own stream name."
            )
        return drawn

    def per_item(self, site: str, month: int, n: int) -> NDArray[np.float64]:
        """One uniform per item ``0..n-1`` for ``site`` in ``month``.

        Item ``i``'s number does not depend on ``n``: a list that grows keeps its draws.
        """
        drawn = self.generator(site, month + 1).random(n)
        self._record(site, month, drawn)
        return drawn

    def _record(self, site: str, month: int, drawn: NDArray[np.float64]) -> None:
        if self.trace is not None:
            self.trace[(site, month)] = hashlib.sha256(drawn.tobytes()).hexdigest()
