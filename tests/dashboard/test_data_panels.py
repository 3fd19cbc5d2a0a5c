"""Data beside the prediction: the plots and panels hold the core's numbers (no browser)."""

from __future__ import annotations

import holoviews as hv
import numpy as np
import panel as pn
import pytest
from bokeh.document import Document
from bokeh.models import Plot
from pyviz_comms import Comm

from cevns_core.likelihood import data_fit
from dashboard import datafits
from dashboard.state import SessionState
from dashboard.views import SpectraView
from dashboard.views.data_panels import DataComparison
from dashboard.views.data_plots import projection_plot, residual_plot, steps


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
    # the same figure objects (select walks a set of models: its order is not defined)
    assert set(root.select({"type": Plot})) == set(figures) and len(figures) > 0
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


def _figures(root) -> dict[str, Plot]:
    """The rendered figures of a data panel by title (each projection's titles are unique)."""
    return {fig.title.text: fig for fig in root.select({"type": Plot})}


def _columns(fig: Plot) -> list[dict[str, np.ndarray]]:
    glyphs = [r for r in fig.renderers if hasattr(r, "data_source")]  # not the zero line
    return [{k: np.asarray(v) for k, v in r.data_source.data.items()} for r in glyphs]


def _same_figures(updated: dict[str, Plot], fresh: dict[str, Plot]) -> None:
    """Data sources and vertical ranges of figures updated in place equal a fresh render's."""
    assert updated.keys() == fresh.keys()
    for title, fig in updated.items():
        for ours, theirs in zip(_columns(fig), _columns(fresh[title]), strict=True):
            assert ours.keys() == theirs.keys(), title
            for key in ours:
                np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-12, err_msg=title)
        assert fig.y_range.start == pytest.approx(fresh[title].y_range.start, rel=1e-12)
        assert fig.y_range.end == pytest.approx(fresh[title].y_range.end, rel=1e-12)


def _sm_line(fig: Plot) -> np.ndarray:
    """The dashed Standard-Model step line of a projection figure (its second layer)."""
    return np.asarray(fig.renderers[1].data_source.data["counts"])


ENERGY = "Data: photo-electrons"  # the CsI energy projection's title


@pytest.mark.parametrize(
    "changes",
    [
        {"skin_fm": 0.3},
        {"form_factor_model": "klein_nystrand"},
        {"skin_fm": 0.3, "physics_overrides": {"eps_uV_ee": 0.2}},
        {"R_n_fm": 5.2},
    ],
)
def test_the_data_panel_follows_the_sidebars_nuclear_choice(changes):
    # issue 11: the data beside the prediction honours the whole nuclear choice; the drawn
    # SM line and best fit are the core's fit at that choice (cevns_core.likelihood.data_fit)
    state = SessionState(experiment="coherent_csi_2021")
    view = SpectraView(state=state)
    panel = view._data_panel
    root = panel.__panel__().get_root(Document(), comm=Comm())
    before = _sm_line(_figures(root)[ENERGY]).copy()
    state.param.update(**changes)
    nuclear = state.nuclear_spec()
    assert all(nuclear[{"form_factor_model": "form_factor"}.get(k, k)] == v
               for k, v in changes.items() if k != "physics_overrides")  # fmt: skip
    core = data_fit(
        "coherent_csi_2021",
        physics=state.physics(),
        nuclear={k: v for k, v in nuclear.items() if v not in (None, {})},
    )
    energy = core["datasets"]["coherent_csi_2021"]["projections"]["PE"]
    figures = _figures(root)
    drawn = _sm_line(figures[ENERGY])
    np.testing.assert_allclose(drawn, steps(energy["edges"], energy["sm"])[1], rtol=1e-12)
    best = np.asarray(figures[ENERGY].renderers[2].data_source.data["counts"])
    np.testing.assert_allclose(best, steps(energy["edges"], energy["expected"])[1], rtol=1e-12)
    assert not np.allclose(drawn, before, rtol=1e-3)  # the choice moved the prediction
    assert panel._comparison.last_update == "columns"  # written in place, figures kept
    # the in-place columns and ranges are what HoloViews draws for that fit from scratch
    fresh = DataComparison()
    fresh.show(datafits.data_fit(("coherent_csi_2021",), (), state.physics_spec(), nuclear))
    _same_figures(figures, _figures(fresh.__panel__().get_root(Document(), comm=Comm())))


@pytest.mark.parametrize("preset", ["coherent_csi_2017", "coherent_lar_2020"])
def test_in_place_redraw_equals_a_fresh_render(preset):
    # every projection kind (energy, time, F90) and its residuals: the written columns are
    # HoloViews' own (Area outline, Curve, ErrorBars base/lower/upper, Scatter)
    state = SessionState(experiment=preset)
    view = SpectraView(state=state)
    panel = view._data_panel
    root = panel.__panel__().get_root(Document(), comm=Comm())
    state.physics_overrides = {"eps_uV_ee": 0.25}
    assert panel._comparison.last_update == "columns"
    name = datafits.experiment_datasets(preset)[0]
    fresh = DataComparison()
    fresh.show(datafits.data_fit((name,), (), state.physics_spec(), state.nuclear_spec()))
    _same_figures(_figures(root), _figures(fresh.__panel__().get_root(Document(), comm=Comm())))
    # the streams hold the new fit: the DynamicMaps draw it when rendered again
    for key, (main, _) in panel._comparison._panes:
        stream = _layers(_drawn(main))["Curve:Best fit"].dimension_values(1)[::2]
        fit = datafits.data_fit((name,), (), state.physics_spec(), state.nuclear_spec())
        shown = next(iter(fit["datasets"].values()))
        np.testing.assert_allclose(stream, shown["projections"][key]["expected"])


def test_figures_of_another_shape_are_redrawn_by_holoviews(monkeypatch):
    # should HoloViews draw a layer with other columns, the panel redraws through its streams
    # instead of writing columns the figure does not have
    from dashboard.views import data_panels

    state = SessionState(experiment="coherent_csi_2017")
    view = SpectraView(state=state)
    panel = view._data_panel
    root = panel.__panel__().get_root(Document(), comm=Comm())
    figures = list(root.select({"type": Plot}))

    original = data_panels.projection_columns

    def renamed(p, key):
        return [None if c is None else {f"{k}_other": v for k, v in c.items()}
                for c in original(p, key)]  # fmt: skip

    monkeypatch.setattr(data_panels, "projection_columns", renamed)
    state.physics_overrides = {"eps_uV_ee": 0.3}
    assert panel._comparison.last_update == "holoviews"
    # the same figure objects (select walks a set of models: its order is not defined)
    assert set(root.select({"type": Plot})) == set(figures) and len(figures) > 0
    name = datafits.experiment_datasets("coherent_csi_2017")[0]
    fit = datafits.data_fit((name,), (), state.physics_spec(), state.nuclear_spec())
    energy = next(iter(fit["datasets"].values()))["projections"]["PE"]
    fig = _figures(root)["Data: photo-electrons"]
    best = np.asarray(fig.renderers[2].data_source.data["counts"])
    np.testing.assert_allclose(best, steps(energy["edges"], energy["expected"])[1], rtol=1e-12)
