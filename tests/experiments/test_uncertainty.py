"""Comparisons carry every assumption: each replicate draws every uncertain parameter."""

import json

import pytest
from typer.testing import CliRunner

from calibration.posterior import DEFAULT, read_posterior
from calibration.spec import load_priors
from experiments.runs import _Plan, _sized, run_scenarios
from scenarios.loader import load
from sim.parameters import Params

PRIORS = {p.parameter: p for p in load_priors()}
FITTED = set(read_posterior(DEFAULT)[0].columns.drop("weight"))


def plan(uncertainty, posterior=DEFAULT):
    scenarios = [load("baseline"), load("residency")]
    return _Plan(scenarios, _sized(None, 200, 12), posterior, 1, uncertainty)


def values(the_plan, scenario, k):
    return the_plan.task(the_plan.scenarios[scenario], k).params.to_flat()


def test_all_draws_every_uncertain_parameter_within_its_prior_the_same_in_every_scenario():
    the_plan = plan("all")
    defaults = Params().to_flat()
    levers = load("residency").overrides
    replicates = [values(the_plan, 0, k) for k in range(6)]
    for name, prior in PRIORS.items():
        drawn = [r[name] for r in replicates]
        assert all(prior.lower <= v <= prior.upper for v in drawn), name
        assert len(set(drawn)) > 1 or prior.integer, f"{name} is not drawn"
    for k in range(6):
        base, policy = values(the_plan, 0, k), values(the_plan, 1, k)
        for name in PRIORS:
            expected = levers.get(name, base[name])
            assert policy[name] == expected, name  # same draw; the policy lever wins
    assert replicates[0]["cohort.n_survivors"] == 200 != defaults["cohort.n_survivors"]
    assert the_plan.drawn().keys() == PRIORS.keys()


def test_posterior_draws_only_the_fitted_parameters_and_none_nothing():
    defaults = Params().to_flat()
    fitted_only = plan("posterior")
    nothing = plan("none")
    for k in range(4):
        drawn = values(fitted_only, 0, k)
        assert {n for n in PRIORS if drawn[n] != defaults[n]} <= FITTED
        plain = values(nothing, 0, k)
        assert all(plain[n] == defaults[n] for n in PRIORS)
    assert set(fitted_only.drawn()) == FITTED and nothing.drawn() == {}


def test_all_without_a_posterior_draws_the_fitted_parameters_from_their_priors_too():
    the_plan = plan("all", posterior=None)
    assert set(the_plan.drawn()) == set(PRIORS)
    assert all(v.startswith("prior ") for v in the_plan.drawn().values())


def test_the_manifest_records_what_was_drawn_and_from_what(tmp_path):
    run_scenarios(
        ["baseline", "residency"],
        replicates=1,
        survivors=100,
        months=6,
        workers=1,
        output=tmp_path,
        on_notice=lambda message: None,
    )
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["uncertainty"] == "all"
    drawn = manifest["drawn_per_replicate"]
    assert set(drawn) == set(PRIORS)
    assert drawn["survivor.hr_monitored"].startswith(
        "posterior" if "survivor.hr_monitored" in FITTED else "prior"
    )


def test_a_folder_made_with_another_uncertainty_is_not_mixed(tmp_path):
    from experiments.store import StoreMismatch

    options = {"replicates": 1, "survivors": 100, "months": 6, "workers": 1, "output": tmp_path}
    run_scenarios(["baseline", "residency"], uncertainty="none", **options)
    with pytest.raises(StoreMismatch, match="uncertainty = 'none' there, 'all' now"):
        run_scenarios(["baseline", "residency"], on_notice=lambda m: None, **options)


def test_an_unknown_uncertainty_is_bad_input(tmp_path):
    from experiments.cli import app

    result = CliRunner().invoke(
        app,
        ["compare", "baseline", "residency", "--uncertainty", "some", "--output", str(tmp_path)],
    )
    assert result.exit_code == 2
    assert "uncertainty must be one of all, posterior, none (got 'some')" in result.output
