"""Tests of cevns_core.response.smearing: bin probabilities, observed densities, node cells."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, stats

from cevns_core.errors import CevnsError
from cevns_core.response import (
    FunctionalEfficiency,
    GaussianResolution,
    PoissonResolution,
    bin_probabilities,
    node_cells,
    observed_density,
)

LO = np.array([0.0, 1.0, 2.0, 3.0])
HI = LO + 1.0
MU = np.array([0.5, 1.7, 3.2, 7.0])


def test_without_resolution_each_recoil_is_in_the_bin_holding_its_mean():
    P = bin_probabilities(LO, HI, MU)
    assert P.tolist() == [
        [1.0, 0.0, 0.0, 0.0],
        [0.0, 1.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 1.0, 0.0],
    ]


def test_gaussian_bins_are_normal_cdf_differences():
    P = bin_probabilities(LO, HI, MU, resolution=GaussianResolution(sigma0=0.4))
    expected = stats.norm.cdf(HI[:, None], MU, 0.4) - stats.norm.cdf(LO[:, None], MU, 0.4)
    np.testing.assert_allclose(P, expected, rtol=1e-12, atol=1e-300)


def test_observed_efficiency_is_folded_with_the_resolution():
    # P_i = ∫_bin ε(x) N(x; μ, σ) dx, here checked against adaptive quadrature. ε is taken at the
    # midpoints of 16 sub-intervals (h = 1/16): for a linear ε the error is at most
    # |ε'| h²/12 ∫|N'| dx ≤ (1/4)(1/16)²/12 · 2/(σ√2π) = 1.6e-4.
    eff = FunctionalEfficiency(function=lambda x: np.clip(x / 4.0, 0.0, 1.0))
    P = bin_probabilities(LO, HI, MU, resolution=GaussianResolution(sigma0=0.4), efficiency=eff)
    for i in range(LO.size):
        for j in range(MU.size):
            exact, _ = integrate.quad(
                lambda x, m=MU[j]: min(max(x / 4.0, 0.0), 1.0) * stats.norm.pdf(x, m, 0.4),
                LO[i],
                HI[i],
            )
            assert P[i, j] == pytest.approx(exact, abs=1.6e-4)


def test_poisson_bins_hold_the_integers_inside_them():
    # bins [0, 0.5), [0.5, 3), [3, 10) hold n = 0; n = 1, 2; n = 3 … 9
    lo, hi = np.array([0.0, 0.5, 3.0]), np.array([0.5, 3.0, 10.0])
    mu = np.array([0.8, 4.0])
    P = bin_probabilities(lo, hi, mu, resolution=PoissonResolution())
    for j, m in enumerate(mu):
        pmf = stats.poisson.pmf(np.arange(10), m)
        assert P[:, j] == pytest.approx([pmf[0], pmf[1:3].sum(), pmf[3:10].sum()], rel=1e-12)
    eff = FunctionalEfficiency(function=lambda n: np.minimum(n / 5.0, 1.0))
    Pe = bin_probabilities(lo, hi, mu, resolution=PoissonResolution(), efficiency=eff)
    n = np.arange(10)
    weighted = stats.poisson.pmf(n, mu[1]) * np.minimum(n / 5.0, 1.0)
    assert Pe[:, 1] == pytest.approx([0.0, weighted[1:3].sum(), weighted[3:10].sum()], rel=1e-12)


def test_observed_density_is_the_resolution_density():
    x = np.linspace(-1.0, 9.0, 41)
    K = observed_density(x, MU, resolution=GaussianResolution(sigma0=0.4))
    np.testing.assert_allclose(K, stats.norm.pdf(x[:, None], MU, 0.4), rtol=1e-12)
    with pytest.raises(CevnsError, match=r"needs integer x, got 0\.5"):
        observed_density([0.5], MU, resolution=PoissonResolution())


def test_node_cells_lie_between_the_midpoints():
    # nodes T = 0, 1, 3 with observable 2T: cells [0, 1], [1, 4], [4, 8] (outer ones symmetric)
    lower, upper = node_cells([3.0, 0.0, 1.0], [6.0, 0.0, 2.0])
    assert lower.tolist() == [4.0, 0.0, 1.0]
    assert upper.tolist() == [8.0, 1.0, 4.0]
    with pytest.raises(CevnsError, match="must not repeat"):
        node_cells([1.0, 1.0], [2.0, 2.0])


def test_a_gap_free_chain_of_bins_equals_the_cdf_at_both_ends():
    # adjacent bins with an efficiency: sub-intervals form one chain; P must equal the sums of
    # ε(mid) (CDF(b) − CDF(a)) written out directly (second route, scipy.stats.norm)
    res = GaussianResolution(sigma0=0.3, stochastic=0.5)
    eff = FunctionalEfficiency(function=lambda x: np.clip(x / 4.0, 0.0, 1.0))
    lo = np.array([0.0, 1.0, 2.5])
    hi = np.array([1.0, 2.5, 4.0])
    mu = np.linspace(0.0, 5.0, 11)
    P = bin_probabilities(lo, hi, mu, resolution=res, efficiency=eff)
    sigma = res.sigma(mu)
    for i in range(lo.size):
        edges = np.linspace(lo[i], hi[i], 17)
        a, b = edges[:-1, None], edges[1:, None]
        cdf = stats.norm.cdf(b, mu, sigma) - stats.norm.cdf(a, mu, sigma)
        want = np.sum(np.clip((a + b) / 8.0, 0.0, 1.0) * np.maximum(cdf, 0.0), axis=0)
        np.testing.assert_allclose(P[i], want, rtol=1e-12, atol=1e-300)
