"""Tests of cevns_core.response.resolution against scipy.stats and the COHERENT 2021 release."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, special, stats

from cevns_core.response import GammaResolution, GaussianResolution, PoissonResolution


def test_gaussian_matches_scipy_normal():
    # σ² = σ0² + F ε_pair E + a² E + c² E² (PHYSICS §6.4); second method: scipy.stats.norm
    res = GaussianResolution(
        sigma0=0.1, fano=0.11, pair_energy_eV=2.96, stochastic=0.3, linear=0.02
    )
    mu = np.array([0.5, 3.0, 12.0])
    sigma = np.sqrt(0.1**2 + 0.11 * 2.96e-3 * mu + 0.3**2 * mu + 0.02**2 * mu**2)
    x = np.linspace(-2.0, 20.0, 23)[:, None]
    assert res.sigma(mu) == pytest.approx(sigma, rel=1e-14)
    assert res.variance(mu) == pytest.approx(sigma**2, rel=1e-14)
    np.testing.assert_allclose(res.cdf(x, mu, mu), stats.norm.cdf(x, mu, sigma), rtol=1e-12)
    np.testing.assert_allclose(res.pdf(x, mu, mu), stats.norm.pdf(x, mu, sigma), rtol=1e-12)


def test_gaussian_without_width_is_a_step_at_the_mean():
    # σ = 0: the CDF is 0 at x = μ, so the interval [lo, hi) holding μ receives the recoil
    res = GaussianResolution()
    x = np.array([0.9, 1.0, 1.1])
    assert res.cdf(x, np.array(1.0), np.array(0.0)).tolist() == [0.0, 0.0, 1.0]
    assert res.pdf(x, np.array(1.0), np.array(0.0)).tolist() == [0.0, 0.0, 0.0]


def test_poisson_matches_scipy_poisson():
    res = PoissonResolution()
    n = np.arange(0.0, 30.0)
    assert res.discrete and res.observables == ("PE",)
    np.testing.assert_allclose(res.pdf(n, 7.3, 0.0), stats.poisson.pmf(n, 7.3), rtol=1e-13)
    # P(X ≤ floor(x)) between the integers, 0 below 0
    np.testing.assert_allclose(res.cdf(n + 0.5, 7.3, 0.0), stats.poisson.cdf(n, 7.3), rtol=1e-13)
    assert float(res.cdf(np.array(-0.5), 7.3, 0.0)) == 0.0


def test_gamma_is_the_release_distribution():
    # arXiv:2110.07730 supplement (as quoted): a = 0.0749/Eee, b = 9.56·Eee,
    # P(x) = (a(1+b))^(1+b)/Γ(1+b) · x^b · e^(−a(1+b)x); with LY = 1/0.0749 the mean is LY·Eee
    Tee = 1.5
    a, b = 0.0749 / Tee, 9.56 * Tee
    mean = Tee / 0.0749
    x = np.linspace(1.0, 60.0, 60)
    log_release = (1 + b) * math.log(a * (1 + b)) - special.gammaln(1 + b) + b * np.log(x)
    release = np.exp(log_release - a * (1 + b) * x)
    res = GammaResolution()
    np.testing.assert_allclose(res.pdf(x, mean, Tee), release, rtol=1e-10)
    for upper in (10.0, 20.0, 35.0):
        by_quadrature, _ = integrate.quad(
            lambda t: math.exp(
                (1 + b) * math.log(a * (1 + b))
                - special.gammaln(1 + b)
                + b * math.log(t)
                - a * (1 + b) * t
            ),
            0.0,
            upper,
        )
        assert float(res.cdf(np.array(upper), mean, Tee)) == pytest.approx(by_quadrature, rel=1e-9)
    assert float(res.variance(mean, Tee)) == pytest.approx(mean**2 / (1 + b), rel=1e-14)


def test_gaussian_mixed_widths_blend_the_step_and_the_normal_cdf():
    # one zero width among positive ones: the step at μ for it, scipy's normal CDF for the others
    res = GaussianResolution(stochastic=0.5)
    mu = np.array([0.0, 1.0, 4.0])  # σ = 0.5 √μ: 0, 0.5, 1
    x = np.array([-0.5, 0.0, 0.5, 2.0])[:, None]
    got = res.cdf(x, mu, mu)
    np.testing.assert_array_equal(got[:, 0], [0.0, 0.0, 1.0, 1.0])
    np.testing.assert_allclose(got[:, 1:], stats.norm.cdf(x, mu[1:], [0.5, 1.0]), rtol=1e-12)
