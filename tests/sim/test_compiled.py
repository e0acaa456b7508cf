"""The compiled loops give the bits of the numpy rules they replace.

Each rule is written here as plain numpy, as the process read before it was compiled, and
compared bit for bit on a cohort part-way through a run whose columns are then scrambled so
that every level of every factor occurs (``sim.compiled``).
"""

import numpy as np
import pytest

import sim
from sim.matching import flagged
from sim.people import is_minor
from sim.processes.migration import remigration_rates, settling_table
from sim.processes.pressure import _reach
from sim.processes.reintegration import job_finding
from sim.processes.retrafficking import early_risk_table, hazard
from sim.rates import code, factor, level
from sim.states import Family, Package, Purpose, State


@pytest.fixture(scope="module")
def model():
    params = sim.Params().with_overrides(
        {
            "cohort.n_survivors": 3000,
            "run.horizon_months": 60,
            "policy.stigma_reduction": 0.3,  # every factor away from 1
            "survivor.hr_monitored": 0.7,
        }
    )
    m = sim.ReintegrationModel(params, seed=3)
    for _ in range(40):
        m.step()
    rng = np.random.default_rng(8)
    p = m.people
    community = np.array([State.IN_DESTINATION, State.AT_HOME, State.MIGRANT], dtype=np.int8)
    p.state[:] = np.where(rng.random(m.n) < 0.8, rng.choice(community, m.n), p.state)
    for column in ("residency", "right_to_work", "homeless", "monitored", "employed"):
        getattr(p, column)[:] = rng.random(m.n) < 0.3
    for column in ("psychosocial", "substance", "minority", "low_education", "threatened"):
        getattr(p, column)[:] = rng.random(m.n) < 0.4
    p.support_left[:] = rng.integers(0, 3, m.n)
    p.family[:] = rng.integers(0, 3, m.n)
    p.purpose_now[:] = rng.integers(0, 3, m.n)
    p.package[:] = rng.integers(0, 64, m.n)
    p.debt[:] = rng.choice([0.0, 0.01, 0.5, 1.0, 3.0], m.n)
    p.arrived_month[:] = rng.integers(-1, m.month + 1, m.n)
    p.exposed_month[:] = rng.integers(-1, m.month + 1, m.n)
    p.state_since[:] = rng.integers(0, m.month + 1, m.n)
    return m


def test_the_compiled_hazard_is_the_numpy_product_of_its_factors(model):
    m, p, s, pol = model, model.people, model.params.survivor, model.params.policy
    idx = np.flatnonzero(p.in_community())
    home = p.state[idx] == State.AT_HOME
    regular = p.residency[idx] | p.right_to_work[idx]
    places = [
        s.hazard_destination_irregular_per_month,
        s.hazard_destination_regular_per_month,
        s.hazard_home_per_month,
        s.hazard_home_per_month,
    ]
    h = level(code(home, home, regular), places)
    settled = settling_table(m)[np.maximum(m.month - p.arrived_month[idx], 0)]
    early = early_risk_table(m)[np.maximum(m.month - p.exposed_month[idx], 0)]
    h = h * settled * early
    age = p.age(m.month, idx)
    h *= level(code(is_minor(age), age <= 25), [1.0, s.hr_age_18_25, s.hr_minor])
    h *= factor(p.psychosocial[idx], s.hr_psychosocial)
    h *= factor(p.substance[idx], s.hr_substance)
    h *= factor(p.minority[idx], s.hr_minority)
    rejection = [
        1.0 + (s.hr_family_rejecting - 1.0) * stigma * (1.0 - pol.stigma_reduction)
        for stigma in (1.0, s.stigma_sexual_ratio)
    ]
    sexual = p.purpose_now[idx] == Purpose.SEXUAL
    family = p.family[idx].view(np.uint8) + 3 * sexual.view(np.uint8)
    complicit = s.hr_family_complicit
    h *= level(family, [1.0, rejection[0], complicit, 1.0, rejection[1], complicit])
    h *= factor(p.homeless[idx], s.hr_homeless)
    h *= factor(p.support_left[idx] > 0, s.hr_supported)
    h *= factor(p.monitored[idx], s.hr_monitored)

    got = hazard(m, idx)
    assert len(np.unique(got)) > 100, "the factors must vary in this test"
    np.testing.assert_array_equal(got.view(np.uint64), h.view(np.uint64))
    np.testing.assert_array_equal(hazard(m, idx[::7]), h[::7])  # any subset, any survivor


