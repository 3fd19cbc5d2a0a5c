"""NewPhysics composing the effects (PHYSICS.md §7): the SM limit, several effects at once, the
rate engine against nested quadrature, flavour bookkeeping and bad input.
"""

import math

import numpy as np
import param
import pytest
from scipy import integrate

import cevns_core as cc
from cevns_core.errors import CevnsError
from cevns_core.physics import (
    NewPhysics,
    epsilon_from_zprime,
    kinetic_mixing_per_coupling,
    sterile_survival_probability,
)
from cevns_core.rates import recoil_spectrum
from cevns_core.sources.base import Continuum, Line, Source
from cevns_core.weak_charges import StandardModel

from ._hand import (
    ALPHA,
    E0,
    GF,
    GN,
    GP,
    HBARC2_CM2,
    M_E,
    PHASE_COEFF,
    SQRT2GF,
    T0_KEV,
    dsigma,
    mass,
    per_keV,
    q2_of,
    vector_term,
)

# ----------------------------------------------------------------------------------------------
# Standard Model limit
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"zprime_model": "lmu_minus_ltau", "zprime_mass_MeV": 5.0},
        {"zprime_model": "b_minus_l", "scalar_charge": "pkk_shortcut", "scalar_mass_MeV": 1.0},
        {"mm_exact": True, "charge_radius_convention": "review", "sterile_baseline_m": 20.0},
        {"dm2_41_eV2": 1.0},  # no mixing: no oscillation
        {"Ue4_sq": 0.1},  # no splitting: no oscillation
        {"couplings": "pdg_nuN"},
    ],
)
def test_zero_couplings_are_the_standard_model_bitwise(params):
    # Everything defaults to zero = SM exactly (issue 4: bitwise or 1e-15).
    physics = NewPhysics(**params)
    sm = StandardModel(couplings=params.get("couplings", "tree"))
    E = np.array([[3.0], [30.0], [50.0]])
    T = np.array([0.0, 0.1, 1.0, 10.0, 30.0])
    for flavour in cc.FLAVOURS:
        for ff in ("helm", "point"):
            new = cc.differential_cross_section(E, T, "Cs133", physics, ff, flavour=flavour)
            old = cc.differential_cross_section(E, T, "Cs133", sm, ff, flavour=flavour)
            assert np.array_equal(new, old)
        assert physics.survival_probability(flavour, np.array([10.0]), 19.3) is None
    assert not physics.needs_flavour
    assert physics.active_groups() == []


# ----------------------------------------------------------------------------------------------
# Several effects at once
# ----------------------------------------------------------------------------------------------


def test_several_effects_switched_on_together():
    eu, g, M_Z, r2, mu, euT = 0.05, 1e-5, 50.0, 3e-32, 2e-10, 0.003
    physics = NewPhysics(
        eps_uV_mumu=eu,
        zprime_coupling=g,
        zprime_mass_MeV=M_Z,
        r2_mu_cm2=r2,
        mu_nu_mu_muB=mu,
        eps_uT_mumu=euT,
        eps_uV_emu=0.01,
    )
    M, T = mass("Cs133"), T0_KEV * 1e-3
    k = math.sqrt(2) * math.pi * ALPHA / (3 * GF) / HBARC2_CM2
    zp = g * 3 * g / (SQRT2GF * (q2_of(T0_KEV, "Cs133") + M_Z**2))
    Q_mm = 55 * (GP + 2 * eu - k * r2 + zp) + 78 * (GN + eu + zp)
    Q_emu = 55 * 0.02 + 78 * 0.01
    Q_T = 2 * euT * 55 + euT * 78
    expected = (
        vector_term(E0, T0_KEV, "Cs133", Q_mm**2 + Q_emu**2)
        + per_keV(4 * GF**2 * M / math.pi * Q_T**2 * (1 - M * T / (4 * E0**2)))
        + per_keV(math.pi * ALPHA**2 * mu**2 * 55**2 / M_E**2 * (1 / T - 1 / E0))
    )
    assert dsigma(physics, "nu_mu") == pytest.approx(expected, rel=1e-12)
    assert physics.active_groups() == [
        "nsi_vector",
        "nsi_tensor",
        "zprime",
        "magnetic_moment",
        "charge_radius",
    ]


