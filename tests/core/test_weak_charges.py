"""Nucleon couplings and weak charges (PHYSICS.md §0, §3.3, §3.4, §7.7)."""

import math

import numpy as np
import pytest

from cevns_core.errors import CevnsError
from cevns_core.units import ALPHA, M_E_MeV, M_MU_MeV
from cevns_core.weak_charges import (
    CHARGE_RADIUS_COUPLING_PER_CM2,
    StandardModel,
    flavour_radius_shift,
    nucleon_couplings,
    sm_neutrino_charge_radius_cm2,
    weak_charge_half,
    weak_charge_pdg,
)


@pytest.mark.parametrize(
    ("scheme", "g_p", "g_n"),
    [
        # PHYSICS §11 R8 / §3.3 table: PKK literal, PDG (ŝ_Z² = 0.23122), tree (sin²θ_W = 0.23857)
        ("pkk_literal", 0.01651, -0.51211),
        ("pdg_nuN", 0.03055, -0.51211),
        ("tree", 0.02286, -0.5),
    ],
)
def test_coupling_schemes_reference_values(scheme, g_p, g_n):
    gp, gn = nucleon_couplings(scheme)
    assert float(gp) == pytest.approx(g_p, abs=1e-4)
    assert float(gn) == pytest.approx(g_n, abs=1e-4)


def test_tree_level_follows_sin2_theta_W():
    # g_V^p = 1/2 - 2 sin²θ_W (PHYSICS §3.3); sin²θ_W = 1/4 makes the proton charge vanish.
    assert float(nucleon_couplings("tree", sin2_theta_W=0.25)[0]) == pytest.approx(0.0, abs=1e-15)
    assert float(nucleon_couplings("tree", sin2_theta_W=0.2)[0]) == pytest.approx(0.1, rel=1e-12)


def test_flavour_scheme_erler_su_values_and_splitting():
    # Erler & Su 2013 values used by Cadeddu et al. (PHYSICS §3.3).
    gp_e, gn_e = nucleon_couplings("flavour", flavour="nu_e")
    gp_mu, gn_mu = nucleon_couplings("flavour", flavour="nubar_mu")
    assert float(gp_e) == pytest.approx(0.0401, abs=1e-6)
    assert float(gp_mu) == pytest.approx(0.0318, abs=1e-6)
    assert float(gn_e) == float(gn_mu) == pytest.approx(-0.5094)
    # Their splitting equals (α/3π) ln(m_μ²/m_e²) = 0.00826 within 2 % (R29).
    lepton_loop = ALPHA / (3 * math.pi) * math.log(M_MU_MeV**2 / M_E_MeV**2)
    assert float(gp_e - gp_mu) == pytest.approx(lepton_loop, rel=0.02)


def test_charge_radius_coupling_constant():
    # PHYSICS §11 R27: √2πα/(3G_F) = 926.55 GeV² = 0.023796 per 1e-32 cm².
    assert CHARGE_RADIUS_COUPLING_PER_CM2 * 1e-32 == pytest.approx(0.023796, rel=1e-4)


@pytest.mark.parametrize(("lepton", "value"), [("e", -0.828), ("mu", -0.481), ("tau", -0.297)])
def test_sm_charge_radii(lepton, value):
    # PHYSICS §11 R28 (units 1e-32 cm²), tolerance 1 %.
    assert sm_neutrino_charge_radius_cm2(lepton) / 1e-32 == pytest.approx(value, rel=0.01)


def test_flavour_radius_shift_matches_charge_radii_and_loop():
    # At q = 0 the loop function equals the charge-radius difference (second route, §7.7) and
    # the analytic (α/3π) ln(m_μ²/m_ℓ²) (R29: 0.0083).
    for flavour, lepton in (("nu_e", "e"), ("nubar_tau", "tau")):
        from_radii = -CHARGE_RADIUS_COUPLING_PER_CM2 * (
            sm_neutrino_charge_radius_cm2(lepton) - sm_neutrino_charge_radius_cm2("mu")
        )
        assert float(flavour_radius_shift(flavour)) == pytest.approx(from_radii, rel=1e-6)
    assert float(flavour_radius_shift("nu_e")) == pytest.approx(0.0083, rel=0.02)
    assert float(flavour_radius_shift("nu_mu", 50.0)) == 0.0
    # For q >> m_e the ν_e term falls like ln(m_μ²/q²)-ish: monotonic decrease with q.
    shifts = flavour_radius_shift("nu_e", [0.0, 1.0, 10.0, 50.0, 1e4])
    assert np.all(np.diff(shifts) < 0)
    assert shifts[-1] == pytest.approx(0.0, abs=2e-4)


def test_flavour_radius_option_on_pdg_couplings():
    gp_mu, _ = nucleon_couplings("pdg_nuN", flavour="nu_mu", flavour_radius=True)
    gp_e, _ = nucleon_couplings("pdg_nuN", flavour="nu_e", flavour_radius=True)
    assert float(gp_mu) == pytest.approx(0.03055, abs=1e-4)
    assert float(gp_e - gp_mu) == pytest.approx(0.00826, rel=1e-3)


def test_weak_charge_normalisations():
    # PHYSICS §0: Q_W = 2 Q_V = Z(1 - 4 sin²θ_W) - N; Cs133 at tree level.
    s2 = 0.23857
    gp, gn = nucleon_couplings("tree", sin2_theta_W=s2)
    Qv = weak_charge_half(55, 78, gp, gn)
    assert float(weak_charge_pdg(55, 78, gp, gn)) == pytest.approx(
        55 * (1 - 4 * s2) - 78, rel=1e-12
    )
    assert float(Qv) == pytest.approx(0.5 * (55 * (1 - 4 * s2) - 78), rel=1e-12)
    # Form factors enter per nucleon species.
    assert float(weak_charge_half(55, 78, gp, gn, 0.5, 1.0)) == pytest.approx(
        55 * float(gp) * 0.5 + 78 * -0.5, rel=1e-12
    )


def test_standard_model_object():
    sm = StandardModel(couplings="pdg_nuN")
    assert float(sm.nucleon_couplings()[0]) == pytest.approx(0.03055, abs=1e-4)
    assert not sm.needs_flavour
    assert StandardModel(flavour_radius=True).needs_flavour
    with pytest.raises(ValueError, match="sin2_theta_W"):
        StandardModel(sin2_theta_W=1.5)


def test_bad_input():
    with pytest.raises(CevnsError, match="coupling scheme"):
        nucleon_couplings("one_loop")
    with pytest.raises(CevnsError, match="needs the neutrino flavour"):
        nucleon_couplings("flavour")
    with pytest.raises(CevnsError, match="double counting"):
        nucleon_couplings("flavour", flavour="nu_e", flavour_radius=True)
    with pytest.raises(CevnsError, match="flavour"):
        nucleon_couplings("tree", flavour="nu_x")
    with pytest.raises(CevnsError, match="sin2_theta_W"):
        nucleon_couplings("tree", sin2_theta_W=float("nan"))
    with pytest.raises(CevnsError, match="q_MeV"):
        flavour_radius_shift("nu_e", -1.0)
