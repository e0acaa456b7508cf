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


def _ridge(n=500, dim=6, seed=4):
    """Particles on a ridge: the first two parameters trade off, the rest are uniform."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, dim))
    t = rng.beta(8, 8, n)
    x[:, 0] = np.clip(t + rng.normal(0, 0.02, n), 0.01, 0.99)
    x[:, 1] = np.clip(1 - t + rng.normal(0, 0.02, n), 0.01, 0.99)
    return pd.DataFrame(x, columns=[f"p{i}" for i in range(dim)])


def test_the_copula_density_is_a_density_on_the_cube_and_keeps_the_ridge():
    from calibration.proposals import CopulaProposal

    population = _ridge()
    proposal = CopulaProposal()
    proposal.fit(population, np.full(len(population), 1 / len(population)))
    np.random.seed(5)  # noqa: NPY002
    draws = pd.DataFrame([proposal.rvs_single() for _ in range(6000)])
    assert ((draws > 0) & (draws < 1)).all().all()
    # a density: on the plane of the two correlated parameters it integrates to 1 (midpoint
    # rule on a 300 x 300 grid)
    grid = (np.arange(300) + 0.5) / 300
    a, b = np.meshgrid(grid, grid)
    plane = pd.DataFrame({"p0": a.ravel(), "p1": b.ravel()})
    two = CopulaProposal()
    two.fit(population[["p0", "p1"]], np.full(len(population), 1 / len(population)))
    assert two.pdf(plane[["p0", "p1"]]).mean() == pytest.approx(1.0, abs=0.02)
    # with no correlation left it is the betas' product, as BetaProposal's
    flat = CopulaProposal(shrinkage=1.0)
    flat.fit(population, np.full(len(population), 1 / len(population)))
    beta = BetaProposal()
    beta.fit(population, np.full(len(population), 1 / len(population)))
    np.testing.assert_allclose(flat.pdf(draws.iloc[:50]), beta.pdf(draws.iloc[:50]), rtol=1e-9)
    # the trade-off is proposed (the betas alone would propose no correlation)
    observed = np.corrcoef(population["p0"], population["p1"])[0, 1]
    proposed = np.corrcoef(draws["p0"], draws["p1"])[0, 1]
    assert observed < -0.9 and proposed < 0.6 * observed, (observed, proposed)
    # and a uniform marginal stays uniform
    assert abs(draws["p4"].mean() - 0.5) < 0.02 and abs(draws["p4"].var() - 1 / 12) < 0.01
    # one particle and a frame agree
    assert proposal.pdf(draws.iloc[0]) == pytest.approx(proposal.pdf(draws.iloc[:1])[0])


def test_the_copula_keeps_weights_healthy_in_24_dimensions():
    from calibration.proposals import CopulaProposal

    assert _ess_share(CopulaProposal(), _population(), draws=1000) > 0.5
