"""One view per tab. Loading this package loads the HoloViews Bokeh backend."""

import holoviews as hv

hv.extension("bokeh", logo=False)

from .cross_sections import CrossSectionView  # noqa: E402
from .form_factors import FormFactorView  # noqa: E402

__all__ = ["CrossSectionView", "FormFactorView"]
