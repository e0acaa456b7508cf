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


def marginals_figure(posterior: Path, path: Path, priors: list[Prior] | None = None) -> list[Path]:
    """Prior range vs weighted posterior histogram for each calibrated parameter."""
    import matplotlib.pyplot as plt

    style()
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
    return save_files(fig, path)


def sensitivity_figure(table: pd.DataFrame, path: Path) -> list[Path]:
    """Tornado-style bars: the main index of each parameter, one panel per output."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    style()
    main = "mu_star" if "mu_star" in set(table["index"]) else "ST"
    data = table[table["index"] == main]
    outputs = list(dict.fromkeys(data["output"]))
    fig, axes = plt.subplots(1, len(outputs), figsize=(6.5 * len(outputs), 7), sharey=True)
    axes = np.atleast_1d(axes)
    order = (
        data[data["output"] == outputs[0]]
        .sort_values("value", ascending=False)["parameter"]
        .tolist()
    )
    for ax, output in zip(axes, outputs, strict=True):
        part = data[data["output"] == output].set_index("parameter").loc[order]
        ax.barh(
            [p.split(".", 1)[1] for p in order],
            part["value"],
            xerr=part["conf"].fillna(0),
            color=sns.color_palette("colorblind")[0],
        )
        ax.invert_yaxis()
        label = (
            "re-trafficking within 5 years"
            if output == BASELINE_OUTPUT
            else "effect of " + output.removeprefix("effect_").replace("_", " ")
        )
        ax.set_title(label, fontsize=14)
        ax.set_xlabel(f"{'Morris mu*' if main == 'mu_star' else 'Sobol total index'}")
    fig.suptitle("Which uncertain parameters move the results most")
    fig.tight_layout()
    return save_files(fig, path)


def draw_fit(check: pd.DataFrame, posterior: Path, priors: list[Prior]) -> list[Path]:
    """The predictive check and marginals figures, written beside the posterior file."""
    folder = posterior.parent
    return [
        *predictive_figure(check, folder / "predictive_check"),
        *marginals_figure(posterior, folder / "marginals", priors),
    ]
