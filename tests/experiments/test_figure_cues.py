"""Figures stay legible under colour-vision deficiency (issue 13)."""

from itertools import combinations

import numpy as np
import pytest
from colorspacious import cspace_convert

from experiments.figures.base import COLOUR_ONLY, CVD_MIN_DISTANCE, MARKERS, cues, palette

DEFICIENCIES = ("deuteranomaly", "protanomaly", "tritanomaly")


def closest_pair(colours: list[tuple[float, float, float]], deficiency: str) -> float:
    """Smallest CAM02-UCS distance between two colours as a full ``deficiency`` sees them."""
    seen = cspace_convert(
        np.array(colours),
        {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100},
        "CAM02-UCS",
    )
    return min(float(np.linalg.norm(a - b)) for a, b in combinations(seen, 2))


@pytest.mark.parametrize("deficiency", DEFICIENCIES)
def test_colours_told_apart_by_colour_alone_stay_apart(deficiency):
    names = [f"c{k}" for k in range(COLOUR_ONLY)]
    assert closest_pair(list(palette(names).values()), deficiency) >= CVD_MIN_DISTANCE


def test_one_colour_more_would_not_be_safe():
    """The limit is the palette's, not a guess: a fifth colour comes too close for someone."""
    names = [f"c{k}" for k in range(COLOUR_ONLY + 1)]
    colours = list(palette(names).values())
    assert min(closest_pair(colours, d) for d in DEFICIENCIES) < CVD_MIN_DISTANCE


@pytest.mark.parametrize("n", range(1, len(MARKERS) + 1))
def test_every_category_has_its_own_marker_and_hatch(n):
    marks = cues([f"c{k}" for k in range(n)]).values()
    assert len({m.marker for m in marks}) == n
    assert len({m.hatch for m in marks}) == n


def test_too_many_categories_is_a_bug_not_a_silent_repeat():
    with pytest.raises(ValueError, match="bug"):
        cues([f"c{k}" for k in range(len(MARKERS) + 1)])
