"""Tab "Constraints": Δχ² profiles and exclusion contours from ``cevns_core.scan``.

The sidebar's experiment (its source, detector and Standard-Model settings) is scanned in one of
the core's scan models (``cc.scan_models()``: Z′, scalar, vector/tensor NSI, charge radii,
magnetic moments, sterile 3+1, (R_n, sin²θ_W)) on a 1-D or 2-D grid, Asimov sensitivity or a
shipped data set. The scan runs off the event loop in row chunks (a progress bar, the Δχ² map
filling in chunk by chunk, a Cancel button); the chunks are assembled into one
``cc.ScanResult`` whose ``delta_chi2``, ``contour(cl)`` and ``best_fit`` are drawn:

* 2-D: Δχ² map (capped for the colour scale), contours at the chosen confidence levels (2 dof),
  best fit, and the published 1-D constraints of PKK Table II (``cevns_core.fits.
  published_limits``) as shaded bands where they constrain a scanned parameter (PKK Figs. 11–13);
* 1-D: the Δχ² profile with the 1-dof levels and the published interval.

Beside the scan (sub-tabs): "Fit to data" (chosen data sets and APV/PVES, nuisances profiled:
pulls, goodness of fit, data beside the fit), "Published results" (the named results, ours
beside the published ones) and "Running of sin²θ_W" (CDG Figs. 5–6): :mod:`.fit_panel`,
:mod:`.results_panels`.

The settings are the tab's options (:class:`dashboard.viewstate.ConstraintsOptions`: in the URL
and in saved configurations); ``done`` marks that a scan with them was shown, so a shared link or
a reload (the theme switch) runs it again — usually straight from the results cache. A scan
waits for a slot of the server (:mod:`dashboard.scanning`: grid size, scans per page and per
server are limited; beyond them the page says the server is busy).
"""

from __future__ import annotations

import asyncio
import json
import math
import threading
from typing import Any

import holoviews as hv
import numpy as np
import panel as pn
import param

import cevns_core as cc
from cevns_core.published import DEFAULT_SIGNAL_UNCERTAINTY
from cevns_core.scans import SCAN_MODELS

from .. import results
from ..errors import notify_error
from ..labels import dataset_title, scan_model_title
from ..scanning import SLOTS, ScanBusy, check_grid, scan_pool
from ..text import plain
from ..viewstate import (
    CL_CHOICES,
    CONSTRAINTS_SECTIONS,
    DIMENSIONS,
    STATISTICS,
    ConstraintsOptions,
)
from ..widgets import option_field
from ._base import PLOT_HEIGHT, TabView, served
from .fit_panel import DataFitPanel
from .results_panels import NamedResultsPanel, RunningPanel
from .scan_plots import PUBLISHED, ScanPlots, axis_label

__all__ = ["PUBLISHED", "ConstraintsView"]

#: Options that do not change a scan (which section is shown, the fit to data's choice).
_NOT_SCAN = ("name", "done", "section", "fit_datasets", "fit_terms")


class _Cancelled(Exception):
    """The user cancelled the scan."""


