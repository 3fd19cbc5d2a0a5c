"""Vector non-standard interactions (PHYSICS.md §7.1; PKK Eqs. (35)–(37)).

ℒ = −2√2 G_F Σ ε^{qP}_{αβ} (ν̄_α γ^μ P_L ν_β)(q̄ γ_μ P q), ε^{qV} = ε^{qL} + ε^{qR}. In the half
normalisation ε^{qV} adds to the quark vector coupling g_V^q, so per nucleon (p = uud,
n = udd): g̃^p_αβ = g_V^p δ_αβ + 2ε^u_αβ + ε^d_αβ, g̃^n_αβ = g_V^n δ_αβ + ε^u_αβ + 2ε^d_αβ.
ε^u and ε^d are independent parameters (never one reused for the other). ε_αβ is real and
symmetric (ε_αβ = ε_βα; one parameter per pair). Pandey Eq. (53) swaps the Z and N
coefficients and uses a doubled normalisation (ε added to g_n = −1): its ε are not ours.
PKK Eq. (37) adds the flavour-changing ε linearly: here they are squared separately (the final
state differs), 𝒬_αβ = Z(2ε^u_αβ + ε^d_αβ)F_p + N(ε^u_αβ + 2ε^d_αβ)F_n.
"""

from __future__ import annotations

from typing import Any

import param

from .base import LEPTONS, PAIRS, Effect, ScanVariant, Values, axis_from, diag, greek, number, pair
from .registry import register_effect

__all__ = ["VectorNSI", "nsi_nucleon_shift"]


def nsi_nucleon_shift(eps_u: Any, eps_d: Any) -> tuple[Any, Any]:
    """(δg^p, δg^n) = (2ε^u + ε^d, ε^u + 2ε^d): quark counting p = uud, n = udd (§7.1).

    Examples
    --------
    >>> nsi_nucleon_shift(0.1, 0.05)
    (0.25, 0.2)
    """
    return 2.0 * eps_u + eps_d, eps_u + 2.0 * eps_d


def _nsi(quark: str, key: str) -> param.Number:
    """A real vector-NSI coupling; ``key`` is a lepton ("e": the ee entry) or a pair."""
    if key in LEPTONS:
        what = f"ν_{greek(key)} → ν_{greek(key)} (flavour-conserving)"
        sub = greek(key) * 2
    else:
        a, b = greek(key)[0], greek(key)[1:]
        what = f"ν_{a} ↔ ν_{b} (flavour-changing, added in quadrature)"
        sub = greek(key)
    return number(
        bounds=(-10.0, 10.0),
        softbounds=(-1.0, 1.0),
        label=f"ε^{quark}V_{sub}",
        unit="",
        doc=f"Vector NSI ε^{{{quark}V}} for {what}; dimensionless, real, relative to G_F "
        "(half normalisation, see cevns_core.physics.nsi_vector).",
    )


def _settings(lepton: str) -> Any:
    def settings(point: Values) -> dict[str, Any]:
        key = diag(lepton)
        return {f"eps_uV_{key}": point["eps_u"], f"eps_dV_{key}": point["eps_d"]}

    return settings


_KEYS = tuple(diag(lp) for lp in LEPTONS) + PAIRS
_PARAMETERS = {
    f"eps_{q}V_{k}": _nsi(q, lp if k == diag(lp) else k)
    for q in ("u", "d")
    for k, lp in zip(_KEYS, (*LEPTONS, *PAIRS), strict=True)
}


@register_effect
class VectorNSI(Effect):
    """Vector NSI ε^{uV}_{αβ}, ε^{dV}_{αβ} (module docstring)."""

    name = "nsi_vector"
    title = "Vector NSI"
    order = 10
    parameters = _PARAMETERS
    equation = (
        "g̃^p_αβ = g_V^p δ_αβ + 2ε^u_αβ + ε^d_αβ,  g̃^n_αβ = g_V^n δ_αβ + ε^u_αβ + 2ε^d_αβ; "
        "β ≠ α in quadrature"
    )
    source = "PHYSICS.md §7.1; PKK Eqs. (35)–(37)"
    figure = "PKK Figs. 10, 11 (top)"
    per_flavour = ("eps_uV_{0}{0}", "eps_dV_{0}{0}")
    transitions = ("eps_uV_{}", "eps_dV_{}")
    scans = tuple(
        ScanVariant(
            name=f"nsi_vector_{lp}{lp}",
            title=f"vector NSI ε^{{uV}}_{{{lp}{lp}}}, ε^{{dV}}_{{{lp}{lp}}}",
            axes=(
                axis_from(
                    _PARAMETERS[f"eps_uV_{lp}{lp}"],
                    "eps_u",
                    "ε^{uV} of the flavour (dimensionless)",
                    (-1.0, 1.0, 101, False),
                ),
                axis_from(
                    _PARAMETERS[f"eps_dV_{lp}{lp}"],
                    "eps_d",
                    "ε^{dV} of the flavour (dimensionless)",
                    (-1.0, 1.0, 101, False),
                ),
            ),
            settings=_settings(lp),
            flavour_dependent=True,
            figure="PKK Figs. 10, 11 (top)",
            doc="each quark its own coupling (never one reused for the other)",
            polynomial=({"eps_u": 1}, {"eps_d": 1}),  # δ𝒬 linear in ε^u, ε^d
        )
        for lp in ("e", "mu")
    )

    def coupling_shift(
        self, v: Values, alpha: str, beta: str, q_MeV: Any, q2_MeV2: Any
    ) -> tuple[Any, Any]:
        key = diag(alpha) if beta == alpha else pair(alpha, beta)
        return nsi_nucleon_shift(v[f"eps_uV_{key}"], v[f"eps_dV_{key}"])
