"""Transitions shared by several processes: re-trafficking, return, services end.

Re-trafficking needs a trafficker who can take the survivor
(:meth:`sim.traffickers.Traffickers.recruit`); with none the event does not happen, so a
model without traffickers has no re-trafficking.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from sim.compiled import compiled
from sim.people import IN_DEBT_MONTHS
from sim.randomness import Draws
from sim.rates import code
from sim.states import Cause, Econ, Event, Purpose, Route, State, Support

if TYPE_CHECKING:
    from sim.model import ReintegrationModel

_PURPOSES = np.array([Purpose.SEXUAL, Purpose.LABOUR, Purpose.CRIMINALITY], dtype=np.int8)
_RETURN_CAUSE = {
    Route.ASSISTED: Cause.ASSISTED_RETURN,
    Route.DEPORTED: Cause.DEPORTATION,
    Route.SELF: Cause.SELF_RETURN,
}


def retraffic(
    m: ReintegrationModel,
    idx: NDArray[np.intp],
    cause: Cause,
    international: NDArray[np.bool_],
    trafficker: NDArray[np.int32],
) -> None:
    """Start a new trafficking episode for ``idx`` with the given (already matched) traffickers."""
    if len(idx) == 0:
        return
    p = m.people
    _note_first(
        idx,
        m.month,
        (p.first_retraffic_month, p.econ_at_retraffic, p.status_at_retraffic),
        (p.employed, p.debt, p.state, p.support_left, p.monitored, p.waiting_since),
        IN_DEBT_MONTHS,
    )
    m.traffickers.took(idx, trafficker)
    end_services(m, idx, Cause.RETRAFFICKED)
    p.purpose_now[idx] = next_purpose(m, idx)
    p.episode[idx] += 1
    p.international[idx] = international
    p.trafficker[idx] = trafficker
    p.threatened[idx] = False
    p.lose_work(idx)
    p.lose_status(idx)
    p.homeless[idx] = False
    p.move(idx, State.EXPLOITED, m.month)
    m.log.record(
        m.month,
        idx,
        Event.RETRAFFICKED,
        cause,
        international=international,
        trafficker=trafficker,
        purpose=p.purpose_now[idx],
    )


def next_purpose(m: ReintegrationModel, idx: NDArray[np.intp]) -> NDArray[np.int8]:
    """Purpose of the new episodes of ``idx`` (IOM-2010 §1.1: the same or a different purpose).

    The same as the last with ``same_purpose_share``, otherwise drawn from the cohort's shares.
    """
    c = m.params.cohort
    last = m.people.purpose_now[idx]
    u = m.u("purpose", k=2)[:, idx]
    # Sexual below the first cumulative share, labour below the second, criminality above.
    cuts = (c.share_sexual_exploitation, c.share_sexual_exploitation + c.share_forced_labour)
    drawn = _PURPOSES.take(code(u[1] >= cuts[0], u[1] >= cuts[1]))
    same = u[0] < m.params.survivor.same_purpose_share
    drawn[same] = last[same]
    return drawn


def recruit_and_retraffic(
    m: ReintegrationModel,
    idx: NDArray[np.intp],
    cause: Cause,
    international: NDArray[np.bool_],
    u: Draws,
    former_only: bool = False,
) -> NDArray[np.bool_]:
    """Re-traffic those of ``idx`` a trafficker can take; returns who was taken."""
    if len(idx) == 0:
        return np.zeros(0, dtype=bool)
    tids = m.traffickers.recruit(idx, international, former_only, u)
    taken = tids >= 0
    retraffic(m, idx[taken], cause, international[taken], tids[taken])
    return taken


@compiled
def _note_first(idx, month, record, now, in_debt_months):  # type: ignore[no-untyped-def]
    """For those of ``idx`` re-trafficked for the first time, what their situation was.

    The month (``first_retraffic_month``); their economic situation (``econ_at_retraffic``,
    :class:`~sim.states.Econ`: secure with work and under ``in_debt_months`` of debt, poor
    with neither, getting by with one, so its code counts them); and the protection they had
    (``status_at_retraffic``, :class:`~sim.states.Support`: in destination assistance, else
    supported, else monitored, else waiting for support, else none).
    """
    first_month, econ_at, status_at = record
    employed, debt, state, support_left, monitored, waiting_since = now
    for i in idx:
        if first_month[i] >= 0:
            continue
        first_month[i] = month
        econ_at[i] = np.int8(employed[i]) + np.int8(debt[i] < in_debt_months)
        if state[i] == _IN_DESTINATION_ASSISTANCE:
            status_at[i] = _IN_ASSISTANCE
        elif support_left[i] > 0:
            status_at[i] = _SUPPORTED
        elif monitored[i]:
            status_at[i] = _MONITORED
        elif waiting_since[i] >= 0:
            status_at[i] = _WAITING
        else:
            status_at[i] = _NONE


_IN_DESTINATION_ASSISTANCE = int(State.DEST_ASSISTANCE)
_IN_ASSISTANCE, _SUPPORTED = int(Support.IN_ASSISTANCE), int(Support.SUPPORTED)
_MONITORED, _WAITING, _NONE = int(Support.MONITORED), int(Support.WAITING), int(Support.NONE)
if (Econ.POOR, Econ.GETTING_BY, Econ.SECURE) != (0, 1, 2):
    raise RuntimeError("bug: _note_first counts Econ's codes as 0, 1 and 2")


def end_services(m: ReintegrationModel, idx: NDArray[np.intp], cause: Cause) -> None:
    """Stop support, monitoring and waiting for ``idx`` (they left, or were re-trafficked)."""
    if len(idx) == 0:
        return
    p = m.people
    supported = idx[p.support_left[idx] > 0]
    m.log.record(m.month, supported, Event.SUPPORT_ENDED, cause)
    p.support_left[supported] = 0
    end_monitoring(m, idx, cause)
    waiting = idx[p.waiting_since[idx] >= 0]
    m.log.record(m.month, waiting, Event.SUPPORT_MISSED, cause)
    p.waiting_since[waiting] = -1


def end_monitoring(m: ReintegrationModel, idx: NDArray[np.intp], cause: Cause) -> None:
    """Stop the monitoring of those of ``idx`` who are monitored."""
    p = m.people
    monitored = idx[p.monitored[idx]]
    m.log.record(m.month, monitored, Event.MONITORING_ENDED, cause)
    p.monitored[monitored] = False
    p.monitoring_left[monitored] = 0


def start_return(
    m: ReintegrationModel,
    idx: NDArray[np.intp],
    route: Route,
    risk_assessed: NDArray[np.bool_] | bool = False,
) -> None:
    """Send ``idx`` home by ``route``; they travel this month and arrive next month."""
    if len(idx) == 0:
        return
    p = m.people
    end_services(m, idx, _RETURN_CAUSE[route])
    p.route[idx] = route
    p.first_route[idx] = np.where(p.first_route[idx] < 0, int(route), p.first_route[idx])
    p.risk_assessed[idx] = risk_assessed
    p.lose_status(idx)
    p.lose_work(idx)
    p.homeless[idx] = False
    p.move(idx, State.EN_ROUTE, m.month)
    m.log.record(m.month, idx, Event.RETURN_STARTED, _RETURN_CAUSE[route])


def to_community(m: ReintegrationModel, idx: NDArray[np.intp], state: State) -> None:
    """Settle ``idx`` in a community state (at home, in the destination, or as a migrant).

    Arrival starts both clocks of the community hazard: the early-risk window (the first
    months back are the riskiest) and settling (base rates fall as people settle), see
    :func:`sim.processes.retrafficking.hazard`.
    """
    p = m.people
    p.move(idx, state, m.month)
    p.arrived_month[idx] = m.month
    p.exposed_month[idx] = m.month
