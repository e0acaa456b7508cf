"""Which process carries each mechanism of ``../shared/EVIDENCE.md``, with its parameters.

One path per mechanism: every mechanism changes risk through one process function, and no
parameter serves two mechanisms, so no factor is counted twice (for example, work and debt
push people to migrate again, mechanism 5, and do not also raise the community hazard).
``docs/mechanisms.md`` is generated from :data:`MECHANISMS` (``python -m sim.mechanisms``);
a test checks that every process and parameter named here exists and that the page is current.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mechanism:
    """One mechanism of EVIDENCE.md and where the model carries it."""

    number: int
    name: str
    process: str  # dotted path of the one function through which it changes risk
    how: str
    parameters: tuple[str, ...]
    source: str


MECHANISMS: tuple[Mechanism, ...] = (
    Mechanism(
        1,
        "The moment of exit and the journey home",
        "sim.processes.journey.journey",
        "A per-journey risk of re-trafficking on the way home, by route: deportation without "
        "risk assessment is the riskiest, assisted return the safest.",
        (
            "survivor.en_route_risk_deported",
            "survivor.en_route_risk_self_return",
            "survivor.en_route_risk_assisted",
            "survivor.risk_assessment_effect",
            "policy.deportation_risk_assessment_share",
        ),
        'IOM-2010 §4.4, "Safe, voluntary return of trafficked persons"',
    ),
    Mechanism(
        2,
        "Law-enforcement collusion",
        "sim.processes.exits.identification",
        "Colluding officers hand intercepted survivors back to traffickers with contacts; "
        "hand-backs cost trust, and distrust leads to declining or leaving assistance.",
        (
            "policy.collusion_share",
            "traffickers.share_with_colluding_contacts",
            "survivor.trust_loss_after_handback",
        ),
        "IOM-2010 §4.3",
    ),
    Mechanism(
        3,
        "Traffickers' continuing control",
        "sim.processes.pressure.pressure",
        "Former traffickers in reach start spells of threats and 'debt' claims; while a spell "
        "lasts the excess hazard is coercion by that trafficker (applied in "
        "sim.processes.retrafficking.retrafficking), lessened by legal help.",
        (
            "traffickers.threat_rate_per_month",
            "traffickers.threat_end_rate_per_month",
            "survivor.hr_threatened",
            "survivor.trafficker_debt_claim",
            "services.legal_debt_claim_ratio",
            "traffickers.same_region_share",
            "traffickers.share_reach_destination",
        ),
        'IOM-2010 §4.5, "Post-exit"',
    ),
    Mechanism(
        4,
        "Return to the same conditions (family, stigma, the first months back)",
        "sim.processes.retrafficking.hazard",
        "The community hazard: a base rate that falls as people settle, an early-risk window "
        "on each arrival in the community and at the end of support, family rejection (stronger "
        "after sexual exploitation) and complicit families.",
        (
            "survivor.hazard_home_per_month",
            "survivor.early_risk_ratio",
            "survivor.early_risk_halflife_months",
            "survivor.settling_halflife_months",
            "survivor.settled_rate_ratio",
            "survivor.hr_family_rejecting",
            "survivor.stigma_sexual_ratio",
            "survivor.hr_family_complicit",
            "policy.stigma_reduction",
        ),
        'IOM-2010 §4.5, §5.1, "Key research findings"',
    ),
    Mechanism(
        5,
        "Economic push to migrate again",
        "sim.processes.migration.remigration",
        "Unemployment and debt raise the rate of migrating again (and nothing else); irregular "
        "journeys carry a risk of trafficking, safe channels much less.",
        (
            "survivor.remigration_rate_per_month",
            "survivor.remigration_unemployed_ratio",
            "survivor.remigration_debt_ratio",
            "survivor.irregular_migration_risk",
            "survivor.safe_migration_risk",
            "policy.safe_migration_access",
            "policy.local_employment_ratio",
            "policy.debt_relief_share",
        ),
        'IOM-2010 §4.6, "Facilitating safe and legal migration channels"',
    ),
    Mechanism(
        6,
        "Individual vulnerability",
        "sim.processes.retrafficking.hazard",
        "Hazard ratios for minors, ages 18-25, psychosocial needs, dependency and minority or "
        "conflict background.",
        (
            "survivor.hr_minor",
            "survivor.hr_age_18_25",
            "survivor.hr_psychosocial",
            "survivor.hr_substance",
            "survivor.hr_minority",
        ),
        'IOM-2010 "Individual characteristics and profiles of trafficking victims", §3.2',
    ),
    Mechanism(
        7,
        "Short, under-funded assistance; declined or interrupted assistance",
        "sim.processes.assistance.drop_out",
        "Support and monitoring lower the hazard while they last (places are funding-limited); "
        "distrust leads to declining, and to cutting contact, which ends protection early.",
        (
            "survivor.hr_supported",
            "survivor.hr_monitored",
            "survivor.decline_at_zero_trust",
            "survivor.dropout_at_zero_trust_per_month",
            "survivor.dropout_minor_ratio",
            "services.monitoring_uptake",
            "policy.reintegration_support_months",
            "policy.monitoring_months",
            "policy.support_places_per_1000",
        ),
        "IOM-2010 §5.3.7, §5.5",
    ),
    Mechanism(
        8,
        "In the destination country too",
        "sim.processes.destination.destination",
        "Without status the destination hazard is higher and work is scarce; permits last a "
        "set time and may not be renewed; unemployed people may become homeless when support "
        "ends; residents can migrate onward.",
        (
            "survivor.hazard_destination_irregular_per_month",
            "survivor.hazard_destination_regular_per_month",
            "survivor.homelessness_after_support",
            "survivor.rehousing_rate_per_month",
            "survivor.hr_homeless",
            "policy.residency_permit_months",
            "policy.residency_renewal_share",
            "policy.residency_offer_share",
            "policy.residency_right_to_work",
        ),
        'IASC-2021 "Enablers of re-trafficking", IOM-2010 §5.4',
    ),
)


def markdown() -> str:
    """``docs/mechanisms.md``: mechanism -> process function -> parameters -> source."""
    lines = [
        "# Mechanisms and where the model carries them",
        "",
        "Generated by `python -m sim.mechanisms > docs/mechanisms.md`; do not edit by hand.",
        "Each mechanism of `../shared/EVIDENCE.md` changes risk through one process function,",
        "and no parameter serves two mechanisms. Parameters are described in",
        "[parameters.md](parameters.md).",
        "",
        "| # | mechanism | process | how | parameters | source |",
        "|---|---|---|---|---|---|",
    ]
    for m in MECHANISMS:
        params = ", ".join(f"`{p}`" for p in m.parameters)
        cells = [str(m.number), m.name, f"`{m.process}`", m.how, params, m.source]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    lines += [
        "",
        "Labels only: `female` and the purposes other than sexual exploitation are recorded "
        "but change no rate (the sources cannot separate who is at risk from who was "
        "identified, IOM-2010 §3.1, §4.1).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - documentation generator
    print(markdown(), end="")
