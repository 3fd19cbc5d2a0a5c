"""Views and page at the model level: HoloViews objects and rendered Bokeh models, no browser."""

from __future__ import annotations

import logging

import holoviews as hv
import numpy as np
import panel as pn
import pytest
from bokeh.document import Document
from bokeh.models import LinearScale, LogScale, Plot
from pyviz_comms import Comm

import cevns_core as cc
from dashboard import results
from dashboard.app import TITLE, create_app, editor_widgets
from dashboard.errors import notify_error
from dashboard.labels import core_label, preset_title, scan_axis_label, with_unit
from dashboard.palette import FLAVOUR_COLORS, flavour_label
from dashboard.state import SessionState
from dashboard.theme import Fast
from dashboard.views import (
    TABS,
    ConstraintsView,
    CrossSectionView,
    ExperimentsView,
    FormFactorView,
    SourcesView,
    SpectraView,
)
from dashboard.views._live import PlotData, Series
from dashboard.views.cross_sections import parse_numbers


@pytest.fixture(autouse=True)
def _reset_panel_state():
    yield
    pn.state.reset()


def _layers(overlay: hv.Overlay) -> dict[str, hv.Element]:
    return {el.label: el for el in overlay if el.label}


def _figures(root) -> list[Plot]:
    return list(root.select({"type": Plot}))


def _figure(root, title_start: str) -> Plot:
    return next(f for f in _figures(root) if f.title.text.startswith(title_start))


# ------------------------------------------------------------------------------ spectra
def _series(plot: PlotData) -> dict[str, Series]:
    return {s.label: s for s in plot.series if s.label}


def test_recoil_plot_holds_the_cores_spectrum_per_flavour():
    view = SpectraView(state=SessionState())
    plot = view.recoil_plot()
    series = _series(plot)
    sp = results.spectrum(view.state.spec(), 200, False)
    for flavour, values in sp.by_flavour().items():
        curve = series[flavour_label(flavour)]
        np.testing.assert_allclose(curve.y, values, rtol=1e-12)
        assert curve.color == FLAVOUR_COLORS[flavour]
    assert plot.x.title == "T (nuclear recoil) (keVnr)"
    assert plot.y.title == "dN/dT (events/keVnr)"
    assert plot.marker == pytest.approx(sp.threshold_keV)


def test_breakdowns_and_stacking():
    view = SpectraView(state=SessionState(), breakdown="isotope")
    assert set(_series(view.recoil_plot())) == {"Cs133", "I127"}
    view.breakdown = "total"
    series = _series(view.recoil_plot())
    assert set(series) == {"Total"}
    total = results.spectrum(view.state.spec(), 200, False).total
    np.testing.assert_allclose(series["Total"].y, total, rtol=1e-12)
    view.breakdown = "flavour"
    view.stacked = True
    areas = [s for s in view.recoil_plot().series if s.kind == "area"]
    assert len(areas) == 3
    top = max(areas, key=lambda a: np.nanmax(a.upper))
    np.testing.assert_allclose(top.upper, total, rtol=1e-12)
    # each component spans its own height in the stack
    for area in areas:
        np.testing.assert_allclose(area.upper - area.lower, area.y, rtol=1e-9, atol=1e-12)


def test_new_physics_overlay_and_ratio():
    state = SessionState()
    view = SpectraView(state=state)
    ratio = view.ratio_plot()
    np.testing.assert_array_equal(ratio.series[0].y, 1.0)
    state.physics_editor.zprime_coupling = 5e-4
    state.physics_editor.zprime_mass_MeV = 20.0
    series = _series(view.recoil_plot())
    assert {"Total (SM)", "Total (new physics)"} <= set(series)
    sm = results.spectrum(SessionState().spec(), 200, False).total
    np.testing.assert_allclose(series["Total (SM)"].y, sm, rtol=1e-12)
    ratio = view.ratio_plot().series[0].y
    assert np.nanmax(np.abs(ratio - 1.0)) > 1e-3
    # the reference follows the spec it is given (worker threads), not the state of the moment
    assert view.reference_spec(SessionState().spec()) is None
    assert view.reference_spec(state.spec())["physics"] == SessionState().spec()["physics"]
    # the ratio panel shown by the tab follows (deferred part, run at once outside a server)
    np.testing.assert_array_equal(view.plots()[1].data.series[0].y, ratio)


