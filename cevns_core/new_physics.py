"""New physics in CEvNS: one parameterised model, :class:`NewPhysics` (PHYSICS.md §7, §10).

``NewPhysics`` is a :class:`~cevns_core.weak_charges.StandardModel` with every effect of §7
switchable at once; all parameters default to zero, which is the Standard Model exactly. Pass it
as ``physics=`` to any cross section or rate. For incoming flavour α it builds (§7)

    dσ_α/dT = G_F²M/π (1 − T/E − MT/2E²) [ |𝒬_αα(q)|² + Σ_{β≠α} |𝒬_αβ(q)|² ]
              + dσ^T/dT + dσ^S/dT + dσ^EM/dT,

with 𝒬_αβ = Z g̃^p_αβ(q) F_p(q) + N g̃^n_αβ(q) F_n(q) in the *half* normalisation of the weak
charge (g_V^p = ½ − 2 sin²θ_W, g_V^n = −½; PHYSICS §0). The diagonal g̃_αα is the SM coupling
plus every vector-like shift (NSI, Z′, charge radius, millicharge); the flavour-changing
g̃_αβ (β ≠ α) hold only the flavour-changing pieces and add **in quadrature** (different final
state), not to the amplitude. Tensor, scalar and magnetic-moment terms flip chirality and add to
the cross section without interference. |q|² = 2MT + T² (exact three-momentum transfer) wherever
a propagator or 1/|q|² appears. Antineutrinos ν̄_α use the α entries everywhere.

Conventions of every model (the sources disagree; each choice below is stated once, here):

Vector NSI (§7.1; PKK Eqs. (35)–(37))
    ℒ = −2√2 G_F Σ ε^{qP}_{αβ} (ν̄_α γ^μ P_L ν_β)(q̄ γ_μ P q), ε^{qV} = ε^{qL} + ε^{qR}. In the half
    normalisation ε^{qV} adds to the quark vector coupling g_V^q, so per nucleon (p = uud,
    n = udd): g̃^p_αβ = g_V^p δ_αβ + 2ε^u_αβ + ε^d_αβ, g̃^n_αβ = g_V^n δ_αβ + ε^u_αβ + 2ε^d_αβ.
    ε^u and ε^d are independent parameters (never one reused for the other). ε_αβ is real and
    symmetric (ε_αβ = ε_βα; one parameter per pair). Pandey Eq. (53) swaps the Z and N
    coefficients and uses a doubled normalisation (ε added to g_n = −1): its ε are not ours.
    PKK Eq. (37) adds the flavour-changing ε linearly: here they are squared separately.
Tensor NSI (§7.2; PKK Eqs. (38)–(41))
    ℒ = −2√2 G_F Σ ε^{qT}_{αα} (ν̄_α σ^{μν} ν_α)(q̄ σ_μν q), flavour-diagonal only.
    dσ^T/dT = 4G_F²M/π 𝒬_T² (1 − MT/4E²), 𝒬_T = (2ε^{uT} + ε^{dT}) Z F_p + (ε^{uT} + 2ε^{dT}) N F_n.
    **UNSURE (physics):** PKK's "vector-type translation" with quark counting; realistic tensor
    nucleon charges differ from 2:1 counting and the coherence of tensor operators is debated.
Light vector Z′ (§7.3; PKK Eqs. (42)–(46))
    ℒ = Z′_μ (Σ_q g_q q̄γ^μ q + Σ_α g_{ν_α} ν̄_{αL} γ^μ ν_{αL}) + ½ M_Z′² Z′_μZ′^μ: each coupling
    enters the amplitude once per vertex, no ½ (a code writing g ν̄γ^μ(1 − γ₅)ν has twice our
    g_ν). t-channel exchange shifts the half-normalised charge,
    𝒬_V → 𝒬_V + g_ν Q_Z′(q)/(√2 G_F (|q|² + M_Z′²)), Q_Z′ = (2g_u + g_d) Z F_p + (g_u + 2g_d) N F_n;
    PKK Eq. (44) prints −1/(2√2 G_F): wrong by −2 (§10 #4). Models (``zprime_model``), with the
    single coupling g = ``zprime_coupling``:
    ``"universal"`` g_ν = g_u = g_d = g ⇒ Q_Z′ = 3Ag: destructive for g² > 0;
    ``"b_minus_l"`` g_q = g/3, g_ν = −g ⇒ shift −g²A F/(√2G_F(|q|² + M²)): constructive;
    ``"lmu_minus_ltau"`` (also ``"le_minus_lmu"``, ``"le_minus_ltau"``): for L_i − L_j the Z′
    couples to ν_i with +g, to ν_j with −g, not to quarks at tree level; the i, j lepton loops
    give the proton the coupling e ε(q) with
    ε(q) = (e g/2π²) ∫₀¹ x(1−x) ln[(m_j² + x(1−x)|q|²)/(m_i² + x(1−x)|q|²)] dx  (ε/g = 0.01443
    at q = 0 for L_μ − L_τ), so δ𝒬_V = ±g e ε(q) Z F_p/(√2 G_F(|q|² + M²)), + for ν_i, − for ν_j,
    0 for the third flavour. Sign convention: the loop of a fermion with Z′ charge c_f and
    electric charge Q_f induces a proton coupling −e Σ_f c_f Q_f (e/2π²) ∫x(1−x) ln(Λ²/Δ_f)
    (the same screening sign as vacuum polarisation), which gives +eε for the proton.
    **UNSURE** (PHYSICS §7.3): the overall sign of this interference has not been checked
    against the published COHERENT limits. Contact limit: :func:`epsilon_from_zprime`
    ε^{qV} = g_ν g_q/(√2 G_F M²); PKK Eq. (46) gives half (that is ε^{qL} = ε^{qR}, §10 #5).
Light scalar φ (§7.4; PKK Eqs. (47)–(51))
    ℒ = φ (g_ν ν̄ν + Σ_q g_q q̄q) − ½ M_φ² φ² with the universal g_ν = g_q = g = ``scalar_coupling``
    (PKK Eq. (51)); only ν̄_R ν_L acts on an incoming ν_L (helicity flip, no SM interference).
    dσ^S/dT = g_ν² Q_φ² M² T/(4π E² (|q|² + M_φ²)²), Q_φ = g Σ_{N=p,n} (count) s_N F_N with
    s_N = Σ_{u,d,s} (m_N/m_q) f^N_Tq + (2/27) f^N_TG Σ_{c,b,t} m_N/m_Q, f_TG = 1 − Σ f_Tq
    (:func:`scalar_charge_per_nucleon`): ``"eos2008"`` (Ellis, Olive & Savage 2008, default) or
    ``"hoferichter2015"`` f_Tq; ``"pkk_shortcut"`` Q_φ = (14A + 1.1Z) g of PKK Eq. (51)
    (**UNSURE**: not reproducible from any f_Tq set). PHYSICS §7.4 writes the heavy-quark term as
    (2/27) f_TG·3·g per nucleon, dropping the m_N/m_Q of its own formula; the package keeps
    m_N/m_Q (⟨N|Q̄Q|N⟩ = (2/27) f_TG m_N/m_Q), 0.8 % smaller: Q_φ ≈ (14.58A + 0.58Z) g.
Magnetic moment (§7.5; PKK Eqs. (54)–(61); Pandey Eqs. (54)–(56))
    ℒ = −½ μ_{ν} ν̄ σ^{μν} ν F_μν with μ_ν in Bohr magnetons μ_B = e/2m_e (effective moment of
    flavour α, parameters ``mu_nu_<α>_muB``). dσ^EM/dT = πα²μ_ν²Z²/m_e² (1/T − 1/E) F_p²(q)
    (additive; F_ch = F_p); ``mm_exact=True`` adds the exact spin-0 term +T/(4E²) (Pandey
    Eq. (56)). PKK Eq. (60) (preprint) lacks a 1/T; the additive form is used. Transition moments:
    :func:`effective_magnetic_moments` (PKK Eqs. (56)–(58)). At T = 0 the term is infinite.
Charge radius (§7.7; PKK Eq. (62); Pandey Eq. (57))
    Photon vertex −ie F_Q(q²) γ^μ, F_Q = q² ⟨r²_ν⟩/6. Coupling-level shift (default
    ``charge_radius_convention="coupling"``): g_V^p → g_V^p − (√2πα/3G_F) ⟨r²_να⟩, g_V^n unchanged
    (consistent with the SM radiative corrections: the SM radii give the 0.0083 ν_e − ν_μ
    splitting). ``"review"`` reproduces the printed sin²θ_W → sin²θ_W + (√2πα/3G_F)⟨r²⟩ of the
    reviews, i.e. twice the shift. **UNSURE (factor 2)**, see §7.7. Transition radii ⟨r²_αβ⟩ enter
    the flavour-changing charge with the same coefficient, |Z (√2πα/3G_F) ⟨r²_αβ⟩ F_p|².
    Do not combine with ``flavour_radius=True`` or ``couplings="flavour"`` and the SM radii
    (double counting).
Millicharge (§7.8)
    Photon vertex with F_Q(0) = q_ν (units of e): g_V^p → g_V^p + (2√2πα/G_F) q_να/|q|², i.e. a
    positive charge acts like a negative charge radius (F_Q/q² with spacelike q² = −|q|²).
    **UNSURE:** the sign relative to Cadeddu et al.; the magnitude is robust. Transition charges
    q_αβ add to the flavour-changing charges. |q|² is floored at (1 eV)² so T = 0 stays finite.
Sterile 3+1 (§7.9; PKK Eq. (63))
    P(ν_α → active) = 1 − 4|U_α4|² (1 − Σ_β |U_β4|²) sin²Δ with
    Δ = Δm²L/4E = 1.26693 Δm²[eV²] L[m]/E[MeV] — **sin²**, not sin. Same for ν̄_α (no matter
    effects). Applied to the flux in the rate engine at the source distance
    (``sterile_baseline_m`` overrides it); with no distance at all the oscillation is averaged
    (sin²Δ → ½). ``survival_probability`` returns None when the amplitude is zero, so the SM
    path is unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import param
from numpy.typing import ArrayLike, NDArray

from ._validation import as_array, as_float, check_choice, check_parameters
from .errors import CevnsError
from .flavours import lepton_of
from .units import (
    ALPHA,
    G_F_MeV2,
    HBARC_MeV_fm,
    M_E_MeV,
    M_MU_MeV,
    M_N_MeV,
    M_P_MeV,
    M_TAU_MeV,
)
from .weak_charges import CHARGE_RADIUS_COUPLING_PER_CM2, StandardModel, weak_charge_half

__all__ = [
    "CHARGE_RADIUS_CONVENTIONS",
    "LEPTONS",
    "NEW_PHYSICS_GROUPS",
    "NUCLEON_SCALAR_FRACTIONS",
    "OSCILLATION_PHASE_PER_EV2_M_PER_MEV",
    "SCALAR_CHARGES",
    "ZPRIME_MODELS",
    "MILLICHARGE_COUPLING_MeV2",
    "NewPhysics",
    "QUARK_MASSES_MeV",
    "effective_magnetic_moments",
    "epsilon_from_zprime",
    "kinetic_mixing_per_coupling",
    "mixing_from_sin2_2theta",
    "oscillation_phase",
    "scalar_charge_per_nucleon",
    "sin2_2theta_from_mixing",
    "sterile_survival_probability",
    "zprime_couplings",
]

Array = NDArray[np.float64]

#: Charged-lepton families, in the package's order.
LEPTONS: tuple[str, ...] = ("e", "mu", "tau")
_PAIRS: tuple[str, ...] = ("emu", "etau", "mutau")
_LEPTON_MASS_MeV = {"e": M_E_MeV, "mu": M_MU_MeV, "tau": M_TAU_MeV}

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

#: Scalar nuclear charge options (module docstring).
SCALAR_CHARGES: tuple[str, ...] = ("eos2008", "hoferichter2015", "pkk_shortcut")
#: Light-quark scalar fractions f_Tq^N: Ellis, Olive & Savage 2008 (used by Cerdeño et al. 2016)
#: and Hoferichter et al. 2015 (PRL 115, 092301; f_Ts = 0.043 from lattice), PHYSICS §7.4.
NUCLEON_SCALAR_FRACTIONS: dict[str, dict[str, dict[str, float]]] = {
    "eos2008": {
        "p": {"u": 0.020, "d": 0.026, "s": 0.118},
        "n": {"u": 0.014, "d": 0.036, "s": 0.118},
    },
    "hoferichter2015": {
        "p": {"u": 0.0208, "d": 0.0411, "s": 0.043},
        "n": {"u": 0.0189, "d": 0.0451, "s": 0.043},
    },
}
#: Quark masses in MeV: u, d, s MS-bar at 2 GeV; c, b MS-bar at their own scale; t pole (PDG 2024).
QUARK_MASSES_MeV: dict[str, float] = {
    "u": 2.16,
    "d": 4.67,
    "s": 93.4,
    "c": 1273.0,
    "b": 4183.0,
    "t": 172570.0,
}
_PKK_SHORTCUT = (15.1, 14.0)  # (14A + 1.1Z) = 15.1 Z + 14 N per unit g

#: Charge-radius conventions: coupling-level shift (default) or the reviews' printed sin²θ_W shift.
CHARGE_RADIUS_CONVENTIONS: tuple[str, ...] = ("coupling", "review")
#: 2√2 π α/G_F in MeV²: millicharge shift of g_V^p is this × q_ν/|q|² (PHYSICS §7.8).
MILLICHARGE_COUPLING_MeV2 = 2.0 * math.sqrt(2.0) * math.pi * ALPHA / G_F_MeV2
_Q2_FLOOR_MeV2 = 1e-12  # (1 eV)²: keeps the millicharge term finite at T = 0

#: Δm²L/(4E) per eV² m/MeV: 10⁻¹²/(4 ħc[MeV m]) = 1.26693 (PHYSICS §7.9).
OSCILLATION_PHASE_PER_EV2_M_PER_MEV = 1e-12 / (4.0 * HBARC_MeV_fm * 1e-15)

_SQRT2_GF = math.sqrt(2.0) * G_F_MeV2
_E_CHARGE = math.sqrt(4.0 * math.pi * ALPHA)

# Fixed Gauss-Legendre nodes on [0, 1] for the kinetic-mixing loop integral.
_GL_X, _GL_W = np.polynomial.legendre.leggauss(48)
_GL_X, _GL_W = 0.5 * (_GL_X + 1.0), 0.5 * _GL_W


def _pair(a: str, b: str) -> str:
    """Canonical name of an unordered lepton pair ("emu", "etau", "mutau")."""
    i, j = sorted((LEPTONS.index(a), LEPTONS.index(b)))
    return LEPTONS[i] + LEPTONS[j]


# ----------------------------------------------------------------------------------------------
# Stand-alone helpers
# ----------------------------------------------------------------------------------------------


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


def scalar_charge_per_nucleon(option: str = "eos2008") -> tuple[float, float]:
    """Scalar charges (s_p, s_n) per unit quark coupling: Q_φ = g (Z s_p F_p + N s_n F_n).

    s_N = Σ_{q=u,d,s} (m_N/m_q) f^N_Tq + (2/27) f^N_TG Σ_{Q=c,b,t} m_N/m_Q with
    f_TG = 1 − Σ_{u,d,s} f_Tq (PHYSICS §7.4; heavy quarks through the trace anomaly,
    ⟨N|Q̄Q|N⟩ = (2/27) f_TG m_N/m_Q). ``"pkk_shortcut"``: (14A + 1.1Z) of PKK Eq. (51), i.e.
    s_p = 15.1, s_n = 14 (UNSURE, see module docstring).

    Examples
    --------
    >>> [round(s, 3) for s in scalar_charge_per_nucleon("eos2008")]
    [15.157, 14.579]
    """
    check_choice(option, "scalar_charge", SCALAR_CHARGES)
    if option == "pkk_shortcut":
        return _PKK_SHORTCUT
    fractions = NUCLEON_SCALAR_FRACTIONS[option]
    out = []
    for nucleon, m_N in (("p", M_P_MeV), ("n", M_N_MeV)):
        f = fractions[nucleon]
        light = sum(m_N / QUARK_MASSES_MeV[q] * f[q] for q in ("u", "d", "s"))
        f_TG = 1.0 - sum(f.values())
        heavy = 2.0 / 27.0 * f_TG * sum(m_N / QUARK_MASSES_MeV[Q] for Q in ("c", "b", "t"))
        out.append(light + heavy)
    return out[0], out[1]


def effective_magnetic_moments(
    Lambda_e: complex = 0.0, Lambda_mu: complex = 0.0, Lambda_tau: complex = 0.0
) -> dict[str, float]:
    """Effective moments μ_να (μ_B) from Majorana transition moments Λ (PKK Eqs. (56)–(58)).

    Flavour basis, Λ_α = ε_αβγ λ_βγ: μ²_να = Σ_{β≠α} |Λ_β|², e.g. μ²_νe = |Λ_μ|² + |Λ_τ|²; the
    same for ν̄_α. The values can be passed as ``mu_nu_<α>_muB`` to :class:`NewPhysics`.

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


