"""Figures of stored experiment results: one function per figure kind.

Every figure reads the results store only (running and analysing are separate steps).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.compare import summarise_subgroups
from experiments.figures.base import (
    SIZE,
    Figure,
    cues,
    interval_rows,
    palette,
    point_range,
    sample_size,
    save,
    scenario_labels,
    summary_table,
)
from experiments.outputs import DIFFERENCE, RETRAFFICKED
from experiments.store import ResultsStore
from scenarios.loader import Scenario


def curve_bands(store: ResultsStore, names: list[str]) -> pd.DataFrame:
    """Mean and 95% band of cumulative re-trafficking by scenario and month since exit.

    Kept while at least 5% of the cohort is still followed (the tail would be noise).
    """
    curve = store.load("curve", names)
    size = store.load("headline", names)["survivors"].iloc[0]
    support = curve.groupby("months_since_exit")["at_risk"].min()
    last = int(support[support >= 0.05 * size].index.max())
    curve = curve[curve["months_since_exit"] <= last]
    return (
        curve.groupby(["scenario", "months_since_exit"])["incidence"]
        .agg(mean="mean", lo=lambda x: np.percentile(x, 2.5), hi=lambda x: np.percentile(x, 97.5))
        .reset_index()
    )


def curves_title(ends: pd.Series, labels: dict[str, str]) -> str:
    """The curves figure's finding from each scenario's mean at the last month shown.

    ``ends`` is indexed by scenario, the reference first.

    >>> curves_title(pd.Series({"baseline": 0.3, "a": 0.2, "b": 0.25}), {"a": "a", "b": "b"})
    'A keeps the most survivors from re-trafficking (20% against 30% at baseline)'
    """
    if len(ends) == 1:
        return "Re-trafficking accumulates over the years after exit"
    best = str(ends.iloc[1:].idxmin())
    return (
        f"{labels[best].capitalize()} keeps the most survivors from re-trafficking "
        f"({ends[best]:.0%} against {ends.iloc[0]:.0%} at {ends.index[0].replace('_', ' ')})"
    )


def curves(store: ResultsStore, scenarios: list[Scenario], out: Path) -> Figure:
    """Cumulative true re-trafficking by months since exit: one panel per policy.

    Each panel shows one policy against the reference (dashed), so no figure relies on telling
    nine colours apart.
    """
    import matplotlib.pyplot as plt

    names = [s.name for s in scenarios]
    band, labels = curve_bands(store, names), scenario_labels(scenarios)
    panels = names[1:] or names[:1]
    cols = min(4, len(panels))
    rows = -(-len(panels) // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=SIZE, layout="constrained", sharex=True, sharey=True, squeeze=False
    )
    policy = palette(names)[names[0]]  # one strong colour: each panel names its policy
    for ax, name in zip(axes.flat, panels, strict=False):
        for shown, dashed in ((names[0], True), (name, False)):
            part = band[band["scenario"] == shown]
            x = part["months_since_exit"]
            colour = "0.35" if dashed else policy
            ax.plot(x, part["mean"] * 100, color=colour, linewidth=3, ls="--" if dashed else "-")
            ax.fill_between(x, part["lo"] * 100, part["hi"] * 100, color=colour, alpha=0.18)
        ax.set_title(labels[name], fontsize=17)
    for ax in axes.flat[len(panels) :]:
        ax.set_visible(False)
    fig.supxlabel("months since first exit", fontsize=17)
    fig.supylabel("re-trafficked at least once (% of survivors)", fontsize=17)
    month = int(band["months_since_exit"].max())
    ends = band[band["months_since_exit"] == month].set_index("scenario")["mean"].loc[names]
    reps, size = sample_size(store, names)
    caption = (
        f"Share of survivors re-trafficked at least once, by months since their first exit: "
        f"one panel per scenario (solid blue) against {labels[names[0]]} (dashed grey). Lines are "
        f"means over {reps} replicate cohorts of {size:,} synthetic survivors; bands are 95% "
        f"intervals across replicates. Kaplan-Meier estimates, shown while at least 5% of the "
        f"cohort is still followed (survivors exit over the whole window)."
    )
    alt = f"Line charts, one per scenario. By month {month}: " + " ".join(
        f"{labels[n]} {ends[n] * 100:.0f}%." for n in names
    )
    return save(fig, out, "curves", curves_title(ends, labels), caption, alt)


def at_24_60(store: ResultsStore, scenarios: list[Scenario], out: Path) -> Figure:
    """Re-trafficking within 24 and 60 months: levels, and each policy's paired change."""
    import matplotlib.pyplot as plt

    names, table, labels = summary_table(store, scenarios)
    fig, (level, change) = plt.subplots(
        1, 2, figsize=SIZE, layout="constrained", sharey=True, width_ratios=(1, 1.15)
    )
    y = np.arange(len(names))[::-1]
    horizons = cues(["24", "60"])
    for offset, months in zip((0.15, -0.15), (24, 60), strict=True):
        cue, label = horizons[str(months)], f"within {months} months"
        est, lo, hi = interval_rows(table, names, RETRAFFICKED[months].column, 100)
        if not np.isfinite(est).any():
            label += " (not shown: the runs are shorter)"
        point_range(level, y + offset, est, lo, hi, cue.colour, label, cue.marker)
        est, lo, hi = interval_rows(table, names[1:], DIFFERENCE[months].column, 100)
        point_range(change, y[1:] + offset, est, lo, hi, cue.colour, label, cue.marker)
    level.set_yticks(y, [labels[n] for n in names])
    level.set_xlabel("re-trafficked (% of survivors)\nmean, 95% interval across replicates")
    change.axvline(0, color="black", linewidth=1)
    change.set_xlabel(
        f"change against {labels[names[0]]} (percentage points)\n"
        "mean, 95% interval of paired differences"
    )
    change.legend(fontsize=15, loc="upper left")  # the reference row is empty there
    reps, size = sample_size(store, names)
    caption = (
        f"True re-trafficking within 24 and 60 months of first exit. Left: each scenario's "
        f"level, means over {reps} replicate cohorts of {size:,} synthetic survivors with 95% "
        f"intervals across replicates. Right: each policy's change against {labels[names[0]]}, "
        f"paired by replicate (replicate k of every scenario shares its random numbers and "
        f"parameter draw), so a change can be clear while the levels' intervals overlap."
    )
    alt = "Dot plots. " + " ".join(
        f"{labels[n]}: "
        + ", ".join(
            _within(table.loc[(n, RETRAFFICKED[m].column), "estimate"], m) for m in (24, 60)
        )
        + "."
        for n in names
    )
    return save(fig, out, "at_24_60", at_24_60_title(table, names, labels), caption, alt)


