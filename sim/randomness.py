"""The model's randomness: one named stream per process, spawned from the run's seed.

Each process draws one uniform per survivor per month from its own stream, whether or not the
survivor is eligible, so survivor ``i``'s draw for process ``p`` in month ``t`` is the same in
every scenario. Switching a policy on therefore does not reshuffle unrelated draws (common
random numbers), and scenario comparisons share noise.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

#: Stream names in spawn order. Append new names at the end so existing streams keep their seeds.
STREAMS = (
    "cohort",
    "arrival",
    "exploitation",
    "identification",
    "assistance",
    "journey",
    "services",
    "reintegration",
    "pressure",
    "remigration",
    "retrafficking",
    "recruitment",
    "traffickers",
    "observation",
    "mesa",
    "package",
    "support",
    "purpose",
    "collusion",
    "dropout",
    "destination",
    "housing",
)


class Streams:
    """Independent ``numpy.random.Generator`` streams, one per process."""

    def __init__(self, seed: int) -> None:
        children = np.random.SeedSequence(seed).spawn(len(STREAMS))
        self._gens = {
            name: np.random.default_rng(c) for name, c in zip(STREAMS, children, strict=True)
        }

    def __getitem__(self, name: str) -> np.random.Generator:
        """The generator of one process."""
        return self._gens[name]

    def uniforms(self, name: str, n: int, k: int = 1) -> NDArray[np.float64]:
        """``k`` rows of ``n`` uniforms from stream ``name`` (one column per survivor)."""
        return self._gens[name].random((k, n))
