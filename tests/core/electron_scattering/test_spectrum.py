"""Electron-recoil spectra of sources on materials (cevns_core.electron_scattering.spectrum).

Reference values and their sources are given next to each test.
"""

import math

import numpy as np
import param
import pytest
from scipy import integrate

from cevns_core import (
    CevnsError,
    NewPhysics,
    Solar,
    electron_recoil_spectrum,
    electron_scattering_cross_section,
)
from cevns_core.electron_scattering import effective_electrons, target_atoms
from cevns_core.electron_scattering.standard_model import t_max_MeV
from cevns_core.sources.base import Line, Source
from cevns_core.units import AVOGADRO, DAY_s, M_E_MeV


class OneLine(Source):
    """A single monochromatic flux (cm⁻² s⁻¹) of one flavour, for tests."""

    energy_MeV = param.Number(1.0)
    intensity = param.Number(1.0)
    flavour = param.String("nu_e")
    distance_m = param.Number(None, allow_None=True)

    def components(self):
        return (Line(self.flavour, self.energy_MeV, self.intensity),)


def test_line_source_spectrum_is_flux_times_cross_section():
    source = OneLine(energy_MeV=0.747, intensity=2.0e7, flavour="nu_e")
    T = np.linspace(0.0, 600.0, 61)
    spectrum = electron_recoil_spectrum(source, "Xe", T, mass_kg=1000.0)
    atoms = 1e6 / 131.293 * AVOGADRO  # 1 t of natural xenon (standard atomic weight 131.293)
    expected = 2.0e7 * atoms * electron_scattering_cross_section(0.747, T, "nu_e", target="Xe")
    np.testing.assert_allclose(spectrum.total, expected, rtol=1e-6)
    assert spectrum.unit == "events/keVee/s"
    assert list(spectrum.parts) == [("Xe", "nu_e")]
    assert float(spectrum.total[-1]) == 0.0  # 600 keV is above T_max(747 keV) = 552 keV


@pytest.mark.parametrize("T_keV", [1.0, 20.0, 150.0, 250.0])
def test_solar_pp_spectrum_equals_brute_force_quadrature(T_keV):
    # dN/dT = N_e Z_eff(T)/Z ∫_{E_min(T)} Φ(E) dσ/dT dE with E_min = ½(T + √(T² + 2 m_e T)).
    solar = Solar(components_included=["pp"])
    spectrum = electron_recoil_spectrum(solar, {"Xe": 1.0}, [T_keV])
    (pp,) = solar.continua("nu_e")
    T = T_keV * 1e-3
    E_min = 0.5 * (T + math.sqrt(T * T + 2 * M_E_MeV * T))
    f = lambda E: float(pp.density(np.array(E)) * electron_scattering_cross_section(E, T_keV))  # noqa: E731
    numeric, _ = integrate.quad(f, E_min, pp.E_max_MeV, epsabs=0.0, epsrel=1e-10, limit=400)
    expected = numeric * float(effective_electrons("Xe", T_keV))
    assert float(spectrum.total[0]) == pytest.approx(expected, rel=2e-5, abs=0)


def test_borexino_be7_rate_on_pseudocumene():
    # Borexino, Bellini et al., PRL 107 (2011) 141302 (arXiv:1104.1816): 46.0 ± 1.5 (stat)
    # +1.5/−1.6 (syst) counts/(day·100 t) from 862 keV ⁷Be ν, "a ν_e-equivalent ⁷Be flux of
    # (3.10 ± 0.15) × 10⁹ cm⁻² s⁻¹". We read the equivalent flux as the total ⁷Be flux
    # (both lines) taken as pure ν_e, of which 89.7 % is in the 862 keV line (PHYSICS §5.5), and
    # count all recoils on the free electrons of pseudocumene C₉H₁₂ (3.307 × 10³¹ e⁻ per 100 t).
    # Borexino's cross section includes the O(α) radiative corrections (Bahcall, Kamionkowski &
    # Sirlin 1995), which lower the ν_e e cross section by a few per cent: the tree-level rate
    # must be above 46.0 by less than 6 %.
    source = OneLine(energy_MeV=0.8613, intensity=0.897 * 3.10e9, flavour="nu_e")
    T = np.linspace(0.0, float(t_max_MeV(0.8613)) * 1e3, 801)
    spectrum = electron_recoil_spectrum(source, "C9H12", T, mass_kg=1e5, binding="free")
    per_day = np.trapezoid(spectrum.total, T) * DAY_s
    electrons = sum(
        n * {"C": 6, "H": 1}[symbol] for symbol, n in target_atoms("C9H12", 1e5).items()
    )
    assert electrons == pytest.approx(3.307e31, rel=1e-3, abs=0)
    assert 46.0 < per_day < 46.0 * 1.06


