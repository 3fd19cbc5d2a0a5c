"""Exclusion and discovery limits: analytic limits of the profile likelihood and a second method
(a general-purpose minimiser of the same likelihood at the computed limits)."""

import math

import numpy as np
import pytest
from scipy import optimize
from scipy.stats import norm

from cevns_core import CevnsError, discovery_limit, exclusion_limit
from cevns_core.dark_matter import (
    binned_wimp_rates,
    limit_from_rates,
    log_bin_edges,
    neutrino_background,
)


def _asimov_q(kind, x, s, B, delta, MT):
    """The test statistic by scipy's bounded quasi-Newton minimiser (second method).

    Deviance 2 Σ [μ − n + n ln(n/μ)] written as 2 Σ μ [(1 + r) ln(1 + r) − r], r = (n − μ)/μ
    formed from the differences, so that it keeps its digits at 10¹⁰ events per bin.
    """
    signal = x * s

    def deviance_and_gradient(theta):
        mu_rate = theta @ B + (0.0 if kind == "discovery" else signal)
        excess = (signal if kind == "discovery" else -signal) + (1.0 - theta) @ B
        r = excess / mu_rate
        dev = 2.0 * MT * np.sum(mu_rate * ((1.0 + r) * np.log1p(r) - r))
        dev += np.sum(((theta - 1.0) / delta) ** 2)
        grad = -2.0 * MT * (B @ r) + 2.0 * (theta - 1.0) / delta**2
        return dev, grad

    res = optimize.minimize(
        deviance_and_gradient,
        np.ones(B.shape[0]),
        jac=True,
        method="L-BFGS-B",
        bounds=[(1e-9, None)] * B.shape[0],
        options={"ftol": 1e-16, "gtol": 1e-10, "maxiter": 10000},
    )
    return res.fun


@pytest.mark.parametrize("kind", ["discovery", "exclusion"])
def test_limits_solve_the_likelihood_condition(kind):
    # At the returned σ, an independent minimisation of the same binned likelihood gives
    # q = 9 (3σ discovery) or q = Φ⁻¹(0.9)² = 1.6424 (90 % exclusion).
    edges = log_bin_edges(0.05, 100.0, 15)
    masses = np.array([6.0, 50.0, 500.0])
    exposures = np.array([10.0, 1e4, 1e7])
    s = binned_wimp_rates("Xe", edges, masses) * 1e-45
    bkg = neutrino_background("Xe", edges)
    x, _ = limit_from_rates(s, bkg.rates, bkg.relative_uncertainty, exposures, kind=kind)
    target = 9.0 if kind == "discovery" else norm.ppf(0.9) ** 2
    for i in range(masses.size):
        for j in range(exposures.size):
            q = _asimov_q(kind, x[i, j], s[i], bkg.rates, bkg.relative_uncertainty, exposures[j])
            events = x[i, j] * exposures[j] * s[i].sum()
            floor = math.log(2.0) if kind == "discovery" else -math.log(0.1)
            if events > floor * (1 + 1e-9):  # not on the event-count bound
                assert q == pytest.approx(target, rel=2e-5), (i, j)
            else:
                assert q >= target * (1 - 1e-6)


def test_background_free_exclusion_scales_as_one_over_exposure():
    # No background: the 90 % limit is the Poisson limit of 2.303 events, σ ∝ 1/MT
    s = np.array([[3.0, 1.0, 0.5]])
    B = np.array([[1e-14, 1e-14, 1e-14]])
    MT = np.geomspace(1.0, 1e3, 4)
    x, events = limit_from_rates(s, B, [0.1], MT, kind="exclusion")
    np.testing.assert_allclose(events, -math.log(0.1), rtol=1e-12)
    np.testing.assert_allclose(x[0] * MT, x[0, 0] * MT[0], rtol=1e-12)
    # and a discovery needs ln 2 events (the median experiment sees one)
    _, events = limit_from_rates(s, B, [0.1], MT, kind="discovery")
    np.testing.assert_allclose(events, math.log(2.0), rtol=1e-12)


