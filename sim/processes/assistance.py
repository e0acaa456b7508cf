"""Assistance in the destination, residency or assisted return, and reintegration support.

Covers admission, drop-out, completion, and the start of support and monitoring.

What a service delivers (the package, IOM-2010 §5.3 Table 5) is kept apart from how much is
delivered (months, places, uptake), which are policy levers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from sim.processes.common import start_return, to_community
from sim.rates import prob
from sim.states import Cause, Event, Package, Place, Route, State

if TYPE_CHECKING:
    from sim.model import ReintegrationModel

_PLACE_CAUSE = {Place.ORIGIN: Cause.ORIGIN, Place.DESTINATION: Cause.DESTINATION}


def admit_to_assistance(
    m: ReintegrationModel, idx: NDArray[np.intp], u_decline: NDArray[np.float64]
) -> NDArray[np.bool_]:
    """Offer assistance to referred survivors; return who started it (mask over ``idx``).

    Survivors decline with ``decline_at_zero_trust * (1 - trust)`` (IOM-2010 §5.3.7).
    International survivors need a destination place; internal survivors are assisted at home
    and start reintegration there at once.
    """
    p, s = m.people, m.params.survivor
    u_pkg = m.u("package", k=6)
    u_start = m.u("support", k=2)
    declines = u_decline[idx] < s.decline_at_zero_trust * (1.0 - p.trust[idx])
    m.log.record(m.month, idx[declines], Event.ASSISTANCE_DECLINED, Cause.DISTRUST)

    accepts = ~declines
    abroad = accepts & p.international[idx]
    places = m.destination_assistance.free_places()
    queue = np.flatnonzero(abroad)
    unplaced = queue[places:]
    abroad[unplaced] = False
    m.log.record(m.month, idx[unplaced], Event.ASSISTANCE_UNAVAILABLE, Cause.NO_CAPACITY)
    m.destination_assistance.in_use += int(abroad.sum())

    started = abroad | (accepts & ~p.international[idx])
    who = idx[started]
    p.package[who] = m.destination_assistance.package(u_pkg[:, who])
    p.n_assisted[who] += 1
    referral = np.where(p.exit_cause[who] == Cause.INTERCEPTION, Cause.LAW_ENFORCEMENT, Cause.NGO)
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
    home = idx[started & ~p.international[idx]]
    to_community(m, home, State.AT_HOME)
    start_reintegration(m, home, Place.ORIGIN, u_start[:, home])
    return started


def assistance(m: ReintegrationModel) -> None:
    """Assistance in the destination: drop-out (distrust), then residency or assisted return.

    Completion happens when the assistance months run out; with zero months it happens in the
    month assistance starts.
    """
    p, s, pol = m.people, m.params.survivor, m.params.policy
    u = m.u("assistance", k=2)
    u_start = m.u("support", k=2)
    inside = np.flatnonzero(p.state == State.DEST_ASSISTANCE)
    settled = inside[p.state_since[inside] < m.month]
    leave = u[0, settled] < prob(s.dropout_at_zero_trust_per_month * (1 - p.trust[settled]))
    gone = settled[leave]
    m.log.record(m.month, gone, Event.ASSISTANCE_LEFT, Cause.DISTRUST)
    p.residency[gone] = False
    p.right_to_work[gone] = False
    to_community(m, gone, State.IN_DESTINATION)
    p.assistance_left[settled[~leave]] -= 1

    done = inside[(p.state[inside] == State.DEST_ASSISTANCE) & (p.assistance_left[inside] <= 0)]
    m.log.record(m.month, done, Event.ASSISTANCE_ENDED, Cause.COMPLETED)
    offered = u[1, done] < pol.residency_offer_share
    residents = done[offered]
    m.log.record(m.month, residents, Event.RESIDENCY_GRANTED, Cause.RESIDENCY)
    p.residency[residents] = True
    p.right_to_work[residents] = pol.residency_right_to_work
    p.first_route[residents] = np.where(
        p.first_route[residents] < 0, Route.RESIDENCY, p.first_route[residents]
    )
    p.route[residents] = Route.RESIDENCY
    to_community(m, residents, State.IN_DESTINATION)
    start_reintegration(m, residents, Place.DESTINATION, u_start[:, residents])
    start_return(m, done[~offered], Route.ASSISTED, risk_assessed=True)


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
    p.employed[hired] = True
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

    minor = p.age(m.month)[idx] < 18
    offered = np.full(len(idx), pol.monitoring_months > 0 or pol.monitoring_until_stable)
    offered |= pol.monitor_minors_to_majority & minor
    accepts = offered & (u[1] < sv.monitoring_uptake)
    m.log.record(m.month, idx[offered & ~accepts], Event.MONITORING_DECLINED, Cause.DISTRUST)
    monitored = idx[accepts]
    p.monitored[monitored] = True
    p.monitoring_left[monitored] = pol.monitoring_months
    p.monitored_months[monitored] = 0
    m.log.record(m.month, monitored, Event.MONITORING_STARTED, _PLACE_CAUSE[place])


def allocate_support(m: ReintegrationModel) -> None:
    """Give free support places to the longest-waiting; the rest wait, up to a limit."""
    p = m.people
    wait_limit = m.params.services.max_wait_months
    for place, service in m.support.items():
        waiting = np.flatnonzero((p.waiting_since >= 0) & (p.support_place == place))
        expired = waiting[m.month - p.waiting_since[waiting] > wait_limit]
        m.log.record(m.month, expired, Event.SUPPORT_MISSED, Cause.NO_CAPACITY)
        p.waiting_since[expired] = -1
        waiting = waiting[p.waiting_since[waiting] >= 0]
        order = waiting[np.lexsort((waiting, p.waiting_since[waiting]))]
        admitted = order[: service.free_places()]
        service.in_use += len(admitted)
        p.waiting_since[admitted] = -1
        p.support_left[admitted] = m.params.policy.reintegration_support_months
        m.log.record(m.month, admitted, Event.SUPPORT_STARTED, _PLACE_CAUSE[place])
