"""Atomic parity violation in ¹³³Cs (cevns_core.electroweak.apv)."""

import math

import numpy as np
import pytest
from scipy.integrate import quad, solve_ivp
from scipy.optimize import brentq

import cevns_core as cc
from cevns_core.electroweak import apv
from cevns_core.errors import CevnsError
from cevns_core.form_factors import symmetrized_fermi_c_from_rms, symmetrized_fermi_density
from cevns_core.units import ALPHA, SW2_LOW


# --------------------------------------------------------------------------- experimental Q_W
@pytest.mark.parametrize(
    ("theory", "Q_W", "sigma_exp", "sigma_th"),
    [
        # Dzuba, Berengut, Flambaum & Roberts, PRL 109 (2012) 203003, arXiv:1207.5864:
        # k = 0.8977(40) (abstract), Q_W = −72.58(29)_exp(32)_th (text) with the Wood et al. 1997
        # measurement and the Bennett & Wieman 1999 polarizability.
        ("dzuba2012", -72.58, 0.29, 0.32),
        # Porsev, Beloy & Derevianko, PRL 102 (2009) 181601 (abstract): Q_W = −73.16(29)_exp(20)_th
        # with k = 0.8906(24) (as quoted in Dzuba et al.'s abstract) and the same inputs.
        ("porsev2010", -73.16, 0.29, 0.20),
    ],
)
def test_weak_charge_from_amplitude_reproduces_published(theory, Q_W, sigma_exp, sigma_th):
    w = apv.apv_weak_charge_experimental(theory)
    assert w.value == pytest.approx(Q_W, abs=0.006)
    assert w.sigma_exp == pytest.approx(sigma_exp, abs=0.005)
    assert w.sigma_th == pytest.approx(sigma_th, abs=0.005)


def test_sahoo_published_weak_charge():
    # Sahoo, Das & Spiesberger, PRD 103 (2021) L111303 (abstract): Q_W = −73.71(26)_ex(23)_th.
    w = apv.apv_weak_charge_experimental("sahoo2021")
    assert (w.value, w.sigma_exp, w.sigma_th) == (-73.71, 0.26, 0.23)
    assert w.sigma == pytest.approx(math.hypot(0.26, 0.23), rel=1e-12)
    with pytest.raises(CevnsError, match="cannot be changed"):
        apv.apv_weak_charge_experimental("sahoo2021", polarizability="toh2019")


def test_pdg_style_averages():
    # Weighted means of Wood 1997 (1.5935(56) mV/cm) with Guéna 2005 (1.538(40)) and of Bennett &
    # Wieman (26.957(51) a_B³) with Toh et al. 2019 (27.139(42)): −3.0967(107)×10⁻¹³ |e|/a_B²
    # and 27.064(33) a_B³ as used by Atzori Corona et al., arXiv:2303.09360 (PDG averages).
    m, dm = apv._input("measurements", "average", "m")
    au = apv._AU_FIELD_V_PER_CM
    assert m * 1e-3 / au == pytest.approx(3.0967e-13, abs=0.0002e-13)
    assert dm * 1e-3 / au == pytest.approx(0.0107e-13, abs=0.0002e-13)
    b, db = apv._input("polarizabilities", "average", "b")
    assert b == pytest.approx(27.064, abs=0.002)
    assert db == pytest.approx(0.033, abs=0.001)
    # With Dzuba et al.'s amplitude: Q_W = −72.82(42), the PDG electroweak review's (2020) value.
    w = apv.apv_weak_charge_experimental(measurement="average", polarizability="average")
    assert w.value == pytest.approx(-72.82, abs=0.01)
    assert w.sigma == pytest.approx(0.42, abs=0.005)


def test_dzuba_deviation_from_standard_model():
    # "reasonable agreement with the standard model (1.5σ)": Dzuba et al. 2012, abstract.
    w = apv.apv_weak_charge_experimental()
    pull = (w.value - float(apv.apv_weak_charge_theory(SW2_LOW))) / w.sigma
    assert pull == pytest.approx(1.5, abs=0.05)


def test_skin_free_charge():
    # Removing the skin correction δk (< 0) of the amplitude makes |Q_W| smaller by |δk|/k.
    with_skin = apv.apv_weak_charge_experimental()
    without = apv.apv_weak_charge_experimental(without_skin=True)
    rel, drel = apv.apv_skin_correction()
    assert rel == pytest.approx(-0.0018 / 0.8977, rel=1e-12)
    assert without.value / with_skin.value == pytest.approx(1 + rel, rel=1e-12)
    assert without.sigma_th == pytest.approx(math.hypot(with_skin.sigma_th, 72.44 * drel), rel=1e-3)


