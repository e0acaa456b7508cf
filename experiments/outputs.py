"""The outputs an experiment keeps of each run, declared once: column, label and unit.

The runner (:mod:`experiments.tasks`), the summaries (:mod:`experiments.compare`), the CLI,
the figures and the report read columns through these declarations rather than building
their names as strings, so a renamed output fails at import, not silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.outcomes import HEADLINE_MONTHS
from sim.statistics import BY_KEY, Statistic


@dataclass(frozen=True)
class Output:
    """One per-run output: its column (or summary measure), label and unit."""

    column: str
    label: str
    unit: str


#: True re-trafficking within each headline month of exit (Kaplan-Meier), per run.
RETRAFFICKED: dict[int, Output] = {
    m: Output(f"retrafficked_{m}m", f"true re-trafficking within {m} months of exit", "share")
    for m in HEADLINE_MONTHS
}

#: The paired difference from the reference scenario, per headline month (summary measure).
DIFFERENCE: dict[int, Output] = {
    m: Output(
        f"difference_{m}m",
        f"change in re-trafficking within {m} months",
        "share (scenario minus reference)",
    )
    for m in HEADLINE_MONTHS
}

#: The month subgroup effects and most figures are read at (the last headline month).
MAIN_MONTHS = HEADLINE_MONTHS[-1]


@dataclass(frozen=True)
class ObservedOutput:
    """A per-run column holding one observed statistic."""

    column: str
    statistic: Statistic


#: Observed statistics each run keeps in its headline row.
OBSERVED: tuple[ObservedOutput, ...] = (
    ObservedOutput(
        "observed_cases_per_assisted", BY_KEY["T2 recorded re-trafficking cases per assisted"]
    ),
    ObservedOutput(
        "observed_months_first_to_second", BY_KEY["T1 mean months first to second assistance"]
    ),
    ObservedOutput("twice_assisted", BY_KEY["T2 twice-assisted cases"]),
)
OBSERVED_BY_COLUMN = {o.column: o for o in OBSERVED}

#: Prefix of the headline columns holding the value each run used of every uncertain parameter
#: (``"param: survivor.hr_monitored"``): what the run assumed, for analysts and for finding
#: what would change an answer (:func:`experiments.compare.flips`).
PARAMETER_PREFIX = "param: "
