"""The detector's kept work: validation once per value, response matrices, recoil edges, inverse
quenching and timing fractions — each equal to its plain computation, each recomputed after a
change."""

from __future__ import annotations

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.caching import clear_caches
from cevns_core.response import GammaResolution, timing_fraction


def test_validation_runs_again_after_any_change():
    det = cc.experiment("coherent_csi_2021").detector
    det.validate()
    det.validate()  # kept: no error, nothing to do
    det.upper_limit = 70.0  # consistent
    det.validate()
    det.threshold = 80.0  # now above upper_limit: the next call must say so
    with pytest.raises(cc.CevnsError, match="upper_limit"):
        det.targets()
    det.threshold = 0.0
    det.targets()
    # a nested model replaced by one that does not fit the observable
    det.observable = "PE"
    det.resolution = GammaResolution()
    det.validate()
    det.observable = "keVee"
    det.threshold_unit = "keVee"
    det.upper_limit = 5.0
    with pytest.raises(cc.CevnsError, match="gamma"):
        det.response_matrix(np.array([1.0]), np.array([0.0, 1.0]))


@pytest.mark.parametrize("name", ["coherent_csi_2021", "coherent_lar_2020", "conus"])
def test_kept_response_equals_the_public_matrix(name):
    exp = cc.experiment(name)
    det = exp.detector
    T = np.linspace(0.0, exp.max_recoil_keV(), 57)
    edges = exp.analysis_bins(30)
    clear_caches()
    kept = det._cached_response_matrix(T, edges)
    assert det._cached_response_matrix(T, edges) is kept
    assert not kept.flags.writeable
    public = det.response_matrix(T, edges)
    assert public.flags.writeable
    np.testing.assert_array_equal(kept, public)
    if det.resolution is None:
        np.testing.assert_array_equal(
            det._cached_recoil_bin_edges(edges), det.recoil_bin_edges(edges)
        )


def test_kept_inverse_quenching_equals_the_model_and_is_a_copy():
    det = cc.experiment("coherent_csi_2021").detector
    PE = np.array([0.0, 6.0, 30.0, 60.0])
    clear_caches()
    first = det.recoil_from_observable(PE)
    direct = det.quenching.recoil_from_electron_equivalent_keV(PE / det.light_yield_PE_per_keVee)
    np.testing.assert_array_equal(first, direct)
    first[:] = -1.0  # the caller's copy
    np.testing.assert_array_equal(det.recoil_from_observable(PE), direct)
    det.light_yield_PE_per_keVee = 20.0
    np.testing.assert_array_equal(
        det.recoil_from_observable(PE),
        det.quenching.recoil_from_electron_equivalent_keV(PE / 20.0),
    )


def test_timing_fractions_equal_the_direct_integral_and_follow_the_source():
    exp = cc.experiment("coherent_csi_2021")
    det, src = exp.detector, exp.source
    clear_caches()
    got = det.timing_fractions(src)
    for flavour in src.flavours():
        want = timing_fraction(
            lambda t, f=flavour: src.time_pdf(f, np.asarray(t) * 1e3) * 1e3,
            det.timing_window_us,
            efficiency=det.timing_efficiency,
        )
        assert got[flavour] == want
    got["nu_e"] = 0.0  # a copy: the kept value is untouched
    assert det.timing_fractions(src)["nu_e"] > 0.5
    before = det.timing_fractions(src)["nu_mu"]
    src.pulse_width_ns = 1500.0
    assert det.timing_fractions(src)["nu_mu"] != before
    assert det.timing_fractions(cc.experiment("conus").source) == {}


def test_source_components_are_kept_per_value():
    src = cc.experiment("coherent_csi_2017").source
    kept = src._components()
    assert src._components() is kept
    fresh = src.components()
    assert [type(c) for c in kept] == [type(c) for c in fresh]
    E = np.linspace(0.0, 60.0, 31)
    for a, b in zip(kept, fresh, strict=True):
        if hasattr(a, "density"):
            np.testing.assert_array_equal(a.density(E), b.density(E))
        else:
            assert a == b
    src.distance_m = 2 * src.distance_m
    assert src._components() is not kept
    assert src.lines()[0].intensity == pytest.approx(kept[0].intensity / 4.0, rel=1e-14)


@pytest.mark.parametrize("name", ["coherent_csi_2017", "coherent_lar_2020", "connie", "ricochet"])
def test_the_callers_arrays_stay_writable(name):
    """The caches keep read-only arrays: never one the caller handed in (e.g. bin edges that a
    recoil-energy detector returns as they are)."""
    exp = cc.experiment(name)
    clear_caches()
    edges = np.array(exp.analysis_bins(12))
    T = np.linspace(0.5, 0.9 * exp.max_recoil_keV(), 9)
    exp.observed_counts(edges)
    exp.spectrum(T)
    exp.detector.recoil_from_observable(edges)
    exp.detector._cached_recoil_bin_edges(edges)
    assert edges.flags.writeable and T.flags.writeable
    edges[-1] += 1.0  # still the caller's to change
    T[0] = 1.0
