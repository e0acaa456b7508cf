"""Processes against their analytic expectations, with fixed seeds and stated tolerances."""

import numpy as np

from sim import processes
from sim.outcomes import at_risk, kaplan_meier
from sim.rates import prob
from sim.states import State
from tests.conftest import tiny

TOL_SD = 4  # four binomial standard deviations: a real bug moves far more


def test_monthly_exit_share_matches_exit_rate():
    n, rate = 20_000, 0.15
    m = tiny(
        n,
        state=State.EXPLOITED,
        survivor__exit_rate_per_month=rate,
        traffickers__removal_rate_per_month=0.0,
    )
    processes.exploitation(m)
    p = float(prob(rate))
    exits = int((m.people.state == State.EXITED).sum())
    assert abs(exits - n * p) < TOL_SD * np.sqrt(n * p * (1 - p)), (exits, n * p)


def test_episode_length_is_geometric_with_mean_one_over_p():
    n, rate = 5_000, 0.3
    m = tiny(
        n,
        state=State.EXPLOITED,
        month=1,
        survivor__exit_rate_per_month=rate,
        traffickers__removal_rate_per_month=0.0,
    )
    p = float(prob(rate))
    length = np.zeros(n)
    for month in range(1, 80):
        m.month = month
        still = m.people.state == State.EXPLOITED
        processes.exploitation(m)
        left = still & (m.people.state == State.EXITED)
        length[left] = month
    assert (length > 0).all()
    # Geometric on {1, 2, ...}: mean 1/p, sd sqrt(1-p)/p.
    sd_mean = np.sqrt(1 - p) / p / np.sqrt(n)
    assert abs(length.mean() - 1 / p) < TOL_SD * sd_mean


def test_job_finding_share_matches_rate():
    n, rate = 20_000, 0.2
    m = tiny(
        n,
        survivor__job_find_rate_per_month=rate,
        cohort__share_low_education=0.0,
        services__share_vocational=0.0,
    )
    m.people.low_education[:] = False
    m.people.package[:] = 0
    processes.reintegration(m)
    p = float(prob(rate))
    hired = int(m.people.employed.sum())
    assert abs(hired - n * p) < TOL_SD * np.sqrt(n * p * (1 - p))


def test_kaplan_meier_equals_plain_share_without_censoring():
    months = np.array([0, 1, 1, 3, 5, 5])
    event = np.array([True, True, False, True, False, False])
    # Without censoring before the horizon: P(T < t) is the plain share.
    curve = kaplan_meier(np.array([0, 2, 2, 4]), np.array([True, True, True, False]), 3)
    assert np.allclose(curve, [0.0, 0.25, 0.25, 0.75])
    # With censoring, hand computed: someone censored after 1 month was observed in month 0
    # only. Month 0: 1 event of 6 at risk; month 1: 1 of 4; month 3: 1 of 3.
    curve = kaplan_meier(months, event, 6)
    s0 = 5 / 6
    s1 = s0 * (1 - 1 / 4)
    s3 = s1 * (1 - 1 / 3)
    assert np.allclose(curve[[1, 2, 4]], [1 - s0, 1 - s1, 1 - s3])
    assert at_risk(months, event, 6).tolist() == [6, 4, 3, 3, 2, 0, 0]
