"""Tab "Cross sections": σ(E_ν) per isotope from ``cevns_core.total_cross_section``."""

from __future__ import annotations

import holoviews as hv

from ._curves import CurvesView

__all__ = ["CrossSectionView"]


class CrossSectionView(CurvesView):
    """Total CEvNS cross section versus neutrino energy, one curve per chosen isotope.

    The y axis follows ``state.log_y``; Bokeh cannot switch an axis between linear and log in
    place, so toggling it rebuilds the plot (the other inputs update it and keep the zoom).
    """

    _inputs = ("isotopes", "form_factor_model", "E_min_MeV", "E_max_MeV")
    _curves_method = "cross_section_curves"
    _kdim = hv.Dimension("E_MeV", label="E_ν", unit="MeV")
    _vdim = hv.Dimension("sigma_cm2", label="σ", unit="cm²")
    _title = "Total CEvNS cross section"

    def __init__(self, **params):
        super().__init__(**params)
        self.state.param.watch(self._rebuild, "log_y")

    def _plot_options(self) -> list:
        log_y = bool(self.state.log_y)
        return [
            *super()._plot_options(),
            hv.opts.Curve(logy=log_y),
            hv.opts.Overlay(logy=log_y),
        ]

    def _rebuild(self, *_events) -> None:
        self._pane.object = self._dynamic_map()
