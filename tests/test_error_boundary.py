"""The error boundary: every bad input found by the reliability review, as a regression test.

Bad input exits 2 with one sentence and no traceback; an internal error exits 1, says it is
a bug and names a log file holding the traceback. User text is never read as markup.
"""

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import sim
from experiments.cli import app
from sim.inputs import InputError
from sim.parameters import CohortParams, ParameterError, Params

runner = CliRunner()
TINY = ["--survivors", "50", "--months", "6", "--replicates", "2", "--posterior", "none"]


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def rejected(result, *needles):
    """Exit 2, one sentence naming what is wrong, no traceback."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.output.startswith("error: ") or "Usage:" in result.output, result.output
    for needle in needles:
        assert needle in result.output, (needle, result.output)
    return result.output


# --- rich markup in user text -----------------------------------------------------------------
def test_markup_in_a_scenario_name_is_printed_as_text():
    rejected(invoke("scenarios", "show", "[/x]"), "[/x]")


def test_markup_in_a_set_name_is_printed_as_text():
    rejected(invoke("run", "--set", "[/x]=1"), "[/x] is not a parameter")


def test_a_sources_entry_naming_an_unset_parameter_keeps_its_table_name(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        'title = "t"\ndescription = "d"\nsource = "assumption: x"\n[overrides]\n'
        '"policy.monitoring_months" = 36\n[sources]\n"policy.safe_migration" = "IOM-2010 §5"\n',
        encoding="utf-8",
    )
    rejected(
        invoke("scenarios", "show", path), "s.toml, line 7", "sources", "policy.safe_migration"
    )


def test_a_scenario_title_with_markup_is_shown_as_written(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        'title = "[bold]Not bold[/bold] [/x]"\ndescription = "d"\nsource = "assumption: x"\n',
        encoding="utf-8",
    )
    result = invoke("scenarios", "show", path)
    assert result.exit_code == 0, result.output
    assert "[bold]Not bold[/bold] [/x]" in result.output


# --- files that are not UTF-8 --------------------------------------------------------------------
def test_a_latin1_parameter_file_is_named_with_its_line(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes("[cohort]\n# caf\u00e9\nn_survivors = 10\n".encode("latin-1"))
    rejected(invoke("run", "--params", path), "latin1.toml is not UTF-8", "line 2")


def test_a_binary_scenario_file_is_rejected(tmp_path):
    path = tmp_path / "binary.toml"
    path.write_bytes(bytes(range(256)))
    rejected(invoke("scenarios", "show", path), "binary.toml is not UTF-8")


# --- file-system errors ------------------------------------------------------------------------
def test_compare_output_that_is_a_file(tmp_path):
    path = tmp_path / "a-file"
    path.write_text("keep me", encoding="utf-8")
    rejected(invoke("compare", "baseline", "residency", *TINY, "--output", path), "is a file")
    assert path.read_text(encoding="utf-8") == "keep me"


def test_compare_output_under_a_device():
    rejected(
        invoke("compare", "baseline", "residency", *TINY, "--output", "/dev/null/x"),
        "'/dev/null' is not a folder",
    )


def test_compare_output_in_a_folder_nobody_may_write():
    # /sys refuses new folders even to root, unlike a folder with its write bit cleared.
    output = rejected(
        invoke("compare", "baseline", "residency", *TINY, "--output", "/sys/retraffic-test")
    )
    assert "/sys" in output


def test_compare_output_in_a_folder_without_write_permission(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root may write anywhere a permission bit forbids")
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    rejected(
        invoke("compare", "baseline", "residency", *TINY, "--output", folder / "x"),
        "not writable",
    )


def test_an_empty_output_name_is_rejected(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rejected(invoke("compare", "baseline", "residency", *TINY, "--output", ""), "empty name")
    assert list(tmp_path.iterdir()) == []


def test_experiment_results_that_is_a_file(tmp_path):
    path = tmp_path / "a-file"
    path.write_text("x", encoding="utf-8")
    rejected(invoke("experiment", "run", "evidence-fit", "--results", path), "is a file")


def test_run_events_into_a_directory(tmp_path):
    rejected(invoke("run", "--months", "2", "--events", tmp_path), "is a folder")


def test_run_events_never_replaces_a_symlink_or_a_device(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me", encoding="utf-8")
    link = tmp_path / "link.parquet"
    link.symlink_to(target)
    rejected(invoke("run", "--months", "2", "--events", link), "not a regular file")
    assert target.read_text(encoding="utf-8") == "keep me"
    rejected(invoke("run", "--months", "2", "--events", "/dev/null"), "not a regular file")
    assert Path("/dev/null").is_char_device()


def test_a_million_replicates_is_refused_before_anything_is_written(tmp_path):
    out = tmp_path / "out"
    result = invoke("compare", "baseline", "residency", "--replicates", "1000000", "--output", out)
    rejected(result, "--replicates")
    assert not out.exists()


# --- posterior files ---------------------------------------------------------------------------
def _posterior(path, weights, value=0.5):
    pd.DataFrame({"survivor.hr_monitored": [value] * len(weights), "weight": weights}).to_parquet(
        path, index=False
    )
    return path


def test_a_posterior_with_negative_weights_is_rejected(tmp_path):
    path = _posterior(tmp_path / "neg.parquet", [-0.5, -0.5])
    rejected(
        invoke("compare", "baseline", "residency", *TINY[:-2], "--posterior", path),
        "neg.parquet",
        "weights must be",
    )


def test_a_posterior_row_out_of_range_names_the_file_and_row(tmp_path):
    path = _posterior(tmp_path / "far.parquet", [0.5, 0.5], value=-3.0)
    rejected(
        invoke("compare", "baseline", "residency", *TINY[:-2], "--posterior", path),
        "far.parquet, row 0",
        "survivor.hr_monitored",
    )


def test_a_file_that_is_not_a_posterior(tmp_path):
    path = tmp_path / "junk.parquet"
    path.write_bytes(b"not parquet at all")
    rejected(
        invoke("compare", "baseline", "residency", *TINY[:-2], "--posterior", path),
        "junk.parquet",
    )


# --- messages that name the right place --------------------------------------------------------
def test_an_error_names_the_line_the_value_is_on(tmp_path):
    path = tmp_path / "nine.toml"
    path.write_text(
        'title = "t"\n'
        'description = """\n'
        "policy.monitoring_months = 3 is mentioned here\n"
        '"""\n'
        'source = "assumption: x"\n'
        "\n"
        "# monitoring_months is set below\n"
        "[overrides]\n"
        '"policy.monitoring_months" = -4\n',
        encoding="utf-8",
    )
    rejected(invoke("scenarios", "show", path), "nine.toml, line 9")


