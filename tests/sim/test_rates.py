"""The look-ups the monthly processes use give exactly what the plain expressions give."""

import numpy as np
import pytest

import sim
from sim.rates import factor, halved, level
from sim.states import COMMUNITY, State
from tests.conftest import tiny


@pytest.mark.parametrize("n", [5, 100_000])
def test_factor_and_level_equal_np_where_and_indexing(n):
    rng = np.random.default_rng(3)
    condition = rng.random(n) < 0.3
    assert np.array_equal(factor(condition, 2.5), np.where(condition, 2.5, 1.0))
    assert np.array_equal(factor(condition, 2.5, 0.7), np.where(condition, 2.5, 0.7))
    codes = rng.integers(0, 4, n).astype(np.uint8)
    values = [1.0, 1.7, 0.2, 3.0]
    assert np.array_equal(level(codes, values), np.asarray(values)[codes.astype(np.intp)])


def test_halved_between_start_and_end_is_the_expression_bit_for_bit():
    months = np.array([0, 1, 5, 17, 300])
    fade = 0.5 ** (months / 7.0)
    assert np.array_equal(halved(months, 7.0), fade)
    assert np.array_equal(halved(months, 7.0, start=2.6, end=1.0), 1.0 + (2.6 - 1.0) * fade)
    assert np.array_equal(halved(months, 7.0, end=0.3), 0.3 + (1.0 - 0.3) * fade)


def test_in_community_is_membership_of_the_community_states_for_every_state_code():
    m = tiny(3 * len(State))
    m.people.state[:] = np.arange(3 * len(State)) % len(State)
    expected = np.isin(m.people.state, COMMUNITY)
    assert m.people.in_community().dtype == np.bool_
    assert np.array_equal(m.people.in_community(), expected)


def test_people_exploited_counts_every_survivor_each_trafficker_took():
    model = sim.ReintegrationModel(sim.Params().with_overrides({"cohort.n_survivors": 400}), 5)
    model.run_model()
    counts = model.traffickers.people_exploited()
    assert counts.sum() == int(model.people.episode.sum())
    assert [len(model.traffickers.exploited(i)) for i in range(len(counts))] == counts.tolist()
