"""Neutrino magnetic moment (PHYSICS.md §7.5; PKK Eqs. (54)–(61); Pandey Eqs. (54)–(56)).

ℒ = −½ μ_ν ν̄ σ^{μν} ν F_μν with μ_ν in Bohr magnetons μ_B = e/2m_e (effective moment of flavour
α, parameters ``mu_nu_<α>_muB``; ν̄_α the same). The photon exchange flips helicity, so the term
adds to the SM cross section:

    dσ^EM/dT = πα²μ_ν²Z²/m_e² (1/T − 1/E) F_p²(q)   (F_ch = F_p),

i.e. c₀ = K/T, c₁ = −K with K = πα²μ_ν²Z²F_p²/m_e²; ``mm_exact=True`` adds the exact spin-0
term +T/(4E²) (Pandey Eq. (56)): c₂ = KT/4. PKK Eq. (60) (preprint) lacks a 1/T; the additive
form is used. Transition moments: :func:`effective_magnetic_moments` (PKK Eqs. (56)–(58)). At
T = 0 the term is infinite, and so is a count that includes vanishing recoils.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import CevnsError
from ..units import ALPHA, M_E_MeV
from .base import LEPTONS, Effect, ScanVariant, Values, axis_from, greek, nonzero, number, switch
from .registry import register_effect

__all__ = ["MagneticMoment", "effective_magnetic_moments", "moment_coefficients"]


def effective_magnetic_moments(
    Lambda_e: complex = 0.0, Lambda_mu: complex = 0.0, Lambda_tau: complex = 0.0
) -> dict[str, float]:
    """Effective moments μ_να (μ_B) from Majorana transition moments Λ (PKK Eqs. (56)–(58)).

    Flavour basis, Λ_α = ε_αβγ λ_βγ: μ²_να = Σ_{β≠α} |Λ_β|², e.g. μ²_νe = |Λ_μ|² + |Λ_τ|²; the
    same for ν̄_α. The values can be passed as ``mu_nu_<α>_muB`` to ``NewPhysics``.

    Examples
    --------
    >>> {k: round(v / 1e-10, 3) for k, v in effective_magnetic_moments(0.0, 3e-10, 4e-10).items()}
    {'e': 5.0, 'mu': 4.0, 'tau': 3.0}
    """
    lam = {}
    for lepton, value in zip(LEPTONS, (Lambda_e, Lambda_mu, Lambda_tau), strict=True):
        try:
            v = complex(value)
        except (TypeError, ValueError) as exc:
            raise CevnsError(f"Lambda_{lepton} must be a number, got {value!r}") from exc
        if not (math.isfinite(v.real) and math.isfinite(v.imag)):
            raise CevnsError(f"Lambda_{lepton} must be finite, got {value!r}")
        lam[lepton] = abs(v) ** 2
    return {a: math.sqrt(sum(lam[b] for b in LEPTONS if b != a)) for a in LEPTONS}


def moment_coefficients(
    mu_muB: Any, Z: int, T_MeV: Any, F_p: Any, exact: bool
) -> tuple[Any, Any, Any]:
    """(c₀, c₁, c₂) = (K/T, −K, KT/4 or None), K = πα²μ²Z²F_p²/m_e² (module docstring).

    c₀ is +∞ where T = 0. Broadcasts over μ (a grid), T and F_p.

    Examples
    --------
    >>> c0, c1, c2 = moment_coefficients(1e-10, 32, 1e-5, 1.0, exact=False)
    >>> round(float(c0 / -c1), 1), c2
    (100000.0, None)
    """
    T = np.asarray(T_MeV, dtype=float)
    shape = np.broadcast_shapes(np.shape(mu_muB), T.shape, np.shape(F_p))
    K = math.pi * ALPHA**2 * mu_muB**2 * Z**2 / M_E_MeV**2 * np.broadcast_to(F_p, shape) ** 2
    T_b = np.broadcast_to(T, shape)
    c0 = np.divide(K, T_b, out=np.full(shape, np.inf), where=T_b > 0)
    return c0, -K, (0.25 * K * T_b if exact else None)


def _moment(lepton: str) -> Any:
    return number(
        bounds=(0.0, 1e-6),
        softbounds=(0.0, 1e-9),
        label=f"μ_ν{greek(lepton)}",
        unit="μ_B",
        doc=f"Effective magnetic moment of ν_{greek(lepton)} (and ν̄_{greek(lepton)}) in Bohr "
        "magnetons μ_B.",
    )


_PARAMETERS = {
    **{f"mu_nu_{lp}_muB": _moment(lp) for lp in LEPTONS},
    "mm_exact": switch(
        False,
        label="Exact spin-0 term",
        doc="Magnetic moment: add the exact spin-0 term +T/(4E²) to (1/T − 1/E).",
    ),
}


def _settings(point: Values) -> dict[str, Any]:
    return {"mu_nu_e_muB": point["mu_e_muB"], "mu_nu_mu_muB": point["mu_mu_muB"]}


@register_effect
class MagneticMoment(Effect):
    """Effective neutrino magnetic moments (module docstring)."""

    name = "magnetic_moment"
    title = "Neutrino magnetic moment"
    order = 50
    parameters = _PARAMETERS
    equation = "dσ^EM/dT = πα²μ_ν²Z²/m_e² (1/T − 1/E [+ T/4E²]) F_p²(q)"
    source = "PHYSICS.md §7.5; PKK Eqs. (54)–(61); Pandey Eqs. (54)–(56)"
    figure = "PKK Fig. 13"
    per_flavour = ("mu_nu_{}_muB",)
    scans = (
        ScanVariant(
            name="magnetic_moment",
            title="effective magnetic moments μ_νe, μ_νμ (μ_B)",
            axes=(
                axis_from(
                    _PARAMETERS["mu_nu_e_muB"],
                    "mu_e_muB",
                    "μ_νe in Bohr magnetons",
                    (0.0, 1e-8, 101, False),
                ),
                axis_from(
                    _PARAMETERS["mu_nu_mu_muB"],
                    "mu_mu_muB",
                    "μ_νμ in Bohr magnetons",
                    (0.0, 1e-8, 101, False),
                ),
            ),
            settings=_settings,
            flavour_dependent=True,
            figure="PKK Fig. 13",
            polynomial=({"mu_e_muB": 2}, {"mu_mu_muB": 2}),  # dσ^EM ∝ μ²
        ),
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
        mu = v[f"mu_nu_{alpha}_muB"]
        if not nonzero(mu):
            return None
        return moment_coefficients(mu, Z, T_MeV, F_p, bool(v["mm_exact"]))

    def moment_squared(self, v: Values, alpha: str) -> Any:
        mu = v[f"mu_nu_{alpha}_muB"]
        return None if mu == 0.0 else mu * mu

    def divergence(self, v: Values, alphas: tuple[str, ...]) -> str | None:
        if any(v[f"mu_nu_{a}_muB"] != 0.0 for a in alphas):
            return "a neutrino magnetic moment (dσ/dT ∝ 1/T)"
        return None
