"""PREX-II and CREX weak form factors (cevns_core.electroweak.pves)."""

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.electroweak import pves
from cevns_core.electroweak.couplings import nucleon_weak_charges
from cevns_core.errors import CevnsError

# PREX-II: Adhikari et al., PRL 126 (2021) 172502, arXiv:2102.10767 (abstract):
#   F_W(Q² = 0.00616 GeV²) = 0.368 ± 0.013, R_n − R_p = 0.283 ± 0.071 fm (PREX-I + II).
# CREX: Adhikari et al., PRL 129 (2022) 042501, arXiv:2205.11593 (abstract):
#   F_W(q = 0.8733 fm⁻¹) = 0.1304 ± 0.0052 (stat) ± 0.0020 (syst), F_ch − F_W = 0.0277 ± 0.0055,
#   R_n − R_p = 0.121 ± 0.026 (exp) ± 0.024 (model) fm.
PUBLISHED = {
    "prex2": {"F_W": 0.368, "sigma": 0.013, "skin": 0.283, "skin_sigma": 0.071},
    "crex": {
        "F_W": 0.1304,
        "sigma": np.hypot(0.0052, 0.0020),
        "skin": 0.121,
        "skin_sigma": np.hypot(0.026, 0.024),
    },
}


def test_measurements_as_published():
    prex = pves.pves_measurement("prex2")
    # q = √Q²/ħc = 0.3977 fm⁻¹ (PHYSICS.md §13)
    assert prex.q_fm == pytest.approx(0.3977, abs=1e-4)
    crex = pves.pves_measurement("crex")
    assert crex.q_fm == 0.8733
    for name, ref in PUBLISHED.items():
        m = pves.pves_measurement(name)
        assert (m.F_W, m.skin_fm) == (ref["F_W"], ref["skin"])
        assert m.sigma_F_W == pytest.approx(ref["sigma"], rel=1e-12)
        assert m.sigma_skin_fm == pytest.approx(ref["skin_sigma"], rel=1e-12)


@pytest.mark.parametrize("name", ["prex2", "crex"])
def test_weak_form_factor_at_published_skin_within_errors(name):
    # The package's symmetrized-Fermi F_p, F_n (proton rms = charge radius, neutron rms = R_p +
    # skin) at the published skin reproduce the measured F_W within its quoted error.
    m, ref = pves.pves_measurement(name), PUBLISHED[name]
    F_W = float(pves.pves_weak_form_factor(m.q_fm, m.isotope, skin_fm=ref["skin"]))
    assert abs(F_W - ref["F_W"]) < ref["sigma"]


def test_helm_reproduces_prex2():
    m = pves.pves_measurement("prex2")
    F_W = float(pves.pves_weak_form_factor(m.q_fm, "Pb208", skin_fm=0.283, model="helm"))
    assert abs(F_W - 0.368) < 0.013


def test_crex_charge_minus_weak_form_factor():
    # F_ch − F_W = 0.0277 ± 0.0055 (CREX abstract); F_ch is the proton (charge-radius) form factor.
    m = pves.pves_measurement("crex")
    F_ch = float(cc.form_factor("symmetrized_fermi", m.q_fm, "Ca48", c_prescription="from_rms"))
    F_W = float(pves.pves_weak_form_factor(m.q_fm, "Ca48", skin_fm=0.121))
    assert abs(F_ch - F_W - 0.0277) < 0.0055


@pytest.mark.parametrize("name", ["prex2", "crex"])
def test_inferred_skin_within_published_errors(name):
    # Inverse problem: the skin at which the prediction equals the measured F_W lies within the
    # collaboration's skin uncertainty; the Δχ² = 1 interval has a comparable width.
    fit, ref = pves.pves_neutron_skin(name), PUBLISHED[name]
    assert abs(fit.skin_fm - ref["skin"]) < ref["skin_sigma"]
    assert fit.lower_fm < fit.skin_fm < fit.upper_fm
    half_width = 0.5 * (fit.upper_fm - fit.lower_fm)
    assert 0.5 * ref["skin_sigma"] < half_width < 1.5 * ref["skin_sigma"]
    m = pves.pves_measurement(name)
    for skin, target in ((fit.lower_fm, 1.0), (fit.skin_fm, 0.0), (fit.upper_fm, 1.0)):
        assert float(pves.pves_chi2(name, skin_fm=skin)) == pytest.approx(target, abs=1e-5)
    assert m.F_W > 0


def test_definition_and_agreement_with_neutrino_weak_form_factor():
    # F_W written out with the electron weak charges (module doc), and compared with
    # cc.weak_form_factor (neutrino tree couplings, same nuclear model): they differ by < 0.001.
    # The PVES module's proton distribution is the charge radius (proton_radius="charge").
    q = np.array([0.0, 0.3977, 0.8733])
    Q_p, Q_n = (float(x) for x in nucleon_weak_charges())
    F_p, F_n = cc.nucleon_form_factors(
        q,
        "Pb208",
        "symmetrized_fermi",
        skin_fm=0.2,
        c_prescription="from_rms",
        proton_radius="charge",
    )
    expected = (82 * Q_p * F_p + 126 * Q_n * F_n) / (82 * Q_p + 126 * Q_n)
    got = pves.pves_weak_form_factor(q, "Pb208", skin_fm=0.2)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-14)
    assert got[0] == pytest.approx(1.0, abs=1e-14)
    nu = cc.weak_form_factor(
        q,
        "Pb208",
        "symmetrized_fermi",
        skin_fm=0.2,
        c_prescription="from_rms",
        proton_radius="charge",
    )
    np.testing.assert_allclose(got, nu, atol=1e-3)


def test_born_asymmetry_reference():
    # PHYSICS.md §11 R36: PREX-II kinematics, F_W = 0.368, F_ch = 0.409, Q_W = −117.9 → 717 ppb.
    A = float(pves.pves_asymmetry_born(0.00616, -117.9, 82, 0.368, 0.409))
    assert A * 1e9 == pytest.approx(717, rel=0.005)


def test_chi2_vectorised_equals_loop():
    R = np.linspace(5.4, 6.2, 9).reshape(3, 3)
    grid = pves.prex2_chi2(R)
    loop = np.array([[float(pves.prex2_chi2(float(r))) for r in row] for row in R])
    np.testing.assert_allclose(grid, loop, rtol=1e-13)
    skins = np.linspace(0.0, 0.3, 7)
    np.testing.assert_allclose(
        pves.crex_chi2(skin_fm=skins), [float(pves.crex_chi2(skin_fm=s)) for s in skins], rtol=1e-13
    )


def test_bad_input():
    with pytest.raises(CevnsError, match="PVES experiment"):
        pves.pves_chi2("prex3", 5.8)
    with pytest.raises(CevnsError, match="exactly one"):
        pves.prex2_chi2()
    with pytest.raises(CevnsError, match="R_n_fm"):
        pves.crex_chi2(np.array([3.5, 20.0]))
    with pytest.raises(CevnsError, match="density model"):
        pves.prex2_chi2(5.8, model="klein_nystrand")
