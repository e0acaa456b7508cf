"""What the dashboard shows, without a browser: levers, and a cohort run month by month.

The levers are the policy parameters (``policy.*``), each with the label, unit, valid range,
default and source the parameter model declares (:mod:`sim.parameters`), so the dashboard
restates none of them. :class:`LiveRun` steps one Mesa model a month at a time and reports
what has happened so far: the cumulative share re-trafficked, how many survivors are in each
state, and the pathways of re-trafficking.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.parameters import Params, PolicyParams
from sim.parameters.fields import bounds, extra

#: The dashboard's cohort: small, so a run feels immediate (a month takes milliseconds).
SURVIVORS = 500
#: Its horizon, and the seed every run starts from (the same seed: a lever's effect, not noise).
MONTHS = 60
SEED = 1

#: The monthly state counts shown, with their labels (columns of the model's DataCollector).
STATES = {
    "exploited": "exploited",
    "dest_assistance": "assisted in the destination",
    "in_destination": "in the destination",
    "en_route": "on the way home",
    "at_home": "at home",
    "migrant": "migrated again",
}


@dataclass(frozen=True)
class Lever:
    """One policy parameter as a control: a slider (numbers) or a switch (flags)."""

    name: str
    label: str
    kind: str  # "int", "float" or "flag"
    default: Any
    unit: str
    source: str
    lower: float = 0.0
    upper: float = 1.0

    @property
    def step(self) -> float:
        """The slider's step: one for whole numbers, a hundredth of the range otherwise."""
        return 1 if self.kind == "int" else (self.upper - self.lower) / 100

    @property
    def hover(self) -> str:
        """What hovering over the control says: unit, range and source."""
        span = "" if self.kind == "flag" else f", {self.lower:g} to {self.upper:g}"
        return f"{self.unit}{span}. Source: {self.source}"


def levers() -> list[Lever]:
    """Every policy lever, from the parameter model (``policy.*``), in declaration order."""
    out = []
    for field, info in PolicyParams.model_fields.items():
        meta = extra(info)
        kind = {bool: "flag", int: "int", float: "float"}[info.annotation]  # type: ignore[index]
        lower, upper = bounds(info)
        out.append(
            Lever(
                name=f"policy.{field}",
                label=str(info.description),
                kind=kind,
                default=info.default,
                unit=meta["unit"],
                source=meta["source"],
                lower=0.0 if lower is None else float(lower),
                upper=1.0 if upper is None else float(upper),
            )
        )
    return out


class LiveRun:
    """One cohort, stepped a month at a time.

    Args:
        overrides: Dotted parameter values (the levers as set).
        survivors: Cohort size.
        months: Horizon.
        seed: The run's seed.
    """

    def __init__(
        self,
        overrides: dict[str, Any] | None = None,
        survivors: int = SURVIVORS,
        months: int = MONTHS,
        seed: int = SEED,
    ) -> None:
        from sim.model import ReintegrationModel

        base = {"cohort.n_survivors": survivors, "run.horizon_months": months}
        self.params = Params().with_overrides({**base, **(overrides or {})})
        self.model = ReintegrationModel(self.params, seed)
        self.months, self.survivors, self.month = months, survivors, 0

    @property
    def done(self) -> bool:
        """Whether the horizon is reached."""
        return self.month >= self.months

    def step(self) -> None:
        """Simulate one more month."""
        if not self.done:
            self.model.step()
            self.month += 1

    def snapshot(self) -> dict[str, pd.DataFrame]:
        """What happened so far.

        Returns:
            ``curve``: ``month`` and ``share`` re-trafficked at least once by then (true, all
            pathways); ``states``: ``state`` and ``survivors`` now; ``pathways``: ``pathway``
            and ``events`` of re-trafficking so far.
        """
        events = self.model.log.to_frame()
        retrafficked = events[events["event"] == "RETRAFFICKED"]
        first = retrafficked.drop_duplicates("survivor")["month"]
        months = pd.RangeIndex(self.month)
        counts = first.value_counts().reindex(months, fill_value=0).cumsum()
        curve = pd.DataFrame({"month": months, "share": counts.to_numpy() / self.survivors})
        monthly = self.model.datacollector.get_model_vars_dataframe()
        now = monthly.iloc[-1] if len(monthly) else pd.Series(0, index=list(STATES))
        states = pd.DataFrame(
            {"state": list(STATES.values()), "survivors": [int(now[k]) for k in STATES]}
        )
        pathways = (
            retrafficked["cause"].astype(str).value_counts().rename_axis("pathway")
            .rename("events").reset_index()
        )  # fmt: skip
        return {"curve": curve, "states": states, "pathways": pathways}
