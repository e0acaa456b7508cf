"""Costs in money: cost per survivor, incremental cost per case averted, dominance.

Every run prices what it delivered (:func:`sim.outcomes.costs`, with that replicate's draw of
the unit costs), so costs carry the same paired worlds as the outcomes: a policy's extra cost
and its cases averted are differences from the reference in the same replicate.
Service-months stay beside them as the unit-free measure (:func:`experiments.compare.summarise`).
Only services, permits and safe-migration placements are priced: a lever's own programme
(local jobs, anti-collusion work, risk assessments, debt relief, stigma reduction) has no unit
cost in the sources or here, and counts only through the services it changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from experiments.defaults import SEED
from sim.parameters.costs import CURRENCY

__all__ = ["CURRENCY", "cost_effectiveness", "dominated_by", "ratio_of_means"]


def cost_effectiveness(
    headline: pd.DataFrame, reference: str, order: Sequence[str] | None = None, seed: int = SEED
) -> pd.DataFrame:
    """One row per scenario: what it costs and what a case it averts costs, against ``reference``.

    Columns: ``scenario``; ``cost_per_survivor`` with ``cost_lower``/``cost_upper``;
    ``extra_cost_per_survivor`` (paired, against the reference) with ``extra_cost_lower``/
    ``_upper``; ``averted_per_1000`` (re-trafficking events averted per 1,000 survivors) with
    ``averted_lower``/``_upper``; ``cost_per_case_averted``, the incremental
    cost-effectiveness ratio (mean extra cost over mean cases averted) with a bootstrap
    interval over replicates (``icer_lower``/``_upper``), empty where the
    scenario averts no case on average; ``dominated_by``, the first scenario that costs no
    more and averts at least as many cases, one of them strictly (empty if none). Intervals
    are the 2.5th and 97.5th percentiles over replicates; money is in :data:`CURRENCY`.
    """
    order = list(order or sorted(headline["scenario"].unique()))
    h = headline.assign(
        cost=headline["cost_total"] / headline["survivors"],
        cases=headline["retrafficking_events"] / headline["survivors"] * 1000,
    )
    cost = h.pivot(index="replicate", columns="scenario", values="cost")[order]
    cases = h.pivot(index="replicate", columns="scenario", values="cases")[order]
    rng = np.random.default_rng(seed)
    rows = []
    for name in order:
        extra = (cost[name] - cost[reference]).to_numpy()
        averted = (cases[reference] - cases[name]).to_numpy()
        rows.append(
            {
                "scenario": name,
                **_mean_interval("cost_per_survivor", cost[name].to_numpy(), "cost"),
                **_mean_interval("extra_cost_per_survivor", extra, "extra_cost"),
                **_mean_interval("averted_per_1000", averted, "averted"),
                **_icer(extra, averted, rng),
            }
        )
    table = pd.DataFrame(rows)
    table["dominated_by"] = dominated_by(table)
    return table


def dominated_by(table: pd.DataFrame) -> list[str]:
    """For each row, the first other row that dominates it; empty where none does.

    One row dominates another when it costs no more and averts no fewer cases (mean extra
    cost per survivor, mean cases averted per 1,000), and is better in one of the two.
    """
    cost = table["extra_cost_per_survivor"].to_numpy()
    averted = table["averted_per_1000"].to_numpy()
    names = table["scenario"].tolist()
    out = []
    for i in range(len(names)):
        better = (
            (cost <= cost[i])
            & (averted >= averted[i])
            & ((cost < cost[i]) | (averted > averted[i]))
        )
        better[i] = False
        out.append(names[int(np.flatnonzero(better)[0])] if better.any() else "")
    return out


def _mean_interval(name: str, values: np.ndarray, short: str | None = None) -> dict[str, float]:
    """``name`` (mean) and its 2.5th/97.5th percentiles as ``<short>_lower``/``_upper``."""
    short = short or name
    lo, hi = np.percentile(values, [2.5, 97.5]) if len(values) else (np.nan, np.nan)
    return {name: float(np.mean(values)), f"{short}_lower": float(lo), f"{short}_upper": float(hi)}


def _icer(extra: np.ndarray, averted: np.ndarray, rng: np.random.Generator) -> dict[str, float]:
    """Mean extra cost per survivor over mean cases averted per survivor (:func:`ratio_of_means`).

    Empty (NaN) when the scenario averts no case on average (the reference itself, or a
    policy no better): a cost per case averted is then undefined.
    """
    # cases averted are per 1,000 survivors, costs per survivor
    estimate, lower, upper = ratio_of_means(extra, averted, rng, scale=1000.0)
    return {"cost_per_case_averted": estimate, "icer_lower": lower, "icer_upper": upper}


def ratio_of_means(
    num: np.ndarray,
    den: np.ndarray,
    rng: np.random.Generator,
    scale: float = 1.0,
    draws: int = 2000,
) -> tuple[float, float, float]:
    """``scale`` x mean(num) / mean(den) over paired replicates, and its bootstrap 95% interval.

    The estimate is NaN where ``den`` is not positive on average (the ratio is undefined).
    A resample whose mean ``den`` is not positive has no finite ratio and counts as ``inf``:
    where more than 2.5% of resamples are such, the interval has no upper bound, for the data
    do not rule out a denominator of zero. (Leaving them out would narrow the interval to the
    resamples that happen to favour the policy.)

    >>> rng = np.random.default_rng(1)
    >>> ratio_of_means(np.array([2.0, 4.0]), np.array([1.0, 1.0]), rng)[0]
    3.0
    >>> ratio_of_means(np.array([1.0, 1.0]), np.array([2.0, -1.0]), rng)[2]
    inf
    """
    if len(den) == 0 or den.mean() <= 0:
        return np.nan, np.nan, np.nan
    pick = rng.integers(0, len(den), size=(draws, len(den)))
    nums, dens = num[pick].mean(axis=1), den[pick].mean(axis=1)
    ratio = np.where(dens > 0, nums / np.where(dens > 0, dens, 1.0) * scale, np.inf)
    lo, hi = np.quantile(ratio, [0.025, 0.975], method="inverted_cdf")  # inf stays inf
    return float(num.mean() / den.mean() * scale), float(lo), float(hi)
