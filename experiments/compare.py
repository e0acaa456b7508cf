"""Policy comparison: summaries of stored scenario x replicate runs (:mod:`experiments.runs`).

Uncertainty: each replicate is a whole synthetic cohort with its own seed (and, once a
calibrated posterior is used, its own parameter draw), so the spread across replicates is the
range within which a cohort's outcome falls. Intervals are the 2.5th and 97.5th percentiles
across replicates. Differences from the reference scenario are paired by replicate: replicate
``k`` of every scenario shares its seed, so the paired difference removes the noise both share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from calibration.spec import COSTS
from experiments.costs import cost_effectiveness, ratio_of_means
from experiments.defaults import REPLICATES, SEED
from experiments.outputs import (
    DIFFERENCE,
    MAIN_MONTHS,
    OBSERVED,
    PARAMETER_PREFIX,
    RETRAFFICKED,
)
from experiments.runs import load_scenarios, run_scenarios
from experiments.store import ResultsStore
from scenarios.loader import Scenario
from sim.inputs import InputError
from sim.outcomes import HEADLINE_MONTHS

__all__ = ["Comparison", "compare", "comparison", "paired", "run_scenarios", "summarise"]


@dataclass
class Comparison:
    """A finished comparison: its scenarios, store, and summary tables."""

    scenarios: list[Scenario]
    store: ResultsStore
    reference: str
    summary: pd.DataFrame
    subgroups: pd.DataFrame
    ran: int
    reused: int
    #: One row per scenario: the probabilities a decision rests on (:func:`decisions`).
    decisions: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: One row per policy: what would change its answer (:func:`flips`).
    flips: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: One row per scenario: costs in money and cost per case averted
    #: (:func:`experiments.costs.cost_effectiveness`).
    costs: pd.DataFrame = field(default_factory=pd.DataFrame)


def compare(scenarios: Sequence[str | Path | Scenario], **options: Any) -> pd.DataFrame:
    """Compare scenarios against the first one; returns the tidy summary table.

    Example, in a script (worker processes re-run a script when they start, so the call
    needs the guard; a notebook does not)::

        if __name__ == "__main__":
            table = compare(["baseline", "residency"], replicates=10)

    The options are those of
    :func:`experiments.runs.run_scenarios` (replicates, seed, survivors, months, workers,
    scheduler, output, posterior, on_progress); :func:`comparison` gives the full result.
    """
    return comparison(scenarios, **options).summary


def comparison(
    scenarios: Sequence[str | Path | Scenario], reference: str | None = None, **kwargs: Any
) -> Comparison:
    """Run or reuse the runs, summarise them against the reference, write the tables.

    Args:
        scenarios: Scenario names, files or objects.
        reference: The scenario every other is compared with (default: the first). It changes
            no run, only the summary.
        **kwargs: The options of :func:`experiments.runs.run_scenarios`.

    The analyst tables (CSV and a workbook, :mod:`experiments.exports`) go into the results
    folder beside the runs.
    """
    names = [s.name for s in load_scenarios(scenarios)]
    if reference is not None and reference not in names:  # said before any run is made
        raise InputError(
            f"reference: {reference!r} is not one of the scenarios compared ({', '.join(names)})."
        )
    loaded, store, ran, reused = run_scenarios(scenarios, **kwargs)
    if reference is not None:
        loaded = sorted(loaded, key=lambda s: s.name != reference)  # stable: the rest in order
    result = summarised(
        loaded, store, kwargs.get("replicates", REPLICATES), kwargs.get("seed", SEED), ran, reused
    )
    from experiments.exports import write_tables

    write_tables(result, store.root)
    return result


def summarised(
    loaded: list[Scenario],
    store: ResultsStore,
    replicates: int,
    seed: int = SEED,
    ran: int = 0,
    reused: int = 0,
) -> Comparison:
    """The comparison of the first ``replicates`` stored runs of ``loaded``, against the first."""
    names = [s.name for s in loaded]
    headline = store.load("headline", names)
    headline = headline[headline["replicate"] < replicates]
    subgroups = store.load("subgroups", names)
    subgroups = subgroups[subgroups["replicate"] < replicates]
    return Comparison(
        scenarios=loaded,
        store=store,
        reference=names[0],
        summary=summarise(headline, names[0], order=names, seed=seed),
        subgroups=summarise_subgroups(subgroups, names[0], order=names),
        ran=ran,
        reused=reused,
        decisions=decisions(headline, names[0], order=names),
        flips=flips(headline, names[0], order=names),
        costs=cost_effectiveness(headline, names[0], order=names, seed=seed),
    )


def decisions(
    headline: pd.DataFrame, reference: str, order: Sequence[str] | None = None
) -> pd.DataFrame:
    """What a decision rests on, for each scenario against the reference, over replicates.

    Each replicate is one plausible world (its seed and its draw of every uncertain
    parameter), the same world for every scenario. Columns:

    - ``p_lowers``: the share of worlds where the scenario's true re-trafficking within
      :data:`MAIN_MONTHS` is below the reference's (paired);
    - ``p_best``: the share of worlds where it is the lowest of all scenarios compared
      (a tie shares the world);
    - ``averted_per_1000`` (mean), ``averted_lower``/``averted_upper`` (2.5th and 97.5th
      percentiles): re-trafficking events averted per 1,000 survivors;
    - ``*_mc_error``: the Monte Carlo standard error of each figure from the number of
      replicates (:func:`_share_error` for a share, ``sd / sqrt(n)`` for a mean): more
      replicates shrink it, not the spread between worlds;
    - ``replicates``: the number of worlds.
    """
    order = list(order or sorted(headline["scenario"].unique()))
    column = RETRAFFICKED[MAIN_MONTHS].column
    wide = headline.pivot(index="replicate", columns="scenario", values=column)[order]
    events = headline.assign(
        per_1000=headline["retrafficking_events"] / headline["survivors"] * 1000
    ).pivot(index="replicate", columns="scenario", values="per_1000")[order]
    lowest = wide.to_numpy() == wide.min(axis=1).to_numpy()[:, None]
    ties = lowest.sum(axis=1, keepdims=True)  # 0 in a world where the measure is undefined
    share_best = np.divide(lowest, ties, out=np.zeros(lowest.shape), where=ties > 0)
    n = len(wide)
    rows = []
    for i, name in enumerate(order):
        lowers = float((wide[name] < wide[reference]).mean())
        best = float(share_best[:, i].mean())
        averted = (events[reference] - events[name]).to_numpy()
        _, lo, hi = _interval(averted)
        rows.append(
            {
                "scenario": name,
                "replicates": n,
                "p_lowers": lowers,
                "p_lowers_mc_error": _share_error(lowers, n),
                "p_best": best,
                "p_best_mc_error": _share_error(best, n),
                "averted_per_1000": float(averted.mean()),
                "averted_lower": lo,
                "averted_upper": hi,
                "averted_mc_error": float(averted.std(ddof=1) / np.sqrt(n)) if n > 1 else np.nan,
            }
        )
    return pd.DataFrame(rows)


def flips(
    headline: pd.DataFrame, reference: str, order: Sequence[str] | None = None
) -> pd.DataFrame:
    """What would change the answer: the parameter that best splits each policy's worlds.

    For each policy, the uncertain parameter whose value best separates the worlds where it
    lowers re-trafficking from those where it does not. Scenario discovery on the replicate
    draws: a one-split decision tree (scikit-learn) over the values each run used (``param:
    ...`` headline columns) classifies each world by whether the policy lowers true
    re-trafficking within :data:`MAIN_MONTHS` against the reference. A policy that lowers it
    in every world, or in none, has no flip among them. Each side of a split holds at least a
    tenth of the worlds (and at least 3): a split that isolates one or two worlds is noise.

    Columns: ``scenario``, ``worlds``, ``p_lowers``, ``parameter`` and ``threshold`` (empty
    when nothing flips), ``p_lowers_below``/``p_lowers_above`` (the share of worlds with the
    parameter at most / above the threshold where the policy lowers it), ``worlds_below``,
    ``worlds_above``.
    """
    from sklearn.tree import DecisionTreeClassifier

    order = list(order or sorted(headline["scenario"].unique()))
    column = RETRAFFICKED[MAIN_MONTHS].column
    # unit costs price a run and change nothing in it: they cannot flip re-trafficking
    costs = f"{PARAMETER_PREFIX}{COSTS}."
    params = [c for c in headline.columns if c.startswith(PARAMETER_PREFIX)]
    params = [c for c in params if not c.startswith(costs)]
    wide = headline.pivot(index="replicate", columns="scenario", values=column)
    drawn = headline[headline["scenario"] == reference].set_index("replicate")[params]
    drawn = drawn.loc[:, drawn.nunique() > 1]
    rows = []
    for name in (n for n in order if n != reference):
        lowers = (wide[name] < wide[reference]).loc[drawn.index].to_numpy()
        row: dict[str, Any] = {
            "scenario": name,
            "worlds": len(lowers),
            "p_lowers": float(lowers.mean()),
            "parameter": "",
            "threshold": np.nan,
        }
        if 0 < lowers.sum() < len(lowers) and drawn.shape[1] > 0:
            leaf = max(3, len(lowers) // 10)  # a split that isolates one or two worlds is noise
            tree = DecisionTreeClassifier(max_depth=1, min_samples_leaf=leaf, random_state=0)
            tree.fit(drawn, lowers)
            feature, threshold = tree.tree_.feature[0], float(tree.tree_.threshold[0])
            if feature >= 0:
                x = drawn.iloc[:, feature].to_numpy()
                below = x <= threshold
                row.update(
                    parameter=drawn.columns[feature].removeprefix(PARAMETER_PREFIX),
                    threshold=threshold,
                    p_lowers_below=float(lowers[below].mean()),
                    p_lowers_above=float(lowers[~below].mean()),
                    worlds_below=int(below.sum()),
                    worlds_above=int((~below).sum()),
                )
        rows.append(row)
    return pd.DataFrame(rows)


def _share_error(p: float, n: int) -> float:
    """Monte Carlo standard error of a share ``p`` estimated from ``n`` replicates.

    ``sqrt(q (1 - q) / n)`` with ``q = (n p + 0.5) / (n + 1)``, so a share of 0 or 1 from a
    few replicates does not claim to be exact.

    >>> round(_share_error(1.0, 4), 3), round(_share_error(0.5, 100), 3)
    (0.15, 0.05)
    """
    if n <= 0:
        return float("nan")
    q = (n * p + 0.5) / (n + 1)
    return float(np.sqrt(q * (1 - q) / n))


def _interval(values: np.ndarray) -> tuple[float, float, float]:
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return (np.nan, np.nan, np.nan)
    lo, hi = np.percentile(values, [2.5, 97.5])
    return float(values.mean()), float(lo), float(hi)


def paired(headline: pd.DataFrame, column: str, reference: str) -> pd.DataFrame:
    """Per scenario and replicate: ``column`` minus the reference scenario's same replicate."""
    wide = headline.pivot(index="replicate", columns="scenario", values=column)
    diff = wide.sub(wide[reference], axis=0)
    return diff.reset_index().melt(id_vars="replicate", var_name="scenario", value_name="diff")


