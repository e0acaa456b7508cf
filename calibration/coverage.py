"""Coverage of the fitting method: do its 90% intervals contain the truth nine times in ten?

For each of ``datasets`` synthetic data sets, a "true" parameter set is drawn from the priors,
the model is simulated once with it to make the observed statistics, and the same ABC-SMC fit
that makes the shipped posterior (:func:`calibration.fit.calibrate`) is run on them. A
calibrated method's 90% posterior intervals contain the truth in about 90% of data sets drawn
this way (truths from the prior); ABC's tolerance makes its intervals wider, so more. A
method that misplaces or overweights its posterior (a wrong quantile map, weights ignored)
covers far less. The slow suite runs it on a small model (``tests/calibration``); it is a
check of the method, not of the shipped fit, whose size makes 20 repeats impractical.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from calibration.checks import identifiability
from calibration.fit import FitSettings, Simulator, base_overrides, calibrate
from calibration.posterior import effective_sample_size
from calibration.spec import Prior, Target
from sim.executors import execute


@dataclass(frozen=True)
class DataSet:
    """One synthetic data set: its index, true values and seeds."""

    index: int
    truth: dict[str, float]
    seed: int
    settings: FitSettings
    priors: tuple[Prior, ...]
    targets: tuple[Target, ...]


def truths(priors: list[Prior], datasets: int, seed: int) -> list[dict[str, float]]:
    """``datasets`` true parameter sets drawn independently from the priors."""
    rng = np.random.default_rng([seed, 0xC0FE])
    return [{p.parameter: p.ppf(float(rng.random())) for p in priors} for _ in range(datasets)]


def _fit_one(data: DataSet) -> pd.DataFrame:
    """Simulate the data set, fit it on one core, and say whether each interval covers."""
    targets, priors = list(data.targets), list(data.priors)
    simulator = Simulator(targets, base_overrides(data.settings))
    observed = simulator.statistics(data.truth, seed=data.seed)
    with tempfile.TemporaryDirectory() as folder:
        fit = calibrate(
            f"coverage-{data.index}",
            settings=data.settings,
            seed=data.seed,
            workers=1,
            observed=observed,
            priors=priors,
            targets=targets,
            results_dir=Path(folder),
        )
    table = identifiability(fit.posterior, priors)
    table["truth"] = table["parameter"].map(data.truth)
    table["covered"] = (table["q05"] <= table["truth"]) & (table["truth"] <= table["q95"])
    table["dataset"] = data.index
    table["effective_sample_size"] = effective_sample_size(fit.posterior["weight"])
    return table


def coverage(
    priors: list[Prior],
    targets: list[Target],
    settings: FitSettings,
    datasets: int = 20,
    seed: int = 1,
    workers: int | None = None,
) -> pd.DataFrame:
    """Fit ``datasets`` synthetic data sets; one row per data set and parameter.

    Columns: ``dataset``, ``parameter``, ``truth``, ``q05``, ``q95``, ``covered`` (the 90%
    interval holds the truth), ``identified`` (:func:`calibration.checks.identifiability`),
    ``width_ratio`` and the fit's ``effective_sample_size``. Each fit runs on one core with its
    own seed, so the table is the same with any number of ``workers``.
    """
    seeds = np.random.SeedSequence(seed).generate_state(datasets, np.uint32)
    tasks = [
        DataSet(i, truth, int(s), settings, tuple(priors), tuple(targets))
        for i, (truth, s) in enumerate(zip(truths(priors, datasets, seed), seeds, strict=True))
    ]
    tables = [table for _, table in execute(_fit_one, tasks, workers=workers)]
    columns = ["dataset", "parameter", "truth", "q05", "q95", "covered", "identified"]
    frame = pd.concat(tables, ignore_index=True)
    rest = [c for c in frame.columns if c not in columns]
    return frame[columns + rest].sort_values(["dataset", "parameter"], ignore_index=True)
