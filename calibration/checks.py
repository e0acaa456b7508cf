"""Checks of a fit: posterior predictive check, prior vs posterior marginals, recovery.

Figures are written with matplotlib/seaborn (never from ``sim/``), as PNG and SVG.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from calibration.fit import FitSettings, Simulator, base_overrides
from calibration.posterior import draw_for, read_posterior
from calibration.spec import Prior, Target, load_priors, load_targets
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
        values = frame[t.key].replace(1e6, np.nan).dropna().to_numpy()
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


def predictive_figure(check: pd.DataFrame, path: Path) -> list[Path]:
    """One panel per target: the data with its interval beside the simulated 90% range."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    sns.set_theme(context="talk", style="whitegrid", palette="colorblind")
    n = len(check)
    cols = 3
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(6 * cols, 3.2 * rows))
    for ax, row in zip(np.ravel(axes), check.itertuples(), strict=False):
        ax.errorbar(
            [0],
            [row.data],
            yerr=[[row.data - row.data_lower], [row.data_upper - row.data]],
            fmt="o",
            color="black",
            capsize=6,
            label="reported",
        )
        ax.errorbar(
            [1],
            [row.simulated],
            yerr=[[row.simulated - row.sim_lower], [row.sim_upper - row.simulated]],
            fmt="s",
            color=sns.color_palette("colorblind")[0],
            capsize=6,
            label="model (90%)",
        )
        ax.set_xticks([0, 1], ["reported", "model"])
        ax.set_xlim(-0.6, 1.6)
        title = f"{row.target}: {row.statistic}" + ("" if row.fit else " (checked)")
        ax.set_title(title if len(title) < 48 else title[:45] + "...", fontsize=12)
    for ax in np.ravel(axes)[n:]:
        ax.set_visible(False)
    fig.suptitle("Posterior predictive check: each target beside what the model records")
    fig.tight_layout()
    return _save(fig, path)


def marginals_figure(posterior: Path, path: Path, priors: list[Prior] | None = None) -> list[Path]:
    """Prior range vs weighted posterior histogram for each calibrated parameter."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    sns.set_theme(context="talk", style="whitegrid", palette="colorblind")
    priors = priors or load_priors(calibrated_only=True)
    draws, _ = read_posterior(posterior)
    cols = 3
    rows = int(np.ceil(len(priors) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(6 * cols, 3.2 * rows))
    for ax, prior in zip(np.ravel(axes), priors, strict=False):
        log = prior.distribution == "loguniform"
        x = draws[prior.parameter].to_numpy()
        bins = (
            np.geomspace(prior.lower, prior.upper, 16)
            if log
            else np.linspace(prior.lower, prior.upper, 16)
        )
        ax.hist(x, bins=bins, weights=draws["weight"], density=True, alpha=0.8, label="posterior")
        width = (np.log(prior.upper) - np.log(prior.lower)) if log else prior.upper - prior.lower
        grid = (
            np.geomspace(prior.lower, prior.upper, 50)
            if log
            else np.linspace(prior.lower, prior.upper, 50)
        )
        density = 1 / (grid * width) if log else np.full_like(grid, 1 / width)
        ax.plot(grid, density, color="black", linestyle="--", label="prior")
        if log:
            ax.set_xscale("log")
        ax.set_title(prior.parameter.split(".", 1)[1], fontsize=12)
    for ax in np.ravel(axes)[len(priors) :]:
        ax.set_visible(False)
    np.ravel(axes)[0].legend(fontsize=10)
    fig.suptitle("Calibrated parameters: prior (dashed) and posterior")
    fig.tight_layout()
    return _save(fig, path)


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


def _save(fig: object, path: Path) -> list[Path]:
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    out = [path.with_suffix(".png"), path.with_suffix(".svg")]
    for p in out:
        fig.savefig(p, dpi=100)  # type: ignore[attr-defined]
    plt.close(fig)  # type: ignore[arg-type]
    return out
