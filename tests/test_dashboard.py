"""The dashboard (issue 14): a port in use is bad input; in a real browser, it runs (slow)."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from experiments.cli import app
from tests.test_cli import _foreground

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_a_port_in_use_is_refused_in_one_sentence():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = CliRunner().invoke(app, ["dashboard", "--port", str(port)])
    assert out.exit_code == 2, out.output
    assert f"--port: port {port} on 127.0.0.1 is in use" in out.output
    assert "Traceback" not in out.output


def test_every_policy_lever_is_a_control_with_the_parameter_models_range_and_source():
    from experiments.dashboard.live import levers
    from sim.parameters import PolicyParams, parameter_table

    rows = {r["name"]: r for r in parameter_table()}
    found = levers()
    assert [lever.name for lever in found] == [f"policy.{n}" for n in PolicyParams.model_fields]
    for lever in found:
        assert lever.source == rows[lever.name]["source"] and lever.source in lever.hover
        assert lever.default == rows[lever.name]["default"]
        if lever.kind != "flag":
            assert lever.lower <= lever.default <= lever.upper


def test_a_live_run_builds_up_month_by_month_as_the_full_run_does():
    import sim
    from experiments.dashboard.live import LiveRun

    live = LiveRun({"policy.monitoring_months": 12}, survivors=300, months=24, seed=3)
    shares = []
    while not live.done:
        live.step()
        shares.append(live.snapshot()["curve"]["share"].iloc[-1])
    assert shares == sorted(shares) and len(shares) == 24  # cumulative: never falls
    whole = sim.run(live.params, seed=3)
    firsts = whole.people["first_retraffic_month"]
    assert shares[-1] == pytest.approx(((firsts >= 0) & (firsts < 24)).mean())
    snap = live.snapshot()
    assert snap["pathways"]["events"].sum() == (whole.events["event"] == "RETRAFFICKED").sum()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """The dashboard, started by its command in ``tmp_path`` beside a small comparison."""
    runner = CliRunner()
    argv = ["compare", "baseline", "residency", "--replicates", "2", "--survivors", "200"]
    argv += ["--months", "24", "--workers", "1", "--posterior", "none"]
    done = runner.invoke(app, [*argv, "--output", str(tmp_path / "results" / "small")])
    assert done.exit_code == 0, done.output
    port = _free_port()
    code = "import sys; from experiments.entry import main; sys.argv[0] = 'retraffic'; main()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "dashboard", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=_foreground,  # Ctrl-C (below) stops it even when the tests run in the background
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.5)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        os.killpg(proc.pid, 2)
        proc.communicate(timeout=30)


@pytest.mark.slow
def test_in_a_browser_the_page_loads_a_lever_moves_the_curve_and_nothing_errs(server):
    """Headless Chromium (Debian's package) driven by Playwright."""
    if CHROMIUM is None:
        pytest.skip("no Chromium here: apt-get install chromium (.ci/run does)")
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    errors = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server)
        status = page.locator("#live-status")
        status.filter(has_text="Month 60 of 60").wait_for(timeout=120_000)
        before, curve = status.inner_text(), page.locator("img").first.get_attribute("src")
        # the safe-migration lever, moved to its far end (every survivor can use it)
        page.locator(".lever-safe_migration_access [role=slider]").first.focus()
        page.keyboard.press("End")
        page.locator(".lever-safe_migration_access").filter(has_text="1 proportion").wait_for()
        page.wait_for_function(
            "t => { const s = document.querySelector('#live-status').textContent;"
            " return s.includes('Month 60 of 60') && s !== t; }",
            arg=before,
            timeout=120_000,
        )
        assert page.locator("img").first.get_attribute("src") != curve
        page.get_by_role("tab", name="Compare").click()
        page.get_by_text("Download decisions.csv").wait_for(timeout=60_000)
        assert page.get_by_text("Decisions: probabilities and cases averted").count() == 1
        browser.close()
    assert not errors, errors