def oscillation_phase(dm2_eV2: ArrayLike, L_m: ArrayLike, E_MeV: ArrayLike) -> Array:
    """Oscillation phase Δ = Δm²L/(4E) = 1.26693 Δm²[eV²] L[m]/E[MeV] (PHYSICS §7.9).

    Examples
    --------
    >>> round(float(oscillation_phase(1.0, 19.3, 30.0)), 4)
    0.8151
    """
    dm2 = as_array(dm2_eV2, "dm2_eV2", minimum=0.0)
    L = as_array(L_m, "L_m", minimum=0.0)
    E = as_array(E_MeV, "E_MeV", minimum=0.0, inclusive=False)
    return OSCILLATION_PHASE_PER_EV2_M_PER_MEV * dm2 * L / E


def _check_mixing(U2: Mapping[str, float]) -> dict[str, float]:
    out = {}
    for lepton in LEPTONS:
        out[lepton] = as_float(U2.get(lepton, 0.0), f"|U_{lepton}4|^2", minimum=0.0, maximum=1.0)
    total = sum(out.values())
    if total > 1.0 + 1e-12:
        raise CevnsError(
            f"the sterile mixings must satisfy |U_e4|^2 + |U_mu4|^2 + |U_tau4|^2 <= 1 "
            f"(unitarity), got {total:g}"
        )
    return out


