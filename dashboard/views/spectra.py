"""Tab "Recoil spectra": dN/dT, the observed spectrum, SM vs new physics, counts.

* dN/dT (events/keVnr over the exposure) from ``cevns_core.recoil_spectrum``: total, per flavour
  or per isotope, optionally stacked, with the threshold marker (recoil energy of the threshold),
  the Standard-Model total dashed when new physics is set, and an optional uncertainty band
  (flux normalisation ⊕ form-factor model spread);
* the ratio new physics / SM of the totals, x axis linked to dN/dT;
* the observed spectrum: expected counts per bin of the detector's observable (keVnr, keVee or
  PE) with the full response (``cevns_core.binned_counts`` × timing acceptance), same breakdown,
  SM reference and band (⊕ quenching);
* a counts table: events above threshold (after the response) and of every recoil, total, per
  flavour and per isotope, with the SM column when new physics is set and the preset's published
  numbers.
"""

from __future__ import annotations

from typing import Any

import holoviews as hv
import numpy as np
import pandas as pd
import panel as pn
import param

from .. import results
from ..palette import (
    NEW_PHYSICS_COLOR,
    SM_COLOR,
    THRESHOLD_COLOR,
    flavour_color,
    flavour_label,
    isotope_color,
)
from ..state import build_detector, sm_spec
from ._base import PLOT_HEIGHT, TabView, fmt, table_widget

__all__ = ["SpectraView"]

#: Points of the dN/dT curves.
N_POINTS = 200
#: Height of the ratio panel in px.
RATIO_HEIGHT = 170
BREAKDOWNS = {"Total": "total", "Per flavour": "flavour", "Per isotope": "isotope"}

T_DIM = hv.Dimension("T_keV", label="T (nuclear recoil)", unit="keVnr")
RATE_DIM = hv.Dimension("dNdT", label="dN/dT", unit="events/keVnr")
RATIO_DIM = hv.Dimension("ratio", label="NP / SM")
COUNTS_DIM = hv.Dimension("counts", label="Counts per bin", unit="events")
OBSERVABLE_LABELS = {
    "keVnr": "Nuclear recoil",
    "keVee": "Electron-equivalent energy",
    "PE": "Photo-electrons",
}


def observable_dim(unit: str) -> hv.Dimension:
    """x dimension of the observed spectrum for the detector's observable."""
    return hv.Dimension("observed", label=OBSERVABLE_LABELS.get(unit, "Observed"), unit=unit)


