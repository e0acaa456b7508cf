"""An installed package records the git revision of the checkout it was built from."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_a_wheel_built_from_a_checkout_records_its_revision(tmp_path):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a checkout")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True, text=True, check=True
    ).stdout.strip()
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), "."],
        cwd=clone,
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("retrafficking_sim-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read("sim/_revision.txt").decode().strip() == head


def test_the_revision_is_read_from_the_recorded_file_outside_a_checkout(tmp_path, monkeypatch):
    from experiments import store

    package = tmp_path / "site" / "experiments"
    package.mkdir(parents=True)
    (tmp_path / "site" / "sim").mkdir()
    (tmp_path / "site" / "sim" / "_revision.txt").write_text("abc123\n", encoding="utf-8")
    monkeypatch.setattr(store, "__file__", str(package / "store.py"))
    assert store.git_revision() == "abc123"
    (tmp_path / "site" / "sim" / "_revision.txt").unlink()
    assert store.git_revision() == "unknown"
