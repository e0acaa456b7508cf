"""The docs figure of risk over time: hazard by months since arriving home (one run)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments.figures.base import SIZE, Figure, save, style


def hazard_title(table: pd.DataFrame) -> str:
    """The finding of a hazard-by-months-since-arrival table, computed from it."""
    per_1000 = table.set_index("months_since_arrival")["hazard"] * 1000
    first, later = float(per_1000.loc[1]), float(per_1000.loc[24])
    if first > later:
        return (
            f"Re-trafficking risk is highest just after arriving home: {first:.1f} per 1,000 "
            f"a month in month 1 against {later:.1f} in month 24"
        )
    return (
        f"Re-trafficking risk does not fall after arriving home: {first:.1f} per 1,000 a month "
        f"in month 1 against {later:.1f} in month 24"
    )


def hazard_since_arrival(table: pd.DataFrame, out: Path, note: str) -> Figure:
    """Monthly re-trafficking hazard by months since arriving home (one run).

    Args:
        table: Output of :func:`sim.outcomes.hazard_since_arrival`.
        out: Folder to write into.
        note: What produced the table (cohort, seed), for the caption.
    """
    import matplotlib.pyplot as plt

    style()
    fig, ax = plt.subplots(figsize=SIZE, layout="constrained")
    shown = table[table["months_since_arrival"] >= 1]
    ax.plot(shown["months_since_arrival"], shown["hazard"] * 1000, marker="o", lw=2)
    ax.set_xlabel("months since arriving home")
    ax.set_ylabel("re-trafficked that month, per 1,000 at risk")
    ax.set_ylim(bottom=0)
    title = hazard_title(table)
    caption = (
        "True monthly re-trafficking hazard (any pathway) among survivors who arrived home, by "
        f"months since arrival; spells end at re-trafficking or the next arrival. {note}"
    )
    alt = "A line falling steeply over the first year after arrival home, then flat and low."
    return save(fig, out, "hazard_since_arrival", title, caption, alt)
