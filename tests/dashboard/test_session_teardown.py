"""What a page leaves behind when its session ends: nothing of the page.

Measured in the served process after 20 sessions had expired (``benchmarks/bench_load.py``),
each page had left its "Copy as Python" button and script box (held by Panel's registry of
links through the button's own click callback) and one entry of Panel's list of template
roots (``pn.state._fake_roots``, searched on every change). A page is built in a document as
the server builds it, its session's end is run as the server runs it
(:func:`dashboard.prewarm._discard`), then weak references to the page's parts must be dead.
"""

from __future__ import annotations

import gc
import weakref

import panel as pn
import pytest
from bokeh.document import Document
from panel.io.state import set_curdoc

from dashboard.app import create_app
from dashboard.prewarm import _discard
from dashboard.state import SessionState


@pytest.fixture(autouse=True)
def _reset_panel_state():
    yield
    pn.state.reset()


def _build_and_end_session() -> dict[str, weakref.ref]:
    """Build a page in a fresh document, end its session; weak references to its parts."""
    doc = Document()
    state = SessionState()
    with set_curdoc(doc):
        page = create_app(state)
        for card in page.select(pn.Card):  # the export card is built when first opened
            if card.title == "Save, load & export":
                card.collapsed = False
        page.server_doc(doc)
    buttons = [b for b in page.select(pn.widgets.Button) if b.label == "Copy as Python"]
    assert len(buttons) == 1
    refs = {
        "session state": weakref.ref(state),
        "page": weakref.ref(page),
        "copy button": weakref.ref(buttons[0]),
        "document": weakref.ref(doc),
    }
    _discard(doc)
    return refs


def test_ending_a_session_frees_its_page() -> None:
    roots_before = len(pn.state._fake_roots)
    refs = _build_and_end_session()
    gc.collect()
    alive = [name for name, ref in refs.items() if ref() is not None]
    assert alive == []
    assert len(pn.state._fake_roots) == roots_before
    assert not any(ref in pn.state._views for ref in pn.state._fake_roots)
