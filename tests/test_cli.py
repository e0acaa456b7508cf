"""The retraffic command line: summaries, parameter listing, and clear errors on bad input."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from experiments.cli import app
from sim.parameters import names

ROOT = Path(__file__).resolve().parents[1]

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, list(args))


def test_run_prints_true_and_observed_summary(tmp_path):
    out = tmp_path / "events.parquet"
    result = invoke(
        "run", "--survivors", "500", "--months", "36", "--seed", "2", "--events", str(out)
    )
    assert result.exit_code == 0, result.output
    assert "12 months of exit" in result.output
    assert "first to second assistance" in result.output
    events = pd.read_parquet(out)
    assert {"month", "survivor", "event", "cause"} <= set(events.columns)


def test_params_lists_every_parameter():
    result = invoke("params", "--format", "csv")
    assert result.exit_code == 0
    listed = [line.split(",")[0] for line in result.output.splitlines()[1:]]
    assert listed == list(names())


def test_params_table_shows_sources():
    result = invoke("params", "--uncertain")
    assert result.exit_code == 0
    assert "IOM-2010" in result.output


def test_bad_params_format_exits_2():
    result = invoke("params", "--format", "xml")
    assert result.exit_code == 2
    assert "--format must be one of" in result.output


def test_params_toml_is_a_valid_parameter_file(tmp_path):
    from sim import Params

    result = invoke("params", "--format", "toml")
    assert Params.from_toml(result.output) == Params()


def test_out_of_range_flag_exits_2_with_one_sentence():
    result = invoke("run", "--months", "0")
    assert result.exit_code == 2
    assert "run.horizon_months must be a whole number from 1 to 600 (got 0)." in result.output
    assert "Traceback" not in result.output


def test_unknown_setting_exits_2():
    result = invoke("run", "--set", "policy.monitorin=3")
    assert result.exit_code == 2
    assert "policy.monitorin is not a parameter" in result.output


def test_malformed_setting_exits_2():
    result = invoke("run", "--set", "monitoring")
    assert result.exit_code == 2
    assert "--set takes NAME=VALUE" in result.output


def test_missing_params_file_exits_2(tmp_path):
    result = invoke("run", "--params", str(tmp_path / "nope.toml"))
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_bad_value_in_params_file_exits_2(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text("[policy]\nmonitoring_months = 999\n")
    result = invoke("run", "--params", str(path))
    assert result.exit_code == 2
    assert (
        "policy.monitoring_months must be a whole number from 0 to 240 (got 999)." in result.output
    )


def test_compare_prints_tables_and_reuses_results(tmp_path):
    args = [
        "compare",
        "baseline",
        "longer_monitoring",
        "--replicates",
        "2",
        "--survivors",
        "300",
        "--months",
        "24",
        "--workers",
        "1",
        "--output",
        str(tmp_path),
    ]
    first = invoke(*args)
    assert first.exit_code == 0, first.output
    assert "Who benefits" in first.output and "(4 runs made, 0 reused)" in first.output
    again = invoke(*args)
    assert "(0 runs made, 4 reused)" in again.output
    # few replicates are said to be few; the tables for analysts are named
    assert "notice: only 2 replicates per scenario" in first.output
    assert "summary.csv" in first.output and (tmp_path / "comparison.xlsx").is_file()
    # another reference reuses every run and compares against it
    other = invoke(*args, "--reference", "longer_monitoring")
    assert other.exit_code == 0, other.output
    assert "(0 runs made, 4 reused)" in other.output
    assert "Effect against longer_monitoring" in other.output
    effects = pd.read_csv(tmp_path / "effects.csv")
    assert set(effects["scenario"]) == {"baseline"}
    assert set(effects["reference"]) == {"longer_monitoring"}


def test_a_reference_that_is_not_compared_is_bad_input(tmp_path):
    result = invoke("compare", "baseline", "residency", "--reference", "safe_migration")
    assert result.exit_code == 2
    assert "--reference: 'safe_migration' is not one of the scenarios compared" in result.output
    assert "Traceback" not in result.output


def test_compare_needs_two_scenarios():
    result = invoke("compare", "baseline")
    assert result.exit_code == 2
    assert "at least two scenarios" in result.output


def test_compare_unreachable_scheduler_exits_2(tmp_path):
    result = invoke(
        "compare",
        "baseline",
        "residency",
        "--replicates",
        "1",
        "--survivors",
        "50",
        "--months",
        "6",
        "--scheduler",
        "tcp://127.0.0.1:9",
        "--output",
        str(tmp_path),
    )
    assert result.exit_code == 2
    assert "Dask scheduler" in result.output


@pytest.mark.parametrize(
    "argv", [["--help"], ["scenarios", "list"], ["scenarios", "show", "residency"], ["params"]]
)
def test_help_and_listings_load_no_model_pandas_scipy_or_dask(argv):
    # The command line answers these at once: they must not import the heavy libraries.
    code = (
        "import sys\n"
        "from experiments.cli import app\n"
        "try:\n"
        f"    app({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('pandas', 'scipy', 'mesa', 'numba', 'dask', 'distributed', 'sim.model',"
        " 'pyabc')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = _python(code, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def _python(code, **options):
    """``code`` run by a fresh interpreter in the checkout; its output as text."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, **options
    )


