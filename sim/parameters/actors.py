"""Traffickers and services: who recruits and threatens, and what assistance delivers."""

from __future__ import annotations

from sim.parameters.fields import Group, param


class TraffickerParams(Group):
    """Trafficker agents: how many, where, how far they reach, and how they are removed."""

    per_1000_survivors: float = param(
        20.0,
        unit="traffickers per 1,000 survivors",
        ge=0,
        le=1000,
        source="assumption: small networks each exploit tens of people; no source counts them",
        description="Number of trafficker agents, scaled to cohort size (0 = none).",
    )
    recruits_per_month: int = param(
        2,
        unit="people per month",
        ge=0,
        le=1000,
        source="assumption: a network can take on a few people a month",
        description="Most survivors one trafficker can (re-)traffic in a month.",
    )
    share_reach_destination: float = param(
        0.6,
        unit="proportion",
        ge=0,
        le=1,
        source="assumption: most cases were international (IOM-2010 §4.2) and traffickers "
        "found people in destination and origin countries (§4.4); the share is not reported",
        description="Share of traffickers who operate in destination countries as well as at home.",
    )
    same_region_share: float = param(
        0.8,
        unit="proportion",
        ge=0,
        le=1,
        source="assumption: original recruiters are often known to the family (IOM-2010 §4.5) "
        'and locate people who stay in the same region ("Post-exit")',
        description="Share of first traffickers based in the survivor's home region.",
    )
    share_with_colluding_contacts: float = param(
        1.0,
        unit="proportion",
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: officers handed some people back to traffickers (IOM-2010 §4.3); "
        "how many networks have such contacts is unknown",
        description="Share of traffickers with colluding contacts among officials; only they "
        "get survivors handed back.",
    )
    threat_rate_per_month: float = param(
        0.03,
        unit="rate per month",
        ge=0,
        le=50,
        uncertain=True,
        source="assumption: traffickers threaten people or their families after return "
        "(IOM-2010 §4.5); how often is not reported",
        description="Rate at which a former trafficker in reach starts threatening a survivor.",
    )
    threat_end_rate_per_month: float = param(
        0.15,
        unit="rate per month",
        ge=0,
        le=50,
        source="assumption: threats come in spells lasting months",
        description="Rate at which a spell of threats ends.",
    )
    removal_rate_per_month: float = param(
        0.01,
        unit="rate per month",
        ge=0,
        le=50,
        source='assumption: prosecution is rare (IASC-2021 "Enablers of re-trafficking": low '
        "prosecution rates)",
        description="Rate at which a trafficker is removed (prosecuted or stops).",
    )
    replacement_delay_months: int = param(
        6,
        unit="months",
        ge=0,
        le=120,
        source="assumption: a removed trafficker's place is filled within months",
        description="Months before a removed trafficker is replaced in the same region.",
    )


class ServiceParams(Group):
    """What assistance packages contain and what each component does.

    Package shares are the first-assistance mix of IOM-2010 §5.3 Table 5 (of 40 twice-assisted).
    How much is delivered (months, places) is a policy lever, in ``policy``.
    """

    share_shelter: float = param(
        0.5,
        unit="proportion",
        ge=0,
        le=1,
        source="IOM-2010 Table 5 (20 of 40)",
        description="Share of packages with accommodation.",
    )
    share_medical: float = param(
        0.5,
        unit="proportion",
        ge=0,
        le=1,
        source="IOM-2010 Table 5 (20 of 40)",
        description="Share of packages with medical or psychological care.",
    )
    share_financial: float = param(
        0.35,
        unit="proportion",
        ge=0,
        le=1,
        source="IOM-2010 Table 5 (14 of 40)",
        description="Share of packages with a reinstallation grant.",
    )
    share_vocational: float = param(
        0.225,
        unit="proportion",
        ge=0,
        le=1,
        source="IOM-2010 Table 5 (9 of 40)",
        description="Share of packages with education or vocational training.",
    )
    share_legal: float = param(
        0.15,
        unit="proportion",
        ge=0,
        le=1,
        source="IOM-2010 Table 5 (6 of 40)",
        description="Share of packages with legal assistance.",
    )
    share_job_placement: float = param(
        0.05,
        unit="proportion",
        ge=0,
        le=1,
        source="IOM-2010 Table 5 (2 of 40)",
        description="Share of packages with job placement.",
    )
    vocational_job_ratio: float = param(
        1.1,
        unit="rate ratio",
        ge=1,
        le=10,
        source="IOM-2010 §5.3.3 (none of 9 trained secured regular work): little or no effect",
        description="Multiplier on job-finding after vocational training.",
    )
    job_placement_success: float = param(
        0.5,
        unit="probability",
        ge=0,
        le=1,
        source="assumption: half of placements turn into a job",
        description="Probability that job placement gives a job on arrival.",
    )
    grant_months_income: float = param(
        1.0,
        unit="months of income",
        ge=0,
        le=24,
        source="IOM-2010 §5.3.4 (usually a one-month reinstallation grant)",
        description="Debt paid off by a reinstallation grant.",
    )
    legal_debt_claim_ratio: float = param(
        0.5,
        unit="proportion",
        ge=0,
        le=1,
        source='assumption: legal advice and representation protect (IASC-2021 "Factors thought '
        'to reduce the risk of and vulnerability to re-trafficking"); not quantified',
        description="Share of a trafficker's coercion (its threats and 'debt' claims) that a "
        "survivor with legal help still faces: scales the excess of hr_threatened.",
    )
    monitoring_uptake: float = param(
        0.95,
        unit="probability",
        ge=0,
        le=1,
        source="IOM-2010 §5.3.7 (1 of 79 refused follow-up monitoring), endnote 30 (monitoring "
        "is voluntary); how many were offered it is not reported",
        description="Probability that a survivor offered monitoring accepts it.",
    )
    max_wait_months: int = param(
        3,
        unit="months",
        ge=0,
        le=60,
        source="assumption: people stop waiting for a support place after a few months "
        "(IOM-2010 §5.5: funding shortages)",
        description="Months a survivor waits for a reintegration support place before going "
        "without.",
    )