def summarise(
    headline: pd.DataFrame, reference: str, order: Sequence[str] | None = None, seed: int = SEED
) -> pd.DataFrame:
    """The comparison table in long form.

    Columns: ``scenario``, ``measure``, ``estimate`` (mean over replicates), ``lower`` and
    ``upper`` (2.5th and 97.5th percentiles), ``unit``.
    """
    order = list(order or sorted(headline["scenario"].unique()))
    h = headline.copy()
    h["cases_per_1000"] = h["retrafficking_events"] / h["survivors"] * 1000
    h["service_months_per_survivor"] = h["service_months_total"] / h["survivors"]
    rows: list[dict[str, Any]] = []

    def put(scenario: str, measure: str, interval: tuple[float, float, float], unit: str) -> None:
        est, lo, hi = interval
        rows.append(
            {
                "scenario": scenario,
                "measure": measure,
                "estimate": est,
                "lower": lo,
                "upper": hi,
                "unit": unit,
            }
        )

    def add(scenario: str, measure: str, values: np.ndarray, unit: str) -> None:
        put(scenario, measure, _interval(np.asarray(values, dtype=float)), unit)

    diffs = {m: paired(h, RETRAFFICKED[m].column, reference) for m in HEADLINE_MONTHS}
    cases = paired(h, "cases_per_1000", reference)
    cost = paired(h, "service_months_total", reference)
    rng = np.random.default_rng(seed)
    for scenario in order:
        mine = h[h["scenario"] == scenario]
        for m in HEADLINE_MONTHS:
            out = RETRAFFICKED[m]
            add(scenario, out.column, mine[out.column], out.unit)
        for m in HEADLINE_MONTHS:
            d, out = diffs[m], DIFFERENCE[m]
            add(scenario, out.column, d.loc[d["scenario"] == scenario, "diff"], out.unit)
        c = cases.loc[cases["scenario"] == scenario, "diff"].to_numpy()
        add(scenario, "cases_per_1000", mine["cases_per_1000"], "re-trafficking events per 1,000")
        add(scenario, "cases_averted_per_1000", -c, "events per 1,000 survivors")
        add(scenario, "service_months_per_survivor", mine["service_months_per_survivor"], "months")
        extra = cost.loc[cost["scenario"] == scenario, "diff"].to_numpy()
        per_survivor = extra / mine["survivors"].to_numpy()
        add(scenario, "extra_service_months_per_survivor", per_survivor, "months (vs reference)")
        averted_total = -c * mine["survivors"].to_numpy() / 1000
        ratio = ratio_of_means(averted_total, extra, rng, scale=1000.0)
        put(
            scenario,
            "averted_per_1000_service_months",
            ratio,
            "events averted per 1,000 extra service-months",
        )
        for o in OBSERVED:
            add(scenario, o.column, mine[o.column], f"{o.statistic.unit} ({o.statistic.target})")
    return pd.DataFrame(rows)


def summarise_subgroups(
    subgroups: pd.DataFrame, reference: str, order: Sequence[str] | None = None
) -> pd.DataFrame:
    """Re-trafficking within :data:`MAIN_MONTHS` by subgroup, and the paired difference."""
    order = list(order or sorted(subgroups["scenario"].unique()))
    rows = []
    for group, frame in subgroups.groupby("subgroup", sort=False):
        column = RETRAFFICKED[MAIN_MONTHS].column
        wide = frame.pivot(index="replicate", columns="scenario", values=column)
        size = frame.pivot(index="replicate", columns="scenario", values="survivors")
        for scenario in order:
            est, lo, hi = _interval(wide[scenario].to_numpy())
            d_est, d_lo, d_hi = _interval((wide[scenario] - wide[reference]).to_numpy())
            rows.append(
                {
                    "subgroup": group,
                    "scenario": scenario,
                    "survivors": float(size[scenario].mean()),
                    column: est,
                    "lower": lo,
                    "upper": hi,
                    "difference": d_est,
                    "difference_lower": d_lo,
                    "difference_upper": d_hi,
                }
            )
    return pd.DataFrame(rows)
