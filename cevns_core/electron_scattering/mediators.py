"""Non-standard interactions of neutrinos with electrons: vector NSI, light Z′, light scalar.

Vector NSI (Barranco, Miranda & Rashba, PRD 76 (2007) 073008; Bolaños et al., PRD 79 (2009)
113012) with the normalisation of the package's quark NSI (``cevns_core.physics``)
    ℒ = −2√2 G_F Σ ε^{eP}_{αβ} (ν̄_α γ^μ P_L ν_β)(ē γ_μ P e),  P = P_L, P_R,
add ε^{eL} to g_L and ε^{eR} to g_R, i.e. with ε^{eV} = ε^{eL} + ε^{eR}, ε^{eA} = ε^{eL} − ε^{eR}:
    g_V → g_V + ε^{eV}_{αα},   g_A → g_A + ε^{eA}_{αα};
flavour-changing ε_{αβ} (β ≠ α) make a different final state: a channel of its own with
(g_V, g_A) = (ε^{eV}_{αβ}, ε^{eA}_{αβ}), added to the cross section (not to the amplitude). ε real
and symmetric, as for the quark NSI.

Light vector Z′ with ℒ = Z′_μ (g_ν ν̄_L γ^μ ν_L + g_e ē γ^μ e) + ½M²Z′² (the package's convention,
one coupling per vertex). Exchange in the t channel with Q² = 2m_eT (exact for an electron at
rest) adds to the vector coupling, for neutrinos and antineutrinos alike,
    δg_V = g_ν g_e / (√2 G_F (2 m_e T + M²)),
the electron analogue of the package's nuclear shift (PHYSICS §7.3); heavy M gives the contact
ε^{eV} = g_ν g_e/(√2 G_F M²) of :func:`cevns_core.physics.epsilon_from_zprime`. Electron
charges per model (``zprime_model`` of ``NewPhysics``, coupling g):

* ``"universal"``: g_ν = g_e = g (the Z′ couples with g to the vector current of every SM fermion,
  as the package's universal model does to quarks; Cerdeño et al., JHEP 05 (2016) 118);
* ``"b_minus_l"``: g_ν = g_e = −g (lepton number −1);
* ``"le_minus_lmu"``, ``"le_minus_ltau"``: g_e = +g at tree level; ``"lmu_minus_ltau"``: none.
  For every L_i − L_j model the electron also couples through the i, j lepton loops (kinetic
  mixing): −e ε(Q) with ε(Q) of :func:`cevns_core.physics.kinetic_mixing_per_coupling` — the
  proton's +e ε times the electron charge −1 (same sign convention as the nuclear case; **UNSURE**
  there, and here a correction of ≲ 1 % to the tree coupling of L_e − L_x).

Light scalar φ with ℒ = φ(g_ν ν̄ν + g_e ēe), the universal coupling g_ν = g_e = g of
``scalar_coupling`` (the package's universal scalar, extended to the electron). The helicity flip
forbids interference with the SM; the spin sums (electron averaged, massless neutrino) give,
derived here with ½Σ|ū(p′)u(p)|² = 4m_e²(1 + T/2m_e) and Σ|ū(k′)u_L(k)|² = 2m_eT,
    dσ_φ/dT = g_ν² g_e² m_e² T (1 + T/(2m_e)) / (4π E² (2m_eT + M_φ²)²),
which for T ≪ m_e is the form quoted by Cerdeño et al. 2016 and is the package's nuclear formula
(PHYSICS §7.4) with M → m_e plus the spin-½ recoil factor (1 + T/2m_e).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_choice
from ..physics.zprime import ZPRIME_MODELS, kinetic_mixing_per_coupling
from ..units import ALPHA, G_F_MeV2, M_E_MeV

__all__ = [
    "scalar_coefficients",
    "vector_mediator_shift",
    "zprime_electron_couplings",
]

Array = NDArray[np.float64]

_LEPTONS = ("e", "mu", "tau")
_LOOP_MODELS = {
    "lmu_minus_ltau": ("mu", "tau"),
    "le_minus_lmu": ("e", "mu"),
    "le_minus_ltau": ("e", "tau"),
}
_E_CHARGE = math.sqrt(4.0 * math.pi * ALPHA)


def zprime_electron_couplings(
    model: str, g: float, Q_MeV: ArrayLike = 0.0
) -> tuple[dict[str, float], Array]:
    """Z′ couplings ({lepton: g_ν}, g_e(Q)) of a model; g_e includes the loop term of L_i − L_j.

    Parameters
    ----------
    model : one of ``cevns_core.physics.ZPRIME_MODELS``
    g : float
        Gauge coupling.
    Q_MeV : array_like
        Spacelike momentum transfer √(2 m_e T) in MeV, for the loop-induced coupling.

    Examples
    --------
    >>> g_nu, g_e = zprime_electron_couplings("b_minus_l", 1e-3)
    >>> g_nu["mu"], float(g_e)
    (-0.001, -0.001)
    >>> g_nu, g_e = zprime_electron_couplings("lmu_minus_ltau", 1.0)
    >>> g_nu["e"], round(float(g_e), 6)
    (0.0, -0.004371)
    """
    check_choice(model, "zprime_model", ZPRIME_MODELS)
    Q = np.asarray(Q_MeV, dtype=float)
    if model == "universal":
        return dict.fromkeys(_LEPTONS, g), np.full(Q.shape, g)
    if model == "b_minus_l":
        return dict.fromkeys(_LEPTONS, -g), np.full(Q.shape, -g)
    i, j = _LOOP_MODELS[model]
    g_nu = dict.fromkeys(_LEPTONS, 0.0)
    g_nu[i], g_nu[j] = g, -g
    tree = g if i == "e" else 0.0
    loop = -_E_CHARGE * g * kinetic_mixing_per_coupling(Q, model)
    return g_nu, tree + loop


def vector_mediator_shift(g_nu: float, g_e: ArrayLike, M_MeV: float, T_MeV: ArrayLike) -> Array:
    """δg_V = g_ν g_e/(√2 G_F (2m_eT + M²)) of a vector mediator (module docstring).

    Examples
    --------
    >>> round(float(vector_mediator_shift(1e-3, 1e-3, 1000.0, 0.0)), 5)
    0.06062
    """
    T = np.asarray(T_MeV, dtype=float)
    return g_nu * np.asarray(g_e) / (math.sqrt(2.0) * G_F_MeV2 * (2.0 * M_E_MeV * T + M_MeV**2))


def scalar_coefficients(
    g_nu: float, g_e: float, M_MeV: float, T_MeV: ArrayLike
) -> tuple[Array, Array, Array]:
    """(c₀, c₁, c₂) of the scalar term: c₀ = c₁ = 0 and, in MeV⁻³·E² (dσ/dT = c₂/E²),

    c₂ = g_ν² g_e² m_e² T (1 + T/2m_e) / (4π (2m_eT + M²)²).
    """
    T = np.asarray(T_MeV, dtype=float)
    c2 = (
        (g_nu * g_e) ** 2
        * M_E_MeV**2
        * T
        * (1.0 + T / (2.0 * M_E_MeV))
        / (4.0 * math.pi * (2.0 * M_E_MeV * T + M_MeV**2) ** 2)
    )
    return np.zeros(T.shape), np.zeros(T.shape), c2
