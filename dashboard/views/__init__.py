"""One view per tab. Loading this package loads the HoloViews Bokeh backend."""

import holoviews as hv
import panel as pn

hv.extension("bokeh", logo=False)
# Canvas, not WebGL: our plots hold at most a few thousand points, and WebGL is slow (and noisy)
# where the browser renders it in software (headless chromium, remote desktops).
hv.renderer("bokeh").webgl = False
# a plot stretching to the window's height (``viewport_css``) must not turn the rows and
# columns around it into height-stretching ones (they keep the height of their content)
pn.config.respect_explicit_sizing = True


def _no_wheel_zoom_by_default() -> None:
    """Scrolling the page over a plot must scroll the page: every HoloViews plot starts with pan
    as its only active tool: Bokeh then turns wheel zoom on only while the plot has the focus
    (clicked), and the toolbar's wheel-zoom button turns it on for good. Set on the Bokeh
    backend's base plot class, so the views of every tab (and new ones) inherit it."""
    from holoviews.plotting.bokeh.element import ElementPlot

    ElementPlot.active_tools = ["pan"]


_no_wheel_zoom_by_default()

from ..viewstate import TABS as _TABS  # noqa: E402
from ._base import TabView, building_page  # noqa: E402
from .constraints import ConstraintsView  # noqa: E402
from .cross_sections import CrossSectionView  # noqa: E402
from .experiments import ExperimentsView  # noqa: E402
from .form_factors import FormFactorView  # noqa: E402
from .gallery import GalleryView  # noqa: E402
from .more_physics import MorePhysicsView  # noqa: E402
from .sources import SourcesView  # noqa: E402
from .spectra import SpectraView  # noqa: E402

__all__ = [
    "TABS",
    "ConstraintsView",
    "CrossSectionView",
    "ExperimentsView",
    "FormFactorView",
    "GalleryView",
    "MorePhysicsView",
    "SourcesView",
    "SpectraView",
    "TabView",
    "building_page",
]

_VIEWS = {
    view.TAB: view
    for view in (
        SpectraView,
        FormFactorView,
        CrossSectionView,
        SourcesView,
        ConstraintsView,
        ExperimentsView,
        MorePhysicsView,
        GalleryView,
    )
}
#: The tabs of the page, in order (:data:`dashboard.viewstate.TABS`): (title, view class).
TABS = [(tab.title, _VIEWS[tab.key]) for tab in _TABS]
