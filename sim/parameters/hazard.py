"""The survivors' re-trafficking hazard in the community: base rates, risk over time, ratios.

Part of the ``survivor`` parameter group (:class:`sim.parameters.survivor.SurvivorParams`
inherits these fields), kept in its own module for length. Hazard ratios multiply the monthly
re-trafficking hazard; no study gives dates of trafficking (IOM-2010 endnote 26), so the
hazards themselves are assumptions to be calibrated against the observed targets.
"""

from __future__ import annotations

from sim.parameters.fields import Group, param

#: Unit of every hazard ratio.
HR = "hazard ratio"


class HazardFields(Group):
    """The re-trafficking hazard of survivors living in the community."""

    # --- re-trafficking hazard (mechanisms 1, 3, 4, 6, 7, 8) ----------------------------------
    hazard_home_per_month: float = param(
        0.001,
        unit="rate per month",
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: set so 5-year re-trafficking falls in the 3-50% range of IOM-2010 §1",
        description="Base re-trafficking hazard at home (internal recruitment) for a settled "
        "reference person.",
    )
    hazard_destination_irregular_per_month: float = param(
        0.002,
        unit="rate per month",
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: without regular status survivors are re-trafficked in the country "
        '(IASC-2021 "Enablers of re-trafficking"); no rate is reported',
        description="Base re-trafficking hazard abroad without regular status, settled "
        "reference person.",
    )
    hazard_destination_regular_per_month: float = param(
        0.0004,
        unit="rate per month",
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: status protects, but isolation still left one man open to "
        're-recruitment (IASC-2021 "Enablers of re-trafficking"); no rate is reported',
        description="Base re-trafficking hazard abroad with regular status, settled reference "
        "person.",
    )
    early_risk_ratio: float = param(
        8.0,
        unit=HR,
        ge=1,
        le=50,
        uncertain=True,
        source='assumption: risk is highest just after exit (IOM-2010 "Key research findings") '
        "and people are re-trafficked 'relatively soon' (§5.1); how much higher is not reported",
        description="Hazard ratio on arrival in the community (home, destination, or after "
        "re-migration) and when support ends, decaying with early_risk_halflife_months.",
    )
    early_risk_halflife_months: float = param(
        4.0,
        unit="months",
        ge=0.1,
        le=60,
        uncertain=True,
        source="assumption: the peak fades within months; most re-trafficking falls within "
        'two years (IOM-2010 "Key research findings")',
        description="Half-life of the excess hazard after arrival in the community.",
    )
    settling_halflife_months: float = param(
        6.0,
        unit="months",
        ge=0.5,
        le=240,
        uncertain=True,
        source="assumption: reintegration takes time (IOM-2010 §5.2); risk that stays flat "
        'for years would contradict re-trafficking mostly within two years ("Key research '
        'findings")',
        description="Months for the base hazards and the re-migration rate to fall halfway "
        "from their arrival level to the settled floor.",
    )
    settled_rate_ratio: float = param(
        0.15,
        unit="rate ratio",
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: settled people keep some risk, as conditions at home persist "
        "(IOM-2010 §4.5)",
        description="Floor of the settling decline: the base hazards and re-migration rate "
        "of someone long settled, as a share of their level on arrival.",
    )
    hr_minor: float = param(
        2.0,
        unit=HR,
        ge=1,
        le=20,
        uncertain=True,
        source='assumption: those trafficked under 18 are most vulnerable (IOM-2010 "Key '
        'research findings", §3.2.1); the ratio is not reported',
        description="Hazard ratio while under 18.",
    )
    hr_age_18_25: float = param(
        1.5,
        unit=HR,
        ge=1,
        le=20,
        uncertain=True,
        source="assumption: most re-trafficked were 15-25 (IOM-2010 §3.2); the ratio over older "
        "survivors is not reported",
        description="Hazard ratio while aged 18 to 25 (minors have hr_minor instead).",
    )
    hr_psychosocial: float = param(
        1.5,
        unit=HR,
        ge=1,
        le=20,
        uncertain=True,
        source='assumption: psychosocial difficulties raise risk (IOM-2010 "Individual '
        'characteristics and profiles of trafficking victims"); not quantified',
        description="Hazard ratio while psychosocial needs remain.",
    )
    hr_substance: float = param(
        1.8,
        unit=HR,
        ge=1,
        le=20,
        uncertain=True,
        source='assumption: drug or alcohol dependency raises risk (IOM-2010 "Individual '
        'characteristics and profiles of trafficking victims"); not quantified',
        description="Hazard ratio with drug or alcohol dependency.",
    )
    hr_minority: float = param(
        1.3,
        unit=HR,
        ge=1,
        le=20,
        uncertain=True,
        source="assumption: minority, conflict or displacement background raises risk (IOM-2010 "
        '"Individual characteristics and profiles of trafficking victims"); not quantified',
        description="Hazard ratio for minority or conflict background.",
    )
    hr_family_rejecting: float = param(
        1.5,
        unit=HR,
        ge=1,
        le=20,
        uncertain=True,
        source="assumption: family and community rejection heighten vulnerability (IOM-2010 "
        "§4.5); not quantified",
        description="Hazard ratio when the family rejects the survivor (before stigma reduction "
        "and the sexual-exploitation stigma ratio).",
    )
    stigma_sexual_ratio: float = param(
        1.5,
        unit="ratio of excess hazard",
        ge=1,
        le=10,
        uncertain=True,
        source="assumption: rejection is especially strong after sexual exploitation (IOM-2010 "
        "§4.5); how much stronger is not reported",
        description="Multiplier on the excess hazard of family rejection when the latest "
        "episode was sexual exploitation.",
    )
    hr_family_complicit: float = param(
        2.5,
        unit=HR,
        ge=1,
        le=20,
        uncertain=True,
        source="assumption: people returned to families or communities involved in their "
        "trafficking remain at risk (IOM-2010 §4.5); not quantified",
        description="Hazard ratio when the family was complicit.",
    )
    hr_homeless: float = param(
        2.5,
        unit=HR,
        ge=1,
        le=20,
        uncertain=True,
        source='assumption: homelessness is a main enabler (IASC-2021 "Enablers of '
        're-trafficking"); not quantified',
        description="Hazard ratio while homeless in a destination.",
    )
    hr_threatened: float = param(
        3.0,
        unit=HR,
        ge=1,
        le=50,
        uncertain=True,
        source="assumption: threats to the person or family compel some to return to the "
        "trafficker (IOM-2010 §4.5); not quantified",
        description="Hazard ratio while threatened by the former trafficker; the excess is "
        "coercion by that trafficker.",
    )
    hr_supported: float = param(
        0.6,
        unit=HR,
        ge=0,
        le=1,
        uncertain=True,
        source='assumption: long-term support protects (IASC-2021 "Factors thought to reduce '
        'the risk of and vulnerability to re-trafficking"); not quantified',
        description="Hazard ratio while receiving reintegration support.",
    )
    hr_monitored: float = param(
        0.8,
        unit=HR,
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: missions judged reintegration successful while monitoring lasted "
        "(IOM-2010 §5.3.6), which does not show that monitoring protects",
        description="Hazard ratio while monitored (0 = perfect protection while monitored).",
    )
