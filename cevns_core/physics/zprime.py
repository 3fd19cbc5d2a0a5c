"""Light vector mediator Z′ (PHYSICS.md §7.3; PKK Eqs. (42)–(46)).

ℒ = Z′_μ (Σ_q g_q q̄γ^μ q + Σ_α g_{ν_α} ν̄_{αL} γ^μ ν_{αL}) + ½ M_Z′² Z′_μZ′^μ: each coupling
enters the amplitude once per vertex, no ½ (a code writing g ν̄γ^μ(1 − γ₅)ν has twice our g_ν).
t-channel exchange shifts the half-normalised charge,

    𝒬_V → 𝒬_V + g_ν Q_Z′(q)/(√2 G_F (|q|² + M_Z′²)),
    Q_Z′ = (2g_u + g_d) Z F_p + (g_u + 2g_d) N F_n;

PKK Eq. (44) prints −1/(2√2 G_F): wrong by −2 (§10 #4). |q|² = 2MT + T². Models
(``zprime_model``), with the single coupling g = ``zprime_coupling``:

``"universal"`` g_ν = g_u = g_d = g ⇒ Q_Z′ = 3Ag: destructive for g² > 0;
``"b_minus_l"`` g_q = g/3, g_ν = −g ⇒ shift −g²A F/(√2G_F(|q|² + M²)): constructive;
``"lmu_minus_ltau"`` (also ``"le_minus_lmu"``, ``"le_minus_ltau"``): for L_i − L_j the Z′
couples to ν_i with +g, to ν_j with −g, not to quarks at tree level; the i, j lepton loops give
the proton the coupling e ε(q) with
ε(q) = (e g/2π²) ∫₀¹ x(1−x) ln[(m_j² + x(1−x)|q|²)/(m_i² + x(1−x)|q|²)] dx  (ε/g = 0.01443 at
q = 0 for L_μ − L_τ), so δ𝒬_V = ±g e ε(q) Z F_p/(√2 G_F(|q|² + M²)), + for ν_i, − for ν_j, 0 for
the third flavour. Sign convention: the loop of a fermion with Z′ charge c_f and electric charge
Q_f induces a proton coupling −e Σ_f c_f Q_f (e/2π²) ∫x(1−x) ln(Λ²/Δ_f) (the same screening sign
as vacuum polarisation), which gives +eε for the proton.
**UNSURE** (PHYSICS §7.3): the overall sign of this interference has not been checked against
the published COHERENT limits.

Contact limit: :func:`epsilon_from_zprime` ε^{qV} = g_ν g_q/(√2 G_F M²); PKK Eq. (46) gives half
(that is ε^{qL} = ε^{qR}, §10 #5). Antineutrinos ν̄_α use the α couplings.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array, as_float, check_choice
from ..units import ALPHA, G_F_MeV2, M_E_MeV, M_MU_MeV, M_TAU_MeV
from .base import LEPTONS, Effect, ScanVariant, Values, axis_from, choice, nonzero, number
from .registry import register_effect

__all__ = [
    "ZPRIME_MODELS",
    "LightVectorMediator",
    "epsilon_from_zprime",
    "kinetic_mixing_per_coupling",
    "zprime_couplings",
    "zprime_propagator",
    "zprime_shift_per_g2",
]

Array = NDArray[np.float64]

#: Z′ models: (i, j) of the L_i − L_j models whose proton coupling is loop-induced.
ZPRIME_MODELS: tuple[str, ...] = (
    "universal",
    "b_minus_l",
    "lmu_minus_ltau",
    "le_minus_lmu",
    "le_minus_ltau",
)
_LOOP_MODELS = {
    "lmu_minus_ltau": ("mu", "tau"),
    "le_minus_lmu": ("e", "mu"),
    "le_minus_ltau": ("e", "tau"),
}
_LEPTON_MASS_MeV = {"e": M_E_MeV, "mu": M_MU_MeV, "tau": M_TAU_MeV}
_SQRT2_GF = math.sqrt(2.0) * G_F_MeV2
_E_CHARGE = math.sqrt(4.0 * math.pi * ALPHA)

# Fixed Gauss-Legendre nodes on [0, 1] for the kinetic-mixing loop integral.
_GL_X, _GL_W = np.polynomial.legendre.leggauss(48)
_GL_X, _GL_W = 0.5 * (_GL_X + 1.0), 0.5 * _GL_W


def epsilon_from_zprime(g_nu: float, g_q: float, M_MeV: float) -> float:
    """Vector NSI ε^{qV} = g_ν g_q/(√2 G_F M²) of a heavy Z′ (contact limit, PHYSICS §7.3).

    This is ε^V = ε^L + ε^R in the normalisation of the vector NSI (§7.1). PKK Eq. (46) prints
    g_ν g_q/(2√2 G_F M²), which is ε^{qL} = ε^{qR} of a pure vector coupling: used as ε^{qV} in
    PKK Eq. (37) it is a factor 2 too small (§10 #5).

    Parameters
    ----------
    g_nu, g_q : float
        Z′ couplings to ν̄_L γ^μ ν_L and to q̄ γ^μ q (module docstring).
    M_MeV : float
        Z′ mass in MeV (> 0).

    Examples
    --------
    >>> round(epsilon_from_zprime(1e-3, 1e-3, 1000.0), 5)
    0.06062
    """
    g1 = as_float(g_nu, "g_nu")
    g2 = as_float(g_q, "g_q")
    M = as_float(M_MeV, "M_MeV", minimum=0.0, inclusive=False)
    return g1 * g2 / (_SQRT2_GF * M * M)


def zprime_couplings(model: str, g: float) -> dict[str, Any]:
    """Tree-level Z′ couplings of a model: ``{"g_nu": {lepton: g_ν}, "g_u": g_u, "g_d": g_d}``.

    universal: g_ν = g_u = g_d = g; B − L: g_ν = −g, g_u = g_d = g/3; L_i − L_j: g_ν = +g for
    ν_i, −g for ν_j, 0 otherwise, no tree-level quark coupling (the proton coupling is the loop
    :func:`kinetic_mixing_per_coupling`).

    Examples
    --------
    >>> zprime_couplings("b_minus_l", 0.3)["g_nu"]["mu"], round(zprime_couplings("b_minus_l", 0.3)["g_u"], 3)
    (-0.3, 0.1)
    """  # noqa: E501
    check_choice(model, "zprime_model", ZPRIME_MODELS)
    g = as_float(g, "zprime_coupling")
    if model == "universal":
        return {"g_nu": dict.fromkeys(LEPTONS, g), "g_u": g, "g_d": g}
    if model == "b_minus_l":
        return {"g_nu": dict.fromkeys(LEPTONS, -g), "g_u": g / 3.0, "g_d": g / 3.0}
    i, j = _LOOP_MODELS[model]
    g_nu = dict.fromkeys(LEPTONS, 0.0)
    g_nu[i], g_nu[j] = g, -g
    return {"g_nu": g_nu, "g_u": 0.0, "g_d": 0.0}


def kinetic_mixing_per_coupling(q_MeV: ArrayLike = 0.0, model: str = "lmu_minus_ltau") -> Array:
    """Loop-induced kinetic mixing ε(q)/g of an L_i − L_j Z′ (PHYSICS §7.3).

    ε(q)/g = (e/2π²) ∫₀¹ x(1−x) ln[(m_j² + x(1−x)q²)/(m_i² + x(1−x)q²)] dx, e = √(4πα),
    → (e/12π²) ln(m_j²/m_i²) at q = 0; fixed 48-node Gauss–Legendre quadrature.

    Parameters
    ----------
    q_MeV : array_like
        Momentum transfer |q| in MeV (≥ 0).
    model : {"lmu_minus_ltau", "le_minus_lmu", "le_minus_ltau"}

    Examples
    --------
    >>> [round(float(kinetic_mixing_per_coupling(q)), 5) for q in (0.0, 50.0, 100.0)]
    [0.01443, 0.01432, 0.01402]
    """
    check_choice(model, "L_i - L_j model", _LOOP_MODELS)
    i, j = _LOOP_MODELS[model]
    q = as_array(q_MeV, "q_MeV", minimum=0.0)
    xx = _GL_X * (1.0 - _GL_X)
    q2 = q[..., None] ** 2
    m2_i, m2_j = _LEPTON_MASS_MeV[i] ** 2, _LEPTON_MASS_MeV[j] ** 2
    integral = (xx * np.log((m2_j + xx * q2) / (m2_i + xx * q2))) @ _GL_W
    return _E_CHARGE / (2.0 * math.pi**2) * integral


def zprime_propagator(q2_MeV2: Any, M_MeV: Any) -> Any:
    """1/(√2 G_F (|q|² + M_Z′²)): the t-channel factor that turns couplings into a shift of the
    half-normalised charge (module docstring); broadcasts over q² and M."""
    return 1.0 / (_SQRT2_GF * (q2_MeV2 + M_MeV * M_MeV))


def zprime_shift_per_g2(model: str, lepton: str, q_MeV: Any) -> tuple[Any, Any] | None:
    """(c_p, c_n) with δg^{p,n} = g² c_{p,n} × :func:`zprime_propagator` for ν_lepton.

    Tree models: c_p = ĝ_ν(2ĝ_u + ĝ_d), c_n = ĝ_ν(ĝ_u + 2ĝ_d) with ĝ = coupling/g; L_i − L_j:
    c_p = ĝ_ν e ε(q)/g (the lepton loop), c_n = 0. None when the Z′ does not couple to ν_lepton.

    Examples
    --------
    >>> zprime_shift_per_g2("universal", "mu", 0.0)
    (3.0, 3.0)
    """
    unit = zprime_couplings(model, 1.0)
    g_nu = unit["g_nu"][lepton]
    if g_nu == 0.0:
        return None
    if model in _LOOP_MODELS:
        return g_nu * _E_CHARGE * kinetic_mixing_per_coupling(q_MeV, model), 0.0
    g_u, g_d = unit["g_u"], unit["g_d"]
    return g_nu * (2.0 * g_u + g_d), g_nu * (g_u + 2.0 * g_d)


def _settings(variant: str) -> Any:
    def settings(point: Values) -> dict[str, Any]:
        return {
            "zprime_model": variant,
            "zprime_coupling": point["coupling"],
            "zprime_mass_MeV": point["mass_MeV"],
        }

    return settings


_PARAMETERS = {
    "zprime_model": choice(
        "universal",
        ZPRIME_MODELS,
        label="Z′ model",
        doc="Z′ model: universal (g_ν = g_q = g), B−L (g_q = g/3, g_ν = −g), or L_i − L_j "
        "(ν_i: +g, ν_j: −g, proton coupling from the lepton loop).",
    ),
    "zprime_coupling": number(
        bounds=(0.0, 10.0),
        softbounds=(0.0, 1e-3),
        label="g_Z′",
        unit="",
        doc="Z′ gauge coupling g (dimensionless); 0 switches the Z′ off.",
    ),
    "zprime_mass_MeV": number(
        100.0,
        bounds=(0.0, 1e7),
        inclusive_bounds=(False, True),
        softbounds=(0.1, 1e4),
        label="M_Z′",
        unit="MeV",
        doc="Z′ mass M_Z′ in MeV.",
    ),
}


def _variant(name: str, model: str, title: str, lo: float, hi: float, figure: str, doc: str):
    return ScanVariant(
        name=name,
        title=title,
        axes=(
            axis_from(
                _PARAMETERS["zprime_coupling"],
                "coupling",
                "mediator coupling g (dimensionless)",
                (lo, hi, 100, True),
            ),
            axis_from(
                _PARAMETERS["zprime_mass_MeV"],
                "mass_MeV",
                "mediator mass in MeV",
                (1.0, 1e4, 100, True),
            ),
        ),
        settings=_settings(model),
        flavour_dependent=model in _LOOP_MODELS,
        figure=figure,
        doc=doc,
        polynomial=({"coupling": 2},),  # δ𝒬 = g² × (couplings per g²) × propagator(M)
    )


@register_effect
class LightVectorMediator(Effect):
    """A light vector Z′ exchanged in the t channel (module docstring)."""

    name = "zprime"
    title = "Light vector mediator Z′"
    order = 30
    parameters = _PARAMETERS
    equation = (
        "𝒬_V → 𝒬_V + g_ν Q_Z′(q)/(√2 G_F (|q|² + M_Z′²)),  "
        "Q_Z′ = (2g_u + g_d) Z F_p + (g_u + 2g_d) N F_n"
    )
    source = "PHYSICS.md §7.3; PKK Eqs. (42)–(46) (Eq. (44) corrected, §10 #4)"
    figure = "PKK Fig. 12 (left)"
    scans = (
        _variant(
            "zprime",
            "universal",
            "universal light vector Z′ (g_ν = g_u = g_d = g)",
            1e-5,
            1e-2,
            "PKK Fig. 12 (left)",
            "each coupling once per vertex, no ½; the g² of PKK Fig. 12 left is g_ν g_q = g²",
        ),
        _variant(
            "zprime_b_minus_l",
            "b_minus_l",
            "B − L Z′ (g_q = g/3, g_ν = −g)",
            1e-5,
            1e-2,
            "CDG",
            "constructive interference",
        ),
        _variant(
            "zprime_lmu_minus_ltau",
            "lmu_minus_ltau",
            "L_μ − L_τ Z′ (ν_μ: +g, ν_τ: −g, loop-induced proton coupling)",
            1e-4,
            1e-1,
            "CDG",
            "sign of the loop-induced coupling UNSURE (cevns_core.physics.zprime)",
        ),
    )

    def needs_flavour(self, v: Values) -> bool:
        return v["zprime_model"] in _LOOP_MODELS and v["zprime_coupling"] != 0.0

    def coupling_shift(
        self, v: Values, alpha: str, beta: str, q_MeV: Any, q2_MeV2: Any
    ) -> tuple[Any, Any] | None:
        g = v["zprime_coupling"]
        if beta != alpha or not nonzero(g):
            return None
        unit = zprime_shift_per_g2(v["zprime_model"], alpha, q_MeV)
        if unit is None:
            return None
        g2_propagator = (g * g) * zprime_propagator(q2_MeV2, v["zprime_mass_MeV"])
        return unit[0] * g2_propagator, unit[1] * g2_propagator

    def charge_shift(
        self,
        v: Values,
        alpha: str,
        Z: int,
        N: int,
        F_p: Any,
        F_n: Any,
        q_MeV: Any,
        q2_MeV2: Any,
    ) -> Any:
        # the same couplings and propagator as coupling_shift, contracted with the nucleus
        # before the grid axes are broadcast in (one full-size product per grid)
        g = v["zprime_coupling"]
        if not nonzero(g):
            return None
        unit = zprime_shift_per_g2(v["zprime_model"], alpha, q_MeV)
        if unit is None:
            return None
        c_p, c_n = unit
        nucleus = c_p * Z * F_p
        if nonzero(c_n):
            nucleus = nucleus + c_n * N * F_n
        return (g * g) * (nucleus * zprime_propagator(q2_MeV2, v["zprime_mass_MeV"]))
