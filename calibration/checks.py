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

    Returns:
        One row per target (fitted and checked): ``target``, ``statistic``, ``fit``, ``data``,
        ``data_lower``/``data_upper`` (value +- 1.96 se), ``simulated`` (median),
        ``sim_lower``/``sim_upper`` (5th and 95th percentiles) and ``inside`` (the data value
        lies within the simulated 90% range, or the medians within the data interval).
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
        d_lo, d_hi = t.value - 1.96 * t.se, t.value + 1.96 * t.se
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
                "inside": bool((lo <= t.value <= hi) or (d_lo <= mid <= d_hi)),
            }
        )
    return pd.DataFrame(rows)


def identifiability(
    posterior: pd.DataFrame, priors: list[Prior], ratio: float = 0.7
) -> pd.DataFrame:
    """Which parameters the targets pin down: posterior 90% width against the prior's.

    A parameter counts as identified when its posterior 90% interval is narrower than
    ``ratio`` times its prior 90% interval (on the log scale for loguniform priors).
    """
    from calibration.posterior import summary

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
                "identified": bool(post / prior < ratio),
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
    summary.to_csv(folder / "summary.csv", index=False)
    posterior.correlations(fit.posterior).to_csv(folder / "correlations.csv")
    return summary
