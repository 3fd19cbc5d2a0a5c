"""Panels of "data beside the prediction", the fit to chosen data sets, the published results and
the running of sin²θ_W. They read the core's numbers (:mod:`dashboard.datafits`) and draw them
(:mod:`dashboard.views.data_plots`); every computation runs off the event loop through the tab
that holds the panel (:meth:`TabView.defer`), or, for the once-per-process results, in
:func:`dashboard.datafits.background` awaited without blocking (:func:`when_ready`).

* :class:`DataComparison` — the data sets of one experiment (or the fit's): per data set its
  projections (energy, arrival time, F90) with residuals below, and a caption with the totals;
* :class:`ExperimentData` — the sidebar preset's data sets, in the Recoil-spectra tab;
* :class:`DataFitPanel` — choose data sets and APV/PVES terms, nuisances profiled at the
  sidebar's physics: fitted nuisances (pulls), goodness of fit, the data beside the fit;
* :class:`NamedResultsPanel` — the named results (ours beside the published ones);
* :class:`RunningPanel` — the MS-bar running of sin²θ_W with the measurements (CDG Figs. 5–6);
* :class:`PublishedPanel` — for the Experiments tab: a preset's published numbers beside ours,
  and every data set's observed counts beside the predicted ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
from typing import Any

import holoviews as hv
import pandas as pd
import panel as pn
import param
from panel.io.state import set_curdoc

from cevns_core.likelihood import likelihood_names, likelihood_title

from .. import datafits
from ..errors import notify_error
from ..labels import dataset_title, preset_title
from ._base import TabView, fmt, served, table_widget
from .data_plots import projection_plot, pulls_plot, residual_plot, running_plot

__all__ = [
    "DataComparison",
    "DataFitPanel",
    "ExperimentData",
    "NamedResultsPanel",
    "PublishedPanel",
    "RunningPanel",
    "data_title",
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


def _pm(value: float, minus: float, plus: float, digits: int = 3) -> str:
    if abs(minus - plus) <= 0.05 * max(abs(minus), abs(plus), 1e-300):
        return f"{fmt(value, digits)} ± {fmt(0.5 * (minus + plus), 2)}"
    return f"{fmt(value, digits)} −{fmt(minus, 2)} +{fmt(plus, 2)}"


def _unit(unit: str) -> str:
    """The unit of a nuisance as shown: a fraction of the counts, or the release's σ."""
    if not unit:
        return "fraction"
    return unit.replace("1 sigma of the release's variation", "σ of the release").replace(
        " us", " μs"
    )


