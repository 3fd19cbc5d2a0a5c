"""The KaTeX formula component: the fonts' stylesheet stays at the document level."""

from __future__ import annotations

import panel as pn
import pytest

from dashboard.formulas import Formula


@pytest.mark.parametrize("rel_path", ["", ".."])
def test_the_fonts_stylesheet_never_reaches_the_shadow_root(monkeypatch, rel_path: str) -> None:
    # Panel prefixes a component's __css__ with the page's relative path when it has one
    # ("../static/katex/katex-fonts.css" in a --num-procs worker: fetched as /static/…, a 404)
    monkeypatch.setattr(type(pn.state), "rel_path", property(lambda self: rel_path))
    props = Formula(tex="x")._process_param_change({"stylesheets": [".a { color: red }"]})
    urls = [str(getattr(sheet, "url", "")) for sheet in props["stylesheets"]]
    assert not any("katex-fonts" in url for url in urls)
    assert ".a { color: red }" in props["stylesheets"]
    assert any("KaTeX" in str(sheet) for sheet in props["stylesheets"])  # the shadow-root rules
