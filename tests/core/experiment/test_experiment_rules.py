"""Rules the Experiment owns (formerly computed by the dashboard): T_max, the threshold check,
the ideal detector, the count of every recoil with the divergence rules.

Independent routes: T_max from two-body energy–momentum conservation solved numerically; the
ideal count from adaptive quadrature of dN/dT; the finite flavours of a divergent count from the
Standard-Model count of the same flavours.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, optimize

import cevns_core as cc
from cevns_core.kinematics import T_max_keV
from cevns_core.response import GaussianResolution
from cevns_core.sources import MICHEL_E_MAX_MeV


def test_max_recoil_solves_energy_momentum_conservation():
    # backward scattering: E + E' = p_N with E' = E − T and p_N² = T² + 2MT (natural units)
    exp = cc.experiment("coherent_csi_2017")
    E = MICHEL_E_MAX_MeV  # m_μ/2 = 52.83 MeV, the π-DAR end point (PHYSICS §5.1)
    M = min(cc.isotope(n).mass_MeV for n in ("Cs133", "I127"))

    def imbalance(T_MeV: float) -> float:
        return (2 * E - T_MeV) - math.sqrt(T_MeV**2 + 2 * M * T_MeV)

    T_root = optimize.brentq(imbalance, 1e-9, 1.0, xtol=1e-16, rtol=1e-15)
    assert exp.max_recoil_keV() == pytest.approx(T_root * 1e3, rel=1e-12)
    assert exp.max_recoil_keV() == pytest.approx(float(T_max_keV(E, M)), rel=1e-15)


def test_threshold_above_every_recoil_is_an_error_unless_smeared():
    exp = cc.experiment("coherent_csi_2017")
    exp.detector = cc.Detector(material="CsI", mass_kg=14.57, threshold=500.0)
    with pytest.raises(cc.CevnsError, match="above the largest recoil"):
        exp.check_threshold()
    with pytest.raises(cc.CevnsError, match="above the largest recoil"):
        exp.observed_counts([500.0, 600.0])
    # with a resolution, recoils below the threshold can be observed above it: no error
    exp.detector = cc.Detector(
        material="CsI", mass_kg=14.57, threshold=47.5, resolution=GaussianResolution(sigma0=2.0)
    )
    exp.check_threshold()
    assert exp.counts().total > 0


def test_ideal_detector_counts_every_recoil():
    exp = cc.experiment("coherent_csi_2017")
    ideal = exp.ideal()
    det = ideal.detector
    assert (det.threshold, det.threshold_unit, det.observable) == (0.0, "keVnr", "keVnr")
    assert det.quenching is det.efficiency is det.resolution is det.upper_limit is None
    assert det.timing_window_us is None and det.timing_efficiency is None
    assert det.mass_kg == exp.detector.mass_kg and ideal.source is exp.source
    assert exp.detector.threshold == 6.0  # the original is untouched
    # ∫ dN/dT dT over [0, T_max] by adaptive quadrature, split where dN/dT has kinks
    # (T_max of the prompt 29.8 MeV line and of the Michel end point for each nucleus)
    total = 0.0
    for name in ("Cs133", "I127"):
        one = exp.ideal()
        one.detector = cc.Detector(material=cc.target_material(name), mass_kg=1.0)
        scale = exp.detector.targets()[name] / one.detector.targets()[name]
        M = cc.isotope(name).mass_MeV
        kink = float(T_max_keV(29.792, M))
        top = float(T_max_keV(MICHEL_E_MAX_MeV, M))
        for lo, hi in ((0.0, kink), (kink, top)):
            value, _ = integrate.quad(
                lambda T, one=one: float(one.recoil_spectrum(np.array([T]))[0]),
                lo,
                hi,
                epsrel=1e-10,
                limit=200,
            )
            total += scale * value
    assert exp.all_recoil_counts().total == pytest.approx(total, rel=1e-7)
    assert exp.all_recoil_counts() == ideal.counts()
    assert exp.all_recoil_counts().divergence is None


@pytest.mark.parametrize(
    ("physics", "divergent", "finite", "term"),
    [
        ({"mu_nu_e_muB": 1e-10}, ["nu_e"], ["nu_mu", "nubar_mu"], "magnetic moment"),
        ({"millicharge_mu": 1e-9}, ["nu_mu", "nubar_mu"], ["nu_e"], "millicharge"),
    ],
)
def test_every_recoil_count_diverges_for_the_flavours_concerned(physics, divergent, finite, term):
    # dσ/dT ∝ 1/T (magnetic moment, PHYSICS §7.5) or 1/T² (millicharge, §7.8): ∫ dT from 0 = ∞
    exp = cc.experiment("coherent_csi_2017", physics=cc.NewPhysics(**physics))
    every = exp.all_recoil_counts()
    assert term in every.divergence
    assert every.total == math.inf
    assert all(every.by_flavour[f] == math.inf for f in divergent)
    assert set(every.by_isotope.values()) == {math.inf}
    # the other flavours: the new term does not touch them, so their count is the SM one
    sm = cc.experiment("coherent_csi_2017").all_recoil_counts()
    for f in finite:
        assert every.by_flavour[f] == pytest.approx(sm.by_flavour[f], rel=1e-12)
    # above the threshold the count is finite, and changed by the new term
    above = exp.counts().total
    assert math.isfinite(above) and above != cc.experiment("coherent_csi_2017").counts().total
    assert every.as_dict()["divergence"] == every.divergence
    with pytest.raises(cc.DivergentCountsError):
        exp.ideal().counts()


def test_copy_changes_only_what_is_asked():
    exp = cc.experiment("coherent_csi_2017", skin_fm=0.2)
    other = exp.copy(form_factor="klein_nystrand")
    assert other.form_factor == "klein_nystrand" and exp.form_factor == "helm"
    assert other.skin_fm == 0.2 and other.detector is exp.detector
    assert other.name == exp.name and other.preset == "coherent_csi_2017"
    with pytest.raises(cc.CevnsError):
        exp.copy(skin_fm=9.0)