def test_a_settings_mismatch_names_the_setting_that_differs(tmp_path):
    out = tmp_path / "out"
    assert invoke("compare", "baseline", "residency", *TINY, "--output", out).exit_code == 0
    again = invoke(
        "compare", "baseline", "residency", *TINY[2:], "--survivors", "60", "--output", out
    )
    rejected(again, "cohort.n_survivors = 50 there, 60 now")


def test_an_unreachable_scheduler_is_bad_input(tmp_path):
    result = invoke(
        "compare",
        "baseline",
        "residency",
        *TINY,
        "--scheduler",
        "tcp://127.0.0.1:9",
        "--output",
        tmp_path / "out",
    )
    rejected(result, "--scheduler", "Dask scheduler")


# --- internal errors are bugs, not bad input ---------------------------------------------------
def test_an_internal_error_exits_1_names_a_log_and_is_called_a_bug(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("operands could not be broadcast together")

    monkeypatch.setattr("sim.processes.retrafficking", broken)
    result = invoke("run", "--months", "2", "--survivors", "20")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "bug" in result.output and "operands could not be broadcast" in result.output
    log = Path(re.search(r"the details are in (\S+?\.log)", result.output)[1])
    assert "Traceback" in log.read_text(encoding="utf-8")
    log.unlink()


def test_a_damaged_store_is_reported_with_its_remedy_not_as_a_bug(tmp_path):
    results = tmp_path / "results"
    assert (
        invoke(
            "experiment",
            "run",
            "policy-comparison",
            "--survivors",
            "50",
            "--months",
            "60",
            "--replicates",
            "2",
            "--posterior",
            "none",
            "--results",
            results,
        ).exit_code
        == 0
    )
    curve = next((results / "policy-comparison" / "runs").glob("*/r0001/curve.arrow"))
    curve.write_bytes(curve.read_bytes()[:50])
    (results / "policy-comparison" / "figures" / "figures.json").unlink()
    output = rejected(invoke("report", "policy-comparison", "--results", results), "curve.arrow")
    assert "again" in output


# --- the Python API ----------------------------------------------------------------------------
SMALL = Params().with_overrides({"cohort.n_survivors": 20, "run.horizon_months": 2})


@pytest.mark.parametrize("seed", [None, True, -1, 2.5, "1", 2**64])
def test_run_rejects_a_seed_that_is_not_a_whole_number_it_can_reproduce(seed):
    with pytest.raises(InputError, match=r"^seed must be a whole number from 0"):
        sim.run(SMALL, seed=seed)


def test_run_accepts_numpy_seeds_and_records_them_as_ints():
    assert sim.run(SMALL, seed=np.int64(3)).seed == 3


def test_run_rejects_params_that_are_not_params():
    with pytest.raises(InputError, match="params must be a sim.Params"):
        sim.run({"cohort.n_survivors": 5})


@pytest.mark.parametrize("overrides", [None, "cohort.n_survivors=5", 3])
def test_with_overrides_rejects_what_is_not_a_mapping(overrides):
    with pytest.raises(ParameterError, match="overrides must be a mapping"):
        Params().with_overrides(overrides)


def test_numpy_integers_are_whole_numbers():
    assert Params().with_overrides({"cohort.n_survivors": np.int64(36)}).cohort.n_survivors == 36
    assert CohortParams(n_survivors=np.int64(36)).n_survivors == 36


def test_a_copy_is_validated():
    with pytest.raises(ParameterError, match="cohort.n_survivors must be"):
        Params().cohort.model_copy(update={"n_survivors": -5})
    with pytest.raises(ParameterError, match="cohort.n_survivors must be"):
        Params().model_copy(update={"cohort": {"n_survivors": -5}})


def test_compare_with_one_name_instead_of_a_list():
    from experiments.compare import compare

    with pytest.raises(InputError, match=r"scenarios must be a list.*got 'baseline'"):
        compare("baseline")


@pytest.mark.parametrize(("option", "value"), [("workers", 0), ("replicates", 0), ("seed", -1)])
def test_compare_rejects_out_of_range_counts(option, value, tmp_path):
    from experiments.compare import compare

    with pytest.raises(InputError, match=f"^{option} must be a whole number"):
        compare(["baseline", "residency"], output=tmp_path, **{option: value})
