"""Figures of how re-trafficking happens and how the model meets the evidence."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

from calibration.spec import Target
from experiments.figures.base import (
    SIZE,
    Figure,
    cues,
    sample_size,
    save,
    scenario_labels,
)
from experiments.store import ResultsStore
from scenarios.loader import Scenario
from sim.statistics import BY_KEY


def pathways(store: ResultsStore, scenarios: list[Scenario], out: Path) -> Figure:
    """Re-trafficking events per 1,000 survivors by pathway, per scenario."""
    import matplotlib.pyplot as plt

    names = [s.name for s in scenarios]
    table = store.load("pathways", names)
    head = store.load("headline", names)[["scenario", "replicate", "survivors"]]
    table = table.merge(head, on=["scenario", "replicate"])
    table["per_1000"] = table["events"] / table["survivors"] * 1000
    # every pathway appears for every run (absent = 0) before averaging
    wide = table.pivot_table(
        index=["scenario", "replicate"], columns="pathway", values="per_1000", fill_value=0.0
    )
    mean = wide.groupby("scenario").mean().loc[names]
    totals = wide.sum(axis=1).groupby("scenario")
    lo = totals.quantile(0.025).loc[names].to_numpy()
    hi = totals.quantile(0.975).loc[names].to_numpy()
    order = mean.sum().sort_values(ascending=False).index.tolist()
    labels = scenario_labels(scenarios)
    fig, ax = plt.subplots(figsize=SIZE, layout="constrained")
    y = np.arange(len(names))[::-1]
    left = _stacked_bars(ax, y, mean, order)
    ax.errorbar(left, y, xerr=[left - lo, hi - left], fmt="none", color="black", capsize=6)
    ax.set_yticks(y, [labels[n] for n in names])
    ax.set_xlabel(
        "re-trafficking events per 1,000 survivors over the horizon "
        "(whiskers: 95% interval of the total)"
    )
    ax.legend(
        fontsize=13,
        loc="center left",
        bbox_to_anchor=(1.01, 0.5),
        title="pathway",
        title_fontsize=13,
    )
    top = main_pathway(mean.loc[names[0]])
    share = mean.loc[names[0], top] / mean.loc[names[0]].sum() * 100
    title = (
        f"At baseline, {str(top).lower().replace('_', ' ')} is the main pathway "
        f"({share:.0f}% of re-trafficking)"
    )
    reps, size = sample_size(store, names)
    caption = (
        f"Mean re-trafficking events per 1,000 survivors by how they happened, for each "
        f"scenario: {reps} replicate cohorts of {size:,} synthetic survivors; whiskers are "
        f"95% intervals of the total across replicates."
    )
    alt = "Stacked bar chart. " + " ".join(
        f"{labels[n]}: {mean.loc[n].sum():.0f} events per 1,000, mostly "
        f"{str(mean.loc[n].idxmax()).lower().replace('_', ' ')}."
        for n in names
    )
    return save(fig, out, "pathways", title, caption, alt)


def _stacked_bars(ax: object, y: np.ndarray, mean: pd.DataFrame, order: list) -> np.ndarray:
    """One bar segment per pathway (a hatch each as well as a colour); returns the totals."""
    marks = cues(order)
    left = np.zeros(len(mean))
    for pathway in order:
        values = mean[pathway].to_numpy()
        label = str(pathway).lower().replace("_", " ")
        mark = marks[pathway]
        ax.barh(  # type: ignore[attr-defined]
            y, values, left=left, color=mark.colour, hatch=mark.hatch, ec="white", label=label
        )
        left += values
    return left


def main_pathway(per_1000: pd.Series) -> str:
    """The pathway with the most re-trafficking in one scenario's mean per-1,000 row.

    >>> main_pathway(pd.Series({"IN_DESTINATION": 24.6, "IRREGULAR_MIGRATION": 27.3}))
    'IRREGULAR_MIGRATION'
    """
    return str(per_1000.idxmax())


def evidence_table(observed: pd.DataFrame, targets: list[Target]) -> pd.DataFrame:
    """Every target beside what the model's observation layer records, across replicates.

    One row per target: ``target``, ``statistic``, ``unit``, ``data`` with ``data_lower`` and
    ``data_upper`` (:func:`calibration.checks.data_interval`), the model's median ``model``
    and its 90% range ``model_lower``/``model_upper`` (5th and 95th percentiles across
    replicates), and ``reproduced``, by the rule of the calibration's predictive check
    (:func:`calibration.checks.reproduced`: the reported value inside the model's 90% range).
    """
    from calibration.checks import data_interval, reproduced

    rows = []
    for t in targets:
        values = observed.loc[
            (observed["target"] == t.id) & (observed["statistic"] == t.statistic), "value"
        ].dropna()
        lo, mid, hi = np.percentile(values, [5, 50, 95]) if len(values) else (np.nan,) * 3
        d_lo, d_hi = data_interval(t)
        rows.append(
            {
                "target": t.id,
                "statistic": t.statistic,
                "unit": BY_KEY[t.key].unit,
                "data": t.value,
                "data_lower": d_lo,
                "data_upper": d_hi,
                "model": mid,
                "model_lower": lo,
                "model_upper": hi,
                "reproduced": reproduced(t.value, lo, hi),
            }
        )
    return pd.DataFrame(rows)


def evidence_title(table: pd.DataFrame) -> str:
    """The evidence figure's finding, counted from its table."""
    return (
        f"The model's recorded statistics reproduce {int(table['reproduced'].sum())} of "
        f"{len(table)} reported figures (reported value inside the model's 90% range)"
    )


def evidence(store: ResultsStore, scenarios: list[Scenario], out: Path) -> Figure:
    """Observed statistics (through the observation layer) against the sources' figures."""
    import matplotlib.pyplot as plt

    from calibration.spec import load_targets

    names = [s.name for s in scenarios]
    observed = store.load("observed", names)
    table = evidence_table(observed[observed["scenario"] == names[0]], load_targets())
    columns = 5
    rows = -(-len(table) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=SIZE, layout="constrained")
    panels = np.ravel(axes)
    for ax, row in zip(panels, table.itertuples(), strict=False):
        ax.errorbar(
            [0],
            [row.data],
            yerr=[[row.data - row.data_lower], [row.data_upper - row.data]],
            fmt="o",
            color="black",
            capsize=6,
            markersize=8,
        )
        colour = "#0072B2" if row.reproduced else "#D55E00"
        ax.errorbar(
            [1],
            [row.model],
            yerr=[[row.model - row.model_lower], [row.model_upper - row.model]],
            fmt="s" if row.reproduced else "X",
            color=colour,
            capsize=6,
            markersize=9,
        )
        ax.set(xticks=[0, 1], xticklabels=["reported", "model"], xlim=(-0.6, 1.6))
        ax.tick_params(labelsize=10)
        ax.set_ylabel(row.unit, fontsize=10)
        mark = "reproduced" if row.reproduced else "missed"
        wrapped = "\n".join(textwrap.wrap(f"{row.target} {row.statistic}", 30))
        ax.set_title(f"{wrapped}\n[{mark}]", fontsize=10, color=colour)
    for ax in panels[len(table) :]:
        ax.set_visible(False)
    reps, size = sample_size(store, names)
    caption = (
        f"Each panel: a figure the sources report (black, with a 95% interval from its sample "
        f"size) beside what the model's observation layer records ({names[0]}, median and "
        f"90% range over {reps} replicate cohorts of {size:,} synthetic survivors). A figure "
        f"is reproduced (blue square) when the reported value lies inside the model's 90% "
        f"range, the rule of the calibration's predictive check; otherwise missed (orange "
        f"cross)."
    )
    missed = table.loc[~table["reproduced"], ["target", "statistic"]].agg(" ".join, axis=1)
    alt = (
        f"Small multiples, one per reported statistic ({len(table)}); "
        f"{int(table['reproduced'].sum())} reproduced"
        + (f"; missed: {'; '.join(missed)}." if len(missed) else ".")
    )
    return save(fig, out, "evidence", evidence_title(table), caption, alt)
