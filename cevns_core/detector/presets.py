"""Presets of the published detector responses (COHERENT CsI 2017, CsI 2021, LAr 2020):
:func:`detector_response_preset` (keyword arguments of :class:`Detector`) and
:func:`detector_preset` (a ready ``Detector``), numbers from ``data/detectors/`` (see
``data/SOURCES.md``).
"""

from __future__ import annotations

from typing import Any

from .._validation import check_choice
from ..errors import CevnsError
from ..quenching import (
    _preset_numbers,
    _preset_values,
    _variants,
    quenching_preset,
)
from ..response import (
    CsI2021Efficiency,
    GammaResolution,
    GaussianResolution,
    LogisticStepEfficiency,
    TabulatedEfficiency,
    TimingEfficiency,
    efficiency_table,
)
from .model import DETECTOR_PRESETS, Detector

__all__ = ["detector_preset", "detector_response_preset", "efficiency_preset_variants"]


def efficiency_preset_variants(name: str) -> tuple[str, ...]:
    """Variant names of a preset's efficiency (``"nominal"`` first).

    Examples
    --------
    >>> efficiency_preset_variants("coherent_csi_2021")
    ('nominal', 'plus_1sigma', 'minus_1sigma')
    """
    check_choice(name, "detector preset", DETECTOR_PRESETS)
    return _variants(name, "efficiency.") or ("nominal",)


def detector_response_preset(
    name: str,
    *,
    quenching_variant: str = "nominal",
    efficiency_variant: str = "nominal",
) -> dict[str, Any]:
    """Keyword arguments of :class:`Detector` for a published detector response.

    * ``"coherent_csi_2017"`` — CsI[Na], 14.57 kg, constant QF 0.0878, LY 13.348 PE/keVee,
      ``logistic_step`` efficiency at 1-PE bin centres, observable PE, window 6–30 PE, no
      smearing (as in PHYSICS.md §6.5; set ``resolution="poisson"`` for PE counting);
    * ``"coherent_csi_2021"`` — CsI[Na], T_ee polynomial (MeV), LY 13.35 PE/keVee, Gamma PE
      smearing, ``csi_2021`` efficiency, timing efficiency, window 0–60 PE and 0–6 μs.
      **No mass**: the release files do not state it; pass ``mass_kg`` (the experiment preset
      does);
    * ``"coherent_lar_2020"`` — Ar, 24.4 kg, Q = 0.246 + 0.00078·T, Gaussian σ = 0.58 √E[keVee],
      tabulated efficiency of the reconstructed keVee (0 below the table, last value 0.96345
      above its end at 39.75 keVee), observable keVee, window 0–120 keVee, t_trig −0.1–4.9 μs.

    Raises
    ------
    CevnsError
        Unknown preset or variant.

    Examples
    --------
    >>> kw = detector_response_preset("coherent_csi_2017")
    >>> kw["mass_kg"], kw["observable"], kw["threshold"], kw["upper_limit"]
    (14.57, 'PE', 6.0, 30.0)
    """
    name = check_choice(name, "detector preset", DETECTOR_PRESETS)
    values = _preset_values(name)
    quenching = quenching_preset(name, quenching_variant)
    eff_variant = check_choice(
        efficiency_variant, f"efficiency variant of {name!r}", efficiency_preset_variants(name)
    )
    kw: dict[str, Any] = {"quenching": quenching, "threshold": 0.0}
    if "mass_kg" in values:
        kw["mass_kg"] = _preset_numbers(name, "mass_kg")[0]
    if name == "coherent_csi_2017":
        a, k, x0 = _preset_numbers(name, f"efficiency.{eff_variant}")
        start, end, mid = _preset_numbers(name, "efficiency_step_PE")
        (width,) = _preset_numbers(name, "efficiency_bin_width_PE")
        kw["efficiency"] = LogisticStepEfficiency(
            a=a,
            k=k,
            x0=x0,
            step_start=start,
            step_end=end,
            step_value=mid,
            evaluation="bin_centre",
            bin_width=width,
        )
    elif name == "coherent_csi_2021":
        a, b, c, d = _preset_numbers(name, f"efficiency.{eff_variant}")
        kw["efficiency"] = CsI2021Efficiency(a=a, b=b, c=c, d=d)
        _, shape = _preset_numbers(name, "gamma_smearing")
        kw["resolution"] = GammaResolution(shape_per_keVee=shape)
        t0, lam = _preset_numbers(name, "timing_efficiency")
        kw["timing_efficiency"] = TimingEfficiency(t0_us=t0, decay_per_us=lam)
    else:
        x, eff = efficiency_table("coherent_lar_2020_efficiency.csv")
        kw["efficiency"] = TabulatedEfficiency(
            x=tuple(x), efficiency=tuple(eff), below="zero", above="hold"
        )
        (a,) = _preset_numbers(name, "resolution_stochastic_sqrt_keVee")
        kw["resolution"] = GaussianResolution(stochastic=a)
    if "light_yield_PE_per_keVee" in values:
        kw["light_yield_PE_per_keVee"] = _preset_numbers(name, "light_yield_PE_per_keVee")[0]
    for key, unit in (("analysis_window_PE", "PE"), ("analysis_window_keVee", "keVee")):
        if key in values:
            lo, hi = _preset_numbers(name, key)
            kw.update(observable=unit, threshold_unit=unit, threshold=lo, upper_limit=hi)
    if "timing_window_us" in values:
        kw["timing_window_us"] = _preset_numbers(name, "timing_window_us")
    kw["material"] = "Ar" if name == "coherent_lar_2020" else "CsI[Na]"
    return kw


def detector_preset(name: str, **overrides: Any) -> Detector:
    """A :class:`Detector` built from :func:`detector_response_preset`, with overrides.

    ``quenching_variant`` and ``efficiency_variant`` select ±1σ variants; other keywords
    override the preset's Detector parameters (e.g. ``mass_kg``, ``resolution="poisson"``).

    Raises
    ------
    CevnsError
        Unknown preset or variant, a preset without a mass and no ``mass_kg`` given, or an
        invalid override.

    Examples
    --------
    >>> det = detector_preset("coherent_lar_2020")
    >>> det.observable, round(det.threshold_recoil_keV(), 3)
    ('keVee', 0.0)
    """
    variants = {
        k: overrides.pop(k) for k in ("quenching_variant", "efficiency_variant") if k in overrides
    }
    kw = detector_response_preset(name, **variants)
    kw.update(overrides)
    if "mass_kg" not in kw:
        raise CevnsError(
            f"the {name!r} data release does not state the detector mass; pass mass_kg=..."
        )
    return Detector(**kw)
