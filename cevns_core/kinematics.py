"""Elastic neutrino-nucleus kinematics (PHYSICS.md §2, §2.1).

Exact relations for a massless neutrino of energy E scattering elastically on a nucleus of mass M at
rest; T is the nuclear recoil kinetic energy. Energies and masses in MeV unless a name says keV.
The neutrino scattering angle is ``theta_nu``, the nuclear recoil angle ``theta_r`` (Pandey uses θ
for both).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import as_array, as_float
from .errors import CevnsError
from .units import HBARC_MeV_fm

__all__ = [
    "E_min_MeV",
    "T_from_cos_theta_nu_keV",
    "T_from_cos_theta_r_keV",
    "T_max_keV",
    "cos_theta_nu_from_T",
    "cos_theta_r_from_T",
    "dT_dcos_theta_nu_keV",
    "dT_dcos_theta_r_keV",
    "directional_recoil_rate",
    "neutrino_energy_from_recoil_MeV",
    "outgoing_energy_MeV",
    "q_MeV",
    "q_fm",
]

Array = NDArray[np.float64]


def _mass(M_MeV: float) -> float:
    return as_float(M_MeV, "M_MeV", minimum=0.0, inclusive=False)


def T_max_keV(E_MeV: ArrayLike, M_MeV: float) -> Array:
    """Maximum nuclear recoil energy, T_max = 2E²/(M + 2E) (Pandey Eq. (1)).

    Parameters
    ----------
    E_MeV : array_like
        Neutrino energy in MeV (≥ 0).
    M_MeV : float
        Nuclear mass in MeV.

    Returns
    -------
    ndarray
        T_max in keV.

    Examples
    --------
    >>> round(float(T_max_keV(29.792, 123772.54)), 3)
    14.335
    """
    E = as_array(E_MeV, "E_MeV", minimum=0.0)
    M = _mass(M_MeV)
    return 2.0 * E**2 / (M + 2.0 * E) * 1e3


def E_min_MeV(T_keV: ArrayLike, M_MeV: float) -> Array:
    """Minimum neutrino energy for a recoil T, E_min = ½(T + √(T² + 2MT)) (inverse of T_max).

    Examples
    --------
    >>> round(float(E_min_MeV(10.0, 123772.54)), 3)
    24.882
    """
    T = as_array(T_keV, "T_keV", minimum=0.0) * 1e-3
    M = _mass(M_MeV)
    return 0.5 * (T + np.sqrt(T**2 + 2.0 * M * T))


def q_MeV(T_keV: ArrayLike, M_MeV: float) -> Array:
    """Three-momentum transfer |q⃗| = √(2MT + T²) in MeV (exact; Q² = 2MT, PHYSICS §2)."""
    T = as_array(T_keV, "T_keV", minimum=0.0) * 1e-3
    M = _mass(M_MeV)
    return np.sqrt(2.0 * M * T + T**2)


def q_fm(T_keV: ArrayLike, M_MeV: float) -> Array:
    """Three-momentum transfer |q⃗| in fm⁻¹ (``q_MeV / ħc``).

    Examples
    --------
    >>> round(float(q_fm(10.0, 123772.54)), 4)
    0.2521
    """
    return q_MeV(T_keV, M_MeV) / HBARC_MeV_fm


def outgoing_energy_MeV(E_MeV: ArrayLike, cos_theta_nu: ArrayLike, M_MeV: float) -> Array:
    """Outgoing neutrino energy E' = E / (1 + (E/M)(1 − cos θ_ν))."""
    E = as_array(E_MeV, "E_MeV", minimum=0.0)
    c = as_array(cos_theta_nu, "cos_theta_nu", minimum=-1.0, maximum=1.0)
    M = _mass(M_MeV)
    return E / (1.0 + E / M * (1.0 - c))


