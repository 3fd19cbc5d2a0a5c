"""Tab "Form factors": F(q) per isotope from ``cevns_core.form_factor``."""

from __future__ import annotations

import holoviews as hv

from ._curves import CurvesView

__all__ = ["FormFactorView"]


class FormFactorView(CurvesView):
    """Nuclear form factor versus momentum transfer (0–3 fm⁻¹), one curve per chosen isotope."""

    _inputs = ("isotopes", "form_factor_model")
    _curves_method = "form_factor_curves"
    _kdim = hv.Dimension("q_fm", label="q", unit="fm⁻¹")
    _vdim = hv.Dimension("F", label="F(q)")
    _title = "Nuclear form factor"
