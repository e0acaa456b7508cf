"""The fit's proposal: valid densities, and importance weights healthy in 24 dimensions."""

import numpy as np
import pandas as pd
import pytest

from calibration.abc import BetaProposal


def _population(n=500, dim=24, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.random((n, dim)), columns=[f"p{i}" for i in range(dim)])


def _ess_share(transition, population, draws=2000, seed=1):
    """Effective sample size share of prior/proposal weights (uniform prior on the cube)."""
    np.random.seed(seed)  # noqa: NPY002 - pyabc's transitions draw from the legacy RNG
    transition.fit(population, np.full(len(population), 1 / len(population)))
    weights = []
    while len(weights) < draws:
        x = transition.rvs_single()
        v = np.array([x[c] for c in population.columns])
        if ((v >= 0) & (v <= 1)).all():  # pyabc draws again outside the prior
            weights.append(1.0 / transition.pdf(x))
    w = np.asarray(weights)
    return (w.sum() ** 2 / (w**2).sum()) / len(w)


def test_its_density_is_the_product_of_betas_it_draws_from():
    from scipy import stats

    rng = np.random.default_rng(2)
    population = pd.DataFrame({"a": rng.beta(2, 5, 300), "b": rng.random(300)})
    proposal = BetaProposal(inflation=1.5)
    proposal.fit(population, np.full(300, 1 / 300))
    x = population.iloc[:5]
    expected = stats.beta.pdf(x["a"], proposal.a[0], proposal.b[0]) * stats.beta.pdf(
        x["b"], proposal.a[1], proposal.b[1]
    )
    np.testing.assert_allclose(proposal.pdf(x), expected)
    assert proposal.pdf(x.iloc[0]) == pytest.approx(expected[0])
    # the mean is the particles', the variance 1.5 times theirs (the uniform one stays uniform)
    mean = proposal.a / (proposal.a + proposal.b)
    np.testing.assert_allclose(mean, population.mean(), rtol=1e-6)
    var = mean * (1 - mean) / (proposal.a + proposal.b + 1)
    assert var[0] == pytest.approx(1.5 * population["a"].var())
    assert (proposal.a[1], proposal.b[1]) == pytest.approx((1.0, 1.0), abs=0.05)
    np.random.seed(3)  # noqa: NPY002
    draws = np.array([list(proposal.rvs_single().values()) for _ in range(4000)])
    assert ((draws > 0) & (draws < 1)).all()
    np.testing.assert_allclose(draws.mean(axis=0), mean, atol=0.02)


def test_weights_stay_healthy_in_24_dimensions_where_the_kernel_estimate_collapses():
    """Why the fit does not use pyabc's default kernel density proposal."""
    from pyabc.transition import MultivariateNormalTransition

    population = _population()
    ours = _ess_share(BetaProposal(), population)
    # few draws: in 24 dimensions most of the kernel's draws leave the cube and are drawn again
    kernel = _ess_share(MultivariateNormalTransition(), population, draws=300)
    assert ours > 0.5, ours
    assert kernel < 0.25, kernel
