"""Parameters of the run and of the synthetic cohort (who the survivors are when they exit)."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from sim.parameters.fields import Group, ParameterError, param


class RunParams(Group):
    """How long to simulate."""

    horizon_months: int = param(
        120,
        unit="months",
        ge=1,
        le=600,
        source="IOM-2010 §2.1 (a 10-year period, 1999-2009)",
        description="Number of monthly steps simulated.",
    )


class CohortParams(Group):
    """The synthetic cohort: size, entry pattern and the characteristics drawn at exit."""

    n_survivors: int = param(
        14_000,
        unit="survivors",
        ge=1,
        le=5_000_000,
        source="IOM-2010 §2 (nearly 14,000 registered beneficiaries by December 2009)",
        description="Number of survivors in the cohort.",
    )
    entry: Literal["at_once", "inflow"] = param(
        "inflow",
        unit="category",
        source="IOM-2010 §2.1 (cases over a 10-year period, 1999-2009)",
        description="'at_once': all exit in month 0; 'inflow': first exits spread over "
        "inflow_months, growing by inflow_growth_per_year (0 = evenly).",
    )
    inflow_months: int = param(
        120,
        unit="months",
        ge=1,
        le=600,
        source="IOM-2010 §2.1 (cases over a 10-year period, 1999-2009)",
        description="Months over which first exits are spread when entry = 'inflow' (cut to "
        "the horizon when longer).",
    )
    inflow_growth_per_year: float = param(
        0.068,
        unit="proportion per year",
        ge=-0.5,
        le=1,
        uncertain=True,
        source="IOM-2010 §2 (nearly 14,000 registered by December 2009, nearly 16,000 a year "
        "later): exponential growth of 6.8% a year gives both; the shape is an assumption",
        description="Growth rate of first exits over the inflow window (continuous, per year); "
        "0 spreads them evenly.",
    )
    age_mean_years: float = param(
        22.0,
        unit="years",
        ge=10,
        le=50,
        uncertain=True,
        source="assumption: slightly above the re-trafficked mean of 20 (IOM-2010 §3.2), "
        "since youth raises risk; the age of all assisted is not reported",
        description="Mean age at first exit (normal, truncated to the age bounds).",
    )
    age_sd_years: float = param(
        5.5,
        unit="years",
        ge=0.5,
        le=20,
        source="assumption: spreads ages over the 15-37 range IOM-2010 §3.2 reports",
        description="Standard deviation of age at first exit before truncation.",
    )
    age_min_years: float = param(
        12.0,
        unit="years",
        ge=5,
        le=30,
        source="assumption: minors as young as 12 appear in assistance records",
        description="Youngest age at first exit.",
    )
    age_max_years: float = param(
        50.0,
        unit="years",
        ge=20,
        le=80,
        source="assumption: assisted ages go past the re-trafficked range (39, IOM-2010 §3.2)",
        description="Oldest age at first exit.",
    )
    share_female: float = param(
        0.85,
        unit="proportion",
        ge=0,
        le=1,
        source="assumption: all 79 re-trafficked were female (IOM-2010 §3.1), which reflects "
        "who was identified as much as who is at risk; a label, read by no process",
        description="Share of the cohort who are female.",
    )
    share_sexual_exploitation: float = param(
        0.75,
        unit="proportion",
        ge=0,
        le=1,
        source="assumption: most re-trafficking cases involved sexual exploitation at one or "
        "both times (IOM-2010 §4.1), reflecting where assistance focused",
        description="Share of first episodes for sexual exploitation.",
    )
    share_forced_labour: float = param(
        0.20,
        unit="proportion",
        ge=0,
        le=1,
        source="assumption: forced labour the second purpose (IOM-2010 §4.1); the rest is "
        "forced criminality",
        description="Share of first episodes for forced labour (the rest: forced criminality).",
    )
    share_international_first: float = param(
        0.85,
        unit="proportion",
        ge=0,
        le=1,
        source="assumption: 33 of 40 twice-assisted were trafficked internationally the first "
        "time (IOM-2010 §4.2); the share among all assisted is not reported",
        description="Share of first episodes that were international.",
    )
    share_poor: float = param(
        0.60,
        unit="proportion",
        ge=0,
        le=1,
        source="assumption: over half of the re-trafficked described their economic status as "
        "poor or very poor (IOM-2010 §3.4); the share among all assisted is not reported",
        description="Share who were poor before first trafficking.",
    )
    share_secure: float = param(
        0.10,
        unit="proportion",
        ge=0,
        le=1,
        source="assumption: a minority economically secure before trafficking (IOM-2010 §3.4)",
        description="Share who were economically secure before first trafficking "
        "(the rest were getting by).",
    )
    share_in_debt: float = param(
        0.50,
        unit="proportion",
        ge=0,
        le=1,
        uncertain=True,
        source="assumption: debts to family or community are common (IOM-2010 §4.6)",
        description="Share who owe debts on exit.",
    )
    mean_debt_months_income: float = param(
        6.0,
        unit="months of income",
        ge=0,
        le=60,
        source="assumption: no source gives debt sizes",
        description="Mean debt among the indebted (exponential), in months of local income.",
    )
    share_family_rejecting: float = param(
        0.30,
        unit="proportion",
        ge=0,
        le=1,
        source="assumption: family rejection and stigma are frequent (IOM-2010 §4.5)",
        description="Share whose family rejects them on return.",
    )
    share_family_complicit: float = param(
        0.10,
        unit="proportion",
        ge=0,
        le=1,
        source="assumption: sometimes family members were the traffickers (IOM-2010 §4.5)",
        description="Share whose family was complicit in the trafficking.",
    )
    share_psychosocial_need: float = param(
        0.50,
        unit="proportion",
        ge=0,
        le=1,
        source="assumption: psychological difficulties are named as a risk (IOM-2010 "
        '"Individual characteristics and profiles of trafficking victims") without a rate',
        description="Share with psychological or psychosocial difficulties at exit.",
    )
    share_substance_dependency: float = param(
        0.10,
        unit="proportion",
        ge=0,
        le=1,
        source='assumption: named as a risk factor without a rate (IOM-2010 "Individual '
        'characteristics and profiles of trafficking victims")',
        description="Share with drug or alcohol dependency at exit.",
    )
    share_low_education: float = param(
        0.60,
        unit="proportion",
        ge=0,
        le=1,
        source="assumption: for over half of the re-trafficked, schooling ended after primary "
        "school (IOM-2010 §3.5)",
        description="Share with little schooling or marketable skills.",
    )
    share_minority_or_conflict: float = param(
        0.20,
        unit="proportion",
        ge=0,
        le=1,
        source="assumption: ethnic minority or conflict background named as risk (IOM-2010 "
        '"Individual characteristics and profiles of trafficking victims")',
        description="Share from an ethnic minority or a conflict-affected background.",
    )
    trust_mean: float = param(
        0.60,
        unit="0-1 score",
        ge=0.01,
        le=0.99,
        uncertain=True,
        source="assumption: distrust of authorities drives refusal (IOM-2010 §4.3, §5.3.7)",
        description="Mean trust in authorities and services at exit (beta distribution).",
    )
    trust_concentration: float = param(
        6.0,
        unit="beta concentration",
        ge=0.5,
        le=200,
        source="assumption: trust varies widely between people",
        description="Concentration (a + b) of the beta distribution of trust.",
    )
    n_regions: int = param(
        10,
        unit="regions",
        ge=1,
        le=1000,
        source="assumption: origin regions where traffickers operate and survivors return",
        description="Number of origin regions.",
    )

    @model_validator(mode="after")
    def _shares_fit(self) -> CohortParams:
        pairs = [
            ("share_sexual_exploitation", "share_forced_labour"),
            ("share_poor", "share_secure"),
            ("share_family_rejecting", "share_family_complicit"),
        ]
        for a, b in pairs:
            if getattr(self, a) + getattr(self, b) > 1:
                raise ParameterError(
                    f"cohort.{a} + cohort.{b} must be at most 1 "
                    f"(got {getattr(self, a) + getattr(self, b):g})."
                )
        if self.age_min_years >= self.age_max_years:
            raise ParameterError(
                "cohort.age_min_years must be below cohort.age_max_years "
                f"(got {self.age_min_years:g} and {self.age_max_years:g})."
            )
        return self
