"""Data beside the prediction: the observed spectra of a fit's data sets with residuals, and
the shared helpers of the data panels. They read the core's numbers (:mod:`dashboard.datafits`)
and draw them (:mod:`dashboard.views.data_plots`); every computation runs off the event loop
through the tab that holds the panel (:meth:`TabView.defer`), or, for the once-per-process
results, in :func:`dashboard.datafits.background` awaited without blocking (:func:`when_ready`).

* :class:`DataComparison` — the data sets of one experiment (or the fit's): per data set its
  projections (energy, arrival time, F90) with residuals below, and a caption with the totals;
* :class:`ExperimentData` — the sidebar preset's data sets, in the Recoil-spectra tab.

The fit to chosen data sets is :mod:`.fit_panel`; the named results, the running of sin²θ_W and
the published numbers of the Experiments tab are :mod:`.results_panels`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
from typing import Any

import holoviews as hv
import panel as pn
import param
from panel.io.document import hold
from panel.io.state import set_curdoc

from cevns_core.likelihood import likelihood_names, likelihood_title

from .. import datafits
from ..errors import notify_error
from ..labels import dataset_title
from ._base import TabView, fmt, served
from .data_plots import (
    counts_range,
    projection_columns,
    projection_plot,
    residual_columns,
    residual_plot,
    residual_range,
)

__all__ = [
    "DataComparison",
    "ExperimentData",
    "data_title",
    "events_text",
    "nuisance_unit",
    "plus_minus",
    "term_title",
    "when_ready",
]


def when_ready(future: Future, apply: Callable[[Any], None]) -> None:
    """``apply(future.result())`` on the event loop once the future is done, without blocking
    (in tests and notebooks: at once). A failure becomes a notification."""
    if future.done() or not served():
        try:
            value = future.result()
        except Exception as exc:
            notify_error(exc)
            return
        apply(value)
        return
    doc = pn.state.curdoc

    async def wait() -> None:
        try:
            value = await asyncio.wrap_future(future)
        except Exception as exc:
            value, failed = exc, True
        else:
            failed = False

        def run() -> None:
            with set_curdoc(doc):
                try:
                    notify_error(value) if failed else apply(value)
                except Exception as exc:  # never a traceback for the user
                    notify_error(exc)

        if doc.session_context is None or getattr(doc.session_context, "destroyed", False):
            return
        try:
            doc.add_next_tick_callback(run)
        except AttributeError:  # document torn down meanwhile
            return

    pn.state.execute(wait)


def plus_minus(value: float, minus: float, plus: float, digits: int = 3) -> str:
    if abs(minus - plus) <= 0.05 * max(abs(minus), abs(plus), 1e-300):
        return f"{fmt(value, digits)} ± {fmt(0.5 * (minus + plus), 2)}"
    return f"{fmt(value, digits)} −{fmt(minus, 2)} +{fmt(plus, 2)}"


def nuisance_unit(unit: str) -> str:
    """The unit of a nuisance as shown: a fraction of the counts, or the release's σ."""
    if not unit:
        return "fraction"
    return unit.replace("1 sigma of the release's variation", "σ of the release").replace(
        " us", " μs"
    )


def events_text(value: float) -> str:
    """A number of events: one decimal below 100, whole above."""
    return f"{value:.1f}" if abs(value) < 100 else f"{value:.0f}"


def data_title(name: str) -> str:
    """The title of a likelihood data set or of a shipped data set."""
    return likelihood_title(name) if name in likelihood_names() else dataset_title(name)


def term_title(name: str) -> str:
    """A short title of an external term."""
    return {
        "apv_cs133": "Atomic parity violation (¹³³Cs)",
        "prex2": "PREX-II (²⁰⁸Pb)",
        "crex": "CREX (⁴⁸Ca)",
    }.get(name, name)


# ------------------------------------------------------------------------------ comparison
class _ProjectionPipe(hv.streams.Pipe):
    """A Pipe whose memo key counts every update, sent or not: data set without an event
    (the figures were written in place) is what the DynamicMap draws when next rendered."""

    def __init__(self, data: Any = None, **params: Any) -> None:
        self._version = 0
        super().__init__(data=data, **params)

    def update(self, **kwargs: Any) -> Any:
        out = super().update(**kwargs)
        self._version += 1
        return out

    @property
    def hashkey(self) -> dict[str, int]:
        return {"_memoize_key": self._version}


