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
   are computed over them (T5-T8 over the twice-assisted, as in IOM-2010).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.outcomes import kaplan_meier
from sim.parameters import ObservationParams
from sim.randomness import Streams
from sim.run import Result
from sim.states import Econ, Package, Route

#: Package components reported in T8, with their bit.
PACKAGE_PARTS = {
    "accommodation": Package.SHELTER,
    "medical": Package.MEDICAL,
    "financial": Package.FINANCIAL,
    "education_vocational": Package.VOCATIONAL,
    "legal": Package.LEGAL,
    "job_placement": Package.JOB_PLACEMENT,
}


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


def statistics(recs: pd.DataFrame, events: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """T1-T10 from database records, the event log and the people table.

    Args:
        recs: Output of :func:`records`.
        events: The event log the records came from.
        people: The people table (``age_at_entry``, ``entry_month``, ``female``,
            ``econ_before``, ``econ_at_retraffic``, ``first_route``).
    """
    first = recs[recs["number"] == 1].set_index("survivor")
    matched = recs[recs["matched"]].drop_duplicates("survivor").set_index("survivor")
    disclosed = recs.loc[recs["disclosed"], "survivor"].unique()
    twice = matched.index.to_numpy()
    cases = np.union1d(twice, disclosed)
    n_assisted = len(first)
    rows: list[tuple[str, str, float, int]] = []

    def add(target: str, statistic: str, value: float, n: int) -> None:
        rows.append((target, statistic, float(value), int(n)))

    interval = matched["month"] - first.loc[twice, "month"]
    add("T1", "mean months first to second assistance", _mean(interval), len(twice))
    add(
        "T2",
        "recorded re-trafficking cases per assisted",
        _ratio(len(cases), n_assisted),
        n_assisted,
    )
    add("T2", "recorded re-trafficking cases", len(cases), n_assisted)
    add("T2", "twice-assisted cases", len(twice), n_assisted)
    add("T2", "disclosed cases", len(np.setdiff1d(disclosed, twice)), n_assisted)

    age = _age_at(people, first.loc[cases, "month"].to_numpy(), cases)
    add("T3", "mean age at first assistance", _mean(age), len(cases))
    add("T3", "share aged 25 or under", _mean(age <= 25), len(cases))
    add("T3", "share over 30", _mean(age > 30), len(cases))
    add("T4", "share female", _mean(people.loc[cases, "female"].to_numpy()), len(cases))

    add(
        "T5",
        "international share, first assisted episode",
        _mean(first.loc[twice, "international"].to_numpy() == 1),
        len(twice),
    )
    add(
        "T5",
        "international share, second assisted episode",
        _mean(matched["international"].to_numpy() == 1),
        len(twice),
    )

    after = people.loc[twice, "econ_at_retraffic"].to_numpy()
    before = people.loc[twice, "econ_before"].to_numpy()
    known = after >= 0
    add(
        "T6",
        "share similar or worse off after return",
        _mean(after[known] <= before[known]),
        int(known.sum()),
    )

    add(
        "T7",
        "share referred by law enforcement, twice-assisted",
        _mean(first.loc[twice, "cause"].to_numpy() == "LAW_ENFORCEMENT"),
        len(twice),
    )
    add(
        "T7",
        "share referred by law enforcement, all assisted",
        _mean(first["cause"].to_numpy() == "LAW_ENFORCEMENT"),
        n_assisted,
    )

    pkg = first.loc[twice, "package"].to_numpy()
    avr = _first_route(people, twice) == Route.ASSISTED
    add("T8", "share with assisted voluntary return", _mean(avr), len(twice))
    # Assisted in the country of origin: after an internal episode, or referred on return.
    in_origin = (first.loc[twice, "international"].to_numpy() != 1) | (
        first.loc[twice, "cause"].to_numpy() == "ORIGIN"
    )
    add("T8", "share first assisted in the country of origin", _mean(in_origin), len(twice))
    for name, bit in PACKAGE_PARTS.items():
        add("T8", f"share with {name}", _mean((pkg & bit) > 0), len(twice))

    add(
        "T9",
        "residency after first episode",
        int((_first_route(people, cases) == Route.RESIDENCY).sum()),
        len(cases),
    )

    case_events = events[events["survivor"].isin(cases)]
    declined = case_events["event"].isin(["ASSISTANCE_DECLINED", "MONITORING_DECLINED"])
    left = case_events["event"].isin(["ASSISTANCE_LEFT", "SUPPORT_LEFT"])
    add(
        "T10",
        "share declined assistance or monitoring",
        _ratio(case_events.loc[declined, "survivor"].nunique(), len(cases)),
        len(cases),
    )
    add(
        "T10",
        "share cut contact during assistance",
        _ratio(case_events.loc[left, "survivor"].nunique(), len(cases)),
        len(cases),
    )
    return pd.DataFrame(rows, columns=["target", "statistic", "value", "n"])


def _age_at(people: pd.DataFrame, month: np.ndarray, who: np.ndarray) -> np.ndarray:
    rows = people.loc[who]
    elapsed = np.maximum(month - rows["entry_month"].to_numpy(), 0)
    return rows["age_at_entry"].to_numpy() + elapsed / 12.0


def _first_route(people: pd.DataFrame, who: np.ndarray) -> np.ndarray:
    return people.loc[who, "first_route"].to_numpy()


def _mean(values: object) -> float:
    arr = np.asarray(values, dtype=float)
    return float(arr.mean()) if arr.size else float("nan")


def _ratio(num: int, den: int) -> float:
    return num / den if den else float("nan")


def econ_names() -> list[str]:
    """Names of the economic situations, by code."""
    return [e.name.lower() for e in Econ]


def observed_incidence(result: Result, months: tuple[int, ...] = (12, 24, 60)) -> dict[int, float]:
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
