"""Tensor non-standard interactions (PHYSICS.md §7.2; PKK Eqs. (38)–(41)).

ℒ = −2√2 G_F Σ ε^{qT}_{αα} (ν̄_α σ^{μν} ν_α)(q̄ σ_μν q), flavour-diagonal only. The tensor
operator flips chirality, so its cross section adds to the SM one without interference:

    dσ^T/dT = 4G_F²M/π 𝒬_T² (1 − MT/4E²),
    𝒬_T = (2ε^{uT} + ε^{dT}) Z F_p + (ε^{uT} + 2ε^{dT}) N F_n,

i.e. c₀ = 4G_F²M/π 𝒬_T² and c₂ = −(MT/4) c₀ of c₀ + c₁/E + c₂/E².
**UNSURE (physics):** PKK's "vector-type translation" with quark counting; realistic tensor
nucleon charges differ from 2:1 counting and the coherence of tensor operators is debated.
"""

from __future__ import annotations

import math
from typing import Any

import param

from ..units import G_F_MeV2
from .base import LEPTONS, Effect, ScanVariant, Values, axis_from, diag, greek, nonzero, number
from .registry import register_effect

__all__ = ["TensorNSI", "tensor_coefficients"]


def tensor_coefficients(
    eps_u: Any, eps_d: Any, Z: int, N: int, M_MeV: float, T_MeV: Any, F_p: Any, F_n: Any
) -> tuple[Any, Any]:
    """(c₀, c₂) of the tensor term: c₀ = 4G_F²M/π 𝒬_T², c₂ = −(MT/4) c₀ (module docstring).

    Examples
    --------
    >>> c0, c2 = tensor_coefficients(0.01, 0.0, 55, 78, 123800.0, 0.008, 1.0, 1.0)
    >>> round(c2 / c0, 3)
    -247.6
    """
    Q_T = (2.0 * eps_u + eps_d) * Z * F_p + (eps_u + 2.0 * eps_d) * N * F_n
    K_T = 4.0 * G_F_MeV2**2 * M_MeV / math.pi * Q_T**2
    return K_T, -0.25 * M_MeV * T_MeV * K_T


def _nsi(quark: str, lepton: str) -> param.Number:
    return number(
        bounds=(-10.0, 10.0),
        softbounds=(-1.0, 1.0),
        label=f"ε^{quark}T_{greek(lepton) * 2}",
        unit="",
        doc=f"Tensor NSI ε^{{{quark}T}} for ν_{greek(lepton)} → ν_{greek(lepton)} "
        "(flavour-conserving); dimensionless, real, relative to G_F "
        "(see cevns_core.physics.nsi_tensor).",
    )


def _settings(lepton: str) -> Any:
    def settings(point: Values) -> dict[str, Any]:
        key = diag(lepton)
        return {f"eps_uT_{key}": point["eps_u"], f"eps_dT_{key}": point["eps_d"]}

    return settings


_PARAMETERS = {f"eps_{q}T_{diag(lp)}": _nsi(q, lp) for q in ("u", "d") for lp in LEPTONS}


@register_effect
class TensorNSI(Effect):
    """Tensor NSI ε^{uT}_{αα}, ε^{dT}_{αα} (module docstring)."""

    name = "nsi_tensor"
    title = "Tensor NSI"
    order = 20
    parameters = _PARAMETERS
    equation = (
        "dσ^T/dT = 4G_F²M/π 𝒬_T² (1 − MT/4E²),  "
        "𝒬_T = (2ε^{uT} + ε^{dT}) Z F_p + (ε^{uT} + 2ε^{dT}) N F_n"
    )
    source = "PHYSICS.md §7.2; PKK Eqs. (38)–(41)"
    figure = "PKK Figs. 10, 11 (bottom)"
    per_flavour = ("eps_uT_{0}{0}", "eps_dT_{0}{0}")
    scans = tuple(
        ScanVariant(
            name=f"nsi_tensor_{lp}{lp}",
            title=f"tensor NSI ε^{{uT}}_{{{lp}{lp}}}, ε^{{dT}}_{{{lp}{lp}}}",
            axes=(
                axis_from(
                    _PARAMETERS[f"eps_uT_{lp}{lp}"],
                    "eps_u",
                    "ε^{uT} of the flavour (dimensionless)",
                    (-0.5, 0.5, 101, False),
                ),
                axis_from(
                    _PARAMETERS[f"eps_dT_{lp}{lp}"],
                    "eps_d",
                    "ε^{dT} of the flavour (dimensionless)",
                    (-0.5, 0.5, 101, False),
                ),
            ),
            settings=_settings(lp),
            flavour_dependent=True,
            figure="PKK Figs. 10, 11 (bottom)",
            polynomial=({"eps_u": 2}, {"eps_u": 1, "eps_d": 1}, {"eps_d": 2}),  # ∝ 𝒬_T²
        )
        for lp in ("e", "mu")
    )

    def incoherent(
        self,
        v: Values,
        alpha: str,
        Z: int,
        N: int,
        M_MeV: float,
        T_MeV: Any,
        q2_MeV2: Any,
        F_p: Any,
        F_n: Any,
    ) -> tuple[Any, Any, Any] | None:
        eu, ed = v[f"eps_uT_{diag(alpha)}"], v[f"eps_dT_{diag(alpha)}"]
        if not (nonzero(eu) or nonzero(ed)):
            return None
        c0, c2 = tensor_coefficients(eu, ed, Z, N, M_MeV, T_MeV, F_p, F_n)
        return c0, None, c2
