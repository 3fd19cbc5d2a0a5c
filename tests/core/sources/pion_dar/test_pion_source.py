"""Tests of cevns_core.sources.pion_dar.source: normalisation, presets and timing of the source."""

from __future__ import annotations

import numpy as np
import pytest

from cevns_core.errors import CevnsError
from cevns_core.sources import (
    PionDecayAtRest,
    ProtonPulse,
    delayed_time_pdf,
    pot_rate_per_s,
    prompt_time_pdf,
)

SNS_PULSE = ProtonPulse("gaussian", 380.0, t0_ns=0.0)


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
