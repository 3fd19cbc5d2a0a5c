"""The results layer: the core's numbers for a spec, cached (no plotting)."""

from __future__ import annotations

import numpy as np
import pytest

import cevns_core as cc
from dashboard import results
from dashboard.state import SessionState, build_experiment


@pytest.fixture
def state() -> SessionState:
    return SessionState()


def test_spectrum_is_the_experiments(state):
    spec = state.spec()
    sp = results.spectrum(spec, 120, False)
    exp = cc.experiment("coherent_csi_2017")
    core = exp.spectrum(sp.T_keV)
    assert set(sp.parts) == set(core.parts)
    for key, values in core.parts.items():
        np.testing.assert_allclose(sp.parts[key], values, rtol=1e-12)
    T_max = exp.max_recoil_keV()
    assert sp.T_keV[0] == pytest.approx(1e-4 * T_max) and sp.T_keV[-1] == pytest.approx(T_max)
    np.testing.assert_allclose(np.diff(sp.T_keV), np.diff(sp.T_keV)[0], rtol=1e-9)
    assert sp.threshold_keV == pytest.approx(exp.detector.threshold_recoil_keV())
    assert not sp.T_keV.flags.writeable  # shared by every session: read-only
    assert not next(iter(sp.parts.values())).flags.writeable
    log = results.spectrum(spec, 50, True)
    assert log.T_keV[0] == pytest.approx(exp.max_recoil_keV() * 1e-4)


def test_results_are_cached(state):
    spec = state.spec()
    first = results.observed(spec, 40)
    assert results.observed(state.spec(), 40) is first
    state.threshold = 7.0
    assert results.observed(state.spec(), 40) is not first
    # the recoil spectrum does not depend on the threshold: reused, new marker
    a = results.spectrum(spec, 100, False)
    b = results.spectrum(state.spec(), 100, False)
    assert a.parts is b.parts and b.threshold_keV > a.threshold_keV


def test_the_cache_keys_on_content_and_is_bounded():
    calls = []

    @results._cache(max_items=2)
    def square(spec, power=2):
        calls.append(spec)
        return {"value": spec["x"] ** power}

    first = square({"x": 3.0, "y": [1, 2]})
    assert square({"y": [1, 2], "x": 3.0}) is first  # key order does not matter
    assert square({"x": 3.0, "y": [1, 2]}, power=3)["value"] == 27.0
    square({"x": 4.0, "y": [1, 2]})  # third entry: the oldest ({x: 3} squared) is dropped
    assert len(calls) == 3
    assert square({"x": 3.0, "y": [1, 2]}) is not first
    # arrays count by content (not by their truncated repr)
    a, b = np.zeros(5000), np.zeros(5000)
    b[2500] = 1.0
    assert square({"x": 1.0, "a": a}) is not square({"x": 1.0, "a": b})
    assert square({"x": 1.0, "a": a.copy()}) is square({"x": 1.0, "a": a})
    with pytest.raises(TypeError, match="cannot use a object"):
        square({"x": 1.0, "o": object()})
    square.clear()
    n = len(calls)
    square({"x": 4.0, "y": [1, 2]})
    assert len(calls) == n + 1


def test_observed_and_counts_are_the_experiments(state):
    spec = state.spec()
    exp = cc.experiment("coherent_csi_2017")
    obs = results.observed(spec, 40)
    core = exp.observed_counts(exp.analysis_bins(40))
    np.testing.assert_array_equal(obs.bin_edges, core.bin_edges)
    np.testing.assert_allclose(obs.total, core.total, rtol=1e-12)
    assert obs.unit == "PE"
    c = results.counts(spec)
    core_counts = exp.counts()
    assert c.observed_total == pytest.approx(core_counts.total, rel=1e-12)
    for f, n in core_counts.by_flavour.items():
        assert c.observed_by_flavour[f] == pytest.approx(n, rel=1e-12)
    assert c.all_total > c.observed_total
    assert c.published["predicted"] == 173


def test_counts_of_a_flux_source_with_timing_window():
    state = SessionState(experiment="coherent_lar_2020")
    c = results.counts(state.spec())
    assert c.observed_total == pytest.approx(
        cc.experiment("coherent_lar_2020").counts().total, rel=1e-9
    )


