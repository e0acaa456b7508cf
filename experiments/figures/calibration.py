"""Figures of a calibration: predictive check, prior vs posterior marginals, sensitivity.

The numbers come from :mod:`calibration` (which draws nothing); these functions only draw.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from calibration.posterior import read_posterior
from calibration.sensitivity import BASELINE_OUTPUT
from calibration.spec import Prior, load_priors
from experiments.figures.base import save_files, style


def predictive_figure(check: pd.DataFrame, path: Path) -> list[Path]:
    """One panel per target: the data with its interval beside the simulated 90% range."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    style()
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
        verdict = "reproduced" if row.reproduced else "not reproduced"
        ax.set_title(
            (title if len(title) < 48 else title[:45] + "...") + f"\n{verdict}", fontsize=12
        )
    for ax in np.ravel(axes)[n:]:
        ax.set_visible(False)
    fig.suptitle(
        f"Posterior predictive check: {int(check['reproduced'].sum())} of {n} targets "
        "reproduced (reported value inside the model's 90% predictive interval)"
    )
    fig.tight_layout()
    return save_files(fig, path)


#: Bins of each marginal: equal prior probability, so the prior is flat at 1/BINS per bin.
BINS = 15

#: Parameters each sensitivity panel shows: the largest by the first output's index.
TOP = 15


def marginal_shares(prior: Prior, values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Posterior weight in each of :data:`BINS` bins of equal prior probability.

    The shares sum to 1 and the prior's are all ``1 / BINS``, on any prior and in any unit,
    so the axis reads as "how much more (or less) likely than the prior".

    >>> p = Prior("a.b", "uniform", 0.0, 1.0, "r")
    >>> marginal_shares(p, np.array([0.01, 0.02, 0.99]), np.ones(3))[[0, 14]].round(3).tolist()
    [0.667, 0.333]
    """
    edges = np.array([prior.ppf(q) for q in np.linspace(0, 1, BINS + 1)], dtype=float)
    where = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, BINS - 1)
    shares = np.bincount(where, weights=weights, minlength=BINS)
    return shares / shares.sum()


def marginals_figure(posterior: Path, path: Path, priors: list[Prior] | None = None) -> list[Path]:
    """Posterior weight per bin of equal prior probability, for each calibrated parameter."""
    import matplotlib.pyplot as plt

    style()
    priors = priors or load_priors(calibrated_only=True)
    draws, _ = read_posterior(posterior)
    cols = 4
    rows = int(np.ceil(len(priors) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 2.6 * rows), sharey=True)
    x = np.arange(BINS)
    for ax, prior in zip(np.ravel(axes), priors, strict=False):
        values = draws[prior.parameter].to_numpy(dtype=float)
        shares = marginal_shares(prior, values, draws["weight"].to_numpy(dtype=float))
        ax.bar(x, shares * 100, width=1.0, alpha=0.85, label="posterior")
        ax.axhline(100 / BINS, color="black", linestyle="--", label="prior")
        ends = f"{prior.ppf(0.0):.3g}", f"{prior.ppf(1.0):.3g}"
        ax.set_xticks([-0.5, BINS - 0.5], ends, fontsize=10)
        ax.set_title(prior.parameter, fontsize=10)
    for ax in np.ravel(axes)[len(priors) :]:
        ax.set_visible(False)
    for ax in np.ravel(axes)[::cols]:
        ax.set_ylabel("% of weight", fontsize=11)
    np.ravel(axes)[0].legend(fontsize=9)
    fig.suptitle(
        f"Calibrated parameters: posterior weight in {BINS} bins of equal prior probability "
        f"(prior: dashed, {100 / BINS:.1f}% each; axis ends: the prior's range)",
        fontsize=15,
    )
    fig.tight_layout()
    return save_files(fig, path)


def sensitivity_figure(table: pd.DataFrame, path: Path) -> list[Path]:
    """Bars of the main index of the :data:`TOP` parameters, full names, one panel per output."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    style()
    main = "mu_star" if "mu_star" in set(table["index"]) else "ST"
    data = table[table["index"] == main]
    outputs = list(dict.fromkeys(data["output"]))
    first = data[data["output"] == outputs[0]].sort_values("value", ascending=False)
    order = first["parameter"].tolist()[:TOP]
    fig, axes = plt.subplots(
        1, len(outputs), figsize=(16, 9), sharey=True, layout="constrained", squeeze=False
    )
    for ax, output in zip(axes[0], outputs, strict=True):
        part = data[data["output"] == output].set_index("parameter").loc[order]
        ax.barh(
            order,
            part["value"],
            xerr=part["conf"].fillna(0),
            color=sns.color_palette("colorblind")[0],
        )
        ax.invert_yaxis()
        ax.tick_params(axis="y", labelsize=12)
        ax.set_title(output_label(output), fontsize=14)
        ax.set_xlabel(f"{'Morris mu*' if main == 'mu_star' else 'Sobol total index'}")
    shown = min(TOP, len(first))
    fig.suptitle(
        f"Which uncertain parameters move the results most: the top {shown} of {len(first)} "
        f"by {output_label(outputs[0])}",
        fontsize=16,
    )
    return save_files(fig, path)


def output_label(output: str) -> str:
    """Words for a sensitivity output column.

    >>> output_label("effect_safe_migration")
    'effect of safe migration'
    """
    if output == BASELINE_OUTPUT:
        return "re-trafficking within 5 years"
    return "effect of " + output.removeprefix("effect_").replace("_", " ")


def draw_fit(check: pd.DataFrame, posterior: Path, priors: list[Prior]) -> list[Path]:
    """The predictive check and marginals figures, written beside the posterior file."""
    folder = posterior.parent
    return [
        *predictive_figure(check, folder / "predictive_check"),
        *marginals_figure(posterior, folder / "marginals", priors),
    ]