def _within(share: float, months: int) -> str:
    """A level in words, or that the runs did not follow anyone that long.

    >>> _within(0.123, 24), _within(float("nan"), 60)
    ('12% within 24 months', 'not observed within 60 months (the runs are shorter)')
    """
    if not np.isfinite(share):
        return f"not observed within {months} months (the runs are shorter)"
    return f"{share * 100:.0f}% within {months} months"


def at_24_60_title(table: pd.DataFrame, names: list[str], labels: dict[str, str]) -> str:
    """The finding: the reference's level and the largest paired change in it.

    Read within five years, or within two when the runs are shorter than five years (a level
    the runs do not reach is missing, never a number).
    """
    reached = [
        m
        for m in (60, 24)
        if np.isfinite(table.loc[(names[0], RETRAFFICKED[m].column), "estimate"])
    ]
    if not reached:
        return "The runs are too short to show re-trafficking within 24 or 60 months"
    months = reached[0]
    level = table.loc[(names[0], RETRAFFICKED[months].column), "estimate"]
    title = f"Within {_YEARS[months]}, {level:.0%} are re-trafficked"
    if len(names) == 1:
        return title
    change = {n: table.loc[(n, DIFFERENCE[months].column)] for n in names[1:]}
    best = min(change, key=lambda n: change[n]["estimate"])
    row = change[best]
    return (
        f"{title} at {labels[names[0]]}; {labels[best]} changes that by "
        f"{row['estimate'] * 100:+.1f} points (paired 95% interval {row['lower'] * 100:+.1f} "
        f"to {row['upper'] * 100:+.1f})"
    )


_YEARS = {24: "two years", 60: "five years"}


