"""Figures of how re-trafficking happens and how the model meets the evidence."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from experiments.figures.base import (
    SIZE,
    Figure,
    sample_size,
    save,
    scenario_labels,
)
from experiments.store import ResultsStore
from scenarios.loader import Scenario


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
    import seaborn as sns

    colours = sns.color_palette("colorblind", len(order))
    fig, ax = plt.subplots(figsize=SIZE, layout="constrained")
    y = np.arange(len(names))[::-1]
    left = np.zeros(len(names))
    for colour, pathway in zip(colours, order, strict=True):
        values = mean[pathway].to_numpy()
        ax.barh(y, values, left=left, color=colour, label=str(pathway).lower().replace("_", " "))
        left += values
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
    top = order[0]
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


def evidence(store: ResultsStore, scenarios: list[Scenario], out: Path) -> Figure:
    """Observed statistics (through the observation layer) against the sources' figures."""
    import matplotlib.pyplot as plt

    from calibration.spec import load_targets

    names = [s.name for s in scenarios]
    observed = store.load("observed", names)
    observed = observed[observed["scenario"] == names[0]]
    targets = [t for t in load_targets() if t.statistic != "residency after first episode"]
    fig, axes = plt.subplots(3, 4, figsize=SIZE, layout="constrained")
    inside = 0
    for ax, t in zip(np.ravel(axes), targets, strict=False):
        values = observed.loc[
            (observed["target"] == t.id) & (observed["statistic"] == t.statistic), "value"
        ].dropna()
        lo, mid, hi = np.percentile(values, [2.5, 50, 97.5]) if len(values) else (np.nan,) * 3
        ax.errorbar(
            [0],
            [t.value],
            yerr=[[1.96 * t.se], [1.96 * t.se]],
            fmt="o",
            color="black",
            capsize=6,
            markersize=9,
        )
        ax.errorbar([1], [mid], yerr=[[mid - lo], [hi - mid]], fmt="s", capsize=6, markersize=9)
        ax.set_xticks([0, 1], ["reported", "model"], fontsize=12)
        ax.set_xlim(-0.6, 1.6)
        ax.tick_params(axis="y", labelsize=11)
        name = f"{t.id} {t.statistic}"
        ax.set_title(name if len(name) <= 34 else name[:32] + "...", fontsize=12)
        inside += bool(lo <= t.value <= hi or abs(mid - t.value) <= 1.96 * t.se)
    for ax in np.ravel(axes)[len(targets) :]:
        ax.set_visible(False)
    title = f"The model's recorded statistics match {inside} of {len(targets)} reported figures"
    reps, size = sample_size(store, names)
    caption = (
        f"Each panel: a figure IOM-2010 reports (black, with a 95% interval from its "
        f"sample size) beside what the model's observation layer records "
        f"({names[0]}, median and 95% range over {reps} replicate cohorts of {size:,} "
        f"synthetic survivors). A match is a reported value inside the model's range or a "
        f"model median inside the reported interval."
    )
    alt = (
        f"Small multiples comparing {len(targets)} reported statistics with the model's; "
        f"{inside} match."
    )
    return save(fig, out, "evidence", title, caption, alt)
