"""Traffickers' continuing control: threats and debt claims against former victims.

Mechanism 3 of EVIDENCE.md (IOM-2010 §4.4).

A former trafficker who is still active can reach a survivor at home in the trafficker's region
(or anywhere, through a complicit family) and abroad if it operates in destination countries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.rates import prob
from sim.states import Cause, Event, Family, Package, State

if TYPE_CHECKING:
    from sim.model import ReintegrationModel


def pressure(m: ReintegrationModel) -> None:
    """Threat spells start and end; each new spell is booked as a debt claim by the trafficker.

    The claim stays on the trafficker's accounts (``Trafficker.debt_claimed``): its pull on
    the survivor is the coercion of ``hr_threatened`` while the spell lasts, so threats act
    through one path (:func:`sim.processes.retrafficking.retrafficking`).
    """
    p, t = m.people, m.params.traffickers
    u = m.u("pressure", k=2)
    idx = np.flatnonzero(p.in_community() & (p.trafficker >= 0))
    tid = p.trafficker[idx]
    at_home = p.state[idx] == State.AT_HOME
    traffickers = m.traffickers
    in_reach = traffickers.active(tid) & np.where(
        at_home,
        (traffickers.region[tid] == p.region[idx]) | (p.family[idx] == Family.COMPLICIT),
        traffickers.reach[tid],
    )
    threatened = p.threatened[idx]
    spells = idx[threatened]
    ends = ~in_reach[threatened] | (u[0, spells] < prob(t.threat_end_rate_per_month))
    p.threatened[spells[ends]] = False
    exposed = idx[~threatened & in_reach]
    new = exposed[u[1, exposed] < prob(t.threat_rate_per_month)]
    p.threatened[new] = True
    legal = (p.package[new] & Package.LEGAL) > 0
    claim = m.params.survivor.trafficker_debt_claim
    claimed = claim * np.where(legal, m.params.services.legal_debt_claim_ratio, 1.0)
    traffickers.book_pressure(p.trafficker[new], claimed)
    m.log.record(
        m.month, new, Event.THREATENED, Cause.FORMER_TRAFFICKER, trafficker=p.trafficker[new]
    )
