"""Tab "Recoil spectra": dN/dT, the observed spectrum, SM vs new physics, counts.

* dN/dT (events/keVnr over the exposure) from ``cevns_core.recoil_spectrum``: total, per flavour
  or per isotope, optionally stacked, with the threshold marker (recoil energy of the threshold),
  the Standard-Model total dashed when new physics is set, and an optional uncertainty band
  (flux normalisation ⊕ form-factor model spread);
* the ratio new physics / SM of the totals, x axis linked to dN/dT;
* the observed spectrum: expected counts per bin of the detector's observable (keVnr, keVee or
  PE) with the full response (``cevns_core.binned_counts`` × timing acceptance), same breakdown,
  SM reference and band (⊕ quenching);
* data beside the prediction, when the preset has data sets (:class:`~.data_panels.
  ExperimentData`): observed counts with errors over energy and arrival time, residuals, the
  best fit and the Standard Model (below the plots: drawn once scrolled to,
  :class:`~._lazy.DrawnWhenSeen`);
* a counts table: events above threshold (after the response) and of every recoil, total, per
  flavour and per isotope, with the SM column when new physics is set and the preset's published
  numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import panel as pn
from panel.io import hold

from .. import results
from ..errors import notify_error
from ..labels import observable_title
from ..palette import (
    NEW_PHYSICS_COLOR,
    SM_COLOR,
    THRESHOLD_COLOR,
    flavour_color,
    flavour_label,
    isotope_color,
)
from ..state import build_detector, sm_spec
from ..viewstate import SpectraOptions
from ..widgets import option_field
from ._base import PLOT_HEIGHT, TabView, fmt, table_widget, viewport_css
from ._lazy import DrawnWhenSeen
from ._live import Axis, LiveFigure, PlotData, Series, build_figure
from .data_panels import ExperimentData

__all__ = ["SpectraView"]

#: Points of the dN/dT curves.
N_POINTS = 200
#: Height of the ratio panel in px.
RATIO_HEIGHT = 170
BREAKDOWNS = {"Total": "total", "Per flavour": "flavour", "Per isotope": "isotope"}

T_AXIS = Axis("T_keV", "T (nuclear recoil)", "keVnr")
RATE_AXIS = Axis("dNdT", "dN/dT", "events/keVnr")
RATIO_AXIS = Axis("ratio", "NP / SM")
COUNTS_AXIS = Axis("counts", "Counts per bin", "events")


def observable_axis(unit: str) -> Axis:
    """x axis of the observed spectrum for the detector's observable (title from the core)."""
    return Axis("observed", observable_title(unit), unit)


