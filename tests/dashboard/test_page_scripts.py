"""MathJax only for pages whose panes show TeX (dashboard/page_scripts.py)."""

from __future__ import annotations

import panel as pn
from bokeh.document import Document
from panel.io import resources
from pyviz_comms import Comm

from dashboard.page_scripts import load_mathjax_only_for_tex, panes_show_tex


def _roots(*panes):
    return [pn.Column(*panes).get_root(Document(), comm=Comm())]


def test_plain_panes_need_no_mathjax_and_tex_does():
    assert not panes_show_tex(_roots(pn.pane.Markdown("**Expected events** — 12 $ each")))
    assert not panes_show_tex(_roots(pn.pane.HTML("<b>threshold 6 PE</b>")))
    assert panes_show_tex(_roots(pn.pane.Markdown("rate $$\\frac{dN}{dT}$$")))
    assert panes_show_tex(_roots(pn.pane.HTML("a \\(q^2\\) term")))
    # single dollars are text for the page's script too (it looks for these delimiters)
    assert not panes_show_tex(_roots(pn.pane.Markdown("inline $x^2$ costs $5")))


def test_panels_check_is_replaced_once():
    load_mathjax_only_for_tex()
    load_mathjax_only_for_tex()
    assert resources._panel_use_mathjax is panes_show_tex

    def scripts(pane) -> list[str]:
        bundle = resources.bundle_resources(_roots(pane), resources.Resources(mode="server"))
        return [str(url) for url in bundle.js_files]

    assert not any("mathjax" in url for url in scripts(pn.pane.Markdown("no maths")))
    assert any("bokeh.min.js" in url for url in scripts(pn.pane.Markdown("no maths")))
    assert any("mathjax" in url for url in scripts(pn.pane.Markdown("$$E = mc^2$$")))


def test_roots_of_one_document_are_looked_at_through_its_models():
    doc = Document()
    plain, tex = (
        pn.Column(pn.Row(pn.pane.Markdown(text))).get_root(doc, comm=Comm())
        for text in ("threshold 6 PE", "rate $$\\frac{dN}{dT}$$")
    )
    doc.add_root(plain)
    assert not panes_show_tex(doc.roots)
    doc.add_root(tex)
    assert panes_show_tex(doc.roots)
    assert panes_show_tex([tex])  # a root alone (its document holds another): its own models
    assert not panes_show_tex([plain])
