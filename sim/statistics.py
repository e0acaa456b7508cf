"""The observed statistics: what a case database would report, each declared once.

Every statistic is a :class:`Statistic` (name, unit, definition, the events it reads), as
EMA Workbench's ``ScalarOutcome`` declares an outcome; calibration targets (T1-T10 of
EVIDENCE.md) name statistics by :attr:`Statistic.key`, and a target naming no declared
statistic fails when the targets file loads. The records they read come from
:mod:`sim.observation`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

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


@dataclass(frozen=True)
class Database:
    """What a run's case database holds, prepared once for every statistic.

    ``first``: each assisted person's first record (indexed by survivor); ``matched``: their
    first matched later record; ``twice``: the twice-assisted; ``cases``: the twice-assisted
    and the recorded disclosures; ``case_age``: each case's age at first assistance;
    ``events`` and ``people``: the run's tables.
    """

    first: pd.DataFrame
    matched: pd.DataFrame
    twice: np.ndarray
    disclosed: np.ndarray
    cases: np.ndarray
    case_age: np.ndarray
    events: pd.DataFrame
    people: pd.DataFrame

    @classmethod
    def of(cls, recs: pd.DataFrame, events: pd.DataFrame, people: pd.DataFrame) -> Database:
        """Build from :func:`records`, the event log and the people table."""
        matched = recs[recs["matched"]].drop_duplicates("survivor").set_index("survivor")
        twice = matched.index.to_numpy()
        disclosed = recs.loc[recs["disclosed"], "survivor"].unique()
        first = recs[recs["number"] == 1].set_index("survivor")
        cases = np.union1d(twice, disclosed)
        rows = people.loc[cases]
        elapsed = np.maximum(first.loc[cases, "month"].to_numpy() - rows["entry_month"], 0)
        return cls(
            first=first,
            matched=matched,
            twice=twice,
            disclosed=disclosed,
            cases=cases,
            case_age=rows["age_at_entry"].to_numpy() + elapsed.to_numpy() / 12.0,
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
        _over_cases(lambda db: db.case_age),
    ),
    Statistic(
        "T3",
        "share aged 25 or under",
        "share",
        "Share aged 25 or under at first assistance, recorded cases.",
        _ASSIST,
        _over_cases(lambda db: db.case_age <= 25),
    ),
    Statistic(
        "T3",
        "share over 30",
        "share",
        "Share over 30 at first assistance, recorded cases.",
        _ASSIST,
        _over_cases(lambda db: db.case_age > 30),
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


def by_key(table: pd.DataFrame) -> dict[str, float]:
    """A statistics table (:func:`statistics`) as ``{Statistic.key: value}``."""
    return dict(zip(table["target"] + " " + table["statistic"], table["value"], strict=True))


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