def test_sterile_oscillation_of_the_physics_object_reaches_the_flux():
    # the same physics object as for CEvNS: its 3+1 survival probability multiplies the flux
    # (PHYSICS §7.9), P = 1 − 4|U_e4|²(1 − |U_e4|²) sin²(1.26693 Δm² L/E).
    physics = NewPhysics(dm2_41_eV2=1.0, Ue4_sq=0.05)
    source = OneLine(energy_MeV=0.75, intensity=1e10, flavour="nu_e", distance_m=2.0)
    T = np.array([1.0, 100.0])
    ratio = (
        electron_recoil_spectrum(source, "Ge", T, physics).total
        / electron_recoil_spectrum(source, "Ge", T).total
    )
    P = 1 - 4 * 0.05 * 0.95 * math.sin(1.26693 * 1.0 * 2.0 / 0.75) ** 2
    np.testing.assert_allclose(ratio, P, rtol=1e-5)  # 1.26693 is rounded


def test_sterile_appearance_scatters_with_the_cross_section_of_the_arriving_flavour():
    # ν̄_e → ν̄_μ appearance (PHYSICS §7.9 with one dominant splitting): P_ee = 1 − 4|U_e4|²
    # (1 − |U_e4|²) sin²Δ, P_eμ = 4|U_e4|²|U_μ4|² sin²Δ. ν̄_μ has no charged current, so the
    # spectrum is P_ee σ(ν̄_e e) + P_eμ σ(ν̄_μ e), not P(→ active) σ(ν̄_e e).
    U_e, U_mu, dm2, L, E = 0.2, 0.3, 1.0, 2.0, 2.0
    physics = NewPhysics(dm2_41_eV2=dm2, Ue4_sq=U_e, Umu4_sq=U_mu)
    source = OneLine(energy_MeV=E, intensity=1e10, flavour="nubar_e", distance_m=L)
    T = np.array([1.0, 100.0, 1000.0])
    got = electron_recoil_spectrum(source, {"Ge": 1.0}, T, physics, binding="free").total
    s = math.sin(1.2669327 * dm2 * L / E) ** 2
    P_ee, P_emu = 1 - 4 * U_e * (1 - U_e) * s, 4 * U_e * U_mu * s
    sigma = {f: electron_scattering_cross_section(E, T, f) for f in ("nubar_e", "nubar_mu")}
    expected = 1e10 * 32 * (P_ee * sigma["nubar_e"] + P_emu * sigma["nubar_mu"])
    np.testing.assert_allclose(got, expected, rtol=1e-6)  # the typed phase constant is rounded
    blind = 1e10 * 32 * (P_ee + P_emu) * sigma["nubar_e"]
    assert np.min(np.abs(got / blind - 1)) > 0.05  # appearance matters for ν–e


def test_breakdown_per_element_and_flavour():
    solar = Solar(components_included=["pp", "Be7"], nu_e_survival=0.55)
    T = np.geomspace(0.5, 500.0, 40)
    spectrum = electron_recoil_spectrum(solar, "NaI", T, mass_kg=10.0)
    assert {k[0] for k in spectrum.parts} == {"Na", "I"}
    assert {k[1] for k in spectrum.parts} == {"nu_e", "nu_mu", "nu_tau"}
    np.testing.assert_allclose(sum(spectrum.by_flavour().values()), spectrum.total)
    np.testing.assert_allclose(sum(spectrum.by_element().values()), spectrum.total)
    # ν_μ and ν_τ scatter identically in the SM and share the flux equally
    np.testing.assert_allclose(spectrum.by_flavour()["nu_mu"], spectrum.by_flavour()["nu_tau"])
    # the stepping approximation never exceeds free electrons, and equals them above the K edges
    free = electron_recoil_spectrum(solar, "NaI", T, mass_kg=10.0, binding="free")
    assert np.all(spectrum.total <= free.total * (1 + 1e-12))
    above = T > 33.17  # iodine K edge (keV)
    np.testing.assert_allclose(spectrum.total[above], free.total[above], rtol=1e-12)


def test_targets_and_errors():
    assert target_atoms({"Xe": 2.0, "Xe131": 1.0, "Ar40": 4.0}) == {"Xe": 3.0, "Ar": 4.0}
    source = OneLine()
    with pytest.raises(CevnsError, match="Source"):
        electron_recoil_spectrum("sun", "Xe", [1.0])
    with pytest.raises(CevnsError, match="one-dimensional"):
        electron_recoil_spectrum(source, "Xe", [[1.0]])
    with pytest.raises(CevnsError, match="T_keV"):
        electron_recoil_spectrum(source, "Xe", [-1.0])
    with pytest.raises(CevnsError, match="binding"):
        electron_recoil_spectrum(source, "Xe", [1.0], binding="none")
    with pytest.raises(CevnsError, match="empty"):
        target_atoms({})
    with pytest.raises(CevnsError, match="unknown element"):
        target_atoms({"Qq": 1.0})
