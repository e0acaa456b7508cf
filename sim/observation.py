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

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.outcomes import kaplan_meier
from sim.parameters import ObservationParams
from sim.randomness import Streams
from sim.run import Result
from sim.states import Cause, Package, Route

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


@dataclass(frozen=True)
class Database:
    """What a run's case database holds, prepared once for every statistic.

    ``first``: each assisted person's first record (indexed by survivor); ``matched``: their
    first matched later record; ``twice``: the twice-assisted; ``cases``: the twice-assisted
    and the recorded disclosures; ``events`` and ``people``: the run's tables.
    """

    first: pd.DataFrame
    matched: pd.DataFrame
    twice: np.ndarray
    disclosed: np.ndarray
    cases: np.ndarray
    events: pd.DataFrame
    people: pd.DataFrame

    @classmethod
    def of(cls, recs: pd.DataFrame, events: pd.DataFrame, people: pd.DataFrame) -> Database:
        """Build from :func:`records`, the event log and the people table."""
        matched = recs[recs["matched"]].drop_duplicates("survivor").set_index("survivor")
        twice = matched.index.to_numpy()
        disclosed = recs.loc[recs["disclosed"], "survivor"].unique()
        return cls(
            first=recs[recs["number"] == 1].set_index("survivor"),
            matched=matched,
            twice=twice,
            disclosed=disclosed,
            cases=np.union1d(twice, disclosed),
            events=events,
            people=people,
        )


@dataclass(frozen=True)
class Statistic:
    """One observed statistic: what a case database would report.

    Declared once, as EMA Workbench's ``ScalarOutcome`` declares an outcome; calibration
    targets name statistics by :attr:`key`.

    ``compute`` returns the value and the number of people it is computed over; the value is
    NaN when nobody qualifies (e.g. no twice-assisted person in a small run).
    """

    target: str
    name: str
    unit: str
    definition: str
    reads: tuple[str, ...]
    compute: Callable[[Database], tuple[float, int]]

    @property
    def key(self) -> str:
        """``"T1 mean months first to second assistance"``, as calibration targets name it."""
        return f"{self.target} {self.name}"


def _interval(db: Database) -> tuple[float, int]:
    interval = db.matched["month"] - db.first.loc[db.twice, "month"]
    return _mean(interval), len(db.twice)


def _age(db: Database) -> np.ndarray:
    rows = db.people.loc[db.cases]
    month = db.first.loc[db.cases, "month"].to_numpy()
    elapsed = np.maximum(month - rows["entry_month"].to_numpy(), 0)
    return rows["age_at_entry"].to_numpy() + elapsed / 12.0


def _over_cases(fn: Callable[[Database], np.ndarray]) -> Callable[[Database], tuple[float, int]]:
    return lambda db: (_mean(fn(db)), len(db.cases))


def _over_twice(fn: Callable[[Database], np.ndarray]) -> Callable[[Database], tuple[float, int]]:
    return lambda db: (_mean(fn(db)), len(db.twice))


def _worse_off(db: Database) -> tuple[float, int]:
    after = db.people.loc[db.twice, "econ_at_retraffic"].to_numpy()
    before = db.people.loc[db.twice, "econ_before"].to_numpy()
    known = after >= 0
    return _mean(after[known] <= before[known]), int(known.sum())


def _first_cause(db: Database, who: np.ndarray) -> np.ndarray:
    return db.first.loc[who, "cause"].to_numpy()


def _in_origin(db: Database) -> np.ndarray:
    # Assisted in the country of origin: after an internal episode, or referred on return.
    first = db.first.loc[db.twice]
    return (first["international"].to_numpy() != 1) | (
        first["cause"].to_numpy() == Cause.REFERRED_ON_RETURN.name
    )


def _package_share(bit: int) -> Callable[[Database], tuple[float, int]]:
    return _over_twice(lambda db: (db.first.loc[db.twice, "package"].to_numpy() & bit) > 0)


def _case_share(events: tuple[str, ...]) -> Callable[[Database], tuple[float, int]]:
    def share(db: Database) -> tuple[float, int]:
        mine = db.events[db.events["survivor"].isin(db.cases)]
        who = mine.loc[mine["event"].isin(list(events)), "survivor"].nunique()
        return _ratio(who, len(db.cases)), len(db.cases)

    return share


_ASSIST = ("ASSISTANCE_STARTED",)
_DECLINED = ("ASSISTANCE_DECLINED", "MONITORING_DECLINED")
_LEFT = ("ASSISTANCE_LEFT", "SUPPORT_LEFT")