def test_invalid_input_keeps_the_last_good_plot(monkeypatch):
    notified: list[Exception] = []
    monkeypatch.setattr("dashboard.views._base.notify_error", notified.append)
    state = SessionState()
    view = SpectraView(state=state)
    good = view.recoil_plot()
    shown = view.plots()[0].data
    observed = view._observed_last
    state.threshold = 40.0  # above the preset's 30-PE upper limit
    assert view.recoil_plot() is good
    assert view.plots()[0].data.title == shown.title  # the figure kept its last good state
    assert view._observed_last is observed  # the deferred part kept its last good state too
    assert notified and all(isinstance(e, cc.CevnsError) for e in notified)
    assert "upper_limit" in str(notified[0])
    state.threshold = 8.0
    assert view.recoil_plot() is not good
    assert view.plots()[0].data.title != shown.title


def test_observed_spectrum_and_counts_table():
    state = SessionState()
    view = SpectraView(state=state)
    data = view._observed_last
    plot = view.observed_plot(data)
    obs = results.observed(state.spec(), 40)
    bars = {s.label: s for s in plot.series if s.kind == "bars"}
    nu_e = flavour_label("nu_e")  # νₑ: the core's label
    np.testing.assert_allclose(bars[nu_e].y, obs.by_flavour()["nu_e"], rtol=1e-12)
    np.testing.assert_array_equal(bars[nu_e].x, obs.bin_edges)
    assert plot.x.title == "Photo-electrons (PE)"
    table = view._counts_table.object
    total = table[table.iloc[:, 0] == "Total"]
    # CsI 2017 with the default nuclear description (measured radius, skin systematics): 167.0
    # events; 173.9 with the reviews' F_n = F_p (tests/core/experiment/test_experiments.py)
    assert total["Above threshold"].iloc[0] == "167"
    assert "Published predicted ± 48" in list(table.iloc[:, 0])
    state.physics_overrides = {"mu_nu_e_muB": 1e-9}  # all recoils: infinite (∝ 1/T)
    table = view._counts_table.object
    assert table[table.iloc[:, 0] == "Total"]["All recoils"].iloc[0] == "∞"
    assert "infinite" in view._counts_caption.object
    state.physics_overrides = {}
    state.experiment = "conus"  # keVee observable
    data = view._observed_last
    assert data["observed"].unit == "keVee"
    assert view.plots()[2].data.x.unit == "keVee"


def test_rendered_plots_have_units_and_log_axes():
    state = SessionState()
    view = SpectraView(state=state)
    root = pn.panel(view).get_root(Document(), comm=Comm())
    fig = _figure(root, "Recoil spectrum")
    assert fig.xaxis[0].axis_label == "T (nuclear recoil) (keVnr)"
    assert fig.yaxis[0].axis_label == "dN/dT (events/keVnr)"
    assert isinstance(fig.y_scale, LinearScale)
    obs = _figure(root, "Observed spectrum")
    assert obs.xaxis[0].axis_label == "Photo-electrons (PE)"
    view.log_y = True
    assert isinstance(_figure(root, "Recoil spectrum").y_scale, LogScale)
    view.log_x = True
    assert isinstance(_figure(root, "Recoil spectrum").x_scale, LogScale)
    state.target = "Ge"  # updates continue after the rebuild
    sp = results.spectrum(state.spec(), 200, True)
    fig = _figure(root, "Recoil spectrum")
    data = [
        r.data_source.data
        for r in fig.renderers
        if hasattr(r, "data_source") and "dNdT" in r.data_source.data
    ]
    assert any(np.allclose(d["T_keV"], sp.T_keV) for d in data)


# ------------------------------------------------------------------------------ errors
def test_notify_error_logs_input_errors_quietly(caplog):
    caplog.set_level(logging.INFO, logger="dashboard")
    notify_error(cc.CevnsError("E_min = 100 MeV must be below E_max = 60 MeV"))
    notify_error(RuntimeError("boom"))
    levels = {r.getMessage(): (r.levelno, r.exc_info is not None) for r in caplog.records}
    assert levels["invalid input: E_min = 100 MeV must be below E_max = 60 MeV"] == (
        logging.INFO,
        False,
    )
    assert levels["callback failed"] == (logging.ERROR, True)
    caplog.clear()


