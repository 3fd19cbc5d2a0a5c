"""Flux kernels: the kept flux moments equal the plain quadrature, and oscillations key them.

The E-integral ∫ Φ E⁻ᵏ dE of the π-DAR Michel spectra has a closed form (PHYSICS §5.1), which
checks :func:`flux_kernel` itself; the cached moments are then compared with the uncached
public function.
"""

from __future__ import annotations

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.caching import clear_caches, fingerprint
from cevns_core.flux_kernels import cached_moments, flux_kernel, oscillation_key
from cevns_core.nuclei import isotope
from cevns_core.sources.pion_dar import MICHEL_E_MAX_MeV
from cevns_core.units import M_MU_MeV

T_KEV = np.linspace(0.0, 50.0, 41)


def _michel_nu_e_moment(k: int, lo: np.ndarray) -> np.ndarray:
    """∫_lo^{m/2} (192/m)(E/m)²(1/2 − E/m) E^{−k} dE in closed form (PHYSICS §5.1)."""
    m, hi = M_MU_MeV, MICHEL_E_MAX_MeV
    lo = np.minimum(lo, hi)

    def primitive(E):
        # (192/m³)[E^{3−k}/(2(3−k)) − E^{4−k}/(m(4−k))]
        return 192.0 / m**3 * (E ** (3 - k) / (2 * (3 - k)) - E ** (4 - k) / (m * (4 - k)))

    return primitive(hi) - primitive(lo)


def test_michel_moments_match_the_closed_form():
    source = cc.experiment("coherent_csi_2017").source
    M = isotope("Cs133").mass_MeV
    kernel = flux_kernel(source, M, T_KEV, "nu_e")
    E_low = cc.kinematics.E_min_MeV(T_KEV, M)
    phi = source.line_intensity()
    for k in range(3):
        exact = phi * _michel_nu_e_moment(k, E_low)
        # near the end point the closed form cancels (F(hi) − F(lo), lo → hi): absolute there
        np.testing.assert_allclose(
            kernel.moments[k], exact, rtol=1e-12, atol=1e-12 * np.max(np.abs(exact))
        )


@pytest.mark.parametrize("preset", ["coherent_csi_2017", "conus", "xenon_1t_floor"])
def test_cached_moments_equal_the_plain_kernels(preset):
    exp = cc.experiment(preset)
    source = exp.source
    key = fingerprint(source)
    components, flavours = source._components(), source.flavours()
    clear_caches()
    for name in exp.detector.targets():
        M = isotope(name).mass_MeV
        first = cached_moments(
            source, key, components, flavours, M, T_KEV, fingerprint(T_KEV), None, None
        )
        again = cached_moments(
            source, key, components, flavours, M, T_KEV, fingerprint(T_KEV), None, None
        )
        assert again is first  # kept
        assert not first.flags.writeable
        for j, flavour in enumerate(flavours):
            plain = flux_kernel(source, M, T_KEV, flavour).moments
            for k in range(3):
                np.testing.assert_allclose(first[k, j], plain[k], rtol=1e-10, atol=0.0)


def test_oscillation_key_follows_the_sterile_parameters():
    source = cc.experiment("coherent_csi_2017").source
    flavours = source.flavours()
    assert oscillation_key(None, source, flavours, "k") is None
    assert oscillation_key(cc.StandardModel(), source, flavours, "k") is None
    assert oscillation_key(cc.NewPhysics(eps_uV_ee=0.1), source, flavours, "k") is None
    sterile = cc.NewPhysics(dm2_41_eV2=1.5, Ue4_sq=0.1)
    assert oscillation_key(sterile, source, flavours, "k") == "k"


def test_an_oscillation_change_gives_new_moments():
    """The moments depend on the physics only through the survival probability: changing it
    in place must not return the moments of the previous value."""
    exp = cc.experiment("coherent_csi_2017")
    physics = cc.NewPhysics(dm2_41_eV2=1.5, Ue4_sq=0.1)
    exp.physics = physics
    T = np.linspace(1.0, 40.0, 20)
    first = exp.recoil_spectrum(T)
    physics.Ue4_sq = 0.2  # in place, on the nested model
    second = exp.recoil_spectrum(T)
    fresh = cc.experiment("coherent_csi_2017", physics=cc.NewPhysics(dm2_41_eV2=1.5, Ue4_sq=0.2))
    clear_caches()
    np.testing.assert_allclose(second, fresh.recoil_spectrum(T), rtol=1e-12, atol=0.0)
    assert np.all(second < first)  # more ν_e disappear
