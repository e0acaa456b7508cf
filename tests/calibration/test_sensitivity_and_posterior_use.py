"""Sensitivity analysis end to end (tiny), and comparisons that sample posterior draws."""

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from calibration.posterior import write_posterior
from calibration.sensitivity import analyse
from calibration.spec import load_priors
from experiments.cli import app
from experiments.compare import run_scenarios
from experiments.figures.calibration import TOP, sensitivity_figure
from experiments.store import ResultsStore


def test_morris_screening_covers_every_prior_that_changes_a_run_and_every_output(tmp_path):
    table = analyse(
        "morris", samples=2, survivors=150, months=60, workers=1, policies=("residency",)
    )
    priors = {p.parameter for p in load_priors(runs_only=True)}
    assert set(table["parameter"]) == priors  # unit costs price a run and change nothing
    assert not any(name.startswith("costs.") for name in priors)
    assert set(table["output"]) == {"retrafficked_60m", "effect_residency"}
    assert (table.loc[table["index"] == "mu_star", "value"] >= 0).all()
    # Recording probabilities cannot change what truly happens: common random numbers make
    # their elementary effects on true re-trafficking exactly zero.
    mu = table[(table["index"] == "mu_star") & (table["output"] == "retrafficked_60m")]
    mu = mu.set_index("parameter")["value"]
    assert mu[[n for n in mu.index if n.startswith("observation.")]].eq(0).all()
    assert mu["survivor.hazard_home_per_month"] > 0
    paths = sensitivity_figure(table, tmp_path / "morris")
    assert all(p.stat().st_size > 1000 for p in paths)
    # the top 15 by the first output's index, each under its full (group-prefixed) name
    svg = paths[1].read_text()
    top = mu.sort_values(ascending=False).index[:TOP]
    shown = [name for name in priors if f">{name}<" in svg]
    assert sorted(shown) == sorted(top), (shown, list(top))


def test_sensitivity_cli_rejects_bad_method():
    result = CliRunner().invoke(app, ["sensitivity", "--method", "fast"])
    assert result.exit_code == 2 and "--method must be morris or sobol" in result.output


def small_posterior(tmp_path):
    priors = load_priors()
    draws = pd.DataFrame({p.parameter: [p.lower, p.upper] for p in priors})
    draws["weight"] = [0.5, 0.5]
    path = tmp_path / "post.parquet"
    write_posterior(draws, path, {"name": "test"})
    return path


def test_comparison_samples_one_posterior_draw_per_replicate(tmp_path):
    post = small_posterior(tmp_path)
    run_scenarios(
        ["baseline", "residency"],
        replicates=4,
        survivors=200,
        months=24,
        workers=1,
        output=tmp_path / "with",
        posterior=post,
    )
    head = ResultsStore(tmp_path / "with").load("headline")
    draws = head.pivot(index="replicate", columns="scenario", values="draw")
    assert (draws["baseline"] == draws["residency"]).all(), "same draw in every scenario"
    assert set(draws["baseline"]) <= {0, 1}
    run_scenarios(
        ["baseline", "residency"],
        replicates=4,
        survivors=200,
        months=24,
        workers=1,
        output=tmp_path / "without",
        posterior=None,
    )
    plain = ResultsStore(tmp_path / "without").load("headline")
    assert (plain["draw"] == -1).all()
    assert not np.allclose(head["retrafficked_12m"], plain["retrafficked_12m"])


def test_missing_posterior_file_exits_2(tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "compare",
            "baseline",
            "residency",
            "--posterior",
            str(tmp_path / "none.parquet"),
            "--replicates",
            "1",
        ],
    )
    assert result.exit_code == 2 and "no posterior file" in result.output


def test_calibrate_list_shows_targets_and_priors():
    result = CliRunner().invoke(app, ["calibrate", "--list"])
    assert result.exit_code == 0
    assert "T1" in result.output and "Priors" in result.output


def test_calibrate_cli_end_to_end_tiny(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        app,
        [
            "calibrate",
            "--quick",
            "--name",
            "tiny",
            "--population",
            "4",
            "--generations",
            "1",
            "--survivors",
            "150",
            "--check-draws",
            "2",
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "results" / "calibration" / "tiny"
    for name in (
        "posterior.parquet",
        "summary.csv",
        "correlations.csv",
        "predictive_check.csv",
        "predictive_check.png",
        "marginals.png",
        "history.db",
    ):
        assert (folder / name).is_file(), name
    assert "Posterior predictive check" in result.output
