"""Figures of stored experiment results: one function per figure kind.

Every figure reads the results store only (running and analysing are separate steps).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from experiments.compare import summarise_subgroups
from experiments.figures.base import (
    SIZE,
    Figure,
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


def curves(store: ResultsStore, scenarios: list[Scenario], out: Path) -> Figure:
    """Cumulative true re-trafficking by months since exit, with 95% bands."""
    import matplotlib.pyplot as plt

    names = [s.name for s in scenarios]
    curve = store.load("curve", names)
    # Stop where fewer than 5% of the cohort are still followed: the tail would be noise.
    size = store.load("headline", names)["survivors"].iloc[0]
    support = curve.groupby("months_since_exit")["at_risk"].min()
    last = int(support[support >= 0.05 * size].index.max())
    curve = curve[curve["months_since_exit"] <= last]
    band = (
        curve.groupby(["scenario", "months_since_exit"])["incidence"]
        .agg(mean="mean", lo=lambda x: np.percentile(x, 2.5), hi=lambda x: np.percentile(x, 97.5))
        .reset_index()
    )
    colours, labels = palette(names), scenario_labels(scenarios)
    fig, ax = plt.subplots(figsize=SIZE, layout="constrained")
    for name in names:
        part = band[band["scenario"] == name]
        ax.plot(
            part["months_since_exit"],
            part["mean"] * 100,
            color=colours[name],
            label=labels[name],
            linewidth=3 if name == names[0] else 2,
            linestyle="--" if name == names[0] else "-",
        )
        ax.fill_between(
            part["months_since_exit"],
            part["lo"] * 100,
            part["hi"] * 100,
            color=colours[name],
            alpha=0.15,
        )
    ax.set_xlabel("months since first exit")
    ax.set_ylabel("re-trafficked at least once (% of survivors)")
    ax.legend(ncol=2, fontsize=14, loc="upper left")
    end = band[band["months_since_exit"] == band["months_since_exit"].max()].set_index("scenario")
    best = end["mean"].drop(names[0]).idxmin() if len(names) > 1 else names[0]
    title = (
        f"{labels[best].capitalize()} keeps the most survivors from re-trafficking"
        if len(names) > 1
        else "Re-trafficking accumulates over the years after exit"
    )
    reps, size = sample_size(store, names)
    caption = (
        f"Share of survivors re-trafficked at least once, by months since their first "
        f"exit, for each scenario (dashed: {labels[names[0]]}). Lines are means over "
        f"{reps} replicate cohorts of {size:,} synthetic survivors; bands are 95% "
        f"intervals across replicates. Kaplan-Meier estimates, shown while at least 5% "
        f"of the cohort is still followed (survivors exit over the whole window)."
    )
    alt = "Line chart. " + " ".join(
        f"{labels[n]}: {end.loc[n, 'mean'] * 100:.0f}% re-trafficked by month "
        f"{int(band['months_since_exit'].max())}."
        for n in names
    )
    return save(fig, out, "curves", title, caption, alt)


def at_24_60(store: ResultsStore, scenarios: list[Scenario], out: Path) -> Figure:
    """Re-trafficking within 24 and 60 months of exit, mean and 95% interval."""
    import matplotlib.pyplot as plt

    names, table, labels = summary_table(store, scenarios)
    fig, ax = plt.subplots(figsize=SIZE, layout="constrained")
    y = np.arange(len(names))[::-1]
    import seaborn as sns

    colours = sns.color_palette("colorblind", 2)
    for offset, (months, colour) in zip(
        (0.15, -0.15), ((24, colours[0]), (60, colours[1])), strict=True
    ):
        est, lo, hi = interval_rows(table, names, RETRAFFICKED[months].column, 100)
        point_range(ax, y + offset, est, lo, hi, colour, f"within {months} months")
    ax.set_yticks(y, [labels[n] for n in names])
    ax.set_xlabel("re-trafficked (% of survivors), mean and 95% interval")
    ax.legend(fontsize=15)
    at60 = {n: table.loc[(n, RETRAFFICKED[60].column), "estimate"] for n in names}
    best = min(at60, key=at60.__getitem__)
    title = (
        f"Within five years, {at60[names[0]] * 100:.0f}% are re-trafficked at baseline; "
        f"{labels[best]}: {at60[best] * 100:.0f}%"
    )
    reps, size = sample_size(store, names)
    caption = (
        f"True re-trafficking within 24 and 60 months of first exit for each scenario: "
        f"means over {reps} replicate cohorts of {size:,} synthetic survivors with 95% "
        f"intervals across replicates."
    )
    alt = "Dot plot. " + " ".join(
        f"{labels[n]}: {table.loc[(n, RETRAFFICKED[24].column), 'estimate'] * 100:.0f}% within 24 "
        f"months, {at60[n] * 100:.0f}% within 60."
        for n in names
    )
    return save(fig, out, "at_24_60", title, caption, alt)


def averted(store: ResultsStore, scenarios: list[Scenario], out: Path) -> Figure:
    """Re-trafficking cases averted per 1,000 survivors against the reference."""
    import matplotlib.pyplot as plt

    names, table, labels = summary_table(store, scenarios)
    others = sorted(names[1:], key=lambda n: table.loc[(n, "cases_averted_per_1000"), "estimate"])
    est, lo, hi = interval_rows(table, others, "cases_averted_per_1000")
    colours = palette(names)
    fig, ax = plt.subplots(figsize=SIZE, layout="constrained")
    y = np.arange(len(others))
    ax.barh(y, est, color=[colours[n] for n in others], alpha=0.85)
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
    half = (
        months[1 + int(np.argmax(np.cumsum(-np.diff(risk)) >= 0.5 * (risk[0] - risk[-1])))]
        if risk[0] > risk[-1]
        else months[-1]
    )
    title = (
        f"Monitoring lowers 5-year re-trafficking from {risk[0]:.1f}% to {risk[-1]:.1f}%; "
        f"half the gain comes by {half} months"
    )
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
    colours, labels = palette(names), scenario_labels(scenarios)
    fig, ax = plt.subplots(figsize=SIZE, layout="constrained")
    y = np.arange(len(groups))[::-1]
    width = 0.7 / max(len(others), 1)
    for k, name in enumerate(others):
        part = table[table["scenario"] == name].set_index("subgroup").loc[groups]
        ok = part["difference"].notna().to_numpy()
        offset = (k - (len(others) - 1) / 2) * width
        point_range(
            ax,
            (y + offset)[ok],
            part["difference"].to_numpy()[ok] * 100,
            part["difference_lower"].to_numpy()[ok] * 100,
            part["difference_upper"].to_numpy()[ok] * 100,
            colours[name],
            labels[name],
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
        f"changes routes also changes who is in them (missing points: empty group)."
    )
    alt = "Dot plot of changes by subgroup. " + " ".join(
        f"{labels[r.scenario]}, {r.subgroup}: {r.difference * 100:+.1f} points."
        for r in table[table["scenario"].isin(others)].itertuples()
        if r.difference == r.difference
    )
    return save(fig, out, "subgroups", title, caption, alt)
