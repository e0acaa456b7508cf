"""The prior-predictive screening: which uncertain parameters move which target statistics."""

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from calibration.fit import FitSettings
from calibration.screening import by_parameter, prior_draws, screen
from calibration.spec import load_priors, load_targets
from sim.parameters import Params

SMALL = FitSettings(survivors=400, months=60, population=4, generations=1)


def test_prior_draws_are_valid_reproducible_and_inside_the_priors():
    priors = load_priors()
    a = prior_draws(priors, 50, seed=3)
    b = prior_draws(priors, 50, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 50
    for p in priors:
        assert a[p.parameter].between(p.lower, p.upper).all(), p.parameter
    for row in a.to_dict("records"):
        Params().with_overrides(row)


def test_the_screening_covers_every_pair_and_finds_a_planted_dependence():
    table, samples, facts = screen(40, SMALL, seed=2, workers=1)
    priors, targets = load_priors(runs_only=True), load_targets()
    assert len(table) == len(priors) * len(targets)
    assert facts["draws"] == 40 and len(samples) == 40
    # The share of exits that are interceptions drives who is referred by law enforcement.
    row = table[
        (table["parameter"] == "survivor.share_exits_intercepted")
        & (table["statistic"] == "share referred by law enforcement, all assisted")
    ].iloc[0]
    assert row["moves"] and row["rho"] > 0.5
    summary = by_parameter(table)
    assert summary.set_index("parameter").loc["survivor.share_exits_intercepted", "informed"]
    assert set(summary["parameter"]) == {p.parameter for p in priors}
    assert np.all(table.loc[table["moves"], "rho"].abs() >= 0.1)


def test_the_screen_command_writes_its_files(tmp_path, monkeypatch):
    from experiments.cli import app

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        app, ["screen", "--draws", "20", "--survivors", "300", "--workers", "1", "--name", "s"]
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "results" / "calibration" / "s"
    for name in ("screening.csv", "screening_by_parameter.csv", "screening.json"):
        assert (folder / name).is_file()
    assert "uncertain parameters move a fitted target" in result.output


def test_the_docs_page_states_counts_its_own_table_holds():
    import re

    from calibration.screening import markdown

    table, _, facts = screen(30, SMALL, seed=5, workers=1)
    text = markdown(table, facts)
    informed = int(re.search(r"\*\*(\d+) of \d+\*\* uncertain parameters move", text)[1])
    checked = int(re.search(r"\*\*(\d+)\*\* move only checked", text)[1])
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == informed + checked
    assert sum(" | yes | " in r or " | no | " in r for r in rows) == len(rows)
    silent = int(re.search(r"\*\*(\d+)\*\* move no target", text)[1])
    assert silent == len(load_priors(runs_only=True)) - informed - checked
    assert text.count("`", text.index("Parameters that move no target")) == 2 * silent
