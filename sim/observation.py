"""The observation layer: what a case-management database would record of the true events.

IOM-2010 §2 found its 79 re-trafficking cases in two ways: 40 people assisted twice and
matched to their first record, and 39 whose interview notes mention an earlier episode. This
module applies the same filter to a run's event log:

1. Every ``ASSISTANCE_STARTED`` is an assistance record. The database's people are the
   survivors assisted at least once (the denominator of T2).
2. A later assistance is matched to the person's first record with probability
   ``observation.reassistance_recorded``; the first matched one makes the person
   *twice-assisted*, with the interval from first to that assistance (T1).
3. At any assistance after an episode that was never assisted (e.g. a hand-back, or an
   unassisted exit), the survivor discloses it with ``observation.disclosure`` and staff write
   it down with ``observation.disclosure_recorded``.
4. Recorded re-trafficking cases are the twice-assisted plus the recorded disclosures; T3-T10
   are computed over them (T5-T8 over the twice-assisted, as in IOM-2010), as the declared
   statistics of :mod:`sim.statistics`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.outcomes import HEADLINE_MONTHS, kaplan_meier
from sim.parameters import ObservationParams
from sim.randomness import Streams
from sim.simulation import Result
from sim.statistics import statistics


def records(events: pd.DataFrame, obs: ObservationParams, rng: np.random.Generator) -> pd.DataFrame:
    """The database's assistance records and how each re-trafficking case was found.

    Args:
        events: A true event log (see :mod:`sim.events`).
        obs: Recording probabilities.
        rng: Generator for the recording draws (two uniforms per assistance record).

    Returns:
        One row per assistance: ``survivor``, ``month``, ``episode``, ``international``,
        ``package``, ``cause`` (referral), ``number`` (1 = first assistance),
        ``matched`` (a later assistance matched to the first record) and ``disclosed``
        (an unassisted prior episode disclosed and written down).
    """
    starts = events.loc[
        events["event"] == "ASSISTANCE_STARTED",
        ["survivor", "month", "episode", "international", "package", "cause"],
    ]
    starts = starts.sort_values(["survivor", "month"], kind="stable").reset_index(drop=True)
    u = rng.random((2, len(starts)))
    number = starts.groupby("survivor").cumcount().to_numpy() + 1
    episode = starts["episode"].to_numpy()
    # An earlier episode went unassisted if this episode number exceeds the count of
    # assistances so far (each assistance covers one episode).
    prior_unassisted = episode > number
    starts["number"] = number
    starts["matched"] = (number >= 2) & (u[0] < obs.reassistance_recorded)
    starts["disclosed"] = prior_unassisted & (u[1] < obs.disclosure * obs.disclosure_recorded)
    return starts


def observe(result: Result) -> pd.DataFrame:
    """The observed records of a run, drawn with the run's own ``observation`` stream."""
    rng = Streams(result.seed)["observation"]
    return records(result.events, result.params.observation, rng)


def observed_statistics(result: Result) -> pd.DataFrame:
    """The observed versions of targets T1-T10 (EVIDENCE.md) for a run.

    Returns:
        Columns ``target``, ``statistic``, ``value`` and ``n`` (people it is computed over).
    """
    return statistics(observe(result), result.events, result.people)


def observed_incidence(
    result: Result, months: tuple[int, ...] = HEADLINE_MONTHS
) -> dict[int, float]:
    """Share of assisted survivors recorded as re-trafficked within ``months``.

    Months count from first assistance (Kaplan-Meier, censored at the horizon).

    Set beside :func:`sim.outcomes.incidence_at` it shows how much of the true re-trafficking
    a case database sees.
    """
    recs = observe(result)
    first = recs[recs["number"] == 1].set_index("survivor")["month"]
    cases = recs[recs["matched"] | recs["disclosed"]].drop_duplicates("survivor")
    found = cases.set_index("survivor")["month"]
    event = first.index.isin(found.index)
    # A case disclosed at the first assistance is recorded in that month (time 0).
    end = np.where(event, found.reindex(first.index).fillna(0).to_numpy(), result.months)
    durations = (end - first.to_numpy()).astype(int)
    curve = kaplan_meier(durations, event, result.months)
    return {m: float(curve[m]) if m < len(curve) else float("nan") for m in months}