def T_from_cos_theta_nu_keV(E_MeV: ArrayLike, cos_theta_nu: ArrayLike, M_MeV: float) -> Array:
    """Recoil energy from the neutrino angle, T = E²(1 − cos θ)/(M + E(1 − cos θ)), in keV."""
    E = as_array(E_MeV, "E_MeV", minimum=0.0)
    c = as_array(cos_theta_nu, "cos_theta_nu", minimum=-1.0, maximum=1.0)
    M = _mass(M_MeV)
    x = 1.0 - c
    return E**2 * x / (M + E * x) * 1e3


def cos_theta_nu_from_T(E_MeV: ArrayLike, T_keV: ArrayLike, M_MeV: float) -> Array:
    """Neutrino scattering angle for a recoil T: cos θ_ν = 1 − MT/(E E') with E' = E − T.

    Raises
    ------
    CevnsError
        If T exceeds T_max(E).
    """
    E = as_array(E_MeV, "E_MeV", minimum=0.0, inclusive=False)
    T = as_array(T_keV, "T_keV", minimum=0.0) * 1e-3
    M = _mass(M_MeV)
    _check_below_T_max(E, T, M)
    return 1.0 - M * T / (E * (E - T))


def dT_dcos_theta_nu_keV(E_MeV: ArrayLike, cos_theta_nu: ArrayLike, M_MeV: float) -> Array:
    """Jacobian |dT/dcos θ_ν| = E'²/M, in keV (PHYSICS §2)."""
    Ep = outgoing_energy_MeV(E_MeV, cos_theta_nu, M_MeV)
    return Ep**2 / _mass(M_MeV) * 1e3


def T_from_cos_theta_r_keV(E_MeV: ArrayLike, cos_theta_r: ArrayLike, M_MeV: float) -> Array:
    """Recoil energy from the recoil angle (Pandey Eq. (20)), in keV.

    T = 2ME²cos²θ_r / [(E + M)² − E²cos²θ_r], θ_r ∈ [0, π/2].
    """
    E = as_array(E_MeV, "E_MeV", minimum=0.0)
    c = as_array(cos_theta_r, "cos_theta_r", minimum=0.0, maximum=1.0)
    M = _mass(M_MeV)
    return 2.0 * M * E**2 * c**2 / ((E + M) ** 2 - E**2 * c**2) * 1e3


def cos_theta_r_from_T(E_MeV: ArrayLike, T_keV: ArrayLike, M_MeV: float) -> Array:
    """Recoil angle for a recoil T: cos θ_r = (E + M)/E · √(T/(T + 2M)) (Pandey Eq. (20)).

    Raises
    ------
    CevnsError
        If T exceeds T_max(E).
    """
    E = as_array(E_MeV, "E_MeV", minimum=0.0, inclusive=False)
    T = as_array(T_keV, "T_keV", minimum=0.0) * 1e-3
    M = _mass(M_MeV)
    _check_below_T_max(E, T, M)
    return np.minimum((E + M) / E * np.sqrt(T / (T + 2.0 * M)), 1.0)


def dT_dcos_theta_r_keV(E_MeV: ArrayLike, cos_theta_r: ArrayLike, M_MeV: float) -> Array:
    """Jacobian |dT/dcos θ_r| = 4ME²cos θ_r (E + M)² / [(E + M)² − E²cos²θ_r]², in keV."""
    E = as_array(E_MeV, "E_MeV", minimum=0.0)
    c = as_array(cos_theta_r, "cos_theta_r", minimum=0.0, maximum=1.0)
    M = _mass(M_MeV)
    return 4.0 * M * E**2 * c * (E + M) ** 2 / ((E + M) ** 2 - E**2 * c**2) ** 2 * 1e3


