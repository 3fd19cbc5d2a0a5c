"""Tab "Gallery": the computable figures of the reviews (PKK, Pandey, CDG), drawn live.

One figure at a time, chosen from the list (grouped by paper, the choice in the URL as
``ga.figure``): drawn by the core with the figure's own set-up (:mod:`.gallery_figures`,
computed off the event loop and cached), its caption, and a button that loads the set-up into
the sidebar — through the session state, so the URL, the other tabs and "Copy as Python"
follow — and opens the tab that explores it. Loading resets what an earlier set-up changed
(nuclear model, neutron skin, new physics; :func:`dashboard.gallery.setup_values`).
"""

from __future__ import annotations

from typing import Any

import holoviews as hv
import panel as pn

from ..errors import notify_error
from ..gallery import FIGURES, PAPERS, figure, setup_values
from ..labels import preset_title
from ..viewstate import TABS, GalleryOptions
from ._base import PLOT_HEIGHT, TabView, layout_rows, viewport_css
from .gallery_figures import draw

__all__ = ["GalleryView"]


def _placeholder(text: str = "") -> hv.Overlay:
    return hv.Overlay([hv.Text(0.5, 0.5, text)]).opts(
        xaxis=None, yaxis=None, responsive=True, min_height=PLOT_HEIGHT, toolbar=None
    )


class GalleryView(TabView, GalleryOptions):
    """The gallery tab (see the module docstring); options: :class:`GalleryOptions`."""

    TAB = "gallery"

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.sync_options()
        self._plot = self.pane(_placeholder())
        self._caption = pn.pane.Markdown("", margin=(0, 10), sizing_mode="stretch_width")
        self._status = pn.pane.Markdown("", margin=(0, 10))
        self._drawn: str | None = None
        self.param.watch(self._changed, "figure")
        self._changed()

    # --------------------------------------------------------------------------- drawing
    def _changed(self, *_events: Any) -> None:
        fig = figure(self.figure)
        self._caption.object = self.caption(fig.key)
        self.on_shown("draw", self._draw)

    def caption(self, key: str) -> str:
        """The figure's heading, caption and set-up, as Markdown."""
        fig = figure(key)
        tab = next(t.title for t in TABS if t.key == fig.setup.tab)
        return (
            f"### {fig.label}\n{fig.caption}\n\n*{PAPERS[fig.paper]}. Set-up: "
            f"{preset_title(fig.setup.experiment)}; explored in the “{tab}” tab.*"
        )

    def _draw(self) -> None:
        key = self.figure
        if key == self._drawn:
            return
        self._status.object = f"Computing {figure(key).label} …"

        def apply(obj: Any) -> None:
            if key != self.figure:
                return
            # as high as the window allows for the figure's rows of plots
            self._plot.param.update(object=obj, stylesheets=[viewport_css(layout_rows(obj))])
            self._drawn = key
            self._status.object = ""

        self.defer("figure", lambda: draw(key), apply)

    # --------------------------------------------------------------------------- set-up
    def load_setup(self, *_events: Any) -> None:
        """Load the figure's set-up into the sidebar and open its tab (all or nothing)."""
        setup = figure(self.figure).setup
        values = {**setup_values(setup), "tab": setup.tab}
        view = {k: dict(v) for k, v in setup.view.items()}
        view[self.TAB] = dict(self.state.view_options.get(self.TAB, {}))  # stay on this figure
        try:
            self.state.apply(values, view)
        except Exception as exc:  # a notification; nothing changed
            notify_error(exc)

    def _step(self, offset: int) -> None:
        keys = [f.key for f in FIGURES]
        self.figure = keys[(keys.index(self.figure) + offset) % len(keys)]

    # --------------------------------------------------------------------------- layout
    def __panel__(self) -> pn.viewable.Viewable:
        groups = {
            PAPERS[paper]: {f.label: f.key for f in FIGURES if f.paper == paper} for paper in PAPERS
        }
        select = pn.widgets.Select(
            label="Figure", groups=groups, value=self.figure, sizing_mode="stretch_width"
        )
        select.link(self, value="figure", bidirectional=True)
        previous = pn.widgets.Button(label="◀ Previous", width=110)
        following = pn.widgets.Button(label="Next ▶", width=110)
        previous.on_click(lambda _e: self._step(-1))
        following.on_click(lambda _e: self._step(1))
        load = pn.widgets.Button(
            label="Load this set-up into the sidebar", color="primary", width=280
        )
        load.on_click(self.load_setup)
        return pn.Column(
            pn.Row(
                select,
                pn.Column(pn.Spacer(height=18), pn.Row(previous, following, load), margin=0),
                sizing_mode="stretch_width",
            ),
            self._caption,
            self._status,
            self._plot,
            sizing_mode="stretch_width",
        )