# --------------------------------------------------------------------------- neutron radius
def test_pnc_weight_against_dirac_equation():
    # Second method: integrate the radial Dirac equations (E, m ≪ |V|) for s₁/₂ and p₁/₂ inside a
    # uniformly charged sphere and form g_s f_p − f_s g_p; f(r) of the module is its O((Zα)²) form,
    # so they agree to O((Zα)⁴) ≈ 3 % of the (Zα)² term at the surface.
    Z, R = 55, 6.2

    def V(r):
        return -(Z * ALPHA / (2 * R)) * (3 - (r / R) ** 2)

    def rhs(r, y, kappa):
        G, F = y
        return [-kappa * G / r - V(r) * F, kappa * F / r + V(r) * G]

    r0, r = 1e-6, np.linspace(1e-6, R, 201)
    s = solve_ivp(rhs, (r0, R), [r0, V(0) * r0**2 / 3], args=(-1,), t_eval=r, rtol=1e-12)
    p = solve_ivp(rhs, (r0, R), [-V(0) * r0**2 / 3, r0], args=(1,), t_eval=r, rtol=1e-12)
    w = (s.y[0] * p.y[1] - s.y[1] * p.y[0]) / r**2
    f_dirac = w / w[0]
    f = apv.pnc_radial_weight(r, Z, R)
    deficit_dirac, deficit = 1 - f_dirac[-1], 1 - f[-1]
    assert deficit == pytest.approx(deficit_dirac, rel=0.04)
    np.testing.assert_allclose(f, f_dirac, atol=2.5e-3)


def test_overlap_moments_against_quadrature():
    # q = ∫ρ f d³r from the closed-form moments equals direct quadrature of the package's
    # symmetrized-Fermi density times f(r) (second method).
    Z, R = 55, math.sqrt(5 / 3) * 4.8041
    for rms in (4.8041, 5.3):
        c = symmetrized_fermi_c_from_rms(rms)
        moments = cc.form_factor_model("symmetrized_fermi", "Cs133", rms_fm=rms)
        m = {k: moments.moment(k) for k in (2, 4, 6)}
        q = float(apv.pnc_density_overlap(m, Z, R))

        def integrand(r, c=c):
            rho = symmetrized_fermi_density(r, c)
            return 4 * math.pi * r**2 * rho * float(apv.pnc_radial_weight(r, Z, R))

        direct = quad(integrand, 0, 40, limit=200)[0]
        assert q == pytest.approx(direct, rel=1e-9)


def test_weak_charge_theory_neutron_radius_dependence():
    Q_sm = float(apv.apv_weak_charge_theory(SW2_LOW))
    # R_n = R_p: no correction.
    assert float(apv.apv_weak_charge_theory(SW2_LOW, skin_fm=0.0)) == pytest.approx(Q_sm, abs=1e-12)
    # A larger neutron radius reduces the neutrons' overlap with the electrons: |Q_W| decreases.
    R = np.linspace(4.6, 6.0, 15)
    Q = apv.apv_weak_charge_theory(SW2_LOW, R)
    assert np.all(np.diff(Q) > 0)
    # Leading order: dQ_W/dR_n ≈ −N Q_W^n (Zα)² (3/5) R_n/R² · (1 − …) ≈ +1.2 per fm at R_n ≈ 5 fm.
    slope = float(np.gradient(Q, R)[4])
    assert 0.9 < slope < 1.4


def test_reference_skin_links_both_branches():
    # Without a radius the published Q_W (with the theory's skin estimate) is compared with Q_W^SM;
    # with a radius the skin-free Q_W with Q_W^th(R_n). At the skin whose correction equals the
    # amplitude's (positive, since the correction is negative) both residuals agree up to the
    # factor 1 + δk/k.

    rel, _ = apv.apv_skin_correction()
    Q_sm = float(apv.apv_weak_charge_theory(SW2_LOW))

    def mismatch(skin):
        return float(apv.apv_weak_charge_theory(SW2_LOW, skin_fm=skin)) / Q_sm - (1 + rel)

    skin_ref = brentq(mismatch, 0.0, 1.0, xtol=1e-12)
    assert skin_ref > 0
    plain = Q_sm - apv.apv_weak_charge_experimental().value
    skin_free = (
        float(apv.apv_weak_charge_theory(SW2_LOW, skin_fm=skin_ref))
        - apv.apv_weak_charge_experimental(without_skin=True).value
    )
    assert skin_free == pytest.approx((1 + rel) * plain, rel=1e-9)