def test_the_compiled_remigration_rates_are_the_numpy_ones(model):
    m, p, s = model, model.people, model.params.survivor
    home = p.state == State.AT_HOME
    residents = (p.state == State.IN_DESTINATION) & p.residency
    idx = np.flatnonzero((home | residents) & (p.state_since < m.month))
    rate = (
        s.remigration_rate_per_month
        * settling_table(m)[np.maximum(m.month - p.arrived_month[idx], 0)]
    )
    rate *= factor(p.employed[idx], 1.0, s.remigration_unemployed_ratio)
    rate *= factor(p.in_debt(idx), s.remigration_debt_ratio)

    got_idx, got = remigration_rates(m)
    np.testing.assert_array_equal(got_idx, idx)
    assert len(np.unique(got)) > 20
    np.testing.assert_array_equal(got.view(np.uint64), rate.view(np.uint64))


def test_the_compiled_job_finding_rates_are_the_numpy_ones(model):
    m, p, s = model, model.people, model.params.survivor
    sv, pol = m.params.services, m.params.policy
    community = p.in_community()
    looking = np.flatnonzero(community & ~p.employed)
    working = np.flatnonzero(community & p.employed)
    rate = np.full(len(looking), s.job_find_rate_per_month)
    home = p.state[looking] == State.AT_HOME
    places = [
        s.no_right_to_work_job_ratio,
        s.destination_job_ratio,
        pol.local_employment_ratio,
        pol.local_employment_ratio,
    ]
    rate *= level(code(home, home, p.right_to_work[looking]), places)
    rate *= factor(p.low_education[looking], s.low_education_job_ratio)
    rate *= factor((p.package[looking] & Package.VOCATIONAL) > 0, sv.vocational_job_ratio)

    got_looking, got_working, got = job_finding(m, community)
    np.testing.assert_array_equal(got_looking, looking)
    np.testing.assert_array_equal(got_working, working)
    assert len(np.unique(got)) >= 6
    np.testing.assert_array_equal(got.view(np.uint64), rate.view(np.uint64))


def test_the_compiled_reach_of_former_traffickers_is_the_numpy_one(model):
    p, t = model.people, model.traffickers
    active = t.active_mask.copy()
    active[::3] = False
    idx = np.flatnonzero(p.in_community() & (p.trafficker >= 0))
    tid = p.trafficker[idx]
    at_home = p.state[idx] == State.AT_HOME
    in_reach = flagged(active, tid) & np.where(
        at_home,
        (t.region[tid] == p.region[idx]) | (p.family[idx] == Family.COMPLICIT),
        t.reach[tid],
    )
    threatened = p.threatened[idx]

    spells, spell_in_reach, exposed = _reach(
        p.state, p.trafficker, p.threatened, p.region, p.family, active, t.region, t.reach
    )
    np.testing.assert_array_equal(spells, idx[threatened])
    np.testing.assert_array_equal(spell_in_reach, in_reach[threatened])
    np.testing.assert_array_equal(exposed, idx[~threatened & in_reach])
    assert spell_in_reach.any() and not spell_in_reach.all() and len(exposed)


def test_the_compiled_threats_and_split_are_the_numpy_ones(model):
    from sim.processes.retrafficking import _split, _with_threats
    from sim.rates import prob

    m, p, s = model, model.people, model.params.survivor
    ratio = 0.4  # legal help halves the excess and more
    idx = np.flatnonzero(p.in_community())
    h = hazard(m, idx)
    threatened = p.threatened[idx]
    legal = (p.package[idx] & Package.LEGAL) > 0
    hr = 1.0 + (s.hr_threatened - 1.0) * factor(legal, ratio)
    p_total = prob(h * np.where(threatened, hr, 1.0))
    p_coerced = np.where(threatened, p_total * (1.0 - 1.0 / hr), 0.0)
    draw = np.random.default_rng(4).random(len(idx)) * 2 * p_total.mean()
    coerced = idx[draw < p_coerced]
    recruited = idx[(draw >= p_coerced) & (draw < p_total)]

    rate, got_hr = _with_threats(idx, h, p.threatened, p.package, s.hr_threatened, ratio)
    np.testing.assert_array_equal(got_hr.view(np.uint64), hr.view(np.uint64))
    np.testing.assert_array_equal(prob(rate).view(np.uint64), p_total.view(np.uint64))
    got_coerced, got_recruited = _split(idx, draw, p_total, hr, p.threatened)
    np.testing.assert_array_equal(got_coerced, coerced)
    np.testing.assert_array_equal(got_recruited, recruited)
    assert len(coerced) > 5 and len(recruited) > 5


