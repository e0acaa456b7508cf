"""The synthetic cohort: who the survivors are when they first exit exploitation.

Only synthetic people: every attribute is drawn from the distributions in
:class:`sim.parameters.CohortParams`, whose fields cite IOM-2010 §3-4 where it reports them and
declare assumptions otherwise.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.parameters import CohortParams, SurvivorParams
from sim.states import Econ, Family, Purpose

Columns = dict[str, NDArray]


def make_cohort(
    cohort: CohortParams,
    rng: np.random.Generator,
    horizon_months: int | None = None,
    survivor: SurvivorParams | None = None,
) -> Columns:
    """Draw the cohort's static attributes, one numpy array per attribute.

    Args:
        cohort: Cohort parameters.
        rng: The run's ``cohort`` stream.
        horizon_months: Months simulated; an inflow window longer than this is cut to it, so
            everyone enters within the run.
        survivor: Survivor parameters, for each person's lasting chance of being intercepted
            at exit (defaults when None).

    Returns:
        Columns of length ``cohort.n_survivors``: ``entry_month``, ``age_at_entry`` (years at first
        exit), ``female``, ``purpose``, ``international_first``, ``econ_before``, ``debt``
        (months of income), ``family``, ``psychosocial``, ``substance``, ``low_education``,
        ``minority``, ``trust``, ``region`` and ``interception`` (the chance that any of
        their exits is an interception, IOM-2010 §4.3).
    """
    survivor = survivor or SurvivorParams()
    n = cohort.n_survivors
    age = _ages(cohort, rng)
    if cohort.entry == "at_once":
        entry = np.zeros(n, dtype=np.int32)
    else:
        window = min(cohort.inflow_months, horizon_months or cohort.inflow_months)
        entry = inflow_months(rng.random(n), window, cohort.inflow_growth_per_year)
    purpose, econ, family = _categories(cohort, rng)
    in_debt = rng.random(n) < cohort.share_in_debt
    debt = np.where(in_debt, rng.exponential(cohort.mean_debt_months_income, n), 0.0)
    trust = _beta(rng, n, cohort.trust_mean, cohort.trust_concentration)
    return {
        "entry_month": entry,
        "age_at_entry": age.astype(np.float64),
        "female": rng.random(n) < cohort.share_female,
        "purpose": purpose,
        "international_first": rng.random(n) < cohort.share_international_first,
        "econ_before": econ,
        "debt": debt,
        "family": family,
        "psychosocial": rng.random(n) < cohort.share_psychosocial_need,
        "substance": rng.random(n) < cohort.share_substance_dependency,
        "low_education": rng.random(n) < cohort.share_low_education,
        "minority": rng.random(n) < cohort.share_minority_or_conflict,
        "trust": trust,
        "region": rng.integers(0, cohort.n_regions, size=n).astype(np.int16),
        "interception": _beta(
            rng, n, survivor.share_exits_intercepted, survivor.interception_concentration
        ),
    }


def _ages(cohort: CohortParams, rng: np.random.Generator) -> NDArray[np.float64]:
    """Age at first exit: a normal distribution truncated to the cohort's age range."""
    a = (cohort.age_min_years - cohort.age_mean_years) / cohort.age_sd_years
    b = (cohort.age_max_years - cohort.age_mean_years) / cohort.age_sd_years
    from scipy import stats  # here, not at the top: importing scipy.stats costs a third of a second

    return stats.truncnorm.rvs(
        a,
        b,
        loc=cohort.age_mean_years,
        scale=cohort.age_sd_years,
        size=cohort.n_survivors,
        random_state=rng,
    )


def _categories(
    cohort: CohortParams, rng: np.random.Generator
) -> tuple[NDArray[np.int8], NDArray[np.int8], NDArray[np.int8]]:
    """Purpose of the first exploitation, economic situation before it, family's stance."""
    n = cohort.n_survivors
    purpose = _categorical(
        rng,
        n,
        [cohort.share_sexual_exploitation, cohort.share_forced_labour],
        [Purpose.SEXUAL, Purpose.LABOUR],
        Purpose.CRIMINALITY,
    )
    econ = _categorical(
        rng, n, [cohort.share_poor, cohort.share_secure], [Econ.POOR, Econ.SECURE], Econ.GETTING_BY
    )
    family = _categorical(
        rng,
        n,
        [cohort.share_family_rejecting, cohort.share_family_complicit],
        [Family.REJECTING, Family.COMPLICIT],
        Family.SUPPORTIVE,
    )
    return purpose, econ, family


def inflow_months(u: NDArray[np.float64], window: int, growth_per_year: float) -> NDArray[np.int32]:
    """First-exit months over ``window`` months, the inflow growing exponentially.

    The density of entry times is proportional to ``exp(g t)`` on [0, window) with ``g`` the
    monthly growth rate (inverse-transform sampling of ``u``); ``g = 0`` spreads them evenly.
    The database grew from nearly 14,000 to nearly 16,000 people in 2010 (IOM-2010 §2).

    Example:
        >>> import numpy as np
        >>> inflow_months(np.array([0.0, 0.5, 0.999]), 120, 0.0).tolist()
        [0, 60, 119]
    """
    g = growth_per_year / 12.0
    if abs(g * window) < 1e-9:
        t = u * window
    else:
        t = np.log1p(u * np.expm1(g * window)) / g
    return np.sort(np.minimum(np.floor(t), window - 1)).astype(np.int32)


def _beta(rng: np.random.Generator, n: int, mean: float, concentration: float) -> NDArray:
    """``n`` draws from a beta distribution with the given mean and concentration (a + b)."""
    if mean <= 0.0 or mean >= 1.0:
        return np.full(n, float(np.clip(mean, 0.0, 1.0)))
    return rng.beta(mean * concentration, (1.0 - mean) * concentration, n)


def _categorical(
    rng: np.random.Generator, n: int, shares: list[float], codes: list[int], rest: int
) -> NDArray[np.int8]:
    """Assign ``codes`` with the given shares and ``rest`` to everyone else."""
    u = rng.random(n)
    out = np.full(n, rest, dtype=np.int8)
    edge = 0.0
    for share, code in zip(shares, codes, strict=True):
        out[(u >= edge) & (u < edge + share)] = code
        edge += share
    return out