def sterile_survival_probability(
    flavour: str,
    E_MeV: ArrayLike,
    L_m: float | None,
    dm2_eV2: float,
    U2: Mapping[str, float],
) -> Array:
    """3+1 probability that ν_α (or ν̄_α) arrives as an active neutrino (PHYSICS §7.9).

    P = 1 − 4|U_α4|² (1 − Σ_β |U_β4|²) sin²(1.26693 Δm²[eV²] L[m]/E[MeV]) — sin², not sin.
    ``L_m=None`` averages the oscillation (sin² → ½).

    Parameters
    ----------
    flavour : str
        "nu_e", ..., "nubar_tau".
    E_MeV : array_like
        Neutrino energies (MeV > 0).
    L_m : float or None
        Baseline in metres.
    dm2_eV2 : float
        Δm²₄₁ in eV² (≥ 0).
    U2 : mapping
        {"e": |U_e4|², "mu": |U_μ4|², "tau": |U_τ4|²}; missing entries are 0.

    Examples
    --------
    >>> round(float(sterile_survival_probability("nu_e", 30.0, 19.3, 1.0, {"e": 0.25})), 4)
    0.6028
    """
    lepton = lepton_of(flavour)
    mixing = _check_mixing(U2)
    amplitude = 4.0 * mixing[lepton] * (1.0 - sum(mixing.values()))
    E = as_array(E_MeV, "E_MeV", minimum=0.0, inclusive=False)
    if L_m is None:
        return np.full(E.shape, 1.0 - 0.5 * amplitude)
    return 1.0 - amplitude * np.sin(oscillation_phase(dm2_eV2, L_m, E)) ** 2