#: The observed statistics, in the order reported. Calibration targets name one each.
STATISTICS: tuple[Statistic, ...] = (
    Statistic(
        "T1",
        "mean months first to second assistance",
        "months",
        "Mean months from first assistance to the first matched later one, twice-assisted.",
        _ASSIST,
        _interval,
    ),
    Statistic(
        "T2",
        "recorded re-trafficking cases per assisted",
        "cases per assisted person",
        "Twice-assisted plus recorded disclosures, over everyone assisted at least once.",
        _ASSIST,
        lambda db: (_ratio(len(db.cases), len(db.first)), len(db.first)),
    ),
    Statistic(
        "T2",
        "recorded re-trafficking cases",
        "people",
        "Twice-assisted plus recorded disclosures.",
        _ASSIST,
        lambda db: (len(db.cases), len(db.first)),
    ),
    Statistic(
        "T2",
        "twice-assisted cases",
        "people",
        "People with a later assistance matched to their first record.",
        _ASSIST,
        lambda db: (len(db.twice), len(db.first)),
    ),
    Statistic(
        "T2",
        "disclosed cases",
        "people",
        "Recorded disclosures of an unassisted earlier episode, not twice-assisted.",
        _ASSIST,
        lambda db: (len(np.setdiff1d(db.disclosed, db.twice)), len(db.first)),
    ),
    Statistic(
        "T3",
        "mean age at first assistance",
        "years",
        "Mean age at first assistance, recorded cases.",
        _ASSIST,
        _over_cases(_age),
    ),
    Statistic(
        "T3",
        "share aged 25 or under",
        "share",
        "Share aged 25 or under at first assistance, recorded cases.",
        _ASSIST,
        _over_cases(lambda db: _age(db) <= 25),
    ),
    Statistic(
        "T3",
        "share over 30",
        "share",
        "Share over 30 at first assistance, recorded cases.",
        _ASSIST,
        _over_cases(lambda db: _age(db) > 30),
    ),
    Statistic(
        "T4",
        "share female",
        "share",
        "Share female, recorded cases.",
        _ASSIST,
        _over_cases(lambda db: db.people.loc[db.cases, "female"].to_numpy()),
    ),
    Statistic(
        "T5",
        "international share, first assisted episode",
        "share",
        "Share of twice-assisted whose first assisted episode crossed a border.",
        _ASSIST,
        _over_twice(lambda db: db.first.loc[db.twice, "international"].to_numpy() == 1),
    ),
    Statistic(
        "T5",
        "international share, second assisted episode",
        "share",
        "Share of twice-assisted whose second assisted episode crossed a border.",
        _ASSIST,
        _over_twice(lambda db: db.matched["international"].to_numpy() == 1),
    ),
    Statistic(
        "T6",
        "share similar or worse off after return",
        "share",
        "Share of twice-assisted no better off before re-trafficking than before the first "
        "episode (where known).",
        ("RETRAFFICKED",),
        _worse_off,
    ),
    Statistic(
        "T7",
        "share referred by law enforcement, twice-assisted",
        "share",
        "Share of twice-assisted whose first assistance followed a law-enforcement referral.",
        _ASSIST,
        _over_twice(lambda db: _first_cause(db, db.twice) == "LAW_ENFORCEMENT"),
    ),
    Statistic(
        "T7",
        "share referred by law enforcement, all assisted",
        "share",
        "Share of all first assistances referred by law enforcement.",
        _ASSIST,
        lambda db: (_mean(db.first["cause"].to_numpy() == "LAW_ENFORCEMENT"), len(db.first)),
    ),
    Statistic(
        "T8",
        "share with assisted voluntary return",
        "share",
        "Share of twice-assisted whose first return was assisted.",
        ("RETURN_STARTED",),
        _over_twice(lambda db: db.people.loc[db.twice, "first_route"].to_numpy() == Route.ASSISTED),
    ),
    Statistic(
        "T8",
        "share first assisted in the country of origin",
        "share",
        "Share of twice-assisted first assisted at home (internal episode, or referred on return).",
        _ASSIST,
        _over_twice(_in_origin),
    ),
    *(
        Statistic(
            "T8",
            f"share with {name}",
            "share",
            f"Share of twice-assisted whose first package included {name.replace('_', ' or ')}.",
            _ASSIST,
            _package_share(bit),
        )
        for name, bit in PACKAGE_PARTS.items()
    ),
    Statistic(
        "T9",
        "residency after first episode",
        "people",
        "Recorded cases granted residency after their first episode.",
        ("RESIDENCY_GRANTED",),
        lambda db: (
            int((db.people.loc[db.cases, "first_route"].to_numpy() == Route.RESIDENCY).sum()),
            len(db.cases),
        ),
    ),
    Statistic(
        "T10",
        "share declined assistance or monitoring",
        "share",
        "Share of recorded cases who ever declined assistance or monitoring.",
        _DECLINED,
        _case_share(_DECLINED),
    ),
    Statistic(
        "T10",
        "share cut contact during assistance",
        "share",
        "Share of recorded cases who ever left assistance or support early.",
        _LEFT,
        _case_share(_LEFT),
    ),
)

#: Each statistic by its key.
BY_KEY: dict[str, Statistic] = {s.key: s for s in STATISTICS}


def statistics(recs: pd.DataFrame, events: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Every declared statistic from database records, the event log and the people table.

    Args:
        recs: Output of :func:`records`.
        events: The event log the records came from.
        people: The people table (``age_at_entry``, ``entry_month``, ``female``,
            ``econ_before``, ``econ_at_retraffic``, ``first_route``).

    Returns:
        Columns ``target``, ``statistic``, ``value``, ``n`` and ``unit``.
    """
    db = Database.of(recs, events, people)
    rows = []
    for stat in STATISTICS:
        value, n = stat.compute(db)
        rows.append((stat.target, stat.name, float(value), int(n), stat.unit))
    return pd.DataFrame(rows, columns=["target", "statistic", "value", "n", "unit"])


def _mean(values: object) -> float:
    arr = np.asarray(values, dtype=float)
    return float(arr.mean()) if arr.size else float("nan")


def _ratio(num: int, den: int) -> float:
    return num / den if den else float("nan")


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
