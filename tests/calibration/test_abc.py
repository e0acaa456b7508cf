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


def test_the_closing_proposal_is_the_mixture_it_draws_from_and_follows_the_weights():
    from scipy import stats

    from calibration.abc import ClosingProposal

    rng = np.random.default_rng(4)
    population = pd.DataFrame({"a": rng.random(400), "b": rng.random(400)})
    # weights that make "a" a beta(8, 2) posterior: the fit must follow them, not the particles
    weights = stats.beta.pdf(population["a"], 8, 2)
    proposal = ClosingProposal(inflation=1.0, prior_share=0.5)
    proposal.fit(population, weights / weights.sum())
    mean = proposal.a / (proposal.a + proposal.b)
    assert mean[0] == pytest.approx(0.8, abs=0.03)  # the unweighted mean is 0.5
    x = population.iloc[:5]
    expected = (0.5 * stats.beta.pdf(x["a"], proposal.a[0], proposal.b[0]) + 0.5) * (
        0.5 * stats.beta.pdf(x["b"], proposal.a[1], proposal.b[1]) + 0.5
    )
    np.testing.assert_allclose(proposal.pdf(x), expected)
    assert proposal.pdf(x.iloc[0]) == pytest.approx(expected[0])
    np.random.seed(5)  # noqa: NPY002
    draws = np.array([proposal.rvs_single()["a"] for _ in range(6000)])
    # half the draws uniform (mean 1/2), half from the beta: the mixture's mean and density
    assert draws.mean() == pytest.approx(0.5 * 0.5 + 0.5 * mean[0], abs=0.015)
    counts, edges = np.histogram(draws, bins=10, range=(0, 1))
    centre = (edges[:-1] + edges[1:]) / 2
    density = 0.5 * stats.beta.pdf(centre, proposal.a[0], proposal.b[0]) + 0.5
    np.testing.assert_allclose(counts / len(draws) * 10, density, rtol=0.2, atol=0.05)


def test_the_closing_proposal_keeps_weights_even_where_the_betas_do_not():
    """Why a fit closes: 24 mildly informed parameters make the betas' weights uneven.

    Accepted particles follow proposal times likelihood and weigh prior over proposal, so
    the effective sample size share is ``1 / (E[q] E[1/q])`` over the posterior.
    """
    from calibration.abc import ClosingProposal

    rng = np.random.default_rng(6)
    # a posterior tilted a little in every parameter: beta(1, 1.3), mean 0.43
    population = pd.DataFrame(rng.beta(1, 1.3, (4000, 24)), columns=[f"p{i}" for i in range(24)])
    even = np.full(len(population), 1 / len(population))

    def share(proposal):
        proposal.fit(population, even)
        q = proposal.pdf(population)
        return 1 / (q.mean() * (1 / q).mean())

    closing, betas = share(ClosingProposal()), share(BetaProposal(inflation=3.0))
    assert closing > 0.8, closing
    assert betas < 0.5, betas
