"""What JavaScript a page loads: MathJax only when its first document has TeX.

Panel links Bokeh's MathJax bundle (``bokeh-mathjax.min.js``, 1.7 MB, the largest script of the
page) into every page whose document holds any HTML or Markdown pane, because such a pane *may*
contain TeX. The dashboard's formulas are typeset by its vendored KaTeX
(:mod:`dashboard.formulas`); its panes hold no TeX. :func:`load_mathjax_only_for_tex` makes
Panel's check look at the panes' text instead: MathJax is still linked when a pane's text
holds TeX between the delimiters the page's script typesets (``$$…$$``, ``\\[…\\]``,
``\\(…\\)``, Bokeh's :func:`~bokeh.embed.util.contains_tex_string`), and when a Bokeh model
needs it (Bokeh's own check, unchanged).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from bokeh.embed.util import contains_tex_string

__all__ = ["load_mathjax_only_for_tex", "panes_show_tex"]


def panes_show_tex(roots: Iterable[Any]) -> bool:
    """True when a Panel HTML/Markdown model under ``roots`` holds TeX."""
    from panel.models.markup import HTML

    for model in _models(list(roots)):
        text = model.text if isinstance(model, HTML) else None
        # the page's script decodes the (escaped) text before looking for TeX
        if isinstance(text, str) and contains_tex_string(html.unescape(text)):
            return True
    return False


def _models(roots: list[Any]) -> Iterable[Any]:
    """Every model under ``roots``: their document's set when they are its roots (Bokeh keeps
    it up to date; walking the roots' references again cost every page request a few ms)."""
    document = roots[0].document if roots else None
    if document is not None and {r.id for r in roots} == {r.id for r in document.roots}:
        return list(document.models)
    return {model.id: model for root in roots for model in root.references()}.values()


def load_mathjax_only_for_tex() -> None:
    """Make Panel link MathJax into a page only when :func:`panes_show_tex` (idempotent)."""
    from panel.io import resources

    if getattr(resources._panel_use_mathjax, "cevns", False):
        return
    resources._panel_use_mathjax = panes_show_tex
    panes_show_tex.cevns = True  # type: ignore[attr-defined]
