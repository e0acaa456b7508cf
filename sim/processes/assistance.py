"""Assistance in the destination, residency or assisted return, and reintegration support.

Covers admission, drop-out, completion, and the start of support and monitoring.

What a service delivers (the package, IOM-2010 §5.3 Table 5) is kept apart from how much is
delivered (months, places, uptake), which are policy levers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from sim.processes.common import end_monitoring, start_return, to_community
from sim.processes.destination import become_homeless
from sim.randomness import Row
from sim.rates import prob
from sim.states import Cause, Event, Package, Place, Route, State

if TYPE_CHECKING:
    from sim.model import ReintegrationModel

_PLACE_CAUSE = {Place.ORIGIN: Cause.ORIGIN_SERVICE, Place.DESTINATION: Cause.DESTINATION_SERVICE}


def admit_to_assistance(
    m: ReintegrationModel,
    idx: NDArray[np.intp],
    u_decline: Row,
    at_home: NDArray[np.bool_],
) -> NDArray[np.bool_]:
    """Offer assistance to referred survivors; return who started it (mask over ``idx``).

    Survivors decline with ``decline_at_zero_trust * (1 - trust)`` (IOM-2010 §5.3.7).
    Those abroad need a destination place; those at home (after an internal episode, or
    referred on return, IOM-2010 §5.1) are assisted there and start reintegration at once.

    Args:
        m: The model.
        idx: Referred survivors.
        u_decline: The process's uniforms, one per survivor (indexed by row).
        at_home: Per survivor in ``idx``: assisted in the country of origin.
    """
    if len(idx) == 0:
        return np.zeros(0, dtype=bool)
    p, s = m.people, m.params.survivor
    u_pkg = m.u("admission.package", k=6)
    u_start = m.u("admission.support", k=2)
    declines = u_decline[idx] < s.decline_at_zero_trust * (1.0 - p.trust[idx])
    m.log.record(m.month, idx[declines], Event.ASSISTANCE_DECLINED, Cause.DISTRUST)

    accepts = ~declines
    abroad = accepts & ~at_home
    queue = abroad.nonzero()[0]
    unplaced = queue[m.services.destination.take(len(queue)) :]
    abroad[unplaced] = False
    m.log.record(m.month, idx[unplaced], Event.ASSISTANCE_UNAVAILABLE, Cause.NO_CAPACITY)

    home_started = accepts & at_home
    started = abroad | home_started
    who = idx[started]
    p.package[who] = m.services.package(u_pkg[:, who])
    p.n_assisted[who] += 1
    referral = np.where(p.exit_cause[who] == Cause.INTERCEPTION, Cause.LAW_ENFORCEMENT, Cause.NGO)
    # Returnees referred on arrival home were referred there, not at exit.
    referral = np.where(p.state[who] == State.EN_ROUTE, Cause.REFERRED_ON_RETURN, referral)
    m.log.record(
        m.month,
        who,
        Event.ASSISTANCE_STARTED,
        referral,
        international=p.international[who],
        package=p.package[who],
    )

    dest = idx[abroad]
    p.assistance_left[dest] = m.params.policy.destination_assistance_months
    p.move(dest, State.DEST_ASSISTANCE, m.month)
    home = idx[home_started]
    to_community(m, home, State.AT_HOME)
    start_reintegration(m, home, Place.ORIGIN, u_start[:, home])
    return started


def drop_out(m: ReintegrationModel) -> None:
    """Cutting contact: leaving destination assistance or reintegration support early.

    One process for both (IOM-2010 §5.3.7: people went missing from centres or cut off
    contact during assistance), at ``dropout_at_zero_trust_per_month * (1 - trust)``, more
    often for children (IASC-2021 "Enablers of re-trafficking": going missing from care).
    Those who leave destination assistance stay abroad without status; those who leave
    support lose it, and its monitoring, as if it had ended.
    """
    p, s = m.people, m.params.survivor
    u = m.u("dropout")
    inside = p.in_state(State.DEST_ASSISTANCE) & (p.state_since < m.month)
    supported = p.in_community() & (p.support_left > 0) & (p.state_since < m.month)
    idx = (inside | supported).nonzero()[0]
    rate = s.dropout_at_zero_trust_per_month * (1.0 - p.trust[idx])
    rate *= np.where(p.minor(m.month, idx), s.dropout_minor_ratio, 1.0)
    leave = idx[u[0, idx] < prob(rate)]
    gone = leave[inside[leave]]
    m.log.record(m.month, gone, Event.ASSISTANCE_LEFT, Cause.DISTRUST)
    m.people.lose_status(gone)
    to_community(m, gone, State.IN_DESTINATION)
    missing = leave[~inside[leave]]
    m.log.record(m.month, missing, Event.SUPPORT_LEFT, Cause.DISTRUST)
    p.support_left[missing] = 0
    end_monitoring(m, missing, Cause.DISTRUST)
    support_over(m, missing)


def assistance(m: ReintegrationModel) -> None:
    """Assistance in the destination: a month used up, then residency or assisted return.

    Completion happens when the assistance months run out; with zero months it happens in the
    month assistance starts. (Leaving early is :func:`drop_out`.)
    """
    p, pol = m.people, m.params.policy
    u = m.u("assistance")
    u_start = m.u("assistance.support", k=2)
    inside = (p.in_state(State.DEST_ASSISTANCE)).nonzero()[0]
    settled = inside[p.state_since[inside] < m.month]
    p.assistance_left[settled] -= 1

    done = inside[p.assistance_left[inside] <= 0]
    m.log.record(m.month, done, Event.ASSISTANCE_ENDED, Cause.COMPLETED)
    offered = u[0, done] < pol.residency_offer_share
    residents = done[offered]
    m.log.record(m.month, residents, Event.RESIDENCY_GRANTED, Cause.RESIDENCY)
    grant_residency(m, residents)
    p.first_route[residents] = np.where(
        p.first_route[residents] < 0, Route.RESIDENCY, p.first_route[residents]
    )
    p.route[residents] = Route.RESIDENCY
    to_community(m, residents, State.IN_DESTINATION)
    start_reintegration(m, residents, Place.DESTINATION, u_start[:, residents])
    start_return(m, done[~offered], Route.ASSISTED, risk_assessed=True)


def grant_residency(m: ReintegrationModel, idx: NDArray[np.intp]) -> None:
    """A residence permit, with the right to work if the policy gives it, for its months."""
    p, pol = m.people, m.params.policy
    permanent = pol.residency_permit_months == 0
    until = -1 if permanent else m.month + pol.residency_permit_months
    p.grant_status(idx, pol.residency_right_to_work, until)


def start_reintegration(
    m: ReintegrationModel, idx: NDArray[np.intp], place: Place, u: NDArray[np.float64]
) -> None:
    """Start reintegration for assisted survivors.

    Applies the package's effects, queues for a support place, and offers monitoring.

    Args:
        m: The model.
        idx: Survivors starting reintegration (after assisted return, on residency, or
            assisted at home after an internal episode).
        place: Where they live, which decides the support provider.
        u: (2, len(idx)) uniforms: job placement, monitoring uptake.
    """
    if len(idx) == 0:
        return
    p, sv, pol = m.people, m.params.services, m.params.policy
    p.debt[idx] *= 1.0 - pol.debt_relief_share
    grant = (p.package[idx] & Package.FINANCIAL) > 0
    p.debt[idx[grant]] = np.maximum(p.debt[idx[grant]] - sv.grant_months_income, 0.0)
    placed = ((p.package[idx] & Package.JOB_PLACEMENT) > 0) & (u[0] < sv.job_placement_success)
    hired = idx[placed & ~p.employed[idx]]
    p.hire(hired)
    m.log.record(m.month, hired, Event.EMPLOYED, Cause.JOB_PLACEMENT)

    if pol.reintegration_support_months > 0:
        p.waiting_since[idx] = m.month
        p.support_place[idx] = place
        m.log.record(
            m.month,
            idx,
            Event.SUPPORT_WAITING,
            _PLACE_CAUSE[place],
        )

    minor = p.minor(m.month, idx)
    offered = np.full(len(idx), pol.monitoring_months > 0 or pol.monitoring_until_stable)
    offered |= pol.monitor_minors_to_majority & minor
    accepts = offered & (u[1] < sv.monitoring_uptake)
    m.log.record(m.month, idx[offered & ~accepts], Event.MONITORING_DECLINED, Cause.DISTRUST)
    monitored = idx[accepts]
    p.monitored[monitored] = True
    p.monitoring_left[monitored] = pol.monitoring_months
    p.monitored_months[monitored] = 0
    m.log.record(m.month, monitored, Event.MONITORING_STARTED, _PLACE_CAUSE[place])


def support_over(m: ReintegrationModel, idx: NDArray[np.intp]) -> None:
    """Support has ended (completed, or contact cut) for ``idx``, who stay where they are.

    The early-risk window restarts (people are on their own again, IASC-2021 "Enablers of
    re-trafficking": a lack of on-going support) and, in a destination, the unemployed may
    lose their housing (:func:`sim.processes.destination.become_homeless`).
    """
    m.people.exposed_month[idx] = m.month
    become_homeless(m, idx)


def allocate_support(m: ReintegrationModel) -> None:
    """Give free support places to the longest-waiting; the rest wait, up to a limit."""
    p = m.people
    wait_limit = m.params.services.max_wait_months
    for place, service in m.services.support.items():
        waiting = ((p.waiting_since >= 0) & (p.support_place == int(place))).nonzero()[0]
        expired = waiting[m.month - p.waiting_since[waiting] > wait_limit]
        m.log.record(m.month, expired, Event.SUPPORT_MISSED, Cause.NO_CAPACITY)
        p.waiting_since[expired] = -1
        become_homeless(m, expired)
        waiting = waiting[p.waiting_since[waiting] >= 0]
        order = waiting[np.lexsort((waiting, p.waiting_since[waiting]))]
        admitted = order[: service.take(len(order))]
        p.waiting_since[admitted] = -1
        p.support_left[admitted] = m.params.policy.reintegration_support_months
        m.log.record(m.month, admitted, Event.SUPPORT_STARTED, _PLACE_CAUSE[place])
