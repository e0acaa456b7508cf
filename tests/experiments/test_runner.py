"""The runner: identical results on any executor, resumable after a kill, correct pairing."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.compare import comparison, paired, run_scenarios, summarise
from experiments.store import ResultsStore, StoreMismatch
from experiments.tasks import TABLES, replicate_seed

SMALL = {"replicates": 3, "survivors": 300, "months": 24}
ROOT = Path(__file__).resolve().parents[2]


def stored(path):
    store = ResultsStore(path)
    return {t: store.load(t) for t in TABLES}


def test_same_results_with_one_worker_two_workers_and_dask(tmp_path, monkeypatch):
    import dask
    from distributed import LocalCluster

    from sim import executors
    from sim.cluster import DASK_SIMULATION_CONFIG

    scenarios = ["baseline", "residency"]
    run_scenarios(scenarios, workers=1, output=tmp_path / "one", **SMALL)
    # A job this small would run in this process; make the workers start anyway.
    monkeypatch.setattr(executors, "WORTH_STARTING_SECONDS", 0.0)
    run_scenarios(scenarios, workers=2, output=tmp_path / "two", **SMALL)
    with (
        dask.config.set(DASK_SIMULATION_CONFIG),  # as the README says to start them
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
    ):
        run_scenarios(
            scenarios, scheduler=cluster.scheduler_address, output=tmp_path / "dask", **SMALL
        )
    one, two, dask = (stored(tmp_path / d) for d in ("one", "two", "dask"))
    for table in TABLES:
        assert len(one[table]) > 0
        pd.testing.assert_frame_equal(one[table], two[table])
        pd.testing.assert_frame_equal(one[table], dask[table])


def test_replicate_k_shares_its_seed_across_scenarios(tmp_path):
    run_scenarios(["baseline", "anti_collusion"], workers=1, output=tmp_path, **SMALL)
    head = ResultsStore(tmp_path).load("headline")
    seeds = head.pivot(index="replicate", columns="scenario", values="seed")
    assert (seeds["baseline"] == seeds["anti_collusion"]).all()
    assert seeds["baseline"].tolist() == [replicate_seed(1, k) for k in range(3)]


def test_killed_comparison_resumes_without_redoing_or_losing_runs(tmp_path):
    out = tmp_path / "res"
    code = (
        "from experiments.compare import run_scenarios\n"
        f"run_scenarios(['baseline', 'residency'], replicates=40, survivors=400, months=24, "
        f"workers=1, output={str(out)!r})\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    deadline = time.time() + 120
    store = ResultsStore(out)
    while len(store.finished()) < 4 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = store.finished()
    assert 4 <= len(before) < 80, "the kill must land mid-way"
    stamps = {r: os.stat(store.run_dir(*r) / "headline.arrow").st_mtime_ns for r in before}

    _, _, ran, reused = run_scenarios(
        ["baseline", "residency"], replicates=40, survivors=400, months=24, workers=1, output=out
    )
    assert reused == len(before) and ran == 80 - len(before)
    assert len(store.finished()) == 80
    for run, stamp in stamps.items():
        assert os.stat(store.run_dir(*run) / "headline.arrow").st_mtime_ns == stamp
    assert not list(out.glob("runs/*/.r*")), "no half-written run is left behind"


def test_rerun_reuses_every_stored_run(tmp_path):
    first = comparison(["baseline", "safe_migration"], workers=1, output=tmp_path, **SMALL)
    again = comparison(["baseline", "safe_migration"], workers=1, output=tmp_path, **SMALL)
    assert (first.ran, first.reused) == (6, 0)
    assert (again.ran, again.reused) == (0, 6)
    pd.testing.assert_frame_equal(first.summary, again.summary)


def test_store_refuses_runs_with_different_settings(tmp_path):
    run_scenarios(["baseline", "residency"], workers=1, output=tmp_path, **SMALL)
    with pytest.raises(StoreMismatch, match="cohort.n_survivors = 300 there, 301 now"):
        run_scenarios(
            ["baseline", "residency"], workers=1, output=tmp_path, **{**SMALL, "survivors": 301}
        )


def test_paired_differences_on_a_hand_built_table():
    headline = pd.DataFrame(
        {
            "scenario": ["base", "base", "base", "pol", "pol", "pol"],
            "replicate": [0, 1, 2, 0, 1, 2],
            "value": [0.30, 0.20, 0.40, 0.25, 0.18, 0.31],
        }
    )
    diff = paired(headline, "value", "base")
    pol = diff[diff["scenario"] == "pol"].sort_values("replicate")["diff"].to_numpy()
    assert np.allclose(pol, [-0.05, -0.02, -0.09])
    base = diff[diff["scenario"] == "base"]["diff"].to_numpy()
    assert np.allclose(base, 0.0)


def test_summary_on_a_hand_built_table():
    rows = []
    for scenario, inc, events, cost in (
        ("base", [0.3, 0.2], [300, 200], [1000, 1000]),
        ("pol", [0.2, 0.1], [200, 150], [3000, 3000]),
    ):
        for k in range(2):
            rows.append(
                {
                    "scenario": scenario,
                    "replicate": k,
                    "survivors": 1000,
                    "retrafficked_12m": inc[k],
                    "retrafficked_24m": inc[k],
                    "retrafficked_60m": inc[k],
                    "retrafficking_events": events[k],
                    "service_months_total": cost[k],
                    "observed_cases_per_assisted": 0.01,
                    "observed_months_first_to_second": 20.0,
                    "twice_assisted": 3,
                }
            )
    table = summarise(pd.DataFrame(rows), "base", order=["base", "pol"]).set_index(
        ["scenario", "measure"]
    )
    assert table.loc[("pol", "difference_60m"), "estimate"] == pytest.approx(-0.1)
    assert table.loc[("pol", "cases_averted_per_1000"), "estimate"] == pytest.approx(75.0)
    # averted 75 per cohort of 1,000 on average for 2,000 extra service-months
    assert table.loc[("pol", "averted_per_1000_service_months"), "estimate"] == pytest.approx(
        75 / 2000 * 1000
    )
    assert table.loc[("base", "retrafficked_60m"), "estimate"] == pytest.approx(0.25)


def test_each_run_keeps_the_declared_outputs():
    import sim
    from experiments.outputs import MAIN_MONTHS, OBSERVED, RETRAFFICKED
    from experiments.tasks import summarise

    tables = summarise(sim.run(sim.Params().with_overrides({"cohort.n_survivors": 300}), seed=1))
    headline = tables["headline"]
    for out in [*RETRAFFICKED.values(), *OBSERVED]:
        assert out.column in headline, out.column
    assert RETRAFFICKED[MAIN_MONTHS].column in tables["subgroups"]


def test_the_store_reads_every_run_in_one_pass_and_promotes_missing_columns(tmp_path):
    store = ResultsStore(tmp_path)
    for replicate, value in enumerate([None, 2.5, None]):
        frame = pd.DataFrame(
            {"scenario": ["baseline"], "replicate": [replicate], "observed": [value]}
        )
        if value is None:
            frame["observed"] = frame["observed"].astype(object)  # an all-null column
        store.save("baseline", replicate, {"headline": frame})
    loaded = store.load("headline")
    assert loaded["replicate"].tolist() == [0, 1, 2]
    assert loaded["observed"].isna().tolist() == [True, False, True]
    assert loaded["observed"].iloc[1] == 2.5


def test_runs_made_by_other_model_code_are_never_reused(tmp_path, monkeypatch):
    from experiments import runs

    run_scenarios(["baseline", "residency"], workers=1, output=tmp_path, **SMALL)
    assert len(runs.model_fingerprint()) == 16
    monkeypatch.setattr(runs, "model_fingerprint", lambda: "changed-code")
    with pytest.raises(StoreMismatch, match="other model code"):
        run_scenarios(["baseline", "residency"], workers=1, output=tmp_path, **SMALL)


def test_a_worker_stores_a_run_only_where_it_sees_the_callers_folder(tmp_path):
    from experiments.runs import _Plan, _sized
    from experiments.tasks import run_and_save
    from scenarios.loader import load

    plan = _Plan([load("baseline")], _sized(None, 200, 12), None, 1)
    task = plan.task(plan.scenarios[0], 0)
    store = ResultsStore(tmp_path)
    token = store.shared_token()
    assert run_and_save((task, str(tmp_path), token)) is None
    assert store.has("baseline", 0)
    elsewhere = run_and_save((task, str(tmp_path), "a token this folder does not hold"))
    assert set(elsewhere) == set(TABLES)
    store.drop_token(token)
    assert not list(tmp_path.glob(".token-*"))