def averted(store: ResultsStore, scenarios: list[Scenario], out: Path) -> Figure:
    """Re-trafficking cases averted per 1,000 survivors against the reference."""
    import matplotlib.pyplot as plt

    names, table, labels = summary_table(store, scenarios)
    others = sorted(names[1:], key=lambda n: table.loc[(n, "cases_averted_per_1000"), "estimate"])
    est, lo, hi = interval_rows(table, others, "cases_averted_per_1000")
    # one strong colour: each bar is labelled, so colour carries nothing (a pale yellow bar
    # of the colour-blind palette was hard to see on white)
    fig, ax = plt.subplots(figsize=SIZE, layout="constrained")
    y = np.arange(len(others))
    ax.barh(y, est, color=palette(names)[names[0]], alpha=0.85)
    ax.errorbar(
        est, y, xerr=[est - lo, hi - est], fmt="none", color="black", capsize=6, linewidth=2
    )
    ax.set_yticks(y, [labels[n] for n in others])
    ax.axvline(0, color="black", linewidth=1)
    ax.set_xlabel(
        f"re-trafficking cases averted per 1,000 survivors over the horizon "
        f"(vs {labels[names[0]]}, 95% interval)"
    )
    best = others[-1]
    title = (
        f"{labels[best].capitalize()} averts the most: about {est[-1]:.0f} cases per "
        "1,000 survivors"
    )
    reps, size = sample_size(store, names)
    caption = (
        f"Re-trafficking events (all episodes) averted per 1,000 survivors against "
        f"{labels[names[0]]}, paired by replicate (replicate k of every scenario shares "
        f"its random numbers). Bars: means over {reps} replicates of {size:,} synthetic "
        f"survivors; whiskers: 95% intervals."
    )
    alt = "Bar chart. " + " ".join(
        f"{labels[n]}: {e:.0f} averted per 1,000." for n, e in zip(others, est, strict=True)
    )
    return save(fig, out, "averted", title, caption, alt)


def dose(store: ResultsStore, scenarios: list[Scenario], out: Path) -> Figure:
    """Re-trafficking and service-months by monitoring length."""
    import matplotlib.pyplot as plt

    names, table, _ = summary_table(store, scenarios)
    months = [int(s.overrides.get("policy.monitoring_months", 0)) for s in scenarios]
    fig, (left, right) = plt.subplots(1, 2, figsize=SIZE, layout="constrained")
    import seaborn as sns

    c = sns.color_palette("colorblind", 2)
    for ax, measure, scale, colour, label in (
        (
            left,
            DIFFERENCE[60].column,
            100,
            c[0],
            "change in 5-year re-trafficking vs none (points, paired)",
        ),
        (right, "service_months_per_survivor", 1, c[1], "service-months per survivor"),
    ):
        est, lo, hi = interval_rows(table, names, measure, scale)
        ax.plot(months, est, "-o", color=colour, linewidth=3, markersize=10)
        ax.fill_between(months, lo, hi, color=colour, alpha=0.2)
        ax.set_xlabel("months of monitoring")
        ax.set_ylabel(label)
        ax.set_xticks(months)
    left.axhline(0, color="black", linewidth=1)
    risk = [table.loc[(n, RETRAFFICKED[60].column), "estimate"] * 100 for n in names]
    gains = -np.diff(risk) / np.maximum(np.diff(months), 1)
    title = dose_title(risk, months)
    reps, size = sample_size(store, names)
    caption = (
        f"Left: change in true re-trafficking within 60 months of exit against no "
        f"monitoring, paired by replicate, by length of monitoring after return; right: "
        f"service-months used per survivor (assistance, support and "
        f"monitoring). Means over {reps} replicate cohorts of {size:,} synthetic "
        f"survivors; bands are 95% intervals. Gains per extra month of monitoring fall "
        f"from {gains[0]:.2f} to {gains[-1]:.3f} points."
    )
    alt = "Two line charts. " + " ".join(
        f"{m} months: {r:.1f}% re-trafficked." for m, r in zip(months, risk, strict=True)
    )
    return save(fig, out, "dose", title, caption, alt)


