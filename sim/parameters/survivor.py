"""Survivor dynamics: exploitation, exit, reintegration, re-migration and re-trafficking risk.

Monthly rates are declared as ``*_per_month`` and turned into per-step probabilities in one
place (:func:`sim.rates.prob`). Hazard ratios multiply the monthly re-trafficking hazard.
No study gives dates of trafficking (IOM-2010 endnote 26), so the hazards themselves are
assumptions to be calibrated against the observed targets.

Each factor acts through one path (``docs/mechanisms.md``): economic conditions (work, debt)
push people to migrate again; social conditions (family, stigma), individual vulnerability,
protection and status set the monthly hazard in the community; threats add coercion by the
former trafficker.
"""

from __future__ import annotations

from sim.parameters.fields import param
from sim.parameters.hazard import HR, HazardFields


class SurvivorParams(HazardFields):
    """How survivors' situations change month by month.

    The re-trafficking hazard's fields are declared in :mod:`sim.parameters.hazard` and
    inherited, so every survivor parameter keeps its ``survivor.`` name.
    """

    # --- exploitation and exit -------------------------------------------------------------
    exit_rate_per_month: float = param(
        0.25,
        unit="rate per month",
        ge=0.001,
        le=50,
        uncertain=True,
        source="assumption: later episodes last months; IOM-2010 endnote 26 says the 20-month "
        "interval includes the second episode but gives no dates of trafficking",
        description="Rate of exit from a later exploitation episode (mean length 1/rate).",
    )
    share_exits_intercepted: float = param(
        0.35,
        unit="proportion",
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: IOM-2010 §4.3 gives law-enforcement referral (25% of the database, "
        "27 of 40 twice-assisted per Table 3), not the share of exits that are interceptions",
        description="Mean over survivors of the chance that an exit is an interception by the "
        "authorities (the rest escape).",
    )
    interception_concentration: float = param(
        2.0,
        unit="beta concentration",
        ge=0.1,
        le=1000,
        uncertain=True,
        source="assumption: a persistent individual chance of interception would explain why "
        "law enforcement referred 27 of 40 twice-assisted but 25% of all (IOM-2010 §4.3 "
        "Table 3); how persistent is unknown",
        description="Concentration (a + b) of the beta distribution of each survivor's "
        "lasting chance of being intercepted at exit; large values make everyone alike.",
    )
    ngo_contact_after_escape: float = param(
        0.45,
        unit="probability",
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: escapees reach assistance through NGOs, embassies and others "
        "(IOM-2010 §4.3 Table 3) at a rate no source gives",
        description="Probability that an escaped survivor is referred to assistance.",
    )
    self_return_after_escape: float = param(
        0.60,
        unit="probability",
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: unassisted survivors return as self-returnees (IOM-2010 §5.3.1); "
        "how many stay abroad is not reported",
        description="Probability that an unassisted international survivor travels home "
        "rather than staying in the destination irregularly.",
    )
    origin_assistance_after_return: float = param(
        0.15,
        unit="probability",
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: IOM-2010 §5.1 has 16 of 40 twice-assisted first assisted in their "
        "country of origin (6 of them internal), not the chance per unassisted return",
        description="Probability that an international survivor who returns home without "
        "assistance (deported or self-returned) is referred to assistance on arrival.",
    )
    same_purpose_share: float = param(
        0.7,
        unit="proportion",
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: a new episode may have the same or a different purpose (IOM-2010 "
        "§1.1, §4.1); the split is not reported",
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
        source="assumption: deportees without risk assessment are re-trafficked en route "
        "(IOM-2010 §4.4); the share is not reported",
        description="Probability of re-trafficking on the way home after deportation without "
        "risk assessment.",
    )
    en_route_risk_self_return: float = param(
        0.04,
        unit="probability per journey",
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: a journey home taken alone can be dangerous (IOM-2010 §4.4); less "
        "so than deportation",
        description="Probability of re-trafficking on an unassisted journey home.",
    )
    en_route_risk_assisted: float = param(
        0.005,
        unit="probability per journey",
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: assisted return with a risk assessment is the safe route "
        "(IOM-2010 §5.3.1); not risk-free",
        description="Probability of re-trafficking on an assisted, risk-assessed return.",
    )
    risk_assessment_effect: float = param(
        0.25,
        unit=HR,
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: a risk assessment before return is recommended (IOM-2010 "
        '"Safe, voluntary return of trafficked persons"); its effect is not measured',
        description="Multiplier on the en-route risk of a deportation that was risk-assessed.",
    )
    # --- assistance uptake, drop-out and trust (mechanisms 2, 7) -----------------------------
    decline_at_zero_trust: float = param(
        0.10,
        unit="probability",
        ge=0,
        le=1,
        uncertain=True,
        source="IOM-2010 §5.3.7 (3 of 79 refused all assistance, distrust suspected): about 4% "
        "at the cohort's mean trust",
        description="Probability of declining offered assistance for someone with no trust "
        "(scales with 1 - trust).",
    )
    dropout_at_zero_trust_per_month: float = param(
        0.04,
        unit="rate per month",
        ge=0,
        le=50,
        uncertain=True,
        source="IOM-2010 §5.3.7 (5 of 79 cut contact during assistance): about 6% over a few "
        "months of assistance and support at the cohort's mean trust",
        description="Rate of cutting contact with (going missing from) assistance or support "
        "for someone with no trust (scales with 1 - trust).",
    )
    dropout_minor_ratio: float = param(
        2.0,
        unit="rate ratio",
        ge=1,
        le=20,
        uncertain=True,
        source='assumption: children go missing from care and placements (IASC-2021 "Enablers '
        'of re-trafficking"); how much more often is not reported',
        description="Multiplier on cutting contact for survivors under 18.",
    )
    trust_loss_after_handback: float = param(
        0.5,
        unit="0-1 score",
        ge=0,
        le=1,
        source="assumption: hand-backs by colluding officers leave people distrustful "
        "(IOM-2010 §4.3); the size of the loss is not measured",
        description="Drop in trust after being handed back to the trafficker.",
    )
    trust_gain_per_supported_month: float = param(
        0.02,
        unit="0-1 score per month",
        ge=0,
        le=1,
        source='assumption: a relationship with a support team protects (IASC-2021 "Factors '
        'thought to reduce the risk of and vulnerability to re-trafficking"); the pace is not '
        "measured",
        description="Rise in trust for each month of support or monitoring.",
    )
    # --- reintegration (mechanisms 4, 5, 7) --------------------------------------------------
    job_find_rate_per_month: float = param(
        0.04,
        unit="rate per month",
        ge=0,
        le=50,
        uncertain=True,
        source="assumption: most were unemployed on return (IOM-2010 §4.5) and none of 9 "
        "trained found regular work (§5.3.3); no rate is reported",
        description="Rate of finding regular work at home for a person with average skills.",
    )
    job_loss_rate_per_month: float = param(
        0.03,
        unit="rate per month",
        ge=0,
        le=50,
        source="assumption: a minority had irregular work on return (IOM-2010 §4.5), often lost",
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
        source="assumption: without the right to work only informal work is open (IASC-2021 "
        '"Enablers of re-trafficking"); the ratio is not measured',
        description="Multiplier on job-finding abroad without the right to work.",
    )
    destination_job_ratio: float = param(
        2.0,
        unit="rate ratio",
        ge=0,
        le=10,
        source="assumption: people migrate for work that is lacking at home (IOM-2010 §4.6)",
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
        source="assumption: traffickers claim 'debts' are still owed (IOM-2010 §4.5); no sizes "
        "are reported. Recorded on the trafficker; its pull acts through hr_threatened",
        description="Debt a trafficker claims at each spell of threats (the trafficker's "
        "accounts; the survivor's coercion is hr_threatened).",
    )
    recovery_rate_per_month: float = param(
        0.02,
        unit="rate per month",
        ge=0,
        le=50,
        source="assumption: psychological recovery takes years without support (IOM-2010 §5.5)",
        description="Rate at which psychosocial needs resolve without counselling.",
    )
    counselling_recovery_ratio: float = param(
        3.0,
        unit="rate ratio",
        ge=1,
        le=20,
        source='assumption: counselling and rehabilitation protect (IASC-2021 "Factors thought '
        'to reduce the risk of and vulnerability to re-trafficking"); the ratio is not measured',
        description="Multiplier on recovery while receiving support.",
    )
    # --- re-migration (mechanism 5) -----------------------------------------------------------
    remigration_rate_per_month: float = param(
        0.002,
        unit="rate per month",
        ge=0,
        le=50,
        uncertain=True,
        source="assumption: people migrate again for lack of work and to pay debts (IOM-2010 "
        "§4.6); no rate is reported",
        description="Rate of deciding to migrate again on arrival in the community, for "
        "someone employed and debt-free; falls as they settle.",
    )
    remigration_unemployed_ratio: float = param(
        3.0,
        unit="rate ratio",
        ge=1,
        le=20,
        uncertain=True,
        source="assumption: without work at home people re-migrate in search of employment "
        "(IOM-2010 §4.6); the ratio is not measured",
        description="Multiplier on re-migration while unemployed (the economic push).",
    )
    remigration_debt_ratio: float = param(
        2.0,
        unit="rate ratio",
        ge=1,
        le=20,
        uncertain=True,
        source="assumption: debts from the first migration leave 'no other option but to "
        "migrate again' (IOM-2010 §4.6); the ratio is not measured",
        description="Multiplier on re-migration while owing at least a month's income.",
    )
    irregular_migration_risk: float = param(
        0.2,
        unit="probability per journey",
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: re-migration through smugglers or the same recruiters ends in "
        "trafficking (IOM-2010 §4.6); the share is not reported",
        description="Probability that an irregular re-migration ends in trafficking.",
    )
    safe_migration_risk: float = param(
        0.01,
        unit="probability per journey",
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: safe, legal channels prevent most re-trafficking on the way "
        '(IOM-2010 "Facilitating safe and legal migration channels"); not measured',
        description="Probability that a re-migration through a safe channel ends in trafficking.",
    )
    irregular_deportation_rate_per_month: float = param(
        0.03,
        unit="rate per month",
        ge=0,
        le=50,
        source='assumption: people without status face removal (IASC-2021 "Enablers of '
        're-trafficking"); no rate is reported',
        description="Rate of deportation for people living irregularly in a destination.",
    )
    # --- life in the destination (mechanism 8) ----------------------------------------------
    homelessness_after_support: float = param(
        0.3,
        unit="probability",
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: people leave support with nothing in place, usually referred to "
        'homeless services (IASC-2021 "Understanding the prevalence of re-trafficking"); the '
        "share is not given",
        description="Probability that an unemployed survivor living in a destination becomes "
        "homeless when their support ends or never comes.",
    )
    rehousing_rate_per_month: float = param(
        0.1,
        unit="rate per month",
        ge=0,
        le=50,
        uncertain=True,
        source="assumption: homelessness lasts months; no source gives its length",
        description="Rate of finding stable housing again (work also ends homelessness).",
    )
