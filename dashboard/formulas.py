"""Typeset formulas: KaTeX, shipped with the package and loaded from the dashboard's own server.

KaTeX 0.16.22 comes from the npm package ``katex`` (``npm pack katex@0.16.22``; MIT licence in
``static/katex/LICENSE``) and is vendored in ``dashboard/static/katex/``:

* ``katex.min.js`` — the renderer (``window.katex``), loaded once per page;
* ``katex-fonts.css`` — KaTeX's ``@font-face`` rules with the woff2 fonts inlined as ``data:``
  URIs, loaded at the document level (browsers ignore ``@font-face`` inside a shadow root);
* ``katex-shadow.css`` — the rest of ``katex.min.css``, in each formula's shadow root.

Panel's own LaTeX pane would fetch KaTeX's fonts (not bundled with Panel) and MathJax from a CDN;
here the files are served by Panel's component-resource route (``/components/dashboard.
formulas/Formula/…``) of the dashboard's server: no request leaves it, and the page's
content-security policy (``script-src 'self'``, ``font-src 'self' data:``) holds.

:class:`Formula` renders one LaTeX string (inline or display); :data:`KEY_FORMULAS` holds each
tab's key formula (PHYSICS.md) and :func:`formula_row` lays a tab's out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import panel as pn
import param
from panel.custom import JSComponent

__all__ = ["KEY_FORMULAS", "Formula", "formula_row", "tab_formula"]

_KATEX = Path(__file__).resolve().parent / "static" / "katex"
_FONTS_CSS = "static/katex/katex-fonts.css"


class Formula(JSComponent):
    """A LaTeX formula typeset by the vendored KaTeX (an error shows the source in red)."""

    tex = param.String(default="", doc="The formula, LaTeX (KaTeX's subset).")
    display = param.Boolean(default=False, doc="Display style (centred, larger) or inline.")

    # Panel links these in the page's head, served by its component-resource route
    __javascript__: ClassVar[list[str]] = ["static/katex/katex.min.js"]
    __css__: ClassVar[list[str]] = [_FONTS_CSS]
    # KaTeX's layout rules inside the formula's shadow root (inline: a few kB)
    _stylesheets: ClassVar[list[str]] = [(_KATEX / "katex-shadow.css").read_text(encoding="utf-8")]

    _esm = """
    export function render({ model, el }) {
      const out = document.createElement("span");
      out.className = "cevns-formula";
      const draw = () => {
        if (window.katex === undefined) { out.textContent = model.tex; return; }
        window.katex.render(model.tex, out, {
          displayMode: model.display, throwOnError: false, output: "html",
        });
      };
      draw();
      model.on("tex", draw);
      model.on("display", draw);
      return out;
    }
    """

    def _process_param_change(self, params: dict[str, Any]) -> dict[str, Any]:
        # Panel also adds ``__css__`` to the shadow root, as a URL that does not resolve there
        # (relative to the page, prefixed ``../`` in some sessions); the fonts' @font-face rules
        # only act at the document level anyway
        props = super()._process_param_change(params)
        if "stylesheets" in props:
            props["stylesheets"] = [
                sheet for sheet in props["stylesheets"] if not _is_fonts_css(sheet)
            ]
        return props


def _is_fonts_css(sheet: Any) -> bool:
    url = str(getattr(sheet, "url", "") or "")
    return url.split("?")[0].endswith(_FONTS_CSS)


#: Each tab's key formula (LaTeX) and what it is, by tab title (PHYSICS.md; PKK Eq. (1),
#: Pandey §2–3, CDG §2).
KEY_FORMULAS: dict[str, tuple[str, str]] = {
    "Recoil spectra": (
        r"\frac{dN}{dT} = N_\mathrm{targets}\sum_\alpha \int_{E_\mathrm{min}(T)} dE\,"
        r"\Phi_\alpha(E)\,\frac{d\sigma}{dT}(E,T)",
        "events per keV of nuclear recoil over the exposure",
    ),
    "Form factors & densities": (
        r"F(q) = \frac{4\pi}{Q_W}\int_0^\infty \rho_W(r)\,\frac{\sin qr}{qr}\,r^2\,dr,"
        r"\qquad F_\mathrm{Helm}(q) = \frac{3\,j_1(qR_0)}{qR_0}\,e^{-q^2 s^2/2}",
        "the weak form factor (Fourier transform of the weak-charge density)",
    ),
    "Cross sections": (
        r"\frac{d\sigma}{dT} = \frac{G_F^2 M}{4\pi}\,Q_W^2\left(1 - \frac{MT}{2E^2}\right)"
        r"F^2(q),\qquad Q_W = N - (1 - 4\sin^2\theta_W)\,Z",
        "the coherent cross section, q = √(2MT)",
    ),
    "Sources": (
        r"T_\mathrm{max} = \frac{2E^2}{M + 2E},\qquad E_\mathrm{min}(T) = "
        r"\frac{T + \sqrt{T^2 + 2MT}}{2}",
        "the recoil a neutrino of energy E can give, and the energy a recoil T needs",
    ),
    "Constraints": (
        r"\chi^2 = \sum_i \frac{\left(N_i^\mathrm{obs} - (1+\alpha) N_i^\mathrm{pred}\right)^2}"
        r"{\sigma_i^2} + \left(\frac{\alpha}{\sigma_\alpha}\right)^2,\qquad"
        r"\Delta\chi^2_{90\%} = 2.71\ (1\ \mathrm{par.}),\ 4.61\ (2\ \mathrm{par.})",
        "the χ² of a scan and its 90 % CL levels",
    ),
    "Experiments": (
        r"N_\mathrm{events} = N_\mathrm{targets}\,t\int dT\,\varepsilon(T)\sum_\alpha"
        r"\int dE\,\Phi_\alpha(E)\,\frac{d\sigma}{dT}",
        "the expected number of events of a preset",
    ),
}


def formula_row(tab: str, **kw: Any) -> pn.Row:
    """A tab's key formula, typeset, with a one-line caption."""
    tex, caption = KEY_FORMULAS[tab]
    return pn.Row(
        Formula(tex=tex, display=True, margin=(0, 10)),
        pn.pane.Markdown(f"*{caption}*", margin=(14, 10, 0, 10)),
        sizing_mode="stretch_width",
        css_classes=["cevns-key-formula"],
        **kw,
    )


def tab_formula(tabs: Any, titles: list[str], guide: Any = None) -> pn.Row:
    """The key formula of the shown tab (hidden for a tab without one); follows ``tabs``.
    ``guide``: a :class:`dashboard.tour.LessonGuide` — during a lesson its text takes the
    formula's place (the formula stays in the Learn card), so the plots stay in view."""
    formula = Formula(display=True, margin=(0, 10))
    caption = pn.pane.Markdown("", margin=(14, 10, 0, 10))
    row = pn.Row(formula, caption, sizing_mode="stretch_width", css_classes=["cevns-key-formula"])

    def show(index: int) -> None:
        tex, text = KEY_FORMULAS.get(titles[index], ("", ""))
        formula.tex = tex
        caption.object = f"*{text}*" if text else ""
        row.visible = bool(tex) and not (guide is not None and guide.lesson)

    tabs.param.watch(lambda event: show(event.new), "active")
    if guide is not None:
        guide.param.watch(lambda _event: show(tabs.active), "lesson")
    show(tabs.active)
    return row