class ConstraintsView(ScanPlots, TabView, ConstraintsOptions):
    """The constraints tab (see the module docstring); options: :class:`ConstraintsOptions`."""

    TAB = "constraints"
    progress = param.Integer(0, bounds=(0, 100), doc="Progress of the running scan (%).")
    status = param.String("Choose a model and press Scan.", doc="What the scan is doing.")
    running = param.Boolean(False, doc="A scan is running.")
    result = param.Parameter(None, doc="The last complete ScanResult.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._cancel = threading.Event()
        self._pipe = hv.streams.Pipe(data=None)
        # the scan settings take about 150 px more than other tabs' controls
        self._plot_pane = self.pane(self._map(), min_height=PLOT_HEIGHT + 120, minus_px=150)
        self._info = pn.pane.Markdown("", sizing_mode="stretch_width")
        self._fit_panel = DataFitPanel(self)
        self._named_panel = NamedResultsPanel()
        self._running_panel = RunningPanel()
        # before the first scan: what to do, not a made-up map (the plot appears with the scan)
        self._empty = pn.pane.Markdown(
            pn.bind(self._empty_text, self.param.model, self.param.dimensions),
            sizing_mode="stretch_width",
            css_classes=["cevns-empty-state"],
            styles={"border": "1px dashed rgba(127,127,127,0.6)", "border-radius": "6px"},
            margin=(10, 10),
        )
        # holds the empty state, then the plot (swapped, not hidden: Panel's HoloViews pane
        # fails when made visible again after it was drawn)
        self._holder = pn.Column(self._empty, sizing_mode="stretch_width")
        self._on_model()
        self.param.watch(self._on_model, "model")
        self._sections: list[Any] = []
        self._section_tabs: pn.Tabs | None = None
        self.sync_options()
        self.param.watch(self._show_section, "section")
        self.param.watch(self._settings_changed, [*self._SETTINGS])
        self.state.param.watch(self._settings_changed, list(self.state.EXPERIMENT_INPUTS))
        if pn.state.curdoc is not None and served():
            pn.state.on_session_destroyed(lambda _ctx: self._cancel.set())
        if self.done:  # a shared link or a reload: show the scan again (cached chunks)
            if served():
                pn.state.onload(self.start)
            else:
                self.start()

    #: Settings that make a shown scan outdated.
    _SETTINGS = tuple(n for n in ConstraintsOptions.param if n not in _NOT_SCAN)

    def _settings_changed(self, *_events: Any) -> None:
        if self.done and not self.running and not self._applying_options:
            self.done = False

    def _scan_key(self) -> tuple:
        """What a shown scan was computed for: the settings and the experiment."""
        try:
            spec = json.dumps(self.state.spec(), sort_keys=True, default=str)
        except Exception:  # an invalid experiment: never the key of a shown scan
            spec = None
        return (tuple(getattr(self, n) for n in self._SETTINGS), spec)

    def apply_options(self, *events: Any) -> None:
        """Options from the state; when they come with ``done`` (a lesson, a loaded
        configuration) their scan is shown (run, usually from the cache), without it the empty
        state (not an older scan)."""
        super().apply_options(*events)
        if not events or self.running:  # building the view: ``__init__`` handles ``done``
            return
        if not self.done:
            self._holder.objects = [self._empty]
            self._info.object = ""
            self.param.update(status=self.param.status.default, progress=0)
        elif self.result is None or self._scan_key() != getattr(self, "_shown_key", None):
            self.start()

    @staticmethod
    def _empty_text(model: str, dimensions: str) -> str:
        grid = next(k for k, v in DIMENSIONS.items() if v == dimensions)
        return (
            f"### No scan yet\n\n**{scan_model_title(model)}**, {grid}: set the grid above and "
            "press **Scan**. The Δχ² map (or profile) appears here as it is computed, with the "
            "contours at the chosen confidence levels and the published limits."
        )

    # --------------------------------------------------------------------------- inputs
    def _model_ranges(self) -> dict[str, Any]:
        """The axis ranges offered for the chosen model: the core's default grid of each axis
        (its lowest and highest value and spacing; the number of points stays the user's)."""
        values: dict[str, Any] = {}
        for i, axis in enumerate(SCAN_MODELS[self.model].axes[:2]):
            if axis.grid is None:
                axis.default_values()  # CevnsError naming the axis without a default grid
            lo, hi, _n, log = axis.grid
            values.update({f"a{i}_min": lo, f"a{i}_max": hi, f"a{i}_log": log})
        return values

    def option_default(self, name: str) -> Any:
        """The axis ranges' defaults are the model's."""
        ranges = self._model_ranges()
        return ranges[name] if name in ranges else super().option_default(name)

    def _on_model(self, *_events: Any) -> None:
        self.param.update(**self._model_ranges())

    def axis_names(self) -> list[str]:
        """The model's axes (first, second)."""
        return [a.name for a in SCAN_MODELS[self.model].axes]

    def grid(self) -> dict[str, np.ndarray]:
        """The axes to scan (one for a 1-D profile, two for a grid), CevnsError if invalid."""
        names = self.axis_names()
        out = {}
        chosen = {"2d": (0, 1), "1d0": (0,), "1d1": (1,)}[self.dimensions]
        for i in chosen:
            lo, hi = getattr(self, f"a{i}_min"), getattr(self, f"a{i}_max")
            n, log = getattr(self, f"a{i}_n"), getattr(self, f"a{i}_log")
            label = axis_label(self.model, names[i])
            if not (math.isfinite(lo) and math.isfinite(hi)) or not lo < hi:
                raise cc.CevnsError(
                    f"{label}: the lowest value {lo:g} must be below the highest {hi:g}"
                )
            if log and lo <= 0:
                raise cc.CevnsError(f"{label}: log spacing needs positive values, got {lo:g}")
            values = np.geomspace(lo, hi, n) if log else np.linspace(lo, hi, n)
            out[names[i]] = SCAN_MODELS[self.model].axis(names[i]).check(values, "axis")
        return out

    # --------------------------------------------------------------------------- running
    def start(self, *_events: Any) -> None:
        """Start a scan (chunked, off the event loop in a server; at once otherwise)."""
        if self.running:
            return
        try:
            axes = self.grid()
            check_grid(axes)
            spec = self.state.spec()
            results.scan_experiment(spec)  # fail early on an invalid experiment
            ticket = SLOTS.enter(id(self.state))
        except Exception as exc:
            notify_error(exc)
            self.status = f"Not started: {exc}"
            return
        self._cancel.clear()
        self._shown_key = self._scan_key()
        first = next(iter(axes))
        n = len(axes[first])
        step = max(1, -(-n // self.chunks))
        rows = [(lo, min(lo + step, n)) for lo in range(0, n, step)]
        data = None if self.data == "asimov" else self.data
        statistic = self.statistic if data is None else None
        # the default signal systematic acts on Asimov sensitivities only
        sigma = self.signal_systematic if data is None else DEFAULT_SIGNAL_UNCERTAINTY
        job = (spec, self.model, axes, data, statistic, sigma)
        self._new_plot(axes)
        title = scan_model_title(self.model)
        self.param.update(running=True, progress=0, status=f"Scanning: {title}…")
        if served():

            async def run() -> None:
                await self._run_async(job, rows, ticket)

            pn.state.execute(run)
        else:
            self._run_sync(job, rows, ticket)

    def cancel(self, *_events: Any) -> None:
        """Ask the running scan to stop after its current chunk."""
        self._cancel.set()

    def _compute(self, job: tuple, lo_hi: tuple[int, int]) -> Any:
        spec, model, axes, data, statistic, sigma = job
        return results.scan_chunk(spec, model, axes, lo_hi, data, statistic, sigma)

    def _run_sync(self, job: tuple, rows: list[tuple[int, int]], ticket: Any) -> None:
        pieces = []
        try:
            if SLOTS.ready(ticket):  # no waiting outside a server: say so instead
                raise ScanBusy("the server is busy with other scans; try again in a minute")
            for lo_hi in rows:
                if self._cancel.is_set():
                    raise _Cancelled
                pieces.append(self._compute(job, lo_hi))
                self._partial(job, pieces, len(rows))
            self._finish(job, pieces)
        except _Cancelled:
            self.status = "Cancelled."
        except Exception as exc:
            notify_error(exc)
            self.status = f"Failed: {exc}"
        finally:
            SLOTS.leave(ticket)
            self.running = False

    async def _wait_for_slot(self, ticket: Any) -> None:
        """Wait in the server's queue, saying where the scan stands (Cancel works here too)."""
        while position := SLOTS.ready(ticket):
            if self._cancel.is_set():
                raise _Cancelled
            running, waiting = SLOTS.counts()
            self.status = (
                f"Waiting: the server is busy with {running} other scan(s); this one is "
                f"number {position} of {waiting} in the queue and starts on its own."
            )
            await asyncio.sleep(0.25)

    async def _run_async(self, job: tuple, rows: list[tuple[int, int]], ticket: Any) -> None:
        loop = asyncio.get_running_loop()
        pieces = []
        try:
            await self._wait_for_slot(ticket)
            for lo_hi in rows:
                if self._cancel.is_set():
                    raise _Cancelled
                pieces.append(await loop.run_in_executor(scan_pool(), self._compute, job, lo_hi))
                self._partial(job, pieces, len(rows))
            self._finish(job, pieces)
        except _Cancelled:
            self.status = "Cancelled."
        except Exception as exc:
            notify_error(exc)
            self.status = f"Failed: {exc}"
        finally:
            SLOTS.leave(ticket)
            self.running = False

    def _partial(self, job: tuple, pieces: list[Any], total: int) -> None:
        """Show the rows computed so far (the rest of the grid at Δχ² = 0 until then)."""
        axes = job[2]
        self.progress = int(100 * len(pieces) / total)
        self.status = f"Scanning {scan_model_title(job[1])}: chunk {len(pieces)} of {total}"
        if len(axes) == 2:
            chi2 = np.concatenate([p.chi2 for p in pieces], axis=0)
            full = np.zeros(tuple(len(v) for v in axes.values()))
            floor = min(float(chi2.min()), pieces[0].chi2_null)
            full[: chi2.shape[0]] = chi2 - floor
            self._pipe.send(
                {"axes": axes, "dchi2": full, "contours": {}, "best": None, "model": job[1]}
            )

    def _finish(self, job: tuple, pieces: list[Any]) -> None:
        axes = job[2]
        result = results.assemble_scan(pieces, axes)
        self.result = result
        contours = {}
        for cl in self.levels:
            try:
                contours[cl] = result.contour(cl)
            except cc.CevnsError as exc:
                notify_error(exc)
        best = result.best_fit
        self._pipe.send(
            {
                "axes": axes,
                "dchi2": np.asarray(result.delta_chi2),
                "contours": contours,
                "best": best,
                "result": result,
                "model": job[1],
            }
        )
        self.progress = 100
        self.status = (
            f"Done: {scan_model_title(result.model)} on {self._experiment_title()}, grid "
            f"{' × '.join(map(str, result.shape))}, {len(pieces)} chunks"
        )
        self._info.object = self.info_text(result, contours)
        if not self.done:
            self.done = True

    def _experiment_title(self) -> str:
        try:
            return self.state.spec()["title"]
        except cc.CevnsError:
            return "the sidebar's experiment"

    # --------------------------------------------------------------------------- plots
    def _new_plot(self, axes: dict[str, np.ndarray]) -> None:
        self._pipe = hv.streams.Pipe(
            data={"axes": axes, "dchi2": None, "contours": {}, "best": None, "model": self.model}
        )
        self._plot_pane.object = self._map()
        if self._holder.objects[0] is not self._plot_pane:
            self._holder.objects = [self._plot_pane]

    def _map(self) -> hv.DynamicMap:
        return hv.DynamicMap(self.plot, streams=[self._pipe])

    # --------------------------------------------------------------------------- layout
    def controls(self) -> pn.viewable.Viewable:
        """Model, grid, statistics, run controls."""
        scan = pn.widgets.Button(
            label="Scan", color="primary", width=80, disabled=self.param.running
        )
        scan.on_click(self.start)
        stop = pn.widgets.Button(
            label="Cancel", color="warning", width=80, disabled=self.param.running.rx.not_()
        )
        stop.on_click(self.cancel)

        def axis_row(i: int) -> pn.Row:
            label = pn.bind(
                lambda model: f"**{axis_label(model, self.axis_names()[i])}**", self.param.model
            )
            # a 1-D profile along the other axis does not use this one: hidden (room for the plot)
            used = pn.bind(lambda dimensions: dimensions != f"1d{1 - i}", self.param.dimensions)
            return pn.Row(
                pn.pane.Markdown(label, sizing_mode="stretch_width", margin=(18, 10, 0, 10)),
                # no display format: the value as typed (1e-08 stays 1e-08, never 0 or +0)
                option_field(self, f"a{i}_min", label="min", width=120, format=None),
                option_field(self, f"a{i}_max", label="max", width=120, format=None),
                option_field(self, f"a{i}_n", label="points", width=90),
                pn.widgets.Checkbox.from_param(
                    self.param[f"a{i}_log"], label="log", margin=(28, 10, 0, 10)
                ),
                sizing_mode="stretch_width",
                visible=used,
            )

        # an Asimov sensitivity's signal systematic (presets without a published one)
        systematic = option_field(
            self,
            "signal_systematic",
            label="Signal systematic (fraction)",
            width=210,
            kind="number",
        )
        systematic.visible = pn.bind(lambda data: data == "asimov", self.param.data)
        return pn.Column(
            pn.Row(
                pn.widgets.Select.from_param(
                    self.param.model,
                    label="Model",
                    width=380,
                    options={scan_model_title(m): m for m in cc.scan_models()},
                ),
                pn.widgets.Select.from_param(
                    self.param.dimensions, options=DIMENSIONS, label="Grid", width=150
                ),
                pn.widgets.CheckButtonGroup.from_param(
                    self.param.levels, options=CL_CHOICES, label="CL", color="primary"
                ),
                sizing_mode="stretch_width",
            ),
            pn.Row(
                pn.widgets.Select.from_param(
                    self.param.data,
                    label="Data",
                    width=380,
                    options={"Asimov sensitivity": "asimov"}
                    | {dataset_title(d): d for d in cc.dataset_names()},
                ),
                pn.widgets.Select.from_param(
                    self.param.statistic, label="Asimov χ²", width=220, options=STATISTICS
                ),
                systematic,
                sizing_mode="stretch_width",
            ),
            axis_row(0),
            axis_row(1),
            pn.Row(
                scan,
                stop,
                pn.indicators.Progress.from_param(
                    self.param.progress, max=100, width=200, margin=(12, 10)
                ),
                pn.pane.HTML(pn.bind(plain, self.param.status), sizing_mode="stretch_width"),
                sizing_mode="stretch_width",
            ),
            sizing_mode="stretch_width",
        )

    def activate(self) -> None:
        """The tab is shown: the shown section's fits and tables start (when first shown)."""
        if self._sections:
            index = list(CONSTRAINTS_SECTIONS).index(self.section)
            activate = getattr(self._sections[index], "activate", None)
            if activate is not None:
                activate()

    def _on_section(self, event: param.parameterized.Event) -> None:
        key = list(CONSTRAINTS_SECTIONS)[event.new]
        if self.section != key:  # the URL follows
            self.section = key
        if self.shown:
            self.activate()

    def _show_section(self, *_events: Any) -> None:
        """The section of the options (a URL, a lesson) is the one shown."""
        index = list(CONSTRAINTS_SECTIONS).index(self.section)
        if self._section_tabs is not None and self._section_tabs.active != index:
            self._section_tabs.active = index

    def __panel__(self) -> pn.viewable.Viewable:
        scan = pn.Column(self.controls(), self._holder, self._info, sizing_mode="stretch_width")
        self._sections = [scan, self._fit_panel, self._named_panel, self._running_panel]
        sections = pn.Tabs(
            *zip(CONSTRAINTS_SECTIONS.values(), self._sections, strict=True),
            active=list(CONSTRAINTS_SECTIONS).index(self.section),
            # not dynamic: a hidden section keeps its models, so results arriving from the
            # background update them in place (dropped models would be rebuilt with CDN
            # stylesheet URLs)
            dynamic=False,
            sizing_mode="stretch_width",
        )
        self._section_tabs = sections
        sections.param.watch(self._on_section, "active")
        if self.shown:  # opened on a section other than the scan (a shared link)
            self.activate()
        return sections
