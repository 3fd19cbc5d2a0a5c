"""Parts of a tab drawn only once the reader scrolls to them.

A part below the fold (e.g. the data beside the prediction, under the Recoil spectra tab's
plots) costs the server its Bokeh models and the browser their views on every first page,
whether or not anybody scrolls there. :class:`DrawnWhenSeen` puts a one-pixel marker in its
place; the browser reports (``IntersectionObserver``) when the marker comes within
:data:`MARGIN_PX` of the window, and only then is the part added to the page. Its Python
object exists from the start and keeps its state (its computations run as before); only its
Bokeh models wait.
"""

from __future__ import annotations

from typing import Any

import panel as pn
import param
from panel.custom import JSComponent

__all__ = ["MARGIN_PX", "DrawnWhenSeen", "SeenMarker"]

#: How close to the window (px) the marker must come for its part to be drawn: the part is
#: drawn while the reader scrolls towards it, before it is in view.
MARGIN_PX = 300


class SeenMarker(JSComponent):
    """A one-pixel-high element whose ``seen`` turns True when it nears the window."""

    seen = param.Boolean(default=False, doc="The marker came within MARGIN_PX of the window.")
    margin_px = param.Integer(default=MARGIN_PX, bounds=(0, None), doc="Distance (px).")

    _esm = """
    export function render({ model, el }) {
      if (model.seen) return;
      const observer = new IntersectionObserver((entries) => {
        if (entries.some((entry) => entry.isIntersecting)) {
          observer.disconnect();
          model.seen = true;
        }
      }, { rootMargin: `${model.margin_px}px` });
      observer.observe(el);
      model.on("remove", () => observer.disconnect());
    }
    """


class DrawnWhenSeen(pn.viewable.Viewer):
    """``content`` in the page once its place nears the window (see the module docstring)."""

    def __init__(self, content: Any, **params: Any) -> None:
        super().__init__(**params)
        self.content = content
        self.marker = SeenMarker(
            height=1, margin=0, sizing_mode="stretch_width", css_classes=["cevns-seen-marker"]
        )
        self._layout = pn.Column(self.marker, margin=0, sizing_mode="stretch_width")
        self.marker.param.watch(self._on_seen, "seen")

    @property
    def drawn(self) -> bool:
        """True once the content is in the page."""
        return self.marker.seen

    def draw(self) -> None:
        """Put the content in the page now (as if its place had been scrolled to)."""
        self.marker.seen = True

    def _on_seen(self, event: param.parameterized.Event) -> None:
        if event.new:
            self._layout.objects = [self.content]

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout
