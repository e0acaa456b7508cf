"""Named experiments: declared sets of scenarios, replicates and outputs.

List them with ``retraffic experiment list``; run one with ``retraffic experiment run NAME``.
Add your own from Python with :func:`register`::

    from experiments.registry import Experiment, register
    register(Experiment(name="my-study", title="...", description="...",
                        scenarios=("baseline", "residency"), figures=("curves",)))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from experiments.defaults import REPLICATES
from scenarios import HEADLINE_POLICIES
from scenarios.loader import Scenario, load

ALL_POLICIES = (
    "longer_monitoring",
    "residency",
    "safe_migration",
    "longer_assistance",
    "identification_not_deportation",
    "anti_collusion",
    "local_jobs",
    "combined",
)
MONITORING_DOSES = (0, 3, 6, 12, 24, 36, 60)


@dataclass(frozen=True)
class Experiment:
    """An experiment: what to run and which figures to draw from it."""

    name: str
    title: str
    description: str
    #: Scenario names, paths or Scenario objects; the first is the reference.
    scenarios: tuple[str | Scenario, ...]
    #: Figure kinds drawn by :mod:`experiments.figures`.
    figures: tuple[str, ...]
    replicates: int = REPLICATES
    survivors: int | None = None
    months: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def loaded(self) -> list[Scenario]:
        """The scenarios, loaded and validated."""
        return [s if isinstance(s, Scenario) else load(s) for s in self.scenarios]


def monitoring_dose(months: int) -> Scenario:
    """Baseline with monitoring for ``months`` (0 = none)."""
    return Scenario(
        name=f"monitoring_{months:02d}m",
        title=f"Monitoring for {months} months" if months else "No monitoring",
        description=f"Baseline practice with {months} months of monitoring after return or "
        "residency."
        if months
        else "Baseline practice without monitoring.",
        source="IOM-2010 §5.3 (monitoring lasted 1 month to 3 years)",
        path=Path("<monitoring-dose>"),
        overrides={"policy.monitoring_months": months},
        sources={"policy.monitoring_months": "experiment dose"},
    )


REGISTRY: dict[str, Experiment] = {}


def register(experiment: Experiment) -> Experiment:
    """Add an experiment to the registry (replacing one of the same name)."""
    REGISTRY[experiment.name] = experiment
    return experiment


def get(name: str) -> Experiment:
    """An experiment by name, with a clear error listing the known ones."""
    if name not in REGISTRY:
        raise KeyError(f"no experiment named {name!r}; known: {', '.join(REGISTRY)}.")
    return REGISTRY[name]


register(
    Experiment(
        name="policy-comparison",
        title="Which policies keep survivors from being trafficked again?",
        description="Baseline practice against every shipped policy scenario: cumulative "
        "re-trafficking over ten years, re-trafficking within two and five years, cases "
        "averted, and what they cost.",
        scenarios=("baseline", *ALL_POLICIES),
        figures=("curves", "at_24_60", "averted", "cost_plane"),
    )
)
register(
    Experiment(
        name="monitoring-dose",
        title="How much monitoring is enough?",
        description="Monitoring after return for 0, 3, 6, 12, 24, 36 and 60 months: re-trafficking "
        "within five years and the service-months it costs.",
        scenarios=tuple(monitoring_dose(m) for m in MONITORING_DOSES),
        figures=("dose",),
    )
)
register(
    Experiment(
        name="who-benefits",
        title="Who benefits from each policy?",
        description="The change in re-trafficking within five years for minors, 15-25-year-olds, "
        "survivors of international and internal trafficking, and by first return route.",
        scenarios=("baseline", *HEADLINE_POLICIES, "identification_not_deportation"),
        figures=("subgroups",),
        notes=(
            "Return-route groups are defined after exit; a policy that changes routes also "
            "changes who is in them.",
        ),
    )
)
register(
    Experiment(
        name="pathways",
        title="How does re-trafficking happen under each policy?",
        description="Re-trafficking events by pathway: coercion by the former trafficker, "
        "irregular re-migration, internal recruitment, in the destination, en route after "
        "deportation, and hand-backs by colluding officers.",
        scenarios=("baseline", *ALL_POLICIES),
        figures=("pathways",),
    )
)
register(
    Experiment(
        name="evidence-fit",
        title="Does the model reproduce what the sources recorded?",
        description="The observed statistics a case database would record (through the observation "
        "layer) beside the figures IOM-2010 reports (T1-T10).",
        scenarios=("baseline",),
        figures=("evidence",),
    )
)
