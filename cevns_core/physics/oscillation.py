"""Neutrino mixing and oscillation: the PMNS matrix and the 3+1 sterile probabilities.

Pure, vectorised functions shared by the effects of this package (not an effect itself).

**PMNS matrix** (PDG parametrisation, Review of Particle Physics, "Neutrino masses, mixing and
oscillations", Eq. (14.33)): U = R₂₃ U₁₃(δ) R₁₂, so U_e1 = c₁₂c₁₃, U_e2 = s₁₂c₁₃,
U_e3 = s₁₃e^{−iδ}, U_μ3 = s₂₃c₁₃, U_τ3 = c₂₃c₁₃. The Majorana phases are not included: wherever
the package uses U with Majorana transition moments they multiply Λ_i and are absorbed into the
phases ζ_i (:mod:`.transition_moment`). Default angles: :data:`PMNS_NUFIT52`.

**Sterile 3+1** (PHYSICS.md §7.9; PKK Eq. (63)), one dominant splitting
Δm²₄₁ ≈ Δm²₄₂ ≈ Δm²₄₃ ≡ Δm², Δ = Δm²L/4E = 1.26693 Δm²[eV²] L[m]/E[MeV], for α ≠ β active:

    P(ν_α → ν_β) = 4|U_α4|²|U_β4|² sin²Δ                      (appearance),
    P(ν_α → ν_α) = 1 − 4|U_α4|²(1 − |U_α4|²) sin²Δ              (disappearance),
    P(ν_α → ν_s) = 4|U_α4|²|U_s4|² sin²Δ, |U_s4|² = 1 − Σ_β|U_β4|² (one sterile state, unitarity),

which sum to 1; the active sum is PKK Eq. (63), 1 − 4|U_α4|²|U_s4|² sin²Δ. The same for ν̄
(only |U|² enter: no CP violation with one dominant splitting, no matter effects at these
baselines).

**Baseline averaging.** A source and a detector of finite size see a distribution of
baselines around L; sin²Δ is then averaged over it (:func:`oscillation_sin2` with
``spread_m`` = the RMS σ_L of the distribution), in closed form with k = 1.26693 Δm²/E:

    Gaussian:  ⟨sin²(kL′)⟩ = ½ − ½ cos(2kL) exp(−2k²σ_L²),
    uniform (full width w = √12 σ_L):  ⟨sin²(kL′)⟩ = ½ − ½ cos(2kL) sin(kw)/(kw).

Both reduce to sin²(kL) for σ_L → 0 and to ½ (full averaging) for kσ_L ≫ 1; they agree to
O(k⁴σ⁴). Suggested spreads (assumptions, not measurements): :data:`TYPICAL_BASELINE_SPREAD_M`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array, as_float, broadcast_shape, check_choice, shown
from ..errors import CevnsError
from ..flavours import FLAVOURS, is_antineutrino, lepton_of
from ..units import HBARC_MeV_fm

__all__ = [
    "BASELINE_PROFILES",
    "OSCILLATION_PHASE_PER_EV2_M_PER_MEV",
    "PMNS_NUFIT52",
    "STERILE",
    "TYPICAL_BASELINE_SPREAD_M",
    "check_sterile_mixing",
    "oscillation_phase",
    "oscillation_sin2",
    "pmns_matrix",
    "sterile_probabilities",
    "sterile_transition_probability",
]

Array = NDArray[np.float64]

_LEPTONS = ("e", "mu", "tau")
#: Ranges of the inputs: the energies of the cross sections (``ENERGY_RANGE_MeV``), Δm² up to
#: 10⁶ eV² (far beyond the averaged regime) and baselines up to 10²¹ m (30 kpc), so that the
#: phase Δm²L/E stays finite (Δm² = 1e308 or E = 5e-324 overflowed).
_E_RANGE_MeV = (1e-9, 1e6)
_MAX_DM2_eV2 = 1e6
_MAX_BASELINE_m = 1e21

#: Δm²L/(4E) per eV² m/MeV: 10⁻¹²/(4 ħc[MeV m]) = 1.26693 (PHYSICS §7.9).
OSCILLATION_PHASE_PER_EV2_M_PER_MEV = 1e-12 / (4.0 * HBARC_MeV_fm * 1e-15)

#: Three-flavour best fit, normal ordering, NuFIT 5.2 (2022) without the tabulated
#: Super-Kamiokande atmospheric χ² (with it: sin²θ₂₃ = 0.451, δ = 232°), www.nu-fit.org (method:
#: Esteban et al., JHEP 09 (2020) 178, arXiv:2007.14792).
PMNS_NUFIT52: dict[str, float] = {
    "sin2_theta12": 0.303,
    "sin2_theta13": 0.02203,
    "sin2_theta23": 0.572,
    "delta_cp_deg": 197.0,
    "dm2_21_eV2": 7.41e-5,
    "dm2_31_eV2": 2.511e-3,
}

#: Shapes of the baseline distribution for :func:`oscillation_sin2`.
BASELINE_PROFILES: tuple[str, ...] = ("gaussian", "uniform")

#: Suggested RMS spreads σ_L of the baseline (m) — stated assumptions, not published numbers.
#: Reactor: a power-reactor core seen from the side as a uniform disc of equivalent diameter
#: D ≈ 3.4 m (a 3–4 GW PWR core of ~190 assemblies), whose projection on the line of sight has
#: RMS D/4 ≈ 0.85 m; the detector (≲ 0.3 m) adds little in quadrature. π-DAR (SNS): pions stop
#: within ~0.3 m of the proton beam's path in the mercury target and the COHERENT detectors
#: are ≲ 0.5 m long: σ_L ≈ 0.15 m. Radioactive (⁵¹Cr): a ~0.1 m source and a ~1 m detector.
TYPICAL_BASELINE_SPREAD_M: dict[str, float] = {"reactor": 0.85, "pion_dar": 0.15, "cr51": 0.3}

#: Name of the sterile final state in :func:`sterile_probabilities`.
STERILE = "sterile"


# ------------------------------------------------------------------------------ PMNS
def pmns_matrix(
    sin2_theta12: float = PMNS_NUFIT52["sin2_theta12"],
    sin2_theta13: float = PMNS_NUFIT52["sin2_theta13"],
    sin2_theta23: float = PMNS_NUFIT52["sin2_theta23"],
    delta_cp_deg: float = PMNS_NUFIT52["delta_cp_deg"],
) -> NDArray[np.complex128]:
    """The 3 × 3 PMNS matrix U_αi (rows e, μ, τ; columns 1, 2, 3), PDG parametrisation.

    Examples
    --------
    >>> U = pmns_matrix()
    >>> round(float(abs(U[0, 2]) ** 2), 5), bool(np.allclose(U @ U.conj().T, np.eye(3)))
    (0.02203, True)
    """
    s2 = [
        as_float(x, name, minimum=0.0, maximum=1.0)
        for x, name in (
            (sin2_theta12, "sin2_theta12"),
            (sin2_theta13, "sin2_theta13"),
            (sin2_theta23, "sin2_theta23"),
        )
    ]
    s12, s13, s23 = (math.sqrt(x) for x in s2)
    c12, c13, c23 = (math.sqrt(1.0 - x) for x in s2)
    phase = np.exp(1j * math.radians(as_float(delta_cp_deg, "delta_cp_deg")))
    return np.array(
        [
            [c12 * c13, s12 * c13, s13 / phase],
            [-s12 * c23 - c12 * s23 * s13 * phase, c12 * c23 - s12 * s23 * s13 * phase, s23 * c13],
            [s12 * s23 - c12 * c23 * s13 * phase, -c12 * s23 - s12 * c23 * s13 * phase, c23 * c13],
        ],
        dtype=complex,
    )


# ------------------------------------------------------------------------------ phases
def oscillation_phase(dm2_eV2: ArrayLike, L_m: ArrayLike, E_MeV: ArrayLike) -> Array:
    """Oscillation phase Δ = Δm²L/(4E) = 1.26693 Δm²[eV²] L[m]/E[MeV] (PHYSICS §7.9).

    Examples
    --------
    >>> round(float(oscillation_phase(1.0, 19.3, 30.0)), 4)
    0.8151
    """
    dm2 = as_array(dm2_eV2, "dm2_eV2", minimum=0.0, maximum=_MAX_DM2_eV2)
    L = as_array(L_m, "L_m", minimum=0.0, maximum=_MAX_BASELINE_m)
    E = _energies(E_MeV)
    broadcast_shape(dm2_eV2=dm2, L_m=L, E_MeV=E)
    return OSCILLATION_PHASE_PER_EV2_M_PER_MEV * dm2 * L / E


def _energies(E_MeV: ArrayLike) -> Array:
    E = as_array(E_MeV, "E_MeV", minimum=0.0, inclusive=False, maximum=_E_RANGE_MeV[1])
    if E.size and E.min() < _E_RANGE_MeV[0]:
        lo, hi = _E_RANGE_MeV
        raise CevnsError(f"E_MeV must lie in [{lo:g}, {hi:g}] MeV, got {E.min():g}")
    return E


def _check_spread(spread_m: float, L_m: float, profile: str) -> float:
    check_choice(profile, "baseline profile", BASELINE_PROFILES)
    spread = as_float(spread_m, "spread_m (baseline RMS spread)", minimum=0.0)
    if spread > 0.5 * L_m:
        raise CevnsError(
            f"the baseline spread ({spread:g} m RMS) must be at most half the baseline "
            f"({L_m:g} m): the distribution is centred on L and must stay at L > 0"
        )
    return spread


def oscillation_sin2(
    dm2_eV2: float,
    L_m: float | None,
    E_MeV: Any,
    spread_m: float = 0.0,
    profile: str = "gaussian",
) -> Array:
    """sin²(Δm²L/4E) on an energy grid, averaged over a baseline distribution of RMS
    ``spread_m`` (module docstring); ½ (averaged) where L is None or E ≤ 0 (zero-weight
    quadrature nodes). The factor of the per-point probabilities and of the scans.

    Examples
    --------
    >>> [round(float(x), 4) for x in oscillation_sin2(1.0, 19.3, np.array([30.0, 0.0]))]
    [0.5296, 0.5]
    >>> round(float(oscillation_sin2(1.0, 20.0, 3.0, spread_m=0.85)), 4)
    0.6456
    """
    E = np.asarray(E_MeV, dtype=float)
    if L_m is None:
        return np.full(E.shape, 0.5)
    spread = _check_spread(spread_m, L_m, profile)
    positive = E > 0
    k = np.divide(
        OSCILLATION_PHASE_PER_EV2_M_PER_MEV * dm2_eV2, E, out=np.zeros(E.shape), where=positive
    )
    if spread == 0.0:
        value = np.sin(k * L_m) ** 2
    else:
        if profile == "gaussian":
            damping = np.exp(-2.0 * (k * spread) ** 2)
        else:  # uniform over a full width w = √12 σ: sinc(kw)
            damping = np.sinc(k * math.sqrt(12.0) * spread / math.pi)
        value = 0.5 - 0.5 * np.cos(2.0 * k * L_m) * damping
    return np.where(positive, value, 0.5)


# ------------------------------------------------------------------------------ sterile 3+1
def check_sterile_mixing(U2: Mapping[str, Any]) -> dict[str, Any]:
    """{"e", "mu", "tau"} → |U_α4|² (numbers or grid arrays) in [0, 1] with Σ ≤ 1 (unitarity).

    Missing entries are 0. Raises CevnsError naming the bad value, for a value that is not a
    mapping and for an unknown key (``{"e4": 0.1}`` would otherwise mean no mixing at all).
    """
    if not isinstance(U2, Mapping):
        raise CevnsError(
            f"the sterile mixings must be a mapping {{'e'|'mu'|'tau': |U_a4|^2}}, got {shown(U2)}"
        )
    unknown = [k for k in U2 if k not in _LEPTONS]
    if unknown:
        raise CevnsError(
            f"unknown sterile mixing {shown(unknown[0])}; use the keys: {', '.join(_LEPTONS)}"
        )
    out: dict[str, Any] = {}
    for lepton in _LEPTONS:
        value = U2.get(lepton, 0.0)
        arr = as_array(value, f"|U_{lepton}4|^2", minimum=0.0, maximum=1.0)
        out[lepton] = float(arr) if arr.ndim == 0 else arr
    total = np.max(out["e"] + out["mu"] + out["tau"])
    if total > 1.0 + 1e-12:
        raise CevnsError(
            f"the sterile mixings must satisfy |U_e4|^2 + |U_mu4|^2 + |U_tau4|^2 <= 1 "
            f"(unitarity), got {total:g}"
        )
    return out


def _amplitudes(lepton: str, U2: Mapping[str, Any]) -> dict[str, Any]:
    """The amplitudes A of P = A sin²Δ (β ≠ α, sterile) and of the disappearance 1 − A sin²Δ."""
    u_alpha = U2[lepton]
    sterile = 1.0 - (U2["e"] + U2["mu"] + U2["tau"])
    out = {beta: 4.0 * u_alpha * U2[beta] for beta in _LEPTONS if beta != lepton}
    out[lepton] = 4.0 * u_alpha * (1.0 - u_alpha)
    out[STERILE] = 4.0 * u_alpha * sterile
    return out


def sterile_probabilities(
    flavour: str,
    E_MeV: ArrayLike,
    L_m: float | None,
    dm2_eV2: float,
    U2: Mapping[str, float],
    spread_m: float = 0.0,
    profile: str = "gaussian",
) -> dict[str, Array]:
    """Every 3+1 transition probability of ν_α (or ν̄_α): final flavour → P(E) (module
    docstring). Keys: the three active flavours of the same kind ("nu_mu" or "nubar_mu"...) and
    :data:`STERILE`; the values sum to 1.

    Examples
    --------
    >>> p = sterile_probabilities("nu_mu", 30.0, 19.3, 1.0, {"e": 0.02, "mu": 0.03})
    >>> {k: round(float(v), 5) for k, v in p.items()}
    {'nu_e': 0.00127, 'nu_mu': 0.93835, 'nu_tau': 0.0, 'sterile': 0.06038}
    """
    lepton = lepton_of(flavour)
    kind = "nubar" if is_antineutrino(flavour) else "nu"
    mixing = check_sterile_mixing(U2)
    E = _energies(E_MeV)
    L = None if L_m is None else as_float(L_m, "L_m", minimum=0.0, maximum=_MAX_BASELINE_m)
    dm2 = as_float(dm2_eV2, "dm2_eV2", minimum=0.0, maximum=_MAX_DM2_eV2)
    s = oscillation_sin2(dm2, L, E, spread_m, profile)
    out: dict[str, Array] = {}
    for final, amplitude in _amplitudes(lepton, mixing).items():
        key = final if final == STERILE else f"{kind}_{final}"
        out[key] = 1.0 - amplitude * s if final == lepton else amplitude * s
    return {k: out[k] for k in (*(f"{kind}_{lp}" for lp in _LEPTONS), STERILE)}


def sterile_transition_probability(
    flavour_in: str,
    flavour_out: str,
    E_MeV: ArrayLike,
    L_m: float | None,
    dm2_eV2: float,
    U2: Mapping[str, float],
    spread_m: float = 0.0,
    profile: str = "gaussian",
) -> Array:
    """P(ν_α → ν_β) in the 3+1 scheme (module docstring); ``flavour_out`` an active flavour of
    the same kind as ``flavour_in`` or ``"sterile"``.

    Examples
    --------
    >>> round(float(sterile_transition_probability("nu_mu", "nu_e", 30.0, 19.3, 1.0,
    ...                                            {"e": 0.02, "mu": 0.03})), 5)
    0.00127
    """
    probabilities = sterile_probabilities(flavour_in, E_MeV, L_m, dm2_eV2, U2, spread_m, profile)
    if not isinstance(flavour_out, str) or flavour_out not in probabilities:
        allowed = ", ".join(probabilities)
        kind = "antineutrino" if is_antineutrino(flavour_in) else "neutrino"
        if flavour_out in FLAVOURS:
            raise CevnsError(
                f"flavour_out {shown(flavour_out)}: a {kind} stays a {kind}; allowed: {allowed}"
            )
        raise CevnsError(f"unknown flavour_out {shown(flavour_out)}; allowed: {allowed}")
    return probabilities[flavour_out]
