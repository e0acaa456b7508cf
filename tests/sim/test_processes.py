"""Each process on a tiny, hand-checkable cohort (probabilities set to 0 or 1)."""

import numpy as np

from sim import processes
from sim.processes.common import recruit_and_retraffic
from sim.states import Cause, Event, Package, Place, Route, State
from tests.conftest import tiny


def events(model):
    return model.log.to_frame()


def test_handback_by_colluding_officer_is_retrafficking():
    m = tiny(1, state=State.EXITED, policy__collusion_share=1.0)
    m.people.exit_cause[:] = Cause.INTERCEPTION
    trust = m.people.trust[0]
    processes.identification(m)
    assert m.people.state[0] == State.EXPLOITED
    assert m.people.episode[0] == 2
    assert m.people.trust[0] == max(trust - 0.5, 0.0)
    ev = events(m)
    assert list(ev["event"]) == ["RETRAFFICKED"] and list(ev["cause"]) == ["HANDED_BACK"]


def test_referred_survivor_starts_destination_assistance():
    m = tiny(
        1,
        state=State.EXITED,
        policy__collusion_share=0.0,
        policy__referral_share=1.0,
        survivor__decline_at_zero_trust=0.0,
    )
    m.people.exit_cause[:] = Cause.INTERCEPTION
    m.people.international[:] = True
    processes.identification(m)
    assert m.people.state[0] == State.DEST_ASSISTANCE
    assert m.people.n_assisted[0] == 1
    assert list(events(m)["event"]) == ["REFERRED", "ASSISTANCE_STARTED"]
    assert list(events(m)["cause"]) == ["LAW_ENFORCEMENT", "LAW_ENFORCEMENT"]


def test_no_destination_place_means_deportation():
    m = tiny(
        2,
        state=State.EXITED,
        policy__collusion_share=0.0,
        policy__referral_share=1.0,
        survivor__decline_at_zero_trust=0.0,
        policy__destination_places_per_1000=0.0,
    )
    m.people.exit_cause[:] = Cause.INTERCEPTION
    m.people.international[:] = True
    processes.identification(m)
    assert (m.people.state == State.EN_ROUTE).all()
    assert (m.people.route == Route.DEPORTED).all()
    kinds = set(events(m)["event"])
    assert {"ASSISTANCE_UNAVAILABLE", "DEPORTED", "RETURN_STARTED"} <= kinds


def test_assistance_completes_after_its_months_then_assisted_return():
    m = tiny(
        1,
        state=State.EXITED,
        policy__collusion_share=0.0,
        policy__referral_share=1.0,
        survivor__decline_at_zero_trust=0.0,
        policy__destination_assistance_months=2,
        survivor__dropout_at_zero_trust_per_month=0.0,
    )
    m.people.exit_cause[:] = Cause.INTERCEPTION
    m.people.international[:] = True
    processes.identification(m)
    for expected in (State.DEST_ASSISTANCE, State.DEST_ASSISTANCE, State.EN_ROUTE):
        processes.assistance(m)
        assert m.people.state[0] == expected, m.month
        m.month += 1
    assert m.people.route[0] == Route.ASSISTED and m.people.risk_assessed[0]


def test_residency_offer_keeps_survivor_in_destination_with_right_to_work():
    m = tiny(1, state=State.DEST_ASSISTANCE, policy__residency_offer_share=1.0)
    m.people.assistance_left[:] = 0
    processes.assistance(m)
    p = m.people
    assert p.state[0] == State.IN_DESTINATION and p.residency[0] and p.right_to_work[0]
    assert p.first_route[0] == Route.RESIDENCY
    assert p.waiting_since[0] == m.month and p.support_place[0] == Place.DESTINATION


def test_deportation_journey_can_end_in_retrafficking():
    m = tiny(1, state=State.EN_ROUTE, survivor__en_route_risk_deported=1.0)
    m.people.route[:] = Route.DEPORTED
    processes.journey(m)
    assert m.people.state[0] == State.EXPLOITED
    assert events(m)["cause"].tolist() == ["EN_ROUTE"]


def test_risk_assessment_removes_en_route_risk_when_effect_is_zero():
    m = tiny(
        1,
        state=State.EN_ROUTE,
        survivor__en_route_risk_deported=1.0,
        survivor__risk_assessment_effect=0.0,
    )
    m.people.route[:] = Route.DEPORTED
    m.people.risk_assessed[:] = True
    processes.journey(m)
    assert m.people.state[0] == State.AT_HOME


