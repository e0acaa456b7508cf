"""Life in a destination country: permits that expire, and homelessness (mechanism 8).

IASC-2021 "Enablers of re-trafficking": without regular status, the right to work and stable
housing, survivors are re-trafficked within the destination country; the threat of
homelessness at the end of support is among the main enablers. IOM-2010 §5.4: residence
entitlements may be short-lived. Status acts through the destination hazard and job-finding;
homelessness through ``hr_homeless`` (:func:`sim.processes.retrafficking.hazard`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from sim.rates import prob
from sim.states import Cause, Event, State

if TYPE_CHECKING:
    from sim.model import ReintegrationModel


def destination(m: ReintegrationModel) -> None:
    """Permits that reach their end are renewed or lost; homeless people find housing."""
    p, s, pol = m.people, m.params.survivor, m.params.policy
    u = m.u("destination", k=2)
    due = (
        p.in_state(State.IN_DESTINATION) & p.residency & (p.residency_until == m.month)
    ).nonzero()[0]
    renew = u[0, due] < pol.residency_renewal_share
    renewed, expired = due[renew], due[~renew]
    p.residency_until[renewed] += pol.residency_permit_months
    m.log.record(m.month, renewed, Event.RESIDENCY_RENEWED, Cause.STATUS)
    m.people.lose_status(expired)
    m.log.record(m.month, expired, Event.RESIDENCY_EXPIRED, Cause.STATUS)

    homeless = p.homeless.nonzero()[0]
    housed = homeless[p.employed[homeless] | (u[1, homeless] < prob(s.rehousing_rate_per_month))]
    p.homeless[housed] = False
    m.log.record(m.month, housed, Event.REHOUSED, Cause.HOUSING)


def become_homeless(m: ReintegrationModel, idx: NDArray[np.intp]) -> None:
    """Unemployed survivors in a destination may lose their housing when support ends.

    Called when support ends, is cut off, or never comes (the wait for a place runs out).
    """
    if len(idx) == 0:
        return
    p = m.people
    u = m.u("housing")[0, idx]
    at_risk = (p.state[idx] == State.IN_DESTINATION) & ~p.employed[idx] & ~p.homeless[idx]
    new = idx[at_risk & (u < m.params.survivor.homelessness_after_support)]
    p.homeless[new] = True
    m.log.record(m.month, new, Event.HOMELESS, Cause.HOUSING)