# ------------------------------------------------------------------------------ page
def test_create_app_builds_the_page():
    state = SessionState()
    page = create_app(state)
    assert isinstance(page, pn.template.FastListTemplate)
    assert page.title == TITLE == "CEvNS workbench"
    tabs = next(o for o in page.main if isinstance(o, pn.Tabs))  # below the lesson bar
    assert isinstance(tabs, pn.Tabs)
    assert list(tabs._names) == [title for title, _ in TABS]
    selects = [
        w.widget for w in page.sidebar if isinstance(getattr(w, "widget", None), pn.widgets.Select)
    ]
    assert selects[0].label == "Experiment preset"
    # the presets by their titles (identifiers stay in URLs and Python)
    assert list(selects[0].options.values()) == cc.experiment_names()
    assert "COHERENT CsI[Na] (2017)" in selects[0].options
    selects[0].value = "conus"  # widgets write to the state
    assert state.experiment == "conus" and state.target == "Ge"


def test_editor_widgets_are_generated_from_the_core_parameters():
    state = SessionState()
    widgets = editor_widgets(
        state, "physics_overrides", state.physics_editor, ["zprime_coupling", "eps_uV_ee"]
    )
    by_name = {w.name: w for w in widgets.widgets.values()}
    # the widgets' labels are the core's (label and unit of each NewPhysics parameter)
    coupling = by_name[with_unit(core_label(cc.NewPhysics, "zprime_coupling"), "")]
    assert isinstance(coupling, pn.widgets.FloatInput)  # tiny range: a number box
    eps = by_name[core_label(cc.NewPhysics, "eps_uV_ee")]
    assert isinstance(eps, pn.widgets.FloatSlider)
    assert (eps.start, eps.end) == (-1.0, 1.0)  # the core's soft bounds
    eps.value = 0.25
    assert state.physics_overrides == {"eps_uV_ee": 0.25}


def test_page_renders_without_a_server_for_notebooks():
    page = create_app()
    assert hasattr(page, "_repr_mimebundle_")
    doc = page._init_doc(Document(), Comm(), notebook=True)
    assert doc.roots


def test_design_requests_no_web_font():
    assert "font" not in Fast._resources
    urls = [u for kind in Fast().resolve_resources().values() for u in dict(kind).values()]
    assert not [u for u in urls if "googleapis" in str(u)]


# ------------------------------------------------------------------------------ form factors
def test_form_factor_overlay_is_the_nuclear_models():
    state = SessionState(experiment="coherent_lar_2020")
    state.skin_fm = 0.2
    view = FormFactorView(state=state)
    assert view.isotope == "Ar40"  # follows the target's main isotope
    overlay = view.ff_overlay()
    curves = [el for el in overlay if isinstance(el, hv.Curve)]
    helm = [c for c in curves if c.label == "Helm"]
    assert len(helm) == 2  # protons and neutrons
    nm = cc.NuclearModel(isotope="Ar40", model="helm", skin_fm=0.2)
    q = helm[0].dimension_values("q_fm")
    np.testing.assert_allclose(helm[0].dimension_values("F"), nm.F_p(q), rtol=1e-12)
    np.testing.assert_allclose(helm[1].dimension_values("F"), nm.F_n(q), rtol=1e-12)
    assert helm[0].kdims[0].pprint_label == "q (fm⁻¹)"
    rho = [el for el in view.rho_overlay() if el.label == "Helm"]
    assert rho[0].vdims[0].pprint_label == "ρ(r) (fm⁻³)"
    df = view.table_frame()
    assert list(df["Model"])[:1] == ["Helm"]
    assert float(df["R_n (fm)"][0]) - float(df["R_p (fm)"][0]) == pytest.approx(0.2, abs=1e-3)
    state.target = "Xe136"
    assert view.isotope == "Xe136"


