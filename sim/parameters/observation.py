"""The observation layer: what a case-management database records of the true events.

IOM-2010 §2 found re-trafficking only when a person was assisted twice and matched, or
disclosed a prior episode that staff wrote down; staff believe the true extent is far greater.
"""

from __future__ import annotations

from sim.parameters.fields import Group, param


class ObservationParams(Group):
    """Recording probabilities of the database the targets come from."""

    reassistance_recorded: float = param(
        0.03,
        unit="probability",
        ge=0,
        le=1,
        uncertain=True,
        source="IOM-2010 §2 (40 twice-assisted found; other agencies, other missions, names)",
        description="Probability that a second assistance is by the same organisation and "
        "matched to the first record.",
    )
    disclosure: float = param(
        0.3,
        unit="probability",
        ge=0,
        le=1,
        uncertain=True,
        source="IOM-2010 §2.1 (39 cases found by word search of interview notes)",
        description="Probability that a survivor discloses an unassisted prior episode at "
        "assistance.",
    )
    disclosure_recorded: float = param(
        0.03,
        unit="probability",
        ge=0,
        le=1,
        uncertain=True,
        source="IOM-2010 §2.1 (disclosures were not systematically written down)",
        description="Probability that staff write a disclosure down so a search can find it.",
    )