def subgroups(store: ResultsStore, scenarios: list[Scenario], out: Path) -> Figure:
    """Each policy's change in 5-year re-trafficking, by subgroup."""
    import matplotlib.pyplot as plt

    names = [s.name for s in scenarios]
    table = summarise_subgroups(store.load("subgroups", names), names[0], order=names)
    groups = list(dict.fromkeys(table["subgroup"]))
    others = names[1:]
    marks, labels = cues(others), scenario_labels(scenarios)
    fig, ax = plt.subplots(figsize=SIZE, layout="constrained")
    y = np.arange(len(groups))[::-1]
    width = 0.7 / max(len(others), 1)
    for k, name in enumerate(others):
        part = table[table["scenario"] == name].set_index("subgroup").loc[groups]
        ok = part["difference"].notna().to_numpy()
        offset = ((len(others) - 1) / 2 - k) * width  # first policy on top, as in the legend
        point_range(
            ax,
            (y + offset)[ok],
            part["difference"].to_numpy()[ok] * 100,
            part["difference_lower"].to_numpy()[ok] * 100,
            part["difference_upper"].to_numpy()[ok] * 100,
            marks[name].colour,
            labels[name],
            marks[name].marker,
        )
    ax.axvline(0, color="black", linewidth=1)
    ax.set_yticks(y, groups)
    ax.set_xlabel(
        f"change in re-trafficking within 5 years vs {labels[names[0]]} "
        "(percentage points, 95% interval)"
    )
    ax.legend(fontsize=14, loc="center left", bbox_to_anchor=(1.01, 0.5))
    biggest = table[table["scenario"].isin(others)].sort_values("difference").iloc[0]
    title = (
        f"Largest benefit: {labels[biggest['scenario']]} for "
        f"{biggest['subgroup']} ({biggest['difference'] * 100:+.1f} points)"
    )
    reps, size = sample_size(store, names)
    caption = (
        f"Change in true re-trafficking within 60 months of exit against "
        f"{labels[names[0]]}, by subgroup, paired by replicate: means over {reps} "
        f"replicate cohorts of {size:,} synthetic survivors with 95% intervals. Age is at "
        f"first exit; return-route groups are defined after exit, so a policy that "
        f"changes routes also changes who is in them.{empty_groups(table, others, labels)}"
    )
    alt = "Dot plot of changes by subgroup. " + " ".join(
        f"{labels[r.scenario]}, {r.subgroup}: {r.difference * 100:+.1f} points."
        for r in table[table["scenario"].isin(others)].itertuples()
        if r.difference == r.difference
    )
    return save(fig, out, "subgroups", title, caption, alt)


def empty_groups(table: pd.DataFrame, others: list[str], labels: dict[str, str]) -> str:
    """The caption's sentences naming every policy and subgroup drawn without a point, and why.

    >>> t = pd.DataFrame({"scenario": ["residency", "a"], "subgroup": ["assisted return"] * 2,
    ...                   "survivors": [0.0, 3.0], "difference": [float("nan")] * 2})
    >>> empty_groups(t, ["residency", "a"], {"residency": "residency", "a": "a"})
    ' No point for residency in assisted return: nobody is in that group under it. No point for \
a in assisted return: nobody in that group is followed long enough for an estimate.'
    """
    missing = table[table["scenario"].isin(others) & table["difference"].isna()]
    words = []
    for r in missing.itertuples():
        why = (
            "nobody is in that group under it"
            if r.survivors == 0
            else "nobody in that group is followed long enough for an estimate"
        )
        words.append(f" No point for {labels[r.scenario]} in {r.subgroup}: {why}.")
    return "".join(words)


def dose_title(risk: list[float], months: list[int]) -> str:
    """The dose figure's finding from the 5-year risk (%) at each length of monitoring.

    >>> dose_title([10.0, 9.0, 8.5, 8.0], [0, 6, 12, 24])
    'Monitoring lowers 5-year re-trafficking from 10.0% to 8.0%; half the gain comes by 6 months'
    >>> dose_title([10.0, 10.2], [0, 24])
    'Monitoring does not lower 5-year re-trafficking: 10.0% without it, 10.2% with 24 months'
    """
    if risk[-1] >= risk[0]:
        return (
            f"Monitoring does not lower 5-year re-trafficking: {risk[0]:.1f}% without it, "
            f"{risk[-1]:.1f}% with {months[-1]} months"
        )
    gained = np.cumsum(-np.diff(risk))
    half = months[1 + int(np.argmax(gained >= 0.5 * (risk[0] - risk[-1])))]
    return (
        f"Monitoring lowers 5-year re-trafficking from {risk[0]:.1f}% to {risk[-1]:.1f}%; "
        f"half the gain comes by {half} months"
    )
