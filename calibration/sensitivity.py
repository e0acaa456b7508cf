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

import numpy as np
import pandas as pd

import sim
from calibration.spec import Prior, load_priors
from scenarios import HEADLINE_POLICIES
from scenarios.loader import load
from sim.executors import execute
from sim.outcomes import HEADLINE_MONTHS

#: The window of the outputs: the last headline month after exit.
MONTHS = HEADLINE_MONTHS[-1]
#: Name of the baseline output (true re-trafficking within :data:`MONTHS` of exit).
BASELINE_OUTPUT = f"retrafficked_{MONTHS}m"


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
    """Baseline re-trafficking within :data:`MONTHS` and each policy's paired effect."""
    from sim.outcomes import incidence_at

    size = {"cohort.n_survivors": job.survivors, "run.horizon_months": job.months}
    base = sim.Params().with_overrides({**job.values, **size})
    out = {BASELINE_OUTPUT: incidence_at(sim.run(base, seed=job.seed), (MONTHS,))[MONTHS]}
    for name in job.policies:
        policy = load(name).params(base)
        effect = incidence_at(sim.run(policy, seed=job.seed), (MONTHS,))[MONTHS]
        out[f"effect_{name}"] = effect - out[BASELINE_OUTPUT]
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
    if method not in ("morris", "sobol"):
        raise ValueError(f"method must be 'morris' or 'sobol' (got {method!r}).")
    if months < MONTHS:
        raise ValueError(
            f"months must be at least {MONTHS} for the {MONTHS}-month outcome (got {months})."
        )
    priors = load_priors(runs_only=True)
    spec = problem(priors)
    design = _design(method, spec, samples, seed)
    # Every sample uses the same simulation seed (common random numbers): an elementary effect
    # or a variance share then measures the parameters, not the noise between two seeds.
    run_seed = int(np.random.SeedSequence(seed).generate_state(1)[0])
    jobs = [
        Job(i, _values(priors, row), run_seed, survivors, months, tuple(policies))
        for i, row in enumerate(design)
    ]
    results: dict[int, dict[str, float]] = {}
    for _, (index, out) in execute(evaluate, jobs, workers=workers):
        results[index] = out
        if on_progress:
            on_progress(len(results), len(jobs))
    outputs = pd.DataFrame([results[i] for i in range(len(jobs))])
    return _indices(method, spec, design, outputs, seed)


def _values(priors: list[Prior], quantiles: np.ndarray) -> dict[str, float]:
    """Parameter values of one design point given on the priors' quantile scale."""
    return {
        p.parameter: p.ppf(float(np.clip(q, 1e-9, 1 - 1e-9)))
        for p, q in zip(priors, quantiles, strict=True)
    }


def _design(method: str, spec: dict, samples: int, seed: int) -> np.ndarray:
    """SALib's sample of the quantile cube for the method."""
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    if method == "morris":
        return morris_sample.sample(spec, samples, num_levels=4, seed=seed)
    return sobol_sample.sample(spec, samples, calc_second_order=False, seed=seed)


def _indices(
    method: str, spec: dict, design: np.ndarray, outputs: pd.DataFrame, seed: int
) -> pd.DataFrame:
    """SALib's indices of every output, as a long table."""
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze

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
