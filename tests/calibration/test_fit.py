"""The fit: reproducible with a seed, runs on Dask, writes usable posteriors; recovery (slow)."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from calibration.checks import identifiability
from calibration.fit import FitSettings, Simulator, base_overrides, calibrate
from calibration.posterior import draw_for, read_posterior, summary
from calibration.spec import SpecError, load_priors, load_targets

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
    import dask
    from distributed import LocalCluster

    from sim.cluster import DASK_SIMULATION_CONFIG

    with (
        dask.config.set(DASK_SIMULATION_CONFIG),  # as the README says to start workers
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
    ):
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


#: A small fitting problem for the method's slow checks: two parameters the screening finds
#: strongly informed (docs/screening.md), the two targets that inform them, a small cohort.
METHOD_PARAMETERS = ("cohort.age_mean_years", "survivor.share_exits_intercepted")
METHOD_TARGETS = (
    "T3 mean age at first assistance",
    "T7 share referred by law enforcement, all assisted",
)
METHOD_SETTINGS = FitSettings(survivors=300, months=12, population=40, generations=3)


def method_problem():
    priors = [p for p in load_priors() if p.parameter in METHOD_PARAMETERS]
    targets = [t for t in load_targets() if t.key in METHOD_TARGETS]
    assert len(priors) == len(targets) == 2
    return priors, targets


@pytest.mark.slow
def test_recovery_of_known_parameters(tmp_path):
    """Simulate at the defaults, calibrate to that, and find the defaults again."""
    from sim.parameters import Params

    priors, targets = method_problem()
    truth = Simulator(targets, base_overrides(METHOD_SETTINGS)).statistics({}, seed=2024)
    fit = calibrate(
        "recovery",
        settings=METHOD_SETTINGS,
        seed=2,
        workers=1,
        observed=truth,
        priors=priors,
        targets=targets,
        results_dir=tmp_path,
    )
    defaults = Params().to_flat()
    table = identifiability(fit.posterior, priors)
    identified = table[table["identified"]]
    assert len(identified) >= 1, table
    for row in identified.itertuples():
        assert row.q05 <= defaults[row.parameter] <= row.q95, row


@pytest.mark.slow
def test_the_methods_90_percent_intervals_cover_the_truth_in_14_of_20_data_sets():
    """Issue 12: truths drawn from the priors, one fit each; 90% intervals must cover them."""
    from calibration.coverage import coverage

    priors, targets = method_problem()
    table = coverage(priors, targets, METHOD_SETTINGS, datasets=20, seed=12, workers=2)
    assert len(table) == 20 * len(priors)
    identified = table[table["identified"]]
    # the check says something: most data sets identify at least one parameter
    by_set = identified.groupby("dataset")["covered"].all()
    assert len(by_set) >= 14, table
    # a data set counts when every parameter it identifies has the truth inside its interval;
    # one that identifies nothing counts against
    assert by_set.sum() >= 14, table
    # and over all fitted parameters, identified or not
    assert table.groupby("parameter")["covered"].sum().min() >= 14, table


def test_a_target_without_a_declared_statistic_is_an_error_not_a_bad_score():
    typo = dataclasses.replace(load_targets()[0], statistic="mean monthz")
    with pytest.raises(KeyError, match="bug: targets name undeclared statistics: T1 mean monthz"):
        Simulator([typo], {"cohort.n_survivors": 200}).statistics({}, seed=1)


def test_a_stopped_fit_resumes_from_its_last_generation(tmp_path):
    one = dataclasses.replace(TINY, generations=1)
    first = calibrate("r", settings=one, seed=6, workers=1, results_dir=tmp_path)
    assert first.generations == 1
    resumed = calibrate("r", settings=TINY, seed=6, workers=1, results_dir=tmp_path, resume=True)
    assert resumed.generations == TINY.generations
    assert resumed.simulations > first.simulations
    _, meta = read_posterior(resumed.posterior_path)
    assert meta["resumed"] is True and meta["generations"] == 2
    assert not list(tmp_path.glob("r/history-*.db"))  # the history was continued, not replaced
    with pytest.raises(SpecError, match="already has 2 generations"):
        calibrate("r", settings=TINY, seed=6, workers=1, results_dir=tmp_path, resume=True)
    with pytest.raises(SpecError, match="no fit to continue"):
        calibrate("none", settings=TINY, workers=1, results_dir=tmp_path, resume=True)


def test_closing_adds_one_generation_at_the_last_tolerance_and_distance(tmp_path):
    import json

    import pyabc

    first = calibrate("c", settings=TINY, seed=8, workers=1, results_dir=tmp_path)
    closed = calibrate("c", settings=TINY, seed=8, workers=1, results_dir=tmp_path, close=True)
    assert closed.generations == first.generations + 1
    assert closed.final_epsilon == first.final_epsilon
    _, meta = read_posterior(closed.posterior_path)
    assert meta["closed"] is True and meta["generations"] == 3
    history = pyabc.History(f"sqlite:///{closed.history_path}")
    scales = json.loads(closed.history_path.with_name("scale_weights.json").read_text())
    # the closing generation used the last narrowing generation's distance weights
    assert scales["2"] == scales["1"]
    distance = pyabc.PNormDistance(p=2, fixed_weights=scales["1"])
    distance.initialize(t=2, get_sample=lambda: None, x_0=history.observed_sum_stat(), total_sims=0)
    _, stats = history.get_weighted_sum_stats(t=2)
    assert all(distance(s, history.observed_sum_stat(), t=2) <= closed.final_epsilon for s in stats)
    closed.history_path.with_name("scale_weights.json").unlink()
    with pytest.raises(SpecError, match="no distance weights of generation 3"):
        calibrate("c", settings=TINY, seed=8, workers=1, results_dir=tmp_path, close=True)
