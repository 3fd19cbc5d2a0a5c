"""Plots drawn straight with Bokeh and updated in place: the tab that follows every input.

HoloViews rebuilds a plot's options, ranges and glyph descriptions on every frame, which costs tens
of milliseconds per overlay. The Recoil spectra tab redraws on every change of the sidebar, so it
describes each plot as plain data (:class:`PlotData`: axes, :class:`Series`, a threshold marker)
and a :class:`LiveFigure` draws it: the first time (or when the axes' scales change) as a new Bokeh
figure, when only the set of series changes by swapping the glyphs, and otherwise by replacing the
data of the existing data sources (a millisecond; zoom and the legend's hidden series stay).

The same :func:`build_figure` makes standalone figures (the HTML report), and
:meth:`PlotData.tables` gives the plotted numbers to the exports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import panel as pn
from bokeh.models import (
    ColumnDataSource,
    GlyphRenderer,
    HoverTool,
    Legend,
    LegendItem,
    Line,
    LinearAxis,
    Quad,
    Range1d,
    SaveTool,
    Span,
    Step,
    VArea,
)
from bokeh.plotting import figure
from numpy.typing import NDArray
from panel.io import hold

from ..figure_export import save_name
from ._base import LEGEND_OPTS, PLOT_HEIGHT

__all__ = ["Axis", "LiveFigure", "PlotData", "Series", "build_figure"]

Array = NDArray[np.float64]

#: Glyph kinds: a line, a stepped line (values at bin centres), a filled band, histogram bars.
KINDS = ("line", "step", "area", "bars")
TOOLS = "pan,wheel_zoom,box_zoom,reset,save"


@dataclass(frozen=True)
class Axis:
    """A plotted quantity: column ``name`` in the data sources, axis ``label`` and ``unit``."""

    name: str
    label: str
    unit: str = ""

    @property
    def title(self) -> str:
        """The axis title, e.g. ``T (nuclear recoil) (keVnr)``."""
        return f"{self.label} ({self.unit})" if self.unit else self.label


@dataclass(frozen=True, eq=False)
class Series:
    """One plotted series.

    ``x``: points (line, step, area) or bin edges (bars, one more than ``y``); ``y``: the series'
    own values (what the exports hold). Areas and bars are drawn from ``lower`` to ``upper``
    (defaults 0 and ``y``): a band, or a component stacked on the ones below it.
    """

    label: str
    x: Array
    y: Array
    kind: str = "line"
    color: str = "#000000"
    lower: Array | None = None
    upper: Array | None = None
    dash: str = "solid"
    line_width: float = 2.0
    fill_alpha: float = 1.0
    line_alpha: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown series kind {self.kind!r}; one of {KINDS}")

    @property
    def points(self) -> Array:
        """x of each value: the points, or the bin centres of bars."""
        x = np.asarray(self.x, dtype=float)
        return 0.5 * (x[1:] + x[:-1]) if self.kind == "bars" else x

    def style(self) -> tuple:
        """Everything but the numbers (a change of style needs new glyphs)."""
        return (
            self.label,
            self.kind,
            self.color,
            self.dash,
            self.line_width,
            self.fill_alpha,
            self.line_alpha,
        )

    def columns(self, x: Axis, y: Axis, floor: float) -> dict[str, Array]:
        """The data source's columns (``floor``: lowest drawable value, 0 on a linear axis)."""
        values = np.asarray(self.y, dtype=float)
        data = {x.name: self.points, y.name: values}
        if self.kind in ("area", "bars"):
            lower = np.zeros_like(values) if self.lower is None else np.asarray(self.lower)
            # on a log axis an edge at or below the floor (0, or NaN for "not drawable") sits
            # on the floor, so the fill reaches the bottom of the plot
            data["lower"] = np.fmax(lower, floor) if floor > 0 else lower
            data["upper"] = values if self.upper is None else np.asarray(self.upper, dtype=float)
        if self.kind == "bars":
            edges = np.asarray(self.x, dtype=float)
            data["left"], data["right"] = edges[:-1], edges[1:]
        return data


@dataclass(frozen=True, eq=False)
class PlotData:
    """A whole plot: title, axes, series (drawn in order), an optional vertical marker.

    ``y_range``: fixed y limits (else automatic); ``x_start``: fixed left end of the x axis.
    """

    title: str
    x: Axis
    y: Axis
    series: tuple[Series, ...]
    marker: float | None = None
    marker_color: str = "#000000"
    log_x: bool = False
    log_y: bool = False
    y_range: tuple[float, float] | None = None
    x_start: float | None = None
    height: int = PLOT_HEIGHT
    legend: bool = True
    stacked: bool = False

    @property
    def floor(self) -> float:
        """Lowest drawable y: the bottom of an explicit log range, else 0."""
        return self.y_range[0] if (self.log_y and self.y_range) else 0.0

    def tables(self) -> list[tuple[str, dict[str, Array], dict[str, str]]]:
        """(title, {column label: values}, {column label: unit}) of every series."""
        out = []
        for s in self.series:
            columns = {self.x.label: s.points, self.y.label: np.asarray(s.y, dtype=float)}
            units = {self.x.label: self.x.unit, self.y.label: self.y.unit}
            for name, edge in (("lower", s.lower), ("upper", s.upper)):
                if edge is not None:  # a band's or a stacked component's drawn edges
                    columns[f"{self.y.label} {name}"] = np.asarray(edge, dtype=float)
                    units[f"{self.y.label} {name}"] = self.y.unit
            out.append((f"{self.title} — {s.label}" if s.label else self.title, columns, units))
        return out


