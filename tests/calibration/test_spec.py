"""Targets and priors files: the shipped ones are valid; bad ones give one clear sentence."""

import pytest

from calibration.spec import SpecError, load_priors, load_targets
from sim.parameters import GROUPS


def test_shipped_targets_cover_t1_to_t10():
    targets = load_targets()
    assert {t.id for t in targets} == {f"T{i}" for i in range(1, 11)}
    assert all(t.se > 0 and t.source.startswith("IOM-2010") for t in targets)
    t1 = next(t for t in targets if t.id == "T1")
    assert (t1.value, t1.n, t1.fit) == (20.0, 40, True)
    assert "second" in t1.statistic and "assistance" in t1.statistic


def test_shipped_priors_are_uncertain_parameters_with_reasons():
    for prior in load_priors():
        group, field = prior.parameter.split(".")
        meta = GROUPS[group].model_fields[field].json_schema_extra
        assert meta["uncertain"], f"{prior.parameter} has a prior but is not marked uncertain"
        assert prior.reason


def test_every_uncertain_parameter_has_a_prior():
    from sim.parameters import parameter_table

    uncertain = {r["name"] for r in parameter_table() if r["uncertain"]}
    assert uncertain == {p.parameter for p in load_priors()}
    assert 0 < len(load_priors(calibrated_only=True)) < len(uncertain)


def write(tmp_path, text):
    path = tmp_path / "file.toml"
    path.write_text(text)
    return path


PRIOR = (
    '[[prior]]\nparameter = "{p}"\ndistribution = "{d}"\nlower = {lo}\nupper = {hi}\nreason = "r"\n'
)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"p": "survivor.exit_rate", "d": "uniform", "lo": 0.1, "hi": 0.2},
            r"entry 1 \(survivor.exit_rate\): survivor.exit_rate is not a parameter",
        ),
        (
            {"p": "survivor.exit_rate_per_month", "d": "normal", "lo": 0.1, "hi": 0.2},
            r"distribution must be 'uniform' or 'loguniform' \(got 'normal'\)",
        ),
        (
            {"p": "survivor.exit_rate_per_month", "d": "uniform", "lo": 0.3, "hi": 0.2},
            "lower must be below upper",
        ),
        (
            {"p": "policy.referral_share", "d": "uniform", "lo": 0.1, "hi": 1.5},
            r"must lie within policy.referral_share's valid range 0 to 1",
        ),
        (
            {"p": "services.max_wait_months", "d": "uniform", "lo": 1.5, "hi": 6.0},
            "must be whole numbers",
        ),
        (
            {"p": "policy.monitoring_until_stable", "d": "uniform", "lo": 0, "hi": 1},
            "only numeric parameters can have a prior",
        ),
    ],
)
def test_bad_prior_is_rejected_with_one_sentence(tmp_path, fields, message):
    with pytest.raises(SpecError, match=message):
        load_priors(write(tmp_path, PRIOR.format(**fields)))


def test_prior_with_unknown_field(tmp_path):
    text = PRIOR.format(p="policy.referral_share", d="uniform", lo=0.1, hi=0.2) + "mean = 1\n"
    with pytest.raises(SpecError, match="file.toml, entry 1: unknown field 'mean'"):
        load_priors(write(tmp_path, text))


def test_target_with_wrong_type(tmp_path):
    text = (
        '[[target]]\nid = "T1"\nstatistic = "s"\nvalue = "twenty"\nn = 40\nse = 1.0\n'
        'se_note = "x"\nfit = true\nsource = "IOM-2010 §5.1"\ndefinition = "d"\n'
    )
    with pytest.raises(SpecError, match=r"entry 1: value must be a float \(got 'twenty'\)"):
        load_targets(write(tmp_path, text))


def test_target_with_nonpositive_se(tmp_path):
    text = (
        '[[target]]\nid = "T1"\nstatistic = "s"\nvalue = 20.0\nn = 40\nse = 0.0\n'
        'se_note = "x"\nfit = true\nsource = "IOM-2010 §5.1"\ndefinition = "d"\n'
    )
    with pytest.raises(SpecError, match=r"\(T1\): se must be a number above 0"):
        load_targets(write(tmp_path, text))


def test_missing_field_and_missing_file(tmp_path):
    with pytest.raises(SpecError, match="field 'reason' is missing"):
        load_priors(
            write(
                tmp_path,
                '[[prior]]\nparameter = "policy.referral_share"\n'
                'distribution = "uniform"\nlower = 0.1\nupper = 0.2\n',
            )
        )
    with pytest.raises(SpecError, match="does not exist"):
        load_priors(tmp_path / "nope.toml")


def test_whole_number_prior_gives_whole_numbers(tmp_path):
    fields = {"p": "policy.residency_permit_months", "d": "uniform", "lo": 6.0, "hi": 36.0}
    (prior,) = load_priors(write(tmp_path, PRIOR.format(**fields)))
    assert prior.integer
    values = [prior.ppf(q) for q in (0.01, 0.5, 0.99)]
    assert values == [6, 21, 36] and all(isinstance(v, int) for v in values)


def test_target_naming_an_unknown_statistic_fails_naming_the_known_ones(tmp_path):
    text = (
        '[[target]]\nid = "T1"\nstatistic = "mean months first to secnd assistance"\n'
        'value = 20.0\nn = 40\nse = 1.0\nse_note = "x"\nfit = true\n'
        'source = "IOM-2010 §5.1"\ndefinition = "d"\n'
    )
    with pytest.raises(
        SpecError,
        match=r"entry 1 \(T1\): statistic 'mean months first to secnd assistance' is not an "
        r"observed statistic of T1; known: 'mean months first to second assistance'",
    ):
        load_targets(write(tmp_path, text))