# --------------------------------------------------------------------------- χ²
def test_chi2_minimum_and_width():
    fit = apv.apv_sin2_theta_w()
    grid = np.linspace(0.225, 0.245, 20001)
    chi2 = apv.apv_chi2(grid)
    assert grid[np.argmin(chi2)] == pytest.approx(fit.value, abs=2e-6)
    assert float(apv.apv_chi2(fit.value)) == pytest.approx(0.0, abs=1e-18)
    assert float(apv.apv_chi2(fit.value + fit.sigma)) == pytest.approx(1.0, rel=1e-9)
    # Q_W is linear in sin²θ_W: the minimum is where Q_W^SM(s) = Q_W^exp, σ = σ_Q/(4Z(1 − α/2π)).
    w = apv.apv_weak_charge_experimental()
    assert fit.sigma == pytest.approx(w.sigma / (4 * 55 * (1 - ALPHA / (2 * math.pi))), rel=1e-9)


def test_theory_choice_moves_sin2():
    # CDG footnote 2: the APV sin²θ_W depends on the PNC amplitude; Sahoo et al. (−73.71) lies on
    # the other side of the SM (−73.23) than Dzuba et al. (−72.58).
    dz = apv.apv_sin2_theta_w("dzuba2012")
    sa = apv.apv_sin2_theta_w("sahoo2021")
    assert dz.value < SW2_LOW < sa.value
    assert sa.value - dz.value == pytest.approx((73.71 - 72.5834) / 219.74, rel=2e-3)


def test_chi2_vectorised_equals_loop():
    s = np.linspace(0.23, 0.245, 5)[:, None]
    R = np.linspace(4.9, 5.7, 4)[None, :]
    grid = apv.apv_chi2(s, R, theory="sahoo2021")
    assert grid.shape == (5, 4)
    loop = np.array(
        [
            [float(apv.apv_chi2(float(a), float(b), theory="sahoo2021")) for b in R[0]]
            for a in s[:, 0]
        ]
    )
    np.testing.assert_allclose(grid, loop, rtol=1e-13)


def test_bad_input():
    with pytest.raises(CevnsError, match="APV theory"):
        apv.apv_chi2(0.23, theory="nope")
    with pytest.raises(CevnsError, match="exactly one"):
        apv.apv_chi2(0.23, 5.0, skin_fm=0.1)
    with pytest.raises(CevnsError, match="R_n_fm"):
        apv.apv_chi2(0.23, -5.0)
    with pytest.raises(CevnsError, match="sin2_theta_W"):
        apv.apv_chi2(np.array([0.2, np.inf]))
    with pytest.raises(CevnsError, match="APV measurement"):
        apv.apv_weak_charge_experimental(measurement="boulder")


def test_shipped_skin_correction_against_the_antiprotonic_skin():
    """δk = −0.0018(5) (neutron-skin line of Porsev et al. 2010 / Dzuba et al. 2012, from
    Derevianko, PRA 65 (2002) 012106) against a second route: this module's f(r) overlap with
    the antiprotonic-atom skin systematics Δr_np = (1.01 ± 0.15)(N − Z)/A − (0.04 ± 0.03) fm
    (Trzcińska et al., PRL 87 (2001) 082501): 0.135(40) fm for ¹³³Cs → δk/k within the shipped
    error, and the skin δk corresponds to lies inside the antiprotonic band."""
    delta = (78 - 55) / 133
    skin = 1.01 * delta - 0.04
    dskin = math.hypot(0.15 * delta, 0.03)
    q_sm = float(apv.apv_weak_charge_theory(SW2_LOW))
    rel_model = float(apv.apv_weak_charge_theory(SW2_LOW, skin_fm=skin)) / q_sm - 1.0
    rel, drel = apv.apv_skin_correction()
    assert rel_model == pytest.approx(rel, abs=drel)
    theories = apv.apv_data()["theories"]  # one neutron-skin line for every shipped theory
    assert {(t["skin_correction"], t["skin_correction_sigma"]) for t in theories.values()} == {
        (-0.0018, 0.0005)
    }

    def mismatch(s):
        return float(apv.apv_weak_charge_theory(SW2_LOW, skin_fm=s)) / q_sm - 1.0 - rel

    assert abs(brentq(mismatch, 0.0, 1.0) - skin) < dskin