def test_assisted_return_arrives_and_starts_reintegration():
    m = tiny(
        1,
        state=State.EN_ROUTE,
        survivor__en_route_risk_assisted=0.0,
        services__monitoring_uptake=1.0,
        policy__monitoring_months=6,
    )
    m.people.route[:] = Route.ASSISTED
    m.people.debt[:] = 5.0
    m.people.package[:] = Package.FINANCIAL
    processes.journey(m)
    p = m.people
    assert p.state[0] == State.AT_HOME
    assert p.monitored[0] and p.monitoring_left[0] == 6
    assert p.debt[0] == 5.0 - m.params.services.grant_months_income
    assert p.waiting_since[0] == m.month


def test_support_places_go_to_the_longest_waiting():
    m = tiny(3, policy__support_places_per_1000=334.0)  # one place for three survivors
    m.start_month()
    assert m.services.support[Place.ORIGIN].places == 1
    m.people.waiting_since[:] = [4, 2, 3]
    m.people.support_place[:] = Place.ORIGIN
    processes.allocate_support(m)
    assert m.people.support_left.tolist() == [0, 2, 0]
    assert m.people.waiting_since.tolist() == [4, -1, 3]


def test_waiting_too_long_means_going_without_support():
    m = tiny(1, policy__support_places_per_1000=0.0, services__max_wait_months=3)
    m.people.waiting_since[:] = m.month - 4
    processes.allocate_support(m)
    assert m.people.waiting_since[0] == -1
    assert events(m)["event"].tolist() == ["SUPPORT_MISSED"]


def test_support_and_monitoring_count_down_and_end():
    m = tiny(1, services__monitoring_uptake=1.0)
    p = m.people
    p.support_left[:] = 1
    p.monitored[:] = True
    p.monitoring_left[:] = 2
    processes.count_down(m)
    assert p.support_left[0] == 0 and p.monitored[0]
    processes.count_down(m)
    assert not p.monitored[0]
    assert events(m)["event"].tolist().count("SUPPORT_ENDED") == 1


def test_monitoring_until_stable_continues_while_unemployed():
    m = tiny(
        1,
        policy__monitoring_until_stable=True,
        policy__monitoring_max_months=3,
        survivor__job_find_rate_per_month=0.0,
    )
    p = m.people
    p.monitored[:] = True
    p.monitoring_left[:] = 1
    for still in (True, True, False):
        processes.reintegration(m)
        processes.count_down(m)
        assert p.monitored[0] == still


def test_job_finding_and_debt_repayment():
    m = tiny(1, survivor__job_find_rate_per_month=50.0, survivor__job_loss_rate_per_month=0.0)
    m.people.debt[:] = 1.0
    processes.reintegration(m)
    assert m.people.employed[0]
    assert np.isclose(m.people.debt[0], 1.0 - m.params.survivor.debt_repayment_per_month)


def test_debt_grows_while_unemployed():
    m = tiny(1, survivor__job_find_rate_per_month=0.0)
    m.people.debt[:] = 2.0
    processes.reintegration(m)
    assert np.isclose(m.people.debt[0], 2.0 * (1 + m.params.survivor.debt_growth_per_month))


def test_threat_is_booked_by_the_trafficker_not_added_to_the_survivors_debt():
    m = tiny(1, traffickers__threat_rate_per_month=50.0, traffickers__per_1000_survivors=1000.0)
    p = m.people
    p.region[:] = m.traffickers.region[p.trafficker[0]]
    p.debt[:] = 0.0
    p.package[:] = 0
    processes.pressure(m)
    assert p.threatened[0]
    assert p.debt[0] == 0.0  # one path: the claim acts through hr_threatened only
    assert m.traffickers[p.trafficker[0]].debt_claimed == m.params.survivor.trafficker_debt_claim


def test_safe_remigration_gives_right_to_work_abroad():
    m = tiny(
        1,
        survivor__remigration_rate_per_month=50.0,
        policy__safe_migration_access=1.0,
        survivor__safe_migration_risk=0.0,
    )
    processes.remigration(m)
    assert m.people.state[0] == State.MIGRANT and m.people.right_to_work[0]


def test_irregular_remigration_can_end_in_trafficking():
    m = tiny(
        1,
        survivor__remigration_rate_per_month=50.0,
        policy__safe_migration_access=0.0,
        survivor__irregular_migration_risk=1.0,
        traffickers__per_1000_survivors=1000.0,
        traffickers__share_reach_destination=1.0,
    )
    processes.remigration(m)
    assert m.people.state[0] == State.EXPLOITED and m.people.international[0]
    assert "IRREGULAR_MIGRATION" in events(m)["cause"].tolist()