class SpectraView(TabView, SpectraOptions):
    """The recoil-spectra tab (see the module docstring); its options: :class:`SpectraOptions`."""

    TAB = "spectra"
    #: Display options (the plots redraw; the results come from the cache).
    _DISPLAY = ("breakdown", "stacked", "log_x", "log_y", "log_counts")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._observed_last: dict[str, Any] | None = None
        # the recoil spectrum and the observed one as high as the window allows (the ratio
        # plot under the first keeps its height)
        tall = viewport_css(1, minus_px=RATIO_HEIGHT)
        self._recoil_fig = LiveFigure(height=PLOT_HEIGHT, viewport=tall)
        self._ratio_fig = LiveFigure(height=RATIO_HEIGHT, link_x=self._recoil_fig)
        self._observed_fig = LiveFigure(height=PLOT_HEIGHT, viewport=tall)
        self._counts_caption = pn.pane.Markdown("", margin=(0, 10))
        self._counts_table = table_widget(pd.DataFrame({"": []}))
        # the preset's data sets, when it has any, fitted once the reader scrolls near them
        self._data_panel = ExperimentData(self, wait_until_seen=True)
        # under the plots, below the fold: its four figures are drawn once scrolled to
        self._data_below = DrawnWhenSeen(self._data_panel)
        self._data_below.marker.param.watch(self._data_panel.seen, "seen")
        self.param.watch(self.update, [*self._DISPLAY, "show_band", "n_bins"])
        self.state.param.watch(
            self.update,
            [*list(self.state.EXPERIMENT_INPUTS), "flux_uncertainty", "quenching_uncertainty"],
        )
        self.sync_options()
        self.update()

    # --------------------------------------------------------------------------- data
    def spec(self) -> dict[str, Any]:
        """The state's experiment spec."""
        return self.state.spec()

    def reference_spec(self, spec: dict[str, Any]) -> dict[str, Any] | None:
        """The spec with Standard-Model physics, or None when ``spec`` sets no new physics
        (from ``spec`` alone: safe on a worker thread while the state changes)."""
        if not results.active_groups(spec["physics"]):
            return None
        return {**spec, "physics": sm_spec(spec["physics"])}

    def components(self, parts: Any) -> dict[str, tuple[np.ndarray, str]]:
        """{label: (values, colour)} of a Spectrum/Observed for the chosen breakdown."""
        if self.breakdown == "flavour":
            return {flavour_label(f): (v, flavour_color(f)) for f, v in parts.by_flavour().items()}
        if self.breakdown == "isotope":
            return {i: (v, isotope_color(i)) for i, v in parts.by_isotope().items()}
        return {"Total": (parts.total, NEW_PHYSICS_COLOR if self._np() else SM_COLOR)}

    def _np(self) -> bool:
        try:
            return bool(self.state.new_physics_active())
        except Exception:
            return False

    def recoil_data(self, spec: dict[str, Any] | None = None, *, quiet: bool = False) -> dict:
        """Spectrum, SM reference (or None) and band (or None) of the current choices.

        ``quiet``: do not show the core's warnings (for a worker thread).
        """
        spec = self.spec() if spec is None else spec
        sp = results.spectrum(spec, N_POINTS, self.log_x)
        ref_spec = self.reference_spec(spec)
        ref = results.spectrum(ref_spec, N_POINTS, self.log_x) if ref_spec else None
        band = self._band(spec) if self.show_band else None
        if not quiet:
            self.warn(sp.warnings)
            if band is not None:
                self.warn(band.warnings)
        return {"spectrum": sp, "reference": ref, "band": band}

    def observed_data(self, spec: dict[str, Any] | None = None) -> dict[str, Any]:
        """Observed counts, SM reference (or None), band (or None) and threshold position.

        Uses only ``spec`` and values read here, so it can run on a worker thread.
        """
        spec = self.spec() if spec is None else spec
        obs = results.observed(spec, self.n_bins)
        ref_spec = self.reference_spec(spec)
        ref = results.observed(ref_spec, self.n_bins) if ref_spec else None
        band = self._band(spec) if self.show_band else None
        det = build_detector(spec)
        if det.threshold_unit == det.observable:
            marker = det.threshold
        else:
            marker = float(det.observable_value(det.threshold_recoil_keV()))
        notes = obs.warnings + (band.warnings if band is not None else ())
        return {
            "observed": obs,
            "reference": ref,
            "band": band,
            "threshold": marker,
            "warnings": notes,
        }

    def _band(self, spec: dict[str, Any]) -> results.Band:
        return results.spectrum_band(
            spec,
            N_POINTS,
            self.log_x,
            self.n_bins,
            float(self.state.flux_uncertainty),
            float(self.state.quenching_uncertainty),
        )

    # --------------------------------------------------------------------------- dN/dT
    def recoil_plot(self, data: dict[str, Any] | None = None) -> PlotData:
        """The dN/dT plot for ``data`` of :meth:`recoil_data` (computed now when None); the
        last good plot on invalid input."""
        return self.guard(
            "recoil",
            lambda: self._recoil_plot(data or self.recoil_data()),
            lambda: self._empty(T_AXIS, RATE_AXIS, "Recoil spectrum"),
        )

    def _empty(self, x: Axis, y: Axis, title: str, **kw: Any) -> PlotData:
        empty = np.array([], dtype=float)
        return PlotData(title, x, y, (Series("Total", empty, empty, color=SM_COLOR),), **kw)

    def _positive(self, y: np.ndarray, log: bool) -> np.ndarray:
        return np.where(y > 0, y, np.nan) if log else y

    @staticmethod
    def _log_range(total: np.ndarray, log: bool) -> tuple[float, float] | None:
        positive = total[total > 0]
        if not (log and positive.size):
            return None
        return positive.min() / 3.0, positive.max() * 3.0

    def _components(self, parts: Any, x: np.ndarray, kind: str, log: bool) -> list[Series]:
        """Series of the chosen breakdown: lines/bars, or stacked areas/bars."""
        comps = self.components(parts)
        if self.stacked and len(comps) > 1:
            kind = "area" if kind == "line" else kind
            tops = np.cumsum([v for v, _ in comps.values()], axis=0)
            return [
                Series(
                    name,
                    x,
                    values,
                    kind=kind,
                    color=color,
                    lower=self._positive(top - values, log),
                    upper=self._positive(top, log),
                    fill_alpha=0.55 if kind == "area" else 0.7,
                    line_width=1.0,
                )
                for (name, (values, color)), top in zip(comps.items(), tops, strict=True)
            ]
        if kind == "bars":
            fill = 0.6 if len(comps) == 1 else 0.1
            return [
                Series(name, x, values, kind="bars", color=color, fill_alpha=fill)
                for name, (values, color) in comps.items()
            ]
        return [
            Series(name, x, self._positive(values, log), color=color)
            for name, (values, color) in comps.items()
        ]

    def _band_series(self, x: np.ndarray, total: np.ndarray, rel: np.ndarray, log: bool) -> Series:
        return Series(
            "Uncertainty",
            x,
            total,
            kind="area",
            color=SM_COLOR,
            lower=self._positive(total * (1 - rel), log),
            upper=self._positive(total * (1 + rel), log),
            fill_alpha=0.25,
        )

    def _recoil_plot(self, data: dict[str, Any]) -> PlotData:
        sp, ref, band = data["spectrum"], data["reference"], data["band"]
        T, total, log = np.asarray(sp.T_keV), np.asarray(sp.total), self.log_y
        series: list[Series] = []
        if band is not None:
            series.append(self._band_series(T, total, band.recoil, log))
        series += self._components(sp, T, "line", log)
        if ref is not None:
            if self.breakdown != "total":
                np_total = self._positive(total, log)
                series.append(Series("Total (new physics)", T, np_total, color=NEW_PHYSICS_COLOR))
            series.append(
                Series(
                    "Total (SM)",
                    np.asarray(ref.T_keV),
                    self._positive(np.asarray(ref.total), log),
                    color=SM_COLOR,
                    dash="dashed",
                )
            )
        return PlotData(
            f"Recoil spectrum — threshold {sp.threshold_keV:.3g} keVnr",
            T_AXIS,
            RATE_AXIS,
            tuple(series),
            marker=sp.threshold_keV,
            marker_color=THRESHOLD_COLOR,
            log_x=self.log_x,
            log_y=log,
            y_range=self._log_range(total, log),
            x_start=None if self.log_x else 0.0,
            stacked=self.stacked,
        )

    # --------------------------------------------------------------------------- ratio
    def ratio_plot(self, data: dict[str, Any] | None = None) -> PlotData:
        """NP / SM of the total dN/dT (1 without new physics), for ``data`` of
        :meth:`recoil_data` (computed now when None)."""
        return self.guard(
            "ratio",
            lambda: self._ratio(data or self.recoil_data()),
            lambda: self._empty(T_AXIS, RATIO_AXIS, "NP / SM", height=RATIO_HEIGHT, legend=False),
        )

    def _ratio(self, data: dict[str, Any]) -> PlotData:
        sp, ref = data["spectrum"], data["reference"]
        T, total = np.asarray(sp.T_keV), np.asarray(sp.total)
        if ref is None:
            ratio, title = np.ones_like(T), "NP / SM = 1 (no new physics set)"
        else:
            sm = np.asarray(ref.total)
            ratio = np.where(sm > 0, total / np.where(sm > 0, sm, 1.0), np.nan)
            title = "New physics / Standard Model (total dN/dT)"
        return PlotData(
            title,
            T_AXIS,
            RATIO_AXIS,
            (Series("", T, ratio, color=NEW_PHYSICS_COLOR),),
            log_x=self.log_x,
            height=RATIO_HEIGHT,
            legend=False,
        )

    # --------------------------------------------------------------------------- observed
    def observed_plot(self, data: dict[str, Any] | None = None) -> PlotData:
        """The observed spectrum for ``data`` (from :meth:`observed_data`; placeholder if None)."""
        placeholder = lambda: self._empty(  # noqa: E731
            observable_axis(self.state.observable), COUNTS_AXIS, "Observed spectrum"
        )
        if data is None:
            return placeholder()
        return self.guard("observed", lambda: self._observed_plot(data), placeholder)

    def _observed_plot(self, data: dict[str, Any]) -> PlotData:
        obs, ref, band = data["observed"], data["reference"], data["band"]
        edges, total, log = np.asarray(obs.bin_edges), np.asarray(obs.total), self.log_counts
        centres = 0.5 * (edges[1:] + edges[:-1])
        series = self._components(obs, edges, "bars", log)
        if band is not None and band.observed.shape == total.shape:
            series.append(self._band_series(centres, total, band.observed, log))
        if ref is not None:
            series.append(
                Series(
                    "Total (SM)",
                    centres,
                    np.asarray(ref.total),
                    kind="step",
                    color=SM_COLOR,
                    dash="dashed",
                )
            )
            if self.breakdown != "total":
                series.append(
                    Series(
                        "Total (new physics)", centres, total, kind="step", color=NEW_PHYSICS_COLOR
                    )
                )
        return PlotData(
            f"Observed spectrum — {total.sum():.4g} events",
            observable_axis(obs.unit),
            COUNTS_AXIS,
            tuple(series),
            marker=data["threshold"],
            marker_color=THRESHOLD_COLOR,
            log_y=log,
            y_range=self._log_range(total, log),
            stacked=self.stacked,
        )

    def figures(self) -> list[Any]:
        """Standalone Bokeh figures of the plots as shown (the HTML report)."""
        return [build_figure(f.data)[0] for f in self.plots() if f.data is not None]

    def plots(self) -> list[LiveFigure]:
        """The tab's plots: dN/dT, NP/SM ratio, observed spectrum."""
        return [self._recoil_fig, self._ratio_fig, self._observed_fig]

    # --------------------------------------------------------------------------- counts
    def counts_frame(self, spec: dict[str, Any] | None = None) -> tuple[pd.DataFrame, str]:
        """Counts table (rows: total, flavours, isotopes, published) and a caption."""
        spec = self.spec() if spec is None else spec
        c = results.counts(spec)
        ref_spec = self.reference_spec(spec)
        ref = results.counts(ref_spec) if ref_spec else None
        rows = [("Total", c.observed_total, c.all_total, ref.observed_total if ref else None)]
        for f, n in c.observed_by_flavour.items():
            rows.append(
                (
                    flavour_label(f),
                    n,
                    c.all_by_flavour.get(f),
                    ref.observed_by_flavour.get(f) if ref else None,
                )
            )
        for i, n in c.observed_by_isotope.items():
            rows.append(
                (i, n, c.all_by_isotope.get(i), ref.observed_by_isotope.get(i) if ref else None)
            )
        columns = ["", "Above threshold", "All recoils"]
        data = [list(r[:3]) for r in rows]
        if ref is not None:
            columns.append("Above threshold (SM)")
            data = [[*r[:3], r[3]] for r in rows]
        for key in ("predicted", "observed"):
            if key in c.published:
                label = f"Published {key}"
                unc = [v for k, v in c.published.items() if k.startswith(f"{key}_uncertainty")]
                if unc:
                    label += " ± " + " ± ".join(f"{u:g}" for u in unc)
                data.append([label, float(c.published[key]), None] + ([None] if ref else []))
        df = pd.DataFrame(data, columns=columns)
        for col in columns[1:]:
            df[col] = [fmt(v) if isinstance(v, int | float) else "–" for v in df[col]]
        caption = (
            f"**Expected events** — threshold {c.threshold:g} {c.threshold_unit}, observable "
            f"{c.observable}; *all recoils*: no threshold, window or response."
        )
        if c.all_divergence:
            caption += (
                f" With {c.all_divergence} the number of all recoils down to T = 0 is "
                "infinite (∞; – : not computed)."
            )
        self._count_warnings = c.warnings
        return df, caption

    def update(self, *_events: Any) -> None:
        """Redraw dN/dT now and recompute the rest (deferred in a served session)."""
        self.on_shown("recoil", lambda: self._recoil_fig.update(self.recoil_plot()))
        self.refresh()

    def refresh(self, *_events: Any) -> None:
        """Recompute the ratio, the observed spectrum and the counts (deferred when served).

        The dN/dT plot updates at once; these follow as soon as they are computed, so a slow
        detector response never delays it. On invalid input all keep their last good state.
        """
        try:
            spec = self.spec()  # read on the event loop; the computation only uses this copy
        except Exception as exc:  # an invalid combination: notified, last good state kept
            notify_error(exc)
            return

        def compute() -> tuple[dict[str, Any], tuple[pd.DataFrame, str], dict[str, Any]]:
            recoil = self.recoil_data(spec, quiet=True)
            data = self.observed_data(spec)
            return data, self.counts_frame(spec), recoil

        self.defer(
            "observed", compute, lambda value: self.on_shown("observed", lambda: self._apply(value))
        )

    def _apply(self, value: tuple) -> None:
        data, (df, caption), recoil = value
        with hold():  # one message to the browser for all of it
            self._ratio_fig.update(self.ratio_plot(recoil))
            self._observed_last = data
            self._observed_fig.update(self.observed_plot(data))
            self._counts_caption.object = caption
            self._counts_table.object = df
        self.warn(data["warnings"])
        self.warn(getattr(self, "_count_warnings", ()))

    # --------------------------------------------------------------------------- layout
    def controls(self) -> pn.viewable.Viewable:
        """The display options of the tab."""
        return pn.Row(
            pn.widgets.RadioButtonGroup.from_param(
                self.param.breakdown, options=BREAKDOWNS, label="Breakdown", color="primary"
            ),
            pn.widgets.Checkbox.from_param(self.param.stacked, label="Stacked"),
            pn.widgets.Checkbox.from_param(self.param.log_x, label="log T"),
            pn.widgets.Checkbox.from_param(self.param.log_y, label="log dN/dT"),
            pn.widgets.Checkbox.from_param(self.param.log_counts, label="log counts"),
            pn.widgets.Checkbox.from_param(self.param.show_band, label="Uncertainty band"),
            option_field(self, "n_bins", width=90),
            sizing_mode="stretch_width",
        )

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(
            self.controls(),
            pn.Row(
                pn.Column(self._recoil_fig.pane, self._ratio_fig.pane, sizing_mode="stretch_width"),
                pn.Column(
                    self._observed_fig.pane,
                    self._counts_caption,
                    self._counts_table,
                    sizing_mode="stretch_width",
                ),
                sizing_mode="stretch_width",
            ),
            self._data_below,
            sizing_mode="stretch_width",
        )
