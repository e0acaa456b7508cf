"""The cost-effectiveness plane: extra cost per survivor against cases averted, per policy."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments.costs import CURRENCY, cost_effectiveness
from experiments.figures.base import SIZE, Figure, cues, sample_size, save, scenario_labels
from experiments.store import ResultsStore
from scenarios.loader import Scenario


def cost_plane(store: ResultsStore, scenarios: list[Scenario], out: Path) -> Figure:
    """Each policy's mean extra cost per survivor and cases averted, with 95% whiskers."""
    import matplotlib.pyplot as plt

    names = [s.name for s in scenarios]
    labels = scenario_labels(scenarios)
    table = cost_effectiveness(store.load("headline", names), names[0], order=names)
    rows = table.set_index("scenario")
    others = names[1:]
    cue = cues(others)
    fig, ax = plt.subplots(figsize=SIZE, layout="constrained")
    ax.axhline(0, color="grey", linewidth=1)
    ax.axvline(0, color="grey", linewidth=1)
    for name in others:
        r = rows.loc[name]
        ax.errorbar(
            r["averted_per_1000"],
            r["extra_cost_per_survivor"],
            xerr=[
                [r["averted_per_1000"] - r["averted_lower"]],
                [r["averted_upper"] - r["averted_per_1000"]],
            ],
            yerr=[
                [r["extra_cost_per_survivor"] - r["extra_cost_lower"]],
                [r["extra_cost_upper"] - r["extra_cost_per_survivor"]],
            ],
            fmt=cue[name].marker,
            color=cue[name].colour,
            markersize=14,
            capsize=6,
            linewidth=2,
            label=labels[name],
        )  # fmt: skip
    # a thin cross: no policy's marker (experiments.figures.base.MARKERS)
    ax.plot([0], [0], "kx", markersize=16, mew=3, label=f"{labels[names[0]]} (reference)")
    ax.set_xlabel(f"re-trafficking cases averted per 1,000 survivors (vs {labels[names[0]]})")
    ax.set_ylabel(f"extra cost per survivor, {CURRENCY}")
    ax.legend(loc="best", fontsize=14)
    reps, size = sample_size(store, names)
    caption = (
        f"Mean extra cost per survivor and mean cases averted per 1,000 survivors against "
        f"{labels[names[0]]}, paired by replicate; whiskers: 95% intervals over {reps} "
        f"replicates of {size:,} synthetic survivors, each drawing its own unit costs (all "
        "assumptions: no report gives one). Priced: months of assistance, support and "
        "monitoring, permits and renewals, safe-migration placements; a lever's own "
        "programme (local jobs, anti-collusion work, risk assessments, debt relief, stigma "
        "reduction) has no unit cost and counts only through the services it changes. Lower "
        "right: cheaper and better; upper left: dearer and worse."
    )
    alt = "Scatter plot. " + " ".join(
        f"{labels[n]}: {rows.loc[n, 'averted_per_1000']:.1f} averted per 1,000 for "
        f"{rows.loc[n, 'extra_cost_per_survivor']:+,.0f} per survivor."
        for n in others
    )
    return save(fig, out, "cost_plane", cost_plane_title(table, labels), caption, alt)


def cost_plane_title(table: pd.DataFrame, labels: dict[str, str]) -> str:
    """The finding: the undominated policy with the lowest cost per case averted.

    >>> nan = float("nan")
    >>> t = pd.DataFrame({"scenario": ["b", "x", "y"], "cost_per_case_averted": [nan, 900.0,
    ...     400.0], "dominated_by": ["", "", ""], "extra_cost_per_survivor": [0.0, 9.0, 2.0]})
    >>> cost_plane_title(t, {"b": "b", "x": "x", "y": "y"})
    'Y costs least per case averted: about 400 EUR (2024 prices)'
    """
    policies = table.iloc[1:]
    open_ = policies[(policies["dominated_by"] == "") & policies["cost_per_case_averted"].notna()]
    saving = open_[open_["extra_cost_per_survivor"] <= 0]
    if len(saving):
        best = saving.loc[saving["extra_cost_per_survivor"].idxmin(), "scenario"]
        return f"{labels[best].capitalize()} averts cases at no extra cost in priced services"
    if not len(open_):
        return "No policy averts re-trafficking on average"
    best = open_.loc[open_["cost_per_case_averted"].idxmin()]
    return (
        f"{labels[best['scenario']].capitalize()} costs least per case averted: about "
        f"{best['cost_per_case_averted']:,.0f} {CURRENCY}"
    )
