"""The survivors' column store: one numpy array per attribute, one row per survivor.

DESIGN.md "Speed by design": the monthly processes are vectorised over these columns, and the
Mesa ``Survivor`` agents are thin views onto a row.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from sim.cohort import Columns
from sim.states import COMMUNITY, Route, State

#: Age of majority in years: younger survivors are children (the legal definition used for
#: trafficking in persons; IASC-2021 "Enablers of re-trafficking" treats children apart).
AGE_OF_MAJORITY = 18


def is_minor(age: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Whether each age (in years) is under :data:`AGE_OF_MAJORITY`."""
    return age < AGE_OF_MAJORITY


#: The community's states as a bit set over the 8-bit state codes: bit ``s`` is set when state
#: ``s`` is in the community. Shifting it by each survivor's state reads the bit in a few
#: byte operations, many times quicker than a table look-up on a large cohort.
if len(State) > 8:
    raise RuntimeError("bug: the state codes no longer fit the community's 8-bit set")
COMMUNITY_BITS = sum(1 << int(state) for state in COMMUNITY)
_COMMUNITY_BITS = np.uint8(COMMUNITY_BITS)

#: Debt, in months of income, from which a survivor counts as in debt.
IN_DEBT_MONTHS = 1.0


@dataclass
class People:
    """Static cohort attributes and the dynamic state of every survivor.

    Each column has the smallest type that holds its range: months and month counters are
    16-bit (runs last at most ``run.horizon_months`` <= 600 months, terms at most 240),
    codes 8-bit, trafficker indices 32-bit (a million survivors have tens of thousands).
    """

    # static, from the cohort
    entry_month: NDArray[np.int16]  #: month of first exit from exploitation
    age_at_entry: NDArray[np.float64]  #: age in years at first exit
    female: NDArray[np.bool_]  #: female
    purpose: NDArray[np.int8]  #: form of exploitation of the first episode (`Purpose`)
    international_first: NDArray[np.bool_]  #: first episode crossed a border
    econ_before: NDArray[np.int8]  #: economic situation before the first episode (`Econ`)
    family: NDArray[np.int8]  #: family's stance (`Family`: supportive, rejecting, complicit)
    substance: NDArray[np.bool_]  #: substance dependency
    low_education: NDArray[np.bool_]  #: little schooling
    minority: NDArray[np.bool_]  #: from a minority or a conflict area
    region: NDArray[np.int16]  #: origin region
    interception: NDArray[np.float64]  #: chance that an exit is an interception by the authorities
    # dynamic, starting from the cohort
    debt: NDArray[np.float64]  #: debt in months of income
    psychosocial: NDArray[np.bool_]  #: psychosocial need (recovered with time and counselling)
    trust: NDArray[np.float64]  #: trust in services, 0 to 1
    # dynamic
    state: NDArray[np.int8]  #: where they are at the end of the month (`State`)
    state_since: NDArray[np.int16]  #: month the current state began
    episode: NDArray[np.int16]  #: number of trafficking episodes so far
    international: NDArray[np.bool_]  #: current or last episode crossed a border
    trafficker: NDArray[np.int32]  #: index of the current or last trafficker (-1: none)
    exit_cause: NDArray[np.int8]  #: how the last exit happened (`Cause`)
    exit_month: NDArray[np.int16]  #: month of the last exit
    assistance_left: NDArray[np.int16]  #: months of destination assistance left
    package: NDArray[np.int16]  #: services in the assistance package (bit set of `Package`)
    n_assisted: NDArray[np.int16]  #: assisted episodes so far
    residency: NDArray[np.bool_]  #: holds a residence permit in the destination
    right_to_work: NDArray[np.bool_]  #: may work where they live
    route: NDArray[np.int8]  #: route of the current or last return (`Route`)
    first_route: NDArray[np.int8]  #: route of the first return (`Route`)
    risk_assessed: NDArray[np.bool_]  #: had a risk assessment before return
    employed: NDArray[np.bool_]  #: in work
    threatened: NDArray[np.bool_]  #: threatened by a trafficker
    waiting_since: NDArray[np.int16]  #: month they began waiting for support (-1: not waiting)
    support_place: NDArray[np.int8]  #: where they wait for or hold support (`Place`)
    support_left: NDArray[np.int16]  #: months of reintegration support left
    monitored: NDArray[np.bool_]  #: monitored after return
    monitoring_left: NDArray[np.int16]  #: months of monitoring left
    monitored_months: NDArray[np.int16]  #: months monitored so far
    purpose_now: NDArray[np.int8]  #: exploitation, current or last episode (`Purpose`)
    first_retraffic_month: NDArray[np.int16]  #: month first re-trafficked (-1: never)
    econ_at_retraffic: NDArray[np.int8]  #: economic situation when first re-trafficked (`Econ`)
    status_at_retraffic: NDArray[np.int8]  #: support status when first re-trafficked
    arrived_month: NDArray[np.int16]  #: latest arrival in a community state (settling clock)
    exposed_month: NDArray[np.int16]  #: early-risk clock: restarts on arrival, when support ends
    residency_until: NDArray[np.int16]  #: month a residence permit expires (-1: none or permanent)
    homeless: NDArray[np.bool_]  #: without housing

    @classmethod
    def from_cohort(cls, cohort: Columns) -> People:
        """Start every survivor before first exit, with the cohort's attributes."""
        n = len(cohort["entry_month"])

        def full(value: object, dtype: type) -> NDArray:
            return np.full(n, value, dtype=dtype)

        dynamic = {
            "debt": cohort["debt"].copy(),
            "psychosocial": cohort["psychosocial"].copy(),
            "trust": cohort["trust"].copy(),
            "state": full(State.PENDING, np.int8),
            "state_since": full(0, np.int16),
            "episode": full(0, np.int16),
            "international": cohort["international_first"].copy(),
            "trafficker": full(-1, np.int32),
            "exit_cause": full(0, np.int8),
            "exit_month": full(-1, np.int16),
            "assistance_left": full(0, np.int16),
            "package": full(0, np.int16),
            "n_assisted": full(0, np.int16),
            "residency": full(False, np.bool_),
            "right_to_work": full(False, np.bool_),
            "route": full(Route.NONE, np.int8),
            "first_route": full(-1, np.int8),
            "risk_assessed": full(False, np.bool_),
            "employed": full(False, np.bool_),
            "threatened": full(False, np.bool_),
            "waiting_since": full(-1, np.int16),
            "support_place": full(0, np.int8),
            "support_left": full(0, np.int16),
            "monitored": full(False, np.bool_),
            "monitoring_left": full(0, np.int16),
            "monitored_months": full(0, np.int16),
            "purpose_now": cohort["purpose"].copy(),
            "first_retraffic_month": full(-1, np.int16),
            "econ_at_retraffic": full(-1, np.int8),
            "status_at_retraffic": full(-1, np.int8),
            # The settling clock: month of the latest arrival in a community state.
            "arrived_month": full(-1, np.int16),
            # The early-risk clock: restarts on arrival and when support ends.
            "exposed_month": full(-1, np.int16),
            # Month a residence permit expires (-1: none, or permanent).
            "residency_until": full(-1, np.int16),
            "homeless": full(False, np.bool_),
        }
        static = {k: v for k, v in cohort.items() if k not in dynamic}
        static["entry_month"] = static["entry_month"].astype(np.int16)  # months fit in 16 bits
        return cls(**static, **dynamic)

    def __len__(self) -> int:
        return len(self.state)

    def age(self, month: int, idx: NDArray[np.intp] | None = None) -> NDArray[np.float64]:
        """Age in years in ``month``, for everyone or for ``idx``."""
        at_entry, entry = self.age_at_entry, self.entry_month
        if idx is not None:
            at_entry, entry = at_entry[idx], entry[idx]
        return at_entry + np.maximum(month - entry, 0) / 12.0

    def minor(self, month: int, idx: NDArray[np.intp]) -> NDArray[np.bool_]:
        """Whether each of ``idx`` is under :data:`AGE_OF_MAJORITY` in ``month``."""
        return is_minor(self.age(month, idx))

    def in_state(self, state: State) -> NDArray[np.bool_]:
        """Whether each survivor is in ``state``.

        Compared as a plain integer: numpy promotes an enum member as a 64-bit array, which
        would copy the whole 8-bit column first (five times slower on a large cohort).
        """
        return self.state == int(state)

    def in_community(self) -> NDArray[np.bool_]:
        """Whether each survivor lives in the community (at home, abroad or migrating)."""
        return ((_COMMUNITY_BITS >> self.state.view(np.uint8)) & np.uint8(1)).view(np.bool_)

    def in_debt(self, idx: NDArray[np.intp]) -> NDArray[np.bool_]:
        """Whether each of ``idx`` owes at least :data:`IN_DEBT_MONTHS` of income."""
        return self.debt[idx] >= IN_DEBT_MONTHS

    # --- work and status: the one place these columns are written ----------------------------
    def hire(self, idx: NDArray[np.intp]) -> None:
        """``idx`` find regular work."""
        self.employed[idx] = True

    def lose_work(self, idx: NDArray[np.intp]) -> None:
        """``idx`` lose their work (job loss, leaving, re-trafficking)."""
        self.employed[idx] = False

    def grant_status(self, idx: NDArray[np.intp], right_to_work: bool, until: int) -> None:
        """``idx`` hold a residence permit until ``until`` (-1: permanent)."""
        self.residency[idx] = True
        self.right_to_work[idx] = right_to_work
        self.residency_until[idx] = until

    def lose_status(self, idx: NDArray[np.intp]) -> None:
        """``idx`` no longer hold a residence permit or the right to work."""
        self.residency[idx] = False
        self.right_to_work[idx] = False
        self.residency_until[idx] = -1

    def allow_work(self, idx: NDArray[np.intp], lawful: NDArray[np.bool_]) -> None:
        """Migrants ``idx`` may work where they arrive if they came ``lawful``-ly (no permit)."""
        self.right_to_work[idx] = lawful

    def move(self, idx: NDArray[np.intp], state: State, month: int) -> None:
        """Put survivors ``idx`` in ``state`` from ``month`` on."""
        self.state[idx] = state
        self.state_since[idx] = month

    def as_columns(self) -> dict[str, NDArray]:
        """Every column by name (copies), for the result tables."""
        return {f.name: getattr(self, f.name).copy() for f in fields(self)}
