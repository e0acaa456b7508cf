"""What every figure shares: the look, the size, saving with words, and small drawing helpers.

One colour-blind-safe style readable at slide size; every figure states its finding in the
title, labels axes with units, shows uncertainty, and is written as PNG and SVG with a caption
and alt text. Used by the experiment, docs and calibration figures alike.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.store import ResultsStore
from scenarios.loader import Scenario

#: Size of every figure in inches at :data:`DPI` (1,600 x 900 pixels: a 16:9 slide).
SIZE = (16, 9)
DPI = 100


@dataclass(frozen=True)
class Figure:
    """A written figure and the words that go with it."""

    name: str
    title: str
    caption: str
    alt: str
    png: Path
    svg: Path


def style() -> None:
    """The shared look: seaborn's colour-blind palette, large type, light grid."""
    import matplotlib

    matplotlib.use("Agg")
    import seaborn as sns

    sns.set_theme(context="talk", style="whitegrid", palette="colorblind", font_scale=1.05)
    # SVG text stays text: searchable, read by screen readers, and checkable by the tests.
    matplotlib.rcParams["svg.fonttype"] = "none"


#: Most categories a figure may tell apart by colour alone: seaborn's colour-blind palette keeps
#: its first four colours at least :data:`CVD_MIN_DISTANCE` apart under a full deuteranopia,
#: protanopia and tritanopia simulation (checked in the tests with colorspacious); a fifth
#: comes within 9.9 of another under tritanopia, a sixth within 6. Every category also has its
#: own marker and hatch (:func:`cues`), which figures with more categories draw.
COLOUR_ONLY = 4

#: Smallest CAM02-UCS distance between two colours told apart by colour alone, under simulated
#: colour-vision deficiency (about the size of a clearly visible difference).
CVD_MIN_DISTANCE = 10.0

MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p")
HATCHES = ("", "//", "..", "xx", "\\\\", "++", "--", "oo", "||", "**", "/.", "x.")


@dataclass(frozen=True)
class Cue:
    """How one category is drawn: its colour, and the marker and hatch that stand without it."""

    colour: tuple[float, float, float]
    marker: str
    hatch: str


def palette(names: list[str]) -> dict[str, tuple[float, float, float]]:
    """One colour-blind-safe colour per name."""
    import seaborn as sns

    colours = sns.color_palette("colorblind", n_colors=max(len(names), 3))
    return dict(zip(names, colours, strict=False))


def cues(names: list[str]) -> dict[str, Cue]:
    """Colour, marker and hatch per name: no two names share a marker or a hatch.

    Raises:
        ValueError: More names than there are markers (a figure with that many categories
            needs another design, such as small multiples).
    """
    if len(names) > len(MARKERS):
        raise ValueError(f"bug: {len(names)} categories, more than the {len(MARKERS)} markers.")
    colours = palette(names)
    return {n: Cue(colours[n], MARKERS[k], HATCHES[k]) for k, n in enumerate(names)}


def save_files(fig: object, path: Path) -> list[Path]:
    """Write ``fig`` as ``path`` .png and .svg, close it, and return both paths."""
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    out = [path.with_suffix(".png"), path.with_suffix(".svg")]
    for p in out:
        fig.savefig(p, dpi=DPI)  # type: ignore[attr-defined]
    plt.close(fig)  # type: ignore[arg-type]
    return out


def save(fig: object, out: Path, name: str, title: str, caption: str, alt: str) -> Figure:
    """Title ``fig`` with its finding (wrapped to two lines if long) and write it to ``out``."""
    fig.suptitle(  # type: ignore[attr-defined]
        "\n".join(textwrap.wrap(title, 80)), fontsize=22, fontweight="bold"
    )
    png, svg = save_files(fig, out / name)
    return Figure(name, title, caption, alt, png, svg)


def scenario_labels(scenarios: list[Scenario]) -> dict[str, str]:
    """Display label of each scenario."""
    return {s.name: s.name.replace("_", " ") for s in scenarios}


def summary_table(
    store: ResultsStore, scenarios: list[Scenario]
) -> tuple[list[str], pd.DataFrame, dict[str, str]]:
    """Scenario names, the comparison summary indexed by (scenario, measure), and labels."""
    from experiments.compare import summarise

    names = [s.name for s in scenarios]
    table = summarise(store.load("headline", names), names[0], order=names)
    return names, table.set_index(["scenario", "measure"]), scenario_labels(scenarios)


def sample_size(store: ResultsStore, names: list[str]) -> tuple[int, int]:
    """Replicates and cohort size of the stored runs, for captions."""
    head = store.load("headline", names)
    return int(head["replicate"].nunique()), int(head["survivors"].iloc[0])


def interval_rows(
    table: pd.DataFrame, names: list[str], measure: str, scale: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Estimate, lower and upper of ``measure`` for each scenario of a summary table.

    ``table`` is indexed by (scenario, measure), as :func:`experiments.compare.summarise`.
    """
    rows = table.loc[[(n, measure) for n in names]]
    return tuple(rows[col].to_numpy(dtype=float) * scale for col in ("estimate", "lower", "upper"))  # type: ignore[return-value]


def point_range(
    ax: object,
    y: np.ndarray,
    est: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    colour: object,
    label: str | None = None,
    marker: str = "o",
) -> None:
    """Dots at ``est`` on rows ``y`` with whiskers from ``lo`` to ``hi``."""
    ax.errorbar(
        est,
        y,
        xerr=[est - lo, hi - est],
        fmt=marker,
        color=colour,  # type: ignore[attr-defined]
        capsize=5,
        markersize=10,
        linewidth=2.5,
        label=label,
    )