# ----------------------------------------------------------------------------------------------
# Rates: the engine against nested adaptive quadrature of the new-physics dsigma/dT
# ----------------------------------------------------------------------------------------------


M_MU_PI, M_PI = 105.6583755, 139.57039
PHI = 0.08 * 1.76e23 / (4 * math.pi * 1930.0**2)  # COHERENT 2017 fluence per flavour (R26)
E_LINE = (M_PI**2 - M_MU_PI**2) / (2 * M_PI)


def michel_nu_e(E):  # Pandey Eqs. (2)-(6)
    return PHI * 192 / M_MU_PI * (E / M_MU_PI) ** 2 * (0.5 - E / M_MU_PI)


def michel_nubar_mu(E):
    return PHI * 64 / M_MU_PI * (E / M_MU_PI) ** 2 * (0.75 - E / M_MU_PI)


class HandPionDARAtDistance(Source):
    """pi-DAR fluence written out by hand, at 19.3 m (the rate engine reads distance_m)."""

    normalisation = param.Selector(default="fluence", objects=["fluence", "flux"], constant=True)
    distance_m = param.Number(default=19.3)

    def components(self):
        return (
            Continuum("nu_e", 0.0, M_MU_PI / 2, michel_nu_e),
            Continuum("nubar_mu", 0.0, M_MU_PI / 2, michel_nubar_mu),
            Line("nu_mu", E_LINE, PHI),
        )


def test_recoil_spectrum_with_magnetic_moment_and_sterile_against_nested_quadrature():
    U = {"e": 0.05, "mu": 0.02}
    physics = NewPhysics(
        mu_nu_e_muB=1e-9, mu_nu_mu_muB=5e-10, dm2_41_eV2=1.0, Ue4_sq=U["e"], Umu4_sq=U["mu"]
    )

    def transition(a, b, E):
        # PKK Eq. (63) generalised to appearance (one dominant splitting): P(a -> b) =
        # 4|U_a4|^2|U_b4|^2 sin^2, P(a -> a) = 1 - 4|U_a4|^2(1 - |U_a4|^2) sin^2. The moments
        # differ per flavour, so an appeared nu_mu (from nu_e) scatters with mu_numu.
        s = math.sin(PHASE_COEFF * 19.3 / E) ** 2
        return 1 - 4 * U[a] * (1 - U[a]) * s if a == b else 4 * U[a] * U[b] * s

    def folded(E, flavour):  # sum over the flavours the neutrino arrives as
        kind, a = flavour.split("_")
        return sum(transition(a, b, E) * dsdT(E, f"{kind}_{b}") for b in U)

    n = 1e25
    T_keV = np.array([0.5, 2.0, 8.0, 20.0])
    fast = recoil_spectrum(HandPionDARAtDistance(), {"Cs133": n}, T_keV, physics=physics).total
    M = mass("Cs133")
    slow = []
    for t in T_keV:
        T = t * 1e-3
        E_low = 0.5 * (T + math.sqrt(T * T + 2 * M * T))

        def dsdT(E, flavour, t=t):
            return float(cc.differential_cross_section(E, t, "Cs133", physics, flavour=flavour))

        total = 0.0
        for flux, flavour in ((michel_nu_e, "nu_e"), (michel_nubar_mu, "nubar_mu")):
            val, _ = integrate.quad(
                lambda E, f=flux, fl=flavour: f(E) * folded(E, fl),
                E_low,
                M_MU_PI / 2,
                epsrel=1e-10,
                limit=200,
            )
            total += val
        if E_LINE >= E_low:
            total += PHI * folded(E_LINE, "nu_mu")
        slow.append(n * total)
    np.testing.assert_allclose(fast, slow, rtol=1e-4)
    # Both effects are visible at this point.
    sm = recoil_spectrum(HandPionDARAtDistance(), {"Cs133": n}, T_keV).total
    assert fast[0] / sm[0] > 1.1
    osc_only = NewPhysics(dm2_41_eV2=1.0, Ue4_sq=U["e"], Umu4_sq=U["mu"])
    assert np.all(
        recoil_spectrum(HandPionDARAtDistance(), {"Cs133": n}, T_keV, osc_only).total < sm
    )


