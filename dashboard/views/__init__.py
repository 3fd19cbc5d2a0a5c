"""One view per tab. Loading this package loads the HoloViews Bokeh backend."""

import holoviews as hv

hv.extension("bokeh", logo=False)
# Canvas, not WebGL: our plots hold at most a few thousand points, and WebGL is slow (and noisy)
# where the browser renders it in software (headless chromium, remote desktops).
hv.renderer("bokeh").webgl = False

from .spectra import SpectraView  # noqa: E402

__all__ = ["TABS", "SpectraView"]

#: The tabs of the page, in order: (title, view class).
TABS = [
    ("Recoil spectra", SpectraView),
]
