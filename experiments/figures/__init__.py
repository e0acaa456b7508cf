"""Figures: one module per family, sharing :mod:`experiments.figures.base`.

- :mod:`experiments.figures.policy`: the experiment figures, drawn from a results store;
- :mod:`experiments.figures.hazard`: the docs figure of risk by months since arrival home;
- :mod:`experiments.figures.calibration`: predictive check, marginals and sensitivity.
"""

from experiments.figures.base import DPI, SIZE, Figure, style
from experiments.figures.hazard import hazard_since_arrival, hazard_title
from experiments.figures.policy import KINDS, draw, figure_index

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
