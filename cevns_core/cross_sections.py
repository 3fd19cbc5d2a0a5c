"""Standard-Model CEvNS cross sections (PHYSICS.md §3).

dσ/dT = G_F² M/π (1 − T/E − MT/2E²) 𝒬_V²(q),  𝒬_V = Z g_V^p F_p(q) + N g_V^n F_n(q)
(Pandey Eq. (17) in the half normalisation; PKK Eq. (13) drops T/E). Everything broadcasts over
neutrino energy ``E_MeV`` and recoil ``T_keV``; results are in cm² (per keV, per unit cos θ or per
steradian as the name says).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import MAX_ARRAY_POINTS, as_array, as_float, broadcast_shape, check_choice
from .errors import CevnsError
from .flavours import check_flavour
from .kinematics import (
    T_from_cos_theta_nu_keV,
    T_from_cos_theta_r_keV,
    dT_dcos_theta_nu_keV,
    dT_dcos_theta_r_keV,
)
from .nuclear_model import NuclearModel, nucleon_form_factors, params_for_nucleus
from .nuclei import Isotope, isotope
from .units import G_F_MeV2, HBARC2_MeV2_cm2, HBARC_MeV_fm
from .weak_charges import StandardModel

__all__ = [
    "AXIAL_COUPLING",
    "KINEMATICS",
    "NUCLEON_FORM_FACTORS",
    "ENERGY_RANGE_MeV",
    "MAX_RECOIL_keV",
    "axial_structure_factor_zero",
    "differential_cross_section",
    "dsigma_dOmega_nu",
    "dsigma_dOmega_recoil",
    "dsigma_dcos_theta_nu",
    "total_cross_section",
]

Array = NDArray[np.float64]

#: Kinematic bracket variants: exact ("full", Pandey Eq. (17)) or without T/E (PKK Eq. (13)).
KINEMATICS: tuple[str, ...] = ("full", "no_T_over_E")
#: Nucleon-level structure: none, or a common dipole G_D(q²) = (1 + q²/0.71 GeV²)⁻² (PHYSICS §3.6)
#: on top of the nuclear model; the default nuclear description (``proton_radius="measured"``)
#: already includes the dipole, so "dipole" goes with ``proton_radius="charge"`` or ``"point"``.
NUCLEON_FORM_FACTORS: tuple[str, ...] = ("none", "dipole")
#: Nucleon axial coupling g_A (PHYSICS §3.5).
AXIAL_COUPLING = 1.2754

#: Neutrino energies the cross sections accept (MeV): 1 meV to 1 TeV, beyond every source here
#: and inside the range where 1/E², E² and q² stay representable (1e-300 gave NaN, 1e308 inf).
ENERGY_RANGE_MeV = (1e-9, 1e6)
#: Largest recoil energy accepted (keV, 1 TeV); dσ/dT vanishes above T_max ≤ 2E anyway.
MAX_RECOIL_keV = 1e9

_DIPOLE_MASS2_MeV2 = 0.71e6
# Gauss-Legendre nodes on [0, 1] for the recoil-energy integral of σ(E).
_N_NODES = 128
_GL_X, _GL_W = np.polynomial.legendre.leggauss(_N_NODES)
_GL_X, _GL_W = 0.5 * (_GL_X + 1.0), 0.5 * _GL_W
# energies per block of the σ(E) quadrature: temporaries of (block, nodes) stay ~8 MB each
_ENERGY_BLOCK = 8192


def _energies(E_MeV: ArrayLike) -> Array:
    E = as_array(E_MeV, "E_MeV", minimum=0.0, inclusive=False, max_size=MAX_ARRAY_POINTS)
    lo, hi = ENERGY_RANGE_MeV
    outside = (E < lo) | (E > hi)
    if np.any(outside):
        raise CevnsError(f"E_MeV must lie in [{lo:g}, {hi:g}] MeV, got {E[outside].flat[0]:g}")
    return E


def _recoils_MeV(T_keV: ArrayLike) -> Array:
    T = as_array(T_keV, "T_keV", minimum=0.0)
    if np.any(T > MAX_RECOIL_keV):
        raise CevnsError(f"T_keV must be ≤ {MAX_RECOIL_keV:g} keV, got {T.max():g}")
    return T * 1e-3


def axial_structure_factor_zero(iso: str | Isotope, spin_expectation=None) -> float:
    """Low-q axial structure factor F_A(0) = (4/3)(J+1)/J g_A² (⟨S_p⟩ − ⟨S_n⟩)² (PHYSICS §3.5).

    Single-nucleus spin-expectation model with isovector g_A only (g_A^p = −g_A^n = g_A/2).
    The closed form's overall factor is marked UNSURE in the specification; the term is below
    1 % of the vector term for ¹³³Cs and ¹²⁷I, which is why it is off by default.

    Parameters
    ----------
    iso : str or Isotope
        Nucleus; J = 0 nuclei give 0.
    spin_expectation : (float, float), optional
        (⟨S_p⟩, ⟨S_n⟩) overriding the shipped shell-model values.

    Raises
    ------
    CevnsError
        For an odd nucleus without tabulated spin expectation values and none supplied.
    """
    nucleus = isotope(iso)
    if nucleus.spin is None:
        raise CevnsError(f"no ground-state spin is tabulated for {nucleus.name}")
    if nucleus.spin == 0:
        return 0.0
    expectation = spin_expectation if spin_expectation is not None else nucleus.spin_expectation
    if expectation is None:
        raise CevnsError(
            f"no spin expectation values are tabulated for {nucleus.name}; "
            "pass spin_expectation=(S_p, S_n)"
        )
    S_p = as_float(expectation[0], "spin_expectation[0]", minimum=-1.0, maximum=1.0)
    S_n = as_float(expectation[1], "spin_expectation[1]", minimum=-1.0, maximum=1.0)
    J = nucleus.spin
    return 4.0 / 3.0 * (J + 1.0) / J * AXIAL_COUPLING**2 * (S_p - S_n) ** 2


_OPTION_NAMES = (
    "flavour",
    "kinematics",
    "axial",
    "spin_expectation",
    "nucleon_form_factor",
    "form_factor_params",
)


@dataclass(frozen=True)
class CrossSectionConfig:
    """Validated inputs of one cross-section evaluation (nucleus, physics, model, options)."""

    nucleus: Isotope
    physics: StandardModel
    form_factor: str | NuclearModel
    form_factor_params: dict = field(default_factory=dict)
    flavour: str | None = None
    kinematics: str = "full"
    axial: bool = False
    spin_expectation: tuple[float, float] | None = None
    nucleon_form_factor: str = "none"

    @classmethod
    def make(
        cls, iso: str | Isotope, physics: Any, form_factor: Any, options: dict[str, Any]
    ) -> CrossSectionConfig:
        unknown = set(options) - set(_OPTION_NAMES)
        if unknown:
            raise CevnsError(
                f"unknown option(s) {', '.join(sorted(unknown))}; "
                f"allowed: {', '.join(_OPTION_NAMES)}"
            )
        if physics is None:
            physics = StandardModel()
        elif not isinstance(physics, StandardModel):
            raise CevnsError(
                "physics must be a StandardModel/NewPhysics model or None, "
                f"got {type(physics).__name__}"
            )
        if not isinstance(form_factor, str | NuclearModel):
            raise CevnsError(
                f"form_factor must be a model name or a NuclearModel, got {form_factor!r}"
            )
        settings = cls(
            nucleus=isotope(iso),
            physics=physics,
            form_factor=form_factor,
            form_factor_params=params_for_nucleus(options.get("form_factor_params") or {}, iso),
            flavour=options.get("flavour"),
            kinematics=options.get("kinematics", "full"),
            axial=bool(options.get("axial", False)),
            spin_expectation=options.get("spin_expectation"),
            nucleon_form_factor=options.get("nucleon_form_factor", "none"),
        )
        check_choice(settings.kinematics, "kinematics", KINEMATICS)
        check_choice(settings.nucleon_form_factor, "nucleon_form_factor", NUCLEON_FORM_FACTORS)
        if settings.nucleon_form_factor == "dipole":
            if isinstance(form_factor, NuclearModel):
                prescription = form_factor.proton_radius
            else:
                prescription = settings.form_factor_params.get("proton_radius", "measured")
            if prescription == "measured":
                raise CevnsError(
                    "nucleon_form_factor='dipole' would fold the nucleon dipole in twice: the "
                    "default nuclear description (proton_radius='measured') already includes it; "
                    "use it with proton_radius='charge' or 'point' in form_factor_params"
                )
        if settings.flavour is not None:
            check_flavour(settings.flavour)
        elif physics.needs_flavour:
            raise CevnsError(
                "the chosen couplings depend on the neutrino flavour: "
                "pass flavour='nu_e', 'nu_mu', ..."
            )
        if isinstance(form_factor, str):  # fail early on an unknown model or parameter
            nucleon_form_factors(0.0, settings.nucleus, form_factor, **settings.form_factor_params)
        return settings

    def form_factors(self, q_MeV: Array) -> tuple[Array, Array]:
        """(F_p, F_n) at momentum transfer q (MeV), with the optional nucleon dipole folded in."""
        q_fm = q_MeV / HBARC_MeV_fm
        if isinstance(self.form_factor, NuclearModel):
            F_p, F_n = self.form_factor.F_p(q_fm), self.form_factor.F_n(q_fm)
        else:
            F_p, F_n = nucleon_form_factors(
                q_fm, self.nucleus, self.form_factor, **self.form_factor_params
            )
        if self.nucleon_form_factor == "dipole":
            dipole = (1.0 + q_MeV**2 / _DIPOLE_MASS2_MeV2) ** -2
            F_p, F_n = F_p * dipole, F_n * dipole
        return F_p, F_n

    def weak_charge_squared(self, q_MeV: Array) -> Array:
        """Coherent vector charge squared, half normalisation: 𝒬_V² in the Standard Model;
        with new physics the flavour-changing charges are added in quadrature."""
        F_p, F_n = self.form_factors(q_MeV)
        return self.physics.vector_charge_squared(
            self.nucleus.Z, self.nucleus.N, self.flavour, q_MeV, F_p, F_n
        )

    def coefficients(
        self, T: Array, *, form_factors: tuple[Array, Array] | None = None
    ) -> tuple[Array, Array, Array]:
        """Coefficients (c₀, c₁, c₂) of dσ/dT = c₀(T) + c₁(T)/E + c₂(T)/E² (MeV⁻³, MeV⁻², MeV⁻¹).

        Valid for E ≥ E_min(T) (zero below). Standard Model (Pandey Eqs. (17), (33)):
        V(1 − T/E − MT/2E²) + A(1 − T/E + MT/2E²) with V = G_F² M/π 𝒬_V²(q) and the axial
        A = G_F² M/(4π) F_A(0) F_p(q)²; T/E dropped for ``kinematics="no_T_over_E"``. New
        physics adds its non-interfering terms in the same form (physics hook
        ``incoherent_coefficients``). Every model has this form, so the rate engine integrates
        1, 1/E, 1/E² against the flux once and reuses the coefficients (DESIGN §6).

        ``form_factors`` = (F_p, F_n) at q(T) = √(2MT + T²) may be passed when already known
        (they do not depend on the flavour: the rate engine evaluates them once per nucleus).
        """
        M = self.nucleus.mass_MeV
        q_MeV = np.sqrt(2.0 * M * T + T**2)
        F_p, F_n = self.form_factors(q_MeV) if form_factors is None else form_factors
        charge2 = self.physics.vector_charge_squared(
            self.nucleus.Z, self.nucleus.N, self.flavour, q_MeV, F_p, F_n
        )
        vector = G_F_MeV2**2 * M / np.pi * charge2
        F_A0 = (
            axial_structure_factor_zero(self.nucleus, self.spin_expectation) if self.axial else 0.0
        )
        if F_A0 > 0:
            axial = G_F_MeV2**2 * M / (4.0 * np.pi) * F_A0 * F_p**2
        else:
            axial = np.zeros_like(vector)
        both = vector + axial
        c0 = both
        c1 = -T * both if self.kinematics == "full" else np.zeros_like(both)
        c2 = 0.5 * M * T * (axial - vector)
        extra = self.physics.incoherent_coefficients(self.nucleus, self.flavour, T, q_MeV, F_p, F_n)
        if extra is not None:
            c0, c1, c2 = c0 + extra[0], c1 + extra[1], c2 + extra[2]
        return c0, c1, c2

    def dsigma_dT_MeV(self, E: Array, T: Array) -> Array:
        """dσ/dT in MeV⁻³ for E, T in MeV (broadcast); zero above T_max(E)."""
        M = self.nucleus.mass_MeV
        c0, c1, c2 = self.coefficients(T)
        E, T = np.broadcast_arrays(E, T)
        allowed = (E > 0) & (T <= 2.0 * E**2 / (M + 2.0 * E))
        inv_E = 1.0 / np.where(allowed, E, 1.0)
        value = c0 + c1 * inv_E + c2 * inv_E**2
        # The vector bracket vanishes at T_max: clip its rounding residue.
        return np.where(allowed, np.clip(value, 0.0, None), 0.0)


def differential_cross_section(
    E_MeV: ArrayLike,
    T_keV: ArrayLike,
    isotope_name: str | Isotope,
    physics: StandardModel | None = None,
    form_factor: str | NuclearModel = "helm",
    **options: Any,
) -> Array:
    """CEvNS differential cross section dσ/dT in cm²/keV (PHYSICS §3.1).

    dσ/dT = G_F² M/π (1 − T/E − MT/2E²) 𝒬_V²(q), |q|² = 2MT + T² (Pandey Eq. (17) in the half
    normalisation; PKK Eq. (13) with ``kinematics="no_T_over_E"``). The bracket is zero above
    T_max(E). With ``axial=True`` the axial term of Pandey Eq. (33) is added (§3.5).

    Parameters
    ----------
    E_MeV : array_like
        Neutrino energy (MeV), > 0; broadcast against ``T_keV``.
    T_keV : array_like
        Nuclear recoil energy (keV), ≥ 0.
    isotope_name : str or Isotope
        Target nucleus, e.g. ``"Cs133"``.
    physics : StandardModel, optional
        Electroweak inputs (and new physics); ``None`` is the default Standard Model.
    form_factor : str or NuclearModel
        Registry name of the nuclear model (``form_factor_models()``) or a configured
        :class:`NuclearModel` (e.g. with a neutron skin).
    **options
        Keyword options: ``flavour`` (incoming flavour, needed only when the couplings depend on
        it), ``kinematics`` ("full" or "no_T_over_E"), ``axial`` (add the axial term of odd
        nuclei), ``spin_expectation`` ((S_p, S_n) override for it), ``nucleon_form_factor``
        ("none" or "dipole", PHYSICS §3.6; "dipole" only with ``proton_radius`` "charge" or
        "point"), ``form_factor_params`` (dict: ``skin_fm``, ``R_n_fm``, ``proton_radius`` and
        the model's own parameters, defaults of :func:`~cevns_core.nucleon_form_factors`: the
        skin systematics and the measured-radius anchoring; a value may be a mapping isotope
        name or element symbol → value, resolved per nucleus by
        :func:`~cevns_core.nuclear_model.params_for_nucleus`).

    Returns
    -------
    ndarray
        dσ/dT in cm²/keV with the broadcast shape of E and T.

    Raises
    ------
    CevnsError
        For non-positive or non-finite energies, negative recoils, unknown isotope, model or
        option, or when every requested recoil lies above T_max(E).

    Examples
    --------
    >>> round(float(differential_cross_section(30.0, 10.0, "Cs133")) / 1e-39, 4)
    0.5433
    >>> review = {"form_factor_params": {"skin_fm": 0.0, "proton_radius": "charge"}}
    >>> round(float(differential_cross_section(30.0, 10.0, "Cs133", **review)) / 1e-39, 4)
    0.5605
    """
    E = _energies(E_MeV)
    T = _recoils_MeV(T_keV)
    shape = broadcast_shape(E_MeV=E, T_keV=T)
    settings = CrossSectionConfig.make(isotope_name, physics, form_factor, options)
    M = settings.nucleus.mass_MeV
    T_top = 2.0 * E**2 / (M + 2.0 * E)
    if T.size and E.size and np.all(np.broadcast_to(T > T_top, shape)):
        raise CevnsError(
            f"every requested T_keV (min {T.min() * 1e3:g}) exceeds the kinematic limit "
            f"T_max = {T_top.max() * 1e3:g} keV of {settings.nucleus.name} at E_MeV = {E.max():g}"
        )
    return settings.dsigma_dT_MeV(E, T) * HBARC2_MeV2_cm2 * 1e-3


def total_cross_section(
    E_MeV: ArrayLike,
    isotope_name: str | Isotope,
    physics: StandardModel | None = None,
    form_factor: str | NuclearModel = "helm",
    **options: Any,
) -> Array:
    """Total CEvNS cross section σ(E) = ∫₀^{T_max} dσ/dT dT in cm² (PHYSICS §3.2).

    Fixed 128-node Gauss–Legendre quadrature in T on [0, T_max(E)], vectorised over E (the
    integrand is smooth there: the kinematic bracket is linear in T and F² is entire).
    Point nucleus: σ = G_F²E²/π 𝒬_V² M/(M + 2E) (full kinematics). Options as for
    :func:`differential_cross_section`; ``E_MeV`` in [1e-9, 1e6] MeV, at most 10⁶ values
    (evaluated in blocks, so the memory stays bounded).

    Examples
    --------
    >>> round(float(total_cross_section(30.0, "Cs133")) / 1e-38, 3)
    1.698
    >>> review = {"form_factor_params": {"skin_fm": 0.0, "proton_radius": "charge"}}
    >>> round(float(total_cross_section(30.0, "Cs133", **review)) / 1e-38, 3)  # PHYSICS §3.7
    1.721
    """
    E = _energies(E_MeV)
    settings = CrossSectionConfig.make(isotope_name, physics, form_factor, options)
    M = settings.nucleus.mass_MeV
    T_top = 2.0 * E**2 / (M + 2.0 * E)
    if E.size <= _ENERGY_BLOCK:
        integrand = settings.dsigma_dT_MeV(E[..., None], T_top[..., None] * _GL_X)
        return (integrand @ _GL_W) * T_top * HBARC2_MeV2_cm2
    flat_E, flat_T = E.ravel(), T_top.ravel()
    sigma = np.empty(flat_E.size)
    for i in range(0, flat_E.size, _ENERGY_BLOCK):
        e, t = flat_E[i : i + _ENERGY_BLOCK, None], flat_T[i : i + _ENERGY_BLOCK, None]
        sigma[i : i + _ENERGY_BLOCK] = settings.dsigma_dT_MeV(e, t * _GL_X) @ _GL_W
    return (sigma.reshape(E.shape)) * T_top * HBARC2_MeV2_cm2


def dsigma_dcos_theta_nu(
    E_MeV: ArrayLike,
    cos_theta_nu: ArrayLike,
    isotope_name: str | Isotope,
    physics: StandardModel | None = None,
    form_factor: str | NuclearModel = "helm",
    *,
    approximation: bool = False,
    **options: Any,
) -> Array:
    """Neutrino-angle distribution dσ/dcos θ_ν in cm² (PHYSICS §3.2).

    Exact: dσ/dcos θ = dσ/dT · |dT/dcos θ| = G_F² E'³/(2πE) (1 + cos θ) 𝒬_V²(q) with
    E' = E/(1 + (E/M)(1 − cos θ)) and T = E − E'. ``approximation=True`` gives PKK Eq. (9),
    G_F² E²/(2π)(1 + cos θ) 𝒬_V²(q) with the no-recoil q² = 2E²(1 − cos θ). Vanishes at θ = π.

    ``options`` are the keyword options of :func:`differential_cross_section`.
    """
    E = _energies(E_MeV)
    c = as_array(cos_theta_nu, "cos_theta_nu", minimum=-1.0, maximum=1.0)
    broadcast_shape(E_MeV=E, cos_theta_nu=c)
    settings = CrossSectionConfig.make(isotope_name, physics, form_factor, options)
    M = settings.nucleus.mass_MeV
    if approximation:
        q_MeV = E * np.sqrt(2.0 * (1.0 - c))
        Q2 = settings.weak_charge_squared(q_MeV)
        return G_F_MeV2**2 * E**2 / (2.0 * np.pi) * (1.0 + c) * Q2 * HBARC2_MeV2_cm2
    T_keV = T_from_cos_theta_nu_keV(E, c, M)
    jacobian_keV = dT_dcos_theta_nu_keV(E, c, M)
    return settings.dsigma_dT_MeV(E, T_keV * 1e-3) * jacobian_keV * 1e-3 * HBARC2_MeV2_cm2


def dsigma_dOmega_nu(
    E_MeV: ArrayLike,
    cos_theta_nu: ArrayLike,
    isotope_name: str | Isotope,
    physics: StandardModel | None = None,
    form_factor: str | NuclearModel = "helm",
    **options: Any,
) -> Array:
    """dσ/dΩ_ν = (2π)⁻¹ dσ/dcos θ_ν in cm²/sr (PHYSICS §3.2; Pandey Eq. (21), E² corrected)."""
    per_cos = dsigma_dcos_theta_nu(
        E_MeV, cos_theta_nu, isotope_name, physics, form_factor, **options
    )
    return per_cos / (2.0 * np.pi)


def dsigma_dOmega_recoil(
    E_MeV: ArrayLike,
    cos_theta_r: ArrayLike,
    isotope_name: str | Isotope,
    physics: StandardModel | None = None,
    form_factor: str | NuclearModel = "helm",
    **options: Any,
) -> Array:
    """dσ/dΩ_r = (2π)⁻¹ dσ/dT · |dT/dcos θ_r| in cm²/sr, θ_r the nuclear recoil angle (§3.2)."""
    E = _energies(E_MeV)
    c = as_array(cos_theta_r, "cos_theta_r", minimum=0.0, maximum=1.0)
    broadcast_shape(E_MeV=E, cos_theta_r=c)
    settings = CrossSectionConfig.make(isotope_name, physics, form_factor, options)
    M = settings.nucleus.mass_MeV
    T_keV = T_from_cos_theta_r_keV(E, c, M)
    jacobian_keV = dT_dcos_theta_r_keV(E, c, M)
    per_MeV = settings.dsigma_dT_MeV(E, T_keV * 1e-3)
    return per_MeV * jacobian_keV * 1e-3 * HBARC2_MeV2_cm2 / (2.0 * np.pi)
