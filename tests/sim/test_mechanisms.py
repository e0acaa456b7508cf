"""The mechanisms of issue #8: risk over time, referral on return, lasting interception,
destination dynamics, one path per factor; and the mechanisms table."""

import importlib
from pathlib import Path

import numpy as np
import pytest

import sim
from sim import processes
from sim.cohort import inflow_months, make_cohort
from sim.mechanisms import MECHANISMS, markdown
from sim.parameters import CohortParams, Params, SurvivorParams, names
from sim.processes.retrafficking import hazard
from sim.states import Cause, Family, Package, Place, Purpose, Route, State
from tests.conftest import tiny

ROOT = Path(__file__).resolve().parents[2]
INDIVIDUAL = ("female", "psychosocial", "substance", "minority", "low_education", "purpose_now")


def arrived_home(n, month, **overrides):
    """``n`` survivors who arrived home in month 0, seen in ``month``."""
    m = tiny(n, month=month, **overrides)
    p = m.people
    p.arrived_month[:] = 0
    p.exposed_month[:] = 0
    p.employed[:] = True
    p.debt[:] = 0.0
    p.family[:] = Family.SUPPORTIVE
    p.age_at_entry[:] = 35.0  # no age band is crossed between month 1 and month 24
    for column in INDIVIDUAL:  # alike unless a test sets otherwise
        getattr(p, column)[:] = getattr(p, column)[0]
    return m


def assert_monthly_rate(happened, rate):
    """The share of ``happened`` is a month's probability at ``rate``, within 4 sd."""
    expected = 1 - np.exp(-rate)
    sd = np.sqrt(expected * (1 - expected) / len(happened))
    assert abs(happened.mean() - expected) < 4 * sd


def test_hazard_a_month_after_arrival_is_well_above_two_years_later():
    early = hazard(arrived_home(1, 1), np.arange(1))[0]
    late = hazard(arrived_home(1, 24), np.arange(1))[0]
    assert early > 4 * late


def test_without_early_risk_or_settling_the_hazard_is_flat():
    flat = {"survivor__early_risk_ratio": 1.0, "survivor__settled_rate_ratio": 1.0}
    early = hazard(arrived_home(1, 1, **flat), np.arange(1))[0]
    late = hazard(arrived_home(1, 24, **flat), np.arange(1))[0]
    assert early == pytest.approx(late)


def test_hazard_by_months_since_arrival_matches_the_two_clocks():
    m = arrived_home(1, 0)
    s = m.params.survivor
    for month in (0, 6, 12, 60):
        m.month = month
        early = 1 + (s.early_risk_ratio - 1) * 0.5 ** (month / s.early_risk_halflife_months)
        settled = s.settled_rate_ratio + (1 - s.settled_rate_ratio) * 0.5 ** (
            month / s.settling_halflife_months
        )
        expected = s.hazard_home_per_month * early * settled * s.hr_age_18_25
        m.people.age_at_entry[:] = 20.0
        m.people.psychosocial[:] = False
        m.people.substance[:] = False
        m.people.minority[:] = False
        assert hazard(m, np.arange(1))[0] == pytest.approx(expected)


def test_early_risk_restarts_when_support_ends():
    m = arrived_home(1, 30)
    p = m.people
    p.support_left[:] = 1
    before = hazard(m, np.arange(1))[0] / m.params.survivor.hr_supported
    processes.count_down(m)
    assert p.support_left[0] == 0 and p.exposed_month[0] == 30
    assert hazard(m, np.arange(1))[0] > 3 * before


def test_arrival_after_remigration_restarts_both_clocks():
    m = arrived_home(
        1,
        40,
        survivor__remigration_rate_per_month=50.0,
        policy__safe_migration_access=1.0,
        survivor__safe_migration_risk=0.0,
    )
    processes.remigration(m)
    assert m.people.state[0] == State.MIGRANT
    assert m.people.arrived_month[0] == m.people.exposed_month[0] == 40


def test_work_debt_and_sex_do_not_change_the_hazard():
    m = arrived_home(4, 3)
    p = m.people
    p.employed[:] = [True, False, True, False]
    p.debt[:] = [0.0, 0.0, 5.0, 5.0]
    p.female[:] = [True, False, True, False]
    h = hazard(m, np.arange(4))
    assert np.allclose(h, h[0])


def test_stigma_is_stronger_after_sexual_exploitation():
    m = arrived_home(2, 3, survivor__stigma_sexual_ratio=3.0, survivor__hr_family_rejecting=2.0)
    p = m.people
    p.family[:] = Family.REJECTING
    p.purpose_now[:] = [Purpose.SEXUAL, Purpose.LABOUR]
    h = hazard(m, np.arange(2))
    assert h[0] / h[1] == pytest.approx((1 + 1.0 * 3.0) / 2.0)


