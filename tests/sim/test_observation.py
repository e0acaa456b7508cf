"""The observation layer on hand-built event logs."""

import numpy as np
import pandas as pd
import pytest

import sim
from sim.events import frame
from sim.observation import observed_statistics, records
from sim.parameters import ObservationParams
from sim.states import Cause, Econ, Event, Package, Route
from sim.statistics import statistics

ALWAYS = ObservationParams(reassistance_recorded=1.0, disclosure=1.0, disclosure_recorded=1.0)
NEVER = ObservationParams(reassistance_recorded=0.0, disclosure=0.0, disclosure_recorded=0.0)


def log(rows):
    """rows: (month, survivor, event, cause, episode, international, package)."""
    cols = list(zip(*rows, strict=True))
    return frame(
        {
            "month": cols[0],
            "survivor": cols[1],
            "event": cols[2],
            "cause": cols[3],
            "episode": cols[4],
            "international": cols[5],
            "trafficker": [-1] * len(rows),
            "package": cols[6],
        }
    )


A = Event.ASSISTANCE_STARTED
# survivor 0: assisted month 2 (episode 1), re-trafficked, assisted again month 26 (episode 2)
# survivor 1: assisted once, never re-trafficked
# survivor 2: handed back at exit (episode 2), first assisted month 10 -> prior unassisted
# survivor 3: declined assistance, later assisted at month 30 in episode 1
EVENTS = log(
    [
        (2, 0, A, Cause.LAW_ENFORCEMENT, 1, 1, Package.SHELTER | Package.MEDICAL),
        (3, 1, A, Cause.NGO, 1, 1, Package.FINANCIAL),
        (4, 3, Event.ASSISTANCE_DECLINED, Cause.DISTRUST, 1, -1, 0),
        (8, 0, Event.RETRAFFICKED, Cause.INTERNAL_RECRUITMENT, 2, 0, 0),
        (10, 2, A, Cause.LAW_ENFORCEMENT, 2, 1, 0),
        (26, 0, A, Cause.NGO, 2, 0, 0),
        (30, 3, A, Cause.NGO, 1, 1, 0),
    ]
)
PEOPLE = pd.DataFrame(
    {
        "age_at_entry": [17.0, 30.0, 24.0, 40.0],
        "entry_month": [0, 0, 0, 0],
        "female": [True, False, True, True],
        "econ_before": [Econ.GETTING_BY, Econ.POOR, Econ.POOR, Econ.SECURE],
        "econ_at_retraffic": [Econ.POOR, -1, Econ.POOR, -1],
        "first_route": [Route.ASSISTED, Route.ASSISTED, -1, Route.DEPORTED],
    }
).rename_axis("survivor")


def stat(table, target, name):
    row = table[(table["target"] == target) & (table["statistic"] == name)]
    assert len(row) == 1, (target, name)
    return float(row["value"].iloc[0])


def test_records_mark_matched_reassistance_and_disclosure():
    recs = records(EVENTS, ALWAYS, np.random.default_rng(0))
    assert recs["number"].tolist() == [1, 2, 1, 1, 1]
    assert recs.loc[recs["matched"], "survivor"].tolist() == [0]
    assert recs.loc[recs["disclosed"], "survivor"].tolist() == [2]


def test_nothing_is_recorded_when_recording_never_happens():
    recs = records(EVENTS, NEVER, np.random.default_rng(0))
    assert not recs["matched"].any() and not recs["disclosed"].any()


def test_statistics_on_hand_built_log():
    table = statistics(records(EVENTS, ALWAYS, np.random.default_rng(0)), EVENTS, PEOPLE)
    assert stat(table, "T1", "mean months first to second assistance") == 24.0
    assert stat(table, "T2", "recorded re-trafficking cases") == 2
    assert stat(table, "T2", "recorded re-trafficking cases per assisted") == pytest.approx(2 / 4)
    assert stat(table, "T2", "twice-assisted cases") == 1
    assert stat(table, "T2", "disclosed cases") == 1
    # ages at first assistance: survivor 0 at 17 + 2/12, survivor 2 at 24 + 10/12
    assert stat(table, "T3", "mean age at first assistance") == pytest.approx(
        (17 + 2 / 12 + 24 + 10 / 12) / 2
    )
    assert stat(table, "T3", "share aged 25 or under") == 1.0
    assert stat(table, "T4", "share female") == 1.0
    assert stat(table, "T5", "international share, first assisted episode") == 1.0
    assert stat(table, "T5", "international share, second assisted episode") == 0.0
    assert stat(table, "T6", "share similar or worse off after return") == 1.0
    assert stat(table, "T7", "share referred by law enforcement, twice-assisted") == 1.0
    assert stat(table, "T7", "share referred by law enforcement, all assisted") == 0.5
    assert stat(table, "T8", "share with accommodation") == 1.0
    assert stat(table, "T8", "share with financial") == 0.0
    assert stat(table, "T8", "share with assisted voluntary return") == 1.0
    assert stat(table, "T9", "residency after first episode") == 0
    assert stat(table, "T10", "share declined assistance or monitoring") == 0.0
    assert stat(table, "T10", "share cut contact during assistance") == 0.0


def test_observed_statistics_of_a_run_are_reproducible():
    params = sim.Params().with_overrides({"cohort.n_survivors": 1500})
    a = observed_statistics(sim.run(params, seed=2))
    b = observed_statistics(sim.run(params, seed=2))
    pd.testing.assert_frame_equal(a, b)
    assert set(a["target"]) == {f"T{i}" for i in range(1, 11)}


def test_database_sees_far_less_than_the_truth():
    from sim.observation import observed_incidence
    from sim.outcomes import incidence_at

    result = sim.run(sim.Params().with_overrides({"cohort.n_survivors": 3000}), seed=4)
    assert observed_incidence(result)[60] < 0.2 * incidence_at(result)[60]


def test_every_statistic_is_declared_once_with_unit_definition_and_known_events():
    from sim.states import Event
    from sim.statistics import BY_KEY, STATISTICS

    assert len(BY_KEY) == len(STATISTICS)
    for stat in STATISTICS:
        assert stat.unit and stat.definition.endswith("."), stat.key
        assert set(stat.reads) <= {e.name for e in Event}, stat.key


def test_the_statistics_table_is_the_declared_statistics_in_order():
    from sim.statistics import STATISTICS

    table = observed_statistics(sim.run(sim.Params().with_overrides({"cohort.n_survivors": 800})))
    assert list(table["target"] + " " + table["statistic"]) == [s.key for s in STATISTICS]
    assert list(table["unit"]) == [s.unit for s in STATISTICS]