def neutrino_energy_from_recoil_MeV(
    T_keV: ArrayLike, cos_theta_r: ArrayLike, M_MeV: float, *, exact: bool = True
) -> Array:
    """Neutrino energy that produces recoil T at angle θ_r (Pandey Eq. (19)).

    1/E = p_N cos θ_r/(MT) − 1/M with p_N = √(T² + 2MT) (``exact=True``), or the
    non-relativistic form p_N/(MT) → 1/E_min^NR, E_min^NR = √(MT/2) (``exact=False``).
    Returns ``inf`` where no neutrino energy reaches (T, θ_r) (1/E ≤ 0).
    """
    T = as_array(T_keV, "T_keV", minimum=0.0, inclusive=False) * 1e-3
    c = as_array(cos_theta_r, "cos_theta_r", minimum=0.0, maximum=1.0)
    M = _mass(M_MeV)
    p_over_MT = np.sqrt(T**2 + 2.0 * M * T) / (M * T) if exact else 1.0 / np.sqrt(M * T / 2.0)
    inverse = p_over_MT * c - 1.0 / M
    positive = inverse > 0
    return np.where(positive, 1.0 / np.where(positive, inverse, 1.0), np.inf)


def directional_recoil_rate(
    T_keV: ArrayLike,
    cos_theta_r: ArrayLike,
    M_MeV: float,
    flux,
    dsigma_dT,
    *,
    E_max_MeV: float,
    exact: bool = True,
) -> Array:
    """Directional recoil spectrum d²R/dΩ_r dT per target (PHYSICS §2.1; Pandey Eqs. (18)–(19)).

    d²R/dΩ_r dT = (2π)⁻¹ dσ/dT(ε, T) |dE/dcos θ_r|(ε) dΦ/dE(ε), with ε(T, θ_r) from
    :func:`neutrino_energy_from_recoil_MeV` and |dE/dcos θ_r| = ε² p_N/(MT) (→ ε²/E_min^NR).
    Zero where ε is unphysical or above ``E_max_MeV`` (the end of the flux).

    Parameters
    ----------
    T_keV, cos_theta_r : array_like
        Recoil energy (keV) and cosine of the recoil angle; broadcast together.
    M_MeV : float
        Nuclear mass.
    flux : callable
        dΦ/dE(E_MeV) in cm⁻² s⁻¹ MeV⁻¹ (continuous part only: a line fixes θ_r for each T).
    dsigma_dT : callable
        dσ/dT(E_MeV, T_keV) in cm²/keV.
    E_max_MeV : float
        Upper end of the flux.

    Returns
    -------
    ndarray
        Rate per target in s⁻¹ keV⁻¹ sr⁻¹.
    """
    T = as_array(T_keV, "T_keV", minimum=0.0, inclusive=False)
    c = as_array(cos_theta_r, "cos_theta_r", minimum=0.0, maximum=1.0)
    M = _mass(M_MeV)
    E_top = as_float(E_max_MeV, "E_max_MeV", minimum=0.0, inclusive=False)
    eps = neutrino_energy_from_recoil_MeV(T, c, M, exact=exact)
    inside = np.isfinite(eps) & (eps <= E_top)
    eps_safe = np.where(inside, eps, E_top)
    T_MeV = T * 1e-3
    if exact:
        p_over_MT = np.sqrt(T_MeV**2 + 2.0 * M * T_MeV) / (M * T_MeV)
    else:
        p_over_MT = 1.0 / np.sqrt(M * T_MeV / 2.0)
    jacobian = eps_safe**2 * p_over_MT
    T_b = np.broadcast_to(T, eps_safe.shape)
    value = dsigma_dT(eps_safe, T_b) * jacobian * flux(eps_safe) / (2.0 * np.pi)
    return np.where(inside, value, 0.0)


def _check_below_T_max(E: Array, T: Array, M: float) -> None:
    T_top = 2.0 * E**2 / (M + 2.0 * E)
    above = T > T_top * (1.0 + 1e-12)
    if np.any(above):
        idx = np.argwhere(np.broadcast_to(above, np.broadcast_shapes(E.shape, T.shape)))[0]
        Eb = np.broadcast_to(E, above.shape)[tuple(idx)]
        Tb = np.broadcast_to(T, above.shape)[tuple(idx)]
        raise CevnsError(
            f"T_keV = {Tb * 1e3:g} exceeds the kinematic limit T_max = "
            f"{2e3 * Eb**2 / (M + 2 * Eb):g} keV for E_MeV = {Eb:g}"
        )
