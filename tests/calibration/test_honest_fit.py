"""An honest fit: the effective sample size is shown, gates --install and "identified", and a
target counts as reproduced only when its reported value lies inside the predictive interval."""

import logging

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from calibration import fit as fitting
from calibration.abc import GenerationLog
from calibration.checks import identifiability, predictive_p_value, reproduced
from calibration.fit import FitSettings, calibrate
from calibration.posterior import effective_sample_size, read_posterior, trustworthy
from calibration.spec import load_priors

PRIORS = load_priors(calibrated_only=True)


def posterior(weights, spread=0.01):
    """Draws bunched near the middle of every prior, with the given weights."""
    rng = np.random.default_rng(0)
    n = len(weights)
    columns = {
        p.parameter: np.clip(
            (p.lower + p.upper) / 2 + spread * (p.upper - p.lower) * rng.standard_normal(n),
            p.lower,
            p.upper,
        )
        for p in PRIORS
    }
    return pd.DataFrame({**columns, "weight": np.asarray(weights, float) / np.sum(weights)})


def test_the_effective_sample_size_of_even_and_lopsided_weights():
    assert effective_sample_size(np.ones(50)) == pytest.approx(50)
    assert effective_sample_size([1, 1e-9, 1e-9]) == pytest.approx(1, abs=1e-6)
    assert trustworthy(posterior(np.ones(10)))[0]
    ok, sentence = trustworthy(posterior([100.0] + [0.01] * 39))
    assert not ok and sentence.startswith("effective sample size 1.0 of 40 draws, below")


def test_identified_is_withheld_from_a_posterior_on_a_few_draws():
    narrow_and_even = identifiability(posterior(np.ones(40)), PRIORS)
    assert narrow_and_even["identified"].all() and not narrow_and_even["withheld"].any()
    lopsided = identifiability(posterior([100.0] + [0.01] * 39), PRIORS)
    assert not lopsided["identified"].any() and lopsided["withheld"].all()


def test_reproduced_means_the_reported_value_inside_the_predictive_interval():
    # The review's case: T4 "matched" at 0.87 (0.77 to 1.0) because two intervals overlapped.
    assert not reproduced(1.0, 0.77, 0.99)
    assert reproduced(1.0, 0.77, 1.0)
    sims = np.linspace(0, 1, 101)
    assert predictive_p_value(sims, 0.5) == pytest.approx(1.0)
    assert predictive_p_value(sims, 0.02) == pytest.approx(2 * 3 / 101)
    assert np.isnan(predictive_p_value(np.array([]), 0.5))


def fake_fit(monkeypatch, weights):
    """calibrate() with pyabc replaced by a finished history holding ``weights``."""

    class History:
        total_nr_simulations, max_t = 123, 1

        def get_all_populations(self):
            return pd.DataFrame({"epsilon": [2.0, 1.5]})

    monkeypatch.setattr(
        fitting, "run_abc", lambda *args, **kwargs: (History(), 1.0, "SingleCoreSampler")
    )
    monkeypatch.setattr(fitting, "_posterior", lambda history, sim: posterior(weights))


def test_install_is_refused_below_half_the_population(tmp_path, monkeypatch):
    monkeypatch.setattr(fitting, "POSTERIOR_DIR", tmp_path / "installed")
    settings = FitSettings(survivors=100, months=12, population=40, generations=2)
    fake_fit(monkeypatch, [100.0] + [0.01] * 39)
    low = calibrate("low", settings=settings, workers=1, results_dir=tmp_path, install=True)
    assert not low.installed and not (tmp_path / "installed" / "low.parquet").exists()
    _, meta = read_posterior(low.posterior_path)
    assert meta["effective_sample_size"] == pytest.approx(1.0, abs=0.02)
    assert meta["sampler"] == "SingleCoreSampler" and meta["seed"] == 1
    assert {"simulations", "population", "generations", "final_epsilon"} <= set(meta)
    fake_fit(monkeypatch, np.ones(40))
    even = calibrate("even", settings=settings, workers=1, results_dir=tmp_path, install=True)
    assert even.installed and (tmp_path / "installed" / "even.parquet").is_file()


def test_the_command_line_says_why_it_did_not_install(tmp_path, monkeypatch):
    from experiments.cli import app
    from experiments.cli import calibrate as command

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(fitting, "POSTERIOR_DIR", tmp_path / "installed")
    fake_fit(monkeypatch, [100.0] + [0.01] * 39)
    monkeypatch.setattr(command, "_check", lambda *args: None)
    result = CliRunner().invoke(app, ["calibrate", "--name", "low", "--install", "--workers", "1"])
    assert result.exit_code == 2, result.output
    assert "effective sample size 1.0 of 40" in result.output
    assert "--install refused" in result.output


def test_progress_names_generation_epsilon_acceptance_effective_size_and_time_left():
    lines = []
    handler = GenerationLog(lines.append, generations=4, population=40)
    for message in (
        "t: 0, eps: 8.51060403e+01.",
        "Accepted: 40 / 68 = 5.8824e-01, ESS: 4.0000e+01.",
        "t: 1, eps: 5.45187136e+01.",
        "Accepted: 40 / 78 = 5.1282e-01, ESS: 3.7116e+00.",
        "Stop: Maximum number of generations.",
    ):
        handler.emit(logging.LogRecord("ABC", logging.INFO, "", 0, message, None, None))
    assert lines[1].startswith(
        "generation 2 of at most 4: epsilon 54.5, acceptance rate 51% (40 of 78), "
        "effective sample size 3.7 of 40, "
    )
    assert "s left" in lines[1] and lines[2].endswith("Stop: Maximum number of generations.")


def test_a_comparison_on_an_untrustworthy_posterior_says_so(tmp_path):
    from experiments.runs import run_scenarios

    path = tmp_path / "lopsided.parquet"
    posterior([100.0] + [0.01] * 39).to_parquet(path, index=False)
    notices = []
    run_scenarios(
        ["baseline", "residency"],
        replicates=1,
        survivors=100,
        months=12,
        workers=1,
        posterior=path,
        output=tmp_path / "out",
        on_notice=notices.append,
    )
    assert notices == [
        "posterior lopsided.parquet: effective sample size 1.0 of 40 draws, below the 50% a fit "
        "needs: a few draws carry most of the weight, so intervals drawn from it understate "
        "what is not known."
    ]


def test_progress_counts_the_calibration_sample_as_pyabc_and_the_file_do():
    lines = []
    handler = GenerationLog(lines.append, generations=4, population=40, max_simulations=1000)
    for message in (
        "Calibration sample t = -1.",
        "t: 0, eps: 8.51060403e+01.",
        "Accepted: 40 / 68 = 5.8824e-01, ESS: 4.0000e+01.",
    ):
        handler.emit(logging.LogRecord("ABC", logging.INFO, "", 0, message, None, None))
    assert "108 of at most about 1,000 simulations" in lines[-1], lines
