"""Parts drawn once scrolled to (dashboard/views/_lazy.py): no Bokeh models before."""

from __future__ import annotations

import panel as pn
from bokeh.document import Document
from bokeh.models import Plot
from pyviz_comms import Comm

from dashboard.state import SessionState
from dashboard.views import SpectraView
from dashboard.views._lazy import DrawnWhenSeen, SeenMarker


def _root(viewable):
    return pn.panel(viewable).get_root(Document(), comm=Comm())


def test_the_content_joins_the_page_once_its_marker_is_seen():
    content = pn.pane.Markdown("below the fold")
    part = DrawnWhenSeen(content)
    layout = pn.panel(part)
    root = layout.get_root(Document(), comm=Comm())
    assert [type(obj) for obj in layout.objects] == [SeenMarker]
    assert not part.drawn
    assert not any("below the fold" in str(getattr(m, "text", "")) for m in root.references())
    part.marker.seen = True  # what the browser reports when the marker nears the window
    assert part.drawn and layout.objects == [content]
    assert any("below the fold" in str(getattr(m, "text", "")) for m in root.references())


def test_the_spectra_tab_draws_its_data_figures_only_when_scrolled_to():
    view = SpectraView(state=SessionState())  # the default preset has data sets
    root = _root(view)
    figures = list(root.select({"type": Plot}))
    assert len(figures) == 3  # dN/dT, ratio, observed spectrum
    view._data_below.draw()
    # the data set's projections (energy, arrival time), each with its residuals
    assert len(list(root.select({"type": Plot}))) == 3 + 4