def test_threatened_survivor_is_coerced_by_the_same_trafficker():
    m = tiny(
        1,
        survivor__hazard_home_per_month=1.0,
        survivor__hr_threatened=50.0,
        traffickers__per_1000_survivors=1000.0,
    )
    p = m.people
    former = int(p.trafficker[0])
    p.threatened[:] = True
    processes.retrafficking(m)
    assert p.state[0] == State.EXPLOITED and p.trafficker[0] == former
    assert events(m)["cause"].tolist() == ["FORMER_TRAFFICKER"]


def test_recruiting_capacity_limits_retrafficking():
    m = tiny(
        3,
        traffickers__per_1000_survivors=334.0,
        traffickers__recruits_per_month=1,
        cohort__n_regions=1,
    )
    assert len(m.traffickers) == 1
    idx = np.arange(3)
    taken = recruit_and_retraffic(
        m, idx, Cause.INTERNAL_RECRUITMENT, np.zeros(3, bool), m.u("recruitment", k=2)
    )
    assert taken.sum() == 1
    assert (m.people.state == State.EXPLOITED).sum() == 1


def test_removed_trafficker_frees_the_people_it_exploits():
    m = tiny(2, state=State.EXPLOITED, survivor__exit_rate_per_month=0.001)
    m.traffickers[int(m.people.trafficker[0])].active = False
    processes.exploitation(m)
    assert m.people.state[0] == State.EXITED
    exits = events(m)
    removed = exits["cause"] == Cause.TRAFFICKER_REMOVED.name
    same = m.people.trafficker == m.people.trafficker[0]
    assert sorted(exits.loc[removed, "survivor"]) == np.flatnonzero(same).tolist()


def test_event_log_records_episode_at_the_time():
    m = tiny(1, state=State.EXITED, policy__collusion_share=1.0)
    m.people.exit_cause[:] = Cause.INTERCEPTION
    processes.identification(m)
    assert events(m)["episode"].tolist() == [2]
    assert Event.RETRAFFICKED.name == events(m)["event"].iloc[0]


def test_new_episode_keeps_or_changes_purpose_by_the_share():
    m = tiny(
        4000,
        survivor__hazard_home_per_month=1.0,
        survivor__same_purpose_share=0.7,
        cohort__share_sexual_exploitation=0.0,
        cohort__share_forced_labour=1.0,
        traffickers__recruits_per_month=1000,
    )
    m.people.purpose_now[:] = 2  # forced criminality, which the cohort shares never redraw
    processes.retrafficking(m)
    taken = m.people.state == State.EXPLOITED
    assert taken.sum() > 3000
    same = (m.people.purpose_now[taken] == 2).mean()
    assert abs(same - 0.7) < 4 * np.sqrt(0.7 * 0.3 / taken.sum())
    assert set(np.unique(m.people.purpose_now[taken])) == {1, 2}


def test_traffickers_keep_count_of_threats_and_debt_claims():
    m = tiny(1, traffickers__threat_rate_per_month=50.0)
    p = m.people
    p.region[:] = m.traffickers.region[p.trafficker[0]]
    p.package[:] = 0
    processes.pressure(m)
    trafficker = m.traffickers[int(p.trafficker[0])]
    assert trafficker.threats_made == 1
    assert trafficker.debt_claimed == m.params.survivor.trafficker_debt_claim
    assert trafficker.threatening() == [0]


def test_support_on_arrival_covers_its_full_months_of_exposure():
    """Two months of support protect two settled months, not one (arrival month excluded)."""
    m = tiny(
        1,
        state=State.EN_ROUTE,
        survivor__en_route_risk_assisted=0.0,
        policy__reintegration_support_months=2,
        policy__monitoring_months=0,
    )
    m.people.route[:] = Route.ASSISTED
    m.month = 1
    protected = []
    for month in range(1, 6):
        m.month = month
        processes.journey(m)
        processes.allocate_support(m)
        processes.reintegration(m)
        settled = m.people.state[0] == State.AT_HOME and m.people.state_since[0] < month
        protected.append(bool(settled and m.people.support_left[0] > 0))
        processes.count_down(m)
    assert protected == [False, True, True, False, False]


def test_only_traffickers_with_colluding_contacts_get_survivors_handed_back():
    m = tiny(
        2,
        state=State.EXITED,
        policy__collusion_share=1.0,
        traffickers__share_with_colluding_contacts=0.0,
        policy__referral_share=1.0,
        survivor__decline_at_zero_trust=0.0,
    )
    m.people.exit_cause[:] = Cause.INTERCEPTION
    assert not any(t.colluding_contacts for t in m.traffickers)
    processes.identification(m)
    assert "RETRAFFICKED" not in events(m)["event"].tolist()
    assert (m.people.state != State.EXPLOITED).all()