def test_unemployment_and_debt_push_remigration():
    n = 8000
    m = arrived_home(
        n,
        3,
        survivor__remigration_rate_per_month=0.02,
        survivor__remigration_unemployed_ratio=3.0,
        survivor__remigration_debt_ratio=2.0,
    )
    p = m.people
    p.arrived_month[:] = m.month  # settling factor 1
    pushed = np.arange(n) % 2 == 0
    p.employed[:] = ~pushed
    p.debt[:] = np.where(pushed, 5.0, 0.0)
    processes.remigration(m)
    left = p.state != State.AT_HOME
    for group, rate in ((pushed, 0.12), (~pushed, 0.02)):
        assert_monthly_rate(left[group], rate)


def test_inflow_grows_as_the_database_did():
    u = np.random.default_rng(1).random(200_000)
    entry = inflow_months(u, 120, 0.068)
    first, last = (entry < 12).sum(), (entry >= 108).sum()
    expected = np.exp(0.068 * 9)
    assert last / first == pytest.approx(expected, rel=0.03)
    even = inflow_months(u, 120, 0.0)
    assert (even >= 108).sum() / (even < 12).sum() == pytest.approx(1.0, rel=0.03)


def test_interception_chance_lasts_and_varies_between_people():
    rng = np.random.default_rng(2)
    spread = make_cohort(
        CohortParams(n_survivors=20_000), rng, 120, SurvivorParams(interception_concentration=1.0)
    )["interception"]
    alike = make_cohort(
        CohortParams(n_survivors=20_000), rng, 120, SurvivorParams(interception_concentration=1000)
    )["interception"]
    mean = SurvivorParams().share_exits_intercepted
    assert spread.mean() == pytest.approx(mean, abs=0.01) and alike.mean() == pytest.approx(
        mean, abs=0.01
    )
    assert spread.var() == pytest.approx(mean * (1 - mean) / 2.0, rel=0.05)
    assert alike.var() < 0.001


def test_each_exit_is_an_interception_with_the_survivors_own_chance():
    m = tiny(2, state=State.EXPLOITED, survivor__exit_rate_per_month=50.0)
    m.people.interception[:] = [1.0, 0.0]
    for _ in range(3):
        m.people.move(np.arange(2), State.EXPLOITED, m.month - 1)
        processes.exploitation(m)
        assert m.people.exit_cause.tolist() == [Cause.INTERCEPTION, Cause.ESCAPE]


def _second_exit_intercepted(concentration):
    """Share of second exits that are interceptions, after an interception and an escape."""
    params = Params().with_overrides(
        {"cohort.n_survivors": 6000, "survivor.interception_concentration": concentration}
    )
    exits = sim.run(params, seed=3).events.query("event == 'EXITED'")
    by_episode = {
        k: exits[exits.episode == k].set_index("survivor").cause.astype(str) == "INTERCEPTION"
        for k in (1, 2)
    }
    second = by_episode[2]
    after_interception = by_episode[1].loc[second.index]
    return second[after_interception], second[~after_interception]


def test_people_intercepted_once_are_intercepted_again_more_often():
    after, other = _second_exit_intercepted(2.0)
    assert min(len(after), len(other)) > 200
    assert after.mean() - other.mean() > 0.2


def test_without_a_lasting_chance_the_first_exit_says_nothing_of_the_second():
    after, other = _second_exit_intercepted(1000.0)
    pooled = np.concatenate([after, other]).mean()
    sd = np.sqrt(pooled * (1 - pooled) * (1 / len(after) + 1 / len(other)))
    assert abs(after.mean() - other.mean()) < 4 * sd


def test_unassisted_returnee_can_be_assisted_at_home():
    m = tiny(
        2,
        state=State.EN_ROUTE,
        survivor__en_route_risk_deported=0.0,
        survivor__en_route_risk_self_return=0.0,
        survivor__origin_assistance_after_return=1.0,
        survivor__decline_at_zero_trust=0.0,
    )
    p = m.people
    p.route[:] = [Route.DEPORTED, Route.SELF]
    p.international[:] = True
    m.month += 1
    processes.journey(m)
    assert (p.state == State.AT_HOME).all() and (p.n_assisted == 1).all()
    ev = m.log.to_frame()
    started = ev[ev["event"] == "ASSISTANCE_STARTED"]
    assert started["cause"].tolist() == ["REFERRED_ON_RETURN", "REFERRED_ON_RETURN"]
    assert (p.waiting_since == m.month).all() and (p.support_place == Place.ORIGIN).all()


def test_without_referral_on_return_returnees_go_unassisted():
    m = tiny(1, state=State.EN_ROUTE, survivor__origin_assistance_after_return=0.0)
    m.people.route[:] = Route.DEPORTED
    m.people.risk_assessed[:] = True
    m.params = m.params.with_overrides({"survivor.risk_assessment_effect": 0.0})
    m.month += 1
    processes.journey(m)
    assert m.people.state[0] == State.AT_HOME and m.people.n_assisted[0] == 0


def resident(month=12, **overrides):
    m = tiny(1, month=month, state=State.IN_DESTINATION, **overrides)
    p = m.people
    p.residency[:] = True
    p.right_to_work[:] = True
    p.residency_until[:] = month
    return m