def mixing_from_sin2_2theta(sin2_2theta: ArrayLike) -> Array:
    """|U_α4|² with 4|U_α4|²(1 − |U_α4|²) = sin²2θ_αα (one non-zero mixing; small branch).

    For scans in the usual (sin²2θ_αα, Δm²) plane: pass the result as ``U<α>4_sq``.

    Examples
    --------
    >>> round(float(mixing_from_sin2_2theta(0.1)), 6)
    0.025658
    """
    s = as_array(sin2_2theta, "sin2_2theta", minimum=0.0, maximum=1.0)
    return 0.5 * (1.0 - np.sqrt(1.0 - s))


def sin2_2theta_from_mixing(U_alpha4_sq: ArrayLike, U_total_sq: ArrayLike | None = None) -> Array:
    """Effective amplitude sin²2θ_αα = 4|U_α4|²(1 − Σ_β|U_β4|²) (Σ defaults to |U_α4|²).

    Examples
    --------
    >>> round(float(sin2_2theta_from_mixing(0.025658)), 4)
    0.1
    """
    u = as_array(U_alpha4_sq, "U_alpha4_sq", minimum=0.0, maximum=1.0)
    total = (
        u if U_total_sq is None else as_array(U_total_sq, "U_total_sq", minimum=0.0, maximum=1.0)
    )
    return 4.0 * u * (1.0 - total)


# ----------------------------------------------------------------------------------------------
# The model
# ----------------------------------------------------------------------------------------------


_GREEK = {"e": "e", "mu": "μ", "tau": "τ"}


def _nsi(quark: str, kind: str, pair: str) -> param.Number:
    """A real NSI coupling parameter; ``pair`` is a lepton ("e": the ee entry) or a pair."""
    label = "Vector" if kind == "V" else "Tensor"
    if pair in LEPTONS:
        what = f"ν_{_GREEK[pair]} → ν_{_GREEK[pair]} (flavour-conserving)"
    else:
        a = "e" if pair.startswith("e") else "mu"
        b = pair[len(a) :]
        what = f"ν_{_GREEK[a]} ↔ ν_{_GREEK[b]} (flavour-changing, added in quadrature)"
    return param.Number(
        default=0.0,
        bounds=(-10.0, 10.0),
        softbounds=(-1.0, 1.0),
        doc=f"{label} NSI ε^{{{quark}{kind}}} for {what}; dimensionless, real, relative to G_F "
        "(half normalisation, see cevns_core.new_physics).",
    )


def _diag(name: str) -> str:
    return name + name


