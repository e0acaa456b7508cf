import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sim.parameters import GROUPS, ParameterError, Params, names, parameter_table
from sim.parameters.fields import bounds, extra

FIELDS = [(g, f, info) for g, cls in GROUPS.items() for f, info in cls.model_fields.items()]
NUMERIC = [(g, f, info) for g, f, info in FIELDS if info.annotation in (int, float)]


def test_every_parameter_has_unit_range_default_and_source():
    for group, field, info in FIELDS:
        meta = extra(info)
        assert meta.get("unit"), f"{group}.{field} has no unit"
        assert meta.get("source", "").startswith(("IOM-2010", "IASC-2021", "assumption: ")), field
        assert info.description, f"{group}.{field} has no description"
        if info.annotation in (int, float):
            lo, hi = bounds(info)
            assert lo is not None and hi is not None, f"{group}.{field} has no range"
            assert lo <= info.default <= hi


def test_parameter_table_lists_every_name():
    assert [row["name"] for row in parameter_table()] == list(names())


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(NUMERIC), st.floats(min_value=1e-6, max_value=1e6), st.booleans())
def test_out_of_range_values_are_rejected_naming_field_and_range(field, excess, above):
    group, name, info = field
    lo, hi = bounds(info)
    value = hi + excess if above else lo - excess
    if info.annotation is int:
        value = math.ceil(value) if above else math.floor(value)
        assume(value > hi or value < lo)
    with pytest.raises(ParameterError, match=rf"^{group}\.{name} must be .* from "):
        Params().with_overrides({f"{group}.{name}": value})


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(NUMERIC), st.floats(min_value=0, max_value=1))
def test_in_range_values_are_accepted_and_round_trip(field, fraction):
    group, name, info = field
    lo, hi = bounds(info)
    value = lo + fraction * (hi - lo)
    if info.annotation is int:
        value = round(value)
    try:
        params = Params().with_overrides({f"{group}.{name}": value})
    except ParameterError as err:
        # Only the documented cross-field rules may refuse an in-range value.
        assert " + " in str(err) or "must be below" in str(err)
        return
    assert Params.from_toml(params.to_toml()) == params
    assert Params.from_flat(params.to_flat()) == params


def test_wrong_type_is_rejected():
    with pytest.raises(
        ParameterError, match="policy.monitoring_until_stable must be true or false"
    ):
        Params().with_overrides({"policy.monitoring_until_stable": "yes"})


def test_float_for_integer_is_rejected():
    with pytest.raises(ParameterError, match="cohort.n_survivors must be a whole number"):
        Params().with_overrides({"cohort.n_survivors": 2.5})


def test_unknown_name_suggests_close_names():
    with pytest.raises(
        ParameterError, match="policy.monitoring_month is not a parameter.*policy.monitoring_months"
    ):
        Params().with_overrides({"policy.monitoring_month": 3})


def test_unknown_group_in_toml_is_rejected():
    with pytest.raises(ParameterError, match="polcy is not a parameter"):
        Params.from_toml("[polcy]\nmonitoring_months = 3\n")


def test_unknown_field_in_toml_is_rejected():
    with pytest.raises(ParameterError, match="policy.monitor is not a parameter"):
        Params.from_toml("[policy]\nmonitor = 3\n")


def test_invalid_toml_is_reported():
    with pytest.raises(ParameterError, match="not valid TOML"):
        Params.from_toml("[policy\n")


def test_literal_choice_names_the_options():
    with pytest.raises(ParameterError, match="cohort.entry must be one of 'at_once', 'inflow'"):
        Params().with_overrides({"cohort.entry": "trickle"})


def test_shares_that_exceed_one_are_rejected():
    with pytest.raises(ParameterError, match=r"cohort.share_poor \+ cohort.share_secure"):
        Params().with_overrides({"cohort.share_poor": 0.95})


def test_defaults_round_trip_through_toml_and_flat():
    p = Params()
    assert Params.from_toml(p.to_toml()) == p
    assert Params.from_flat(p.to_flat()) == p


def test_diff_reports_changed_names():
    p = Params().with_overrides({"policy.monitoring_months": 36})
    assert Params().diff(p) == {"policy.monitoring_months": (6, 36)}


def test_params_are_immutable():
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen-instance error
        Params().policy.monitoring_months = 3  # type: ignore[misc]
