"""The journey home: the en-route risk of re-trafficking, and arrival (mechanism 1).

Deportation without referral or risk assessment leaves people to be picked up by traffickers
at the border or at home (IOM-2010 executive summary); assisted, risk-assessed return is the
safest route.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from sim.processes.assistance import admit_to_assistance, start_reintegration
from sim.processes.common import recruit_and_retraffic, to_community
from sim.states import Cause, Event, Place, Route, State

if TYPE_CHECKING:
    from sim.model import ReintegrationModel


#: The cause of an arrival home, by route (``Route`` code): self-return unless assisted or
#: deported.
_ARRIVAL_CAUSE = np.full(len(Route), Cause.SELF_RETURN, dtype=np.int8)
_ARRIVAL_CAUSE[[Route.ASSISTED, Route.DEPORTED]] = (Cause.ASSISTED_RETURN, Cause.DEPORTATION)


def journey(m: ReintegrationModel) -> None:
    """Survivors who set off last month are re-trafficked on the way or arrive home."""
    p, s = m.people, m.params.survivor
    u = m.u("journey", k=3)
    u_rec = m.u("journey.recruitment", k=2)
    u_start = m.u("journey.support", k=2)
    travelling = (p.in_state(State.EN_ROUTE) & (p.state_since < m.month)).nonzero()[0]
    route = p.route[travelling]
    risk_of = np.zeros(len(Route))  # by route code; none for any other route
    risk_of[[Route.DEPORTED, Route.SELF, Route.ASSISTED]] = (
        s.en_route_risk_deported,
        s.en_route_risk_self_return,
        s.en_route_risk_assisted,
    )
    risk = risk_of[route]
    deported = route == Route.DEPORTED
    risk[deported] *= np.where(p.risk_assessed[travelling[deported]], s.risk_assessment_effect, 1.0)
    caught = (u[0, travelling] < risk).nonzero()[0]  # positions in travelling
    taken = recruit_and_retraffic(
        m, travelling[caught], Cause.EN_ROUTE, np.ones(len(caught), bool), u_rec
    )

    arriving = _without(travelling, caught[taken])
    m.log.record(m.month, arriving, Event.ARRIVED_HOME, _ARRIVAL_CAUSE[p.route[arriving]])
    # Returnees without assistance may be referred to it at home (IOM-2010 §5.1: 16 of 40
    # twice-assisted were first assisted in their country of origin).
    unassisted = (p.route[arriving] != Route.ASSISTED).nonzero()[0]  # positions in arriving
    referred = unassisted[u[1, arriving[unassisted]] < s.origin_assistance_after_return]
    m.log.record(m.month, arriving[referred], Event.REFERRED, Cause.REFERRED_ON_RETURN)
    started = admit_to_assistance(m, arriving[referred], u[2], at_home=np.ones(len(referred), bool))
    to_community(m, _without(arriving, referred[started]), State.AT_HOME)
    assisted = arriving[p.route[arriving] == Route.ASSISTED]
    start_reintegration(m, assisted, Place.ORIGIN, u_start[:, assisted])


def _without(rows: NDArray[np.intp], positions: NDArray[np.intp]) -> NDArray[np.intp]:
    """``rows`` less those at ``positions``, in order."""
    keep = np.ones(len(rows), dtype=bool)
    keep[positions] = False
    return rows[keep]
