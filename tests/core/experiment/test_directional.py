"""Directional recoil spectra (PHYSICS §2.1; Pandey Eqs. (18)–(20)).

Reference values are second methods: the solid-angle integral of d²N/dΩ_r dT must give back
the experiment's dN/dT (rate engine, PHYSICS §6.1 — an independent quadrature over E), and a
line sits at the recoil angle of the two-body kinematics (Pandey Eq. (20)).
"""

from __future__ import annotations

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.kinematics import T_from_cos_theta_r_keV

COS = np.linspace(0.0, 1.0, 20001)


def _solid_angle_integral(values: np.ndarray) -> np.ndarray:
    # azimuthal symmetry: ∫dΩ_r = 2π ∫ dcos θ_r
    return 2.0 * np.pi * np.trapezoid(values, COS, axis=1)


def test_reactor_directional_spectrum_integrates_to_the_recoil_spectrum():
    exp = cc.experiment("conus")  # reactor: continuous spectrum only
    T = np.array([0.2, 0.5, 1.0, 1.5])
    d = cc.directional_spectrum(exp, T, COS)
    assert d.lines == ()
    np.testing.assert_allclose(_solid_angle_integral(d.total), exp.spectrum(T).total, rtol=1e-4)


def test_pion_dar_continuum_plus_prompt_line_gives_the_recoil_spectrum():
    exp = cc.experiment("coherent_csi_2017")
    T = np.array([2.0, 5.0, 10.0, 20.0])  # the 29.8 MeV line reaches ~15.5 keV in Cs, I
    d = cc.directional_spectrum(exp, T, COS)
    total = _solid_angle_integral(d.total)
    for line in d.lines:
        total[: line.T_keV.size] += line.dN_dT  # a line covers the recoils below its T_max
    np.testing.assert_allclose(total, exp.spectrum(T).total, rtol=1e-4)


def test_line_recoils_lie_on_the_two_body_angle():
    exp = cc.experiment("coherent_csi_2017")
    d = cc.directional_spectrum(exp, np.array([1.0, 5.0, 10.0]), COS[::100])
    line = next(x for x in d.lines if x.isotope == "Cs133")
    assert line.flavour == "nu_mu" and line.energy_MeV == pytest.approx(29.79, abs=0.01)
    M = cc.isotope("Cs133").mass_MeV
    back = T_from_cos_theta_r_keV(line.energy_MeV, np.cos(np.radians(line.theta_r_deg)), M)
    np.testing.assert_allclose(back, line.T_keV, rtol=1e-9)  # Pandey Eq. (20) inverted
    assert np.all(np.diff(line.theta_r_deg) < 0)  # harder recoils go more forward


def test_directional_spectrum_refuses_flavour_appearance_and_bad_grids():
    exp = cc.experiment("coherent_csi_2017")
    sterile = exp.copy(physics=cc.NewPhysics(dm2_41_eV2=1.0, Ue4_sq=0.01, Umu4_sq=0.02))
    with pytest.raises(cc.CevnsError, match="appear"):
        cc.directional_spectrum(sterile, [5.0], COS)
    with pytest.raises(cc.CevnsError, match="cos_theta_r"):
        cc.directional_spectrum(exp, [5.0], [1.5])
    with pytest.raises(cc.CevnsError, match="T_keV"):
        cc.directional_spectrum(exp, [-1.0], COS)
