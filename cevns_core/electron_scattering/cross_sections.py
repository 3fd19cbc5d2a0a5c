"""Public ν–e cross sections: dσ/dT (cm²/keV) and σ(E) (cm²), per free electron or per atom.

dσ/dT on a free electron is the sum of :mod:`.standard_model` (every channel of
:class:`.model.ElectronInteractions`), :mod:`.electromagnetic` and the scalar term of
:mod:`.mediators`. On an atom it is multiplied by the number of electrons that can take the energy
T (:func:`.binding.effective_electrons`; stepping approximation by default, ``binding="free"``
for Z free electrons). T is the energy deposited in the detector, in keVee (no quenching).

The total is ∫ dσ/dT dT from the threshold (and, with the stepping approximation, from each
subshell's binding energy) to T_max(E) = 2E²/(m_e + 2E): in closed form when the couplings do
not depend on T (SM, NSI, charge radius, magnetic moment), otherwise on a fixed composite
Gauss–Legendre rule in ln T (32 segments × 16 nodes over 14 decades below T_max), vectorised over
E and the subshells. With a magnetic moment or a millicharge the number of recoils down to T = 0
is infinite: a free-electron total without a threshold raises
:class:`~cevns_core.errors.DivergentCountsError` (atoms are cut off by their outermost binding).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import MAX_ARRAY_POINTS, as_array, as_float, broadcast_shape, check_choice
from ..cross_sections import ENERGY_RANGE_MeV, MAX_RECOIL_keV
from ..errors import DivergentCountsError
from ..flavours import check_flavour, lepton_of
from ..units import HBARC2_MeV2_cm2
from .binding import BINDING_MODELS, atomic_shells, effective_electrons
from .electromagnetic import magnetic_moment_integral
from .mediators import scalar_coefficients
from .model import ElectronInteractions
from .standard_model import chiral_couplings, t_max_MeV, weak_integral

__all__ = [
    "electron_scattering_cross_section",
    "electron_scattering_total_cross_section",
    "electron_targets",
]

Array = NDArray[np.float64]

_N_SEGMENTS = 32
_DECADES = 14.0
_X, _W = np.polynomial.legendre.leggauss(16)
_X, _W = 0.5 * (_X + 1.0), 0.5 * _W


def electron_targets(target: Any = None, binding: str = "stepping") -> tuple[Array, Array]:
    """(electrons, lower edge in keV) of the scatterers: one free electron for ``target=None``,
    Z free electrons (edge 0) for ``binding="free"``, each subshell with its binding energy for
    ``"stepping"``."""
    check_choice(binding, "binding", BINDING_MODELS)
    if target is None:
        return np.ones(1), np.zeros(1)
    shells = atomic_shells(target)
    if binding == "free":
        return np.array([float(shells.Z)]), np.zeros(1)
    return np.asarray(shells.electrons), np.asarray(shells.binding_keV)


def electron_scattering_cross_section(
    E_MeV: ArrayLike,
    T_keV: ArrayLike,
    flavour: str = "nu_e",
    physics: Any = None,
    *,
    target: Any = None,
    binding: str = "stepping",
    electron_nsi: Mapping[str, float] | None = None,
) -> Array:
    """Differential ν–e elastic cross section dσ/dT in cm²/keV (T in keVee).

    Parameters
    ----------
    E_MeV : array_like
        Neutrino energy (MeV > 0); broadcasts with ``T_keV``.
    T_keV : array_like
        Energy transfer to the electron (keV ≥ 0); zero above T_max(E) = 2E²/(m_e + 2E).
    flavour : str
        "nu_e", "nu_mu", "nu_tau", "nubar_e", "nubar_mu" or "nubar_tau".
    physics : StandardModel or NewPhysics, optional
        The package's physics object (None: the Standard Model); see :mod:`.model` for the
        parameters read.
    target : str or Isotope, optional
        None: per free electron. An element or isotope ("Xe", "Ge74"): per atom.
    binding : {"stepping", "free"}
        Atomic binding for a ``target`` (:mod:`.binding`).
    electron_nsi : mapping, optional
        Electron NSI ``{"eps_eV_ee": …, "eps_eA_emu": …}`` (:data:`.model.ELECTRON_NSI_NAMES`).

    Returns
    -------
    ndarray
        dσ/dT in cm²/keV (per electron or per atom).

    Examples
    --------
    >>> f"{float(electron_scattering_cross_section(1.0, 100.0, 'nu_mu')):.4e}"
    '2.0272e-48'
    >>> round(float(electron_scattering_cross_section(1.0, 1.0, target="Xe")
    ...             / electron_scattering_cross_section(1.0, 1.0)), 6)
    40.0
    """
    check_flavour(flavour)
    # the CEvNS ranges: E in [1e-9, 1e6] MeV, T ≤ 1e9 keV, at most 10⁶ values in the result
    E = as_array(E_MeV, "E_MeV", minimum=ENERGY_RANGE_MeV[0], maximum=ENERGY_RANGE_MeV[1])
    T = as_array(T_keV, "T_keV", minimum=0.0, maximum=MAX_RECOIL_keV)
    broadcast_shape(E_MeV=E, T_keV=T)
    model = ElectronInteractions.from_physics(physics, electron_nsi)
    E_b, T_b = np.broadcast_arrays(E, T)
    T_MeV = T_b * 1e-3
    c0, c1, c2 = model.coefficients(flavour, T_MeV)
    inverse = 1.0 / E_b
    with np.errstate(invalid="ignore"):  # inf − finite at T = 0 with a magnetic moment
        per_MeV = np.where(T_MeV <= t_max_MeV(E_b), c0 + c1 * inverse + c2 * inverse**2, 0.0)
    value = per_MeV * HBARC2_MeV2_cm2 * 1e-3
    if target is not None:
        value = value * effective_electrons(target, T_b, binding)
    return value


def electron_scattering_total_cross_section(
    E_MeV: ArrayLike,
    flavour: str = "nu_e",
    physics: Any = None,
    *,
    target: Any = None,
    binding: str = "stepping",
    T_min_keV: float = 0.0,
    electron_nsi: Mapping[str, float] | None = None,
) -> Array:
    """Total ν–e elastic cross section σ(E) = ∫ dσ/dT dT in cm² (per electron or per atom).

    Parameters are those of :func:`electron_scattering_cross_section`; ``T_min_keV`` is a
    threshold in the deposited energy (the integral runs from max(T_min, B_i) per subshell).

    Raises
    ------
    DivergentCountsError
        With a magnetic moment or millicharge, free electrons and ``T_min_keV = 0``.

    Examples
    --------
    >>> f"{float(electron_scattering_total_cross_section(10.0, 'nu_e')):.4e}"
    '9.4191e-44'
    """
    check_flavour(flavour)
    lo, hi = ENERGY_RANGE_MeV
    E = as_array(E_MeV, "E_MeV", minimum=lo, maximum=hi, max_size=MAX_ARRAY_POINTS)
    T_min = as_float(T_min_keV, "T_min_keV", minimum=0.0, maximum=MAX_RECOIL_keV)
    model = ElectronInteractions.from_physics(physics, electron_nsi)
    electrons, edges_keV = electron_targets(target, binding)
    lows = np.maximum(edges_keV, T_min) * 1e-3  # MeV, one per group of electrons
    if np.any(lows <= 0.0):
        reason = model.zero_recoil_divergence(flavour)
        if reason is not None:
            raise DivergentCountsError(
                f"with {reason} the ν–e cross section integrated down to T = 0 is infinite: "
                "give a threshold T_min_keV > 0 or an atomic target with binding='stepping'"
            )
    Ec = E[..., None]
    if model.constant_couplings:
        per_group = np.zeros(np.broadcast_shapes(Ec.shape, lows.shape))
        for gV, gA in model.channel_couplings(flavour, 0.0).values():
            g1, g2 = chiral_couplings(gV, gA, flavour)
            per_group = per_group + weak_integral(Ec, lows, np.inf, g1, g2)
        mu = model.magnetic_moment_muB.get(lepton_of(flavour), 0.0)
        if mu != 0.0:
            per_group = per_group + magnetic_moment_integral(Ec, lows, np.inf, mu)
        g, M = model.scalar_coupling, model.scalar_mass_MeV
        if g != 0.0:
            per_group = per_group + _numeric_integral(
                lambda T: scalar_coefficients(g, g, M, T), Ec, lows
            )
    else:
        per_group = _numeric_integral(lambda T: model.coefficients(flavour, T), Ec, lows)
    return (per_group * electrons).sum(axis=-1) * HBARC2_MeV2_cm2


def _numeric_integral(
    coefficients: Callable[[Array], tuple[Array, Array, Array]], E: Array, lows: Array
) -> Array:
    """∫_{low}^{T_max(E)} (c₀ + c₁/E + c₂/E²) dT on a fixed rule in ln T, shape (…E, groups).

    ``coefficients(T_MeV)`` returns (c₀, c₁, c₂) in natural units (:mod:`.model`).
    """
    b = t_max_MeV(E)
    a = np.minimum(np.maximum(lows, b * 10.0**-_DECADES), b)
    # segment edges in ln T, then 16 nodes per segment: shape (…, groups, segments·16)
    ln_edges = np.log(a)[..., None] + (np.log(b) - np.log(a))[..., None] * np.linspace(
        0.0, 1.0, _N_SEGMENTS + 1
    )
    width = np.diff(ln_edges, axis=-1)
    ln_T = ln_edges[..., :-1, None] + width[..., None] * _X
    weights = (width[..., None] * _W) * np.exp(ln_T)  # dT = T d(ln T)
    shape = (*ln_T.shape[:-2], -1)
    T = np.exp(ln_T).reshape(shape)
    weights = weights.reshape(shape)
    c0, c1, c2 = coefficients(T)
    Einv = 1.0 / E[..., None]
    return ((c0 + c1 * Einv + c2 * Einv * Einv) * weights).sum(axis=-1)
