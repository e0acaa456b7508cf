"""The journey home: the en-route risk of re-trafficking, and arrival (mechanism 1).

Deportation without referral or risk assessment leaves people to be picked up by traffickers
at the border or at home (IOM-2010 executive summary); assisted, risk-assessed return is the
safest route.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.processes.assistance import admit_to_assistance, start_reintegration
from sim.processes.common import recruit_and_retraffic, to_community
from sim.states import Cause, Event, Place, Route, State

if TYPE_CHECKING:
    from sim.model import ReintegrationModel


def journey(m: ReintegrationModel) -> None:
    """Survivors who set off last month are re-trafficked on the way or arrive home."""
    p, s = m.people, m.params.survivor
    u = m.u("journey", k=3)
    u_rec = m.u("journey.recruitment", k=2)
    u_start = m.u("journey.support", k=2)
    travelling = np.flatnonzero((p.state == State.EN_ROUTE) & (p.state_since < m.month))
    route = p.route[travelling]
    risk = np.select(
        [route == Route.DEPORTED, route == Route.SELF, route == Route.ASSISTED],
        [s.en_route_risk_deported, s.en_route_risk_self_return, s.en_route_risk_assisted],
        default=0.0,
    )
    deported = route == Route.DEPORTED
    risk[deported] *= np.where(p.risk_assessed[travelling[deported]], s.risk_assessment_effect, 1.0)
    caught = travelling[u[0, travelling] < risk]
    taken = recruit_and_retraffic(m, caught, Cause.EN_ROUTE, np.ones(len(caught), bool), u_rec)

    arriving = np.setdiff1d(travelling, caught[taken], assume_unique=True)
    cause = np.select(
        [p.route[arriving] == Route.ASSISTED, p.route[arriving] == Route.DEPORTED],
        [Cause.ASSISTED_RETURN, Cause.DEPORTATION],
        default=Cause.SELF_RETURN,
    )
    m.log.record(m.month, arriving, Event.ARRIVED_HOME, cause)
    # Returnees without assistance may be referred to it at home (IOM-2010 §5.1: 16 of 40
    # twice-assisted were first assisted in their country of origin).
    unassisted = arriving[p.route[arriving] != Route.ASSISTED]
    referred = unassisted[u[1, unassisted] < s.origin_assistance_after_return]
    m.log.record(m.month, referred, Event.REFERRED, Cause.REFERRED_ON_RETURN)
    started = admit_to_assistance(m, referred, u[2], at_home=np.ones(len(referred), bool))
    settle = np.setdiff1d(arriving, referred[started], assume_unique=True)
    to_community(m, settle, State.AT_HOME)
    assisted = arriving[p.route[arriving] == Route.ASSISTED]
    start_reintegration(m, assisted, Place.ORIGIN, u_start[:, assisted])