def _axis_types(data: PlotData) -> tuple[str, str]:
    return ("log" if data.log_x else "linear", "log" if data.log_y else "linear")


def _glyph(s: Series, data: PlotData, source: ColumnDataSource) -> GlyphRenderer:
    """The renderer of ``s``: its glyph only (Bokeh's plotting methods also add a non-selection
    and a muted copy of it: nothing here is selected or muted, the legend hides)."""
    x, y = data.x.name, data.y.name
    line = {"line_color": s.color, "line_width": s.line_width, "line_alpha": s.line_alpha}
    if s.kind == "line":
        glyph: Any = Line(x=x, y=y, line_dash=s.dash, **line)
    elif s.kind == "step":
        glyph = Step(x=x, y=y, mode="center", line_dash=s.dash, **line)
    elif s.kind == "area":
        glyph = VArea(x=x, y1="lower", y2="upper", fill_color=s.color, fill_alpha=s.fill_alpha)
    else:
        glyph = Quad(
            left="left",
            right="right",
            bottom="lower",
            top="upper",
            fill_color=s.color,
            fill_alpha=s.fill_alpha,
            **line,
        )
    return GlyphRenderer(data_source=source, glyph=glyph, name=s.label)


@dataclass(eq=False)
class _Handles:
    """The models of a figure an update touches, kept at build time: finding them again with
    ``figure.select`` walks every model of the figure (a third of an update's CPU time)."""

    x_axis: Any
    y_axis: Any
    hover: HoverTool
    span: Span | None = None
    legend: Legend | None = None


def _draw(fig: Any, data: PlotData, handles: _Handles) -> list[ColumnDataSource]:
    """Glyphs, legend and hover of ``data``'s series on ``fig`` (replacing what was there)."""
    sources, renderers, items = [], [], []
    for s in data.series:
        source = ColumnDataSource(s.columns(data.x, data.y, data.floor))
        renderer = _glyph(s, data, source)
        sources.append(source)
        renderers.append(renderer)
        if s.label:
            items.append(LegendItem(label=s.label, renderers=[renderer]))
    fig.renderers = renderers  # replacing the previous glyphs
    if data.stacked:  # listed top-down, like the stack
        items = items[::-1]
    if data.legend and items:
        if handles.legend is not None:
            handles.legend.items = items
        else:
            # right of the plotting area, never over the curves
            handles.legend = Legend(items=items, location="top_left", **LEGEND_OPTS)
            fig.add_layout(handles.legend, "right")
    elif handles.legend is not None:
        handles.legend.items = []
    # hover only where Bokeh can hit-test (bands have no hover)
    hits = [r for r, s in zip(renderers, data.series, strict=True) if s.kind != "area"]
    handles.hover.renderers = hits
    _tooltips(handles.hover, data)
    return sources


def _tooltips(hover: HoverTool, data: PlotData) -> None:
    tooltips = [
        ("", "$name"),
        (data.x.title, f"@{{{data.x.name}}}"),
        (data.y.title, f"@{{{data.y.name}}}"),
    ]
    if hover.tooltips != tooltips:
        hover.tooltips = tooltips


def build_figure(data: PlotData, *, x_range: Any = None) -> tuple[Any, list[ColumnDataSource]]:
    """A new Bokeh figure of ``data`` and its data sources (``x_range``: share another's)."""
    fig, sources, _ = _build(data, x_range)
    return fig, sources


def _build(data: PlotData, x_range: Any) -> tuple[Any, list[ColumnDataSource], _Handles]:
    x_type, y_type = _axis_types(data)
    options: dict[str, Any] = {}
    if x_range is not None:
        options["x_range"] = x_range
    if data.y_range is not None:
        options["y_range"] = Range1d(*data.y_range)
    fig = figure(
        title=data.title,
        x_axis_type=x_type,
        y_axis_type=y_type,
        x_axis_label=data.x.title,
        y_axis_label=data.y.title,
        tools=TOOLS,
        toolbar_location="right",
        sizing_mode="stretch_width",
        height=data.height,
        min_height=data.height,
        **options,
    )
    fig.toolbar.logo = None
    x_axis, y_axis = fig.below[0], fig.left[0]  # where ``figure`` puts its axes
    for axis in (x_axis, y_axis):  # 1.2e+13, never 12000000000000
        if type(axis) is LinearAxis:  # its BasicTickFormatter
            axis.formatter.update(power_limit_high=4, power_limit_low=-3)
    next(t for t in fig.toolbar.tools if isinstance(t, SaveTool)).filename = save_name(
        "", data.title
    )
    # wheel zoom only once the plot was clicked (focused): scrolling the page over a plot
    # scrolls the page (the toolbar's wheel-zoom button turns it on for good)
    fig.toolbar.active_scroll = "auto"
    handles = _Handles(x_axis, y_axis, HoverTool(renderers=[]))
    fig.add_tools(handles.hover)
    if x_range is None:
        fig.x_range.range_padding = 0.0
        if data.x_start is not None:
            fig.x_range.start = data.x_start
    if data.marker is not None:
        handles.span = Span(
            location=data.marker,
            dimension="height",
            line_color=data.marker_color,
            line_dash="dotted",
            line_width=2,
        )
        fig.add_layout(handles.span)
    return fig, _draw(fig, data, handles), handles


