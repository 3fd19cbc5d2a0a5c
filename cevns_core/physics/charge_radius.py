"""Neutrino charge radius (PHYSICS.md §7.7; PKK Eq. (62); Pandey Eq. (57)).

Photon vertex −ie F_Q(q²) γ^μ, F_Q = q² ⟨r²_ν⟩/6. Coupling-level shift (default
``charge_radius_convention="coupling"``):

    g_V^p → g_V^p − (√2πα/3G_F) ⟨r²_να⟩,  g_V^n unchanged

(consistent with the SM radiative corrections: the SM radii give the 0.0083 ν_e − ν_μ
splitting). ``"review"`` reproduces the printed sin²θ_W → sin²θ_W + (√2πα/3G_F)⟨r²⟩ of the
reviews, i.e. twice the shift. **UNSURE (factor 2)**, see §7.7. Transition radii ⟨r²_αβ⟩ enter
the flavour-changing charge with the same coefficient, |Z (√2πα/3G_F) ⟨r²_αβ⟩ F_p|². Do not
combine with ``flavour_radius=True`` or ``couplings="flavour"`` and the SM radii (double
counting).
"""

from __future__ import annotations

from typing import Any

from ..weak_charges import CHARGE_RADIUS_COUPLING_PER_CM2
from .base import (
    LEPTONS,
    PAIRS,
    Effect,
    ScanVariant,
    Values,
    axis_from,
    choice,
    greek,
    nonzero,
    number,
    pair,
)
from .registry import register_effect

__all__ = ["CHARGE_RADIUS_CONVENTIONS", "ChargeRadius", "radius_coefficient_per_cm2"]

#: Charge-radius conventions: coupling-level shift (default) or the reviews' printed sin²θ_W shift.
CHARGE_RADIUS_CONVENTIONS: tuple[str, ...] = ("coupling", "review")


def radius_coefficient_per_cm2(convention: str = "coupling") -> float:
    """k in δg_V^p = −k ⟨r²⟩: √2πα/(3G_F) per cm² ("coupling"), twice that ("review").

    Examples
    --------
    >>> round(radius_coefficient_per_cm2() * 1e-32, 6)
    0.023796
    """
    factor = 2.0 if convention == "review" else 1.0
    return factor * CHARGE_RADIUS_COUPLING_PER_CM2


def _radius(key: str) -> Any:
    if key in LEPTONS:
        label, what = f"⟨r²_ν{greek(key)}⟩", f"Charge radius ⟨r²_ν{greek(key)}⟩"
        doc = f"{what} in cm² (ν_{greek(key)} and ν̄_{greek(key)})."
    else:
        label = f"⟨r²_{greek(key)}⟩"
        doc = f"Transition charge radius {label} in cm² (flavour-changing, added in quadrature)."
    return number(
        bounds=(-1e-28, 1e-28), softbounds=(-1e-30, 1e-30), label=label, unit="cm²", doc=doc
    )


_PARAMETERS = {
    **{f"r2_{k}_cm2": _radius(k) for k in LEPTONS + PAIRS},
    "charge_radius_convention": choice(
        "coupling",
        CHARGE_RADIUS_CONVENTIONS,
        label="Charge-radius convention",
        doc="'coupling': g_V^p → g_V^p − (√2πα/3G_F)⟨r²⟩ (PHYSICS §7.7); 'review': the "
        "printed sin²θ_W shift of PKK Eq. (62)/Pandey Eq. (57), twice as large.",
    ),
}


def _settings(point: Values) -> dict[str, Any]:
    return {"r2_e_cm2": point["r2_e_cm2"], "r2_mu_cm2": point["r2_mu_cm2"]}


@register_effect
class ChargeRadius(Effect):
    """Neutrino charge radii and transition radii (module docstring)."""

    name = "charge_radius"
    title = "Neutrino charge radius"
    order = 60
    parameters = _PARAMETERS
    equation = "g_V^p → g_V^p − (√2πα/3G_F) ⟨r²_να⟩ (coupling convention; review: twice)"
    source = "PHYSICS.md §7.7; PKK Eq. (62); Pandey Eq. (57)"
    figure = "PKK Figs. 13, 15"
    per_flavour = ("r2_{}_cm2",)
    transitions = ("r2_{}_cm2",)
    scans = (
        ScanVariant(
            name="charge_radius",
            title="neutrino charge radii ⟨r²_νe⟩, ⟨r²_νμ⟩ (cm²)",
            axes=tuple(
                axis_from(
                    _PARAMETERS[f"r2_{lp}_cm2"],
                    f"r2_{lp}_cm2",
                    f"⟨r²_ν{greek(lp)}⟩ in cm²",
                    (-1.2e-30, 6e-31, 91, False),
                )
                for lp in ("e", "mu")
            ),
            settings=_settings,
            flavour_dependent=True,
            figure="PKK Figs. 13, 15",
            doc="coupling-level convention (cevns_core.physics.charge_radius)",
            polynomial=({"r2_e_cm2": 1}, {"r2_mu_cm2": 1}),  # δg_V^p ∝ ⟨r²⟩
        ),
    )

    def coupling_shift(
        self, v: Values, alpha: str, beta: str, q_MeV: Any, q2_MeV2: Any
    ) -> tuple[Any, Any] | None:
        r2 = v[f"r2_{alpha if beta == alpha else pair(alpha, beta)}_cm2"]
        if not nonzero(r2):
            return None
        return -radius_coefficient_per_cm2(v["charge_radius_convention"]) * r2, 0.0
