"""The rate engine's kept kernels give the numbers of the plain computation, and never stale ones.

Three routes are compared for every preset:

* the engine warm (every kernel kept from the previous call),
* the engine with every cache emptied first,
* a plain route written here from the public, uncached pieces: recoil nodes, the detector's
  public ``response_matrix``, the public ``flux_kernel`` per flavour, one validated
  ``CrossSectionConfig`` per isotope and flavour, and the detector's ``timing_fraction`` of
  the source's arrival-time PDF.

All agree to 1e-10 relative. Then every kind of change (physics, nuclear model, source,
detector threshold, nested resolution/efficiency/quenching parameters, timing window, mass)
is made in place on a warm experiment, and its counts are compared with a freshly built one.
"""

from __future__ import annotations

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.caching import clear_caches
from cevns_core.cross_sections import CrossSectionConfig
from cevns_core.experiment.experiment import _COARSE_BINS, _FINE_BINS
from cevns_core.nuclei import isotope
from cevns_core.rates import _compute_recoil_nodes, flux_kernel

PRESETS = cc.experiment_names()


def _plain_recoil_edges(det: cc.Detector, edges: np.ndarray) -> np.ndarray:
    """Detector.recoil_bin_edges without any cache: window clip, then the mean response."""
    if det.threshold_unit == det.observable:
        upper = np.inf if det.upper_limit is None else det.upper_limit
        edges = np.clip(edges, det.threshold, upper)
    if det.observable == "keVnr":
        return edges
    if det.observable == "PE":
        edges = edges / float(det.light_yield_PE_per_keVee)
    return det.quenching.recoil_from_electron_equivalent_keV(edges)


def _plain_counts(exp: cc.Experiment, edges: np.ndarray) -> dict[tuple[str, str], float]:
    det, src = exp.detector, exp.source
    physics = exp.physics if exp.physics is not None else cc.StandardModel()
    options = exp.form_factor_options()
    recoil_edges = None if det.resolution is not None else _plain_recoil_edges(det, edges)
    time_pdf = getattr(src, "time_pdf", None)
    out = {}
    for name, count in det.targets().items():
        nucleus = isotope(name)
        T, w = _compute_recoil_nodes(src, nucleus.mass_MeV, recoil_edges)
        if T.size == 0:
            continue
        R = det.response_matrix(T, edges)
        for flavour in src.flavours():
            config = CrossSectionConfig.make(
                nucleus, physics, exp.form_factor, {**options, "flavour": flavour}
            )
            kernel = flux_kernel(src, nucleus.mass_MeV, T, flavour, physics)
            dNdT = count * kernel.integrate(*config.coefficients(T * 1e-3))
            fraction = 1.0
            if time_pdf is not None and (
                det.timing_window_us is not None or det.timing_efficiency is not None
            ):
                fraction = det.timing_fraction(
                    lambda t, f=flavour: time_pdf(f, np.asarray(t) * 1e3) * 1e3
                )
            out[(name, flavour)] = exp.exposure_factor * fraction * float((R @ (dNdT * w)).sum())
    return out


def _edges(exp: cc.Experiment) -> np.ndarray:
    det = exp.detector
    smooth = det.resolution is None and det.efficiency is None
    return exp.analysis_bins(_COARSE_BINS if smooth else _FINE_BINS)


@pytest.mark.parametrize("name", PRESETS)
def test_counts_warm_cold_and_plain_agree(name):
    exp = cc.experiment(name)
    clear_caches()
    cold = exp.counts()
    warm = exp.counts()
    assert warm.total == pytest.approx(cold.total, rel=1e-12, abs=0.0)
    for k, v in cold.by_isotope.items():
        assert warm.by_isotope[k] == pytest.approx(v, rel=1e-12, abs=0.0)
    plain = _plain_counts(exp, _edges(exp))
    assert sum(plain.values()) == pytest.approx(cold.total, rel=1e-10, abs=0.0)
    for flavour, value in cold.by_flavour.items():
        want = sum(v for (_, f), v in plain.items() if f == flavour)
        assert value == pytest.approx(want, rel=1e-10, abs=0.0)


PHYSICS = [
    cc.NewPhysics(eps_uV_ee=0.2, eps_dV_mumu=-0.1),  # flavour-dependent coefficients
    cc.NewPhysics(zprime_coupling=3e-4, zprime_mass_MeV=20.0),
    cc.NewPhysics(dm2_41_eV2=1.5, Ue4_sq=0.1, Umu4_sq=0.05),  # oscillation: flux moments change
    cc.StandardModel(couplings="flavour"),
]


@pytest.mark.parametrize("physics", PHYSICS, ids=["nsi", "zprime", "sterile", "flavour"])
@pytest.mark.parametrize("name", ["coherent_csi_2017", "coherent_lar_2020", "conus"])
def test_new_physics_counts_and_spectra_match_the_plain_route(name, physics):
    exp = cc.experiment(name, physics=physics, skin_fm=0.2)
    exp.counts()  # fill the caches
    got = exp.counts().total
    plain = _plain_counts(exp, _edges(exp))
    assert got == pytest.approx(sum(plain.values()), rel=1e-10, abs=0.0)
    T = np.linspace(0.01, 0.9 * exp.max_recoil_keV(), 30)
    warm = exp.spectrum(T)
    clear_caches()
    cold = exp.spectrum(T)
    for key, values in cold.parts.items():
        np.testing.assert_allclose(warm.parts[key], values, rtol=1e-12, atol=0.0)


def _fresh_total(name: str, change) -> float:
    """Counts of a newly built preset with ``change`` applied, computed without caches."""
    exp = cc.experiment(name)
    change(exp)
    clear_caches()
    return exp.counts().total


