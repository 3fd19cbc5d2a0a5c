"""One view per tab. Loading this package loads the HoloViews Bokeh backend."""

import holoviews as hv

hv.extension("bokeh", logo=False)
# Canvas, not WebGL: our plots hold at most a few thousand points, and WebGL is slow (and noisy)
# where the browser renders it in software (headless chromium, remote desktops).
hv.renderer("bokeh").webgl = False

from ..viewstate import TABS as _TABS  # noqa: E402
from .constraints import ConstraintsView  # noqa: E402
from .cross_sections import CrossSectionView  # noqa: E402
from .experiments import ExperimentsView  # noqa: E402
from .form_factors import FormFactorView  # noqa: E402
from .sources import SourcesView  # noqa: E402
from .spectra import SpectraView  # noqa: E402

__all__ = [
    "TABS",
    "ConstraintsView",
    "CrossSectionView",
    "ExperimentsView",
    "FormFactorView",
    "SourcesView",
    "SpectraView",
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
    )
}
#: The tabs of the page, in order (:data:`dashboard.viewstate.TABS`): (title, view class).
TABS = [(tab.title, _VIEWS[tab.key]) for tab in _TABS]
