"""Costs in money (issue 14): what a run costs, cost per case averted, dominance."""

import numpy as np
import pandas as pd
import pytest

import sim
from experiments.costs import cost_effectiveness, dominated_by
from sim import outcomes
from sim.parameters import Params

SMALL = {
    "cohort.n_survivors": 400,
    "run.horizon_months": 36,
    "policy.residency_offer_share": 0.5,  # some permits, granted and renewed
    "policy.safe_migration_access": 0.8,  # and some safe-channel migrations
}


@pytest.fixture(scope="module")
def run():
    return sim.run(Params().with_overrides(SMALL), seed=5)


def test_a_run_costs_its_service_months_permits_and_placements_at_their_unit_costs(run):
    unit = run.params.costs
    months = outcomes.service_months(run)
    ev = run.events
    spent = outcomes.costs(run)
    assert spent["assistance"] == months["assistance"] * unit.assistance_per_month
    assert spent["monitoring"] == months["monitoring"] * unit.monitoring_per_month
    assert spent["permits"] == (ev["event"] == "RESIDENCY_GRANTED").sum() * unit.permit
    renewed = (ev["event"] == "RESIDENCY_RENEWED").sum()
    assert spent["renewals"] == renewed * unit.permit_renewal
    safe = ((ev["event"] == "REMIGRATED") & (ev["cause"] == "SAFE_MIGRATION")).sum()
    assert spent["safe_migration"] == safe * unit.safe_migration_placement
    assert min(spent["permits"], spent["renewals"], spent["safe_migration"]) > 0
    assert spent["total"] == pytest.approx(sum(v for k, v in spent.items() if k != "total"))
    assert spent["total"] > 0


def test_costs_price_a_run_and_change_nothing_in_it(run):
    dearer = Params().with_overrides({**SMALL, "costs.support_per_month": 800.0})
    again = sim.run(dearer, seed=5)
    pd.testing.assert_frame_equal(again.events, run.events)
    before, after = outcomes.costs(run), outcomes.costs(again)
    assert after["support"] == pytest.approx(2 * before["support"])
    assert after["assistance"] == before["assistance"]


def _headline(cost, cases, replicates=40, seed=0):
    """A toy headline: per scenario a cost per survivor and events per 1,000, with noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for r in range(replicates):
        noise = rng.normal(0, 1)
        for name in cost:
            rows.append(
                {
                    "scenario": name,
                    "replicate": r,
                    "survivors": 1000,
                    "cost_total": (cost[name] + 10 * noise) * 1000,
                    "retrafficking_events": cases[name] + rng.normal(0, 2),
                }
            )
    return pd.DataFrame(rows)


def test_cost_per_case_averted_is_extra_cost_over_cases_averted_with_an_interval():
    head = _headline({"base": 500, "a": 700, "b": 650}, {"base": 100, "a": 80, "b": 100})
    table = cost_effectiveness(head, "base", order=["base", "a", "b"]).set_index("scenario")
    # a: +200 per survivor, 20 cases averted per 1,000: 10,000 per case averted
    assert table.loc["a", "extra_cost_per_survivor"] == pytest.approx(200, abs=1)
    assert table.loc["a", "averted_per_1000"] == pytest.approx(20, abs=1.5)
    assert table.loc["a", "cost_per_case_averted"] == pytest.approx(10_000, rel=0.1)
    assert table.loc["a", "icer_lower"] < 10_000 < table.loc["a", "icer_upper"] < np.inf
    assert np.isnan(table.loc["base", "cost_per_case_averted"])
    # b costs more and averts nothing: no cost per case, and the reference dominates it
    assert np.isnan(table.loc["b", "cost_per_case_averted"])
    assert table.loc["b", "dominated_by"] == "base"
    assert table.loc["a", "dominated_by"] == ""


def test_an_interval_that_cannot_rule_out_averting_nothing_has_no_upper_bound():
    head = _headline({"base": 500, "a": 700}, {"base": 100, "a": 99.5}, replicates=20)
    table = cost_effectiveness(head, "base").set_index("scenario")
    assert table.loc["a", "averted_lower"] < 0 < table.loc["a", "averted_per_1000"]
    assert table.loc["a", "icer_upper"] == np.inf


def test_dominance_needs_no_more_cost_no_fewer_cases_averted_and_better_in_one():
    table = pd.DataFrame(
        {
            "scenario": ["ref", "cheap_good", "dear_same", "dear_better", "twin"],
            "extra_cost_per_survivor": [0.0, -10.0, 50.0, 60.0, -10.0],
            "averted_per_1000": [0.0, 5.0, 5.0, 9.0, 5.0],
        }
    )
    assert dominated_by(table) == ["cheap_good", "", "cheap_good", "", ""]


def test_a_unit_cost_cannot_be_fitted(tmp_path):
    from calibration.spec import SpecError, load_priors

    path = tmp_path / "priors.toml"
    path.write_text(
        '[[prior]]\nparameter = "costs.permit"\ndistribution = "uniform"\nlower = 100.0\n'
        'upper = 900.0\nreason = "assumption: test"\n',
        encoding="utf-8",
    )
    with pytest.raises(SpecError, match="a unit cost changes no run, so it cannot be fitted"):
        load_priors(path)
    shipped = load_priors()
    assert [p for p in shipped if not p.changes_runs] == [
        p for p in shipped if p.parameter.startswith("costs.")
    ]
    assert len(load_priors(runs_only=True)) == len(shipped) - 6


def test_a_ratios_interval_has_no_upper_bound_when_its_denominator_may_be_zero():
    # Mean extra cost 1.0 > 0, but 2 of 10 replicates save money: many resamples have no
    # positive mean extra cost, so the data do not bound the ratio (before, those resamples
    # were left out and the interval looked finite and narrow).
    from experiments.costs import ratio_of_means

    averted, extra = np.full(10, 5.0), np.array([2.0] * 8 + [-3.0] * 2)
    est, lo, hi = ratio_of_means(averted, extra, np.random.default_rng(3), scale=1000.0)
    assert est == pytest.approx(5000.0) and np.isfinite(lo) and hi == np.inf
    # a denominator clear of zero in every resample keeps a finite interval around the estimate
    est, lo, hi = ratio_of_means(averted, np.linspace(1.0, 3.0, 10), np.random.default_rng(3))
    assert est == pytest.approx(2.5) and lo < est < hi < np.inf
    assert np.isnan(ratio_of_means(averted, -extra, np.random.default_rng(3))[0])
