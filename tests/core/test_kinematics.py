"""Kinematics (PHYSICS.md §2, §2.1) against the spec's reference values and analytic identities."""

import numpy as np
import pytest
from scipy import integrate

from cevns_core import kinematics as kin
from cevns_core.errors import CevnsError
from cevns_core.nuclei import isotope

M_CS = isotope("Cs133").mass_MeV
M_I = isotope("I127").mass_MeV
M_AR = isotope("Ar40").mass_MeV
M_GE = isotope("Ge72").mass_MeV
M_SI = isotope("Si28").mass_MeV


@pytest.mark.parametrize(
    ("E", "M", "expected"),
    [
        # PHYSICS §11 R4: T_max at the π-DAR line 29.79 MeV
        (29.79, M_CS, 14.335),
        (29.79, M_I, 15.013),
        (29.79, M_AR, 47.62),
        # R5: T_max at the Michel end point 52.83 MeV
        (52.83, M_CS, 45.06),
        (52.83, M_AR, 149.6),
        # R6: reactor energy 8 MeV
        (8.0, M_GE, 1.911),
        (8.0, M_SI, 4.910),
        (8.0, M_CS, 1.034),
    ],
)
def test_T_max_reference_values(E, M, expected):
    assert float(kin.T_max_keV(E, M)) == pytest.approx(expected, rel=2e-3)


def test_E_min_and_q_reference_values():
    # PHYSICS §11 R7: E_min(10 keV, Cs133) = 24.882 MeV, q = 49.75 MeV = 0.2521 fm^-1
    assert float(kin.E_min_MeV(10.0, M_CS)) == pytest.approx(24.882, rel=2e-3)
    assert float(kin.q_MeV(10.0, M_CS)) == pytest.approx(49.75, rel=2e-3)
    assert float(kin.q_fm(10.0, M_CS)) == pytest.approx(0.2521, rel=2e-3)


def test_T_max_and_E_min_are_inverse():
    E = np.geomspace(0.1, 300.0, 50)
    for M in (M_CS, M_AR, M_SI, 938.0):
        np.testing.assert_allclose(kin.E_min_MeV(kin.T_max_keV(E, M), M), E, rtol=1e-12)


def test_T_max_limits():
    # Low energy: T_max -> 2E^2/M; infinite mass: 0.
    E = 1e-3
    assert float(kin.T_max_keV(E, M_CS)) == pytest.approx(2e3 * E**2 / M_CS, rel=1e-7)


def test_angle_relations_round_trip():
    E = np.array([[5.0], [30.0], [50.0]])
    c = np.linspace(-1.0, 1.0, 7)
    T = kin.T_from_cos_theta_nu_keV(E, c, M_AR)
    np.testing.assert_allclose(
        kin.cos_theta_nu_from_T(E, T, M_AR), np.broadcast_to(c, T.shape), atol=1e-9
    )
    # Backward scattering gives T_max; forward gives 0.
    np.testing.assert_allclose(T[:, 0], kin.T_max_keV(E[:, 0], M_AR), rtol=1e-12)
    np.testing.assert_allclose(T[:, -1], 0.0, atol=1e-15)
    # E' = E - T (energy conservation).
    Ep = kin.outgoing_energy_MeV(E, c, M_AR)
    np.testing.assert_allclose(Ep, E - T * 1e-3, rtol=1e-12)
    # Q^2 = 2 E E'(1 - cos θ) = 2 M T (PHYSICS §2).
    np.testing.assert_allclose(2 * E * Ep * (1 - c), 2 * M_AR * T * 1e-3, rtol=1e-10)


def test_recoil_angle_round_trip_and_limits():
    E = np.array([[10.0], [30.0]])
    c_r = np.linspace(0.0, 1.0, 9)
    T = kin.T_from_cos_theta_r_keV(E, c_r, M_CS)
    np.testing.assert_allclose(
        kin.cos_theta_r_from_T(E, T, M_CS)[:, 1:], np.broadcast_to(c_r[1:], (2, 8)), rtol=1e-9
    )
    # Forward recoil (θ_r = 0) carries T_max.
    np.testing.assert_allclose(T[:, -1], kin.T_max_keV(E[:, 0], M_CS), rtol=1e-12)
    # E from (T, θ_r) inverts the relation (Pandey Eq. (19), exact form).
    np.testing.assert_allclose(
        kin.neutrino_energy_from_recoil_MeV(T[:, 1:], c_r[1:], M_CS),
        np.broadcast_to(E, T[:, 1:].shape),
        rtol=1e-9,
    )


