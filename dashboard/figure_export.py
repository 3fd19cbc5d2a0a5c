"""Figures for slides: SVG and high-resolution PNG of the plots of the shown tab, from buttons.

The export runs in the browser with Bokeh's own renderer (``PlotView.export``, the code path of
the toolbar's save tool): SVG through Bokeh's SVG canvas, PNG at three device pixels per CSS
pixel (sharp on a projector and in print). One file per plot of the shown tab, named after
the tab and the plot's title (``cevns_spectra_recoil-spectrum-threshold-6-pe.svg``). The plots'
own save tools save PNGs under the same kind of name (:func:`save_name`).
"""

from __future__ import annotations

import re
import unicodedata

import panel as pn

__all__ = ["EXPORT_JS", "PNG_SCALE", "export_buttons", "save_name"]

#: Device pixels per CSS pixel of an exported PNG.
PNG_SCALE = 3

EXPORT_JS = """
const kind = KIND;
const slug = (s) => String(s).normalize('NFKD').replace(/[\\u0300-\\u036f]/g, '')
  .replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase().slice(0, 60) || 'plot';
const tab = new URLSearchParams(window.location.search).get('tab') || 'spectra';
const views = [...Bokeh.index.query((v) => v.model != null
    && v.model.constructor.__name__ === 'Figure' && typeof v.export === 'function')]
  .filter((v) => v.el.isConnected && v.el.checkVisibility());
const saved = Object.getOwnPropertyDescriptor(window, 'devicePixelRatio');
const files = [];
try {
  if (kind === 'png')
    Object.defineProperty(window, 'devicePixelRatio', {configurable: true, get: () => SCALE});
  for (const view of views) {
    const title = view.model.title != null ? view.model.title.text : 'plot';
    const name = `cevns_${slug(tab)}_${slug(title)}.${kind}`;
    files.push([name, view.export(kind, true).to_blob()]);
  }
} finally {
  if (saved !== undefined) Object.defineProperty(window, 'devicePixelRatio', saved);
  else delete window.devicePixelRatio;
}
(async () => {
  for (const [name, pending] of files) {
    const blob = await pending;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 5000);
  }
})();
"""


def save_name(tab: str, title: str) -> str:
    """A file name (no extension) for a plot: ``cevns_<tab>_<title as a slug>`` (without the
    tab when ``tab`` is empty)."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60] or "plot"
    return f"cevns_{tab}_{slug}" if tab else f"cevns_{slug}"


def export_buttons() -> pn.Row:
    """Two buttons: the shown tab's plots as SVG files, and as high-resolution PNG files."""
    svg = pn.widgets.Button(label="Export SVG", width=110, margin=(5, 5))
    svg.description = "Every plot of the shown tab as an SVG file (vector: slides, papers)."
    png = pn.widgets.Button(label=f"Export PNG ({PNG_SCALE}×)", width=130, margin=(5, 5))
    png.description = f"Every plot of the shown tab as a PNG at {PNG_SCALE}× the screen resolution."
    for button, kind in ((svg, "svg"), (png, "png")):
        code = EXPORT_JS.replace("KIND", repr(kind)).replace("SCALE", str(PNG_SCALE))
        button.js_on_click(code=code)
    return pn.Row(svg, png, css_classes=["cevns-export"])
