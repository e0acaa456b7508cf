"""The results store verifies and heals: damaged, emptied or mismatched runs are redone.

Also: one writer at a time, cleanup of only dead writers' temporary folders, and a real
comparison killed by SIGTERM or SIGKILL leaves no process behind and resumes.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments.compare import comparison, run_scenarios
from experiments.store import RECORD, ResultsStore, StoreDamaged
from experiments.tasks import TABLES

ROOT = Path(__file__).resolve().parents[2]
SMALL = {"replicates": 3, "survivors": 300, "months": 24, "posterior": None, "workers": 1}
PAIR = ["baseline", "residency"]


def made(tmp_path, **options):
    notices = []
    _, store, ran, reused = run_scenarios(
        PAIR, output=tmp_path, on_notice=notices.append, **{**SMALL, **options}
    )
    return store, ran, reused, notices


def test_every_run_records_its_settings_and_the_checksums_of_its_tables(tmp_path):
    store, ran, _, _ = made(tmp_path)
    assert ran == 6
    record = json.loads((store.run_dir("baseline", 0) / RECORD).read_text(encoding="utf-8"))
    assert set(record["tables"]) == set(TABLES)
    assert len(record["settings"]) == 32
    settings = {
        json.loads((d / RECORD).read_text())["settings"] for d in store.root.glob("runs/*/r*")
    }
    assert len(settings) == 6  # every run is its own (scenario, replicate, seed, parameters)


def test_a_truncated_table_is_redone_with_a_notice(tmp_path):
    store, *_ = made(tmp_path)
    before = store.load("headline")
    path = store.run_dir("residency", 1) / "headline.arrow"
    path.write_bytes(path.read_bytes()[:40])
    store, ran, reused, notices = made(tmp_path)
    assert (ran, reused) == (1, 5)
    assert notices == [
        "run 1 of residency is not reusable (headline.arrow is missing or does not match "
        "its checksum); redoing it."
    ]
    pd.testing.assert_frame_equal(store.load("headline"), before)  # bit for bit the same run


def test_an_emptied_run_folder_is_not_a_finished_run(tmp_path):
    store, *_ = made(tmp_path)
    for path in store.run_dir("baseline", 2).iterdir():
        path.unlink()
    _, ran, reused, notices = made(tmp_path)
    assert (ran, reused) == (1, 5)
    assert "run 2 of baseline" in notices[0]


def test_without_the_manifest_runs_made_otherwise_are_redone_not_reused(tmp_path):
    store, *_ = made(tmp_path)
    store.manifest_path.unlink()
    store, ran, reused, notices = made(tmp_path, survivors=301)
    assert (ran, reused) == (6, 0)
    assert all("made with other settings" in n for n in notices) and len(notices) == 6
    assert set(store.load("headline")["survivors"]) == {301}
    assert (
        json.loads(store.manifest_path.read_text())["settings"]["scenarios"]["baseline"][
            "cohort.n_survivors"
        ]
        == 301
    )


def test_reading_a_damaged_table_names_the_run_and_the_remedy(tmp_path):
    store, *_ = made(tmp_path)
    path = store.run_dir("baseline", 0) / "curve.arrow"
    path.write_bytes(path.read_bytes()[:30])
    with pytest.raises(StoreDamaged, match=r"r0000: curve.arrow is missing or damaged.*again"):
        store.load("curve")
    assert len(store.load("headline")) == 6  # the other tables are intact


def test_cleanup_removes_only_temporary_folders_of_dead_writers_on_this_machine(tmp_path):
    from experiments.store import _HOST

    store = ResultsStore(tmp_path)
    parent = tmp_path / "runs" / "baseline"
    parent.mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    folders = {
        "dead": parent / f".r0000.tmp-{_HOST}-{dead.pid}-abc",
        "alive": parent / f".r0001.tmp-{_HOST}-{os.getpid()}-abc",
        "elsewhere": parent / f".r0002.tmp-otherhost-{dead.pid}-abc",
        "not ours": parent / ".r0003-notes",
    }
    for folder in folders.values():
        folder.mkdir()
    assert store.clean_partial() == 1
    assert not folders["dead"].exists()
    assert all(folders[k].exists() for k in ("alive", "elsewhere", "not ours"))


def test_a_second_writer_waits_for_the_lock(tmp_path):
    store = ResultsStore(tmp_path)
    waited = []
    with store.lock():
        child = subprocess.run(
            [
                sys.executable,
                "-c",
                "from filelock import FileLock, Timeout\n"
                f"lock = FileLock({str(tmp_path / '.lock')!r})\n"
                "try:\n    lock.acquire(timeout=0.2)\nexcept Timeout:\n    print('held')\n",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    assert child.stdout.strip() == "held"
    with store.lock(on_wait=waited.append):
        pass
    assert waited == []


COMPARE = [
    sys.executable,
    "-m",
    "experiments.cli",
    "compare",
    "baseline",
    "residency",
    "--replicates",
    "6",
    "--survivors",
    "20000",
    "--months",
    "60",
    "--workers",
    "2",
    "--posterior",
    "none",
    "--output",
]


def _session(pid):
    out = subprocess.run(["ps", "-o", "pid=", "-s", str(pid)], capture_output=True, text=True)
    return [line for line in out.stdout.split() if line.strip()]


@pytest.mark.slow
def test_two_identical_comparisons_at_once_both_succeed(tmp_path):
    out = tmp_path / "out"
    runs = [
        subprocess.Popen(
            [*COMPARE[:7], "3", *COMPARE[8:], str(out)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=600) for p in runs]
    assert [p.returncode for p in runs] == [0, 0], results
    assert results[0][0].split("\n")[:8] == results[1][0].split("\n")[:8]  # the same table


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_killing_a_comparison_leaves_no_process_and_the_rerun_heals(tmp_path, sig):
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [*COMPARE, str(out)],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    store = ResultsStore(out)
    deadline = time.time() + 120
    while len(store.finished()) < 3 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.1)
    assert proc.poll() is None, "the comparison ended before it could be killed"
    assert len(_session(proc.pid)) >= 3  # this process, the fork server and a worker at least
    os.kill(proc.pid, sig)
    _, err = proc.communicate(timeout=60)
    if sig == signal.SIGTERM:
        assert proc.returncode == 143
        assert "terminated: finished runs are saved" in err
        assert "Traceback" not in err
    deadline = time.time() + 20
    while _session(proc.pid) and time.time() < deadline:
        time.sleep(0.2)
    assert _session(proc.pid) == [], "processes outlived the killed comparison"

    kept = store.finished()
    assert 3 <= len(kept) < 12
    damaged = store.run_dir(*kept[0]) / "subgroups.arrow"
    damaged.write_bytes(b"")
    again = comparison(
        ["baseline", "residency"],
        replicates=6,
        survivors=20000,
        months=60,
        workers=2,
        posterior=None,
        output=out,
        on_notice=lambda message: None,
    )
    assert again.reused == len(kept) - 1
    assert again.ran == 12 - again.reused
