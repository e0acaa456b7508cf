"""Whole-model behaviour: reproducibility, conservation, invariants, extreme cases."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim import outcomes
from sim.model import ReintegrationModel
from sim.states import PATHWAYS, State
from tests.conftest import small


def test_same_seed_gives_identical_event_log():
    a = sim.run(small(), seed=11)
    b = sim.run(small(), seed=11)
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.people, b.people)
    pd.testing.assert_frame_equal(a.monthly, b.monthly)


def test_mesa_run_model_stops_at_the_horizon_with_the_same_months_as_sim_run():
    params = small().with_overrides({"run.horizon_months": 30})
    model = ReintegrationModel(params, seed=4)
    model.run_model()
    assert (model.steps, model.running) == (30, False)
    monthly = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    expected = sim.run(params, seed=4).monthly.drop(columns="month")
    pd.testing.assert_frame_equal(monthly, expected)


def test_different_seeds_differ():
    a = sim.run(small(), seed=11)
    b = sim.run(small(), seed=12)
    assert not a.events.equals(b.events)


def test_every_survivor_is_in_exactly_one_state_each_month():
    params = small(n=1500, months=48)
    model = ReintegrationModel(params, seed=3)
    valid = {int(s) for s in State} - {int(State.EXITED)}
    for _ in range(48):
        model.step()
        states = model.people.state
        assert set(np.unique(states)) <= valid
        counted = [s for s in State if s is not State.EXITED]
        assert sum(model.counts[s.name.lower()] for s in counted) == params.cohort.n_survivors
        assert "exited" not in model.counts


def test_monthly_counts_sum_to_cohort():
    result = sim.run(small(n=1500), seed=4)
    states = [s.name.lower() for s in State if s is not State.EXITED]
    assert (result.monthly[states].sum(axis=1) == 1500).all()


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), entry=st.sampled_from(["at_once", "inflow"]))
def test_invariants_hold_for_any_seed(seed, entry):
    result = sim.run(small(n=300, months=36, cohort__entry=entry), seed=seed)
    ev = result.events
    # time only moves forward, every event has a cause, survivors exist
    assert ev["month"].is_monotonic_increasing
    assert (ev["cause"] != "NONE").all()
    assert ev["survivor"].between(0, 299).all()
    # episodes never go down for a survivor
    assert (ev.groupby("survivor")["episode"].diff().fillna(0) >= 0).all()
    # every re-trafficking has a pathway and a trafficker
    rt = ev[ev["event"] == "RETRAFFICKED"]
    assert rt["cause"].isin([p.name for p in PATHWAYS]).all()
    assert (rt["trafficker"] >= 0).all()
    # nobody is re-trafficked before their first exit
    entry_month = result.people.loc[rt["survivor"], "entry_month"].to_numpy()
    assert (rt["month"].to_numpy() >= entry_month).all()


def test_no_traffickers_and_no_irregular_migration_means_no_retrafficking():
    params = small(traffickers__per_1000_survivors=0.0, survivor__remigration_rate_per_month=0.0)
    result = sim.run(params, seed=5)
    assert (result.events["event"] == "RETRAFFICKED").sum() == 0
    assert outcomes.incidence_at(result)[60] == 0.0


def test_no_traffickers_alone_means_no_retrafficking():
    result = sim.run(small(traffickers__per_1000_survivors=0.0), seed=5)
    assert (result.events["event"] == "RETRAFFICKED").sum() == 0
    assert (result.events["event"] == "REMIGRATED").sum() > 0


def _retrafficking(result):
    ev = result.events
    return ev[ev["event"] == "RETRAFFICKED"].reset_index(drop=True)


def test_zero_monitoring_months_equals_no_monitoring_uptake():
    a = sim.run(small(policy__monitoring_months=0), seed=6)
    b = sim.run(small(services__monitoring_uptake=0.0), seed=6)
    pd.testing.assert_frame_equal(_retrafficking(a), _retrafficking(b))
    assert (a.events["event"] == "MONITORING_STARTED").sum() == 0


def test_zero_support_months_equals_no_support_places():
    a = sim.run(small(policy__reintegration_support_months=0), seed=6)
    b = sim.run(small(policy__support_places_per_1000=0.0), seed=6)
    pd.testing.assert_frame_equal(_retrafficking(a), _retrafficking(b))


def test_perfect_monitoring_stops_community_retrafficking_while_monitored():
    params = small(
        survivor__hr_monitored=0.0, policy__monitoring_months=240, services__monitoring_uptake=1.0
    )
    result = sim.run(params, seed=7)
    ev = result.events
    ended_by_retrafficking = (ev["event"] == "MONITORING_ENDED") & (ev["cause"] == "RETRAFFICKED")
    assert ended_by_retrafficking.sum() == 0
    assert (ev["event"] == "MONITORING_STARTED").sum() > 100


MAX_PROTECTION = {
    "policy.monitoring_months": 60,
    "policy.reintegration_support_months": 24,
    "policy.support_places_per_1000": 1000.0,
    "policy.residency_offer_share": 1.0,
    "policy.residency_renewal_share": 1.0,
    "policy.safe_migration_access": 1.0,
    "policy.referral_share": 1.0,
    "policy.deportation_risk_assessment_share": 1.0,
    "policy.collusion_share": 0.0,
    "policy.local_employment_ratio": 4.0,
    "policy.stigma_reduction": 1.0,
    "policy.debt_relief_share": 1.0,
}


def test_max_protection_lowers_true_retrafficking():
    base = sim.run(small(n=4000), seed=8)
    protected = sim.run(small(n=4000).with_overrides(MAX_PROTECTION), seed=8)
    b, p = outcomes.incidence_at(base)[60], outcomes.incidence_at(protected)[60]
    assert p < 0.6 * b, (b, p)


@pytest.mark.slow
@pytest.mark.parametrize("lever", sorted(MAX_PROTECTION))
def test_each_lever_at_max_protection_does_not_raise_retrafficking(lever):
    base = sim.run(small(n=6000, months=72), seed=9)
    setting = {lever: MAX_PROTECTION[lever]}
    if lever == "policy.residency_offer_share":
        # Residency protects only as stable status: a permit that may lapse leaves people
        # abroad without status (IOM-2010 §5.4); see the README on residency's sign.
        setting["policy.residency_renewal_share"] = 1.0
    one = sim.run(small(n=6000, months=72).with_overrides(setting), seed=9)
    b, p = outcomes.incidence_at(base)[60], outcomes.incidence_at(one)[60]
    # common random numbers keep noise small; allow 1 percentage point of it
    assert p <= b + 0.01, (lever, b, p)


def test_survivors_are_mesa_agents_viewing_their_row():
    model = ReintegrationModel(small(n=50), seed=1)
    model.step()
    agent = model.survivors[7]
    assert agent.state == State(int(model.people.state[7]))
    assert agent.episode == int(model.people.episode[7])
    assert len(model.agents_by_type[type(agent)]) == 50


def test_mesa_agents_are_created_once_on_first_request_for_every_row():
    from sim.agents import Survivor
    from sim.traffickers import Trafficker

    params = small(n=400).with_overrides(
        {"traffickers.removal_rate_per_month": 0.2, "traffickers.replacement_delay_months": 1}
    )
    model = ReintegrationModel(params, seed=1)
    for _ in range(6):
        model.step()
    assert not model.survivors._made, "no agent is made before anything asks"
    survivors = model.agents_by_type[Survivor]
    assert [a.row for a in survivors] == list(range(400))
    assert model.survivors[5] is survivors[5]
    first = len(model.traffickers)
    for _ in range(6):
        model.step()
    assert len(model.traffickers) > first, "removed traffickers are replaced by new ones"
    traffickers = model.agents_by_type[Trafficker]
    assert [a.index for a in traffickers] == list(range(len(model.traffickers)))
    others = sum(len(a) for t, a in model.agents_by_type.items() if t not in (Survivor, Trafficker))
    assert others > 0 and len(model.agents) == 400 + len(model.traffickers) + others