class SpectraView(TabView):
    """The recoil-spectra tab (see the module docstring)."""

    breakdown = param.Selector(
        default="flavour",
        objects=list(BREAKDOWNS.values()),
        doc="Curves: total, per flavour or per isotope.",
    )
    stacked = param.Boolean(default=False, doc="Stack the components (areas / histograms).")
    log_x = param.Boolean(default=False, doc="Logarithmic recoil-energy axis.")
    log_y = param.Boolean(default=False, doc="Logarithmic dN/dT axis.")
    log_counts = param.Boolean(default=False, doc="Logarithmic counts axis (observed).")
    show_band = param.Boolean(
        default=False,
        doc="Uncertainty band: flux normalisation ⊕ form-factor model spread (⊕ quenching for the "
        "observed spectrum).",
    )
    n_bins = param.Integer(
        default=40, bounds=(5, 200), doc="Bins of the observed spectrum (PE: 1-PE bins)."
    )

    #: View parameters that change the axes or the element types: the plots are rebuilt.
    _STRUCTURE = ("breakdown", "stacked", "log_x", "log_y", "log_counts")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._observed_last: dict[str, Any] | None = None
        self._recoil_pane = self.pane(self._recoil_map(), linked_axes=True)
        self._ratio_pane = self.pane(self._ratio_map(), linked_axes=True, min_height=RATIO_HEIGHT)
        self._observed_pipe = hv.streams.Pipe(data=None)
        self._observed_pane = self.pane(self._observed_map())
        self._counts_caption = pn.pane.Markdown("", margin=(0, 10))
        self._counts_table = table_widget(pd.DataFrame({"": []}))
        self.param.watch(self._rebuild, list(self._STRUCTURE))
        self.param.watch(self.refresh, ["show_band", "n_bins"])
        self.state.param.watch(
            self.refresh,
            [*list(self.state.EXPERIMENT_INPUTS), "flux_uncertainty", "quenching_uncertainty"],
        )
        self.refresh()

    # --------------------------------------------------------------------------- data
    def spec(self) -> dict[str, Any]:
        """The state's experiment spec."""
        return self.state.spec()

    def reference_spec(self, spec: dict[str, Any]) -> dict[str, Any] | None:
        """The spec with Standard-Model physics, or None when no new physics is set."""
        if not self.state.new_physics_active():
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
        det = build_detector(spec["detector"])
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
        band = results.spectrum_band(
            spec,
            N_POINTS,
            self.log_x,
            self.n_bins,
            float(self.state.flux_uncertainty),
            float(self.state.quenching_uncertainty),
        )
        return band

    # --------------------------------------------------------------------------- dN/dT
    def recoil_overlay(self) -> hv.Overlay:
        """The dN/dT plot of the current choices (last good one on invalid input)."""
        return self.guard(
            "recoil", lambda: self._recoil_overlay(self.recoil_data()), self._empty_recoil
        )

    def _empty_recoil(self) -> hv.Overlay:
        empty = np.array([], dtype=float)
        return hv.Overlay([hv.Curve((empty, empty), T_DIM, RATE_DIM, label="Total")])

    def _positive(self, y: np.ndarray) -> np.ndarray:
        return np.where(y > 0, y, np.nan) if self.log_y else y

    def _recoil_overlay(self, data: dict[str, Any]) -> hv.Overlay:
        sp, ref, band = data["spectrum"], data["reference"], data["band"]
        T = np.asarray(sp.T_keV)
        layers: list[hv.Element] = []
        total = np.asarray(sp.total)
        if band is not None:
            lo, hi = total * (1 - band.recoil), total * (1 + band.recoil)
            layers.append(
                hv.Area(
                    (T, self._positive(lo), self._positive(hi)),
                    T_DIM,
                    [RATE_DIM, "upper"],
                    label="Uncertainty",
                ).opts(color=SM_COLOR, alpha=0.25, line_alpha=0)
            )
        comps = self.components(sp)
        if self.stacked and len(comps) > 1:
            cumulative = np.cumsum([v for v, _ in comps.values()], axis=0)
            items = list(zip(comps, comps.values(), cumulative, strict=True))
            for name, (values, color), top in reversed(items):
                layers.append(
                    hv.Area(
                        (T, self._positive(top), values), T_DIM, [RATE_DIM, "component"], label=name
                    ).opts(color=color, alpha=0.55, line_color=color)
                )
        else:
            for name, (values, color) in comps.items():
                layers.append(
                    hv.Curve((T, self._positive(values)), T_DIM, RATE_DIM, label=name).opts(
                        color=color, line_width=2
                    )
                )
        if ref is not None:
            if self.breakdown != "total":
                layers.append(
                    hv.Curve(
                        (T, self._positive(total)), T_DIM, RATE_DIM, label="Total (new physics)"
                    ).opts(color=NEW_PHYSICS_COLOR, line_width=2)
                )
            layers.append(
                hv.Curve(
                    (np.asarray(ref.T_keV), self._positive(np.asarray(ref.total))),
                    T_DIM,
                    RATE_DIM,
                    label="Total (SM)",
                ).opts(color=SM_COLOR, line_dash="dashed", line_width=2)
            )
        layers.append(
            hv.VLine(sp.threshold_keV).opts(color=THRESHOLD_COLOR, line_dash="dotted", line_width=2)
        )
        title = f"Recoil spectrum — threshold {sp.threshold_keV:.3g} keVnr"
        opts = self.base_opts(title, logx=self.log_x, logy=self.log_y, min_height=PLOT_HEIGHT)
        positive = total[total > 0]
        if self.log_y and positive.size:
            opts["ylim"] = (positive.min() / 3.0, positive.max() * 3.0)
        return hv.Overlay(layers).opts(**opts)

    # --------------------------------------------------------------------------- ratio
    def ratio_curve(self, data: dict[str, Any] | None = None) -> hv.Curve:
        """NP / SM of the total dN/dT (1 without new physics), for ``data`` of
        :meth:`recoil_data` (computed now when None)."""
        return self.guard(
            "ratio", lambda: self._ratio(data or self.recoil_data()), self._empty_ratio
        )

    def _empty_ratio(self) -> hv.Curve:
        empty = np.array([], dtype=float)
        return hv.Curve((empty, empty), T_DIM, RATIO_DIM)

    def _ratio(self, data: dict[str, Any]) -> hv.Curve:
        sp, ref = data["spectrum"], data["reference"]
        T, total = np.asarray(sp.T_keV), np.asarray(sp.total)
        if ref is None:
            ratio, title = np.ones_like(T), "NP / SM = 1 (no new physics set)"
        else:
            sm = np.asarray(ref.total)
            ratio = np.where(sm > 0, total / np.where(sm > 0, sm, 1.0), np.nan)
            title = "New physics / Standard Model (total dN/dT)"
        return hv.Curve((T, ratio), T_DIM, RATIO_DIM).opts(
            color=NEW_PHYSICS_COLOR,
            line_width=2,
            title=title,
            framewise=True,
            logx=self.log_x,
            responsive=True,
            min_height=RATIO_HEIGHT,
            show_grid=True,
            tools=["hover"],
            fontscale=0.9,
        )

    def _recoil_map(self) -> hv.DynamicMap:
        inputs = (*self.state.EXPERIMENT_INPUTS, "flux_uncertainty", "quenching_uncertainty")
        return self.dynamic(self.recoil_overlay, inputs, ("show_band", "n_bins")).opts(
            hv.opts.Curve(tools=["hover"]), hv.opts.Area(tools=["hover"])
        )

    def _ratio_map(self) -> hv.DynamicMap:
        # fed by refresh() after the dN/dT plot has gone out (keeps the main update light)
        self._ratio_pipe = hv.streams.Pipe(data=getattr(self, "_ratio_last", None))
        return hv.DynamicMap(lambda data: self.ratio_curve(data), streams=[self._ratio_pipe])

    # --------------------------------------------------------------------------- observed
    def observed_overlay(self, data: dict[str, Any] | None = None) -> hv.Overlay:
        """The observed spectrum for ``data`` (from :meth:`observed_data`; placeholder if None)."""
        if data is None:
            return self._empty_observed()
        return self.guard("observed", lambda: self._observed_overlay(data), self._empty_observed)

    def _empty_observed(self) -> hv.Overlay:
        dim = observable_dim(self.state.observable)
        return hv.Overlay(
            [hv.Histogram(([0.0, 1.0], [0.0]), kdims=[dim], vdims=[COUNTS_DIM], label="Total")]
        )

    def _observed_overlay(self, data: dict[str, Any]) -> hv.Overlay:
        obs, ref, band = data["observed"], data["reference"], data["band"]
        edges = np.asarray(obs.bin_edges)
        dim = observable_dim(obs.unit)
        total = np.asarray(obs.total)
        layers: list[hv.Element] = []
        comps = self.components(obs)
        if self.stacked and len(comps) > 1:
            cumulative = np.cumsum([v for v, _ in comps.values()], axis=0)
            for name, (values, color), top in reversed(
                list(zip(comps, comps.values(), cumulative, strict=True))
            ):
                layers.append(
                    hv.Histogram(
                        (edges, top, values),
                        kdims=[dim],
                        vdims=[COUNTS_DIM, "component"],
                        label=name,
                    ).opts(color=color, alpha=0.7, line_color=color)
                )
        else:
            fill = 0.6 if len(comps) == 1 else 0.1
            for name, (values, color) in comps.items():
                layers.append(
                    hv.Histogram((edges, values), kdims=[dim], vdims=[COUNTS_DIM], label=name).opts(
                        color=color, fill_alpha=fill, line_color=color, line_width=2
                    )
                )
        centres = 0.5 * (edges[1:] + edges[:-1])
        if band is not None and band.observed.shape == total.shape:
            lo, hi = total * (1 - band.observed), total * (1 + band.observed)
            layers.append(
                hv.Area((centres, lo, hi), dim, [COUNTS_DIM, "upper"], label="Uncertainty").opts(
                    color=SM_COLOR, alpha=0.3, line_alpha=0
                )
            )
        if ref is not None:
            layers.append(
                hv.Curve(
                    (centres, np.asarray(ref.total)), dim, COUNTS_DIM, label="Total (SM)"
                ).opts(color=SM_COLOR, line_dash="dashed", line_width=2, interpolation="steps-mid")
            )
            if self.breakdown != "total":
                layers.append(
                    hv.Curve((centres, total), dim, COUNTS_DIM, label="Total (new physics)").opts(
                        color=NEW_PHYSICS_COLOR, line_width=2, interpolation="steps-mid"
                    )
                )
        layers.append(
            hv.VLine(data["threshold"]).opts(
                color=THRESHOLD_COLOR, line_dash="dotted", line_width=2
            )
        )
        title = f"Observed spectrum — {total.sum():.4g} events"
        opts = self.base_opts(title, logy=self.log_counts)
        positive = total[total > 0]
        if self.log_counts and positive.size:
            opts["ylim"] = (positive.min() / 3.0, positive.max() * 3.0)
        return hv.Overlay(layers).opts(**opts)

    def _observed_map(self) -> hv.DynamicMap:
        self._observed_pipe = hv.streams.Pipe(data=self._observed_last)
        return hv.DynamicMap(
            lambda data: self.observed_overlay(data), streams=[self._observed_pipe]
        ).opts(hv.opts.Histogram(tools=["hover"]), hv.opts.Curve(tools=["hover"]))

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
        self._count_warnings = c.warnings
        return df, caption

    def refresh(self, *_events: Any) -> None:
        """Recompute the observed spectrum and the counts (deferred in a served session).

        The dN/dT plot updates at once; these follow as soon as they are computed, so a slow
        detector response never delays it. On invalid input both keep their last good state.
        """
        spec = self.spec()  # read on the event loop; the computation only uses this copy

        def compute() -> tuple[dict[str, Any], tuple[pd.DataFrame, str], dict[str, Any]]:
            ratio = self.recoil_data(spec, quiet=True)
            data = self.observed_data(spec)
            return data, self.counts_frame(spec), ratio

        self.defer(
            "observed", compute, lambda value: self.on_shown("observed", lambda: self._apply(value))
        )

    def _apply(self, value: tuple) -> None:
        data, (df, caption), ratio = value
        self._ratio_last = ratio
        self._ratio_pipe.send(ratio)
        previous = self._observed_last
        self._observed_last = data
        if previous is None or previous["observed"].unit != data["observed"].unit:
            self._observed_pane.object = self._observed_map()  # new axis: rebuild
        else:
            self._observed_pipe.send(data)
        self._counts_caption.object = caption
        self._counts_table.object = df
        self.warn(data["warnings"])
        self.warn(getattr(self, "_count_warnings", ()))

    # --------------------------------------------------------------------------- layout
    def _rebuild(self, *_events: Any) -> None:
        self._recoil_pane.object = self._recoil_map()
        self._ratio_pane.object = self._ratio_map()
        self._observed_pane.object = self._observed_map()
        self.refresh()  # the ratio follows the recoil grid (log or linear)

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
            pn.widgets.IntInput.from_param(self.param.n_bins, label="Bins", width=80),
            sizing_mode="stretch_width",
        )

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(
            self.controls(),
            pn.Row(
                pn.Column(self._recoil_pane, self._ratio_pane, sizing_mode="stretch_width"),
                pn.Column(
                    self._observed_pane,
                    self._counts_caption,
                    self._counts_table,
                    sizing_mode="stretch_width",
                ),
                sizing_mode="stretch_width",
            ),
            sizing_mode="stretch_width",
        )
