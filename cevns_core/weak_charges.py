"""Nucleon vector couplings and nuclear weak charges (PHYSICS.md §0, §3.3, §3.4, §7.7).

Two normalisations of the nuclear weak charge are in use and both are exposed by name:

* ``Qv`` — the *half* normalisation used internally, 𝒬_V = Z g_V^p F_p + N g_V^n F_n with
  g_V^p ≈ ½ − 2 sin²θ_W, g_V^n = −½ (PKK Eq. (14), CDG Eqs. (3)–(4));
  dσ/dT = G_F² M/π (1 − T/E − MT/2E²) 𝒬_V².
* ``QW`` — the PDG/atomic-physics weak charge Q_W = 2𝒬_V = Z(1 − 4 sin²θ_W) − N (negative), used
  with the prefactor G_F² M/(4π) (Pandey Eqs. (16)–(17)).

Coupling schemes (``scheme``):

``"tree"``
    g_V^p = ½ − 2 sin²θ_W, g_V^n = −½ with adjustable sin²θ_W (default 0.23857, MS-bar at Q → 0).
``"pdg_nuN"``
    PDG radiatively corrected νN couplings (PKK Eqs. (14)–(15)) evaluated with the MS-bar
    ŝ_Z² = 0.23122, as the PDG parameterisation requires (PHYSICS §3.3, error #2 of §10).
``"pkk_literal"``
    The same formula with the low-energy value 0.2382 that PKK prints, for comparison with the
    review's figures (double-counts the running: g_V^p = 0.0165 instead of 0.0305).
``"flavour"``
    Flavour-dependent couplings of Erler & Su 2013 as used by Cadeddu et al.:
    g_V^p(ν_e) = 0.0401, g_V^p(ν_μ) = 0.0318, g_V^n = −0.5094; ν_τ obtained from ν_μ with the SM
    charge-radius splitting (α/3π) ln(m_μ²/m_τ²).

``flavour_radius=True`` adds the SM flavour dependence of the proton coupling from the neutrino
charge radius (lepton loop) relative to ν_μ, the flavour the PDG νN couplings refer to. At q → 0
the ν_e − ν_μ splitting is (α/3π) ln(m_μ²/m_e²) = 0.00826 (PHYSICS §3.3, §3.4, §7.7); with a
momentum transfer it uses the one-loop vacuum-polarisation function
Δg_V^p(ν_ℓ) = (2α/π) ∫₀¹ x(1−x) ln[(m_μ² + x(1−x)q²)/(m_ℓ² + x(1−x)q²)] dx, which is how the
ν_e correction falls off for q ≫ m_e (Tomalak et al. 2021; the package ships no tabulated δ's).
It cannot be combined with ``"flavour"`` (double counting).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import param
from numpy.typing import ArrayLike, NDArray

from ._validation import ValidatedParameters, as_array, as_float, as_int, check_choice, shown
from .errors import CevnsError
from .flavours import check_flavour, lepton_of
from .units import (
    ALPHA,
    SW2_LOW,
    SW2_MZ,
    G_F_MeV2,
    HBARC2_MeV2_cm2,
    M_E_MeV,
    M_MU_MeV,
    M_TAU_MeV,
    M_W_MeV,
)

__all__ = [
    "CHARGE_RADIUS_COUPLING_PER_CM2",
    "COUPLING_SCHEMES",
    "StandardModel",
    "flavour_radius_shift",
    "nucleon_couplings",
    "pdg_nucleon_couplings",
    "sm_neutrino_charge_radius_cm2",
    "weak_charge_half",
    "weak_charge_pdg",
]

COUPLING_SCHEMES: tuple[str, ...] = ("tree", "pdg_nuN", "pkk_literal", "flavour")

#: √2 π α/(3 G_F) converted to a shift of g_V^p per cm² of ⟨r²_ν⟩ (PHYSICS §7.7, R27):
#: 926.55 GeV² → 0.023796 per 10⁻³² cm².
CHARGE_RADIUS_COUPLING_PER_CM2 = (
    math.sqrt(2.0) * math.pi * ALPHA / (3.0 * G_F_MeV2) / HBARC2_MeV2_cm2
)

# PDG νN parameters (PKK Eq. (15)).
_RHO, _KAPPA = 1.0082, 0.9972
_LAMBDA_UL, _LAMBDA_DL, _LAMBDA_DR = -0.0031, -0.0025, 3.7e-5
_LAMBDA_UR = _LAMBDA_DR / 2.0
_PKK_PRINTED_SW2 = 0.2382

# Erler & Su 2013 flavour-dependent couplings (PHYSICS §3.3).
_ERLER_SU_P = {"e": 0.0401, "mu": 0.0318}
_ERLER_SU_N = -0.5094

_LEPTON_MASS_MeV = {"e": M_E_MeV, "mu": M_MU_MeV, "tau": M_TAU_MeV}

# Fixed Gauss-Legendre nodes on [0, 1] for the loop integral over the Feynman parameter.
_GL_X, _GL_W = np.polynomial.legendre.leggauss(48)
_GL_X, _GL_W = 0.5 * (_GL_X + 1.0), 0.5 * _GL_W


def pdg_nucleon_couplings(s2_Z: float = SW2_MZ) -> tuple[float, float]:
    """PDG radiatively corrected νN vector couplings (PKK Eqs. (14)–(15)).

    g_u^L = ρ(½ − ⅔κ̂ŝ²) + λ^{uL}, g_d^L = ρ(−½ + ⅓κ̂ŝ²) + λ^{dL}, g_u^R = ρ(−⅔κ̂ŝ²) + λ^{uR},
    g_d^R = ρ(⅓κ̂ŝ²) + λ^{dR}; g_V^p = 2(g_u^L + g_u^R) + (g_d^L + g_d^R),
    g_V^n = (g_u^L + g_u^R) + 2(g_d^L + g_d^R), with ρ = 1.0082, κ̂ = 0.9972.

    Parameters
    ----------
    s2_Z : float
        MS-bar ŝ_Z² (0.23122 is the PDG definition; 0.2382 reproduces PKK's printed numbers).

    Examples
    --------
    >>> [round(g, 5) for g in pdg_nucleon_couplings()]
    [0.03055, -0.51211]
    """
    s2 = as_float(s2_Z, "s2_Z", minimum=0.0, maximum=1.0)
    ks = _KAPPA * s2
    guL = _RHO * (0.5 - 2.0 / 3.0 * ks) + _LAMBDA_UL
    gdL = _RHO * (-0.5 + 1.0 / 3.0 * ks) + _LAMBDA_DL
    guR = _RHO * (-2.0 / 3.0 * ks) + _LAMBDA_UR
    gdR = _RHO * (1.0 / 3.0 * ks) + _LAMBDA_DR
    gu, gd = guL + guR, gdL + gdR
    return 2.0 * gu + gd, gu + 2.0 * gd


def sm_neutrino_charge_radius_cm2(lepton: str) -> float:
    """SM neutrino charge radius ⟨r²_νℓ⟩ = −G_F/(2√2π²)[3 − 2 ln(m_ℓ²/M_W²)] in cm² (PHYSICS §7.7).

    Examples
    --------
    >>> round(sm_neutrino_charge_radius_cm2("e") / 1e-32, 3)
    -0.828
    """
    m = _LEPTON_MASS_MeV[check_choice(lepton, "lepton", _LEPTON_MASS_MeV)]
    value_MeV2 = (
        -G_F_MeV2 / (2.0 * math.sqrt(2.0) * math.pi**2) * (3.0 - 2.0 * math.log(m**2 / M_W_MeV**2))
    )
    return value_MeV2 * HBARC2_MeV2_cm2


def flavour_radius_shift(flavour: str, q_MeV: ArrayLike = 0.0) -> NDArray[np.float64]:
    """SM flavour-dependent shift of g_V^p relative to ν_μ from the lepton loop (see module doc).

    Δg_V^p(ν_ℓ, q) = (2α/π) ∫₀¹ x(1−x) ln[(m_μ² + x(1−x)q²)/(m_ℓ² + x(1−x)q²)] dx, which at
    q = 0 is (α/3π) ln(m_μ²/m_ℓ²) = −(√2πα/3G_F)(⟨r²_νℓ⟩ − ⟨r²_νμ⟩).

    Examples
    --------
    >>> round(float(flavour_radius_shift("nu_e")), 5)
    0.00826
    """
    lepton = lepton_of(flavour)
    q = as_array(q_MeV, "q_MeV", minimum=0.0)
    if lepton == "mu":
        return np.zeros_like(q)
    m2_l, m2_mu = _LEPTON_MASS_MeV[lepton] ** 2, M_MU_MeV**2
    xx = _GL_X * (1.0 - _GL_X)
    q2 = q[..., None] ** 2
    integrand = xx * np.log((m2_mu + xx * q2) / (m2_l + xx * q2))
    return 2.0 * ALPHA / math.pi * (integrand @ _GL_W)


def nucleon_couplings(
    scheme: str = "tree",
    *,
    sin2_theta_W: float = SW2_LOW,
    flavour: str | None = None,
    flavour_radius: bool = False,
    q_MeV: ArrayLike = 0.0,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Proton and neutron vector couplings (g_V^p, g_V^n) in the half normalisation.

    Parameters
    ----------
    scheme : {"tree", "pdg_nuN", "pkk_literal", "flavour"}
        Coupling scheme (module docstring).
    sin2_theta_W : float
        Weak mixing angle for ``"tree"`` (ignored by the other schemes, whose inputs are fixed).
    flavour : str, optional
        Incoming neutrino flavour; required by ``"flavour"`` and ``flavour_radius``.
    flavour_radius : bool
        Add the SM charge-radius flavour dependence of g_V^p relative to ν_μ.
    q_MeV : array_like
        Momentum transfer for the q-dependent flavour-radius term.

    Returns
    -------
    (g_V^p, g_V^n) : tuple of ndarray
        g_V^p has the shape of ``q_MeV``; g_V^n is a 0-d array.

    Examples
    --------
    >>> gp, gn = nucleon_couplings("tree")
    >>> round(float(gp), 5), float(gn)
    (0.02286, -0.5)
    """
    check_choice(scheme, "coupling scheme", COUPLING_SCHEMES)
    s2 = as_float(sin2_theta_W, "sin2_theta_W", minimum=0.0, maximum=1.0)
    if flavour is not None:
        check_flavour(flavour)
    if scheme == "tree":
        gp, gn = 0.5 - 2.0 * s2, -0.5
    elif scheme == "pdg_nuN":
        gp, gn = pdg_nucleon_couplings(SW2_MZ)
    elif scheme == "pkk_literal":
        gp, gn = pdg_nucleon_couplings(_PKK_PRINTED_SW2)
    else:
        if flavour is None:
            raise CevnsError("coupling scheme 'flavour' needs the neutrino flavour (flavour=...)")
        if flavour_radius:
            raise CevnsError(
                "flavour_radius=True cannot be combined with the 'flavour' coupling scheme: "
                "its couplings already contain the charge-radius splitting (double counting)"
            )
        lepton = lepton_of(flavour)
        if lepton == "tau":
            gp = _ERLER_SU_P["mu"] + float(flavour_radius_shift(flavour))
        else:
            gp = _ERLER_SU_P[lepton]
        gn = _ERLER_SU_N
    q = as_array(q_MeV, "q_MeV", minimum=0.0)
    gp_arr = np.full(q.shape, gp)
    if flavour_radius:
        if flavour is None:
            raise CevnsError("flavour_radius=True needs the neutrino flavour (flavour=...)")
        gp_arr = gp_arr + flavour_radius_shift(flavour, q)
    return gp_arr, np.asarray(gn)


# largest Z or N of a nucleus the weak charges accept
_MAX_NUCLEONS = 400


def weak_charge_half(
    Z: int, N: int, g_p: ArrayLike, g_n: ArrayLike, F_p: ArrayLike = 1.0, F_n: ArrayLike = 1.0
) -> NDArray[np.float64]:
    """Half-normalised weak charge 𝒬_V = Z g_V^p F_p + N g_V^n F_n (PKK Eq. (14); PHYSICS §0).

    Raises
    ------
    CevnsError
        Z or N not an integer in [0, 400]; couplings or form factors that are not numbers, do
        not broadcast together, or give a non-finite charge.

    Examples
    --------
    >>> round(float(weak_charge_half(55, 78, 0.02286, -0.5)), 4)
    -37.7427
    """
    Z = as_int(Z, "Z", minimum=0, maximum=_MAX_NUCLEONS)
    N = as_int(N, "N", minimum=0, maximum=_MAX_NUCLEONS)
    # on the rate engine's hot path: one pass over the result instead of checking every input
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            charge = Z * np.asarray(g_p) * np.asarray(F_p) + N * np.asarray(g_n) * np.asarray(F_n)
    except (TypeError, ValueError, OverflowError):
        charge = None
    if charge is None or charge.dtype.kind not in "fiu" or not np.all(np.isfinite(charge)):
        raise CevnsError(
            "g_p, g_n, F_p and F_n must be finite numbers or arrays that broadcast together, "
            f"with a finite weak charge; got g_p={shown(g_p)}, g_n={shown(g_n)}, "
            f"F_p={shown(F_p)}, F_n={shown(F_n)}"
        )
    return charge


def weak_charge_pdg(
    Z: int, N: int, g_p: ArrayLike, g_n: ArrayLike, F_p: ArrayLike = 1.0, F_n: ArrayLike = 1.0
) -> NDArray[np.float64]:
    """PDG weak charge Q_W = 2𝒬_V = Z(1 − 4 sin²θ_W) − N at tree level (Pandey Eq. (16)).

    Inputs and errors as for :func:`weak_charge_half`.
    """
    half = weak_charge_half(Z, N, g_p, g_n, F_p, F_n)
    if np.any(np.abs(half) > np.finfo(float).max / 2):
        raise CevnsError("the weak charge exceeds the float range")
    return 2.0 * half


class StandardModel(ValidatedParameters):
    """Standard-Model electroweak inputs of the CEvNS cross section.

    Passing ``physics=None`` to a cross section means ``StandardModel()`` with these defaults.
    """

    couplings = param.Selector(
        default="tree",
        objects=list(COUPLING_SCHEMES),
        doc="Nucleon coupling scheme: tree level, PDG νN (ŝ_Z² = 0.23122), PKK literal, "
        "or flavour-dependent (Erler & Su).",
        label="Nucleon coupling scheme",
        metadata={"unit": ""},
    )
    sin2_theta_W = param.Number(
        default=SW2_LOW,
        bounds=(0.0, 1.0),
        doc="Weak mixing angle sin²θ_W used by the tree-level couplings (MS-bar, Q → 0).",
        label="sin²θ_W",
        metadata={"unit": ""},
    )
    flavour_radius = param.Boolean(
        default=False,
        doc="Add the SM flavour-dependent charge-radius correction to g_V^p (relative to ν_μ).",
        label="SM flavour-dependent charge radius",
        metadata={"unit": ""},
    )

    def nucleon_couplings(
        self, flavour: str | None = None, q_MeV: ArrayLike = 0.0
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """(g_V^p, g_V^n) for this model; see :func:`nucleon_couplings`."""
        return nucleon_couplings(
            self.couplings,
            sin2_theta_W=self.sin2_theta_W,
            flavour=flavour,
            flavour_radius=self.flavour_radius,
            q_MeV=q_MeV,
        )

    @property
    def needs_flavour(self) -> bool:
        """Whether the couplings depend on the neutrino flavour."""
        return self.couplings == "flavour" or self.flavour_radius

    # Hooks of the cross section (CrossSectionConfig); NewPhysics overrides them.
    def vector_charge_squared(
        self, Z: int, N: int, flavour: str | None, q_MeV: NDArray, F_p: NDArray, F_n: NDArray
    ) -> NDArray[np.float64]:
        """Coherent vector charge squared |𝒬_αα|² + Σ_β≠α |𝒬_αβ|² (half normalisation).

        In the Standard Model only the flavour-diagonal 𝒬_V = Z g_V^p F_p + N g_V^n F_n.
        """
        g_p, g_n = self.nucleon_couplings(flavour, q_MeV)
        return weak_charge_half(Z, N, g_p, g_n, F_p, F_n) ** 2

    def incoherent_coefficients(
        self,
        nucleus: Any,
        flavour: str | None,
        T_MeV: NDArray,
        q_MeV: NDArray,
        F_p: NDArray,
        F_n: NDArray,
    ) -> tuple[NDArray, NDArray, NDArray] | None:
        """Terms added to dσ/dT that do not interfere with the SM (c₀, c₁, c₂ in MeV⁻³·Eᵏ).

        None in the Standard Model; new physics adds tensor, scalar and magnetic-moment terms.
        """
        return None

    def survival_probability(
        self, flavour: str, E_MeV: NDArray, distance_m: float | None, spread_m: float = 0.0
    ) -> NDArray[np.float64] | None:
        """Probability that a neutrino of this flavour arrives as an active one (None: 1);
        ``spread_m`` is the RMS spread of the baseline around ``distance_m``."""
        return None

    def appeared_flavours(self, flavour: str) -> tuple[str, ...]:
        """Flavours β ≠ α a neutrino of flavour α can arrive as (none in the SM)."""
        return ()

    def transition_probability(
        self,
        flavour_in: str,
        flavour_out: str,
        E_MeV: NDArray,
        distance_m: float | None,
        spread_m: float = 0.0,
    ) -> NDArray[np.float64] | None:
        """P(ν_α → ν_β) (None: 1 for β = α, and no flavour change in the SM)."""
        return None

    def zero_recoil_divergence(self, flavour: str | None = None) -> str | None:
        """What makes the number of recoils down to T = 0 infinite (None: it is finite).

        The Standard-Model dσ/dT is finite at T = 0; new physics with dσ/dT ∝ 1/T or 1/T²
        says which term it is.
        """
        return None
