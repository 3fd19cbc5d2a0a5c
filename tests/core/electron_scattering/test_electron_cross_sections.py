"""Public ν–e cross sections: per atom, thresholds, validation, the physics adapter.

Reference values and their sources are given next to each test.
"""

import itertools

import numpy as np
import pytest
from scipy import integrate

import cevns_core as cc
from cevns_core import CevnsError, NewPhysics
from cevns_core.electron_scattering import ELECTRON_NSI_NAMES, ElectronInteractions, atomic_shells
from cevns_core.electron_scattering.standard_model import (
    chiral_couplings,
    sm_electron_couplings,
    t_max_MeV,
    weak_integral,
)
from cevns_core.units import HBARC2_MeV2_cm2
from cevns_core.weak_charges import StandardModel


def test_public_names_are_exported():
    for name in (
        "electron_scattering_cross_section",
        "electron_scattering_total_cross_section",
        "electron_recoil_spectrum",
        "effective_electrons",
        "atomic_shells",
        "ElectronRecoilSpectrum",
    ):
        assert name in cc.__all__ and callable(getattr(cc, name))


def test_atomic_total_is_the_sum_over_open_shells():
    # σ_atom(E) = Σ_i n_i ∫_{B_i}^{T_max} dσ/dT dT (stepping approximation), closed form per shell,
    # against adaptive quadrature of the per-atom dσ/dT split at the edges.
    E, flavour = 0.05, "nubar_e"  # T_max = 8.9 keV: only shells above K are reachable
    shells = atomic_shells("Ge")
    g1, g2 = chiral_couplings(*sm_electron_couplings(flavour, 0.23857), flavour)
    closed = sum(
        n * float(weak_integral(E, B * 1e-3, np.inf, g1, g2))
        for n, B in zip(shells.electrons, shells.binding_keV, strict=True)
    )
    T_max_keV = float(t_max_MeV(E)) * 1e3
    edges = sorted({0.0, *[b for b in shells.binding_keV if b < T_max_keV], T_max_keV})
    f = lambda t: float(cc.electron_scattering_cross_section(E, t, flavour, target="Ge"))  # noqa: E731
    numeric = sum(
        integrate.quad(f, a, b, epsrel=1e-11, epsabs=0.0)[0] for a, b in itertools.pairwise(edges)
    )
    got = float(cc.electron_scattering_total_cross_section(E, flavour, target="Ge"))
    assert got == pytest.approx(closed * HBARC2_MeV2_cm2, rel=1e-12, abs=0)
    assert got == pytest.approx(numeric, rel=1e-8, abs=0)
    # K shell (11.1 keV) closed, so fewer than 32 free electrons
    free = float(
        cc.electron_scattering_total_cross_section(E, flavour, target="Ge", binding="free")
    )
    assert (
        got
        < free
        == pytest.approx(
            32 * float(cc.electron_scattering_total_cross_section(E, flavour)), rel=1e-12, abs=0
        )
    )


def test_threshold_removes_the_low_recoils():
    E = 2.0
    full = cc.electron_scattering_total_cross_section(E, "nu_mu")
    above = cc.electron_scattering_total_cross_section(E, "nu_mu", T_min_keV=300.0)
    f = lambda t: float(cc.electron_scattering_cross_section(E, t, "nu_mu"))  # noqa: E731
    below, _ = integrate.quad(f, 0.0, 300.0, epsrel=1e-12, epsabs=0.0)
    assert float(full - above) == pytest.approx(below, rel=1e-10, abs=0)
    assert float(cc.electron_scattering_total_cross_section(E, "nu_mu", T_min_keV=5e3)) == 0.0


def test_broadcasting_and_kinematic_edge():
    E = np.array([0.1, 1.0, 10.0])[:, None]
    T = np.array([0.0, 50.0, 500.0, 5000.0])[None, :]
    values = cc.electron_scattering_cross_section(E, T, "nu_e")
    assert values.shape == (3, 4)
    np.testing.assert_array_equal(values == 0.0, T * 1e-3 > t_max_MeV(E))
    assert cc.electron_scattering_total_cross_section([0.1, 1.0], "nu_e").shape == (2,)


