"""Scenario files: shipped ones load and are sourced; bad ones fail with one clear sentence."""

import pytest
from typer.testing import CliRunner

import sim
from experiments.cli import app
from scenarios.loader import ScenarioError, available, load

SHIPPED = [
    "baseline",
    "longer_monitoring",
    "residency",
    "safe_migration",
    "longer_assistance",
    "identification_not_deportation",
    "anti_collusion",
    "local_jobs",
    "combined",
]


def test_required_scenarios_are_shipped():
    assert set(SHIPPED) <= set(available())


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenario_loads_runs_and_sources_every_lever(name):
    scenario = load(name)
    assert scenario.title and scenario.description and scenario.source
    assert set(scenario.sources) == set(scenario.overrides), "every lever needs a source"
    params = scenario.params().with_overrides({"cohort.n_survivors": 200, "run.horizon_months": 12})
    result = sim.run(params, seed=1)
    assert result.months == 12


def test_baseline_is_the_defaults():
    assert load("baseline").params() == sim.Params()


def test_extends_inherits_and_child_wins(tmp_path):
    (tmp_path / "parent.toml").write_text(
        'title = "P"\ndescription = "d"\nsource = "s"\n'
        '[overrides]\n"policy.monitoring_months" = 12\n"policy.collusion_share" = 0.0\n'
    )
    (tmp_path / "child.toml").write_text(
        'title = "C"\ndescription = "d"\nsource = "s"\nextends = "parent"\n'
        "[overrides.policy]\nmonitoring_months = 24\n"
    )
    child = load(tmp_path / "child.toml")
    assert child.overrides == {"policy.monitoring_months": 24, "policy.collusion_share": 0.0}


def write(tmp_path, name, body):
    path = tmp_path / f"{name}.toml"
    path.write_text('title = "T"\ndescription = "d"\nsource = "s"\n' + body)
    return path


BAD = {
    "unknown_field": ('colour = "red"\n', r"unknown_field.toml, line 4: unknown field 'colour'"),
    "wrong_type": (
        '[overrides]\n"policy.monitoring_months" = "long"\n',
        r"wrong_type.toml, line 5: policy.monitoring_months must be a whole number "
        r"from 0 to 240 \(got 'long'\)\.",
    ),
    "out_of_range": (
        '[overrides]\n"policy.residency_offer_share" = 1.5\n',
        r"out_of_range.toml, line 5: policy.residency_offer_share must be a number "
        r"from 0 to 1 \(got 1.5\)\.",
    ),
    "unknown_parameter": (
        '[overrides]\n"policy.monitoring" = 3\n',
        r"unknown_parameter.toml, line 5: policy.monitoring is not a parameter",
    ),
    "missing_parent": (
        'extends = "nowhere"\n',
        r"missing_parent.toml, line 4: extends = 'nowhere', which cannot be "
        r"loaded: no scenario named 'nowhere'",
    ),
    "title_not_string": None,
}


@pytest.mark.parametrize("name", [k for k, v in BAD.items() if v])
def test_bad_scenario_file_gives_one_clear_error(tmp_path, name):
    body, message = BAD[name]
    path = write(tmp_path, name, body)
    with pytest.raises(ScenarioError, match=message):
        load(path)


def test_extends_cycle_is_reported(tmp_path):
    write(tmp_path, "a", 'extends = "b"\n')
    write(tmp_path, "b", 'extends = "a"\n')
    with pytest.raises(ScenarioError, match=r"'extends' forms a cycle \(a -> b -> a\)"):
        load(tmp_path / "a.toml")


def test_missing_title_is_reported(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('description = "d"\nsource = "s"\n')
    with pytest.raises(ScenarioError, match="x.toml: title is required"):
        load(path)


def test_unknown_scenario_name_lists_the_shipped_ones():
    with pytest.raises(ScenarioError, match="no scenario named 'residence'; shipped scenarios:"):
        load("residence")


runner = CliRunner()


@pytest.mark.parametrize("name", ["wrong_type", "missing_parent", "unknown_field"])
def test_cli_reports_bad_scenario_with_exit_2(tmp_path, name):
    body, _ = BAD[name]
    path = write(tmp_path, name, body)
    for args in (
        ["scenarios", "show", str(path)],
        [
            "compare",
            "baseline",
            str(path),
            "--replicates",
            "1",
            "--survivors",
            "50",
            "--months",
            "6",
            "--output",
            str(tmp_path / "out"),
        ],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert result.output.count("error:") == 1
        assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists(), "nothing is written for a bad scenario"


def test_cli_cycle_exits_2(tmp_path):
    write(tmp_path, "a", 'extends = "b"\n')
    write(tmp_path, "b", 'extends = "a"\n')
    result = runner.invoke(app, ["scenarios", "show", str(tmp_path / "a.toml")])
    assert result.exit_code == 2 and "cycle" in result.output


def test_cli_lists_and_shows_scenarios():
    listed = runner.invoke(app, ["scenarios", "list"])
    assert listed.exit_code == 0
    for name in SHIPPED:
        assert name in listed.output
    shown = runner.invoke(app, ["scenarios", "show", "longer_monitoring"])
    assert shown.exit_code == 0
    assert "policy.monitoring_months" in shown.output and "36" in shown.output