class NewPhysics(StandardModel):
    """The Standard Model plus every new-physics effect of PHYSICS.md §7, all switchable at once.

    All parameters default to zero (the Standard Model exactly). Lagrangians, coupling
    conventions and the errors of the sources that were corrected are in the module docstring
    of :mod:`cevns_core.new_physics`; :data:`NEW_PHYSICS_GROUPS` lists the parameters of each
    model. Bad values raise :class:`~cevns_core.errors.CevnsError` at construction (and, for
    cross-parameter checks and non-finite values, at use).

    Parameter names: vector NSI ``eps_uV_<αβ>``, ``eps_dV_<αβ>`` (αβ ∈ ee, mumu, tautau, emu,
    etau, mutau); tensor NSI ``eps_uT_<αα>``, ``eps_dT_<αα>``; Z′ ``zprime_model``,
    ``zprime_coupling``, ``zprime_mass_MeV``; scalar ``scalar_coupling``, ``scalar_mass_MeV``,
    ``scalar_charge``; magnetic moment ``mu_nu_<α>_muB``, ``mm_exact``; charge radius
    ``r2_<α>_cm2``, ``r2_<αβ>_cm2``, ``charge_radius_convention``; millicharge
    ``millicharge_<α>``, ``millicharge_<αβ>`` (units of e); sterile ``dm2_41_eV2``, ``Ue4_sq``,
    ``Umu4_sq``, ``Utau4_sq``, ``sterile_baseline_m``.

    Examples
    --------
    >>> import cevns_core as cc
    >>> nsi = NewPhysics(eps_uV_ee=0.1)
    >>> sm = float(cc.differential_cross_section(30.0, 5.0, "Cs133", flavour="nu_e"))
    >>> round(float(cc.differential_cross_section(30.0, 5.0, "Cs133", nsi, flavour="nu_e")) / sm, 4)
    0.2519
    """

    # --- vector NSI (real, symmetric) ---
    eps_uV_ee = _nsi("u", "V", "e")
    eps_uV_mumu = _nsi("u", "V", "mu")
    eps_uV_tautau = _nsi("u", "V", "tau")
    eps_uV_emu = _nsi("u", "V", "emu")
    eps_uV_etau = _nsi("u", "V", "etau")
    eps_uV_mutau = _nsi("u", "V", "mutau")
    eps_dV_ee = _nsi("d", "V", "e")
    eps_dV_mumu = _nsi("d", "V", "mu")
    eps_dV_tautau = _nsi("d", "V", "tau")
    eps_dV_emu = _nsi("d", "V", "emu")
    eps_dV_etau = _nsi("d", "V", "etau")
    eps_dV_mutau = _nsi("d", "V", "mutau")
    # --- tensor NSI (flavour-diagonal) ---
    eps_uT_ee = _nsi("u", "T", "e")
    eps_uT_mumu = _nsi("u", "T", "mu")
    eps_uT_tautau = _nsi("u", "T", "tau")
    eps_dT_ee = _nsi("d", "T", "e")
    eps_dT_mumu = _nsi("d", "T", "mu")
    eps_dT_tautau = _nsi("d", "T", "tau")
    # --- light vector Z′ ---
    zprime_model = param.Selector(
        default="universal",
        objects=list(ZPRIME_MODELS),
        doc="Z′ model: universal (g_ν = g_q = g), B−L (g_q = g/3, g_ν = −g), or L_i − L_j "
        "(ν_i: +g, ν_j: −g, proton coupling from the lepton loop).",
    )
    zprime_coupling = param.Number(
        default=0.0,
        bounds=(0.0, 10.0),
        softbounds=(0.0, 1e-3),
        doc="Z′ gauge coupling g (dimensionless); 0 switches the Z′ off.",
    )
    zprime_mass_MeV = param.Number(
        default=100.0,
        bounds=(0.0, 1e7),
        inclusive_bounds=(False, True),
        softbounds=(0.1, 1e4),
        doc="Z′ mass M_Z′ in MeV.",
    )
    # --- light scalar ---
    scalar_coupling = param.Number(
        default=0.0,
        bounds=(0.0, 10.0),
        softbounds=(0.0, 1e-4),
        doc="Universal scalar coupling g = g_ν = g_q (dimensionless); 0 switches it off.",
    )
    scalar_mass_MeV = param.Number(
        default=100.0,
        bounds=(0.0, 1e7),
        inclusive_bounds=(False, True),
        softbounds=(0.1, 1e4),
        doc="Scalar mediator mass M_φ in MeV.",
    )
    scalar_charge = param.Selector(
        default="eos2008",
        objects=list(SCALAR_CHARGES),
        doc="Nuclear scalar charge: f_Tq of Ellis-Olive-Savage 2008, of Hoferichter et al. "
        "2015, or PKK's (14A + 1.1Z) shortcut.",
    )
    # --- magnetic moment ---
    mu_nu_e_muB = param.Number(
        default=0.0,
        bounds=(0.0, 1e-6),
        softbounds=(0.0, 1e-9),
        doc="Effective magnetic moment of ν_e (and ν̄_e) in Bohr magnetons μ_B.",
    )
    mu_nu_mu_muB = param.Number(
        default=0.0,
        bounds=(0.0, 1e-6),
        softbounds=(0.0, 1e-9),
        doc="Effective magnetic moment of ν_μ (and ν̄_μ) in Bohr magnetons μ_B.",
    )
    mu_nu_tau_muB = param.Number(
        default=0.0,
        bounds=(0.0, 1e-6),
        softbounds=(0.0, 1e-9),
        doc="Effective magnetic moment of ν_τ (and ν̄_τ) in Bohr magnetons μ_B.",
    )
    mm_exact = param.Boolean(
        default=False,
        doc="Magnetic moment: add the exact spin-0 term +T/(4E²) to (1/T − 1/E).",
    )
    # --- charge radius ---
    r2_e_cm2 = param.Number(
        default=0.0,
        bounds=(-1e-28, 1e-28),
        softbounds=(-1e-30, 1e-30),
        doc="Charge radius ⟨r²_νe⟩ in cm² (ν_e and ν̄_e).",
    )
    r2_mu_cm2 = param.Number(
        default=0.0,
        bounds=(-1e-28, 1e-28),
        softbounds=(-1e-30, 1e-30),
        doc="Charge radius ⟨r²_νμ⟩ in cm² (ν_μ and ν̄_μ).",
    )
    r2_tau_cm2 = param.Number(
        default=0.0,
        bounds=(-1e-28, 1e-28),
        softbounds=(-1e-30, 1e-30),
        doc="Charge radius ⟨r²_ντ⟩ in cm² (ν_τ and ν̄_τ).",
    )
    r2_emu_cm2 = param.Number(
        default=0.0,
        bounds=(-1e-28, 1e-28),
        softbounds=(-1e-30, 1e-30),
        doc="Transition charge radius ⟨r²_eμ⟩ in cm² (flavour-changing, added in quadrature).",
    )
    r2_etau_cm2 = param.Number(
        default=0.0,
        bounds=(-1e-28, 1e-28),
        softbounds=(-1e-30, 1e-30),
        doc="Transition charge radius ⟨r²_eτ⟩ in cm² (flavour-changing, added in quadrature).",
    )
    r2_mutau_cm2 = param.Number(
        default=0.0,
        bounds=(-1e-28, 1e-28),
        softbounds=(-1e-30, 1e-30),
        doc="Transition charge radius ⟨r²_μτ⟩ in cm² (flavour-changing, added in quadrature).",
    )
    charge_radius_convention = param.Selector(
        default="coupling",
        objects=list(CHARGE_RADIUS_CONVENTIONS),
        doc="'coupling': g_V^p → g_V^p − (√2πα/3G_F)⟨r²⟩ (PHYSICS §7.7); 'review': the "
        "printed sin²θ_W shift of PKK Eq. (62)/Pandey Eq. (57), twice as large.",
    )
    # --- millicharge ---
    millicharge_e = param.Number(
        default=0.0,
        bounds=(-1e-2, 1e-2),
        softbounds=(-1e-7, 1e-7),
        doc="Electric charge of ν_e in units of the elementary charge e.",
    )
    millicharge_mu = param.Number(
        default=0.0,
        bounds=(-1e-2, 1e-2),
        softbounds=(-1e-7, 1e-7),
        doc="Electric charge of ν_μ in units of the elementary charge e.",
    )
    millicharge_tau = param.Number(
        default=0.0,
        bounds=(-1e-2, 1e-2),
        softbounds=(-1e-7, 1e-7),
        doc="Electric charge of ν_τ in units of the elementary charge e.",
    )
    millicharge_emu = param.Number(
        default=0.0,
        bounds=(-1e-2, 1e-2),
        softbounds=(-1e-7, 1e-7),
        doc="Transition charge q_eμ in units of e (flavour-changing, added in quadrature).",
    )
    millicharge_etau = param.Number(
        default=0.0,
        bounds=(-1e-2, 1e-2),
        softbounds=(-1e-7, 1e-7),
        doc="Transition charge q_eτ in units of e (flavour-changing, added in quadrature).",
    )
    millicharge_mutau = param.Number(
        default=0.0,
        bounds=(-1e-2, 1e-2),
        softbounds=(-1e-7, 1e-7),
        doc="Transition charge q_μτ in units of e (flavour-changing, added in quadrature).",
    )
    # --- sterile 3+1 ---
    dm2_41_eV2 = param.Number(
        default=0.0,
        bounds=(0.0, 1e4),
        softbounds=(0.0, 10.0),
        doc="Sterile mass splitting Δm²₄₁ in eV² (0: no oscillation).",
    )
    Ue4_sq = param.Number(
        default=0.0, bounds=(0.0, 1.0), softbounds=(0.0, 0.1), doc="Sterile mixing |U_e4|²."
    )
    Umu4_sq = param.Number(
        default=0.0, bounds=(0.0, 1.0), softbounds=(0.0, 0.1), doc="Sterile mixing |U_μ4|²."
    )
    Utau4_sq = param.Number(
        default=0.0, bounds=(0.0, 1.0), softbounds=(0.0, 0.1), doc="Sterile mixing |U_τ4|²."
    )
    sterile_baseline_m = param.Number(
        default=None,
        allow_None=True,
        bounds=(0.0, 1e13),
        inclusive_bounds=(False, True),
        doc="Baseline L in m for the oscillation; None uses the source's distance (and averages "
        "the oscillation when the source has none).",
    )

    def __init__(self, **params: Any) -> None:
        check_parameters(type(self), params)
        try:
            super().__init__(**params)
        except CevnsError:
            raise
        except ValueError as exc:  # param's own checks
            raise CevnsError(str(exc)) from exc
        self._check()
        self._checked = True

    # ------------------------------------------------------------------ validation and state
    def _check(self) -> None:
        """Finite values and unitarity of the sterile mixing (raises CevnsError)."""
        for key, p in type(self).param.objects("existing").items():
            if isinstance(p, param.Number) and not isinstance(p, param.Integer):
                value = getattr(self, key)
                if value is not None and not math.isfinite(value):
                    raise CevnsError(f"{key} must be finite, got {value!r}")
        _check_mixing({"e": self.Ue4_sq, "mu": self.Umu4_sq, "tau": self.Utau4_sq})

    def _check_once(self) -> None:
        """:meth:`_check` where the model is used, skipped while no parameter has been assigned
        since it last passed (the rate engine asks on every hook call)."""
        if not getattr(self, "_checked", False):
            self._check()
            self._checked = True

    def _parameter_set(self, name: str) -> None:
        self._checked = False

    def _values(self, template: str) -> list[float]:
        return [getattr(self, template.format(lepton)) for lepton in LEPTONS]

    def _vector_diagonal_active(self) -> bool:
        keys = ("eps_uV_{}", "eps_dV_{}")
        nsi = any(getattr(self, k.format(_diag(lepton))) != 0.0 for k in keys for lepton in LEPTONS)
        return (
            nsi
            or any(v != 0.0 for v in self._values("r2_{}_cm2"))
            or any(v != 0.0 for v in self._values("millicharge_{}"))
            or self.zprime_coupling != 0.0
        )

    def _offdiagonal_active(self, pair: str) -> bool:
        return any(
            getattr(self, key.format(pair)) != 0.0
            for key in ("eps_uV_{}", "eps_dV_{}", "r2_{}_cm2", "millicharge_{}")
        )

    @property
    def needs_flavour(self) -> bool:
        """Whether the cross section depends on the neutrino flavour.

        True when any per-flavour parameter differs between e, μ, τ, any flavour-changing one is
        non-zero, an L_i − L_j Z′ is on, or the SM couplings are flavour dependent. The sterile
        mixing does not enter cross sections (only the flux, always per flavour) and is ignored.
        """
        if super().needs_flavour:
            return True
        templates = [
            "eps_uV_{0}{0}",
            "eps_dV_{0}{0}",
            "eps_uT_{0}{0}",
            "eps_dT_{0}{0}",
            "mu_nu_{0}_muB",
            "r2_{0}_cm2",
            "millicharge_{0}",
        ]
        for template in templates:
            if len({getattr(self, template.format(lepton)) for lepton in LEPTONS}) > 1:
                return True
        if any(self._offdiagonal_active(pair) for pair in _PAIRS):
            return True
        return self.zprime_model in _LOOP_MODELS and self.zprime_coupling != 0.0

    def active_groups(self) -> list[str]:
        """Names of the :data:`NEW_PHYSICS_GROUPS` with a non-SM setting (for display).

        Examples
        --------
        >>> NewPhysics(zprime_coupling=1e-4, Ue4_sq=0.1, dm2_41_eV2=1.0).active_groups()
        ['zprime', 'sterile']
        """
        active = []
        for group, names in NEW_PHYSICS_GROUPS.items():
            switches = [n for n in names if n in _GROUP_SWITCHES]
            if group == "sterile":
                on = self.dm2_41_eV2 != 0.0 and any(
                    getattr(self, n) != 0.0 for n in ("Ue4_sq", "Umu4_sq", "Utau4_sq")
                )
            else:
                on = any(getattr(self, n) != 0.0 for n in switches)
            if on:
                active.append(group)
        return active

    def _lepton(self, flavour: str | None) -> str:
        if flavour is None:
            if self.needs_flavour:
                raise CevnsError(
                    "the new-physics parameters depend on the neutrino flavour: "
                    "pass flavour='nu_e', 'nu_mu', ..."
                )
            return "e"  # every flavour has the same couplings
        return lepton_of(flavour)

    # ------------------------------------------------------------------ couplings
    def _radius_coefficient_per_cm2(self) -> float:
        factor = 2.0 if self.charge_radius_convention == "review" else 1.0
        return factor * CHARGE_RADIUS_COUPLING_PER_CM2

    def _zprime_shift(self, lepton: str, q2: Array) -> tuple[Array, Array]:
        """Z′ shift (δg^p, δg^n) of the diagonal nucleon couplings of ν_lepton."""
        zero = np.zeros_like(q2)
        if self.zprime_coupling == 0.0:
            return zero, zero
        c = zprime_couplings(self.zprime_model, self.zprime_coupling)
        g_nu = c["g_nu"][lepton]
        if g_nu == 0.0:
            return zero, zero
        propagator = 1.0 / (_SQRT2_GF * (q2 + self.zprime_mass_MeV**2))
        if self.zprime_model in _LOOP_MODELS:
            # proton coupling e·ε(q) from the lepton loop, none for the neutron
            e_eps = (
                _E_CHARGE
                * self.zprime_coupling
                * kinetic_mixing_per_coupling(np.sqrt(q2), self.zprime_model)
            )
            return g_nu * e_eps * propagator, zero
        g_u, g_d = c["g_u"], c["g_d"]
        return g_nu * (2.0 * g_u + g_d) * propagator, g_nu * (g_u + 2.0 * g_d) * propagator

    def effective_couplings(
        self, flavour: str | None = None, q_MeV: ArrayLike = 0.0
    ) -> dict[str, tuple[Array, Array]]:
        """Effective nucleon vector couplings g̃^{p,n}_{αβ}(q) for incoming ν_α (or ν̄_α).

        Half normalisation (PHYSICS §0, §7). Keys are the final flavours β ∈ {"e", "mu", "tau"}:
        the entry β = α is the SM coupling plus every vector-like shift (NSI, Z′, charge
        radius, millicharge); β ≠ α holds only the flavour-changing pieces (NSI ε_αβ,
        transition radius and charge), which add in quadrature in the cross section.

        Parameters
        ----------
        flavour : str, optional
            Incoming flavour; needed when :attr:`needs_flavour`.
        q_MeV : array_like
            Momentum transfer |q| in MeV (≥ 0).

        Returns
        -------
        dict
            β → (g̃^p_αβ, g̃^n_αβ), each an array with the shape of ``q_MeV``.

        Examples
        --------
        >>> c = NewPhysics(eps_uV_ee=0.1, eps_dV_ee=0.05).effective_couplings("nu_e")
        >>> round(float(c["e"][0]), 5), round(float(c["e"][1]), 5)
        (0.27286, -0.3)
        """
        self._check_once()
        alpha = self._lepton(flavour)
        q = as_array(q_MeV, "q_MeV", minimum=0.0)
        q2 = q * q
        inv_q2 = 1.0 / np.maximum(q2, _Q2_FLOOR_MeV2)
        k_r = self._radius_coefficient_per_cm2()
        out: dict[str, tuple[Array, Array]] = {}
        for beta in LEPTONS:
            key = _diag(alpha) if beta == alpha else _pair(alpha, beta)
            radius_key = alpha if beta == alpha else key
            eu = getattr(self, f"eps_uV_{key}")
            ed = getattr(self, f"eps_dV_{key}")
            r2 = getattr(self, f"r2_{radius_key}_cm2")
            qnu = getattr(self, f"millicharge_{radius_key}")
            dp = (2.0 * eu + ed) - k_r * r2 + MILLICHARGE_COUPLING_MeV2 * qnu * inv_q2
            dn = np.full(q.shape, eu + 2.0 * ed)
            if beta == alpha:
                g_p, g_n = self.nucleon_couplings(flavour, q)
                zp, zn = self._zprime_shift(alpha, q2)
                out[beta] = (g_p + dp + zp, g_n + dn + zn)
            else:
                out[beta] = (np.asarray(dp, dtype=float), dn)
        return out

    # ------------------------------------------------------------------ hooks
    def vector_charge_squared(
        self, Z: int, N: int, flavour: str | None, q_MeV: NDArray, F_p: NDArray, F_n: NDArray
    ) -> NDArray[np.float64]:
        """|𝒬_αα|² + Σ_β≠α |𝒬_αβ|², 𝒬_αβ = Z g̃^p_αβ F_p + N g̃^n_αβ F_n (half normalisation).

        Exactly the Standard-Model value when no vector-like effect is switched on.
        """
        self._check_once()
        alpha = self._lepton(flavour)
        pairs = [_pair(alpha, b) for b in LEPTONS if b != alpha]
        active_pairs = [p for p in pairs if self._offdiagonal_active(p)]
        if not self._vector_diagonal_active() and not active_pairs:
            return super().vector_charge_squared(Z, N, flavour, q_MeV, F_p, F_n)
        couplings = self.effective_couplings(flavour, q_MeV)
        g_p, g_n = couplings[alpha]
        total = weak_charge_half(Z, N, g_p, g_n, F_p, F_n) ** 2
        for beta in LEPTONS:
            if beta != alpha and _pair(alpha, beta) in active_pairs:
                g_p, g_n = couplings[beta]
                total = total + weak_charge_half(Z, N, g_p, g_n, F_p, F_n) ** 2
        return total

    def incoherent_coefficients(
        self,
        nucleus: Any,
        flavour: str | None,
        T_MeV: NDArray,
        q_MeV: NDArray,
        F_p: NDArray,
        F_n: NDArray,
    ) -> tuple[NDArray, NDArray, NDArray] | None:
        """Tensor, scalar and magnetic-moment terms as (c₀, c₁, c₂) of c₀ + c₁/E + c₂/E².

        Tensor: c₀ = 4G_F²M/π 𝒬_T², c₂ = −(MT/4) c₀; scalar: c₂ = g⁴ (Z s_p F_p + N s_n F_n)² M² T
        /(4π(|q|² + M_φ²)²); magnetic moment (K = πα²μ²Z²F_p²/m_e²): c₀ = K/T (∞ at T = 0),
        c₁ = −K, and c₂ = K T/4 with ``mm_exact``. None when all are off.
        """
        self._check_once()
        alpha = self._lepton(flavour)
        Z, N, M = nucleus.Z, nucleus.N, nucleus.mass_MeV
        T = np.asarray(T_MeV, dtype=float)
        shape = np.broadcast_shapes(T.shape, np.shape(F_p), np.shape(F_n))
        c0, c1, c2 = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        active = False
        eu, ed = getattr(self, f"eps_uT_{_diag(alpha)}"), getattr(self, f"eps_dT_{_diag(alpha)}")
        if eu != 0.0 or ed != 0.0:
            Q_T = (2.0 * eu + ed) * Z * F_p + (eu + 2.0 * ed) * N * F_n
            K_T = 4.0 * G_F_MeV2**2 * M / math.pi * Q_T**2
            c0 = c0 + K_T
            c2 = c2 - 0.25 * M * T * K_T
            active = True
        g = self.scalar_coupling
        if g != 0.0:
            s_p, s_n = scalar_charge_per_nucleon(self.scalar_charge)
            Q_phi = g * (Z * s_p * F_p + N * s_n * F_n)
            q2 = np.asarray(q_MeV, dtype=float) ** 2
            c2 = c2 + g**2 * Q_phi**2 * M**2 * T / (
                4.0 * math.pi * (q2 + self.scalar_mass_MeV**2) ** 2
            )
            active = True
        mu = getattr(self, f"mu_nu_{alpha}_muB")
        if mu != 0.0:
            K = math.pi * ALPHA**2 * mu**2 * Z**2 / M_E_MeV**2 * np.broadcast_to(F_p, shape) ** 2
            T_b = np.broadcast_to(T, shape)
            c0 = c0 + np.divide(K, T_b, out=np.full(shape, np.inf), where=T_b > 0)
            c1 = c1 - K
            if self.mm_exact:
                c2 = c2 + 0.25 * K * T_b
            active = True
        return (c0, c1, c2) if active else None

    def zero_recoil_divergence(self, flavour: str | None = None) -> str | None:
        """The term that makes the recoil count down to T = 0 infinite (for ``flavour``, or
        for any flavour when None), or None.

        A magnetic moment adds πα²μ_ν²Z²/m_e² (1/T − 1/E) F_p² to dσ/dT (PHYSICS §7.5): ∫ dT/T
        diverges logarithmically; a millicharge q_αβ adds a vector charge ∝ 1/q² ∝ 1/T to the
        α → β channel, squared 1/T² (PHYSICS §7.8).
        """
        alphas = LEPTONS if flavour is None else (lepton_of(flavour),)
        if any(getattr(self, f"mu_nu_{a}_muB") != 0.0 for a in alphas):
            return "a neutrino magnetic moment (dσ/dT ∝ 1/T)"
        keys = {a if a == b else _pair(a, b) for a in alphas for b in LEPTONS}
        if any(getattr(self, f"millicharge_{k}") != 0.0 for k in keys):
            return "a neutrino millicharge (dσ/dT ∝ 1/T²)"
        return None

    def survival_probability(
        self, flavour: str, E_MeV: NDArray, distance_m: float | None
    ) -> NDArray[np.float64] | None:
        """3+1 active survival probability (module docstring); None when it is identically 1.

        The baseline is ``sterile_baseline_m`` if set, else ``distance_m`` (the source's); with
        neither, the oscillation is averaged (sin²Δ → ½). E ≤ 0 (zero-weight quadrature nodes)
        also gets the averaged value.
        """
        self._check_once()
        if self.dm2_41_eV2 == 0.0:
            return None
        mixing = {"e": self.Ue4_sq, "mu": self.Umu4_sq, "tau": self.Utau4_sq}
        amplitude = 4.0 * mixing[lepton_of(flavour)] * (1.0 - sum(mixing.values()))
        if amplitude == 0.0:
            return None
        E = np.asarray(E_MeV, dtype=float)
        L = self.sterile_baseline_m if self.sterile_baseline_m is not None else distance_m
        if L is None:
            return np.full(E.shape, 1.0 - 0.5 * amplitude)
        L = as_float(L, "distance_m", minimum=0.0)
        positive = E > 0
        phase = np.divide(
            OSCILLATION_PHASE_PER_EV2_M_PER_MEV * self.dm2_41_eV2 * L,
            E,
            out=np.zeros(E.shape),
            where=positive,
        )
        sin2 = np.where(positive, np.sin(phase) ** 2, 0.5)
        return 1.0 - amplitude * sin2


