"""Figures: one module per family, sharing :mod:`experiments.figures.base`.

- :mod:`experiments.figures.policy` and :mod:`experiments.figures.evidence`: the experiment
  figures (one function per kind, :data:`KINDS`), drawn from a results store;
- :mod:`experiments.figures.hazard`: the docs figure of risk by months since arrival home;
- :mod:`experiments.figures.calibration`: predictive check, marginals and sensitivity.
"""

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from experiments.figures.base import DPI, SIZE, Figure, style
from experiments.figures.evidence import evidence, pathways
from experiments.figures.hazard import hazard_since_arrival, hazard_title
from experiments.figures.money import cost_plane
from experiments.figures.policy import at_24_60, averted, curves, dose, subgroups
from experiments.store import ResultsStore
from scenarios.loader import Scenario

__all__ = [
    "DPI",
    "KINDS",
    "SIZE",
    "Figure",
    "draw",
    "figure_index",
    "hazard_since_arrival",
    "hazard_title",
    "style",
]


KINDS: dict[str, Callable[[ResultsStore, list[Scenario], Path], Figure]] = {
    "curves": curves,
    "at_24_60": at_24_60,
    "averted": averted,
    "cost_plane": cost_plane,
    "dose": dose,
    "subgroups": subgroups,
    "pathways": pathways,
    "evidence": evidence,
}


def draw(
    kinds: tuple[str, ...], store: ResultsStore, scenarios: list[Scenario], out: Path
) -> list[Figure]:
    """Draw every figure kind of an experiment into ``out``."""
    style()
    return [KINDS[kind](store, scenarios, out) for kind in kinds]


def figure_index(figures: list[Figure]) -> pd.DataFrame:
    """The figures' names, files, titles, captions and alt text."""
    return pd.DataFrame(
        [
            {
                "name": f.name,
                "png": f.png.name,
                "svg": f.svg.name,
                "title": f.title,
                "caption": f.caption,
                "alt": f.alt,
            }
            for f in figures
        ]
    )
