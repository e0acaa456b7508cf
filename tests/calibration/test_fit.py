"""The fit: reproducible with a seed, runs on Dask, writes usable posteriors; recovery (slow)."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from calibration.checks import identifiability
from calibration.fit import FitSettings, Simulator, base_overrides, calibrate
from calibration.posterior import draw_for, read_posterior, summary
from calibration.spec import load_priors, load_targets

TINY = FitSettings(survivors=300, months=60, population=6, generations=2)


def test_fit_is_reproducible_with_a_seed_on_one_worker(tmp_path):
    a = calibrate("a", settings=TINY, seed=3, workers=1, results_dir=tmp_path)
    b = calibrate("b", settings=TINY, seed=3, workers=1, results_dir=tmp_path)
    pd.testing.assert_frame_equal(a.posterior, b.posterior)
    assert a.generations == 2 and a.simulations >= 12


def test_fit_writes_a_posterior_that_runs_can_use(tmp_path):
    fit = calibrate("p", settings=TINY, seed=4, workers=1, results_dir=tmp_path)
    draws, meta = read_posterior(fit.posterior_path)
    priors = load_priors(calibrated_only=True)
    assert list(draws.columns) == [p.parameter for p in priors] + ["weight"]
    assert np.isclose(draws["weight"].sum(), 1.0)
    for p in priors:
        assert draws[p.parameter].between(p.lower, p.upper).all()
    assert meta["seed"] == 4 and meta["final_epsilon"] > 0
    index, values = draw_for(draws, seed=11)
    assert values == {k: float(v) for k, v in draws.drop(columns="weight").iloc[index].items()}
    assert set(summary(draws).columns) == {"parameter", "mean", "q05", "q95"}


def test_dask_sampler_on_a_local_cluster(tmp_path):
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        fit = calibrate(
            "d", settings=TINY, seed=5, scheduler=cluster.scheduler_address, results_dir=tmp_path
        )
    assert len(fit.posterior) == TINY.population


def test_simulator_maps_unit_quantiles_to_prior_values():
    priors = load_priors()
    sim = Simulator(load_targets(), {}, priors)
    values = sim.values({p.parameter.replace(".", "__"): 0.5 for p in priors})
    for p in priors:
        expected = (
            (p.lower + p.upper) / 2 if p.distribution == "uniform" else np.sqrt(p.lower * p.upper)
        )
        if p.integer:
            expected = round(expected)
        assert values[p.parameter] == pytest.approx(expected)


@pytest.mark.slow
@pytest.mark.xfail(
    reason="issue 12: under the new structure this small ABC fit is fragile (with some draws it "
    "collapses onto one particle, effective sample size 1, before it recovers the parameters); "
    "the re-fit rebuilds it",
    strict=False,
)
def test_recovery_of_known_parameters(tmp_path):
    """Simulate at the defaults, calibrate to that, and find the defaults again."""
    settings = FitSettings(survivors=2000, months=120, population=40, generations=3)
    targets = [t for t in load_targets() if t.fit]
    truth = Simulator(targets, base_overrides(settings)).statistics({}, seed=2024)
    fit = calibrate(
        "recovery", settings=settings, seed=2, workers=1, observed=truth, results_dir=tmp_path
    )
    from sim.parameters import Params

    defaults = Params().to_flat()
    table = identifiability(fit.posterior, load_priors(calibrated_only=True))
    identified = table[table["identified"]]
    assert len(identified) >= 1, table
    for row in identified.itertuples():
        assert row.q05 <= defaults[row.parameter] <= row.q95, row


def test_a_target_without_a_declared_statistic_is_an_error_not_a_bad_score():
    typo = dataclasses.replace(load_targets()[0], statistic="mean monthz")
    with pytest.raises(KeyError, match="bug: targets name undeclared statistics: T1 mean monthz"):
        Simulator([typo], {"cohort.n_survivors": 200}).statistics({}, seed=1)
