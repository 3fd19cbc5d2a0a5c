"""The page passes Bokeh's integrity checks (``cevns serve`` does not run them per session)."""

from __future__ import annotations

import panel as pn
from bokeh.core.validation.check import check_integrity
from bokeh.document import Document
from panel.io.state import set_curdoc

from dashboard.app import create_app


def test_the_page_and_every_tab_pass_bokehs_integrity_checks() -> None:
    doc = Document()
    with set_curdoc(doc):
        page = create_app()
        page.server_doc(doc)
        first = check_integrity(list(doc.models))
        checked = len(doc.models)
        tabs = page.select(pn.Tabs)[0]
        for index in range(len(tabs)):  # each tab built and shown once
            tabs.active = index
        shown = check_integrity(list(doc.models))
    assert checked > 300  # the whole page was checked, not an empty document
    assert first.error == [] and first.warning == []
    assert shown.error == [] and shown.warning == []