class DataComparison(pn.viewable.Viewer):
    """Data beside the prediction for the data sets of one fit (plots, residuals, caption).

    Plots are HoloViews DynamicMaps fed by :class:`~holoviews.streams.Pipe` streams. A new fit
    with the same data sets and projections keeps the figures: it writes the columns that
    changed (prediction, backgrounds, residuals; never the data points) into their Bokeh data
    sources and sets the vertical ranges — a HoloViews redraw of the same figures cost ~20 ms
    each. The streams hold the new fit too, so a figure rendered later (another view of the
    page) draws it; figures whose layers are not the expected ones are redrawn by HoloViews.
    Anything else builds the layout anew.
    """

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._layout = pn.Column(sizing_mode="stretch_width")
        self._shape: tuple | None = None
        self._captions: list[pn.pane.Markdown] = []
        self._pipes: list[_ProjectionPipe] = []
        # per projection: its key and its (plot, residuals) panes
        self._panes: list[tuple[str, tuple[pn.pane.HoloViews, pn.pane.HoloViews]]] = []
        #: How the last redraw went: "columns" (written in place) or "holoviews".
        self.last_update = ""

    @staticmethod
    def _caption(view: dict[str, Any], note: str) -> str:
        t = view["totals"]
        caption = (
            f"**{view['title']}** — observed {events_text(t['observed'])} events "
            f"(−{fmt(t['observed_error_low'], 2)} +{fmt(t['observed_error_high'], 2)}); "
            f"best fit {events_text(t['best_fit'])} (CEvNS {events_text(t['signal_best_fit'])} + "
            f"backgrounds {events_text(t['background_best_fit'])}); Standard Model "
            f"{events_text(t['predicted_sm'])} (CEvNS {events_text(t['signal_sm'])} + backgrounds "
            f"{events_text(t['background_nominal'])})."
        )
        return caption + (" " + note if note else "")

    def show(self, fit: dict[str, Any], note: str = "") -> None:
        """Draw ``fit`` (a :func:`dashboard.datafits.data_fit` result)."""
        views = fit["datasets"]
        shape = tuple(
            (label, view["title"], tuple((k, p["title"]) for k, p in view["projections"].items()))
            for label, view in views.items()
        )
        if shape == self._shape:
            for caption, view in zip(self._captions, views.values(), strict=True):
                caption.object = self._caption(view, note)
            projections = [p for view in views.values() for p in view["projections"].values()]
            self._update(projections)
            return
        self._shape, self._captions, self._pipes, self._panes = shape, [], [], []
        items: list[Any] = []
        for label, view in views.items():
            caption = pn.pane.Markdown(self._caption(view, note), margin=(4, 10))
            self._captions.append(caption)
            items.append(caption)
            columns = []
            # the legend goes on the last plot (arrival time: its top right is empty)
            last = len(view["projections"]) - 1
            for i, (key, p) in enumerate(view["projections"].items()):
                pipe = _ProjectionPipe(data=p)
                self._pipes.append(pipe)
                plots = [
                    pn.pane.HoloViews(
                        hv.DynamicMap(draw, streams=[pipe]),
                        sizing_mode="stretch_width",
                        linked_axes=False,
                    )
                    for draw in (
                        partial(_projection, key=key, legend=i == last),
                        partial(_residuals, key=key, legend=i == last),
                    )
                ]
                self._panes.append((key, (plots[0], plots[1])))
                columns.append(pn.Column(*plots, sizing_mode="stretch_width"))
            items.append(pn.Row(*columns, sizing_mode="stretch_width", name=label))
        self._layout.objects = items

    def _update(self, projections: list[dict[str, Any]]) -> None:
        """New projections of the same data sets into the existing figures (see the class)."""
        edits = []
        for pipe, (key, panes), p in zip(self._pipes, self._panes, projections, strict=True):
            pipe.update(data=p)  # without an event: the stream holds it for later renders
            for pane, columns, bounds in (
                (panes[0], projection_columns(p, key), counts_range(p)),
                (panes[1], residual_columns(p, key), residual_range(p)),
            ):
                found = _column_edits(pane, columns, bounds)
                if found is None:  # not the expected figure: HoloViews redraws all
                    self.last_update = "holoviews"
                    for stream in self._pipes:
                        stream.trigger([stream])
                    return
                edits += found
        with hold():
            for target, values in edits:
                target.update(**values)
        self.last_update = "columns"

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout


def _column_edits(
    pane: pn.pane.HoloViews,
    columns: list[dict[str, Any] | None],
    y_range: tuple[float, float],
) -> list[tuple[Any, dict[str, Any]]] | None:
    """The Bokeh models to set (data sources, vertical range) in every figure ``pane`` has
    rendered; None when a figure's layers or columns are not those of ``columns``."""
    edits: list[tuple[Any, dict[str, Any]]] = []
    for plot, _ in getattr(pane, "_plots", {}).values():
        layers = list(getattr(plot, "subplots", {}).values())
        if len(layers) != len(columns) or "y_range" not in plot.handles:
            return None
        for layer, data in zip(layers, columns, strict=True):
            if data is None:
                continue
            source = layer.handles.get("source")
            old = getattr(source, "data", {})
            if set(old) != set(data) or any(len(old[k]) != len(v) for k, v in data.items()):
                return None
            edits.append((source, {"data": data}))
        low, high = y_range
        edits.append(
            (plot.handles["y_range"], {"start": low, "end": high, "reset_start": low,
                                        "reset_end": high})
        )  # fmt: skip
    return edits