def _x_extent(data: PlotData) -> tuple[float, float] | None:
    """(lowest, highest) x of the data, to 4 significant digits (None without data)."""
    xs = [np.asarray(s.x, dtype=float) for s in data.series if np.size(s.x)]
    finite = np.concatenate(xs) if xs else np.array([])
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return None
    return tuple(float(f"{v:.4g}") for v in (finite.min(), finite.max()))  # type: ignore[return-value]


def _same_columns(old: Any, new: dict[str, Array]) -> bool:
    return set(old) == set(new) and all(
        np.array_equal(old[k], v, equal_nan=True) for k, v in new.items()
    )


class LiveFigure:
    """A Panel pane holding a Bokeh figure that follows :class:`PlotData` updates in place.

    ``link_x``: another LiveFigure whose x range this one shares (linked zoom).
    """

    def __init__(
        self,
        *,
        height: int = PLOT_HEIGHT,
        link_x: LiveFigure | None = None,
        viewport: str | None = None,
    ) -> None:
        # ``viewport``: a stylesheet sizing the figure from the window
        # (:func:`._base.viewport_css`), the figure stretching to it; the pane passes its
        # sizing on to every figure it shows (None: the data's fixed height)
        sizing = {"sizing_mode": "stretch_width"}
        if viewport is not None:
            sizing = {"sizing_mode": "stretch_both", "stylesheets": [viewport]}
        self.pane = pn.pane.Bokeh(None, min_height=height, **sizing)
        self.data: PlotData | None = None
        self.figure: Any = None
        self._link_x = link_x
        self._sources: list[ColumnDataSource] = []
        self._handles: _Handles | None = None
        self._key: tuple | None = None
        self._styles: tuple | None = None
        self._extent: tuple[float, float] | None = None
        self._hidden = False

    def _figure_key(self, data: PlotData) -> tuple:
        """What a figure cannot change in place: axis scales, fixed or automatic y range, the
        shared x range, the marker's presence."""
        shared = id(self._link_x.figure.x_range) if self._link_x and self._link_x.figure else None
        return (
            _axis_types(data),
            data.y_range is None,
            shared,
            data.marker is None,
            data.x_start,
            data.height,
        )

    def mark_hidden(self) -> None:
        """Its tab was hidden: the page will draw the figure anew when the tab is shown."""
        self._hidden = True

    def update(self, data: PlotData) -> None:
        """Show ``data``: new figure, new glyphs or new numbers, whichever is needed (sent to
        the browser as one message)."""
        with hold():
            self._update(data)

    def _update(self, data: PlotData) -> None:
        key = self._figure_key(data)
        styles = (tuple(s.style() for s in data.series), data.legend, data.stacked)
        extent = _x_extent(data)
        # the browser reports the automatic x range it computed back to the figure, and a
        # figure drawn again (its tab hidden, then shown) keeps it as if it were fixed: after
        # its tab was hidden, a figure whose data's x extent changed is replaced (one shown all
        # along updates in place, fast)
        redrawn, self._hidden = self._hidden, False
        if self.figure is None or key != self._key or (redrawn and extent != self._extent):
            x_range = self._link_x.figure.x_range if key[2] is not None else None
            self.figure, self._sources, self._handles = _build(data, x_range)
            self.pane.object = self.figure
        elif styles != self._styles:
            self._sources = _draw(self.figure, data, self._handles)
            self._retitle(data)
        else:
            for source, s in zip(self._sources, data.series, strict=True):
                columns = s.columns(data.x, data.y, data.floor)
                if not _same_columns(source.data, columns):  # unchanged: nothing to send
                    source.data = columns
            self._retitle(data)
        self._key, self._styles, self.data, self._extent = key, styles, data, extent

    def _retitle(self, data: PlotData) -> None:
        """Titles, y range and marker: only the models whose value changes (no model walk)."""
        fig, handles = self.figure, self._handles
        if fig.title.text != data.title:
            fig.title.text = data.title
        for axis, title in ((handles.x_axis, data.x.title), (handles.y_axis, data.y.title)):
            if axis.axis_label != title:
                axis.axis_label = title
        _tooltips(handles.hover, data)
        if data.y_range is not None and (fig.y_range.start, fig.y_range.end) != data.y_range:
            fig.y_range.update(start=data.y_range[0], end=data.y_range[1])
        if data.marker is not None and handles.span.location != data.marker:
            handles.span.location = data.marker
