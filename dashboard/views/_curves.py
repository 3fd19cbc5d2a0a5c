"""Shared machinery of the tabs that draw one curve per isotope."""

from __future__ import annotations

import holoviews as hv
import numpy as np
import panel as pn
import param

from cevns_core import CevnsError

from ..errors import notify_error
from ..state import Curves, SessionState

__all__ = ["CurvesView"]


class CurvesView(pn.viewable.Viewer):
    """A HoloViews overlay of one ``hv.Curve`` per isotope, updated through a DynamicMap.

    The DynamicMap keeps the user's zoom across updates that leave the data extent alone (a change
    of form-factor model); when the extent changes (another isotope set, another x range) the frame
    is ``framewise`` and the axes re-fit the data. When the state raises
    :class:`cevns_core.CevnsError` the view notifies the user and keeps its last good overlay.
    Subclasses set the dimensions and the state method that returns the curves.
    """

    state = param.ClassSelector(class_=SessionState, doc="The session's choices.")

    #: State parameters whose change redraws the plot.
    _inputs: tuple[str, ...] = ()
    #: State method returning ``{isotope: (x, y)}``.
    _curves_method: str = ""
    _kdim: hv.Dimension
    _vdim: hv.Dimension
    _title: str = ""

    def __init__(self, **params):
        if "state" not in params:
            params["state"] = SessionState()
        super().__init__(**params)
        self._last: hv.Overlay | None = None
        self._last_extent_key: tuple | None = None
        self._stream = hv.streams.Params(parameterized=self.state, parameters=list(self._inputs))
        self._pane = pn.pane.HoloViews(
            self._dynamic_map(), sizing_mode="stretch_width", min_height=460
        )

    # --- data -> HoloViews --------------------------------------------------------------------
    def _element(self, isotope: str, x: np.ndarray, y: np.ndarray) -> hv.Curve:
        data = {self._kdim.name: x, self._vdim.name: y, "isotope": np.full(x.shape, isotope)}
        return hv.Curve(data, kdims=[self._kdim], vdims=[self._vdim, "isotope"], label=isotope)

    def _overlay(self, curves: Curves, *, refit: bool) -> hv.Overlay:
        if curves:
            elements = [self._element(iso, x, y) for iso, (x, y) in curves.items()]
        else:  # nothing selected: an overlay of the same element type, empty
            empty = np.array([], dtype=float)
            elements = [self._element("", empty, empty)]
        return hv.Overlay([el.opts(framewise=refit) for el in elements])

    def _extent_key(self, curves: Curves) -> tuple:
        """What fixes the data extent: the isotopes and the x range (not the model)."""
        x_range = [(float(x[0]), float(x[-1])) for x, _ in curves.values() if len(x)]
        return (tuple(curves), tuple(x_range))

    def overlay(self, **_inputs) -> hv.Overlay:
        """The current plot: one curve per chosen isotope (the last good one on invalid input)."""
        if self._last is not None:
            # HoloViews decides whether to re-fit the axes from the new curves *and* from the
            # previous ones (still held by the subplots while the frame is drawn): clear those.
            for curve in self._last:
                curve.opts(framewise=False)
        try:
            curves = getattr(self.state, self._curves_method)()
        except CevnsError as exc:
            notify_error(exc)
            if self._last is not None:
                return self._last  # unchanged, and so is the zoom
            curves = {}
        key = self._extent_key(curves)
        self._last = self._overlay(curves, refit=key != self._last_extent_key)
        self._last_extent_key = key
        return self._last

    # --- layout ---------------------------------------------------------------------------------
    def _plot_options(self) -> list:
        return [
            hv.opts.Curve(tools=["hover"], line_width=2),
            hv.opts.Overlay(
                title=self._title, legend_position="top_right", responsive=True, min_height=440
            ),
        ]

    def _dynamic_map(self) -> hv.DynamicMap:
        return hv.DynamicMap(self.overlay, streams=[self._stream]).opts(*self._plot_options())

    def __panel__(self) -> pn.viewable.Viewable:
        return self._pane