def test_form_factor_parameters_reach_the_core(state):
    state.skin_fm = 0.5
    spec = state.spec()
    sp = results.spectrum(spec, 60, False)
    exp = build_experiment(spec)
    core = cc.recoil_spectrum(
        exp.source,
        exp.detector.targets(),
        sp.T_keV,
        None,
        "helm",
        form_factor_params={"skin_fm": 0.5},
    )
    np.testing.assert_allclose(sp.total, core.total, rtol=1e-12)
    plain = results.spectrum(SessionState().spec(), 60, False)
    assert sp.total[30] < plain.total[30]  # a neutron skin lowers F_n at finite q


def test_new_physics_reaches_the_core(state):
    state.physics_editor.zprime_coupling = 3e-4
    state.physics_editor.zprime_mass_MeV = 10.0
    sp = results.spectrum(state.spec(), 60, False)
    exp = build_experiment(state.spec())
    np.testing.assert_allclose(sp.total, exp.recoil_spectrum(sp.T_keV), rtol=1e-12)
    assert not np.allclose(sp.total, results.spectrum(SessionState().spec(), 60, False).total)


def test_invalid_threshold_raises(state):
    state.threshold_unit = "keVnr"
    state.observable = "keVnr"
    state.threshold = 500.0
    with pytest.raises(cc.CevnsError, match="above the largest recoil"):
        results.observed(state.spec(), 40)


def test_band_combines_flux_and_model_spread(state):
    band = results.spectrum_band(state.spec(), 80, False, 40, 0.1, 0.1)
    assert "helm" in band.models and "point" not in band.models
    assert np.all(band.recoil >= 0.1 - 1e-12)
    assert band.observed.shape == results.observed(state.spec(), 40).total.shape
    no_flux = results.spectrum_band(state.spec(), 80, False, 40, 0.0, 0.0)
    # F = 1 - q²⟨r²⟩/6 + q⁴⟨r⁴⟩/120 … The default anchors every model on the measured charge
    # radius, so the ⟨r²⟩ terms agree and the spread vanishes like q⁴ ∝ T² as T → 0 (models as
    # built, each with its own radius, give ∝ T: tests/core/experiment/test_band.py)
    T = results.spectrum(state.spec(), 80, False).T_keV
    assert no_flux.recoil[0] / no_flux.recoil[1] == pytest.approx((T[0] / T[1]) ** 2, rel=0.02)
    assert no_flux.recoil[40] > 0.0


def test_form_factor_curves_are_the_nuclear_models():
    curves = results.form_factor_curves(
        "Ar40", ("helm", "klein_nystrand", "point"), "helm", {}, 0.1, None
    )
    nm = cc.NuclearModel(isotope="Ar40", model="helm", skin_fm=0.1)
    q = curves["F_p"].x
    np.testing.assert_allclose(curves["F_p"].curves["helm"], nm.F_p(q), rtol=1e-12)
    np.testing.assert_allclose(curves["F_n"].curves["helm"], nm.F_n(q), rtol=1e-12)
    np.testing.assert_allclose(
        curves["rho_n"].curves["helm"], nm.rho_n(curves["rho_n"].x), rtol=1e-12
    )
    rows = {r["model"]: r for r in curves["F_p"].rows}
    assert rows["helm"]["R_n_fm"] - rows["helm"]["R_p_fm"] == pytest.approx(0.1)
    assert "point" not in rows  # a point nucleus has no skin to add
    assert any("point" in w for w in curves["F_p"].warnings)


def test_moment_expansion_warning_is_collected():
    curves = results.form_factor_curves("Cs133", ("moment_expansion",), "helm", {}, 0.0, None)
    assert any("moment expansion" in w for w in curves["F_p"].warnings)
    assert "moment_expansion" not in curves["rho_p"].curves


