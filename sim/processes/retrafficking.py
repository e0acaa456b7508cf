"""Re-trafficking from the community: a monthly hazard built from risk and protective factors.

The hazard is the base rate for where the survivor lives, falling as they settle, times the
early-risk window since their latest arrival in the community, the individual and social hazard
ratios (mechanisms 4, 6, 8) and the protection of support and monitoring while they last
(mechanism 7). For a threatened survivor
the excess hazard from threats is coercion by the former trafficker; the rest is recruitment
by others: internal recruitment at home, or re-trafficking within the destination country.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from sim.compiled import compiled
from sim.people import AGE_OF_MAJORITY
from sim.processes.common import recruit_and_retraffic
from sim.processes.migration import settling_table
from sim.rates import halvings, prob
from sim.states import Cause, Package, Purpose, State

AT_HOME, SEXUAL, LEGAL = int(State.AT_HOME), int(Purpose.SEXUAL), int(Package.LEGAL)

if TYPE_CHECKING:
    from sim.model import ReintegrationModel


def hazard(m: ReintegrationModel, idx: NDArray[np.intp]) -> NDArray[np.float64]:
    """Monthly re-trafficking rate for survivors ``idx`` before threats are applied.

    The base rate for where they live (a destination without or with regular status, or
    home) falls as they settle (:func:`sim.processes.migration.settling_table`); the
    early-risk window (:func:`early_risk_table`) multiplies it once, for every pathway, from
    their latest arrival in the community or end of support; then, in this order, age,
    psychosocial need, substance dependency, minority, the family's stance and stigma,
    homelessness, support and monitoring. Work and debt do not: they act through
    re-migration (one path per mechanism, ``docs/mechanisms.md``). Each factor is a table
    indexed by the survivor's level of it; one compiled pass (:func:`_hazard`) multiplies
    them.
    """
    p, s, pol = m.people, m.params.survivor, m.params.policy
    # The family's stance; a rejecting family's, raised by stigma after sexual exploitation.
    rejection = [
        1.0 + (s.hr_family_rejecting - 1.0) * stigma * (1.0 - pol.stigma_reduction)
        for stigma in (1.0, s.stigma_sexual_ratio)
    ]
    complicit = s.hr_family_complicit
    return _hazard(
        idx,
        m.month,
        (p.state, p.residency, p.right_to_work, p.arrived_month, p.exposed_month),
        (p.age_at_entry, p.entry_month, p.family, p.purpose_now),
        (p.psychosocial, p.substance, p.minority, p.homeless, p.support_left, p.monitored),
        # Where they live: abroad without and with regular status, at home.
        np.array(
            [
                s.hazard_destination_irregular_per_month,
                s.hazard_destination_regular_per_month,
                s.hazard_home_per_month,
            ]
        ),
        settling_table(m),
        early_risk_table(m),
        np.array([1.0, s.hr_age_18_25, s.hr_minor]),  # over 25, 18-25, minor
        # Supportive, rejecting, complicit; then the same after sexual exploitation.
        np.array([1.0, rejection[0], complicit, 1.0, rejection[1], complicit]),
        # Each yes/no factor, [no, yes]: psychosocial need, substance dependency, minority,
        # homeless, in support, monitored.
        np.array(
            [
                [1.0, s.hr_psychosocial],
                [1.0, s.hr_substance],
                [1.0, s.hr_minority],
                [1.0, s.hr_homeless],
                [1.0, s.hr_supported],
                [1.0, s.hr_monitored],
            ]
        ),
    )


def early_risk_table(m: ReintegrationModel) -> NDArray[np.float64]:
    """The early-risk multiplier by whole months since ``exposed_month``.

    From ``early_risk_ratio`` down to 1: its excess halves every
    ``early_risk_halflife_months`` from the latest arrival in the community or end of
    support.
    """
    s = m.params.survivor
    return halvings(m.month + 1, s.early_risk_halflife_months, start=s.early_risk_ratio, end=1.0)


@compiled
def _hazard(  # type: ignore[no-untyped-def]  # numba infers the types
    idx, month, where, who, needs, place_f, settling_f, early_f, age_f, family_f, yes_no
):
    """:func:`hazard` for each survivor of ``idx``, its factors multiplied in order.

    Each level is an index computed without branching (the yes/no columns are random across
    survivors, so branches would be mispredicted).
    """
    state, residency, right_to_work, arrived_month, exposed_month = where
    age_at_entry, entry_month, family, purpose_now = who
    psychosocial, substance, minority, homeless, support_left, monitored = needs
    out = np.empty(idx.size)
    for j in range(idx.size):
        i = idx[j]
        home = np.int64(state[i] == AT_HOME)
        regular = np.int64(residency[i] | right_to_work[i])
        h = place_f[2 * home + (1 - home) * regular]
        h = h * settling_f[max(month - arrived_month[i], 0)]
        h = h * early_f[max(month - exposed_month[i], 0)]
        age = age_at_entry[i] + max(month - entry_month[i], 0) / 12.0
        h *= age_f[np.int64(age < AGE_OF_MAJORITY) + np.int64(age <= 25)]
        h *= yes_no[0, np.int64(psychosocial[i])]
        h *= yes_no[1, np.int64(substance[i])]
        h *= yes_no[2, np.int64(minority[i])]
        h *= family_f[family[i] + 3 * np.int64(purpose_now[i] == SEXUAL)]
        h *= yes_no[3, np.int64(homeless[i])]
        h *= yes_no[4, np.int64(support_left[i] > 0)]
        h *= yes_no[5, np.int64(monitored[i])]
        out[j] = h
    return out


def retrafficking(m: ReintegrationModel) -> None:
    """Draw this month's re-trafficking from the community and match it to traffickers."""
    p, s = m.people, m.params.survivor
    u = m.u("retrafficking", k=1)
    u_rec = m.u("retrafficking.recruitment", k=2)
    idx = (p.in_community() & (p.state_since < m.month)).nonzero()[0]
    # Threats multiply the hazard by hr_threatened; legal help contests the trafficker's
    # claims, scaling the ratio's excess. The excess is coercion by the former trafficker.
    legal_ratio = m.params.services.legal_debt_claim_ratio
    rate, hr = _with_threats(
        idx, hazard(m, idx), p.threatened, p.package, s.hr_threatened, legal_ratio
    )
    coerced, recruited = _split(idx, u[0, idx], prob(rate), hr, p.threatened)

    former = p.trafficker[coerced]
    intl = m.traffickers.reach[former] if len(former) else np.zeros(0, dtype=bool)
    recruit_and_retraffic(m, coerced, Cause.FORMER_TRAFFICKER, intl, u_rec, former_only=True)

    home = p.state[recruited] == State.AT_HOME
    recruit_and_retraffic(
        m, recruited[home], Cause.INTERNAL_RECRUITMENT, np.zeros(int(home.sum()), dtype=bool), u_rec
    )
    recruit_and_retraffic(
        m, recruited[~home], Cause.IN_DESTINATION, np.ones(int((~home).sum()), dtype=bool), u_rec
    )


