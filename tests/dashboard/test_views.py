"""Views and page at the model level: HoloViews objects and rendered Bokeh models, no browser."""

from __future__ import annotations

import logging

import holoviews as hv
import numpy as np
import panel as pn
import pytest
from bokeh.document import Document
from bokeh.models import GlyphRenderer, LinearScale, LogScale, Plot
from pyviz_comms import Comm

import cevns_core as cc
from dashboard.app import TITLE, create_app
from dashboard.errors import notify_error
from dashboard.state import SessionState
from dashboard.views import CrossSectionView, FormFactorView


@pytest.fixture(autouse=True)
def _reset_panel_state():
    yield
    pn.state.reset()


def _curves(overlay: hv.Overlay) -> dict[str, hv.Curve]:
    return {curve.label: curve for curve in overlay}


def _render(view) -> tuple:
    """Render a view's plot to Bokeh models; return (root, figure)."""
    root = view._pane.get_root(Document(), comm=Comm())
    return root, _figure(root)


def _figure(root) -> Plot:
    return next(iter(root.select({"type": Plot})))


def _visible_data(root, column: str) -> dict[str, np.ndarray]:
    fig = _figure(root)
    out = {}
    for item in fig.legend[0].items:
        renderer = item.renderers[0]
        if renderer.visible:
            out[item.label["value"]] = np.asarray(renderer.data_source.data[column])
    return out


def test_cross_section_overlay_holds_the_cores_curves():
    state = SessionState(isotopes=["Cs133", "Ar40"])
    overlay = CrossSectionView(state=state).overlay()
    curves = _curves(overlay)
    assert set(curves) == {"Cs133", "Ar40"}
    cs = curves["Cs133"]
    assert cs.kdims[0].pprint_label == "E_ν (MeV)"
    assert cs.vdims[0].pprint_label == "σ (cm²)"
    E_MeV = cs.dimension_values("E_MeV")
    np.testing.assert_array_equal(
        cs.dimension_values("sigma_cm2"), cc.total_cross_section(E_MeV, "Cs133", form_factor="helm")
    )


def test_form_factor_overlay_holds_the_cores_curves():
    state = SessionState(isotopes=["Ge72"])
    curves = _curves(FormFactorView(state=state).overlay())
    assert set(curves) == {"Ge72"}
    ff = curves["Ge72"]
    assert ff.kdims[0].pprint_label == "q (fm⁻¹)"
    q_fm = ff.dimension_values("q_fm")
    assert q_fm.min() == 0.0 and q_fm.max() == 3.0
    np.testing.assert_array_equal(ff.dimension_values("F"), cc.form_factor("helm", q_fm, "Ge72"))


def test_invalid_range_keeps_the_last_good_plot(monkeypatch):
    notified: list[Exception] = []
    monkeypatch.setattr("dashboard.views._curves.notify_error", notified.append)
    state = SessionState()
    view = CrossSectionView(state=state)
    good = view.overlay()
    state.E_min_MeV = 100.0  # above E_max = 60
    assert view.overlay() is good
    assert len(notified) == 1 and isinstance(notified[0], cc.CevnsError)
    assert "must be below" in str(notified[0])
    state.E_min_MeV = 10.0
    fresh = view.overlay()
    assert fresh is not good
    assert _curves(fresh)["Cs133"].dimension_values("E_MeV")[0] == 10.0


def test_invalid_range_at_start_draws_an_empty_plot():
    view = CrossSectionView(state=SessionState(E_min_MeV=100.0))
    overlay = view.overlay()
    assert isinstance(overlay, hv.Overlay)
    assert all(len(curve) == 0 for curve in overlay)


