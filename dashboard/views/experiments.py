"""Tab "Experiments": the presets as a table, and a side-by-side comparison of chosen ones.

* the table: every preset's target, mass, baseline, source, threshold and expected counts
  (``cevns_core.experiment.experiment_table`` and ``Experiment.counts()``). The counts are
  computed in the background when the tab is first shown (a few seconds for all presets, then
  cached for every session of the process) and fill in as they arrive;
* comparison of the chosen presets (as shipped, Standard Model): their recoil spectra dN/dT on
  log–log axes, and their expected counts with the published predictions where the presets give
  them;
* "Open in sidebar" makes a preset the sidebar's experiment;
* the chosen preset's published numbers beside ours (``cc.published_comparison``), and every
  data set's observed events with their errors beside the predicted ones
  (:class:`~.results_panels.PublishedPanel`).
"""

from __future__ import annotations

from typing import Any

import holoviews as hv
import numpy as np
import pandas as pd
import panel as pn
import param

import cevns_core as cc

from .. import results
from ..errors import notify_error
from ..labels import preset_title
from ..palette import SM_COLOR, series_color
from ..state import preset_info, preset_spec
from ..viewstate import ExperimentsOptions
from ._base import TabView, fmt, table_widget
from .results_panels import PublishedPanel

__all__ = ["ExperimentsView"]

T_DIM = hv.Dimension("T_keV", label="T (nuclear recoil)", unit="keVnr")
RATE_DIM = hv.Dimension("dNdT", label="dN/dT", unit="events/keVnr")
NAME_DIM = hv.Dimension("experiment", label="Experiment")
COUNTS_DIM = hv.Dimension("counts", label="Expected events", unit="events")


def source_name(class_name: str) -> str:
    """The title of a source class (the core's ``title`` of its ``SOURCE_TYPES`` entry)."""
    cls = next((c for c in cc.SOURCE_TYPES.values() if c.__name__ == class_name), None)
    return getattr(cls, "title", "") or class_name


