"""One view per tab. Loading this package loads the HoloViews Bokeh backend."""

import holoviews as hv

hv.extension("bokeh", logo=False)
# Canvas, not WebGL: our plots hold at most a few thousand points, and WebGL is slow (and noisy)
# where the browser renders it in software (headless chromium, remote desktops).
hv.renderer("bokeh").webgl = False

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

#: The tabs of the page, in order: (title, view class).
TABS = [
    ("Recoil spectra", SpectraView),
    ("Form factors & densities", FormFactorView),
    ("Cross sections", CrossSectionView),
    ("Sources", SourcesView),
    ("Constraints", ConstraintsView),
    ("Experiments", ExperimentsView),
]
