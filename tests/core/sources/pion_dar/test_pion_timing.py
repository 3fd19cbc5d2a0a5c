"""Tests of cevns_core.sources.pion_dar.timing: pulse convolutions and arrival times (§5.2)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

from cevns_core.errors import CevnsError
from cevns_core.sources import (
    ProtonPulse,
    delayed_time_cdf,
    delayed_time_pdf,
    prompt_time_cdf,
    prompt_time_pdf,
)
from cevns_core.units import TAU_MU_ns, TAU_PI_ns

# -- timing -----------------------------------------------------------------------------------
SNS_PULSE = ProtonPulse("gaussian", 380.0, t0_ns=0.0)


def test_r35_fractions_before_one_microsecond():
    # R35 (PHYSICS §5.2): 380 ns FWHM Gaussian at t0 = 0 → 35.6 % of delayed before 1 μs (1e-3),
    # > 99.99 % of prompt
    assert float(delayed_time_cdf(1000.0, SNS_PULSE)) == pytest.approx(0.356, abs=1e-3)
    assert float(prompt_time_cdf(1000.0, SNS_PULSE)) > 0.9999


def _numerical_convolution(t, pulse_pdf, kernel, lo, hi, knots=()):
    """Second method: adaptive quadrature of ∫_lo^min(t, hi) b(s) k(t − s) ds."""
    out = []
    for tt in np.atleast_1d(t):
        top = min(tt, hi)
        if top <= lo:
            out.append(0.0)
            continue
        pts = [k for k in knots if lo < k < top]
        val, _ = integrate.quad(
            lambda s, tt=tt: float(pulse_pdf(s) * kernel(tt - s)),
            lo,
            top,
            points=pts or None,
            limit=400,
            epsabs=1e-14,
            epsrel=1e-10,
        )
        out.append(val)
    return np.array(out)


def _exp_kernel(tau):
    return lambda x: np.where(x >= 0, np.exp(-np.maximum(x, 0) / tau) / tau, 0.0)


def _chain_kernel(x):
    xp = np.maximum(x, 0.0)
    return np.where(
        x >= 0, (np.exp(-xp / TAU_MU_ns) - np.exp(-xp / TAU_PI_ns)) / (TAU_MU_ns - TAU_PI_ns), 0.0
    )


@pytest.mark.parametrize(
    "pulse",
    [
        SNS_PULSE,
        ProtonPulse("triangular", 280.0, t0_ns=100.0),
        ProtonPulse("rectangular", 600.0),
        ProtonPulse("tabulated", table_t_ns=[0, 100, 250, 400], table_weight=[0, 3, 1, 0]),
    ],
    ids=["gaussian", "triangular", "rectangular", "tabulated"],
)
def test_closed_form_matches_numerical_convolution(pulse):
    t = np.array([-300.0, -50.0, 0.0, 40.0, 150.0, 333.0, 800.0, 2500.0])
    lo, hi = -2000.0, 2000.0
    knots = (-140.0, -40.0, 0.0, 100.0, 240.0, -300.0, 300.0, 250.0, 400.0)
    num_prompt = _numerical_convolution(t, pulse.pdf, _exp_kernel(TAU_PI_ns), lo, hi, knots)
    num_delayed = _numerical_convolution(t, pulse.pdf, _chain_kernel, lo, hi, knots)
    np.testing.assert_allclose(prompt_time_pdf(t, pulse), num_prompt, rtol=1e-7, atol=1e-15)
    np.testing.assert_allclose(delayed_time_pdf(t, pulse), num_delayed, rtol=1e-7, atol=1e-15)


@pytest.mark.parametrize(
    "pulse",
    [SNS_PULSE, ProtonPulse("triangular", 280.0), ProtonPulse("rectangular", 600.0)],
    ids=["gaussian", "triangular", "rectangular"],
)
def test_timing_pdfs_normalised_and_consistent_with_cdfs(pulse):
    t = np.linspace(-3000.0, 60000.0, 400001)
    for pdf, cdf in ((prompt_time_pdf, prompt_time_cdf), (delayed_time_pdf, delayed_time_cdf)):
        p = pdf(t, pulse)
        assert np.all(p >= 0)
        assert np.trapezoid(p, t) == pytest.approx(1.0, abs=1e-6)
        # cumulative fraction vs integral of the density
        k = int(np.searchsorted(t, 1500.0))
        partial = np.trapezoid(p[: k + 1], t[: k + 1])
        assert float(cdf(t[k], pulse)) == pytest.approx(partial, abs=1e-6)


def test_tabulated_gaussian_reproduces_closed_form():
    sigma = 380.0 / (2 * math.sqrt(2 * math.log(2)))
    ts = np.linspace(-6 * sigma, 6 * sigma, 1201)
    table = ProtonPulse("tabulated", table_t_ns=ts, table_weight=np.exp(-0.5 * (ts / sigma) ** 2))
    t = np.array([-200.0, 0.0, 300.0, 1000.0, 5000.0])
    np.testing.assert_allclose(
        delayed_time_pdf(t, table), delayed_time_pdf(t, SNS_PULSE), rtol=1e-4
    )
    assert float(delayed_time_cdf(1000.0, table)) == pytest.approx(0.356, abs=1e-3)


def test_emg_stable_far_from_pulse():
    t = np.array([-1e5, -5000.0, 1e5, 1e6])
    for pdf in (prompt_time_pdf, delayed_time_pdf):
        p = pdf(t, SNS_PULSE)
        assert np.all(np.isfinite(p)) and np.all(p >= 0)
    assert float(prompt_time_pdf(-5000.0, SNS_PULSE)) < 1e-100


def test_bad_pulses():
    with pytest.raises(CevnsError):
        ProtonPulse("tabulated", table_t_ns=[0, 1, 1], table_weight=[1, 1, 1])
    with pytest.raises(CevnsError):
        ProtonPulse("tabulated", table_t_ns=[0, 1], table_weight=[0, 0])
    with pytest.raises(CevnsError):
        ProtonPulse("tabulated", table_t_ns=[0, 1], table_weight=[1, -1])
    with pytest.raises(CevnsError):
        ProtonPulse("gaussian", None)
    with pytest.raises(CevnsError, match="pulse"):
        prompt_time_pdf(0.0, ProtonPulse("none", None))