def _foreground():
    """In the child: Ctrl-C as a terminal's foreground job gets it (a shell running the tests
    in the background hands its children SIGINT ignored, and an ignored signal stays ignored)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(argv, cwd=ROOT):
    """The command line in a process group of its own, as a terminal's foreground job."""
    import os

    code = "import sys; from experiments.entry import main; sys.argv[0] = 'retraffic'; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, *argv],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=_foreground,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _interrupt(proc):
    """Ctrl-C, which reaches every process of the group; the output and the exit code."""
    import os
    import signal

    os.killpg(proc.pid, signal.SIGINT)
    output, _ = proc.communicate(timeout=60)
    return output, proc.returncode


def _left_running(proc, seconds=10):
    """The processes of ``proc``'s group still running after up to ``seconds``."""
    import time

    def left():
        group = ["ps", "-o", "pid=", "-g", str(proc.pid)]
        return subprocess.run(group, capture_output=True, text=True).stdout.split()

    deadline = time.time() + seconds
    while left() and time.time() < deadline:
        time.sleep(0.2)
    return left()


@pytest.mark.slow
def test_ctrl_c_keeps_finished_runs_and_stops_every_worker_without_a_traceback(tmp_path):
    import time

    out = tmp_path / "res"
    argv = ["compare", "baseline", "residency", "--replicates", "8", "--survivors", "40000"]
    proc = _start([*argv, "--workers", "2", "--posterior", "none", "--output", str(out)])
    deadline = time.time() + 120
    while not list(out.glob("runs/*/r*")) and time.time() < deadline and proc.poll() is None:
        time.sleep(0.1)
    output, code = _interrupt(proc)
    assert code == 130, output
    assert "interrupted: finished runs are saved" in output
    assert "Traceback" not in output
    assert list(out.glob("runs/*/r*"))
    assert not (left := _left_running(proc)), f"processes left running: {left}"


EXPERIMENT = ["experiment", "run", "policy-comparison", "--replicates", "2", "--survivors", "300"]
EXPERIMENT += ["--months", "24", "--workers", "2"]


@pytest.fixture(scope="module")
def experiment_seconds(tmp_path_factory):
    """How long :data:`EXPERIMENT` takes here uninterrupted: its phases scale with it."""
    import time

    start = time.perf_counter()
    proc = _start([*EXPERIMENT, "--results", str(tmp_path_factory.mktemp("whole"))])
    output, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, output
    return time.perf_counter() - start


@pytest.mark.slow
@pytest.mark.parametrize("share", [0.05, 0.2, 0.45, 0.8])
def test_ctrl_c_at_any_moment_prints_one_line(tmp_path, experiment_seconds, share):
    """Issue 13: while importing, starting workers, running, drawing or writing tables.

    Each Ctrl-C comes at a share of the command's whole time on this machine, so a faster
    model or machine still interrupts it in every phase.
    """
    import time

    proc = _start([*EXPERIMENT, "--results", str(tmp_path)])
    delay = share * experiment_seconds
    time.sleep(delay)
    if proc.poll() is not None:
        pytest.skip(f"the command finished within {delay:.1f} s this time")
    output, code = _interrupt(proc)
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output
    if code == 0:  # Ctrl-C came after the last line, while the process was only exiting
        assert "runs made" in output and "interrupted" not in output, output
        return
    assert code == 130, output
    assert len([line for line in output.splitlines() if "interrupted" in line]) == 1, output


