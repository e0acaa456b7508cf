"""Checks of a fit: posterior predictive check and identifiability (numbers only).

Their figures are drawn by :mod:`experiments.figures.calibration`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from calibration.fit import NOBODY_QUALIFIED, FitResult, FitSettings, Simulator, base_overrides
from calibration.posterior import draw_for, read_posterior
from calibration.spec import Prior, Target, load_targets
from sim.executors import execute
from sim.statistics import BY_KEY


def _simulate(
    job: tuple[int, dict[str, float], int, FitSettings, list[Target]],
) -> tuple[int, dict[str, float]]:
    k, overrides, seed, settings, targets = job
    return k, Simulator(targets, base_overrides(settings)).statistics(overrides, seed)


def predictive_check(
    posterior: Path,
    settings: FitSettings,
    draws: int = 40,
    seed: int = 1,
    workers: int | None = None,
) -> pd.DataFrame:
    """Simulate the targets' statistics at posterior draws and set them beside the data.

    A target is *reproduced* when its reported value lies inside the simulated 90% posterior
    predictive interval (5th to 95th percentile of the statistic over the draws). Overlapping
    intervals do not count.

    Returns:
        One row per target (fitted and checked): ``target``, ``statistic``, ``fit``, ``data``,
        ``data_lower``/``data_upper`` (:func:`data_interval`),
        ``simulated`` (median), ``sim_lower``/``sim_upper`` (5th and 95th percentiles),
        ``p_value`` (:func:`predictive_p_value`), ``draws`` (draws where the statistic could
        be computed) and ``reproduced``.
    """
    targets = load_targets()
    table, _ = read_posterior(posterior)
    jobs = []
    for k in range(draws):
        run_seed = int(np.random.SeedSequence([seed, k]).generate_state(1)[0])
        _, values = draw_for(table, run_seed)
        jobs.append((k, values, run_seed, settings, targets))
    results = sorted(r for _, r in execute(_simulate, jobs, workers=workers))
    frame = pd.DataFrame([stats for _, stats in results])
    rows = []
    for t in targets:
        values = frame[t.key].replace(NOBODY_QUALIFIED, np.nan).dropna().to_numpy()
        lo, mid, hi = np.percentile(values, [5, 50, 95]) if len(values) else (np.nan,) * 3
        d_lo, d_hi = data_interval(t)
        rows.append(
            {
                "target": t.id,
                "statistic": t.statistic,
                "fit": t.fit,
                "data": t.value,
                "data_lower": d_lo,
                "data_upper": d_hi,
                "simulated": mid,
                "sim_lower": lo,
                "sim_upper": hi,
                "p_value": predictive_p_value(values, t.value),
                "draws": len(values),
                "reproduced": reproduced(t.value, lo, hi),
            }
        )
    return pd.DataFrame(rows)


def data_interval(target: Target) -> tuple[float, float]:
    """The reported value +- 1.96 standard errors, within the values the statistic can take.

    Every observed statistic is a count, share, rate or duration, so none is below 0, and a
    share is at most 1.
    """
    lower, upper = target.value - 1.96 * target.se, target.value + 1.96 * target.se
    if BY_KEY[target.key].unit == "share":
        upper = min(upper, 1.0)
    return max(lower, 0.0), upper


def reproduced(value: float, lower: float, upper: float) -> bool:
    """The rule for "reproduced": the reported value inside the simulated 90% interval.

    >>> reproduced(1.0, 0.77, 0.99), reproduced(0.5, 0.2, 0.6), reproduced(0.5, np.nan, np.nan)
    (False, True, False)
    """
    return bool(lower <= value <= upper)


def predictive_p_value(simulated: np.ndarray, value: float) -> float:
    """Two-sided posterior predictive p-value of a reported value among simulated ones.

    ``2 * min(P(sim <= value), P(sim >= value))``, at most 1; NaN without simulated values.
    Small values say the model rarely records what was reported.

    >>> predictive_p_value(np.array([1.0, 2.0, 3.0, 4.0]), 1.0)
    0.5
    >>> predictive_p_value(np.array([1.0, 2.0, 3.0, 4.0]), 9.0)
    0.0
    """
    if len(simulated) == 0:
        return float("nan")
    below, above = np.mean(simulated <= value), np.mean(simulated >= value)
    return float(min(1.0, 2 * min(below, above)))


def identifiability(
    posterior: pd.DataFrame, priors: list[Prior], ratio: float = 0.7
) -> pd.DataFrame:
    """Which parameters the targets pin down: posterior 90% width against the prior's.

    A parameter counts as identified when its posterior 90% interval is narrower than
    ``ratio`` times its prior 90% interval (on the log scale for loguniform priors), and the
    posterior is trustworthy (:func:`calibration.posterior.trustworthy`): from a posterior
    whose weight sits on a few draws, narrow intervals say nothing, so ``identified`` is
    withheld (False, with ``withheld`` True).
    """
    from calibration.posterior import summary, trustworthy

    ok, _ = trustworthy(posterior)
    table = summary(posterior).set_index("parameter")
    rows = []
    for p in priors:
        q05, q95 = table.loc[p.parameter, "q05"], table.loc[p.parameter, "q95"]
        if p.distribution == "loguniform":
            post = np.log(q95) - np.log(q05)
            prior = 0.9 * (np.log(p.upper) - np.log(p.lower))
        else:
            post, prior = q95 - q05, 0.9 * (p.upper - p.lower)
        rows.append(
            {
                "parameter": p.parameter,
                "q05": q05,
                "q95": q95,
                "width_ratio": post / prior,
                "identified": ok and bool(post / prior < ratio),
                "withheld": not ok,
            }
        )
    return pd.DataFrame(rows)


def write_fit_summary(fit: FitResult, priors: list[Prior]) -> pd.DataFrame:
    """Write ``summary.csv`` (with identifiability) and ``correlations.csv`` beside a fit.

    Returns:
        The summary: one row per parameter with mean, quantiles and ``identified``.
    """
    from calibration import posterior

    folder = fit.posterior_path.parent
    summary = posterior.summary(fit.posterior)
    ident = identifiability(fit.posterior, priors).set_index("parameter")
    summary["identified"] = summary["parameter"].map(ident["identified"])
    summary["withheld"] = summary["parameter"].map(ident["withheld"])
    summary.to_csv(folder / "summary.csv", index=False)
    posterior.correlations(fit.posterior).to_csv(folder / "correlations.csv")
    return summary
