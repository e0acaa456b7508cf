"""Re-migration: the economic push to migrate again, safely or irregularly.

Mechanism 5 of EVIDENCE.md (IOM-2010 §4.6): without work, and with debts from the first
migration, people migrate again, mostly through irregular channels. Work and debt act here and
nowhere else. Residents of a destination can migrate onward the same way (IASC-2021 "Enablers
of re-trafficking"); residency exempts no one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from sim.compiled import compiled
from sim.people import IN_DEBT_MONTHS
from sim.processes.common import end_services, recruit_and_retraffic, to_community
from sim.rates import halvings, prob
from sim.states import Cause, Event, State

if TYPE_CHECKING:
    from sim.model import ReintegrationModel


def settling_table(m: ReintegrationModel) -> NDArray[np.float64]:
    """How far base rates have fallen, by whole months since arrival in the community.

    1 on arrival, falling with ``settling_halflife_months`` to ``settled_rate_ratio``: the
    re-migration rate and the base re-trafficking hazards decline as people settle, so risk
    does not stay flat for years (IOM-2010 "Key research findings": mostly within two years).
    Indexed by ``month - arrived_month`` (at least 0).
    """
    s = m.params.survivor
    return halvings(m.month + 1, s.settling_halflife_months, end=s.settled_rate_ratio)


def remigration(m: ReintegrationModel) -> None:
    """Settled survivors at home, and residents abroad, decide to migrate again.

    Irregular journeys are risky; a safe channel (``policy.safe_migration_access``) gives the
    right to work at the destination.
    """
    p, s, pol = m.people, m.params.survivor, m.params.policy
    u = m.u("remigration", k=3)
    u_rec = m.u("remigration.recruitment", k=2)
    idx, rate = remigration_rates(m)
    leaving = idx[u[0, idx] < prob(rate)]
    safe = u[1, leaving] < pol.safe_migration_access
    m.log.record(
        m.month,
        leaving,
        Event.REMIGRATED,
        np.where(safe, Cause.SAFE_MIGRATION, Cause.IRREGULAR_MIGRATION),
    )
    end_services(m, leaving, Cause.REMIGRATED)
    m.people.lose_status(leaving)
    p.homeless[leaving] = False
    risk = np.where(safe, s.safe_migration_risk, s.irregular_migration_risk)
    caught = u[2, leaving] < risk
    intl = np.ones(int(caught.sum()), dtype=bool)
    taken = np.zeros(len(leaving), dtype=bool)
    for channel, cause in ((True, Cause.SAFE_MIGRATION), (False, Cause.IRREGULAR_MIGRATION)):
        sel = (caught & (safe == channel)).nonzero()[0]
        taken[sel] = recruit_and_retraffic(m, leaving[sel], cause, intl[: len(sel)], u_rec)

    arrived = leaving[~taken]
    p.allow_work(arrived, safe[~taken])
    p.lose_work(arrived)
    to_community(m, arrived, State.MIGRANT)


def remigration_rates(
    m: ReintegrationModel,
) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """Who may migrate again this month, and at what monthly rate (:func:`_rates`)."""
    p, s = m.people, m.params.survivor
    return _rates(
        m.month,
        p.state,
        p.state_since,
        p.residency,
        p.arrived_month,
        p.employed,
        p.debt,
        s.remigration_rate_per_month,
        settling_table(m),
        np.array([s.remigration_unemployed_ratio, 1.0]),  # [out of work, employed]
        np.array([1.0, s.remigration_debt_ratio]),  # [not in debt, in debt]
        IN_DEBT_MONTHS,
    )


AT_HOME, IN_DESTINATION = int(State.AT_HOME), int(State.IN_DESTINATION)


@compiled
def _rates(  # type: ignore[no-untyped-def]  # numba infers the types
    month,
    state,
    state_since,
    residency,
    arrived_month,
    employed,
    debt,
    base,
    settling_f,
    employed_f,
    debt_f,
    in_debt_months,
):
    """Who may migrate again, and their monthly rates.

    Those settled at home and residents abroad; the base rate as they settle, times the
    factors for work and debt, in that order.
    """
    idx = np.empty(state.size, dtype=np.int64)
    rate = np.empty(state.size)
    k = 0
    for i in range(state.size):
        home = state[i] == AT_HOME
        resident = state[i] == IN_DESTINATION and residency[i]
        if (home or resident) and state_since[i] < month:
            r = base * settling_f[max(month - arrived_month[i], 0)]
            r *= employed_f[1 if employed[i] else 0]
            r *= debt_f[1 if debt[i] >= in_debt_months else 0]
            idx[k] = i
            rate[k] = r
            k += 1
    return idx[:k], rate[:k]
