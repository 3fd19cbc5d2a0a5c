"""Data beside the prediction, the fit panel, the named results and the running plot: the views
hold the core's numbers (no browser)."""

from __future__ import annotations

import holoviews as hv
import numpy as np
import panel as pn
import pytest
from bokeh.document import Document
from bokeh.models import Plot
from pyviz_comms import Comm

import cevns_core as cc
from cevns_core.likelihood import data_fit
from dashboard import datafits
from dashboard.state import SessionState
from dashboard.views import ConstraintsView, ExperimentsView, SpectraView
from dashboard.views.data_panels import DataFitPanel, NamedResultsPanel, RunningPanel
from dashboard.views.data_plots import projection_plot, residual_plot, running_plot, steps


@pytest.fixture(autouse=True)
def _reset_panel_state():
    yield
    pn.state.reset()


def _drawn(pane: pn.pane.HoloViews) -> hv.Overlay:
    """The overlay a data-panel plot shows (its DynamicMap evaluated at the stream's data)."""
    assert isinstance(pane.object, hv.DynamicMap)
    return pane.object[()]


def _layers(overlay: hv.Overlay) -> dict[str, hv.Element]:
    return {f"{type(el).__name__}:{el.label}": el for el in overlay}


def test_steps_outline_each_bin():
    x, y = steps(np.array([0.0, 1.0, 3.0]), np.array([5.0, 2.0]))
    assert x.tolist() == [0.0, 1.0, 1.0, 3.0]
    assert y.tolist() == [5.0, 5.0, 2.0, 2.0]


def test_projection_and_residual_plots_hold_the_cores_numbers():
    fit = data_fit("coherent_csi_2021")
    p = fit["datasets"]["coherent_csi_2021"]["projections"]["t_us"]
    layers = _layers(projection_plot(p, "t_us", "Arrival time"))
    data = layers["ErrorBars:Data"]
    np.testing.assert_array_equal(data.dimension_values(1), p["observed"])
    np.testing.assert_array_equal(data.dimension_values(2), p["error_low"])
    best = layers["Curve:Best fit"].dimension_values(1)[::2]  # one value per bin
    np.testing.assert_allclose(best, p["expected"])
    sm = layers["Curve:Standard Model (nominal)"].dimension_values(1)[::2]
    np.testing.assert_allclose(sm, p["sm"])
    assert layers["Scatter:Data"].kdims[0].pprint_label == "Arrival time (μs)"
    residuals = _layers(residual_plot(p, "t_us"))
    np.testing.assert_allclose(
        residuals["Scatter:Data − best fit"].dimension_values(1), p["observed"] - p["expected"]
    )


@pytest.mark.parametrize(
    ("preset", "axes"),
    [
        ("coherent_csi_2017", ["PE", "t_us"]),
        ("coherent_csi_2021", ["PE", "t_us"]),
        ("coherent_lar_2020", ["keVee", "f90", "t_us"]),
    ],
)
def test_spectra_tab_shows_the_presets_data(preset, axes):
    view = SpectraView(state=SessionState(experiment=preset))
    panel = view._data_panel
    assert panel._layout.visible
    rows = [o for o in panel._comparison._layout.objects if isinstance(o, pn.Row)]
    assert len(rows) == 1
    titles = []
    for column in rows[0]:
        main, residual = column
        titles.append(_drawn(main).opts.get().kwargs["title"])
        assert isinstance(_drawn(residual), hv.Overlay)
    expected = datafits.data_fit((datafits.experiment_datasets(preset)[0],))
    shown = next(iter(expected["datasets"].values()))["projections"]
    assert list(shown) == axes
    assert titles == [f"Data: {p['title'].lower()}" for p in shown.values()]
    # rendered: a figure per projection and per residual panel
    root = panel.__panel__().get_root(Document(), comm=Comm())
    assert len(list(root.select({"type": Plot}))) == 2 * len(axes)


def test_a_new_fit_updates_the_figures_in_place():
    # A physics change keeps the data sets and projections: the Bokeh figures stay, their data
    # follow the new best fit (rebuilding the figures made each update ~0.4 s of server time).
    state = SessionState(experiment="coherent_csi_2017")
    view = SpectraView(state=state)
    panel = view._data_panel
    root = panel.__panel__().get_root(Document(), comm=Comm())
    figures = list(root.select({"type": Plot}))
    state.physics_overrides = {"eps_uV_ee": 0.3}
    assert list(root.select({"type": Plot})) == figures
    name = datafits.experiment_datasets("coherent_csi_2017")[0]
    fit = datafits.data_fit((name,), (), state.physics_spec())
    energy = next(iter(fit["datasets"].values()))["projections"]["PE"]
    main = panel._comparison._layout.objects[1][0][0]
    best = _layers(_drawn(main))["Curve:Best fit"]
    assert np.allclose(best.dimension_values(1), steps(energy["edges"], energy["expected"])[1])
    sm = next(iter(datafits.data_fit((name,))["datasets"].values()))["projections"]["PE"]
    assert not np.allclose(energy["expected"], sm["expected"], rtol=1e-3)


def test_spectra_tab_hides_the_data_without_a_data_set():
    state = SessionState(experiment="coherent_csi_2021")
    view = SpectraView(state=state)
    state.experiment = "conus"
    assert not view._data_panel._layout.visible