def test_rendered_plot_updates_with_the_state():
    state = SessionState(isotopes=["Cs133", "Ar40"])
    view = CrossSectionView(state=state)
    root, fig = _render(view)
    assert isinstance(fig.y_scale, LogScale)
    assert set(_visible_data(root, "sigma_cm2")) == {"Cs133", "Ar40"}
    assert any(isinstance(r, GlyphRenderer) for r in fig.renderers)
    assert fig.xaxis[0].axis_label == "E_ν (MeV)"
    assert fig.yaxis[0].axis_label == "σ (cm²)"

    state.isotopes = ["Cs133", "Na23"]
    data = _visible_data(root, "sigma_cm2")
    assert set(data) == {"Cs133", "Na23"}
    E_MeV = state.energy_grid()
    np.testing.assert_array_equal(data["Na23"], cc.total_cross_section(E_MeV, "Na23"))


def test_log_toggle_rebuilds_the_plot_and_updates_continue():
    state = SessionState(isotopes=["Cs133"])
    view = CrossSectionView(state=state)
    root, _ = _render(view)
    state.log_y = False
    fig = _figure(root)
    assert isinstance(fig.y_scale, LinearScale)
    state.isotopes = ["Pb208"]
    assert set(_visible_data(root, "sigma_cm2")) == {"Pb208"}
    state.log_y = True
    assert isinstance(_figure(root).y_scale, LogScale)
    state.E_max_MeV = 30.0
    assert _visible_data(root, "E_MeV")["Pb208"][-1] == 30.0


def test_zoom_survives_a_model_change_and_axes_refit_new_extents():
    state = SessionState(isotopes=["Cs133", "Ar40"])
    view = CrossSectionView(state=state)
    root, fig = _render(view)
    fig.x_range.start, fig.x_range.end = 20.0, 30.0  # the user zooms in
    fig.y_range.start, fig.y_range.end = 1e-37, 1e-36
    state.form_factor_model = next(m for m in cc.form_factor_models() if m != "helm")
    fig = _figure(root)
    assert (fig.x_range.start, fig.x_range.end) == (20.0, 30.0)
    assert (fig.y_range.start, fig.y_range.end) == (1e-37, 1e-36)
    assert _visible_data(root, "sigma_cm2")  # the data did update
    state.E_max_MeV = 100.0  # a new energy range: the axes fit it
    assert fig.x_range.start == pytest.approx(1.0) and fig.x_range.end == pytest.approx(100.0)
    fig.x_range.start, fig.x_range.end = 20.0, 30.0
    state.isotopes = ["Na23"]  # a new isotope set: the axes fit it
    sigma = _visible_data(root, "sigma_cm2")["Na23"]
    assert fig.x_range.end == pytest.approx(100.0)
    assert fig.y_range.start <= sigma.min() and fig.y_range.end >= sigma.max()


def test_notify_error_logs_input_errors_quietly(caplog):
    caplog.set_level(logging.INFO, logger="dashboard")
    notify_error(cc.CevnsError("E_min = 100 MeV must be below E_max = 60 MeV"))
    notify_error(RuntimeError("boom"))
    levels = {r.getMessage(): (r.levelno, r.exc_info is not None) for r in caplog.records}
    assert levels["invalid input: E_min = 100 MeV must be below E_max = 60 MeV"] == (
        logging.INFO, False,
    )
    assert levels["callback failed"] == (logging.ERROR, True)
    caplog.clear()


def test_create_app_builds_the_page():
    state = SessionState()
    page = create_app(state)
    assert isinstance(page, pn.template.FastListTemplate)
    assert page.title == TITLE == "CEvNS workbench"
    tabs = page.main[0]
    assert isinstance(tabs, pn.Tabs)
    assert list(tabs._names) == ["Cross sections", "Form factors"]
    widgets = [obj for obj in page.sidebar if isinstance(obj, pn.widgets.Widget)]
    labels = [w.label for w in widgets]
    assert labels == [
        "Target isotopes", "Form-factor model", "E_ν min (MeV)", "E_ν max (MeV)", "log σ axis",
    ]
    select = widgets[1]
    assert list(select.options.values()) == cc.form_factor_models()
    widgets[2].value = 5.0  # widgets write to the state
    assert state.E_min_MeV == 5.0
