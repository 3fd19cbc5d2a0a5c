"""Standard Halo Model: conventional values and the closed-form mean inverse speed η(v_min).

η is checked against a direct two-dimensional quadrature of its definition,
η(v_min) = ∫_{v > v_min} f_gal(v⃗ + v⃗_E)/v d³v with f_gal ∝ exp(−v²/v₀²) Θ(v_esc − v),
with the normalisation integrated numerically too (no closed form shared with the code).
"""

import math

import numpy as np
import pytest
from scipy import integrate

from cevns_core import CevnsError
from cevns_core.dark_matter import HALO_PRESETS, StandardHaloModel, sun_speed_kms


def _eta_numerical(v_min, v0, v_esc, v_E):
    """η by dblquad over the Earth-frame speed v and cosθ between v⃗ and v⃗_E."""
    norm, _ = integrate.quad(lambda u: 4 * math.pi * u * u * math.exp(-((u / v0) ** 2)), 0, v_esc)

    def c_max(v):
        return min(1.0, (v_esc**2 - v**2 - v_E**2) / (2 * v * v_E))

    def integrand(c, v):
        return 2 * math.pi * v * math.exp(-(v * v + v_E * v_E + 2 * v * v_E * c) / v0**2)

    val, _ = integrate.dblquad(
        integrand, v_min, v_esc + v_E, lambda v: -1.0, c_max, epsabs=0, epsrel=1e-10
    )
    return val / norm


@pytest.mark.parametrize("preset", ["baxter2021", "ohare2021"])
@pytest.mark.parametrize("v_min", [0.0, 150.0, 300.0, 450.0, 600.0, 760.0])
def test_eta_closed_form_matches_quadrature(preset, v_min):
    # covers both branches of the closed form: v_min < v_esc − v_E (≈ 290 km/s) and above
    halo = StandardHaloModel.preset(preset)
    v_min = max(v_min, 1e-3)
    expected = _eta_numerical(v_min, halo.v0_kms, halo.v_esc_kms, halo.v_earth_kms)
    assert float(halo.eta(v_min)) == pytest.approx(expected, rel=1e-7)


def test_eta_vanishes_beyond_the_largest_speed_and_is_normalised():
    halo = StandardHaloModel()
    assert float(halo.eta(halo.v_max_kms)) == 0.0
    assert float(halo.eta(halo.v_max_kms + 1.0)) == 0.0
    assert float(halo.eta(halo.v_max_kms - 1.0)) > 0.0
    # ∫₀^∞ η(v_min) dv_min = ∫ f(v⃗) d³v = 1: the normalisation N_esc of the truncated Maxwellian
    total, _ = integrate.quad(lambda v: float(halo.eta(v)), 0, halo.v_max_kms, limit=200)
    assert total == pytest.approx(1.0, rel=1e-9)


def test_eta_at_rest_is_the_limit_of_small_earth_speed():
    # y → 0: η = 2 (e^{−x²} − e^{−z²}) / (√π N_esc v₀) (limit of the closed form, module docs)
    rest = StandardHaloModel(v_earth_kms=0.0)
    slow = StandardHaloModel(v_earth_kms=1e-2)
    v = np.array([0.0, 100.0, 300.0, 500.0])
    x, z = v / rest.v0_kms, rest.v_esc_kms / rest.v0_kms
    expected = (
        2
        * (np.exp(-(x**2)) - math.exp(-(z**2)))
        / (math.sqrt(math.pi) * rest.normalisation * rest.v0_kms)
    )
    np.testing.assert_allclose(rest.eta(v), expected, rtol=1e-12)
    np.testing.assert_allclose(slow.eta(v), expected, rtol=1e-6)


def test_conventional_values():
    # Baxter et al., EPJC 81 (2021) 907, arXiv:2105.00599: ρ = 0.3 GeV/cm³, v₀ = 238 km/s,
    # v_esc = 544 km/s, solar peculiar velocity (11.1, 12.2, 7.3) km/s (Schönrich et al. 2010)
    halo = StandardHaloModel()
    assert (halo.rho_GeV_cm3, halo.v0_kms, halo.v_esc_kms) == (0.3, 238.0, 544.0)
    assert halo.v_earth_kms == pytest.approx(math.hypot(11.1, 250.2, 7.3), rel=1e-12)
    assert sun_speed_kms(238.0) == pytest.approx(250.55, abs=0.005)
    # O'Hare 2021 release (src/WIMPFuncs.py): sigma_v = 167, v_esc = 533, v_lab = 245.6 km/s
    ohare = StandardHaloModel.preset("ohare2021")
    assert ohare.v0_kms == pytest.approx(167.0 * math.sqrt(2.0))
    assert (ohare.v_esc_kms, ohare.v_earth_kms) == (533.0, 245.6)
    assert set(HALO_PRESETS) == {"baxter2021", "ohare2021"}
    # N_esc for z = 544/238 (erf and exp only)
    z = 544.0 / 238.0
    assert halo.normalisation == pytest.approx(
        math.erf(z) - 2 / math.sqrt(math.pi) * z * math.exp(-z * z), rel=1e-14
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"v_earth_kms": 600.0},  # faster than the escape speed
        {"v0_kms": 0.0},
        {"rho_GeV_cm3": -0.3},
        {"v_esc_kms": float("nan")},
        {"unknown": 1.0},
    ],
)
def test_bad_halo_parameters_raise(kwargs):
    with pytest.raises(CevnsError):
        StandardHaloModel(**kwargs)


def test_bad_assignment_and_inputs_raise():
    halo = StandardHaloModel()
    with pytest.raises(CevnsError, match="v_earth_kms"):
        halo.v_esc_kms = 200.0
    assert halo.v_esc_kms == 544.0  # the rejected value left the model as it was
    with pytest.raises(CevnsError, match="v_min_kms"):
        halo.eta(-1.0)
    with pytest.raises(CevnsError, match="halo preset"):
        StandardHaloModel.preset("shm++")
