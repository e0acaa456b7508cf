"""Survivor dynamics: exploitation, exit, reintegration, re-migration and re-trafficking risk.

Monthly rates are declared as ``*_per_month`` and turned into per-step probabilities in one
place (:func:`sim.rates.prob`). Hazard ratios multiply the monthly re-trafficking hazard.
No study gives dates of trafficking (IOM-2010 endnote 26), so the hazards themselves are
assumptions to be calibrated against the observed targets.
"""

from __future__ import annotations

from sim.parameters.fields import Group, param

_HR = "hazard ratio"


class SurvivorParams(Group):
    """How survivors' situations change month by month."""

    # --- exploitation and exit -------------------------------------------------------------
    exit_rate_per_month: float = param(
        0.15,
        unit="rate per month",
        ge=0.001,
        le=50,
        uncertain=True,
        source="assumption: second episodes last months (IOM-2010 §5.1, endnote 26 gives no dates)",
        description="Rate of exit from a later exploitation episode (mean length 1/rate).",
    )
    share_exits_intercepted: float = param(
        0.68,
        unit="proportion",
        ge=0,
        le=1,
        uncertain=True,
        source="IOM-2010 §4.3 Table 3 (27 of 40 referred by law enforcement at first assistance)",
        description="Share of exits that are interceptions by authorities (the rest escape).",
    )
    ngo_contact_after_escape: float = param(
        0.45,
        unit="probability",
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: escapees reach assistance through NGOs, embassies, families",
        description="Probability that an escaped survivor is referred to assistance.",
    )
    self_return_after_escape: float = param(
        0.60,
        unit="probability",
        ge=0,
        le=1,
        source="assumption: most unassisted international survivors go home on their own",
        description="Probability that an unassisted international survivor travels home "
        "rather than staying in the destination irregularly.",
    )
    same_purpose_share: float = param(
        0.7,
        unit="proportion",
        ge=0,
        le=1,
        source="assumption: re-trafficking is for the same or a different purpose (IOM-2010 §1.1); "
        "most return to the same kind of exploitation",
        description="Probability that a new episode has the same purpose as the last; otherwise "
        "the purpose is drawn from the cohort's shares.",
    )
    # --- the journey home (mechanism 1) -----------------------------------------------------
    en_route_risk_deported: float = param(
        0.12,
        unit="probability per journey",
        ge=0,
        le=1,
        uncertain=True,
        source="IOM-2010 executive summary, §4.3 (deportees picked up at the border or at home)",
        description="Probability of re-trafficking on the way home after deportation without "
        "risk assessment.",
    )
    en_route_risk_self_return: float = param(
        0.04,
        unit="probability per journey",
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: unassisted journeys are risky, less so than deportation",
        description="Probability of re-trafficking on an unassisted journey home.",
    )
    en_route_risk_assisted: float = param(
        0.005,
        unit="probability per journey",
        ge=0,
        le=1,
        source="IOM-2010 §5.3 (assisted voluntary return with risk assessment)",
        description="Probability of re-trafficking on an assisted, risk-assessed return.",
    )
    risk_assessment_effect: float = param(
        0.25,
        unit=_HR,
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: risk assessment before return cuts en-route risk (IOM-2010 §6)",
        description="Multiplier on the en-route risk of a deportation that was risk-assessed.",
    )
    # --- assistance uptake and trust (mechanisms 2, 7) ---------------------------------------
    decline_at_zero_trust: float = param(
        0.25,
        unit="probability",
        ge=0,
        le=1,
        uncertain=True,
        source="IOM-2010 §5.3.7 (4 of 79 refused assistance or monitoring; distrust)",
        description="Probability of declining offered assistance for someone with no trust "
        "(scales with 1 - trust).",
    )
    dropout_at_zero_trust_per_month: float = param(
        0.15,
        unit="rate per month",
        ge=0,
        le=50,
        uncertain=True,
        source="IOM-2010 §5.3.7 (5 of 79 cut contact during assistance)",
        description="Rate of leaving assistance early for someone with no trust (scales with "
        "1 - trust).",
    )
    trust_loss_after_handback: float = param(
        0.5,
        unit="0-1 score",
        ge=0,
        le=1,
        source="IOM-2010 §4.3 (hand-backs by colluding officers leave people distrustful)",
        description="Drop in trust after being handed back to the trafficker.",
    )
    trust_gain_per_supported_month: float = param(
        0.02,
        unit="0-1 score per month",
        ge=0,
        le=1,
        source="IASC-2021 Enablers (a relationship with a support team builds trust)",
        description="Rise in trust for each month of support or monitoring.",
    )
    # --- reintegration (mechanisms 4, 7) ------------------------------------------------------
    job_find_rate_per_month: float = param(
        0.04,
        unit="rate per month",
        ge=0,
        le=50,
        uncertain=True,
        source="IOM-2010 §4.5 (most unemployed on return; 16 of 19 no better off)",
        description="Rate of finding regular work at home for a person with average skills.",
    )
    job_loss_rate_per_month: float = param(
        0.03,
        unit="rate per month",
        ge=0,
        le=50,
        source="assumption: precarious, irregular work is often lost (IOM-2010 §4.5)",
        description="Rate of losing work.",
    )
    low_education_job_ratio: float = param(
        0.5,
        unit="rate ratio",
        ge=0,
        le=1,
        source="assumption: little schooling halves job-finding",
        description="Multiplier on job-finding for people with low education.",
    )
    no_right_to_work_job_ratio: float = param(
        0.3,
        unit="rate ratio",
        ge=0,
        le=1,
        source="IASC-2021 Enablers (no right to work leaves only exploitative informal work)",
        description="Multiplier on job-finding abroad without the right to work.",
    )
    destination_job_ratio: float = param(
        2.0,
        unit="rate ratio",
        ge=0,
        le=10,
        source="assumption: more jobs in destination countries than at home (IOM-2010 §4.5)",
        description="Multiplier on job-finding in the destination with the right to work.",
    )
    debt_growth_per_month: float = param(
        0.02,
        unit="proportion per month",
        ge=0,
        le=1,
        source="assumption: informal debts grow while unpaid",
        description="Monthly growth of debt while unemployed.",
    )
    debt_repayment_per_month: float = param(
        0.3,
        unit="months of income per month",
        ge=0,
        le=1,
        source="assumption: a third of a month's income goes to debts",
        description="Debt repaid each month while employed.",
    )
    trafficker_debt_claim: float = param(
        3.0,
        unit="months of income",
        ge=0,
        le=60,
        source="IOM-2010 §4.4 ('debts' still owed to traffickers)",
        description="Debt a trafficker claims from a survivor they threaten.",
    )
    recovery_rate_per_month: float = param(
        0.02,
        unit="rate per month",
        ge=0,
        le=50,
        source="assumption: psychological recovery takes years without support",
        description="Rate at which psychosocial needs resolve without counselling.",
    )
    counselling_recovery_ratio: float = param(
        3.0,
        unit="rate ratio",
        ge=1,
        le=20,
        source="IASC-2021 Enablers (long-term counselling protects)",
        description="Multiplier on recovery while receiving support.",
    )
    # --- re-migration (mechanism 5) -----------------------------------------------------------
    remigration_rate_per_month: float = param(
        0.002,
        unit="rate per month",
        ge=0,
        le=50,
        uncertain=True,
        source="IOM-2010 §4.5 (people re-migrate through irregular channels for lack of work)",
        description="Base rate of deciding to migrate again for someone employed, debt-free, "
        "with a supportive family.",
    )
    remigration_unemployed_ratio: float = param(
        3.0,
        unit="rate ratio",
        ge=1,
        le=20,
        source="IOM-2010 §4.5 (economic push)",
        description="Multiplier on re-migration while unemployed.",
    )
    remigration_debt_ratio: float = param(
        2.0,
        unit="rate ratio",
        ge=1,
        le=20,
        source="IOM-2010 §4.5 (debts to family or community)",
        description="Multiplier on re-migration while in debt.",
    )
    remigration_rejection_ratio: float = param(
        2.0,
        unit="rate ratio",
        ge=1,
        le=20,
        source="IOM-2010 §4.4 (family rejection and stigma)",
        description="Multiplier on re-migration when the family rejects the survivor.",
    )
    irregular_migration_risk: float = param(
        0.2,
        unit="probability per journey",
        ge=0,
        le=1,
        uncertain=True,
        source="IOM-2010 §4.5 (re-migration through smugglers or the same recruiters)",
        description="Probability that an irregular re-migration ends in trafficking.",
    )
    safe_migration_risk: float = param(
        0.01,
        unit="probability per journey",
        ge=0,
        le=1,
        source="assumption: legal channels remove most of the journey's risk (IOM-2010 §6)",
        description="Probability that a re-migration through a safe channel ends in trafficking.",
    )
    irregular_deportation_rate_per_month: float = param(
        0.03,
        unit="rate per month",
        ge=0,
        le=50,
        source="assumption: people without status are picked up and deported",
        description="Rate of deportation for people living irregularly in a destination.",
    )
    # --- re-trafficking hazard (mechanisms 1, 3, 4, 6, 8) -------------------------------------
    hazard_home_per_month: float = param(
        0.0004,
        unit="rate per month",
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: calibrated so 5-year re-trafficking falls in IOM-2010 §1's ranges",
        description="Base re-trafficking hazard at home (internal recruitment) for a "
        "reference person.",
    )
    hazard_destination_irregular_per_month: float = param(
        0.002,
        unit="rate per month",
        ge=0,
        le=1,
        uncertain=True,
        source="IASC-2021 Enablers (without status, survivors are re-trafficked in-country)",
        description="Base re-trafficking hazard abroad without regular status.",
    )
    hazard_destination_regular_per_month: float = param(
        0.0004,
        unit="rate per month",
        ge=0,
        le=1,
        uncertain=True,
        source="IASC-2021 Enablers (status and right to work protect; isolation still risky)",
        description="Base re-trafficking hazard abroad with regular status.",
    )
    early_risk_ratio: float = param(
        8.0,
        unit=_HR,
        ge=1,
        le=50,
        uncertain=True,
        source="IOM-2010 executive summary (highest risk just after exit)",
        description="Hazard ratio in the first months after exit, decaying with early_risk_"
        "halflife_months.",
    )
    early_risk_halflife_months: float = param(
        4.0,
        unit="months",
        ge=0.1,
        le=60,
        source="assumption: the post-exit peak fades within months",
        description="Half-life of the excess hazard after exit.",
    )
    hr_minor: float = param(
        2.0,
        unit=_HR,
        ge=1,
        le=20,
        source="IOM-2010 §3.2, §4.6 (under 18 at first trafficking)",
        description="Hazard ratio while under 18.",
    )
    hr_age_15_25: float = param(
        1.5,
        unit=_HR,
        ge=1,
        le=20,
        source="IOM-2010 §3.2 (84% of the re-trafficked were 25 or under)",
        description="Hazard ratio while aged 18 to 25.",
    )
    hr_psychosocial: float = param(
        1.5,
        unit=_HR,
        ge=1,
        le=20,
        source="IOM-2010 §4.6",
        description="Hazard ratio while psychosocial needs remain.",
    )
    hr_substance: float = param(
        1.8,
        unit=_HR,
        ge=1,
        le=20,
        source="IOM-2010 §4.6",
        description="Hazard ratio with drug or alcohol dependency.",
    )
    hr_minority: float = param(
        1.3,
        unit=_HR,
        ge=1,
        le=20,
        source="IOM-2010 §4.6",
        description="Hazard ratio for minority or conflict background.",
    )
    hr_family_rejecting: float = param(
        1.5,
        unit=_HR,
        ge=1,
        le=20,
        source="IOM-2010 §4.4",
        description="Hazard ratio when the family rejects the survivor (before stigma reduction).",
    )
    hr_family_complicit: float = param(
        2.5,
        unit=_HR,
        ge=1,
        le=20,
        source="IOM-2010 §4.4",
        description="Hazard ratio when the family was complicit.",
    )
    hr_unemployed: float = param(
        1.8,
        unit=_HR,
        ge=1,
        le=20,
        uncertain=True,
        source="IOM-2010 §4.5",
        description="Hazard ratio while unemployed.",
    )
    hr_in_debt: float = param(
        1.5,
        unit=_HR,
        ge=1,
        le=20,
        source="IOM-2010 §4.5",
        description="Hazard ratio while owing at least a month's income.",
    )
    hr_threatened: float = param(
        3.0,
        unit=_HR,
        ge=1,
        le=50,
        uncertain=True,
        source="IOM-2010 §4.4 (threats to the person or family; traffickers locate people)",
        description="Hazard ratio while threatened by the former trafficker; the excess is "
        "coercion by that trafficker.",
    )
    hr_supported: float = param(
        0.6,
        unit=_HR,
        ge=0,
        le=1,
        uncertain=True,
        source="IASC-2021 Enablers (ongoing support protects)",
        description="Hazard ratio while receiving reintegration support.",
    )
    hr_monitored: float = param(
        0.6,
        unit=_HR,
        ge=0,
        le=1,
        uncertain=True,
        source="IOM-2010 §5.3 (reintegration judged successful while monitoring lasted)",
        description="Hazard ratio while monitored (0 = perfect protection while monitored).",
    )
