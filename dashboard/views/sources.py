"""Tab "Sources": flux spectra, spectral shapes, π-DAR timing and the energy–time distribution.

* dΦ/dE per flavour of the sidebar's source at the detector (``Source.spectrum``; cm⁻² MeV⁻¹ for
  a fluence, cm⁻² s⁻¹ MeV⁻¹ for a flux), discrete lines as vertical lines (their intensities are
  in the table), Pandey Fig. 1;
* spectral shapes (1/Φ) dΦ/dE of the sidebar's source and of chosen presets' sources, summed
  over flavours (continua only), to compare sources of very different intensity;
* arrival-time densities per flavour of a π-DAR source (``PionDecayAtRest.time_pdf``, prompt ν_μ,
  delayed ν_e and ν̄_μ; Pandey Fig. 2) with the detector's timing window shaded;
* expected counts per (observable bin, arrival-time bin) of the experiment
  (``Experiment.energy_time_counts``), summed over flavours.
"""

from __future__ import annotations

from typing import Any

import holoviews as hv
import numpy as np
import pandas as pd
import panel as pn

import cevns_core as cc

from .. import results
from ..labels import preset_title, source_title
from ..palette import SM_COLOR, THRESHOLD_COLOR, flavour_color, flavour_label, series_color
from ..state import build_detector, preset_spec
from ..viewstate import SourcesOptions
from ._base import PLOT_HEIGHT, TabView, fmt, table_widget
from .spectra import observable_axis

__all__ = ["SourcesView"]

E_DIM = hv.Dimension("E_MeV", label="E_ν", unit="MeV")
SHAPE_DIM = hv.Dimension("shape", label="(1/Φ) dΦ/dE", unit="MeV⁻¹")


def observable_dim(unit: str) -> hv.Dimension:
    """The observed-spectrum axis of the detector's observable as a HoloViews dimension."""
    axis = observable_axis(unit)
    return hv.Dimension(axis.name, label=axis.label, unit=axis.unit)


T_DIM = hv.Dimension("t_us", label="Arrival time t", unit="μs")
PDF_DIM = hv.Dimension("pdf", label="Probability density", unit="μs⁻¹")
COUNTS_DIM = hv.Dimension("counts", label="Counts per bin", unit="events")
FLUX_UNITS = {"fluence": "cm⁻² MeV⁻¹", "flux": "cm⁻² s⁻¹ MeV⁻¹"}


def flux_dim(normalisation: str) -> hv.Dimension:
    """y dimension of dΦ/dE for a fluence or a flux source."""
    return hv.Dimension("flux", label="dΦ/dE", unit=FLUX_UNITS.get(normalisation, ""))