def test_the_physics_object_is_read_once_for_cevns_and_nue():
    physics = NewPhysics(
        mu_nu_mu_muB=1e-11,
        r2_e_cm2=1e-32,
        r2_emu_cm2=2e-32,
        millicharge_tau=1e-13,
        zprime_model="b_minus_l",
        zprime_coupling=1e-5,
        zprime_mass_MeV=3.0,
        scalar_coupling=2e-6,
        scalar_mass_MeV=4.0,
        sin2_theta_W=0.2312,
        charge_radius_convention="review",
    )
    model = ElectronInteractions.from_physics(physics)
    assert model.sin2_theta_W == 0.2312
    assert model.magnetic_moment_muB == {"e": 0.0, "mu": 1e-11, "tau": 0.0}
    assert model.charge_radius_cm2[("e", "e")] == 1e-32
    assert model.charge_radius_cm2[("e", "mu")] == 2e-32
    assert model.millicharge_e[("tau", "tau")] == 1e-13
    assert (model.zprime_model, model.zprime_coupling, model.zprime_mass_MeV) == (
        "b_minus_l",
        1e-5,
        3.0,
    )
    assert (model.scalar_coupling, model.scalar_mass_MeV) == (2e-6, 4.0)
    assert model.charge_radius_convention == "review"
    # the transition radius opens ν_e → ν_μ and ν_μ → ν_e channels, pure vector
    channels = model.channel_couplings("nu_mu", 0.01)
    assert set(channels) == {"mu", "e"}
    gV, gA = channels["e"]
    assert float(gA) == 0.0 and float(gV) == pytest.approx(2 * 0.023796 * 2, rel=1e-4, abs=0)
    # the StandardModel object: nothing but the weak mixing angle
    sm = ElectronInteractions.from_physics(StandardModel(sin2_theta_W=0.24))
    assert sm.sin2_theta_W == 0.24 and sm.constant_couplings
    assert sm.zero_recoil_divergence("nu_e") is None


def test_quark_only_physics_leaves_nue_unchanged():
    # quark NSI, tensor NSI and the nucleon coupling scheme do not touch electrons
    physics = NewPhysics(eps_uV_ee=0.3, eps_dT_mumu=0.01, couplings="pdg_nuN")
    E, T = np.array([1.0, 5.0]), np.array([10.0, 100.0])
    for flavour in ("nu_e", "nubar_mu"):
        np.testing.assert_array_equal(
            cc.electron_scattering_cross_section(E, T, flavour, physics),
            cc.electron_scattering_cross_section(E, T, flavour),
        )


def test_flavour_radius_of_the_sm_model_shifts_nu_e_against_nu_mu():
    # StandardModel(flavour_radius=True): the electron gets −Δg_V^p of the lepton loop
    # (cevns_core.weak_charges.flavour_radius_shift), +(α/3π) ln(m_μ²/m_e²) = 0.00826 for the
    # proton at Q → 0 (PHYSICS R29), hence g_V(ν_e) − 0.00826 at low T; ν_μ unchanged.
    model = ElectronInteractions.from_physics(StandardModel(flavour_radius=True))
    base = ElectronInteractions.from_physics(None)
    T = 1e-9
    d_e = model.channel_couplings("nu_e", T)["e"][0] - base.channel_couplings("nu_e", T)["e"][0]
    d_mu = (
        model.channel_couplings("nu_mu", T)["mu"][0] - base.channel_couplings("nu_mu", T)["mu"][0]
    )
    assert float(d_e) == pytest.approx(-0.00826, rel=2e-3, abs=0)
    assert float(d_mu) == 0.0
    # T-dependent coupling → numeric total, equal to quadrature of dσ/dT
    physics = StandardModel(flavour_radius=True)
    f = lambda t: float(cc.electron_scattering_cross_section(3.0, t, "nu_e", physics))  # noqa: E731
    numeric, _ = integrate.quad(
        f, 0.0, float(t_max_MeV(3.0)) * 1e3, epsrel=1e-11, limit=200, epsabs=0.0
    )
    total = float(cc.electron_scattering_total_cross_section(3.0, "nu_e", physics))
    assert total == pytest.approx(numeric, rel=1e-8, abs=0)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: cc.electron_scattering_cross_section(0.0, 1.0), "E_MeV"),
        (lambda: cc.electron_scattering_cross_section(1.0, -1.0), "T_keV"),
        (lambda: cc.electron_scattering_cross_section(1.0, np.inf), "T_keV"),
        (lambda: cc.electron_scattering_cross_section(1.0, 1.0, "nu_x"), "flavour"),
        (lambda: cc.electron_scattering_cross_section(1.0, 1.0, target="Kr999"), "Kr999"),
        (lambda: cc.electron_scattering_cross_section(1.0, 1.0, target="Xe", binding="x"), "bind"),
        (
            lambda: cc.electron_scattering_cross_section(1.0, 1.0, electron_nsi={"eps_uV_ee": 1}),
            "unknown electron NSI",
        ),
        (
            lambda: cc.electron_scattering_cross_section(
                1.0, 1.0, electron_nsi={"eps_eV_ee": float("nan")}
            ),
            "eps_eV_ee",
        ),
        (lambda: cc.electron_scattering_total_cross_section(1.0, T_min_keV=-2.0), "T_min_keV"),
        (lambda: cc.electron_scattering_total_cross_section(-1.0), "E_MeV"),
    ],
)
def test_bad_input_is_refused(call, match):
    with pytest.raises(CevnsError, match=match):
        call()


def test_nsi_names_cover_every_pair():
    assert len(ELECTRON_NSI_NAMES) == 12
    assert {"eps_eV_ee", "eps_eA_mutau", "eps_eV_etau"} <= set(ELECTRON_NSI_NAMES)
