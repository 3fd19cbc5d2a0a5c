"""π-DAR source: spectra, normalisation, facilities and timing (PHYSICS.md §5.1–5.2, §11)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

from cevns_core.errors import CevnsError
from cevns_core.sources import (
    FACILITIES,
    E_NU_MU_PROMPT_MeV,
    MICHEL_E_MAX_MeV,
    PionDecayAtRest,
    ProtonPulse,
    delayed_time_cdf,
    delayed_time_pdf,
    facility,
    michel_nu_e,
    michel_nubar_mu,
    pot_rate_per_s,
    prompt_time_cdf,
    prompt_time_pdf,
)
from cevns_core.units import TAU_MU_ns, TAU_PI_ns


# -- energy spectra ---------------------------------------------------------------------------
def test_r1_prompt_line_energy():
    # R1 (PHYSICS §11): E_νμ = (m_π² − m_μ²)/(2m_π) = 29.792 MeV, 1e-4 rel
    assert E_NU_MU_PROMPT_MeV == pytest.approx(29.792, rel=1e-4)


def test_r2_spectra_normalised_per_decay():
    # R2: ∫Φ = 1 per flavour per decay, 1e-6; second method: scipy quad on the closed forms
    src = PionDecayAtRest(protons_on_target=1.0, distance_m=1.0)
    phi = src.line_intensity()
    for flavour in ("nu_e", "nubar_mu", "nu_mu"):
        assert src.integrated(flavour) / phi == pytest.approx(1.0, abs=1e-6)
    for f in (michel_nu_e, michel_nubar_mu):
        val, _ = integrate.quad(lambda e, f=f: float(f(e)), 0.0, MICHEL_E_MAX_MeV)
        assert val == pytest.approx(1.0, abs=1e-9)


def test_r3_mean_energies():
    # R3: ⟨E⟩ ν_e = 31.698, ν̄_μ = 36.980 MeV, 1e-4 rel
    src = PionDecayAtRest()
    assert src.mean_energy_MeV("nu_e") == pytest.approx(31.698, rel=1e-4)
    assert src.mean_energy_MeV("nubar_mu") == pytest.approx(36.980, rel=1e-4)
    assert src.mean_energy_MeV("nu_mu") == pytest.approx(29.792, rel=1e-4)


def test_michel_shapes_vanish_outside_support():
    E = np.array([0.0, MICHEL_E_MAX_MeV, 53.0, 100.0])
    assert michel_nu_e(E)[0] == 0.0
    assert michel_nu_e(E)[1] == pytest.approx(0.0, abs=1e-15)  # (1/2 − E/m_μ) = 0 at the end
    assert np.all(michel_nu_e(E)[2:] == 0.0)
    assert np.all(michel_nubar_mu(E)[2:] == 0.0)
    with pytest.raises(CevnsError):
        michel_nu_e(-1.0)


# -- normalisation ----------------------------------------------------------------------------
def test_r26_coherent_2017_fluence():
    # R26: r = 0.08, N_POT = 1.76e23, L = 19.3 m → 3.008e14 cm⁻² per flavour, 1e-3 rel
    src = PionDecayAtRest(protons_on_target=1.76e23, distance_m=19.3, neutrinos_per_proton=0.08)
    assert src.normalisation == "fluence"
    assert src.unit == "cm^-2"
    for flavour in ("nu_mu", "nu_e", "nubar_mu"):
        assert src.integrated(flavour) == pytest.approx(3.008e14, rel=1e-3)
    assert src.lines("nu_mu")[0].intensity == pytest.approx(3.008e14, rel=1e-3)


def test_pot_rate_and_r39_flux():
    # PHYSICS §5.1: SNS 1.4 MW at 1 GeV → 8.74e15 POT/s
    assert pot_rate_per_s(1.4, 1.0) == pytest.approx(8.74e15, rel=1e-3)
    # R39: 1.4 MW, r = 0.08, 19.3 m → 4.5e7 cm⁻² s⁻¹ (three flavours); CDG ≈ 4.3e7 within 10 %
    src = PionDecayAtRest()
    assert src.normalisation == "flux"
    total = src.integrated()
    assert total == pytest.approx(4.5e7, rel=0.01)
    assert total == pytest.approx(4.3e7, rel=0.10)


def test_exposure_modes_switch_normalisation():
    src = PionDecayAtRest()
    rate = src.line_intensity()
    src.exposure_s = 100.0
    assert src.normalisation == "fluence"
    assert src.line_intensity() == pytest.approx(100.0 * rate, rel=1e-12)
    src.exposure_s = None
    assert src.normalisation == "flux"
    # COHERENT CsI data release: 7.47594 GWh at 1 GeV → 1.68e23 POT (energy / E_p)
    gwh = PionDecayAtRest(exposure_GWh=7.47594)
    assert gwh.protons() == pytest.approx(7.47594 * 3.6e12 / 1.602176634e-10, rel=1e-12)
    # an hour of 1 GW-beam equals 1 GWh
    assert PionDecayAtRest(beam_power_MW=10.0, exposure_s=360000.0).protons() == pytest.approx(
        PionDecayAtRest(exposure_GWh=1.0).protons(), rel=1e-12
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"beam_power_MW": -1.0},
        {"distance_m": -5.0},
        {"distance_m": 0.0},
        {"protons_on_target": -1e20},
        {"neutrinos_per_proton": 0.0},
        {"proton_energy_GeV": 0.0},
        {"exposure_s": -1.0},
        {"pulse_shape": "sawtooth"},
        {"pulse_width_ns": -3.0},
        {"protons_on_target": 1e23, "exposure_s": 10.0},
        {"beam_power_MW": None},
        {"pulse_shape": "tabulated"},
        {"nonsense": 1},
    ],
)
def test_bad_parameters_raise(kwargs):
    with pytest.raises(CevnsError):
        PionDecayAtRest(**kwargs)


# -- facilities -------------------------------------------------------------------------------
def test_facility_presets():
    # PHYSICS §5.1 (Pandey Sec. V)
    assert facility("sns").beam_power_MW == 1.4 and facility("sns").proton_energy_GeV == 1.0
    assert facility("sns_upgrade").beam_power_MW == 2.0
    assert facility("sns_upgrade").proton_energy_GeV == 1.3
    assert facility("jparc_mlf").proton_energy_GeV == 3.0
    assert facility("ess").beam_power_MW == 5.0 and facility("ess").proton_energy_GeV == 2.0
    assert facility("lujan").pulse_shape == "triangular"
    assert facility("lujan").pulse_width_ns == 280.0
    assert facility("lujan").beam_power_MW is None  # not citable → required
    assert facility("pip2_bd").beam_power_MW is None
    assert facility("sns_second_target").beam_power_MW == pytest.approx(2.8 * 15 / 60)
    for preset in FACILITIES.values():
        assert preset.references
    with pytest.raises(CevnsError, match="facility"):
        facility("fermilab_booster")


def test_from_facility_requires_uncited_power():
    with pytest.raises(CevnsError, match="beam_power_MW"):
        PionDecayAtRest.from_facility("lujan")
    src = PionDecayAtRest.from_facility("lujan", beam_power_MW=0.1, distance_m=23.0)
    assert src.pulse.shape == "triangular"
    fluence = PionDecayAtRest.from_facility("pip2_bd", protons_on_target=1e22)
    assert fluence.normalisation == "fluence"
    sns = PionDecayAtRest.from_facility("sns")
    assert sns.integrated() == pytest.approx(PionDecayAtRest().integrated(), rel=1e-12)
    with pytest.raises(CevnsError, match="pulse"):
        PionDecayAtRest.from_facility("ess").time_pdf("nu_e", 0.0)


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


def test_source_time_methods():
    src = PionDecayAtRest(protons_on_target=1.76e23)
    t = np.array([0.0, 500.0, 3000.0])
    np.testing.assert_allclose(src.time_pdf("nu_mu", t), prompt_time_pdf(t, SNS_PULSE))
    np.testing.assert_allclose(src.time_pdf("nubar_mu", t), delayed_time_pdf(t, SNS_PULSE))
    assert float(src.time_cdf("nu_e", 1000.0)) == pytest.approx(0.356, abs=1e-3)
    with pytest.raises(CevnsError, match="nu_tau"):
        src.time_pdf("nu_tau", t)
    with pytest.raises(CevnsError):
        src.time_pdf("nu_x", t)


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
