"""Figures of stored experiment results: one function per figure kind.

Every figure reads the results store only (running and analysing are separate steps).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.compare import summarise, summarise_subgroups
from experiments.figures.base import (
    SIZE,
    Figure,
    interval_rows,
    palette,
    point_range,
    sample_size,
    save,
    scenario_labels,
    style,
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

    names = [s.name for s in scenarios]
    table = summarise(store.load("headline", names), names[0], order=names).set_index(
        ["scenario", "measure"]
    )
    labels = scenario_labels(scenarios)
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

    names = [s.name for s in scenarios]
    table = summarise(store.load("headline", names), names[0], order=names).set_index(
        ["scenario", "measure"]
    )
    labels = scenario_labels(scenarios)
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

    names = [s.name for s in scenarios]
    months = [int(s.overrides.get("policy.monitoring_months", 0)) for s in scenarios]
    table = summarise(store.load("headline", names), names[0], order=names).set_index(
        ["scenario", "measure"]
    )
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


KINDS: dict[str, Callable[[ResultsStore, list[Scenario], Path], Figure]] = {
    "curves": curves,
    "at_24_60": at_24_60,
    "averted": averted,
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