def test_new_physics_moves_the_best_fit_not_the_sm():
    state = SessionState(experiment="coherent_csi_2021")
    view = SpectraView(state=state)
    before = view._data_panel._comparison._layout.objects[0].object
    state.physics_overrides = {"sin2_theta_W": 0.30, "couplings": "tree"}
    after = view._data_panel._comparison._layout.objects[0].object
    assert before != after
    fit = datafits.data_fit(("coherent_csi_2021",), (), state.physics_spec())
    totals = fit["datasets"]["coherent_csi_2021"]["totals"]
    sm = datafits.data_fit(("coherent_csi_2021",))["datasets"]["coherent_csi_2021"]["totals"]
    assert totals["signal_sm"] == pytest.approx(sm["signal_sm"])
    assert totals["signal_best_fit"] != pytest.approx(sm["signal_best_fit"], rel=1e-3)


def test_fit_panel_selects_data_sets_and_terms():
    view = ConstraintsView(state=SessionState())
    panel: DataFitPanel = view._fit_panel
    panel.activate()
    assert "Goodness of fit" in panel._summary.object
    assert next(iter(panel._nuisances.object["Nuisance"])) == "1. SNS neutrino flux"
    panel.param.update(datasets=["coherent_csi_2021", "coherent_lar_2020_3d"], terms=["apv_cs133"])
    fit = datafits.data_fit(("coherent_csi_2021", "coherent_lar_2020_3d"), ("apv_cs133",))
    assert f"{fit['dof']} degrees of freedom" in panel._summary.object
    assert len(panel._nuisances.object) == len(fit["nuisances"])
    assert panel._terms.visible and next(iter(panel._terms.object["Measurement"])).startswith(
        "Atomic parity violation"
    )
    assert len([o for o in panel._comparison._layout.objects if isinstance(o, pn.Row)]) == 2
    panel.param.update(datasets=[], terms=["prex2"])  # a measurement alone
    assert "1 degrees of freedom" in panel._summary.object and not panel._pulls.visible
    panel.param.update(datasets=[], terms=[])
    assert "Choose at least one" in panel._summary.object


def test_named_results_table_is_the_cores(monkeypatch):
    rows = [
        {
            "key": "x",
            "quantity": "weak mixing angle sin^2 theta_W, CsI 2021",
            "datasets": ["coherent_csi_2021"],
            "unit": "",
            "value": 0.231,
            "minus": 0.024,
            "plus": 0.027,
            "cl": "1 sigma",
            "reference": "ref",
            "ours": {"value": 0.217, "minus": 0.024, "plus": 0.026},
            "difference": -0.014,
            "tolerance": 0.024,
            "tolerance_argument": "why",
            "within": True,
        }
    ]
    panel = NamedResultsPanel()
    panel.show(rows)
    frame = panel._table.object
    assert frame.iloc[0]["Result"] == "1. weak mixing angle sin²θ_W, CsI 2021"
    assert frame.iloc[0]["Published"] == "0.231 −0.024 +0.027 (1 σ)"
    assert frame.iloc[0]["Agrees"] == "yes"
    assert "1 of 1 agree" in panel._status.object


def test_named_results_are_computed_once_per_process(monkeypatch):
    calls = []

    def fake() -> list:
        calls.append(1)
        return []

    monkeypatch.setattr(datafits, "_FUTURES", {})
    monkeypatch.setattr(datafits, "_named", fake)
    first, second = datafits.named_results(), datafits.named_results()
    assert first is second and first.result() == [] and calls == [1]


def test_running_panel_draws_the_curve_and_the_points():
    panel = RunningPanel()
    panel.activate()
    data = datafits.running_points().result()
    overlay = panel._plot.object
    curve = next(el for el in overlay if isinstance(el, hv.Curve))
    np.testing.assert_allclose(curve.dimension_values(1), cc.electroweak.sin2_theta_w_msbar(
        curve.dimension_values(0)))  # fmt: skip
    scatter_labels = {el.label for el in overlay if isinstance(el, hv.Scatter)}
    assert "This workbench (APV, CEvNS fits)" in scatter_labels
    n_points = sum(len(el) for el in overlay if isinstance(el, hv.Scatter))
    assert n_points == len(data["measurements"]) + len(data["workbench"])
    panel.show_workbench = False
    n_points = sum(len(el) for el in panel._plot.object if isinstance(el, hv.Scatter))
    assert n_points == len(data["measurements"])
    assert len(panel._table.object) == len(data["measurements"])
    hv.render(running_plot(data))


def test_experiments_tab_shows_published_and_observed():
    view = ExperimentsView(state=SessionState())
    view.activate()
    published = view._published
    assert "Published results" in published._published_caption.object
    frame = published._published.object
    comparison = cc.published_comparison("coherent_csi_2017")
    assert len(frame) == len(comparison["results"])
    observed = published._data.object
    assert len(observed) == len(cc.likelihood_names())
    assert observed.iloc[1]["Observed events (68 %)"].startswith("1578 ")  # CsI 2021
    view.open_preset = "coherent_lar_2020"
    assert "liquid argon" in published._published_caption.object
