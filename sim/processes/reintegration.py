"""Reintegration: work, debt, recovery, trust, support and monitoring while they last.

Mechanisms 4, 7 and 8 of EVIDENCE.md, and deportation of people abroad without status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from sim.compiled import compiled
from sim.processes.assistance import support_over
from sim.processes.common import start_return
from sim.rates import factor, prob
from sim.states import Cause, Event, Package, Route, State

if TYPE_CHECKING:
    from sim.model import ReintegrationModel
    from sim.randomness import Row


def reintegration(m: ReintegrationModel) -> None:
    """One month of life in the community for everyone at home, in a destination, or abroad."""
    p, s = m.people, m.params.survivor
    u = m.u("reintegration", k=4)
    # Each group is selected by masks over everyone, in row order: quicker than indexing the
    # rows in the community again for each group, with the same rows.
    community = p.in_community()

    _work(m, community, u[0])

    # Debt grows while out of work and is repaid from wages; a relationship with a support
    # team builds trust (IASC-2021 Enablers).
    _debt_and_trust(
        community,
        p.employed,
        p.support_left,
        p.monitored,
        p.debt,
        p.trust,
        s.debt_repayment_per_month,
        1.0 + s.debt_growth_per_month,
        s.trust_gain_per_supported_month,
    )

    # Recovery, faster with counselling and care while supported.
    supported = p.support_left > 0
    recovering = (community & p.psychosocial).nonzero()[0]
    recovery = s.recovery_rate_per_month * factor(
        supported[recovering], s.counselling_recovery_ratio
    )
    p.psychosocial[recovering[u[1, recovering] < prob(recovery)]] = False

    # People abroad without status are picked up and deported.
    irregular = (
        community & ~p.in_state(State.AT_HOME) & ~p.right_to_work & (p.state_since < m.month)
    ).nonzero()[0]
    deported = irregular[u[2, irregular] < prob(s.irregular_deportation_rate_per_month)]
    m.log.record(m.month, deported, Event.DEPORTED, Cause.STATUS)
    start_return(
        m,
        deported,
        Route.DEPORTED,
        risk_assessed=m.authority.assesses_risk(u[3, deported]),
    )


def _work(m: ReintegrationModel, community: NDArray[np.bool_], u: Row) -> None:
    """Job finding and job loss in the community (``u``: one uniform per survivor)."""
    p, s = m.people, m.params.survivor
    looking, working, rate = job_finding(m, community)
    hired = looking[u[looking] < prob(rate)]
    fired = working[u[working] < prob(s.job_loss_rate_per_month)]
    p.hire(hired)
    p.lose_work(fired)
    m.log.record(m.month, hired, Event.EMPLOYED, Cause.JOB_SEARCH)
    m.log.record(m.month, fired, Event.JOB_LOST, Cause.ECONOMIC)


def job_finding(
    m: ReintegrationModel, community: NDArray[np.bool_]
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]:
    """Those in the community out of work with their job-finding rates, and those in work.

    At home, local employment programmes scale job-finding; abroad, the right to work
    (:func:`_job_finding`).
    """
    p, s, sv, pol = m.people, m.params.survivor, m.params.services, m.params.policy
    return _job_finding(
        community,
        p.employed,
        p.state,
        p.right_to_work,
        p.low_education,
        p.package,
        s.job_find_rate_per_month,
        # Abroad without and with the right to work, and at home.
        np.array(
            [s.no_right_to_work_job_ratio, s.destination_job_ratio, pol.local_employment_ratio]
        ),
        np.array([1.0, s.low_education_job_ratio]),
        np.array([1.0, sv.vocational_job_ratio]),
    )


def count_down(m: ReintegrationModel) -> None:
    """At the end of the month, one month of support and monitoring is used up.

    Only for survivors who were settled in the community all month: support or monitoring that
    starts on arrival therefore covers its full number of months of exposure to
    re-trafficking (arrival months carry the journey's risk instead).
    """
    p = m.people
    settled = p.in_community() & (p.state_since < m.month)
    _count_down_support(m, (settled & (p.support_left > 0)).nonzero()[0])
    _count_down_monitoring(m, (settled & p.monitored).nonzero()[0])


def _count_down_support(m: ReintegrationModel, idx: np.ndarray) -> None:
    p = m.people
    p.support_left[idx] -= 1
    ended = idx[p.support_left[idx] <= 0]
    m.log.record(m.month, ended, Event.SUPPORT_ENDED, Cause.COMPLETED)
    support_over(m, ended)


def _count_down_monitoring(m: ReintegrationModel, idx: np.ndarray) -> None:
    """End monitoring whose months ran out, with the policy's extensions.

    Monitoring continues while the survivor is not yet stable
    (``monitoring_until_stable``, up to ``monitoring_max_months``) or a minor under
    ``monitor_minors_to_majority`` (IOM-2010 §5.3 handbook).
    """
    p, pol = m.people, m.params.policy
    p.monitoring_left[idx] -= 1
    p.monitored_months[idx] += 1
    over = p.monitoring_left[idx] <= 0
    if pol.monitoring_until_stable:
        stable = p.employed[idx] & ~p.in_debt(idx)
        over &= stable | (p.monitored_months[idx] >= pol.monitoring_max_months)
    if pol.monitor_minors_to_majority:
        over &= ~p.minor(m.month, idx)
    ended = idx[over]
    p.monitored[ended] = False
    m.log.record(m.month, ended, Event.MONITORING_ENDED, Cause.COMPLETED)


AT_HOME, VOCATIONAL = int(State.AT_HOME), int(Package.VOCATIONAL)


@compiled
def _debt_and_trust(  # type: ignore[no-untyped-def]  # numba infers the types
    community, employed, support_left, monitored, debt, trust, repayment, growth, gain
):
    """A month's debt and trust for everyone in the community, in place.

    Debt (in months of income) is repaid by ``repayment`` a month from wages, down to none,
    and grows by the factor ``growth`` while out of work (no debt stays none). Trust grows
    by ``gain`` a month, up to 1, while supported or monitored.
    """
    for i in range(community.size):
        if not community[i]:
            continue
        if debt[i] > 0.0:
            debt[i] = max(debt[i] - repayment, 0.0) if employed[i] else debt[i] * growth
        if support_left[i] > 0 or monitored[i]:
            trust[i] = min(trust[i] + gain, 1.0)


@compiled
def _job_finding(  # type: ignore[no-untyped-def]  # numba infers the types
    community,
    employed,
    state,
    right_to_work,
    low_education,
    package,
    base,
    place_f,
    education_f,
    vocational_f,
):
    """Those in the community out of work and their job-finding rates, and those in work.

    The rate is the base rate times the factors for where they live, schooling and
    vocational training, in that order.
    """
    n = community.size
    looking = np.empty(n, dtype=np.int64)
    working = np.empty(n, dtype=np.int64)
    rate = np.empty(n)
    n_looking = n_working = 0
    for i in range(n):
        if not community[i]:
            continue
        if employed[i]:
            working[n_working] = i
            n_working += 1
            continue
        if state[i] == AT_HOME:
            place = 2
        else:
            place = 1 if right_to_work[i] else 0
        r = base * place_f[place]
        r *= education_f[1 if low_education[i] else 0]
        r *= vocational_f[1 if package[i] & VOCATIONAL else 0]
        looking[n_looking] = i
        rate[n_looking] = r
        n_looking += 1
    return looking[:n_looking], working[:n_working], rate[:n_looking]
