"""Traffickers' continuing control: threats and debt claims against former victims.

Mechanism 3 of EVIDENCE.md (IOM-2010 §4.4).

A former trafficker who is still active can reach a survivor at home in the trafficker's region
(or anywhere, through a complicit family) and abroad if it operates in destination countries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.compiled import compiled
from sim.people import COMMUNITY_BITS
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
    traffickers = m.traffickers
    spells, in_reach, exposed = _reach(
        p.state,
        p.trafficker,
        p.threatened,
        p.region,
        p.family,
        traffickers.active_mask,
        traffickers.region,
        traffickers.reach,
    )
    ends = ~in_reach | (u[0, spells] < prob(t.threat_end_rate_per_month))
    p.threatened[spells[ends]] = False
    new = exposed[u[1, exposed] < prob(t.threat_rate_per_month)]
    p.threatened[new] = True
    legal = (p.package[new] & Package.LEGAL) > 0
    claim = m.params.survivor.trafficker_debt_claim
    claimed = claim * np.where(legal, m.params.services.legal_debt_claim_ratio, 1.0)
    traffickers.book_pressure(p.trafficker[new], claimed)
    m.log.record(
        m.month, new, Event.THREATENED, Cause.FORMER_TRAFFICKER, trafficker=p.trafficker[new]
    )


AT_HOME, COMPLICIT = int(State.AT_HOME), int(Family.COMPLICIT)


@compiled
def _reach(  # type: ignore[no-untyped-def]  # numba infers the types
    state, trafficker, threatened, region, family, t_active, t_region, t_reach
):
    """Whom their former trafficker can reach, among survivors in the community.

    Returns those threatened (``spells``) with whether it can still reach them, and those
    not threatened whom it can reach, each in row order. An active trafficker reaches a
    survivor at home in its own region or through a complicit family, and one abroad if it
    operates in destination countries.
    """
    n = state.size
    spells = np.empty(n, dtype=np.int64)
    in_reach = np.empty(n, dtype=np.bool_)
    exposed = np.empty(n, dtype=np.int64)
    n_spells = n_exposed = 0
    for i in range(n):
        tid = trafficker[i]
        if tid < 0 or not (COMMUNITY_BITS >> state[i]) & 1:
            continue
        if state[i] == AT_HOME:
            reach = t_region[tid] == region[i] or family[i] == COMPLICIT
        else:
            reach = t_reach[tid]
        reach = t_active[tid] and reach
        if threatened[i]:
            spells[n_spells] = i
            in_reach[n_spells] = reach
            n_spells += 1
        elif reach:
            exposed[n_exposed] = i
            n_exposed += 1
    return spells[:n_spells], in_reach[:n_spells], exposed[:n_exposed]