def test_cross_sections_are_the_cores(state):
    nuclear, physics = state.nuclear_spec(), state.physics_spec()
    xs = results.total_cross_sections(("Cs133", "Ar40"), 1.0, 60.0, nuclear, physics, "nu_mu")
    np.testing.assert_allclose(xs.curves["Ar40"], cc.total_cross_section(xs.x, "Ar40"), rtol=1e-12)
    assert set(xs.curves) == {"Cs133", "Ar40"}
    with pytest.raises(cc.CevnsError, match="must be below"):
        results.total_cross_sections(("Ar40",), 60.0, 10.0, nuclear, physics, "nu_mu")
    state.physics_editor.eps_uV_ee = 0.2
    xs = results.total_cross_sections(("Ar40",), 1.0, 60.0, nuclear, state.physics_spec(), "nu_e")
    assert set(xs.curves) == {"Ar40", "Ar40 SM"}
    diff = results.differential_cross_sections("Cs133", (10.0, 30.0), nuclear, physics, "nu_mu")
    T, dsdT = diff[30.0]
    np.testing.assert_allclose(dsdT, cc.differential_cross_section(30.0, T, "Cs133"), rtol=1e-12)
    ang = results.angular_cross_sections("Cs133", (0.0, 90.0), 1.0, 50.0, nuclear, physics, "nu_mu")
    np.testing.assert_allclose(
        ang.curves["90°"], cc.dsigma_dcos_theta_nu(ang.x, 0.0, "Cs133"), rtol=1e-12
    )
    nsq = results.flux_averaged_vs_N(state.source_spec(), ("Ar40", "Cs133"), nuclear, physics)
    src = cc.experiment("coherent_csi_2017").source
    assert nsq["point"][1] == pytest.approx(
        cc.flux_averaged_cross_section(src, "Cs133", form_factor="point"), rel=1e-12
    )
    assert nsq["model"][1] < nsq["point"][1]


def test_sources_and_timing(state):
    flux = results.source_flux(state.source_spec())
    src = cc.experiment("coherent_csi_2017").source
    np.testing.assert_allclose(flux.flux["nu_e"], src.spectrum(flux.E_MeV, "nu_e"), rtol=1e-12)
    assert [line[0] for line in flux.lines] == ["nu_mu"]
    assert flux.normalisation == "fluence"
    tim = results.timing(state.source_spec())
    np.testing.assert_allclose(
        tim.pdf["nu_mu"], src.time_pdf("nu_mu", tim.t_us * 1e3) * 1e3, rtol=1e-12
    )
    reactor = SessionState(experiment="conus")
    assert results.timing(reactor.source_spec()) is None
    assert results.energy_time(reactor.spec()) is None


def test_energy_time_is_the_experiments(state):
    et = results.energy_time(state.spec(), 30, 6.0, 12, 0.0)
    exp = cc.experiment("coherent_csi_2017")
    core = exp.energy_time_counts(exp.analysis_bins(30), np.linspace(0.0, 6.0, 13))
    np.testing.assert_allclose(et.total, np.sum(list(core.values()), axis=0), rtol=1e-12)


def test_preset_counts_and_rows():
    rows = results.preset_rows()
    assert [r["name"] for r in rows] == cc.experiment_names()
    assert results.preset_counts("coherent_csi_2017") == pytest.approx(
        cc.experiment("coherent_csi_2017").counts().total
    )


def test_all_recoils_are_infinite_with_a_magnetic_moment():
    # dσ/dT ∝ 1/T (PHYSICS §7.5): the count down to T = 0 diverges for the flavour concerned
    state = SessionState()
    state.physics_overrides = {"mu_nu_e_muB": 1e-9}
    c = results.counts(state.spec())
    assert "magnetic moment" in c.all_divergence
    assert c.all_total == np.inf and c.all_by_flavour["nu_e"] == np.inf
    # the other flavours keep their finite count: μ_ν only on ν_e leaves ν_μ's as in the SM
    sm = results.counts(SessionState().spec())
    assert c.all_by_flavour["nu_mu"] == pytest.approx(sm.all_by_flavour["nu_mu"], rel=1e-12)
    assert set(c.all_by_isotope.values()) == {np.inf}
    assert (
        np.isfinite(c.observed_total)
        and c.observed_total > results.counts(SessionState().spec()).observed_total
    )
    assert results.counts(SessionState().spec()).all_divergence is None
