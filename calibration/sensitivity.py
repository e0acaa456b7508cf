"""Global sensitivity of the main outcomes to the uncertain parameters (SALib).

Inputs are the calibrated parameters over their prior ranges (``calibration/priors.toml``),
sampled on each prior's quantile scale and mapped to values with its ``ppf``, so loguniform
ranges are explored evenly in log space. Outputs, for every sample:

- ``retrafficked_60m``: true re-trafficking within 5 years of exit at baseline;
- ``effect_<scenario>``: the paired change in it under each headline policy (same seed).

Methods: Morris elementary effects (screening; ``mu_star`` and ``sigma``) and Sobol indices
(first order ``S1`` and total ``ST``). All samples share one simulation seed (common random
numbers), so parameters that do not touch an output (the observation layer's, for true
re-trafficking) get an index of exactly zero.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

import sim
from calibration.spec import Prior, load_priors
from scenarios import HEADLINE_POLICIES
from scenarios.loader import load
from sim.executors import execute


@dataclass(frozen=True)
class Job:
    """One sample: parameter values, seed and cohort size."""

    index: int
    values: dict[str, float]
    seed: int
    survivors: int
    months: int
    policies: tuple[str, ...]


def evaluate(job: Job) -> tuple[int, dict[str, float]]:
    """Baseline re-trafficking within 60 months and each policy's paired effect."""
    from sim.outcomes import incidence_at

    size = {"cohort.n_survivors": job.survivors, "run.horizon_months": job.months}
    base = sim.Params().with_overrides({**job.values, **size})
    out = {"retrafficked_60m": incidence_at(sim.run(base, seed=job.seed), (60,))[60]}
    for name in job.policies:
        policy = load(name).params(base)
        effect = incidence_at(sim.run(policy, seed=job.seed), (60,))[60]
        out[f"effect_{name}"] = effect - out["retrafficked_60m"]
    return job.index, out


def problem(priors: list[Prior]) -> dict:
    """The SALib problem: every prior on its quantile scale (0, 1)."""
    return {
        "num_vars": len(priors),
        "names": [p.parameter for p in priors],
        "bounds": [[0.0, 1.0]] * len(priors),
    }


def analyse(
    method: str = "morris",
    *,
    samples: int = 8,
    survivors: int = 3000,
    months: int = 72,
    seed: int = 1,
    policies: Sequence[str] = HEADLINE_POLICIES,
    workers: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Run the sensitivity analysis.

    Args:
        method: ``"morris"`` (``samples`` trajectories, (D + 1) runs each) or ``"sobol"``
            (``samples`` base points, (D + 2) runs each).
        samples: Trajectories (Morris) or base sample size (Sobol, a power of 2).
        survivors: Cohort size per simulation.
        months: Horizon (at least 60 for the 5-year outcome).
        seed: Seed of the design and of every simulation.
        policies: Scenarios whose effect is an output.
        workers: Local processes.
        on_progress: Called with (done, total).

    Returns:
        Long table: ``output``, ``parameter``, ``index`` (mu_star, sigma, S1, ST, ...),
        ``value``, ``conf`` (95% bootstrap half-width).
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    if method not in ("morris", "sobol"):
        raise ValueError(f"method must be 'morris' or 'sobol' (got {method!r}).")
    if months < 60:
        raise ValueError(f"months must be at least 60 for the 5-year outcome (got {months}).")
    priors = load_priors()
    spec = problem(priors)
    if method == "morris":
        design = morris_sample.sample(spec, samples, num_levels=4, seed=seed)
    else:
        design = sobol_sample.sample(spec, samples, calc_second_order=False, seed=seed)
    # Every sample uses the same simulation seed (common random numbers): an elementary effect
    # or a variance share then measures the parameters, not the noise between two seeds.
    run_seed = int(np.random.SeedSequence(seed).generate_state(1)[0])
    jobs = [
        Job(
            i,
            {
                p.parameter: p.ppf(float(np.clip(q, 1e-9, 1 - 1e-9)))
                for p, q in zip(priors, row, strict=True)
            },
            run_seed,
            survivors,
            months,
            tuple(policies),
        )
        for i, row in enumerate(design)
    ]
    results: dict[int, dict[str, float]] = {}
    for _, (index, out) in execute(evaluate, jobs, workers=workers):
        results[index] = out
        if on_progress:
            on_progress(len(results), len(jobs))
    outputs = pd.DataFrame([results[i] for i in range(len(jobs))])
    rows = []
    for output in outputs.columns:
        y = outputs[output].to_numpy(dtype=float)
        if method == "morris":
            si = morris_analyze.analyze(spec, design, y, num_levels=4, seed=seed)
            pairs = (("mu_star", "mu_star_conf"), ("sigma", None), ("mu", None))
        else:
            si = sobol_analyze.analyze(spec, y, calc_second_order=False, seed=seed)
            pairs = (("S1", "S1_conf"), ("ST", "ST_conf"))
        for k, name in enumerate(spec["names"]):
            for index, conf in pairs:
                rows.append(
                    {
                        "output": output,
                        "parameter": name,
                        "index": index,
                        "value": float(si[index][k]),
                        "conf": float(si[conf][k]) if conf else np.nan,
                    }
                )
    return pd.DataFrame(rows)


def figure(table: pd.DataFrame, path: Path) -> list[Path]:
    """Tornado-style bars: the main index of each parameter, one panel per output."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    from calibration.checks import _save

    sns.set_theme(context="talk", style="whitegrid", palette="colorblind")
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
            if output == "retrafficked_60m"
            else "effect of " + output.removeprefix("effect_").replace("_", " ")
        )
        ax.set_title(label, fontsize=14)
        ax.set_xlabel(f"{'Morris mu*' if main == 'mu_star' else 'Sobol total index'}")
    fig.suptitle("Which uncertain parameters move the results most")
    fig.tight_layout()
    return _save(fig, path)
