"""Policy levers: the parameters scenarios change. Defaults are baseline practice (IOM-2010 §5.3).

Processes read these levers; no scenario has a code path of its own.
"""

from __future__ import annotations

from sim.parameters.fields import Group, param


class PolicyParams(Group):
    """How much protection is delivered, to whom, and by which authority practice."""

    destination_assistance_months: int = param(
        2,
        unit="months",
        ge=0,
        le=60,
        source="IOM-2010 §5.3.2 (shelter stays from two to three days to three months), §5.3.1 "
        "(return 3 to 90 days after first assistance)",
        description="Months of assistance in the destination before return or residency.",
    )
    reintegration_support_months: int = param(
        2,
        unit="months",
        ge=0,
        le=120,
        source="IOM-2010 §5.3.2 (rent support for at most three months), §5.3.3 and §5.3.4 "
        "(one-month courses and grants)",
        description="Months of reintegration support after return or on residency.",
    )
    monitoring_months: int = param(
        6,
        unit="months",
        ge=0,
        le=240,
        source="IOM-2010 §5.3.6 (monitoring from one month to three years, most under one "
        "year), §5.3.1 (the handbook's monthly then three-monthly reports)",
        description="Months of monitoring after return or on residency.",
    )
    monitoring_until_stable: bool = param(
        False,
        unit="flag",
        source="IOM-2010 §5.5 (monitoring until people are economically and socially "
        "independent, proposed by missions)",
        description="Keep monitoring past monitoring_months until the survivor is employed and "
        "debt-free, up to monitoring_max_months.",
    )
    monitoring_max_months: int = param(
        36,
        unit="months",
        ge=0,
        le=240,
        source="IOM-2010 §5.3.6 (the longest monitoring was three years)",
        description="Longest monitoring when monitoring_until_stable is on.",
    )
    monitor_minors_to_majority: bool = param(
        False,
        unit="flag",
        source="IOM-2010 §5.3.1 (the handbook: monitor minors until the age of majority)",
        description="Keep monitoring minors until they turn 18.",
    )
    destination_places_per_1000: float = param(
        400.0,
        unit="places per 1,000 survivors",
        ge=0,
        le=1000,
        source="assumption: destination shelters rarely turned identified people away; no "
        "source reports capacity",
        description="Concurrent assistance places in destinations (funding-limited capacity).",
    )
    support_places_per_1000: float = param(
        60.0,
        unit="places per 1,000 survivors",
        ge=0,
        le=1000,
        uncertain=True,
        source="assumption: funding limited reintegration support (IOM-2010 §5.5); the number "
        "of places is not reported",
        description="Concurrent reintegration support places at home and for residents.",
    )
    residency_offer_share: float = param(
        0.0,
        unit="proportion",
        ge=0,
        le=1,
        source='IOM-2010 §5.1 (no case was given residence in the destination), "Return to '
        'country of origin"',
        description="Share of assisted international survivors offered residence in the "
        "destination instead of return.",
    )
    residency_right_to_work: bool = param(
        True,
        unit="flag",
        source='IASC-2021 "Protective factors, reducing and preventing the risk of '
        're-trafficking" (regular status and access to work protect)',
        description="Residence permits include the right to work.",
    )
    residency_permit_months: int = param(
        12,
        unit="months",
        ge=0,
        le=240,
        uncertain=True,
        source="assumption: residence entitlements may be short-lived (IOM-2010 §5.4); a "
        "one-year permit, 0 for permanent",
        description="Length of a residence permit before it must be renewed (0 = permanent).",
    )
    residency_renewal_share: float = param(
        0.5,
        unit="proportion",
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: entitlements are inconsistently applied (IOM-2010 §5.4); the "
        "renewal rate is not reported",
        description="Probability that an expiring residence permit is renewed; otherwise the "
        "survivor loses status and stays irregularly.",
    )
    safe_migration_access: float = param(
        0.05,
        unit="proportion",
        ge=0,
        le=1,
        source='assumption: few safe and legal avenues for migration (IOM-2010 "Migrating a '
        'second time"); no share is reported',
        description="Share of people migrating again who can use a safe, legal channel.",
    )
    referral_share: float = param(
        0.55,
        unit="proportion",
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: many police encounters led to no referral (IOM-2010 §4.3) or to "
        "deportation (§4.4); the share is not reported",
        description="Share of intercepted survivors (not handed back) identified and referred "
        "to assistance; the rest are deported or released.",
    )
    deportation_risk_assessment_share: float = param(
        0.0,
        unit="proportion",
        ge=0,
        le=1,
        source="IOM-2010 §4.4 (deportation orders allow no assessment of the risks on return)",
        description="Share of deportations preceded by a risk assessment.",
    )
    collusion_share: float = param(
        0.05,
        unit="proportion",
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: in a minority of cases officers handed people back (IOM-2010 §4.3, "
        '"Exiting trafficking situations"); the share is not reported',
        description="Share of interceptions where colluding officers hand the survivor back.",
    )
    local_employment_ratio: float = param(
        1.0,
        unit="rate ratio",
        ge=0,
        le=10,
        source='IOM-2010 "Developing local economies" (baseline: no programme)',
        description="Multiplier on job-finding at home from local economic development.",
    )
    stigma_reduction: float = param(
        0.0,
        unit="proportion",
        ge=0,
        le=1,
        source='IOM-2010 "Providing communities with awareness and education programmes '
        'regarding trafficking situations and sexual violence" (baseline: none)',
        description="Share of the excess risk from family rejection removed.",
    )
    debt_relief_share: float = param(
        0.0,
        unit="proportion",
        ge=0,
        le=1,
        source='IASC-2021 "Factors thought to reduce the risk of and vulnerability to '
        're-trafficking" (empowered to meet financial debts; baseline: none)',
        description="Share of debt cancelled when reintegration support starts.",
    )
