"""Actors own their state, streams and results; adding one is one class (see ARCHITECTURE.md
"Adding an agent type"). The ``Visitors`` actor below exists only in this file."""

import numpy as np
import pandas as pd
import pytest
from pydantic import BaseModel

import sim
import sim.traffickers
from sim.actor import Actor
from sim.parameters import Params
from sim.parameters.fields import param
from sim.rates import prob
from sim.states import COMMUNITY

SMALL = Params().with_overrides({"cohort.n_survivors": 500, "run.horizon_months": 24})


class VisitorParams(BaseModel):
    visit_rate_per_month: float = param(
        0.5, unit="per month", ge=0, source="assumption: a test-only actor", description="Visits."
    )


class Visitors(Actor):
    """Outreach workers who visit survivors in the community (test only)."""

    name = "visitors"

    def __init__(self, model):
        super().__init__(model)
        self.params = VisitorParams()
        self.visits = np.zeros(model.n, dtype=np.int32)
        self.this_month = 0

    def start_month(self):
        p = self.model.people
        u = self.model.streams.uniforms("visitors.visit", self.model.month, self.model.n)
        home = np.flatnonzero(np.isin(p.state, COMMUNITY))
        visited = home[u[0, home] < prob(self.params.visit_rate_per_month)]
        self.visits[visited] += 1
        self.this_month = len(visited)

    def counts(self):
        return {"visits": self.this_month}

    def results(self):
        return {
            "visitors": pd.DataFrame(
                {"survivor": np.arange(len(self.visits)), "visits": self.visits}
            )
        }


def test_an_added_actor_runs_counts_and_reports():
    result = sim.run(SMALL, seed=4, actors=[Visitors])
    assert "visits" in result.monthly
    assert result.monthly["visits"].sum() == result.tables["visitors"]["visits"].sum() > 0


def test_an_added_actor_with_its_own_stream_changes_nothing_else():
    plain = sim.run(SMALL, seed=4)
    visited = sim.run(SMALL, seed=4, actors=[Visitors])
    pd.testing.assert_frame_equal(plain.events, visited.events)
    pd.testing.assert_frame_equal(plain.people, visited.people)
    pd.testing.assert_frame_equal(plain.traffickers, visited.traffickers)


def test_trafficker_agents_are_views_onto_the_actors_arrays():
    model = sim.ReintegrationModel(SMALL, seed=1)
    agent = model.traffickers[3]
    assert agent.region == model.traffickers.region[3]
    agent.active = False
    assert not model.traffickers.active(np.array([3, -1])).any()
    assert agent.removed_month is None


def test_a_service_admits_only_into_free_places():
    model = sim.ReintegrationModel(SMALL, seed=1)
    service = model.services.destination
    service.in_use = service.places - 2
    assert service.take(5) == 2
    assert service.take(1) == 0
    assert service.free_places() == 0


def test_traffickers_count_recruitment_that_fails_for_capacity_alone():
    model = sim.ReintegrationModel(
        SMALL.with_overrides({"traffickers.recruits_per_month": 1}), seed=1
    )
    model.month = 0
    model.start_month()
    p = model.people
    p.trafficker[:3] = 0
    u = np.zeros((2, model.n))
    took = model.traffickers.recruit(np.arange(3), np.zeros(3, bool), True, u)
    assert (took >= 0).sum() == 1
    assert model.traffickers.attempts == 3 and model.traffickers.full == 2
    model.traffickers.active_mask[:] = False  # nobody active: not a capacity failure
    model.traffickers.recruit(np.arange(3, 5), np.zeros(2, bool), False, u)
    assert model.traffickers.attempts == 5 and model.traffickers.full == 2


def _recruit_one_by_one(traffickers, idx, international, former_only, u):
    """The matching rule stated plainly: candidates in order of ``u[0]``, each taking the
    ``u[1]``-th of the traffickers free at that moment who could take them."""
    p, cap = traffickers.model.people, traffickers.params.recruits_per_month
    recruits, out, full = traffickers.recruits.copy(), np.full(len(idx), -1), 0

    def pool(available, j):
        i = idx[j]
        if former_only:
            f = p.trafficker[i]
            return np.array([f]) if f >= 0 and available[f] else np.empty(0, int)
        same = traffickers.region == p.region[i]
        if international[j]:
            near = np.flatnonzero(available & traffickers.reach & same)
            return near if len(near) else np.flatnonzero(available & traffickers.reach)
        return np.flatnonzero(available & same)

    for j in np.argsort(u[0, idx], kind="stable"):
        candidates = pool(traffickers.active_mask & (recruits < cap), j)
        if len(candidates):
            out[j] = candidates[int(u[1, idx[j]] * len(candidates))]
            recruits[out[j]] += 1
        elif len(pool(traffickers.active_mask, j)):
            full += 1
    return out, recruits, full


@pytest.mark.parametrize("per_1000", [20.0, 100.0], ids=["one-per-region", "five-per-region"])
def test_compiled_matching_equals_the_rule_stated_plainly_when_capacity_binds(per_1000):
    # sim.matching.match against _recruit_one_by_one, on calls where traffickers fill up:
    # one trafficker a region (pools empty at once, the international fallback often), and
    # five (fills remove traffickers from the middle of pools); then a run of small calls.
    rng = np.random.default_rng(5)
    for former_only in (False, True):
        model = sim.ReintegrationModel(
            SMALL.with_overrides(
                {"traffickers.recruits_per_month": 2, "traffickers.per_1000_survivors": per_1000}
            ),
            seed=2,
        )
        model.month = 0
        model.start_month()
        t = model.traffickers
        t.active_mask[rng.random(len(t)) < 0.3] = False
        t.recruits[:] = rng.integers(0, 2, len(t))
        t.reach[t.region == 0] = False  # region 0 reaches abroad only through others
        totals = {"taken": 0, "full": 0}
        for size in (300, *[3] * 20):
            full_before = t.full
            idx = rng.permutation(model.n)[:size]
            international = rng.random(size) < 0.5
            u = rng.random((2, model.n))
            expected, recruits, full = _recruit_one_by_one(t, idx, international, former_only, u)
            np.testing.assert_array_equal(t.recruit(idx, international, former_only, u), expected)
            np.testing.assert_array_equal(t.recruits, recruits)
            assert t.full - full_before == full
            totals["taken"] += int((expected >= 0).sum())
            totals["full"] += full
        assert totals["taken"] > 5 and totals["full"] > 5, "capacity must bind in this test"