CHANGES = {
    "physics": (
        "coherent_csi_2017",
        lambda e: setattr(e, "physics", cc.StandardModel(sin2_theta_W=0.24)),
    ),
    "physics in place": (
        "coherent_csi_2017",
        lambda e: setattr(e, "physics", cc.NewPhysics()) or setattr(e.physics, "eps_uV_ee", 0.3),
    ),
    "skin": ("coherent_csi_2017", lambda e: setattr(e, "skin_fm", 0.4)),
    "form-factor dict in place": (
        "coherent_csi_2017",
        lambda e: e.form_factor_params.__setitem__("s_fm", 1.1),
    ),
    "source distance": ("coherent_csi_2017", lambda e: setattr(e.source, "distance_m", 25.0)),
    "pulse width (timing)": (
        "coherent_csi_2021",
        lambda e: setattr(e.source, "pulse_width_ns", 800.0),
    ),
    "timing window": (
        "coherent_lar_2020",
        lambda e: setattr(e.detector, "timing_window_us", (0.0, 1.0)),
    ),
    "timing efficiency": (
        "coherent_csi_2021",
        lambda e: setattr(e.detector.timing_efficiency, "decay_per_us", 0.2),
    ),
    "threshold": ("coherent_csi_2017", lambda e: setattr(e.detector, "threshold", 9.0)),
    "resolution in place": (
        "coherent_lar_2020",
        lambda e: setattr(e.detector.resolution, "stochastic", 0.9),
    ),
    "efficiency in place": (
        "coherent_csi_2021",
        lambda e: setattr(e.detector.efficiency, "c", 12.0),
    ),
    "quenching in place": ("conus", lambda e: setattr(e.detector.quenching, "k", 0.2)),
    "mass": ("coherent_lar_2020", lambda e: setattr(e.detector, "mass_kg", 48.8)),
    "live time": ("conus", lambda e: setattr(e.detector, "live_time_days", 100.0)),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_changed_setting_never_gives_a_stale_count(change):
    name, apply = CHANGES[change]
    exp = cc.experiment(name)
    before = exp.counts().total
    exp.counts()  # warm
    apply(exp)
    after = exp.counts().total
    assert after != pytest.approx(before, rel=1e-6)
    assert after == pytest.approx(_fresh_total(name, apply), rel=1e-12, abs=0.0)


def test_mass_and_live_time_scale_the_kept_response():
    """The response is kept without the mass: counts still scale exactly with it."""
    exp = cc.experiment("coherent_lar_2020")
    base = exp.counts().total
    exp.detector.mass_kg *= 2.0
    assert exp.counts().total == pytest.approx(2.0 * base, rel=1e-12)
    conus = cc.experiment("conus")
    base = conus.counts().total
    conus.detector.live_time_days *= 3.0
    assert conus.counts().total == pytest.approx(3.0 * base, rel=1e-12)


def test_a_changed_recoil_grid_or_target_is_a_new_kernel():
    exp = cc.experiment("coherent_csi_2017")
    T = np.linspace(1.0, 40.0, 20)
    a = exp.recoil_spectrum(T)
    b = exp.recoil_spectrum(T + 1.0)
    clear_caches()
    np.testing.assert_allclose(b, exp.recoil_spectrum(T + 1.0), rtol=1e-12, atol=0.0)
    assert not np.allclose(a, b)
    ge = cc.recoil_spectrum(exp.source, {"Ge72": 1e25}, T).total
    xe = cc.recoil_spectrum(exp.source, {"Xe132": 1e25}, T).total
    assert not np.allclose(ge, xe)


def test_results_handed_out_are_writable_copies():
    exp = cc.experiment("coherent_lar_2020")
    spectrum = exp.spectrum(np.linspace(1.0, 50.0, 10))
    for values in spectrum.parts.values():
        values *= 2.0  # the caller's own array
    counts = exp.observed_counts(exp.analysis_bins(20))
    for values in counts.parts.values():
        values[0] = -1.0
    clear_caches()
    again = exp.observed_counts(exp.analysis_bins(20))
    assert all(v[0] >= 0.0 for v in again.parts.values())
    assert exp.counts().total == pytest.approx(cc.experiment("coherent_lar_2020").counts().total)


def test_bad_input_still_raises_after_a_cached_call():
    exp = cc.experiment("coherent_csi_2017")
    T = np.linspace(1.0, 40.0, 5)
    exp.recoil_spectrum(T)
    with pytest.raises(cc.CevnsError, match="T_keV"):
        exp.recoil_spectrum(-T)
    with pytest.raises(cc.CevnsError, match="unknown option"):
        cc.recoil_spectrum(exp.source, "CsI", T, unknown=1)
    for _ in range(2):
        with pytest.raises(cc.CevnsError, match="source must be a Source"):
            cc.binned_counts("not a source", exp.detector, [6.0, 30.0])


def test_a_physics_change_reuses_what_does_not_depend_on_it():
    """A new sin²θ_W recomputes the cross sections only: the detector response, recoil nodes,
    flux moments, form factors and timing fractions are found in their caches."""
    exp = cc.experiment("coherent_csi_2021")
    clear_caches()
    exp.counts()
    before = cc.caching.cache_info()
    exp.physics = cc.StandardModel(sin2_theta_W=0.245)
    got = exp.counts().total
    after = cc.caching.cache_info()
    for name in ("detector responses", "recoil nodes", "flux moments", "form factors"):
        assert after[name]["misses"] == before[name]["misses"], name
        assert after[name]["hits"] > before[name]["hits"], name
    assert after["timing fractions"]["misses"] == before["timing fractions"]["misses"]
    assert (
        after["cross-section coefficients"]["misses"]
        > before["cross-section coefficients"]["misses"]
    )
    assert got == pytest.approx(sum(_plain_counts(exp, _edges(exp)).values()), rel=1e-10)