def test_jacobians_against_finite_differences():
    E, h = 30.0, 1e-6
    for c in (-0.5, 0.2, 0.9):
        fd = (
            kin.T_from_cos_theta_nu_keV(E, c + h, M_CS)
            - kin.T_from_cos_theta_nu_keV(E, c - h, M_CS)
        ) / (2 * h)
        assert float(kin.dT_dcos_theta_nu_keV(E, c, M_CS)) == pytest.approx(
            abs(float(fd)), rel=1e-6
        )
    for c in (0.2, 0.5, 0.9):
        fd = (
            kin.T_from_cos_theta_r_keV(E, c + h, M_CS) - kin.T_from_cos_theta_r_keV(E, c - h, M_CS)
        ) / (2 * h)
        assert float(kin.dT_dcos_theta_r_keV(E, c, M_CS)) == pytest.approx(abs(float(fd)), rel=1e-6)


def test_nonrelativistic_recoil_energy_form():
    # NR form of Pandey Eq. (19): 1/E = cos θ_r / E_min^NR - 1/M, E_min^NR = sqrt(MT/2).
    T, c = 5.0, 0.8
    expected = 1.0 / (c / np.sqrt(M_CS * T * 1e-3 / 2) - 1.0 / M_CS)
    assert float(kin.neutrino_energy_from_recoil_MeV(T, c, M_CS, exact=False)) == pytest.approx(
        expected, rel=1e-12
    )
    # Unreachable angle (cos θ_r = 0) gives no neutrino energy.
    assert np.isinf(kin.neutrino_energy_from_recoil_MeV(T, 0.0, M_CS))


def test_directional_spectrum_integrates_to_recoil_spectrum():
    # PHYSICS §2.1: ∫ dΩ_r d²R/dΩ_r dT = dR/dT, tolerance 1e-4.
    E_max = 52.83

    def flux(E):  # Michel-like ν_e shape on [0, E_max] (normalisation irrelevant)
        return np.where(E <= E_max, E**2 * (E_max - E), 0.0)

    def dsigma_dT(E, T):  # toy point-like cross section with the exact bracket
        return np.clip(1 - T * 1e-3 / E - M_CS * T * 1e-3 / (2 * E**2), 0, None)

    T = 8.0
    E_lo = float(kin.E_min_MeV(T, M_CS))
    expected, _ = integrate.quad(
        lambda E: flux(E) * dsigma_dT(E, T), E_lo, E_max, epsabs=0, epsrel=1e-10
    )
    c_top = 1.0
    c_lo = float(kin.cos_theta_r_from_T(E_max, T, M_CS))
    got, _ = integrate.quad(
        lambda c: (
            2
            * np.pi
            * float(kin.directional_recoil_rate(T, c, M_CS, flux, dsigma_dT, E_max_MeV=E_max))
        ),
        c_lo,
        c_top,
        epsabs=0,
        epsrel=1e-10,
        limit=200,
    )
    assert got == pytest.approx(expected, rel=1e-4)


def test_bad_input():
    with pytest.raises(CevnsError, match="E_MeV"):
        kin.T_max_keV(-1.0, M_CS)
    with pytest.raises(CevnsError, match="E_MeV"):
        kin.T_max_keV(np.nan, M_CS)
    with pytest.raises(CevnsError, match="T_keV"):
        kin.E_min_MeV(-3.0, M_CS)
    with pytest.raises(CevnsError, match="M_MeV"):
        kin.q_fm(1.0, 0.0)
    with pytest.raises(CevnsError, match="exceeds the kinematic limit"):
        kin.cos_theta_nu_from_T(10.0, 50.0, M_CS)
    with pytest.raises(CevnsError, match="cos_theta_nu"):
        kin.T_from_cos_theta_nu_keV(10.0, 1.5, M_CS)