class ExperimentsView(TabView, ExperimentsOptions):
    """The experiments tab (see the module docstring); options: :class:`ExperimentsOptions`."""

    TAB = "experiments"
    counts = param.Dict(default={}, doc="Expected events per preset, as computed so far.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._started = False
        self.sync_options()
        self._table = table_widget(self.table_frame(), max_height=360)
        self._spectra_pane = self.pane(
            self.dynamic(self.spectra_overlay, (), ("compare",)).opts(
                hv.opts.Curve(tools=["hover"])
            )
        )
        self._bars_pane = self.pane(
            self.dynamic(self.counts_bars, (), ("compare", "counts")).opts(
                hv.opts.Bars(tools=["hover"])
            )
        )
        self._published = PublishedPanel(self, "open_preset")
        self.param.watch(self._refresh_table, "counts")
        self.param.watch(self._count_compared, "compare")

    # --------------------------------------------------------------------------- counts
    def activate(self) -> None:
        """Start computing the expected counts of every preset (once; when the tab is shown)."""
        self._published.activate()
        if self._started:
            return
        self._started = True
        for name in cc.experiment_names():
            self._count(name)

    def _count(self, name: str) -> None:
        if name in self.counts:
            return
        self.defer(
            f"count:{name}",
            lambda: results.preset_counts(name),
            lambda value: self._store(name, value),
        )

    def _store(self, name: str, value: float) -> None:
        self.counts = {**self.counts, name: value}

    def _count_compared(self, *_events: Any) -> None:
        for name in self.compare:
            self._count(name)

    def _refresh_table(self, *_events: Any) -> None:
        self.on_shown("table", lambda: setattr(self._table, "object", self.table_frame()))

    # --------------------------------------------------------------------------- table
    def table_frame(self) -> pd.DataFrame:
        """The presets table (counts "…" until computed)."""
        rows = []
        for r in results.preset_rows():
            name = r["name"]
            distance = r["distance_m"]
            rows.append(
                [
                    r["title"],
                    r["target"],
                    fmt(r["mass_kg"]),
                    "–" if distance is None else fmt(distance),
                    source_name(r["source"]),
                    f"{r['threshold']:g} {r['threshold_unit']}",
                    fmt(self.counts[name]) if name in self.counts else "…",
                ]
            )
        return pd.DataFrame(
            rows,
            columns=[
                "Experiment",
                "Target",
                "Mass (kg)",
                "Baseline (m)",
                "Source",
                "Threshold",
                "Expected events",
            ],
        )

    # --------------------------------------------------------------------------- plots
    def spectra_overlay(self) -> hv.Overlay:
        """dN/dT of each compared preset (as shipped) on log–log axes."""

        def build() -> hv.Overlay:
            layers = []
            for i, name in enumerate(self.compare):
                sp = results.spectrum(preset_spec(name), 150, True)
                y = np.asarray(sp.total)
                layers.append(
                    hv.Curve(
                        (np.asarray(sp.T_keV), np.where(y > 0, y, np.nan)),
                        T_DIM,
                        RATE_DIM,
                        label=preset_title(name),
                    ).opts(color=series_color(i), line_width=2)
                )
            if not layers:
                return self._placeholder()
            return hv.Overlay(layers).opts(
                **self.base_opts(
                    "Recoil spectra (preset exposures)",
                    logx=True,
                    logy=True,
                    # under the plot, one per line: the presets' names are long
                    legend_position="bottom",
                    legend_cols=1,
                )
            )

        return self.guard("spectra", build, self._placeholder)

    @staticmethod
    def _placeholder() -> hv.Overlay:
        empty = np.array([], dtype=float)
        return hv.Overlay([hv.Curve((empty, empty), T_DIM, RATE_DIM, label="none")])

    def counts_bars(self) -> hv.Bars:
        """Expected events of the compared presets (computed so far) and published predictions."""

        def build() -> hv.Bars:
            rows = []
            for name in self.compare:
                title = preset_title(name)
                if name in self.counts:
                    rows.append((title, "this package", self.counts[name]))
                published = preset_info(name)["published"]
                if "predicted" in published:
                    rows.append((title, "published prediction", float(published["predicted"])))
            if not rows:
                rows = [("", "this package", 0.0)]
            return hv.Bars(rows, [NAME_DIM, "kind"], COUNTS_DIM).opts(
                title="Expected events",
                responsive=True,
                min_height=330,
                multi_level=False,
                cmap=[SM_COLOR, "#E69F00"],
                color="kind",
                show_legend=True,
                legend_position="bottom",  # two short entries in a row under the bars
                xrotation=20,
                logy=False,
                framewise=True,
            )

        return self.guard(
            "bars",
            build,
            lambda: hv.Bars([("", "this package", 0.0)], [NAME_DIM, "kind"], COUNTS_DIM),
        )

    # --------------------------------------------------------------------------- layout
    def _open(self, *_events: Any) -> None:
        try:
            self.state.try_update(experiment=self.open_preset)
        except Exception as exc:  # a notification; the sidebar keeps its preset
            notify_error(exc)

    def __panel__(self) -> pn.viewable.Viewable:
        titles = {preset_title(n): n for n in cc.experiment_names()}
        button = pn.widgets.Button(label="Open in sidebar", color="primary", width=150)
        button.on_click(self._open)
        return pn.Column(
            pn.pane.Markdown(
                "**Experiment presets** — expected events after threshold, quenching and "
                "efficiency over each preset's exposure (Standard Model, Helm).",
                margin=(0, 10),
            ),
            self._table,
            pn.Row(
                pn.widgets.MultiChoice.from_param(
                    self.param.compare,
                    label="Compare",
                    sizing_mode="stretch_width",
                    options=titles,
                ),
                pn.widgets.Select.from_param(
                    self.param.open_preset, label="Preset", width=230, options=titles
                ),
                pn.Column(pn.Spacer(height=18), button, margin=0),
                sizing_mode="stretch_width",
            ),
            pn.Row(self._spectra_pane, self._bars_pane, sizing_mode="stretch_width"),
            self._published,
            sizing_mode="stretch_width",
        )
