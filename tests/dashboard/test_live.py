"""Live Bokeh figures: plot data drawn once, then updated in place (dashboard/views/_live.py)."""

from __future__ import annotations

import numpy as np
import pytest
from bokeh.models import HoverTool, Legend, LogScale, Span

from dashboard.views._live import Axis, LiveFigure, PlotData, Series, build_figure

X = Axis("T_keV", "T (nuclear recoil)", "keVnr")
Y = Axis("dNdT", "dN/dT", "events/keVnr")


def _plot(scale: float = 1.0, labels=("ν_e", "ν_μ"), **kw) -> PlotData:
    x = np.linspace(0.0, 10.0, 5)
    series = tuple(
        Series(label, x, scale * (i + 1) * np.exp(-x), color=f"#00000{i}")
        for i, label in enumerate(labels)
    )
    return PlotData(f"Recoil spectrum ×{scale}", X, Y, series, marker=2.0, **kw)


def _legend_labels(fig) -> list[str]:
    return [item.label.value for item in fig.select_one({"type": Legend}).items]


def test_a_data_change_updates_the_sources_in_place():
    live = LiveFigure()
    live.update(_plot(1.0))
    fig, sources = live.figure, list(live._sources)
    assert live.pane.object is fig
    live.update(_plot(2.0))
    assert live.figure is fig and live._sources == sources  # same models, new numbers
    np.testing.assert_allclose(sources[1].data["dNdT"], 4.0 * np.exp(-np.linspace(0, 10, 5)))
    assert fig.title.text == "Recoil spectrum ×2.0"
    assert fig.xaxis[0].axis_label == "T (nuclear recoil) (keVnr)"


def test_unchanged_series_send_nothing():
    live = LiveFigure()
    live.update(_plot(1.0))
    before = [source.data for source in live._sources]
    changed = PlotData("new title", X, Y, _plot(1.0).series, marker=3.0)  # same numbers
    live.update(changed)
    # the very same dicts: no ColumnDataChanged event for the browser
    assert all(a is b for a, b in zip(before, [s.data for s in live._sources], strict=True))
    assert live.figure.title.text == "new title"


def test_new_series_swap_the_glyphs_and_a_new_scale_makes_a_new_figure():
    live = LiveFigure()
    live.update(_plot())
    fig = live.figure
    live.update(_plot(labels=("Cs133", "I127", "Na23")))
    assert live.figure is fig
    assert _legend_labels(fig) == ["Cs133", "I127", "Na23"]
    assert len(fig.renderers) == 3  # the old glyphs are gone
    hover = fig.select_one({"type": HoverTool})
    assert set(hover.renderers) == set(fig.renderers)
    live.update(_plot(log_y=True, y_range=(1e-6, 10.0)))
    assert live.figure is not fig and isinstance(live.figure.y_scale, LogScale)
    assert live.pane.object is live.figure
    assert (live.figure.y_range.start, live.figure.y_range.end) == (1e-6, 10.0)


def test_the_marker_follows_the_data():
    live = LiveFigure()
    live.update(_plot())
    live.update(PlotData("t", X, Y, _plot().series, marker=7.5))
    assert live.figure.select_one({"type": Span}).location == 7.5


def test_linked_figures_share_the_x_range_also_after_a_rebuild():
    main = LiveFigure()
    ratio = LiveFigure(height=170, link_x=main)
    main.update(_plot())
    ratio.update(_plot(labels=("",), legend=False, height=170))
    assert ratio.figure.x_range is main.figure.x_range
    main.update(_plot(log_y=True))  # a new main figure with a new x range
    ratio.update(_plot(labels=("",), legend=False, height=170))
    assert ratio.figure.x_range is main.figure.x_range