class SourcesView(TabView, SourcesOptions):
    """The sources tab (see the module docstring); options: :class:`SourcesOptions`."""

    TAB = "sources"
    _STRUCTURE = ("log_x", "log_y")
    _SOURCE_INPUTS = ("experiment", "source_type", "source_overrides")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._panes = {
            "flux": self.pane(self._map("flux"), rows=2),
            "shapes": self.pane(self._map("shapes"), rows=2),
            "timing": self.pane(self._map("timing"), rows=2),
            "energy_time": self.pane(self._map("energy_time"), rows=2),
        }
        self._caption = pn.pane.Markdown("", margin=(0, 10))
        self._table = table_widget(pd.DataFrame())
        self.state.param.watch(self._update_table, list(self._SOURCE_INPUTS))
        self._update_table()
        self.param.watch(self._rebuild, list(self._STRUCTURE))
        self.sync_options()

    def _source_name(self) -> str:
        """The sidebar source's title (from the core's source types)."""
        kind = self.state.source_type
        return "the preset's combined sources" if kind == "composite" else source_title(kind)

    @staticmethod
    def _placeholder(kdim: hv.Dimension, vdim: hv.Dimension, title: str = "") -> hv.Overlay:
        empty = np.array([], dtype=float)
        overlay = hv.Overlay([hv.Curve((empty, empty), kdim, vdim, label="none")])
        return overlay.opts(title=title) if title else overlay

    def _positive(self, y: np.ndarray) -> np.ndarray:
        return np.where(y > 0, y, np.nan) if self.log_y else y

    # --------------------------------------------------------------------------- flux
    def flux_overlay(self) -> hv.Overlay:
        """dΦ/dE per flavour and the lines of the sidebar's source."""

        def build() -> hv.Overlay:
            f = results.source_flux(self.state.source_spec(), log_x=self.log_x)
            ydim = flux_dim(f.normalisation)
            layers: list[hv.Element] = []
            for flavour, y in f.flux.items():
                if not np.any(np.asarray(y) > 0):
                    continue
                layers.append(
                    hv.Curve(
                        (np.asarray(f.E_MeV), self._positive(np.asarray(y))),
                        E_DIM,
                        ydim,
                        label=flavour_label(flavour),
                    ).opts(color=flavour_color(flavour), line_width=2)
                )
            for flavour, energy, _intensity, _label in f.lines:
                layers.append(
                    hv.VLine(energy).opts(
                        color=flavour_color(flavour), line_width=2, line_dash="dashed"
                    )
                )
            if not layers:
                return self._placeholder(E_DIM, ydim)
            title = f"Flux at the detector — {self._source_name()} ({f.normalisation})"
            opts = self.base_opts(title, logx=self.log_x, logy=self.log_y)
            if not self.log_y:
                opts["yformatter"] = "%.2g"
            return hv.Overlay(layers).opts(**opts)

        return self.guard("flux", build, lambda: self._placeholder(E_DIM, flux_dim("flux")))

    def shapes_overlay(self) -> hv.Overlay:
        """Normalised continuous spectra of the sidebar's source and of the chosen presets."""

        def build() -> hv.Overlay:
            sources = {"sidebar": self.state.source_spec()}
            for name in self.compare:
                sources[name] = preset_spec(name)["source"]
            layers = []
            for i, (name, spec) in enumerate(sources.items()):
                f = results.source_flux(spec, log_x=self.log_x)
                total = np.sum([np.asarray(v) for v in f.flux.values()], axis=0)
                E = np.asarray(f.E_MeV)
                norm = float(np.trapezoid(total, E)) if total.size else 0.0
                if norm <= 0:
                    continue  # a pure-line source has no continuous shape
                label = preset_title(name) if name != "sidebar" else "Sidebar source"
                layers.append(
                    hv.Curve((E, self._positive(total / norm)), E_DIM, SHAPE_DIM, label=label).opts(
                        color=SM_COLOR if name == "sidebar" else series_color(i), line_width=2
                    )
                )
            if not layers:
                return self._placeholder(E_DIM, SHAPE_DIM)
            return hv.Overlay(layers).opts(
                **self.base_opts(
                    "Spectral shapes (continua, all flavours)", logx=self.log_x, logy=self.log_y
                )
            )

        return self.guard("shapes", build, lambda: self._placeholder(E_DIM, SHAPE_DIM))

    # --------------------------------------------------------------------------- timing
    def timing_overlay(self) -> hv.Overlay:
        """π-DAR arrival-time densities with the detector's timing window."""

        def build() -> hv.Overlay:
            tim = results.timing(self.state.source_spec())
            if tim is None:
                return self._placeholder(
                    T_DIM, PDF_DIM, f"No arrival-time structure — {self._source_name()}"
                )
            layers: list[hv.Element] = []
            det = build_detector(self.state.detector_spec())
            if det.timing_window_us is not None:
                lo, hi = det.timing_window_us
                layers.append(hv.VSpan(lo, hi).opts(color=THRESHOLD_COLOR, alpha=0.12))
            for flavour, pdf in tim.pdf.items():
                layers.append(
                    hv.Curve(
                        (np.asarray(tim.t_us), np.asarray(pdf)),
                        T_DIM,
                        PDF_DIM,
                        label=flavour_label(flavour),
                    ).opts(color=flavour_color(flavour), line_width=2)
                )
            title = "π-DAR arrival times"
            if det.timing_window_us is not None:
                title += " (timing window shaded)"
            return hv.Overlay(layers).opts(**self.base_opts(title))

        return self.guard("timing", build, lambda: self._placeholder(T_DIM, PDF_DIM))

    def energy_time_mesh(self) -> hv.QuadMesh:
        """Expected counts per (observable, arrival time) bin, all flavours."""

        def placeholder(title: str = "") -> hv.QuadMesh:
            mesh = hv.QuadMesh(
                (np.array([0.0, 1.0]), np.array([0.0, 1.0]), np.zeros((1, 1))),
                [observable_dim(self.state.observable), T_DIM],
                COUNTS_DIM,
            )
            return mesh.opts(title=title) if title else mesh

        def build() -> hv.QuadMesh:
            et = results.energy_time(self.state.spec())
            if et is None:
                return placeholder(f"No arrival times — {self._source_name()}")
            mesh = hv.QuadMesh(
                (np.asarray(et.bin_edges), np.asarray(et.t_edges_us), np.asarray(et.total).T),
                [observable_dim(et.unit), T_DIM],
                COUNTS_DIM,
            )
            title = f"Counts in energy × time — {float(np.sum(et.total)):.4g} events"
            return mesh.opts(title=title)

        return self.guard("energy_time", build, placeholder)

    # --------------------------------------------------------------------------- table
    def table_frame(self) -> tuple[pd.DataFrame, str]:
        """Integrated flux and mean energy per flavour, and the lines."""
        f = results.source_flux(self.state.source_spec())
        unit = "cm⁻²" if f.normalisation == "fluence" else "cm⁻² s⁻¹"
        rows = [
            [flavour_label(fl), fmt(f.integrated[fl]), fmt(f.mean_energy_MeV[fl]), ""]
            for fl in f.integrated
        ]
        rows += [
            [flavour_label(fl), fmt(i), fmt(E), label or "line"] for fl, E, i, label in f.lines
        ]
        df = pd.DataFrame(rows, columns=["Flavour", f"Φ ({unit})", "⟨E⟩ or E_line (MeV)", "Line"])
        return df, f"**Source at the detector** — {self._source_name()}, {f.normalisation}"

    def _update_table(self, *_events: Any) -> None:
        self.on_shown("table", self._fill_table)

    def _fill_table(self) -> None:
        """The flux table (the last good one on invalid input)."""
        df, caption = self.guard("table", self.table_frame, lambda: (pd.DataFrame(), ""))
        self._table.object = df
        self._caption.object = caption

    # --------------------------------------------------------------------------- layout
    def _map(self, which: str) -> hv.DynamicMap:
        if which == "flux":
            return self.dynamic(self.flux_overlay, self._SOURCE_INPUTS).opts(
                hv.opts.Curve(tools=["hover"])
            )
        if which == "shapes":
            return self.dynamic(self.shapes_overlay, self._SOURCE_INPUTS, ("compare",)).opts(
                hv.opts.Curve(tools=["hover"])
            )
        if which == "timing":
            return self.dynamic(self.timing_overlay, (*self._SOURCE_INPUTS, "target")).opts(
                hv.opts.Curve(tools=["hover"])
            )
        return self.dynamic(self.energy_time_mesh, self.state.EXPERIMENT_INPUTS).opts(
            tools=["hover"],
            colorbar=True,
            cmap="viridis",
            responsive=True,
            min_height=PLOT_HEIGHT,
            framewise=True,
            fontscale=0.95,
        )

    def _rebuild(self, *_events: Any) -> None:
        self._panes["flux"].object = self._map("flux")
        self._panes["shapes"].object = self._map("shapes")

    def controls(self) -> pn.viewable.Viewable:
        """Axes and the presets to compare."""
        return pn.Row(
            pn.widgets.Checkbox.from_param(self.param.log_x, label="log E"),
            pn.widgets.Checkbox.from_param(self.param.log_y, label="log flux"),
            pn.widgets.MultiChoice.from_param(
                self.param.compare,
                label="Compare shapes with",
                sizing_mode="stretch_width",
                options={preset_title(n): n for n in cc.experiment_names()},
            ),
            sizing_mode="stretch_width",
        )

    def __panel__(self) -> pn.viewable.Viewable:
        p = self._panes
        return pn.Column(
            self.controls(),
            pn.Row(p["flux"], p["shapes"], sizing_mode="stretch_width"),
            pn.Row(p["timing"], p["energy_time"], sizing_mode="stretch_width"),
            self._caption,
            self._table,
            sizing_mode="stretch_width",
        )