# ----------------------------------------------------------------------------------------------
# Flavour bookkeeping, registry, bad input
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "needs"),
    [
        ({}, False),
        ({"mu_nu_e_muB": 1e-10}, True),
        ({"mu_nu_e_muB": 1e-10, "mu_nu_mu_muB": 1e-10, "mu_nu_tau_muB": 1e-10}, False),
        ({"eps_uV_emu": 0.01}, True),
        ({"eps_dT_tautau": 0.01}, True),
        ({"r2_etau_cm2": 1e-32}, True),
        ({"millicharge_mu": 1e-9}, True),
        ({"zprime_coupling": 1e-4}, False),
        ({"zprime_coupling": 1e-4, "zprime_model": "b_minus_l"}, False),
        ({"zprime_coupling": 1e-4, "zprime_model": "le_minus_ltau"}, True),
        ({"zprime_model": "le_minus_ltau"}, False),
        ({"scalar_coupling": 1e-5}, False),
        ({"dm2_41_eV2": 1.0, "Ue4_sq": 0.1}, False),  # only the flux, always per flavour
        ({"flavour_radius": True}, True),
    ],
)
def test_needs_flavour(params, needs):
    assert NewPhysics(**params).needs_flavour is needs


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"zprime_mass_MeV": -1.0}, "zprime_mass_MeV"),
        ({"zprime_mass_MeV": 0.0}, "zprime_mass_MeV"),
        ({"scalar_mass_MeV": -5.0}, "scalar_mass_MeV"),
        ({"zprime_coupling": float("nan")}, "finite"),
        ({"eps_uV_ee": float("inf")}, "finite"),
        ({"mu_nu_e_muB": -1e-10}, "mu_nu_e_muB"),
        ({"Ue4_sq": 1.5}, "Ue4_sq"),
        ({"Ue4_sq": -0.1}, "Ue4_sq"),
        ({"Ue4_sq": 0.6, "Umu4_sq": 0.5}, "unitarity"),
        ({"sterile_baseline_m": float("inf")}, "finite"),
        ({"dm2_41_eV2": -1.0}, "dm2_41_eV2"),
        ({"zprime_model": "dark_photon"}, "zprime_model"),
        ({"scalar_charge": "lattice"}, "scalar_charge"),
        ({"mm_exact": "yes"}, "mm_exact"),
        ({"eps_u_ee": 0.1}, "unknown parameter"),
    ],
)
def test_bad_input_raises_cevns_error(params, message):
    with pytest.raises(CevnsError, match=message):
        NewPhysics(**params)


def test_bad_values_set_after_construction():
    physics = NewPhysics()
    physics.Ue4_sq = 0.7
    physics.Umu4_sq = 0.7  # each inside its bounds; together not unitary
    with pytest.raises(CevnsError, match="unitarity"):
        cc.differential_cross_section(E0, T0_KEV, "Cs133", physics)
    with pytest.raises(ValueError):  # param's own bound check (CevnsError is a ValueError too)
        physics.eps_uV_ee = float("nan")
    with pytest.raises(CevnsError):
        epsilon_from_zprime(1e-3, 1e-3, -10.0)
    with pytest.raises(CevnsError):
        sterile_survival_probability("nu_e", 10.0, 20.0, 1.0, {"e": 0.8, "tau": 0.8})
    with pytest.raises(CevnsError):
        kinetic_mixing_per_coupling(10.0, model="universal")