def test_form_factor_log_axis_shows_the_modulus():
    view = FormFactorView(state=SessionState(), log_y=True, nucleons="proton")
    curves = [el for el in view.ff_overlay() if isinstance(el, hv.Curve)]
    values = curves[0].dimension_values("F")
    assert np.all((values > 0) | np.isnan(values))
    assert curves[0].vdims[0].pprint_label == "|F(q)|"


# ------------------------------------------------------------------------------ cross sections
def test_cross_section_plots_are_the_cores(monkeypatch):
    state = SessionState()
    view = CrossSectionView(state=state, isotopes=["Ar40", "Xe132"], log_y=False)
    sigma = {el.label: el for el in view.sigma_overlay()}
    E = sigma["Ar40"].dimension_values("E_MeV")
    np.testing.assert_allclose(
        sigma["Ar40"].dimension_values("sigma_cm2"),
        cc.total_cross_section(E, "Ar40"),
        rtol=1e-12,
    )
    dsdT = {el.label: el for el in view.dsdT_overlay()}
    T = dsdT["30 MeV"].dimension_values("T_keV")
    np.testing.assert_allclose(
        dsdT["30 MeV"].dimension_values("dsdT"),
        cc.differential_cross_section(30.0, T, "Cs133"),
        rtol=1e-12,
    )
    angular = {el.label: el for el in view.angular_overlay()}
    assert "θ = 90°" in angular
    nsq = [el for el in view.nsq_overlay() if isinstance(el, hv.Scatter)]
    names = list(nsq[0].dimension_values("nucleus"))
    assert "Cs133" in names and "Pb208" in names
    assert nsq[0].vdims[0].pprint_label == "⟨σ⟩ flux-averaged (10⁻⁴⁰ cm²)"
    # bad energies: a notification, the last good plot stays
    notified: list[Exception] = []
    monkeypatch.setattr("dashboard.views._base.notify_error", notified.append)
    good = view.dsdT_overlay()
    view.energies = "10, abc"
    assert view.dsdT_overlay() is good
    assert "not a list of numbers" in str(notified[0])
    assert parse_numbers("5 10;20", "x") == (5.0, 10.0, 20.0)


def test_new_physics_adds_the_sm_reference_to_sigma():
    state = SessionState()
    state.physics_editor.eps_uV_ee = 0.3
    view = CrossSectionView(state=state, isotopes=["Ar40"], flavour="nu_e")
    labels = {el.label for el in view.sigma_overlay()}
    assert labels == {"Ar40", "Ar40 SM"}


# ------------------------------------------------------------------------------ sources
def test_source_plots_are_the_cores():
    state = SessionState()
    view = SourcesView(state=state)
    flux = view.flux_overlay()
    curves = {el.label: el for el in flux if isinstance(el, hv.Curve)}
    src = cc.experiment("coherent_csi_2017").source
    nu_e, nu_mu = flavour_label("nu_e"), flavour_label("nu_mu")
    E = curves[nu_e].dimension_values("E_MeV")
    np.testing.assert_allclose(
        curves[nu_e].dimension_values("flux"), src.spectrum(E, "nu_e"), rtol=1e-12
    )
    assert curves[nu_e].vdims[0].pprint_label == "dΦ/dE (cm⁻² MeV⁻¹)"
    lines = [el for el in flux if isinstance(el, hv.VLine)]
    assert [ln.data for ln in lines] == [pytest.approx(29.79, abs=0.01)]
    timing = {el.label: el for el in view.timing_overlay() if isinstance(el, hv.Curve)}
    t = timing[nu_mu].dimension_values("t_us")
    np.testing.assert_allclose(
        timing[nu_mu].dimension_values("pdf"), src.time_pdf("nu_mu", t * 1e3) * 1e3, rtol=1e-12
    )
    mesh = view.energy_time_mesh()
    et = results.energy_time(state.spec())
    assert mesh.dimension_values("counts").sum() == pytest.approx(float(np.sum(et.total)))
    df, _ = view.table_frame()
    # flavours, then the line
    assert list(df["Flavour"]) == [flavour_label(f) for f in ("nu_e", "nu_mu", "nubar_mu", "nu_mu")]
    shapes = [el for el in view.shapes_overlay() if isinstance(el, hv.Curve)]
    assert len(shapes) == 3  # sidebar source + two presets