def test_a_ctrl_c_python_swallows_in_a_callback_is_delivered_again():
    """CI: a Ctrl-C that landed in a weak reference's callback printed 'Exception ignored ...
    KeyboardInterrupt' and the command carried on to the end (exit 0)."""
    code = (
        "import sys, time, weakref\n"
        "from experiments.entry import redeliver_interrupts\n"
        "sys.unraisablehook = redeliver_interrupts(sys.unraisablehook)\n"
        "class Thing: pass\n"
        "def callback(ref): raise KeyboardInterrupt\n"
        "thing = Thing(); ref = weakref.ref(thing, callback)\n"
        "try:\n"
        "    del thing\n"
        "    for _ in range(200): time.sleep(0.01)\n"
        "    print('carried on')\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted')\n"
    )
    out = _python(code, timeout=60, preexec_fn=_foreground)
    assert out.stdout.strip() == "interrupted", out.stdout + out.stderr
    assert "Exception ignored" not in out.stderr, out.stderr


def test_once_a_command_has_finished_ctrl_c_is_ignored_while_the_process_exits():
    """After the last line Ctrl-C has nothing to interrupt (it would interrupt the clean-up)."""
    code = (
        "import signal, sys\n"
        "from experiments.entry import main\n"
        "sys.argv = ['retraffic', 'scenarios', 'list']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    hooked = sys.unraisablehook is not sys.__unraisablehook__\n"
        "    print(done.code, signal.getsignal(signal.SIGINT) is signal.SIG_IGN, hooked)\n"
    )
    out = _python(code, check=True)
    assert out.stdout.strip().splitlines()[-1] == "0 True True", out.stdout + out.stderr


@pytest.mark.slow
def test_ctrl_c_during_a_fit_says_how_to_continue_without_a_traceback(tmp_path):
    import time

    argv = ["calibrate", "--quick", "--name", "interrupted", "--survivors", "300", "--workers", "2"]
    proc = _start(argv, cwd=tmp_path)
    history = tmp_path / "results" / "calibration" / "interrupted" / "history.db"
    deadline = time.time() + 120
    while not history.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
    time.sleep(3)  # the workers are simulating
    output, code = _interrupt(proc)
    assert code == 130, output
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output
    assert "interrupted: finished generations are saved" in output
    assert "--resume" in output
    assert not (left := _left_running(proc)), f"fit workers left running: {left}"


def _options(command, path=()):
    import click

    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _options(sub, (*path, name))
        return
    for param in command.params:
        if isinstance(param, click.Option) and param.name != "help":
            yield " ".join(path), param


def test_every_option_shows_its_default_in_help():
    """Issue 13: a default said in words ("all cores") or the value itself, never hidden."""
    import typer

    missing = []
    for where, option in _options(typer.main.get_command(app)):
        shown = option.show_default
        said = isinstance(shown, str) and shown.strip()
        valued = option.default is not None and shown is not False
        if not (said or valued or (option.is_flag and option.default is not None)):
            missing.append(f"{where} {option.opts[0]}")
    assert not missing, missing


def test_a_default_in_words_is_printed_not_eaten_as_markup():
    result = CliRunner().invoke(
        app, ["compare", "--help"], env={"COLUMNS": "200"}, terminal_width=200
    )
    assert result.exit_code == 0
    assert "[default: (cohort.n_survivors)]" in result.output
    assert "[default: (all cores)]" in result.output
    assert "[default: 20]" in result.output


def test_scenarios_list_counts_the_levers_show_lists():
    import re

    from scenarios.loader import available, load

    known = set(names())
    listing = CliRunner().invoke(app, ["scenarios", "list"])
    text = " ".join(listing.output.split())
    for name in available():
        count = len(load(name).overrides)
        assert re.search(rf"{name} .*? {count} ", text), (name, count)
        shown = CliRunner().invoke(app, ["scenarios", "show", name])
        listed = set(re.findall(r"[a-z_]+\.[a-z_0-9]+", shown.output)) & known
        assert listed == set(load(name).overrides), name


def test_compare_tables_at_80_columns_cut_no_name_or_header(tmp_path):
    """Issue 13: tables wrap or stack at 80 columns, never 'safe_migrati…'."""
    scenarios = ["baseline", "identification_not_deportation", "safe_migration"]
    argv = ["compare", *scenarios, "--replicates", "2", "--survivors", "200", "--months", "24"]
    argv += ["--workers", "1", "--posterior", "none", "--output", str(tmp_path / "c")]
    out = runner.invoke(app, argv, env={"COLUMNS": "80"}, terminal_width=80)
    assert out.exit_code == 0, out.output
    assert "\u2026" not in out.output, out.output
    assert max(len(line) for line in out.output.splitlines() if line.startswith(("┃", "│"))) <= 80
    for name in scenarios:
        assert name in out.output
    assert "service-months" in out.output
    # a target's code comes with the reported value in words, not "T2: 0.56"
    assert "0.56%," in out.output and "T2)" in out.output and "T2:" not in out.output