@pytest.mark.parametrize("b", [0.5, 20.0, 3000.0])
def test_single_bin_without_systematics_matches_cowan_formulae(b):
    # One bin, background known to 1e-8: Cowan, Cranmer, Gross & Vitells, EPJC 71 (2011) 1554,
    # Eq. (97): Z_A² = 2[(s + b) ln(1 + s/b) − s] for discovery; for the Asimov upper limit
    # q = 2[s − b ln(1 + s/b)] (data n = b, model b + s).
    _, events = limit_from_rates([[1.0]], [[b]], [1e-8], [1.0], kind="discovery")
    s_disc = optimize.brentq(lambda s: 2 * ((s + b) * math.log1p(s / b) - s) - 9.0, 1e-9, 1e6)
    assert events[0, 0] == pytest.approx(max(s_disc, math.log(2.0)), rel=1e-7)
    _, events = limit_from_rates([[1.0]], [[b]], [1e-8], [1.0], kind="exclusion")
    q90 = norm.ppf(0.9) ** 2
    s_excl = optimize.brentq(lambda s: 2 * (s - b * math.log1p(s / b)) - q90, 1e-9, 1e6)
    assert events[0, 0] == pytest.approx(max(s_excl, -math.log(0.1)), rel=1e-7)


def test_poisson_regime_has_gradient_index_two():
    # large known background: σ ∝ 1/√MT (O'Hare's n = 2)
    s = np.array([[1.0, 2.0, 1.0]])
    B = np.array([[5.0, 1.0, 5.0]])
    MT = np.array([1e4, 1e6])
    x, _ = limit_from_rates(s, B, [1e-9], MT, kind="discovery")
    n = -math.log(MT[1] / MT[0]) / math.log(x[0, 1] / x[0, 0])
    assert n == pytest.approx(2.0, rel=2e-3)


def test_saturation_when_the_signal_looks_like_the_background():
    # Signal with the spectral shape of one background component (s = c b): at large exposure
    # the normalisation absorbs the signal and q₀ → (x c / δ)²: the limit stops at x = Z δ / c
    # (the neutrino floor of Billard, Strigari & Figueroa-Feliciano, PRD 89 (2014) 023524).
    b = np.array([[4.0, 2.0, 1.0]])
    c, delta = 0.01, 0.05
    x, _ = limit_from_rates(c * b, b, [delta], [1e12, 1e14], kind="discovery")
    np.testing.assert_allclose(x[0], 3.0 * delta / c, rtol=2e-3)


def test_public_limits_shapes_and_settings():
    masses = np.array([0.3, 10.0, 100.0])
    result = discovery_limit("Xe", masses, [1e3, 1e4], threshold_keV=1.0)
    assert result.sigma_cm2.shape == (3, 2) and result.kind == "discovery"
    # a 0.3 GeV WIMP cannot give a 1 keV recoil on xenon: no limit
    assert np.all(np.isinf(result.sigma_cm2[0]))
    assert np.all(np.isfinite(result.sigma_cm2[1:])) and np.all(result.sigma_cm2[1:, 1] < 1e-44)
    assert result.info["threshold_keV"] == 1.0 and result.info["background_model"] == "ohare2021"
    assert "pp" not in result.info["background_components"]
    np.testing.assert_allclose(result.background_events[1] / result.background_events[0], 10.0)
    excl = exclusion_limit("Ge", 50.0, 1e3, threshold_keV=0.1, cl=0.95)
    assert excl.sigma_cm2.shape == (1, 1) and excl.info["cl"] == 0.95
    # a stricter significance needs a larger cross section
    five = discovery_limit("Xe", masses[1:], 1e4, threshold_keV=1.0, significance=5.0)
    assert np.all(five.sigma_cm2[:, 0] > result.sigma_cm2[1:, 1])


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: discovery_limit("Xe", 10.0, 1.0, threshold_keV=0.0), "threshold_keV"),
        (lambda: discovery_limit("Xe", 10.0, 1.0, threshold_keV=300.0), "E_max_keV"),
        (lambda: discovery_limit("Xe", -10.0, 1.0, threshold_keV=1.0), "masses_GeV"),
        (lambda: discovery_limit("Xe", 10.0, 0.0, threshold_keV=1.0), "exposures_kg_yr"),
        (lambda: discovery_limit("Xe", 10.0, 1.0, 1.0, significance=0.0), "significance"),
        (lambda: discovery_limit("Xe", 10.0, 1.0, 1.0, backgrounds="x"), "background model"),
        (lambda: exclusion_limit("Xe", 10.0, 1.0, threshold_keV=1.0, cl=1.0), "cl"),
        (lambda: limit_from_rates([[1.0]], [[1.0, 2.0]], [0.1], [1.0]), "shapes"),
        (lambda: limit_from_rates([[1.0]], [[1.0]], [0.1], [1.0], kind="upper"), "kind"),
    ],
)
def test_bad_inputs_raise(call, match):
    with pytest.raises(CevnsError, match=match):
        call()
