"""Figures for slides: SVG and high-resolution PNG of the plots of the shown tab, from buttons.

The export runs in the browser with Bokeh's own renderer (``PlotView.export``, the code path of
the toolbar's save tool): SVG through Bokeh's SVG canvas, PNG at three device pixels per CSS
pixel (sharp on a projector and in print). One file per plot of the shown tab, named after
the tab and the plot's title (``cevns_spectra_recoil-spectrum-threshold-6-pe.svg``). The plots'
own save tools save PNGs under the same kind of name (:func:`save_name`). "Export tab (PNG)" draws
every plot of the shown tab where it is on the screen into one PNG under a line naming the tab
(``cevns_spectra_recoil-spectra-tab.png``): a slide of the whole view.
"""

from __future__ import annotations

import json
import re
import unicodedata

import panel as pn

__all__ = ["EXPORT_JS", "PNG_SCALE", "TAB_EXPORT_JS", "export_buttons", "save_name"]

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


#: The whole shown tab as one PNG: every visible plot drawn where it is on the screen, under
#: a line naming the tab, at PNG_SCALE device pixels per CSS pixel.
TAB_EXPORT_JS = """
const slug = (s) => String(s).normalize('NFKD').replace(/[\\u0300-\\u036f]/g, '')
  .replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase().slice(0, 60) || 'tab';
const titles = TITLES;
const tab = new URLSearchParams(window.location.search).get('tab') || FIRST;
const title = titles[tab] || tab;
const scale = SCALE;
const views = [...Bokeh.index.query((v) => v.model != null
    && v.model.constructor.__name__ === 'Figure' && typeof v.export === 'function')]
  .filter((v) => v.el.isConnected && v.el.checkVisibility());
if (views.length > 0) {
  const boxes = views.map((v) => v.el.getBoundingClientRect());
  const left = Math.min(...boxes.map((b) => b.left));
  const top = Math.min(...boxes.map((b) => b.top));
  const width = Math.max(...boxes.map((b) => b.right)) - left;
  const height = Math.max(...boxes.map((b) => b.bottom)) - top;
  const pad = 12, head = 34;
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil((width + 2 * pad) * scale);
  canvas.height = Math.ceil((height + 2 * pad + head) * scale);
  const ctx = canvas.getContext('2d');
  const fill = views[0].model.border_fill_color || '#ffffff';
  const dark = /^#(?:[0-3][0-9a-f]){3}/i.test(String(fill)) || String(fill).startsWith('rgb(0');
  ctx.fillStyle = fill;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = dark ? '#e8e8e8' : '#222222';
  ctx.font = `600 ${16 * scale}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  ctx.fillText(`CEvNS workbench — ${title}`, pad * scale, (pad + head / 2) * scale);
  const saved = Object.getOwnPropertyDescriptor(window, 'devicePixelRatio');
  try {
    Object.defineProperty(window, 'devicePixelRatio', {configurable: true, get: () => scale});
    views.forEach((view, i) => {
      const layer = view.export('png', true);
      const box = boxes[i];
      ctx.drawImage(layer.canvas, (box.left - left + pad) * scale,
        (box.top - top + pad + head) * scale, box.width * scale, box.height * scale);
    });
  } finally {
    if (saved !== undefined) Object.defineProperty(window, 'devicePixelRatio', saved);
    else delete window.devicePixelRatio;
  }
  canvas.toBlob((blob) => {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `cevns_${slug(tab)}_${slug(title)}-tab.png`;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 5000);
  }, 'image/png');
}
"""


def save_name(tab: str, title: str) -> str:
    """A file name (no extension) for a plot: ``cevns_<tab>_<title as a slug>`` (without the
    tab when ``tab`` is empty)."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60] or "plot"
    return f"cevns_{tab}_{slug}" if tab else f"cevns_{slug}"


def export_buttons(tabs: dict[str, str] | None = None) -> pn.Row:
    """Buttons: the shown tab's plots as SVG files, as high-resolution PNG files, and the whole
    tab as one PNG (``tabs``: key → title of the page's tabs, for the file name)."""
    svg = pn.widgets.Button(label="Export SVG", width=105, margin=(5, 4))
    svg.description = "Every plot of the shown tab as an SVG file (vector: slides, papers)."
    png = pn.widgets.Button(label=f"Export PNG ({PNG_SCALE}×)", width=130, margin=(5, 4))
    png.description = f"Every plot of the shown tab as a PNG at {PNG_SCALE}× the screen resolution."
    for button, kind in ((svg, "svg"), (png, "png")):
        code = EXPORT_JS.replace("KIND", repr(kind)).replace("SCALE", str(PNG_SCALE))
        button.js_on_click(code=code)
    if tabs is None:
        from .viewstate import TABS

        tabs = {tab.key: tab.title for tab in TABS}
    whole = pn.widgets.Button(label="Export tab (PNG)", width=135, margin=(5, 4))
    whole.description = (
        f"The whole shown tab as one PNG image ({PNG_SCALE}× the screen resolution): every plot "
        "where it is on the screen."
    )
    whole.js_on_click(
        code=TAB_EXPORT_JS.replace("TITLES", json.dumps(tabs, ensure_ascii=False))
        .replace("FIRST", json.dumps(next(iter(tabs), "")))
        .replace("SCALE", str(PNG_SCALE))
    )
    return pn.Row(svg, png, whole, css_classes=["cevns-export"], margin=0)