def test_permit_that_is_not_renewed_expires():
    m = resident(policy__residency_renewal_share=0.0)
    processes.destination(m)
    p = m.people
    assert not p.residency[0] and not p.right_to_work[0] and p.residency_until[0] == -1
    assert "RESIDENCY_EXPIRED" in m.log.to_frame()["event"].tolist()


def test_renewed_permit_runs_another_term():
    m = resident(policy__residency_renewal_share=1.0, policy__residency_permit_months=24)
    processes.destination(m)
    assert m.people.residency[0] and m.people.residency_until[0] == 12 + 24


def test_permanent_residence_never_expires():
    m = tiny(
        1,
        state=State.DEST_ASSISTANCE,
        policy__residency_offer_share=1.0,
        policy__residency_permit_months=0,
        policy__destination_assistance_months=0,
    )
    processes.assistance(m)
    assert m.people.residency[0] and m.people.residency_until[0] == -1


def test_end_of_support_can_leave_the_unemployed_homeless_in_a_destination_only():
    m = tiny(2, state=State.IN_DESTINATION, survivor__homelessness_after_support=1.0)
    p = m.people
    p.move(np.arange(2), State.IN_DESTINATION, 0)
    p.move(np.arange(1, 2), State.AT_HOME, 0)
    p.support_left[:] = 1
    p.employed[:] = False
    h_before = hazard(m, np.arange(1))[0] / m.params.survivor.hr_supported
    processes.count_down(m)
    assert p.homeless.tolist() == [True, False]
    p.exposed_month[:] = p.arrived_month[:] = m.month - 100  # compare without early risk
    h = hazard(m, np.arange(1))[0]
    p.homeless[:] = False
    assert h / hazard(m, np.arange(1))[0] == pytest.approx(m.params.survivor.hr_homeless)
    assert h_before > 0


def test_work_ends_homelessness():
    m = tiny(1, state=State.IN_DESTINATION, survivor__rehousing_rate_per_month=0.0)
    m.people.homeless[:] = True
    m.people.employed[:] = True
    processes.destination(m)
    assert not m.people.homeless[0]


def test_going_missing_from_support_ends_it_and_is_likelier_for_children():
    n = 6000
    m = tiny(
        n,
        month=1,
        survivor__dropout_at_zero_trust_per_month=0.1,
        survivor__dropout_minor_ratio=2.0,
    )
    p = m.people
    p.trust[:] = 0.0
    p.support_left[:] = 5
    p.monitored[:] = True
    minor = np.arange(n) % 2 == 0
    p.age_at_entry[:] = np.where(minor, 15.0, 30.0)
    processes.drop_out(m)
    left = p.support_left == 0
    for group, rate in ((minor, 0.2), (~minor, 0.1)):
        assert_monthly_rate(left[group], rate)
    assert not p.monitored[left].any() and p.monitored[~left].all()
    assert (m.log.to_frame()["event"] == "SUPPORT_LEFT").sum() == left.sum()


def test_residents_can_migrate_onward():
    m = resident(
        survivor__remigration_rate_per_month=50.0,
        policy__safe_migration_access=1.0,
        survivor__safe_migration_risk=0.0,
    )
    m.people.move(np.arange(1), State.IN_DESTINATION, 0)
    processes.remigration(m)
    assert m.people.state[0] == State.MIGRANT and not m.people.residency[0]


def test_legal_help_lessens_coercion():
    m = arrived_home(
        2,
        100,
        survivor__hr_threatened=5.0,
        services__legal_debt_claim_ratio=0.0,
        survivor__hazard_home_per_month=1.0,
    )
    p = m.people
    p.threatened[:] = True
    p.package[:] = [Package.LEGAL, 0]
    processes.retrafficking(m)
    ev = m.log.to_frame()
    coerced = ev[ev["cause"] == "FORMER_TRAFFICKER"]["survivor"].tolist()
    assert 0 not in coerced


# --- the mechanisms table ------------------------------------------------------------------
def test_every_mechanism_names_a_process_and_parameters_that_exist():
    valid = set(names())
    assert [m.number for m in MECHANISMS] == list(range(1, 9))
    for mechanism in MECHANISMS:
        module, _, function = mechanism.process.rpartition(".")
        assert callable(getattr(importlib.import_module(module), function)), mechanism.process
        assert set(mechanism.parameters) <= valid, mechanism.number


def test_no_parameter_serves_two_mechanisms():
    listed = [p for m in MECHANISMS for p in m.parameters]
    assert len(listed) == len(set(listed))


def test_mechanisms_page_is_current():
    assert (ROOT / "docs" / "mechanisms.md").read_text(encoding="utf-8") == markdown()


def test_default_parameters_are_valid_with_every_prior_extreme():
    from calibration.spec import load_priors

    for prior in load_priors():
        for q in (0.0001, 0.9999):
            Params().with_overrides({prior.parameter: prior.ppf(q)})
