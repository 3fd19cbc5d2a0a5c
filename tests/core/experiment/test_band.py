"""The uncertainty band (flux ⊕ form-factor spread ⊕ quenching) as a core function.

Independent routes: the form-factor spread from the rate engine called directly per model; the
quenching component from a change of variables (with Q → f·Q a constant-Q detector sees in the
keVee bin [a, b) what the nominal one sees in [a/f, b/f)); the small-q limit of every form factor
(F = 1 − q²⟨r²⟩/6 + …, so the model spread vanishes like q² ∝ T).
"""

from __future__ import annotations

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.experiment import BAND_MODELS, uncertainty_band
from cevns_core.quenching import ConstantQuenching


def test_flux_alone_is_a_constant_fraction():
    exp = cc.experiment("coherent_csi_2017")
    band = uncertainty_band(exp, [1.0, 10.0, 30.0], models=(), quenching_uncertainty=0.0)
    np.testing.assert_array_equal(band.recoil, 0.1)
    np.testing.assert_array_equal(band.observed, 0.1)
    assert band.models == () and band.skipped == ()


def test_form_factor_spread_is_the_largest_model_deviation():
    exp = cc.experiment("coherent_csi_2017")
    T = np.linspace(1.0, 40.0, 25)
    band = uncertainty_band(exp, T, flux_uncertainty=0.0, quenching_uncertainty=0.0)
    assert set(band.models) == set(BAND_MODELS) and "helm" in band.models
    assert "point" not in BAND_MODELS and "moment_expansion" not in BAND_MODELS
    nominal = cc.recoil_spectrum(exp.source, exp.detector.targets(), T).total
    spread = np.zeros_like(T)
    for model in BAND_MODELS:
        other = cc.recoil_spectrum(exp.source, exp.detector.targets(), T, None, model).total
        spread = np.maximum(spread, np.abs(other / nominal - 1.0))
    np.testing.assert_allclose(band.recoil, spread, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(band.form_factor_recoil, spread, rtol=1e-10, atol=1e-15)
    combined = uncertainty_band(exp, T, flux_uncertainty=0.1, quenching_uncertainty=0.0)
    np.testing.assert_allclose(combined.recoil, np.hypot(0.1, spread), rtol=1e-12)


def test_model_spread_vanishes_like_T_at_small_recoils():
    # F = 1 − q²⟨r²⟩/6 + … for every model: the spread ∝ q² ∝ T as T → 0 for models as built
    # (the reviews' choice: each model with its own A-based radius)
    exp = cc.experiment(
        "coherent_csi_2017", skin_fm=0.0, form_factor_params={"proton_radius": "charge"}
    )
    T = np.array([0.01, 0.02])
    band = uncertainty_band(exp, T, flux_uncertainty=0.0, quenching_uncertainty=0.0)
    assert band.recoil[0] / band.recoil[1] == pytest.approx(T[0] / T[1], rel=0.02)
    # the default anchors every model on the measured charge radius: the ⟨r²⟩ terms agree, the
    # spread starts at q⁴⟨r⁴⟩/120 and goes like T²
    anchored = uncertainty_band(
        cc.experiment("coherent_csi_2017"), T, flux_uncertainty=0.0, quenching_uncertainty=0.0
    )
    assert anchored.recoil[0] / anchored.recoil[1] == pytest.approx((T[0] / T[1]) ** 2, rel=0.02)


def test_quenching_component_is_a_change_of_variables():
    det = cc.Detector(
        material="Ge",
        mass_kg=1.0,
        live_time_days=100.0,
        quenching=ConstantQuenching(value=0.2),
        observable="keVee",
        threshold_unit="keVee",
    )
    exp = cc.Experiment(name="ge_reactor", source=cc.Reactor(), detector=det)
    edges = np.linspace(0.05, 0.3, 6)
    band = uncertainty_band(exp, [0.5], edges, flux_uncertainty=0.0, models=())
    nominal = exp.observed_counts(edges).total
    expected = np.zeros_like(nominal)
    for f in (0.9, 1.1):
        moved = exp.observed_counts(edges / f).total  # Q·f: the keVee bin [a, b) ← [a/f, b/f)
        expected = np.maximum(expected, np.abs(moved / nominal - 1.0))
    np.testing.assert_allclose(band.quenching_observed, expected, rtol=1e-6)
    np.testing.assert_allclose(band.observed, expected, rtol=1e-6)
    # the recoil spectrum does not depend on quenching; a keVnr detector has no such component
    np.testing.assert_array_equal(band.recoil, 0.0)
    keVnr = uncertainty_band(cc.experiment("coherent_ge"), [1.0], flux_uncertainty=0.0)
    np.testing.assert_array_equal(keVnr.quenching_observed, 0.0)


def test_failing_variations_are_skipped_with_the_reason():
    exp = cc.experiment("coherent_csi_2017")
    band = uncertainty_band(exp, [5.0], models=("helm", "no_such_model"))
    assert band.models == ("helm",)
    assert len(band.skipped) == 1 and band.skipped[0].startswith("form factor no_such_model")


@pytest.mark.parametrize(
    ("option", "value"),
    [("flux_uncertainty", -0.1), ("flux_uncertainty", 2.0), ("quenching_uncertainty", 1.0)],
)
def test_bad_uncertainties_are_refused(option, value):
    with pytest.raises(cc.CevnsError, match=option):
        uncertainty_band(cc.experiment("coherent_csi_2017"), [5.0], **{option: value})