def _framewise(plot: hv.Overlay) -> hv.Overlay:
    """Every layer recomputes its ranges when the stream sends new data."""
    return plot.map(lambda element: element.opts(framewise=True), [hv.Element])


def _projection(data: dict[str, Any], *, key: str, legend: bool) -> hv.Overlay:
    return _framewise(projection_plot(data, key, f"Data: {data['title'].lower()}", legend=legend))


def _residuals(data: dict[str, Any], *, key: str, legend: bool) -> hv.Overlay:
    return _framewise(residual_plot(data, key, legend=legend))


class ExperimentData(pn.viewable.Viewer):
    """The sidebar preset's data sets beside the prediction (Recoil-spectra tab): hidden when the
    preset has no data set; the sidebar's physics and nuclear choice are the prediction, the data
    set's own analysis (its preset's response and exposure) the binning."""

    dataset = param.Selector(default=None, objects=[None], doc="The data set shown.")

    def __init__(self, owner: TabView, *, wait_until_seen: bool = False, **params: Any) -> None:
        super().__init__(**params)
        self._owner = owner
        self.state = owner.state
        # below the fold in a served page: no fit until the reader scrolls near (see seen)
        self._waiting = wait_until_seen
        self._stale = False
        self._comparison = DataComparison()
        self._choice = pn.widgets.RadioButtonGroup(
            options={}, color="primary", visible=False, margin=(0, 10)
        )
        self._choice.param.watch(self._on_choice, "value")
        self._header = pn.pane.Markdown("", margin=(10, 10, 0, 10), sizing_mode="stretch_width")
        self._layout = pn.Column(
            self._header, self._choice, self._comparison, sizing_mode="stretch_width", visible=False
        )
        # one watcher: a preset change sets its nuclear choice too, and refits once
        self.state.param.watch(
            self._on_inputs, ["experiment", "physics_overrides", *self.state.NUCLEAR_INPUTS]
        )
        self._on_experiment()

    def _on_inputs(self, *events: Any) -> None:
        if any(e.name == "experiment" for e in events):
            self._on_experiment()
        else:
            self.refresh()

    def _on_experiment(self, *_events: Any) -> None:
        names = datafits.experiment_datasets(self.state.experiment)
        self._layout.visible = bool(names)
        options = {data_title(n): n for n in names}
        self._choice.param.update(options=options, visible=len(names) > 1)
        if names and self._choice.value not in names:
            self._choice.value = names[0]  # refreshes
        else:
            self.refresh()

    def _on_choice(self, *_events: Any) -> None:
        self.refresh()

    def refresh(self, *_events: Any) -> None:
        """Fit the chosen data set at the sidebar's physics and nuclear choice (deferred), then
        draw it."""
        name = self._choice.value
        if not name or name not in datafits.experiment_datasets(self.state.experiment):
            return
        if self._waiting and served():
            self._stale = True  # fitted once seen
            return
        physics, nuclear = self.state.physics_spec(), self.state.nuclear_spec()

        def compute() -> dict[str, Any]:
            return datafits.data_fit((name,), (), physics, nuclear)

        def apply(fit: dict[str, Any]) -> None:
            # new plots added while the page is still being loaded by the browser were lost
            # (the first load of a slow data set): draw once the page has loaded
            pn.state.onload(
                lambda: self._owner.on_shown("data", lambda: self._draw(fit, physics is not None))
            )

        self._owner.defer("data", compute, apply)

    def seen(self, *_events: Any) -> None:
        """The reader has scrolled near the panel: fit from now on (and now, if anything
        changed since the page was built)."""
        self._waiting = False
        if self._stale:
            self._stale = False
            self.refresh()

    def _draw(self, fit: dict[str, Any], new_physics: bool) -> None:
        physics = "the sidebar's new physics" if new_physics else "the Standard Model"
        self._header.object = (
            f"### Data beside the prediction\nPoints: observed events with 68 % Poisson "
            f"intervals. Best fit: {physics} with every nuisance profiled (χ² = "
            f"{fmt(fit['chi2'], 4)} for {fit['dof']} degrees of freedom, p = "
            f"{fmt(fit['p_value'], 2)}); dashed: the Standard Model at nominal nuisances. The "
            "binning and response are the data set's own analysis."
        )
        self._comparison.show(fit)

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout
