"""Electron-recoil spectra of a neutrino source on a detector material (keVee, no quenching).

    dN/dT = Σ_elements N_atoms Z_eff(T) Σ_α ∫_{E_min(T)}^{E_max} dE Φ_α(E) dσ_α/dT(E, T),

E_min(T) = ½(T + √(T² + 2m_eT)) (the inverse of T_max for the electron mass). dσ/dT on a free
electron is c₀(T) + c₁(T)/E + c₂(T)/E² for every interaction of :mod:`.model`, so the E-integral
is the same three flux moments the CEvNS engine uses (:func:`cevns_core.rates.flux_kernel` with
M = m_e: fixed Gauss–Legendre nodes split at the flux's kinks, lines added analytically, the
physics object's oscillation applied at the source distance). ν–e depends on the flavour, so a
flavour that appears in flight (sterile 3+1, :func:`cevns_core.arrival.arrival_kernels`) scatters
with its own cross section.
Z_eff(T) is the stepping approximation (:mod:`.binding`) or Z (``binding="free"``).

The result mirrors :class:`cevns_core.rates.RecoilSpectrum`: a breakdown per (element, flavour)
— isotopes of one element share the electron shells — with ``total``, ``by_flavour()`` and
``by_isotope()`` (here: by element). T is the energy deposited, keVee, directly comparable with
the quenched nuclear-recoil spectrum of the same detector.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array, as_float
from ..arrival import arrival_kernels
from ..errors import CevnsError
from ..flavours import FLAVOURS
from ..materials import Material
from ..rates import MAX_NUCLEI, MAX_RECOIL_POINTS, Breakdown, target_nuclei
from ..sources.base import Source
from ..units import M_E_MeV
from .binding import effective_electrons, element_symbol
from .model import ElectronInteractions

__all__ = ["ElectronRecoilSpectrum", "electron_recoil_spectrum", "target_atoms"]

Array = NDArray[np.float64]


@dataclass
class ElectronRecoilSpectrum(Breakdown):
    """dN/dT of electron recoils (keVee⁻¹) per (element, flavour).

    ``unit`` is ``"events/keVee"`` for a fluence source and ``"events/keVee/s"`` for a flux.
    ``by_isotope()`` (inherited) sums per element symbol.
    """

    T_keV: Array
    parts: dict[tuple[str, str], Array]
    unit: str
    extras: dict[str, Any] = field(default_factory=dict)

    def by_element(self) -> dict[str, Array]:
        """Sum over flavours, per element."""
        return self.by_isotope()


def target_atoms(
    target: str | Material | Mapping[str, float], mass_kg: float = 1.0
) -> dict[str, float]:
    """Numbers of atoms per element of a target.

    Parameters
    ----------
    target : str, Material or mapping
        A material name or formula (natural composition, ``mass_kg``), a :class:`Material`, or a
        mapping element symbol or isotope name → number of atoms (``mass_kg`` ignored).

    Examples
    --------
    >>> atoms = target_atoms("Ge", 1.0)
    >>> list(atoms), f"{atoms['Ge']:.3e}"
    (['Ge'], '8.292e+24')
    """
    atoms: dict[str, float] = {}
    if isinstance(target, Mapping):
        if not target:
            raise CevnsError("the target mapping is empty: give at least one element or isotope")
        for key, value in target.items():
            count = as_float(value, f"number of {key} atoms", minimum=0.0, maximum=MAX_NUCLEI)
            symbol = element_symbol(key)
            atoms[symbol] = atoms.get(symbol, 0.0) + count
        return atoms
    for name, count in target_nuclei(target, mass_kg).items():
        symbol = element_symbol(name)
        atoms[symbol] = atoms.get(symbol, 0.0) + count
    return atoms


def electron_recoil_spectrum(
    source: Source,
    target: str | Material | Mapping[str, float],
    T_keV: ArrayLike,
    physics: Any = None,
    *,
    binding: str = "stepping",
    mass_kg: float = 1.0,
    electron_nsi: Mapping[str, float] | None = None,
) -> ElectronRecoilSpectrum:
    """Electron-recoil spectrum dN/dT (keVee⁻¹) per element and flavour (module docstring).

    Parameters
    ----------
    source : Source
        Neutrino source (fluence → events/keVee, flux → events/keVee/s).
    target : str, Material or mapping
        Material with ``mass_kg``, or atoms per element/isotope (:func:`target_atoms`).
    T_keV : array_like
        Deposited energies (keVee ≥ 0), 1-D.
    physics : StandardModel or NewPhysics, optional
        The same physics object as for CEvNS (None: the Standard Model).
    binding : {"stepping", "free"}
        Atomic binding of the target electrons.
    mass_kg : float
        Detector mass for a material target.
    electron_nsi : mapping, optional
        Electron NSI parameters (:data:`.model.ELECTRON_NSI_NAMES`).

    Returns
    -------
    ElectronRecoilSpectrum
    """
    if not isinstance(source, Source):
        raise CevnsError(f"source must be a Source model, got {type(source).__name__}")
    T = as_array(T_keV, "T_keV", minimum=0.0, max_size=MAX_RECOIL_POINTS)
    if T.ndim != 1:
        raise CevnsError(f"T_keV must be one-dimensional, got shape {T.shape}")
    atoms = target_atoms(target, mass_kg)
    model = ElectronInteractions.from_physics(physics, electron_nsi)
    present = {c.flavour for c in source.components()}
    flavours = [f for f in FLAVOURS if f in present]
    electrons = {symbol: effective_electrons(symbol, T, binding) for symbol in atoms}
    T_MeV = T * 1e-3
    parts: dict[tuple[str, str], Array] = {}
    for flavour in flavours:
        per_electron = np.zeros_like(T)
        # ν–e depends on the flavour (charged current for ν_e): a flavour that appears in
        # flight (sterile 3+1) scatters with its own cross section
        for final, kernel in arrival_kernels(source, M_E_MeV, T, flavour, physics):
            with np.errstate(invalid="ignore"):  # ∞·0 at T = 0 beyond every flux end point
                per_electron = per_electron + kernel.integrate(*model.coefficients(final, T_MeV))
        for symbol, count in atoms.items():
            parts[(symbol, flavour)] = count * electrons[symbol] * per_electron
    unit = "events/keVee" if source.normalisation == "fluence" else "events/keVee/s"
    return ElectronRecoilSpectrum(T, parts, unit)
