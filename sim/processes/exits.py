"""Entering the cohort, exploitation and exit, and identification at exit.

Mechanisms 1-2 of EVIDENCE.md: at exit the authorities refer the survivor to assistance,
deport them without referral, or (colluding officers) hand them back to the trafficker, which
counts as re-trafficking (IOM-2010 §1.1: a brief exit counts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.processes.assistance import admit_to_assistance
from sim.processes.common import retraffic, start_return, to_community
from sim.randomness import Draws
from sim.states import Cause, Event, Route, State

if TYPE_CHECKING:
    from sim.model import ReintegrationModel


def arrive(m: ReintegrationModel) -> None:
    """Survivors whose first exit falls in this month join the model at exit."""
    p = m.people
    u = m.u("arrival")
    idx = (p.in_state(State.PENDING) & (p.entry_month == m.month)).nonzero()[0]
    p.episode[idx] = 1
    p.international[idx] = p.international_first[idx]
    _exit(m, idx, u[0, idx])


def exploitation(m: ReintegrationModel) -> None:
    """Survivors in a later episode exit at the exit rate.

    They exit at once if their trafficker was removed (prosecution frees those it exploits).
    """
    p = m.people
    u = m.u("exploitation", k=2)
    exploited = (p.in_state(State.EXPLOITED) & (p.state_since < m.month)).nonzero()[0]
    if len(exploited) == 0:
        return
    freed = ~m.traffickers.active(p.trafficker[exploited])
    leaves = freed | (u[0, exploited] < m.p_exit)
    _exit(m, exploited[leaves], u[1, exploited[leaves]], freed[leaves])


def _exit(
    m: ReintegrationModel, idx: np.ndarray, u: np.ndarray, freed: np.ndarray | None = None
) -> None:
    """Exit ``idx``: an interception with each survivor's own lasting chance, else an escape.

    The chance is drawn once per survivor (:func:`sim.cohort.make_cohort`), so people
    intercepted once are more likely to be intercepted again (IOM-2010 §4.3 Table 3).
    Those ``freed`` because their trafficker was removed are logged with that cause; how
    they then leave (intercepted or not) decides their routing as for everyone else.
    """
    p = m.people
    intercepted = u < p.interception[idx]
    p.exit_cause[idx] = np.where(intercepted, Cause.INTERCEPTION, Cause.ESCAPE)
    p.exit_month[idx] = m.month
    m.people.move(idx, State.EXITED, m.month)
    cause = p.exit_cause[idx]
    if freed is not None:
        cause = np.where(freed, Cause.TRAFFICKER_REMOVED, cause)
    m.log.record(
        m.month,
        idx,
        Event.EXITED,
        cause,
        international=p.international[idx],
        trafficker=p.trafficker[idx],
    )


def identification(m: ReintegrationModel) -> None:
    """Route everyone who exited this month: handed back, referred and assisted, or not.

    Interceptions (authorities) end in a hand-back with the collusion share (when the
    trafficker is still active), else in referral with the referral share; escapes reach
    assistance through NGOs with ``ngo_contact_after_escape``. Referred survivors may decline
    (distrust) or find no place. Everyone else is deported (intercepted, international),
    returns on their own, or stays in the destination irregularly.
    """
    p, s, auth = m.people, m.params.survivor, m.authority
    u = m.u("identification", k=5)
    idx = (p.in_state(State.EXITED)).nonzero()[0]
    intercepted = p.exit_cause[idx] == Cause.INTERCEPTION
    back = (
        intercepted
        & auth.hands_back(u[0, idx])
        & m.traffickers.active(p.trafficker[idx])
        & m.traffickers.has_contacts(p.trafficker[idx])
    )
    hand_back = idx[back]
    if len(hand_back):
        p.trust[hand_back] = np.maximum(p.trust[hand_back] - s.trust_loss_after_handback, 0.0)
        retraffic(
            m, hand_back, Cause.HANDED_BACK, p.international[hand_back], p.trafficker[hand_back]
        )

    rest, intercepted = idx[~back], intercepted[~back]
    referred = np.where(
        intercepted, auth.refers(u[1, rest]), u[1, rest] < s.ngo_contact_after_escape
    )
    m.log.record(
        m.month,
        rest[referred],
        Event.REFERRED,
        np.where(intercepted[referred], Cause.LAW_ENFORCEMENT, Cause.NGO),
    )
    assisted = admit_to_assistance(
        m, rest[referred], u[2], at_home=~p.international[rest[referred]]
    )
    got = np.zeros(len(rest), dtype=bool)
    got[referred.nonzero()[0][assisted]] = True
    _route_unassisted(m, rest[~got], intercepted[~got], u)


def _route_unassisted(
    m: ReintegrationModel, idx: np.ndarray, intercepted: np.ndarray, u: Draws
) -> None:
    """Deportation (intercepted abroad), self-return, or staying abroad irregularly.

    ``u`` is identification's (5, N) uniforms; rows 3 and 4 are used here.
    """
    p, s = m.people, m.params.survivor
    abroad = p.international[idx]
    deport = idx[abroad & intercepted]
    m.log.record(m.month, deport, Event.DEPORTED, Cause.NO_REFERRAL)
    assessed = m.authority.assesses_risk(u[4, deport])
    start_return(m, deport, Route.DEPORTED, risk_assessed=assessed)
    escaped_abroad = abroad & ~intercepted
    goes_home = escaped_abroad & (u[3, idx] < s.self_return_after_escape)
    start_return(m, idx[goes_home | ~abroad], Route.SELF)
    stays = idx[escaped_abroad & ~goes_home]
    m.people.lose_status(stays)
    to_community(m, stays, State.IN_DESTINATION)
