"""compare() from a plain script (issue 13): it explains itself, and the guarded form works."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Enough work that a pool is worth starting (sim.executors.WORTH_STARTING_SECONDS).
CALL = """compare(
    ["baseline", "residency"], replicates=10, survivors=14000, months=120, workers=2,
    output={out!r}, posterior=None,
)"""


def _run(tmp_path, body):
    script = tmp_path / "script.py"
    script.write_text("from experiments.compare import compare\n\n" + body, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(script)],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_a_script_without_a_main_guard_is_told_what_to_add(tmp_path):
    done = _run(tmp_path, f"table = {CALL.format(out=str(tmp_path / 'out'))}\nprint('done')\n")
    assert done.returncode == 1
    guard = 'put those calls under `if __name__ == "__main__":`'
    # the worker that re-ran the script says it in one line, and so does the caller
    assert done.stderr.count(guard) == 2, done.stderr
    assert done.stderr.splitlines()[-1].startswith("RuntimeError: worker processes re-run")
    assert "done" not in done.stdout


@pytest.mark.slow
def test_the_guarded_script_of_the_readme_runs(tmp_path):
    call = textwrap.indent(f"table = {CALL.format(out=str(tmp_path / 'out'))}", "    ")
    body = f'if __name__ == "__main__":\n{call}\n    print("done", len(table))\n'
    done = _run(tmp_path, body)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("done")