def _nsi_names(quark: str, kind: str, pairs: tuple[str, ...]) -> list[str]:
    return [f"eps_{quark}{kind}_{p}" for p in pairs]


_DIAG = tuple(_diag(lepton) for lepton in LEPTONS)

#: Parameters of each model, in display order (the dashboard renders one panel per group).
NEW_PHYSICS_GROUPS: dict[str, list[str]] = {
    "nsi_vector": _nsi_names("u", "V", _DIAG + _PAIRS) + _nsi_names("d", "V", _DIAG + _PAIRS),
    "nsi_tensor": _nsi_names("u", "T", _DIAG) + _nsi_names("d", "T", _DIAG),
    "zprime": ["zprime_model", "zprime_coupling", "zprime_mass_MeV"],
    "scalar": ["scalar_coupling", "scalar_mass_MeV", "scalar_charge"],
    "magnetic_moment": ["mu_nu_e_muB", "mu_nu_mu_muB", "mu_nu_tau_muB", "mm_exact"],
    "charge_radius": [f"r2_{k}_cm2" for k in LEPTONS + _PAIRS] + ["charge_radius_convention"],
    "millicharge": [f"millicharge_{k}" for k in LEPTONS + _PAIRS],
    "sterile": ["dm2_41_eV2", "Ue4_sq", "Umu4_sq", "Utau4_sq", "sterile_baseline_m"],
}
# Parameters whose non-zero value switches a group on (options and masses do not).
_GROUP_SWITCHES = frozenset(
    name
    for names in NEW_PHYSICS_GROUPS.values()
    for name in names
    if not name.endswith(("_model", "_mass_MeV", "_charge", "_convention", "_baseline_m"))
    and name != "mm_exact"
)
