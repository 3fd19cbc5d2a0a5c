"""Neutrino millicharge (PHYSICS.md §7.8).

Photon vertex with F_Q(0) = q_ν (units of e):

    g_V^p → g_V^p + (2√2πα/G_F) q_να/|q|²,

i.e. a positive charge acts like a negative charge radius (F_Q/q² with spacelike q² = −|q|²).
**UNSURE:** the sign relative to Cadeddu et al.; the magnitude is robust. Transition charges
q_αβ add to the flavour-changing charges (in quadrature). |q|² is floored at (1 eV)² so
dσ/dT at T = 0 stays finite; the count down to T = 0 is still infinite (∝ ∫dT/T²).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..units import ALPHA, G_F_MeV2
from .base import LEPTONS, PAIRS, Effect, Values, greek, nonzero, number, pair
from .registry import register_effect

__all__ = ["MILLICHARGE_COUPLING_MeV2", "Millicharge", "millicharge_shift"]

#: 2√2 π α/G_F in MeV²: millicharge shift of g_V^p is this × q_ν/|q|² (PHYSICS §7.8).
MILLICHARGE_COUPLING_MeV2 = 2.0 * math.sqrt(2.0) * math.pi * ALPHA / G_F_MeV2
_Q2_FLOOR_MeV2 = 1e-12  # (1 eV)²: keeps the millicharge term finite at T = 0


def millicharge_shift(q_nu_e: Any, q2_MeV2: Any) -> Any:
    """δg_V^p = (2√2πα/G_F) q_ν/max(|q|², (1 eV)²) (module docstring).

    Examples
    --------
    >>> round(float(millicharge_shift(1e-9, 100.0)), 5)
    0.05559
    """
    return MILLICHARGE_COUPLING_MeV2 * q_nu_e * (1.0 / np.maximum(q2_MeV2, _Q2_FLOOR_MeV2))


def _charge(key: str) -> Any:
    if key in LEPTONS:
        label = f"q_ν{greek(key)}"
        doc = f"Electric charge of ν_{greek(key)} in units of the elementary charge e."
    else:
        label = f"q_{greek(key)}"
        doc = f"Transition charge {label} in units of e (flavour-changing, added in quadrature)."
    return number(bounds=(-1e-2, 1e-2), softbounds=(-1e-7, 1e-7), label=label, unit="e", doc=doc)


_PARAMETERS = {f"millicharge_{k}": _charge(k) for k in LEPTONS + PAIRS}


@register_effect
class Millicharge(Effect):
    """Neutrino electric charges and transition charges (module docstring)."""

    name = "millicharge"
    title = "Neutrino millicharge"
    order = 70
    parameters = _PARAMETERS
    equation = "g_V^p → g_V^p + (2√2πα/G_F) q_να/|q|²"
    source = "PHYSICS.md §7.8"
    per_flavour = ("millicharge_{}",)
    transitions = ("millicharge_{}",)

    def coupling_shift(
        self, v: Values, alpha: str, beta: str, q_MeV: Any, q2_MeV2: Any
    ) -> tuple[Any, Any] | None:
        q_nu = v[f"millicharge_{alpha if beta == alpha else pair(alpha, beta)}"]
        if not nonzero(q_nu):
            return None
        return millicharge_shift(q_nu, q2_MeV2), 0.0

    def divergence(self, v: Values, alphas: tuple[str, ...]) -> str | None:
        keys = {a if a == b else pair(a, b) for a in alphas for b in LEPTONS}
        if any(v[f"millicharge_{k}"] != 0.0 for k in keys):
            return "a neutrino millicharge (dσ/dT ∝ 1/T²)"
        return None