def test_the_compiled_debt_and_trust_month_is_the_numpy_one(model):
    from sim.processes.reintegration import _debt_and_trust

    p, s = model.people, model.params.survivor
    community = p.in_community()
    debt, trust = p.debt.copy(), p.trust.copy()
    owing = np.flatnonzero(community & (debt > 0.0))
    repaying = p.employed[owing]
    debt[owing[repaying]] = np.maximum(debt[owing[repaying]] - s.debt_repayment_per_month, 0.0)
    debt[owing[~repaying]] = debt[owing[~repaying]] * (1.0 + s.debt_growth_per_month)
    helped = np.flatnonzero(community & ((p.support_left > 0) | p.monitored))
    trust[helped] = np.minimum(trust[helped] + s.trust_gain_per_supported_month, 1.0)

    got_debt, got_trust = p.debt.copy(), p.trust.copy()
    args = (community, p.employed, p.support_left, p.monitored, got_debt, got_trust)
    _debt_and_trust(
        *args,
        s.debt_repayment_per_month,
        1.0 + s.debt_growth_per_month,
        s.trust_gain_per_supported_month,
    )
    np.testing.assert_array_equal(got_debt.view(np.uint64), debt.view(np.uint64))
    np.testing.assert_array_equal(got_trust.view(np.uint64), trust.view(np.uint64))
    assert (got_debt != p.debt).sum() > 100 and (got_trust != p.trust).sum() > 100
    assert (got_debt == 0).sum() > (p.debt == 0).sum() and (got_trust == 1.0).any()


def test_the_compiled_first_retrafficking_record_is_the_numpy_one(model):
    from sim.people import IN_DEBT_MONTHS
    from sim.processes.common import _note_first
    from sim.states import Econ, Support

    p, month = model.people, model.month
    first_month = np.where(np.random.default_rng(2).random(model.n) < 0.3, 7, -1).astype(np.int16)
    idx = np.random.default_rng(3).permutation(model.n)[:1500]
    p.waiting_since[::5] = 3
    p.state[::11] = State.DEST_ASSISTANCE

    # The rules as numpy: econ by work and debt, then the protection in order of precedence.
    fi = idx[first_month[idx] < 0]
    employed, solvent = p.employed[fi], p.debt[fi] < IN_DEBT_MONTHS
    econ = np.full(len(fi), Econ.GETTING_BY, dtype=np.int8)
    econ[employed & solvent] = Econ.SECURE
    econ[~employed & ~solvent] = Econ.POOR
    status = np.full(len(fi), Support.NONE, dtype=np.int8)
    status[p.waiting_since[fi] >= 0] = Support.WAITING
    status[p.monitored[fi]] = Support.MONITORED
    status[p.support_left[fi] > 0] = Support.SUPPORTED
    status[p.state[fi] == State.DEST_ASSISTANCE] = Support.IN_ASSISTANCE

    got_month = first_month.copy()
    got_econ = np.full(model.n, -1, dtype=np.int8)
    got_status = np.full(model.n, -1, dtype=np.int8)
    now = (p.employed, p.debt, p.state, p.support_left, p.monitored, p.waiting_since)
    _note_first(idx, month, (got_month, got_econ, got_status), now, IN_DEBT_MONTHS)
    expected_month = first_month.copy()
    expected_month[fi] = month
    np.testing.assert_array_equal(got_month, expected_month)
    np.testing.assert_array_equal(got_econ[fi], econ)
    np.testing.assert_array_equal(got_status[fi], status)
    untouched = np.setdiff1d(np.arange(model.n), fi)
    assert (got_econ[untouched] == -1).all() and (got_status[untouched] == -1).all()
    assert len(np.unique(econ)) == 3 and len(np.unique(status)) == 5
