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

from sim.people import is_minor
from sim.processes.common import recruit_and_retraffic
from sim.processes.migration import settling
from sim.rates import code, factor, halved, level, prob
from sim.states import Cause, Package, Purpose, State

if TYPE_CHECKING:
    from sim.model import ReintegrationModel


def hazard(m: ReintegrationModel, idx: NDArray[np.intp]) -> NDArray[np.float64]:
    """Monthly re-trafficking rate for survivors ``idx`` before threats are applied.

    The base rate for where they live falls as they settle
    (:func:`sim.processes.migration.settling`); the early-risk window multiplies it once, for
    every pathway, from their latest arrival in the community or end of support; individual
    vulnerability, family and stigma, homelessness and protection multiply it. Work and debt
    do not: they act through re-migration (one path per mechanism, ``docs/mechanisms.md``).
    """
    p, s, pol = m.people, m.params.survivor, m.params.policy
    # Where they live: at home, or in a destination with or without regular status.
    home = p.state[idx] == State.AT_HOME
    regular = p.residency[idx] | p.right_to_work[idx]
    h = level(
        code(home, home, regular),
        [
            s.hazard_destination_irregular_per_month,
            s.hazard_destination_regular_per_month,
            s.hazard_home_per_month,
            s.hazard_home_per_month,
        ],
    )
    h = h * settling(m, idx) * early_risk(m, idx)
    age = p.age(m.month, idx)
    h *= level(code(is_minor(age), age <= 25), [1.0, s.hr_age_18_25, s.hr_minor])
    h *= factor(p.psychosocial[idx], s.hr_psychosocial)
    h *= factor(p.substance[idx], s.hr_substance)
    h *= factor(p.minority[idx], s.hr_minority)
    # The family's stance; a rejecting family's, raised by stigma after sexual exploitation.
    rejection = [
        1.0 + (s.hr_family_rejecting - 1.0) * stigma * (1.0 - pol.stigma_reduction)
        for stigma in (1.0, s.stigma_sexual_ratio)
    ]
    sexual = p.purpose_now[idx] == Purpose.SEXUAL
    family = p.family[idx].view(np.uint8) + 3 * sexual.view(np.uint8)
    complicit = s.hr_family_complicit
    h *= level(family, [1.0, rejection[0], complicit, 1.0, rejection[1], complicit])
    h *= factor(p.homeless[idx], s.hr_homeless)
    h *= factor(p.support_left[idx] > 0, s.hr_supported)
    h *= factor(p.monitored[idx], s.hr_monitored)
    return h


def early_risk(m: ReintegrationModel, idx: NDArray[np.intp]) -> NDArray[np.float64]:
    """The early-risk multiplier, from ``early_risk_ratio`` down to 1.

    Its excess halves every ``early_risk_halflife_months`` from the latest arrival in the
    community or end of support (``exposed_month``).
    """
    s = m.params.survivor
    months = np.maximum(m.month - m.people.exposed_month[idx], 0)
    return halved(months, s.early_risk_halflife_months, start=s.early_risk_ratio, end=1.0)


def retrafficking(m: ReintegrationModel) -> None:
    """Draw this month's re-trafficking from the community and match it to traffickers."""
    p, s = m.people, m.params.survivor
    u = m.u("retrafficking", k=1)
    u_rec = m.u("retrafficking.recruitment", k=2)
    idx = np.flatnonzero(p.in_community() & (p.state_since < m.month))
    h = hazard(m, idx)
    threatened = p.threatened[idx]
    # Legal help contests the trafficker's claims: it scales the excess of the threat ratio.
    legal = (p.package[idx] & Package.LEGAL) > 0
    hr = 1.0 + (s.hr_threatened - 1.0) * factor(legal, m.params.services.legal_debt_claim_ratio)
    p_total = prob(h * np.where(threatened, hr, 1.0))
    p_coerced = np.where(threatened, p_total * (1.0 - 1.0 / hr), 0.0)
    draw = u[0, idx]
    coerced = idx[draw < p_coerced]
    recruited = idx[(draw >= p_coerced) & (draw < p_total)]

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
