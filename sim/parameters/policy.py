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
        source="IOM-2010 §5.3 (shelter from 2-3 days to 3 months before return)",
        description="Months of assistance in the destination before return or residency.",
    )
    reintegration_support_months: int = param(
        2,
        unit="months",
        ge=0,
        le=120,
        source="IOM-2010 §5.3 (rent support at most 3 months, one-month grant and courses)",
        description="Months of reintegration support after return or on residency.",
    )
    monitoring_months: int = param(
        6,
        unit="months",
        ge=0,
        le=240,
        source="IOM-2010 §5.3 (monitoring 1 month to 3 years, most under a year)",
        description="Months of monitoring after return or on residency.",
    )
    monitoring_until_stable: bool = param(
        False,
        unit="flag",
        source="IOM-2010 §6 (longer monitoring recommended)",
        description="Keep monitoring past monitoring_months until the survivor is employed and "
        "debt-free, up to monitoring_max_months.",
    )
    monitoring_max_months: int = param(
        36,
        unit="months",
        ge=0,
        le=240,
        source="IOM-2010 §5.3 (monitoring lasted up to 3 years)",
        description="Longest monitoring when monitoring_until_stable is on.",
    )
    monitor_minors_to_majority: bool = param(
        False,
        unit="flag",
        source="IOM-2010 §5.3 (handbook: monitor minors to majority)",
        description="Keep monitoring minors until they turn 18.",
    )
    destination_places_per_1000: float = param(
        400.0,
        unit="places per 1,000 survivors",
        ge=0,
        le=1000,
        source="assumption: destination shelters rarely turned identified people away",
        description="Concurrent assistance places in destinations (funding-limited capacity).",
    )
    support_places_per_1000: float = param(
        60.0,
        unit="places per 1,000 survivors",
        ge=0,
        le=1000,
        uncertain=True,
        source="IOM-2010 §5.3 (funding ran out; programmes ended early)",
        description="Concurrent reintegration support places at home and for residents.",
    )
    residency_offer_share: float = param(
        0.0,
        unit="proportion",
        ge=0,
        le=1,
        source="IOM-2010 §4, §5.1 (0 of 79 had residency; everyone returned)",
        description="Share of assisted international survivors offered residence in the "
        "destination instead of return.",
    )
    residency_right_to_work: bool = param(
        True,
        unit="flag",
        source="IASC-2021 Enablers (status with the right to work protects)",
        description="Residence permits include the right to work.",
    )
    safe_migration_access: float = param(
        0.05,
        unit="proportion",
        ge=0,
        le=1,
        source="IOM-2010 §4.5 (re-migration mostly through irregular channels)",
        description="Share of people migrating again who can use a safe, legal channel.",
    )
    referral_share: float = param(
        0.55,
        unit="proportion",
        ge=0,
        le=1,
        uncertain=True,
        source="IOM-2010 §4.3 (many police encounters led to no referral or deportation)",
        description="Share of intercepted survivors (not handed back) identified and referred "
        "to assistance; the rest are deported or released.",
    )
    deportation_risk_assessment_share: float = param(
        0.0,
        unit="proportion",
        ge=0,
        le=1,
        source="IOM-2010 executive summary (deportation without risk assessment)",
        description="Share of deportations preceded by a risk assessment.",
    )
    collusion_share: float = param(
        0.05,
        unit="proportion",
        ge=0,
        le=1,
        uncertain=True,
        source="IOM-2010 §4.3 (officers hand people back to traffickers)",
        description="Share of interceptions where colluding officers hand the survivor back.",
    )
    local_employment_ratio: float = param(
        1.0,
        unit="rate ratio",
        ge=0,
        le=10,
        source="IOM-2010 §6 (local economic development and job placement)",
        description="Multiplier on job-finding at home from local economic development.",
    )
    stigma_reduction: float = param(
        0.0,
        unit="proportion",
        ge=0,
        le=1,
        source="IOM-2010 §6 (community awareness against stigma)",
        description="Share of the excess risk from family rejection removed.",
    )
    debt_relief_share: float = param(
        0.0,
        unit="proportion",
        ge=0,
        le=1,
        source="IASC-2021 Enablers (help with debts)",
        description="Share of debt cancelled when reintegration support starts.",
    )