def test_stacked_bars_and_bands_are_drawn_between_their_edges():
    edges = np.array([0.0, 1.0, 2.0, 4.0])
    low, high = np.array([1.0, 2.0, 3.0]), np.array([2.0, 3.0, 5.0])
    bars = Series("ν_μ", edges, high - low, kind="bars", lower=low, upper=high)
    band = Series("Uncertainty", [0.5, 1.5, 3.0], high, kind="area", lower=low, upper=2 * high)
    data = PlotData("Observed", Axis("observed", "Photo-electrons", "PE"), Y, (bars, band))
    columns = bars.columns(data.x, data.y, data.floor)
    np.testing.assert_array_equal(columns["left"], [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(columns["right"], [1.0, 2.0, 4.0])
    np.testing.assert_array_equal(columns["observed"], [0.5, 1.5, 3.0])  # bin centres
    np.testing.assert_array_equal(columns["lower"], low)
    np.testing.assert_array_equal(columns["upper"], high)
    fig, _ = build_figure(data)
    glyphs = [type(r.glyph).__name__ for r in fig.renderers]
    assert glyphs == ["Quad", "VArea"]
    # bands have no hover (Bokeh cannot hit-test an area)
    assert [r.name for r in fig.select_one({"type": HoverTool}).renderers] == ["ν_μ"]
    # the exports hold the values and the drawn edges, with units
    title, cols, units = data.tables()[0]
    assert title == "Observed — ν_μ"
    assert list(cols) == ["Photo-electrons", "dN/dT", "dN/dT lower", "dN/dT upper"]
    assert units["Photo-electrons"] == "PE" and units["dN/dT upper"] == "events/keVnr"


def test_on_a_log_axis_undrawable_lower_edges_sit_on_the_floor():
    area = Series("a", [1.0, 2.0], [1.0, 2.0], kind="area", lower=[np.nan, 0.5], upper=[1, 2])
    data = PlotData("t", X, Y, (area,), log_y=True, y_range=(1e-3, 10.0))
    np.testing.assert_array_equal(area.columns(X, Y, data.floor)["lower"], [1e-3, 0.5])


def test_unknown_series_kind_is_refused():
    with pytest.raises(ValueError, match="unknown series kind 'pie'"):
        Series("x", np.zeros(2), np.zeros(2), kind="pie")


def test_a_fixed_x_start_is_kept_by_the_automatic_range():
    fig, _ = build_figure(_plot(x_start=0.0))
    assert fig.x_range.start == 0.0 and fig.x_range.range_padding == 0.0


def test_the_legend_sits_beside_the_plotting_area():
    live = LiveFigure()
    live.update(_plot(1.0))
    fig = live.figure
    (legend,) = fig.select({"type": Legend})
    assert legend in fig.right and legend not in fig.center
    live.update(_plot(1.0, labels=("ν_e", "ν_μ", "ν̄_μ")))  # new glyphs: the same legend
    assert fig.select({"type": Legend}) == [legend] and len(legend.items) == 3


def test_a_viewport_sized_figure_stretches_to_the_windows_height():
    css = ":host { height: 500px !important; }"
    live = LiveFigure(viewport=css)
    live.update(_plot(1.0))
    assert live.pane.sizing_mode == "stretch_both" and live.pane.stylesheets == [css]
    fixed = LiveFigure()
    fixed.update(_plot(1.0))
    assert fixed.pane.sizing_mode == "stretch_width" and fixed.figure.height == fixed.data.height


def test_an_update_changes_only_what_differs_and_walks_no_models(monkeypatch):
    from bokeh.document import Document
    from bokeh.model import Model

    live = LiveFigure()
    live.update(_plot(1.0))
    doc = Document()
    doc.add_root(live.figure)
    events = []
    doc.callbacks.on_change(lambda event: events.append(event))

    def no_walk(*_args, **_kw):
        raise AssertionError("an update walked the figure's models")

    monkeypatch.setattr(Model, "select", no_walk)
    monkeypatch.setattr(Model, "select_one", no_walk)
    live.update(_plot(1.0))  # the same plot: nothing for the browser
    assert events == []
    moved = _plot(1.0)
    live.update(PlotData("other title", X, Axis("dNdT", "Rate", "1/s"), moved.series, marker=4.0))
    changed = sorted((type(e.model).__name__, e.attr) for e in events)
    # the same numbers: the sources send nothing; the hover shows the new y title
    assert changed == [
        ("HoverTool", "tooltips"),
        ("LinearAxis", "axis_label"),
        ("Span", "location"),
        ("Title", "text"),
    ]
    monkeypatch.undo()
    assert live.figure.yaxis[0].axis_label == "Rate (1/s)"
    assert live.figure.select_one({"type": Span}).location == 4.0
    assert ("Rate (1/s)", "@{dNdT}") in live.figure.select_one({"type": HoverTool}).tooltips
