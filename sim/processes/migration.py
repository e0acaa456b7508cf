"""Re-migration: the economic push to migrate again, safely or irregularly.

Mechanism 5 of EVIDENCE.md (IOM-2010 §4.5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.processes.common import end_services, recruit_and_retraffic, to_community
from sim.rates import prob
from sim.states import Cause, Event, Family, State

if TYPE_CHECKING:
    from sim.model import ReintegrationModel


def remigration(m: ReintegrationModel) -> None:
    """Settled survivors at home decide to migrate again; irregular journeys are risky."""
    p, s, pol = m.people, m.params.survivor, m.params.policy
    u = m.u("remigration", k=3)
    u_rec = m.u("recruitment", k=2)
    idx = np.flatnonzero((p.state == State.AT_HOME) & (p.state_since < m.month))
    rejection = 1.0 + (s.remigration_rejection_ratio - 1.0) * (1.0 - pol.stigma_reduction)
    rate = s.remigration_rate_per_month * np.where(
        p.employed[idx], 1.0, s.remigration_unemployed_ratio
    )
    rate *= np.where(p.debt[idx] >= 1.0, s.remigration_debt_ratio, 1.0)
    rate *= np.where(p.family[idx] == Family.REJECTING, rejection, 1.0)
    leaving = idx[u[0, idx] < prob(rate)]
    safe = u[1, leaving] < pol.safe_migration_access
    m.log.record(
        m.month,
        leaving,
        Event.REMIGRATED,
        np.where(safe, Cause.SAFE_MIGRATION, Cause.IRREGULAR_MIGRATION),
    )
    end_services(m, leaving, Cause.REMIGRATED)
    risk = np.where(safe, s.safe_migration_risk, s.irregular_migration_risk)
    caught = u[2, leaving] < risk
    intl = np.ones(int(caught.sum()), dtype=bool)
    taken = np.zeros(len(leaving), dtype=bool)
    for channel, cause in ((True, Cause.SAFE_MIGRATION), (False, Cause.IRREGULAR_MIGRATION)):
        sel = np.flatnonzero(caught & (safe == channel))
        taken[sel] = recruit_and_retraffic(m, leaving[sel], cause, intl[: len(sel)], u_rec)

    arrived = leaving[~taken]
    p.residency[arrived] = False
    p.right_to_work[arrived] = safe[~taken]
    p.employed[arrived] = False
    to_community(m, arrived, State.MIGRANT)
