"""Unit costs of the services and channels policies buy, in euros at 2024 prices.

The reports give no unit costs: IOM-2010 §5.2 says the financial assistance survivors received
varied "from country to country" with "the cost of living in each country", and neither report
prices assistance, monitoring, permits or migration channels. Every cost is therefore an
assumption with a wide range, marked uncertain and drawn from its prior in comparisons. Costs
change no run: they price what a run delivered (:func:`sim.outcomes.costs`).
"""

from __future__ import annotations

from sim.parameters.fields import Group, param

#: The currency and price year of every cost (one place: tables, figures and reports say it).
CURRENCY = "EUR (2024 prices)"

_NONE = (
    "assumption: illustrative order of magnitude for a European programme; the reports give no "
    "unit costs (IOM-2010 §5.2: amounts vary with each country's cost of living)"
)


class CostParams(Group):
    """What one unit of each service or channel costs (euros at 2024 prices)."""

    assistance_per_month: float = param(
        1500.0,
        unit="EUR per survivor-month",
        ge=0,
        le=100_000,
        source=f"{_NONE}; a month of shelter, care and case work in the destination",
        description="Cost of one month of destination assistance for one survivor.",
    )
    support_per_month: float = param(
        400.0,
        unit="EUR per survivor-month",
        ge=0,
        le=100_000,
        source=f"{_NONE}; rent, courses and grants at home (IOM-2010 §5.3.2 to §5.3.4)",
        description="Cost of one month of reintegration support for one survivor.",
    )
    monitoring_per_month: float = param(
        80.0,
        unit="EUR per survivor-month",
        ge=0,
        le=100_000,
        source=f"{_NONE}; a visit or a telephone call a month, as IOM-2010 §5.2 describes it",
        description="Cost of one month of monitoring for one survivor.",
    )
    permit: float = param(
        500.0,
        unit="EUR per permit",
        ge=0,
        le=100_000,
        source=f"{_NONE}; processing a residence permit",
        description="Cost of granting one residence permit.",
    )
    permit_renewal: float = param(
        250.0,
        unit="EUR per renewal",
        ge=0,
        le=100_000,
        source=f"{_NONE}; processing a renewal",
        description="Cost of renewing one residence permit.",
    )
    safe_migration_placement: float = param(
        1500.0,
        unit="EUR per placement",
        ge=0,
        le=100_000,
        source=f"{_NONE}; matching, visa and travel for one journey by a safe channel",
        description="Cost of one migration by a safe, legal channel.",
    )