def test_timing_window_and_sources_without_timing():
    state = SessionState(experiment="coherent_lar_2020")
    view = SourcesView(state=state)
    spans = [el for el in view.timing_overlay() if isinstance(el, hv.VSpan)]
    assert spans and tuple(spans[0].data) == (-0.1, 4.9)
    state.experiment = "conus"
    overlay = view.timing_overlay()
    assert "No arrival-time structure" in overlay.opts.get().kwargs["title"]
    assert view.energy_time_mesh().dimension_values("counts").sum() == 0.0


# ------------------------------------------------------------------------------ experiments
def test_experiments_table_and_comparison(monkeypatch):
    monkeypatch.setattr(results, "preset_counts", lambda name: 42.0)
    state = SessionState()
    view = ExperimentsView(state=state, compare=["coherent_csi_2017"])
    df = view.table_frame()
    assert list(df["Experiment"]) == [preset_title(n) for n in cc.experiment_names()]
    assert set(df["Expected events"]) == {"…"}
    view.activate()  # outside a server the counts are computed at once
    assert view.counts["conus"] == 42.0
    assert "42" in set(view._table.object["Expected events"])
    bars = view.counts_bars()
    rows = {
        (r[0], r[1]): r[2] for r in zip(*(bars.dimension_values(i) for i in range(3)), strict=True)
    }
    assert rows[(preset_title("coherent_csi_2017"), "published prediction")] == 173.0
    spectra = {el.label: el for el in view.spectra_overlay()}
    assert set(spectra) == {preset_title("coherent_csi_2017")}
    view.open_preset = "conus"
    view._open()
    assert state.experiment == "conus"


# ------------------------------------------------------------------------------ constraints
def test_constraints_scan_is_the_cores(monkeypatch):
    notified: list[Exception] = []
    monkeypatch.setattr("dashboard.views.constraints.notify_error", notified.append)
    view = ConstraintsView(state=SessionState(), a0_n=24, a1_n=20, chunks=5)
    assert (view.a0_min, view.a0_max, view.a0_log) == (1e-5, 1e-2, True)
    view.start()
    assert view.status.startswith("Done") and view.progress == 100 and not view.running
    res = view.result
    core = cc.scan(
        "coherent_csi_2017",
        "zprime",
        coupling=np.geomspace(1e-5, 1e-2, 24),
        mass_MeV=np.geomspace(1.0, 1e4, 20),
    )
    np.testing.assert_allclose(res.delta_chi2, core.delta_chi2, rtol=1e-12, atol=1e-12)
    overlay = view.plot(view._pipe.data)
    paths = [el for el in overlay if isinstance(el, hv.Path)]
    assert len(paths[0].data) == len(core.contour(0.9)) > 0
    mesh = next(el for el in overlay if isinstance(el, hv.QuadMesh))
    assert mesh.kdims[0].name == "mass_MeV"  # mediator mass on x (PKK Fig. 12)
    assert not notified


def test_constraints_profile_published_limits_and_errors(monkeypatch):
    notified: list[Exception] = []
    monkeypatch.setattr("dashboard.views.constraints.notify_error", notified.append)
    view = ConstraintsView(state=SessionState(), model="nsi_vector_ee", a0_n=41)
    view.dimensions = "1d0"
    view.start()
    label = scan_axis_label("nsi_vector_ee", "eps_u")[0]  # the core catalogue's ε^uV_ee
    assert "interval" in view._info.object
    assert f"Published {label}: [0.028, 0.6]" in view._info.object
    overlay = view.plot(view._pipe.data)
    rects = next(el for el in overlay if isinstance(el, hv.Rectangles))
    assert len(rects) == 1
    view.a0_min, view.a0_max = 1.0, -1.0  # empty range: a notification, nothing runs
    previous = view.result
    view.start()
    assert view.status.startswith("Not started") and view.result is previous
    assert notified and "must be below" in str(notified[0])


def test_constraints_scan_can_be_cancelled():
    view = ConstraintsView(state=SessionState(), a0_n=20, a1_n=10, chunks=4)
    compute = view._compute

    def cancel_after_first(job, rows):
        view.cancel()
        return compute(job, rows)

    view._compute = cancel_after_first
    view.start()
    assert view.status == "Cancelled." and view.result is None and not view.running