@compiled
def _with_threats(idx, h, threatened, package, hr_threatened, legal_ratio):  # type: ignore[no-untyped-def]
    """The hazard with threats applied, and each survivor's threat ratio ``hr``.

    ``hr = 1 + (hr_threatened - 1) * (legal_ratio with legal help, else 1)``; the rate is
    ``h * hr`` for the threatened and ``h`` for the rest.
    """
    rate = np.empty(idx.size)
    hr = np.empty(idx.size)
    for j in range(idx.size):
        i = idx[j]
        legal = (package[i] & LEGAL) > 0
        hr[j] = 1.0 + (hr_threatened - 1.0) * (legal_ratio if legal else 1.0)
        rate[j] = h[j] * (hr[j] if threatened[i] else 1.0)
    return rate, hr


@compiled
def _split(idx, draw, p_total, hr, threatened):  # type: ignore[no-untyped-def]
    """Who of ``idx`` is re-trafficked this month, coerced or recruited by others.

    A threatened survivor's chance ``p_total`` splits in proportion to the rates: the
    share ``1 - 1/hr`` is coercion. One draw decides both.
    """
    coerced = np.empty(idx.size, dtype=np.int64)
    recruited = np.empty(idx.size, dtype=np.int64)
    n_coerced = n_recruited = 0
    for j in range(idx.size):
        p_coerced = p_total[j] * (1.0 - 1.0 / hr[j]) if threatened[idx[j]] else 0.0
        if draw[j] < p_coerced:
            coerced[n_coerced] = idx[j]
            n_coerced += 1
        elif draw[j] < p_total[j]:
            recruited[n_recruited] = idx[j]
            n_recruited += 1
    return coerced[:n_coerced], recruited[:n_recruited]
