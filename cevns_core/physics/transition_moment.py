"""Majorana transition magnetic moments in the mass basis (PHYSICS.md §7.5; PKK Eqs. (54)–(61),
Fig. 14; Miranda, Papoulias, Tórtola & Valle, JHEP 07 (2019) 103, arXiv:1905.03750).

For Majorana neutrinos the moment matrix λ is antisymmetric (PKK Eq. (54)); in the mass basis
(PKK Eq. (58)) λ̃_ij = ε_ijk Λ_k with Λ_i = |Λ_i| e^{iζ_i} (μ_B; parameters
``tmm_Lambda<i>_muB`` and the CP phases ``tmm_zeta<i>_deg``). What a detector measures for a
neutrino that left the source as ν_α is the effective moment of PKK Eq. (56),

    μ²_eff = ã₋† λ̃† λ̃ ã₋ + ã₊† λ̃ λ̃† ã₊,   ã₋ = U† a₋,  ã₊ = Uᵀ a₊   (PKK Eq. (57)),

a₋ (a₊) the flavour amplitudes of the negative- (positive-) helicity state, i.e. a₋ = e_α for
ν_α and a₊ = e_α for ν̄_α; U the PMNS matrix (:func:`.oscillation.pmns_matrix`, parameters
``pmns_*``). Since λ̃ã = ã × Λ, the Lagrange identity gives the closed form used here:

    μ²_να = μ²_ν̄α = Σ_i |Λ_i|² − |Σ_i U_αi Λ_i|²                          (at the source),

e.g. for reactor ν̄_e: |Λ|² − |c₁₂c₁₃Λ₁ + s₁₂c₁₃Λ₂ + s₁₃e^{−iδ}Λ₃|², i.e.
|Λ|² − c₁₂²c₁₃²|Λ₁|² − s₁₂²c₁₃²|Λ₂|² − s₁₃²|Λ₃|² − 2c₁₂s₁₂c₁₃²|Λ₁||Λ₂|cos(ζ₁ − ζ₂)
− 2c₁₂c₁₃s₁₃|Λ₁||Λ₃|cos(ζ₁ − ζ₃ + δ) − 2s₁₂c₁₃s₁₃|Λ₂||Λ₃|cos(ζ₂ − ζ₃ + δ); for π-DAR ν_μ, ν̄_μ
the row U_μi, for ν_e the row U_ei. The flavour-basis limit (U = 1, Λ_i → Λ_α) is
μ²_να = Σ_{β≠α}|Λ_β|² (:func:`.magnetic_moment.effective_magnetic_moments`); in general
Λ_i = det(U) Σ_α U*_αi Λ_α (:func:`mass_basis_moments`) maps one basis onto the other.

Propagation. Over a baseline L the mass states pick up phases φ_i = Δm²_i1 L/(2E):
ã_i → U_αi e^{∓iφ_i} (ν̄: −, ν: +), :func:`effective_moment_squared_at`. At the CEvNS
baselines (≤ 30 m, E ≳ 1 MeV: φ₃ ≲ 0.2) the change is at most a few per cent of the interference
terms, so the rate uses ``tmm_regime="short_baseline"`` (the moment at the source, the
convention of Miranda et al. 2019); ``"incoherent"`` averages the phases (long baselines, the
Sun): μ² = |Λ|² − Σ_i |U_αi|²|Λ_i|² (Cañas et al., PLB 753 (2016) 191, arXiv:1510.01684).

The cross section is the additive form of §7.5 with μ² → μ²_eff (PKK Eqs. (59)–(61) with the
journal rendering of Eq. (60)): dσ/dT += πα²μ²_eff Z²/m_e² (1/T − 1/E [+ T/4E² with
``mm_exact``]) F_p², through :func:`.magnetic_moment.moment_coefficients`. Flavour-basis moments
``mu_nu_<α>_muB`` and transition moments both set add their μ² (two parametrisations of the same
helicity-flip term, both non-interfering).

**UNSURE.** (1) The identification a₊ ↔ ν̄ (positive helicity) in PKK Eq. (57) follows Grimus
et al., Nucl. Phys. B 648 (2003) 376, and Tórtola, hep-ph/0401135 (PKK refs. [134], [135]); the
closed form is the same for ν and ν̄ at the source, so only the propagation phases depend on it.
(2) The Majorana phases of U multiply Λ_i and are absorbed into ζ_i. (3) Whether PKK Fig. 14
(Miranda et al. 2019) sets δ_CP to 0 together with ζ_i or uses the global-fit δ: the caption
says only "vanishing CP phases ζ_i"; the default here is NuFIT 5.2 (δ = 197°), and ``pmns_
delta_cp_deg=0`` gives the all-real case.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array, as_float, check_choice
from ..flavours import is_antineutrino, lepton_of
from .base import LEPTONS, Effect, ScanVariant, Values, axis_from, choice, nonzero, number
from .magnetic_moment import moment_coefficients
from .oscillation import OSCILLATION_PHASE_PER_EV2_M_PER_MEV, PMNS_NUFIT52, pmns_matrix
from .registry import register_effect

__all__ = [
    "TMM_REGIMES",
    "TransitionMagneticMoment",
    "effective_moment_squared",
    "effective_moment_squared_at",
    "mass_basis_moments",
    "moment_matrix",
]

Array = NDArray[np.float64]

#: How the mass states reach the detector: coherently from the source, or averaged.
TMM_REGIMES: tuple[str, ...] = ("short_baseline", "incoherent")
_MASSES = ("1", "2", "3")


def moment_matrix(Lambda: ArrayLike) -> NDArray[np.complex128]:
    """The antisymmetric 3 × 3 matrix of PKK Eq. (58) from (Λ₁, Λ₂, Λ₃) (or Λ_e, Λ_μ, Λ_τ):
    ((0, Λ₃, −Λ₂), (−Λ₃, 0, Λ₁), (Λ₂, −Λ₁, 0)).

    Examples
    --------
    >>> moment_matrix([1, 2, 3]).real.tolist()
    [[0.0, 3.0, -2.0], [-3.0, 0.0, 1.0], [2.0, -1.0, 0.0]]
    """
    L = np.asarray(Lambda, dtype=complex)
    return np.array([[0, L[2], -L[1]], [-L[2], 0, L[0]], [L[1], -L[0], 0]], dtype=complex)


def mass_basis_moments(Lambda_flavour: ArrayLike, U: ArrayLike) -> NDArray[np.complex128]:
    """Λ_i of the mass basis from the flavour-basis Λ_α: λ̃ = UᵀλU (PKK Eq. (57)) gives
    Λ_i = det(U) Σ_α U*_αi Λ_α.

    Examples
    --------
    >>> np.allclose(mass_basis_moments([1e-10, 2e-10, 0.0], np.eye(3)), [1e-10, 2e-10, 0.0])
    True
    """
    U = np.asarray(U, dtype=complex)
    return np.linalg.det(U) * (U.conj().T @ np.asarray(Lambda_flavour, dtype=complex))


def _lambdas(Lambda_muB: Any, zeta_deg: Any) -> list[Any]:
    return [
        np.asarray(m) * np.exp(1j * math.radians(float(z)))
        for m, z in zip(Lambda_muB, zeta_deg, strict=True)
    ]


def effective_moment_squared(
    flavour: str,
    Lambda_muB: Any,
    zeta_deg: Any = (0.0, 0.0, 0.0),
    U: ArrayLike | None = None,
    regime: str = "short_baseline",
) -> Any:
    """μ²_eff (μ_B²) of a neutrino that left the source as ``flavour`` (module docstring).

    Parameters
    ----------
    flavour : str
        "nu_e", ..., "nubar_tau" (ν and ν̄ give the same value).
    Lambda_muB : sequence of 3
        |Λ₁|, |Λ₂|, |Λ₃| in μ_B (numbers or arrays that broadcast: a scan grid).
    zeta_deg : sequence of 3
        CP phases ζ_i in degrees.
    U : array_like, optional
        The 3 × 3 mixing matrix (default: :func:`.oscillation.pmns_matrix` at NuFIT 5.2).
    regime : {"short_baseline", "incoherent"}

    Examples
    --------
    >>> mu2 = effective_moment_squared("nubar_e", (0.0, 3e-10, 4e-10), U=np.eye(3))
    >>> round(float(mu2) / 1e-20, 6)
    25.0
    """
    check_choice(regime, "tmm_regime", TMM_REGIMES)
    row = (pmns_matrix() if U is None else np.asarray(U, dtype=complex))[
        LEPTONS.index(lepton_of(flavour))
    ]
    magnitudes = [np.asarray(m, dtype=float) for m in Lambda_muB]
    total = sum(m * m for m in magnitudes)
    if regime == "incoherent":
        seen = sum(abs(u) ** 2 * m * m for u, m in zip(row, magnitudes, strict=True))
    else:
        S = sum(u * lam for u, lam in zip(row, _lambdas(magnitudes, zeta_deg), strict=True))
        seen = S.real**2 + S.imag**2
    return np.maximum(total - seen, 0.0)  # ≥ 0 mathematically; clip rounding below zero


def effective_moment_squared_at(
    flavour: str,
    E_MeV: ArrayLike,
    L_m: float,
    Lambda_muB: Any,
    zeta_deg: Any = (0.0, 0.0, 0.0),
    U: ArrayLike | None = None,
    dm2_21_eV2: float = PMNS_NUFIT52["dm2_21_eV2"],
    dm2_31_eV2: float = PMNS_NUFIT52["dm2_31_eV2"],
) -> Array:
    """μ²_eff (μ_B²) at the detector after a baseline L for energies E (module docstring):
    |Λ|² − |Σ_i U_αi Λ_i e^{∓iφ_i}|², φ_i = Δm²_i1 L/(2E) (ν̄: −, ν: +).

    Examples
    --------
    >>> lam = (1e-10, 1e-10, 0.0)
    >>> at_source = effective_moment_squared("nubar_e", lam)
    >>> bool(np.isclose(effective_moment_squared_at("nubar_e", 3.0, 0.0, lam), at_source))
    True
    """
    E = as_array(E_MeV, "E_MeV", minimum=0.0, inclusive=False)
    L = as_float(L_m, "L_m", minimum=0.0)
    row = (pmns_matrix() if U is None else np.asarray(U, dtype=complex))[
        LEPTONS.index(lepton_of(flavour))
    ]
    sign = -1.0 if is_antineutrino(flavour) else 1.0
    per = 2.0 * OSCILLATION_PHASE_PER_EV2_M_PER_MEV * L / E  # Δm²L/(2E) per eV²
    phases = (0.0 * E, dm2_21_eV2 * per, dm2_31_eV2 * per)
    lam = _lambdas(Lambda_muB, zeta_deg)
    S = sum(u * x * np.exp(1j * sign * p) for u, x, p in zip(row, lam, phases, strict=True))
    total = sum(float(m) ** 2 for m in Lambda_muB)
    return np.maximum(total - np.abs(S) ** 2, 0.0)


# ------------------------------------------------------------------------------ the effect
def _magnitude(i: str) -> Any:
    return number(
        bounds=(0.0, 1e-6),
        softbounds=(0.0, 1e-9),
        label=f"|Λ_{i}|",
        unit="μ_B",
        doc=f"Majorana transition magnetic moment |Λ_{i}| of the mass basis (PKK Eq. (58)) in "
        "Bohr magnetons μ_B.",
    )


def _phase(i: str) -> Any:
    return number(
        bounds=(-360.0, 360.0),
        label=f"ζ_{i}",
        unit="°",
        doc=f"CP phase ζ_{i} of the transition moment Λ_{i} = |Λ_{i}| e^(iζ_{i}) in degrees.",
    )


def _sin2(default: float, ij: str) -> Any:
    return number(
        default,
        bounds=(0.0, 1.0),
        label=f"sin²θ_{ij}",
        unit="",
        doc=f"PMNS mixing sin²θ_{ij} for the transition moments (default NuFIT 5.2, normal "
        "ordering).",
    )


_PARAMETERS = {
    **{f"tmm_Lambda{i}_muB": _magnitude(i) for i in _MASSES},
    **{f"tmm_zeta{i}_deg": _phase(i) for i in _MASSES},
    "pmns_sin2_theta12": _sin2(PMNS_NUFIT52["sin2_theta12"], "12"),
    "pmns_sin2_theta13": _sin2(PMNS_NUFIT52["sin2_theta13"], "13"),
    "pmns_sin2_theta23": _sin2(PMNS_NUFIT52["sin2_theta23"], "23"),
    "pmns_delta_cp_deg": number(
        PMNS_NUFIT52["delta_cp_deg"],
        bounds=(-360.0, 360.0),
        label="δ_CP",
        unit="°",
        doc="Dirac CP phase δ of the PMNS matrix in degrees (default NuFIT 5.2, normal "
        "ordering: 197°).",
    ),
    "tmm_regime": choice(
        "short_baseline",
        TMM_REGIMES,
        label="Transition-moment regime",
        doc="'short_baseline': the mass states reach the detector coherently, as they left the "
        "source (reactor and π-DAR experiments); 'incoherent': their interference averaged "
        "out (long baselines, the Sun).",
    ),
}
_MAGNITUDES = tuple(f"tmm_Lambda{i}_muB" for i in _MASSES)


def _pair_variant(i: str, j: str) -> ScanVariant:
    (k,) = (m for m in _MASSES if m not in (i, j))

    def settings(point: Values) -> dict[str, Any]:
        return {
            f"tmm_Lambda{i}_muB": point[f"Lambda{i}_muB"],
            f"tmm_Lambda{j}_muB": point[f"Lambda{j}_muB"],
            f"tmm_Lambda{k}_muB": 0.0,
        }

    return ScanVariant(
        name=f"tmm_{i}{j}",
        title=f"transition magnetic moments |Λ_{i}|, |Λ_{j}| (μ_B), |Λ_{k}| = 0",
        axes=tuple(
            axis_from(
                _PARAMETERS[f"tmm_Lambda{n}_muB"],
                f"Lambda{n}_muB",
                f"|Λ_{n}| in Bohr magnetons",
                (0.0, 1e-9, 51, False),
            )
            for n in (i, j)
        ),
        settings=settings,
        flavour_dependent=True,
        figure="PKK Fig. 14",
        doc="CP phases and mixing from the experiment's physics (default ζ_i = 0, NuFIT 5.2)",
    )


@register_effect
class TransitionMagneticMoment(Effect):
    """Majorana transition magnetic moments Λ_i in the mass basis (module docstring)."""

    name = "transition_moment"
    title = "Transition magnetic moments (mass basis)"
    order = 55
    parameters = _PARAMETERS
    equation = (
        "dσ^EM/dT = πα²μ²_eff Z²/m_e² (1/T − 1/E) F_p²,  "
        "μ²_eff(ν_α, ν̄_α) = Σ_i|Λ_i|² − |Σ_i U_αi Λ_i|²"
    )
    source = "PHYSICS.md §7.5; PKK Eqs. (54)–(61); Miranda et al., JHEP 07 (2019) 103"
    figure = "PKK Fig. 14"
    scans = (_pair_variant("1", "2"), _pair_variant("1", "3"), _pair_variant("2", "3"))
    #: only the magnitudes switch the effect on (phases and mixing are its settings)
    switches = _MAGNITUDES

    def is_active(self, v: Values) -> bool:
        return any(nonzero(v[n]) for n in _MAGNITUDES)

    def needs_flavour(self, v: Values) -> bool:
        return self.is_active(v)  # μ²_eff differs between e, μ, τ for any mixing

    def moment_squared(self, v: Values, alpha: str) -> Any:
        if not self.is_active(v):
            return None
        U = pmns_matrix(
            v["pmns_sin2_theta12"],
            v["pmns_sin2_theta13"],
            v["pmns_sin2_theta23"],
            v["pmns_delta_cp_deg"],
        )
        return effective_moment_squared(
            f"nu_{alpha}",
            [v[n] for n in _MAGNITUDES],
            [v[f"tmm_zeta{i}_deg"] for i in _MASSES],
            U,
            v["tmm_regime"],
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
        mu2 = self.moment_squared(v, alpha)
        if mu2 is None or not nonzero(mu2):
            return None
        return moment_coefficients(np.sqrt(mu2), Z, T_MeV, F_p, bool(v["mm_exact"]))

    def divergence(self, v: Values, alphas: tuple[str, ...]) -> str | None:
        for a in alphas:
            mu2 = self.moment_squared(v, a)
            if mu2 is not None and nonzero(mu2):
                return "a neutrino transition magnetic moment (dσ/dT ∝ 1/T)"
        return None
