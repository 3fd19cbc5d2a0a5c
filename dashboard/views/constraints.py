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

The settings are the tab's options (:class:`dashboard.viewstate.ConstraintsOptions`: in the URL
and in saved configurations); ``done`` marks that a scan with them was shown, so a shared link or
a reload (the theme switch) runs it again — usually straight from the results cache. A scan
waits for a slot of the server (:mod:`dashboard.scanning`: grid size, scans per page and per
server are limited; beyond them the page says the server is busy).
"""

from __future__ import annotations

import asyncio
import math
import threading
from typing import Any

import holoviews as hv
import numpy as np
import panel as pn
import param

import cevns_core as cc
from cevns_core.fits import published_limits
from cevns_core.scans import SCAN_MODELS

from .. import results
from ..errors import notify_error
from ..labels import dataset_title, scan_axis_label, scan_model_title, with_unit
from ..palette import NEW_PHYSICS_COLOR, SM_COLOR, series_color
from ..scanning import SLOTS, ScanBusy, check_grid, scan_pool
from ..text import plain
from ..viewstate import CL_CHOICES, DIMENSIONS, STATISTICS, ConstraintsOptions
from ..widgets import option_field
from ._base import PLOT_HEIGHT, TabView, served

__all__ = ["DEFAULT_RANGES", "PUBLISHED", "ConstraintsView"]

#: Grid ranges offered when a model is chosen: axis → (min, max, log spacing) (suggested ranges
#: of PHYSICS.md §12; a UI choice, any values inside the core's bounds may be typed).
DEFAULT_RANGES: dict[str, tuple[float, float, bool]] = {
    "coupling": (1e-5, 1e-2, True),
    "mass_MeV": (1.0, 1e4, True),
    "eps_u": (-1.0, 1.0, False),
    "eps_d": (-1.0, 1.0, False),
    "r2_e_cm2": (-1e-30, 5e-31, False),
    "r2_mu_cm2": (-1e-30, 5e-31, False),
    "mu_e_muB": (0.0, 1e-8, False),
    "mu_mu_muB": (0.0, 1e-8, False),
    "dm2_41_eV2": (0.1, 100.0, True),
    "sin2_2theta": (1e-3, 1.0, True),
    "R_n_fm": (3.0, 8.0, False),
    "sin2_theta_W": (0.1, 0.4, False),
}
_MODEL_RANGES: dict[str, dict[str, tuple[float, float, bool]]] = {
    "scalar": {"coupling": (1e-6, 1e-3, True)},
    "nsi_tensor_ee": {"eps_u": (-0.1, 0.1, False), "eps_d": (-0.1, 0.1, False)},
    "nsi_tensor_mumu": {"eps_u": (-0.1, 0.1, False), "eps_d": (-0.1, 0.1, False)},
}
#: Published constraints (PKK Table II) on a scan axis: (model, axis) → (table key, scale).
PUBLISHED: dict[tuple[str, str], tuple[str, float]] = {
    **{
        (f"nsi_{kind}_{lep}{lep}", f"eps_{q}"): (f"eps_{q}{k}_{lep}{lep}", 1.0)
        for kind, k in (("vector", "V"), ("tensor", "T"))
        for lep in ("e", "mu")
        for q in ("u", "d")
    },
    ("charge_radius", "r2_e_cm2"): ("r2_e_1e-32_cm2", 1e-32),
    ("charge_radius", "r2_mu_cm2"): ("r2_mu_1e-32_cm2", 1e-32),
    ("magnetic_moment", "mu_e_muB"): ("mu_nu_e_1e-10_muB", 1e-10),
    ("magnetic_moment", "mu_mu_muB"): ("mu_nu_mu_1e-10_muB", 1e-10),
    ("rn_sin2w", "R_n_fm"): ("R_n_fm_coherent_only", 1.0),
    ("rn_sin2w", "sin2_theta_W"): ("sin2_theta_W_coherent_only", 1.0),
}
#: Colour-scale cap of the Δχ² map.
DCHI2_CAP = 30.0
CHI2_DIM = hv.Dimension("dchi2", label="Δχ²")


class _Cancelled(Exception):
    """The user cancelled the scan."""


def _axis_label(model: str, name: str) -> str:
    """``label (unit)`` of a scan axis (the core's catalogue)."""
    return with_unit(*scan_axis_label(model, name))


def _axis_dim(model: str, name: str) -> hv.Dimension:
    label, unit = scan_axis_label(model, name)
    return hv.Dimension(name, label=label, unit=unit or None)


def _second(dim: hv.Dimension) -> hv.Dimension:
    """The far edge of a rectangle along ``dim`` (same label and unit)."""
    return hv.Dimension(f"{dim.name}_2", label=dim.label, unit=dim.unit)


class ConstraintsView(TabView, ConstraintsOptions):
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
        self._plot_pane = self.pane(self._map(), min_height=PLOT_HEIGHT + 120)
        self._info = pn.pane.Markdown("", sizing_mode="stretch_width")
        self._on_model()
        self.param.watch(self._on_model, "model")
        self.sync_options()
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
    _SETTINGS = tuple(n for n in ConstraintsOptions.param if n not in ("name", "done"))

    def _settings_changed(self, *_events: Any) -> None:
        if self.done and not self.running:
            self.done = False

    # --------------------------------------------------------------------------- inputs
    def _model_ranges(self) -> dict[str, Any]:
        """The axis ranges offered for the chosen model."""
        names = [a.name for a in SCAN_MODELS[self.model].axes]
        values: dict[str, Any] = {}
        for i, name in enumerate(names[:2]):
            lo, hi, log = _MODEL_RANGES.get(self.model, {}).get(
                name, DEFAULT_RANGES.get(name, (0.0, 1.0, False))
            )
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
            label = _axis_label(self.model, names[i])
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
        first = next(iter(axes))
        n = len(axes[first])
        step = max(1, -(-n // self.chunks))
        rows = [(lo, min(lo + step, n)) for lo in range(0, n, step)]
        data = None if self.data == "asimov" else self.data
        statistic = self.statistic if data is None else None
        job = (spec, self.model, axes, data, statistic)
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
        spec, model, axes, data, statistic = job
        return results.scan_chunk(spec, model, axes, lo_hi, data, statistic)

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
            self._pipe.send({"axes": axes, "dchi2": full, "contours": {}, "best": None})

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
    def _xy(self, names: list[str]) -> tuple[str, str]:
        """(x, y) axis names of a 2-D plot: mediator mass on x (PKK Fig. 12), else first on x."""
        if names[1] == "mass_MeV":
            return names[1], names[0]
        return names[0], names[1]

    def _new_plot(self, axes: dict[str, np.ndarray]) -> None:
        self._pipe = hv.streams.Pipe(
            data={"axes": axes, "dchi2": None, "contours": {}, "best": None}
        )
        self._plot_pane.object = self._map()

    def _map(self) -> hv.DynamicMap:
        return hv.DynamicMap(self.plot, streams=[self._pipe])

    def plot(self, data: dict[str, Any] | None) -> hv.Overlay:
        """The scan plot for the pipe's data (same element types in every frame)."""
        if data is None or len(data["axes"]) == 2:
            return self._plot_2d(data)
        return self._plot_1d(data)

    def _published(self, name: str) -> tuple[float, float, str] | None:
        key = PUBLISHED.get((self.model, name))
        if key is None:
            return None
        entry = published_limits()[key[0]]
        scale = key[1]
        if "interval" in entry:
            lo, hi = entry["interval"]
        elif "upper_limit" in entry:
            lo, hi = 0.0, entry["upper_limit"]
        else:
            return None
        return lo * scale, hi * scale, f"{entry['dataset']}, {entry['cl']}"

    def _plot_2d(self, data: dict[str, Any] | None) -> hv.Overlay:
        if data is None:
            names = self.axis_names()[:2]
            axes = {n: np.array([0.0, 1.0]) for n in names}
            dchi2 = np.zeros((2, 2))
        else:
            axes = data["axes"]
            names = list(axes)
            dchi2 = (
                data["dchi2"]
                if data["dchi2"] is not None
                else np.zeros(tuple(len(v) for v in axes.values()))
            )
        xname, yname = self._xy(names)
        x, y = np.asarray(axes[xname]), np.asarray(axes[yname])
        z = np.minimum(np.asarray(dchi2), DCHI2_CAP)
        z = z if names[0] == yname else z.T  # QuadMesh wants (len(y), len(x))
        model = data["model"] if data and "model" in data else self.model
        xdim, ydim = _axis_dim(model, xname), _axis_dim(model, yname)
        mesh = hv.QuadMesh((x, y, z), [xdim, ydim], CHI2_DIM).opts(
            cmap="viridis_r",
            colorbar=True,
            clim=(0.0, DCHI2_CAP),
            tools=["hover"],
            clabel=f"Δχ² (capped at {DCHI2_CAP:g})",
        )
        paths = []
        for i, (cl, lines) in enumerate((data or {}).get("contours", {}).items()):
            segs = []
            for a0, a1 in lines:
                xs, ys = (a1, a0) if names[0] == yname else (a0, a1)
                segs.append(np.column_stack([xs, ys]))
            label = next((k for k, v in CL_CHOICES.items() if v == cl), f"{cl:g}")
            paths.append(
                hv.Path(segs, [xdim, ydim], label=f"{label} CL").opts(
                    color=[NEW_PHYSICS_COLOR, "white", "#E69F00", "#56B4E9"][i % 4], line_width=2.5
                )
            )
        if not paths:
            paths.append(hv.Path([], [xdim, ydim], label="contour"))
        boxes = []
        for name, along_x in ((xname, True), (yname, False)):
            pub = self._published(name)
            if pub is None:
                continue
            lo, hi, _ = pub
            if along_x:
                boxes.append((lo, float(y.min()), hi, float(y.max())))
            else:
                boxes.append((float(x.min()), lo, float(x.max()), hi))
        rects = hv.Rectangles(
            boxes,
            [xdim, ydim, _second(xdim), _second(ydim)],
            label="Published (PKK Table II)",
        ).opts(
            fill_alpha=0.12,
            fill_color=SM_COLOR,
            line_color=SM_COLOR,
            line_dash="dashed",
            show_legend=bool(boxes),
        )
        best = (data or {}).get("best")
        pts = []
        if best and best.get("index") is not None:
            pts = [(best[xname], best[yname])]
        points = hv.Points(pts, [xdim, ydim], label="Best fit").opts(
            color="white", marker="star", size=14, line_color="black", show_legend=bool(pts)
        )
        logx = bool(np.all(x > 0) and self._log_of(xname))
        logy = bool(np.all(y > 0) and self._log_of(yname))
        title = f"Δχ² — {scan_model_title(self.model)}"
        if data and data.get("contours"):
            title += " — contours " + ", ".join(
                next((k for k, v in CL_CHOICES.items() if v == cl), f"{cl:g}")
                for cl in data["contours"]
            )
        return hv.Overlay([mesh, rects, *paths, points]).opts(
            title=title,
            logx=logx,
            logy=logy,
            responsive=True,
            min_height=PLOT_HEIGHT + 100,
            framewise=True,
            legend_position="top_left",
            fontscale=0.95,
        )

    def _log_of(self, name: str) -> bool:
        names = self.axis_names()
        return bool(getattr(self, f"a{names.index(name)}_log")) if name in names else False

    def _plot_1d(self, data: dict[str, Any]) -> hv.Overlay:
        result = data.get("result")
        name = next(iter(data["axes"]))
        xdim = _axis_dim(self.model, name)
        x = np.asarray(data["axes"][name])
        y = np.asarray(result.delta_chi2) if result is not None else np.zeros_like(x)
        curve = hv.Curve((x, y), xdim, CHI2_DIM, label="Δχ²").opts(
            color=NEW_PHYSICS_COLOR, line_width=2, tools=["hover"]
        )
        top = max(float(np.max(y)) if y.size else 1.0, 1.0)
        levels = []
        if result is not None:
            for i, cl in enumerate(self.levels):
                level = result.threshold(cl)
                label = next((k for k, v in CL_CHOICES.items() if v == cl), f"{cl:g}")
                levels.append(
                    hv.Path(
                        [np.array([[x.min(), level], [x.max(), level]])],
                        [xdim, CHI2_DIM],
                        label=f"{label} CL",
                    ).opts(color=series_color(i), line_dash="dashed")
                )
        if not levels:
            levels.append(hv.Path([], [xdim, CHI2_DIM], label="level"))
        pub = self._published(name)
        boxes = [(pub[0], 0.0, pub[1], top)] if pub else []
        rects = hv.Rectangles(
            boxes,
            [xdim, CHI2_DIM, _second(xdim), "dchi2_2"],
            label="Published (PKK Table II)",
        ).opts(fill_alpha=0.15, fill_color=SM_COLOR, line_alpha=0, show_legend=bool(boxes))
        logx = bool(np.all(x > 0) and self._log_of(name))
        return hv.Overlay([rects, curve, *levels]).opts(
            title=f"Δχ² profile — {scan_model_title(self.model)}",
            logx=logx,
            responsive=True,
            min_height=PLOT_HEIGHT + 100,
            framewise=True,
            legend_position="top_right",
            fontscale=0.95,
            ylim=(0.0, min(top * 1.05, 50.0)),
        )

    # --------------------------------------------------------------------------- text
    def info_text(self, result: Any, contours: dict[float, Any]) -> str:
        """Best fit, χ² minimum, intervals (1-D) and the published constraints shown."""
        best = result.best_fit
        lines = [f"**{scan_model_title(result.model)}** on {self._experiment_title()}"]
        point = ", ".join(
            f"{scan_axis_label(result.model, k)[0]} = {v:.4g}"
            for k, v in best.items()
            if k not in ("chi2", "index") and isinstance(v, float)
        )
        where = "no-new-physics point" if best.get("index") is None else "grid point"
        lines.append(
            f"Best fit ({where}): {point}; χ²_min = {result.chi2_min:.4g}, "
            f"χ²(SM) = {result.chi2_null:.4g}"
        )
        if len(result.axes) == 1:
            for cl, intervals in contours.items():
                text = ", ".join(f"[{iv.lo:.4g}, {iv.hi:.4g}]" for iv in intervals) or "none"
                lines.append(f"{cl:.0%} CL interval(s): {text}")
        for name in result.axes:
            pub = self._published(name)
            if pub:
                label = scan_axis_label(result.model, name)[0]
                lines.append(f"Published {label}: [{pub[0]:.4g}, {pub[1]:.4g}] ({pub[2]})")
        return "  \n".join(lines)

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
                lambda model: f"**{_axis_label(model, self.axis_names()[i])}**", self.param.model
            )
            return pn.Row(
                pn.pane.Markdown(label, sizing_mode="stretch_width", margin=(18, 10, 0, 10)),
                option_field(self, f"a{i}_min", label="min", width=120, format="0.[0000]e+0"),
                option_field(self, f"a{i}_max", label="max", width=120, format="0.[0000]e+0"),
                option_field(self, f"a{i}_n", label="points", width=90),
                pn.widgets.Checkbox.from_param(
                    self.param[f"a{i}_log"], label="log", margin=(28, 10, 0, 10)
                ),
                sizing_mode="stretch_width",
            )

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

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(self.controls(), self._plot_pane, self._info, sizing_mode="stretch_width")