def _events(value: float) -> str:
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
class DataComparison(pn.viewable.Viewer):
    """Data beside the prediction for the data sets of one fit (plots, residuals, caption).

    Plots are HoloViews DynamicMaps fed by :class:`~holoviews.streams.Pipe` streams: a new fit
    with the same data sets and projections updates the glyphs in place (a rebuild of the Bokeh
    figures costs ~0.1 s each), anything else builds the layout anew.
    """

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._layout = pn.Column(sizing_mode="stretch_width")
        self._shape: tuple | None = None
        self._captions: list[pn.pane.Markdown] = []
        self._pipes: list[hv.streams.Pipe] = []

    @staticmethod
    def _caption(view: dict[str, Any], note: str) -> str:
        t = view["totals"]
        caption = (
            f"**{view['title']}** — observed {_events(t['observed'])} events "
            f"(−{fmt(t['observed_error_low'], 2)} +{fmt(t['observed_error_high'], 2)}); "
            f"best fit {_events(t['best_fit'])} (CEvNS {_events(t['signal_best_fit'])} + "
            f"backgrounds {_events(t['background_best_fit'])}); Standard Model "
            f"{_events(t['predicted_sm'])} (CEvNS {_events(t['signal_sm'])} + backgrounds "
            f"{_events(t['background_nominal'])})."
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
            for pipe, p in zip(self._pipes[::2], projections, strict=True):
                pipe.send(p)
            for pipe, p in zip(self._pipes[1::2], projections, strict=True):
                pipe.send(p)
            return
        self._shape, self._captions, self._pipes = shape, [], []
        items: list[Any] = []
        for label, view in views.items():
            caption = pn.pane.Markdown(self._caption(view, note), margin=(4, 10))
            self._captions.append(caption)
            items.append(caption)
            columns = []
            # the legend goes on the last plot (arrival time: its top right is empty)
            last = len(view["projections"]) - 1
            for i, (key, p) in enumerate(view["projections"].items()):
                plots = []
                for draw in (
                    partial(_projection, key=key, legend=i == last),
                    partial(_residuals, key=key, legend=i == last),
                ):
                    pipe = hv.streams.Pipe(data=p)
                    self._pipes.append(pipe)
                    plots.append(
                        pn.pane.HoloViews(
                            hv.DynamicMap(draw, streams=[pipe]),
                            sizing_mode="stretch_width",
                            linked_axes=False,
                        )
                    )
                columns.append(pn.Column(*plots, sizing_mode="stretch_width"))
            items.append(pn.Row(*columns, sizing_mode="stretch_width", name=label))
        self._layout.objects = items

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout


def _framewise(plot: hv.Overlay) -> hv.Overlay:
    """Every layer recomputes its ranges when the stream sends new data."""
    return plot.map(lambda element: element.opts(framewise=True), [hv.Element])


def _projection(data: dict[str, Any], *, key: str, legend: bool) -> hv.Overlay:
    return _framewise(projection_plot(data, key, f"Data: {data['title'].lower()}", legend=legend))


def _residuals(data: dict[str, Any], *, key: str, legend: bool) -> hv.Overlay:
    return _framewise(residual_plot(data, key, legend=legend))


class ExperimentData(pn.viewable.Viewer):
    """The sidebar preset's data sets beside the prediction (Recoil-spectra tab): hidden when the
    preset has no data set; the sidebar's physics is the prediction, the data set's own analysis
    (its preset's response and exposure) the binning."""

    dataset = param.Selector(default=None, objects=[None], doc="The data set shown.")

    def __init__(self, owner: TabView, **params: Any) -> None:
        super().__init__(**params)
        self._owner = owner
        self.state = owner.state
        self._comparison = DataComparison()
        self._choice = pn.widgets.RadioButtonGroup(
            options={}, color="primary", visible=False, margin=(0, 10)
        )
        self._choice.param.watch(self._on_choice, "value")
        self._header = pn.pane.Markdown("", margin=(10, 10, 0, 10), sizing_mode="stretch_width")
        self._layout = pn.Column(
            self._header, self._choice, self._comparison, sizing_mode="stretch_width", visible=False
        )
        self.state.param.watch(self._on_experiment, ["experiment"])
        self.state.param.watch(self.refresh, ["physics_overrides"])
        self._on_experiment()

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
        """Fit the chosen data set at the sidebar's physics (deferred), then draw it."""
        name = self._choice.value
        if not name or name not in datafits.experiment_datasets(self.state.experiment):
            return
        physics = self.state.physics_spec()

        def compute() -> dict[str, Any]:
            return datafits.data_fit((name,), (), physics)

        def apply(fit: dict[str, Any]) -> None:
            # new plots added while the page is still being loaded by the browser were lost
            # (the first load of a slow data set): draw once the page has loaded
            pn.state.onload(
                lambda: self._owner.on_shown("data", lambda: self._draw(fit, physics is not None))
            )

        self._owner.defer("data", compute, apply)

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


# ------------------------------------------------------------------------------ fit panel
class DataFitPanel(pn.viewable.Viewer):
    """Choose data sets (and APV/PVES), profile the nuisances, show pulls and goodness of fit."""

    datasets = param.ListSelector(
        default=["coherent_csi_2021"], objects=likelihood_names(), doc="CEvNS data sets fitted."
    )
    terms = param.ListSelector(
        default=[], objects=list(datafits.EXTERNAL_TERMS), doc="APV and PVES terms added."
    )

    def __init__(self, owner: TabView, **params: Any) -> None:
        super().__init__(**params)
        self._owner = owner
        self.state = owner.state
        self._summary = pn.pane.Markdown("Choose data sets.", sizing_mode="stretch_width")
        self._nuisances = table_widget(pd.DataFrame(), max_height=420)
        self._terms = table_widget(pd.DataFrame(), max_height=200)
        self._pulls = pn.pane.HoloViews(None, sizing_mode="stretch_width", linked_axes=False)
        self._comparison = DataComparison()
        self._started = False
        self.param.watch(self.refresh, ["datasets", "terms"])
        self.state.param.watch(self.refresh, ["physics_overrides", "skin_fm"])

    def activate(self) -> None:
        """Fit once the panel is first shown."""
        if not self._started:
            self._started = True
            self.refresh()

    def refresh(self, *_events: Any) -> None:
        """Fit the chosen data sets and terms (deferred), then show the results."""
        if not self._started:
            return
        datasets, terms = tuple(self.datasets), tuple(self.terms)
        if not datasets and not terms:
            self._summary.object = "Choose at least one data set or measurement."
            return
        physics = self.state.physics_spec()
        # the PVES terms take one skin for every nucleus: none given (the core's per-nucleus
        # systematics) keeps their F_n = F_p reference
        skin = 0.0 if self.state.skin_fm is None else float(self.state.skin_fm)
        self._summary.object = "Fitting…"

        def compute() -> dict[str, Any]:
            return datafits.data_fit(datasets, terms, physics, skin)

        def apply(fit: dict[str, Any]) -> None:
            self._owner.on_shown("fit", lambda: self._show(fit, physics))

        self._owner.defer("fit", compute, apply)

    def _show(self, fit: dict[str, Any], physics: Any) -> None:
        model = "the sidebar's new physics" if physics else "the Standard Model"
        parts = [f"χ² of the data sets {fmt(fit['chi2_cells'], 5)} ({fit['n_cells']} cells)"]
        if fit["terms"]:
            parts.append(f"of the measurements {fmt(fit['chi2_terms'], 4)}")
        self._summary.object = (
            f"**Goodness of fit** at {model}, every nuisance profiled: χ² = "
            f"{fmt(fit['chi2'], 5)} for {fit['dof']} degrees of freedom (χ²/dof = "
            f"{fmt(fit['chi2'] / fit['dof'], 3)}), p-value {fmt(fit['p_value'], 2)}. "
            + "; ".join(parts)
            + ". The SNS neutrino flux is one nuisance for every COHERENT data set."
        )
        rows, previous = [], None
        for i, n in enumerate(fit["nuisances"], 1):
            dataset = n["dataset"] or "All COHERENT data sets"
            rows.append(
                [
                    f"{i}. {n['label']}",
                    "" if dataset == previous else dataset,  # each data set named once
                    fmt(n["value"], 3),
                    "free" if n["pull"] is None else fmt(n["sigma"], 3),
                    "–" if n["pull"] is None else f"{n['pull']:+.2f}",
                    _unit(n["unit"]),
                ]
            )
            previous = dataset
        self._nuisances.object = pd.DataFrame(
            rows, columns=["Nuisance", "Data set", "Fitted", "Prior σ", "Pull", "In units of"]
        )
        self._terms.object = pd.DataFrame(
            [[t["label"], t["at"], fmt(t["chi2"], 3)] for t in fit["terms"]],
            columns=["Measurement", "Evaluated at", "χ²"],
        )
        self._terms.visible = bool(fit["terms"])
        self._pulls.object = pulls_plot(fit["nuisances"]) if fit["nuisances"] else None
        self._pulls.visible = bool(fit["nuisances"])
        self._comparison.show(fit)

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(
            pn.pane.Markdown(
                "Fit the chosen data sets together (nuisances profiled, the physics of the "
                "sidebar), optionally with atomic parity violation and parity-violating "
                "electron scattering evaluated at the same physics (PREX-II and CREX at the "
                "sidebar's neutron skin).",
                margin=(0, 10),
            ),
            pn.Row(
                pn.widgets.MultiChoice.from_param(
                    self.param.datasets,
                    label="Data sets",
                    options={data_title(n): n for n in likelihood_names()},
                    sizing_mode="stretch_width",
                ),
                pn.widgets.CheckBoxGroup.from_param(
                    self.param.terms,
                    options={term_title(t): t for t in datafits.EXTERNAL_TERMS},
                    inline=False,
                    width=260,
                ),
                sizing_mode="stretch_width",
            ),
            self._summary,
            pn.Row(
                pn.Column(self._nuisances, self._terms, sizing_mode="stretch_width"),
                self._pulls,
                sizing_mode="stretch_width",
            ),
            self._comparison,
            sizing_mode="stretch_width",
        )


# ------------------------------------------------------------------------------ named results
def _published_text(row: dict[str, Any]) -> str:
    if "upper_limit" in row:
        return f"< {fmt(row['upper_limit'], 3)}"
    return _pm(row["value"], row["minus"], row["plus"])


def _ours_text(row: dict[str, Any]) -> str:
    ours = row["ours"]
    if "upper_limit" in ours:
        return f"< {fmt(ours['upper_limit'], 3)}"
    return _pm(ours["value"], ours["minus"], ours["plus"])


def _quantity(text: str) -> str:
    return (
        text.replace("sin^2 theta_W", "sin²θ_W")
        .replace("133Cs", "¹³³Cs")
        .replace("127I", "¹²⁷I")
        .replace("40Ar", "⁴⁰Ar")
        .replace(" us", " μs")
    )


class NamedResultsPanel(pn.viewable.Viewer):
    """The named results: ours beside the published ones (computed once per process)."""

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._status = pn.pane.Markdown(
            "The named fits run once per server process (a few seconds); the table fills in "
            "when they are done.",
            sizing_mode="stretch_width",
        )
        self._table = table_widget(pd.DataFrame(), max_height=400)
        self._notes = pn.pane.Markdown("", sizing_mode="stretch_width")
        self._started = False

    def activate(self) -> None:
        """Start (or join) the computation when first shown."""
        if self._started:
            return
        self._started = True
        when_ready(datafits.named_results(), self.show)

    def show(self, rows: list[dict[str, Any]]) -> None:
        """Fill the table with ``cc.named_results()`` rows."""
        table = []
        notes = []
        for i, row in enumerate(rows, 1):
            data = ", ".join(data_title(d) for d in row["datasets"])
            unit = f" {row['unit']}" if row["unit"] else ""
            cl = row["cl"].replace("sigma", "σ")
            table.append(
                [
                    f"{i}. {_quantity(row['quantity'])}",
                    f"{_published_text(row)}{unit} ({cl})",
                    f"{_ours_text(row)}{unit}",
                    f"{row['difference']:+.3g} (tolerance {fmt(row['tolerance'], 2)})",
                    "yes" if row["within"] else "no",
                ]
            )
            notes.append(
                f"{i}. *{data}* — published: {row['reference']}. *Tolerance:* "
                f"{row['tolerance_argument']}"
            )
        self._table.object = pd.DataFrame(
            table, columns=["Result", "Published", "This workbench", "Difference", "Agrees"]
        )
        self._status.object = (
            f"**Named results** — {sum(r['within'] for r in rows)} of {len(rows)} agree with the "
            "published value within the tolerance argued for each (notes below)."
        )
        self._notes.object = "\n\n".join(notes)

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(
            self._status,
            self._table,
            pn.Card(
                self._notes,
                title="Data, references and tolerances",
                collapsed=True,
                sizing_mode="stretch_width",
            ),
            sizing_mode="stretch_width",
        )


# ------------------------------------------------------------------------------ running
class RunningPanel(pn.viewable.Viewer):
    """The MS-bar running of sin²θ_W with the measurements and the workbench's points."""

    show_workbench = param.Boolean(default=True, doc="Draw the workbench's determinations.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._data: dict[str, Any] | None = None
        self._plot = pn.pane.HoloViews(None, sizing_mode="stretch_width", linked_axes=False)
        self._caption = pn.pane.Markdown(
            "The workbench's own fits run once per server process (a few seconds)…",
            sizing_mode="stretch_width",
        )
        self._table = table_widget(pd.DataFrame(), max_height=300)
        self._started = False
        self.param.watch(self._draw, "show_workbench")

    def activate(self) -> None:
        """Start (or join) the computation when first shown."""
        if self._started:
            return
        self._started = True
        when_ready(datafits.running_points(), self._store)

    def _store(self, data: dict[str, Any]) -> None:
        self._data = data
        self._draw()

    def _draw(self, *_events: Any) -> None:
        if self._data is None:
            return
        data = self._data
        self._plot.object = running_plot(data, show_workbench=self.show_workbench)
        self._caption.object = (
            "Curve: one-loop MS-bar running with particle thresholds; inputs and method: "
            f"{data['source']}. Points: measurements as published, put on the MS-bar footing "
            "(Z-pole effective angles −0.00031; NuTeV moved by its deviation from the on-shell "
            "value). Red: this workbench — atomic parity violation for each atomic theory, and "
            "sin²θ_W fitted to the COHERENT data sets at their mean momentum transfer."
        )
        points = [*data["measurements"], *(data["workbench"] if self.show_workbench else [])]
        self._table.object = pd.DataFrame(
            [
                [p["label"], fmt(p["mu_GeV"], 3), _pm(p["value"], p["err_minus"], p["err_plus"], 4)]
                for p in points
            ],
            columns=["Measurement", "μ (GeV)", "sin²θ_W"],
        )

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(
            pn.widgets.Checkbox.from_param(
                self.param.show_workbench, label="Show this workbench's determinations"
            ),
            self._plot,
            self._caption,
            pn.Card(self._table, title="The points", collapsed=True, sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
        )


# ------------------------------------------------------------------------------ experiments
class PublishedPanel(pn.viewable.Viewer):
    """A preset's published numbers beside ours, and every data set's observed events beside
    the prediction (Experiments tab)."""

    def __init__(self, owner: TabView, preset: str, **params: Any) -> None:
        super().__init__(**params)
        self._owner = owner
        self._preset = preset  # the owner's parameter holding the preset's name
        self._published_caption = pn.pane.Markdown("", sizing_mode="stretch_width")
        self._published = table_widget(pd.DataFrame(), max_height=300)
        self._data = table_widget(pd.DataFrame(), max_height=260)
        self._started = False
        owner.param.watch(self.refresh, preset)

    def activate(self) -> None:
        """Compute when first shown."""
        if self._started:
            return
        self._started = True
        self.refresh()
        self._owner.defer("observed", self._observed_frame, self._show_observed)

    def refresh(self, *_events: Any) -> None:
        """The published numbers of the chosen preset (deferred: they need its counts)."""
        if not self._started:
            return
        name = getattr(self._owner, self._preset)
        self._published_caption.object = f"**Published results: {preset_title(name)}** — …"
        self._owner.defer(
            "published",
            lambda: self._published_frame(name),
            lambda value: self._owner.on_shown("published", lambda: self._show_published(*value)),
        )

    @staticmethod
    def _published_frame(name: str) -> tuple[str, pd.DataFrame]:
        comparison = datafits.published(name)
        rows = []
        for r in comparison["results"]:
            unc = r["uncertainty"]
            value = fmt(r["value"], 4)
            if unc is not None:
                value = _pm(r["value"], unc[0], unc[1], 4)
            cl = f" ({r['cl'].replace('sigma', 'σ')})" if r["cl"] else ""
            unit = r["unit"].replace("^-1", "⁻¹").replace("^-2", "⁻²").replace("^2", "²")
            rows.append(
                [
                    r["label"] or r["kind"],
                    r["kind"].replace("_", " "),
                    f"{value} {unit}".strip() + cl,
                    "–" if r["ours"] is None else fmt(r["ours"], 4),
                    "–" if r["ratio"] is None else fmt(r["ratio"], 3),
                ]
            )
        caption = (
            f"**Published results: {comparison['title']}** — {comparison['reference']}; "
            f"this workbench expects {fmt(comparison['counts'], 4)} CEvNS events."
        )
        frame = pd.DataFrame(
            rows, columns=["Published number", "Kind", "Published", "This workbench", "Ratio"]
        )
        return caption, frame

    def _show_published(self, caption: str, frame: pd.DataFrame) -> None:
        self._published_caption.object = caption
        self._published.object = frame

    @staticmethod
    def _observed_frame() -> pd.DataFrame:
        rows = []
        for name in likelihood_names():
            fit = datafits.data_fit((name,))
            t = fit["datasets"][name]["totals"]
            rows.append(
                [
                    data_title(name),
                    _pm(t["observed"], t["observed_error_low"], t["observed_error_high"], 5),
                    f"{_events(t['predicted_sm'])} = {_events(t['signal_sm'])} + "
                    f"{_events(t['background_nominal'])}",
                    f"{_events(t['best_fit'])} = {_events(t['signal_best_fit'])} + "
                    f"{_events(t['background_best_fit'])}",
                    f"{fmt(fit['chi2'], 4)} / {fit['dof']}",
                ]
            )
        return pd.DataFrame(
            rows,
            columns=[
                "Data set",
                "Observed events (68 %)",
                "Predicted: CEvNS (SM) + backgrounds",
                "Best fit: CEvNS + backgrounds",
                "χ² / dof",
            ],
        )

    def _show_observed(self, frame: pd.DataFrame) -> None:
        self._owner.on_shown("observed", lambda: setattr(self._data, "object", frame))

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(
            self._published_caption,
            self._published,
            pn.pane.Markdown(
                "**Data beside the prediction** — every event in each data set's analysis "
                "window: observed (68 % Poisson interval) beside the Standard-Model "
                "prediction (nominal nuisances) and the best fit (nuisances profiled).",
                margin=(10, 10, 0, 10),
            ),
            self._data,
            sizing_mode="stretch_width",
        )
