"""Atomic binding of the target electrons: the stepping approximation (or free electrons).

A neutrino that transfers the energy T to an atom can knock out an electron of subshell i only if
T exceeds its binding energy B_i. The *stepping approximation* (as discussed for xenon by Chen,
Chi, Liu & Wu, PLB 774 (2017) 656, arXiv:1610.04177) keeps the free-electron cross section for
every electron that can be ionised and none for the others:

    dσ_atom/dT = Z_eff(T) dσ_free/dT,   Z_eff(T) = Σ_i n_i Θ(T − B_i),

n_i the occupation of subshell i. The observable energy is T itself: the kinetic energy of the
ejected electron plus the binding energy, released as X-rays and Auger electrons in the detector
(keVee, no quenching). It recovers free electrons for T ≫ B_K and neglects the atomic
structure of the final state near the edges: the ab-initio (RRPA) xenon rate of Chen et al. 2017
is about 25 % below the free-electron one in 0.1–30 keV; this module's stepping rate for solar
neutrinos on xenon is ≈ 10 % below free electrons in 1–10 keV. ``binding="free"`` counts all Z
electrons at any T (Z_eff = Z).

Subshell data: ``data/atomic_binding_energies.csv`` (H to U), written for this package from the
edge energies of Elam, Ravel & Sieber, Radiat. Phys. Chem. 63 (2002) 121 (as in the XrayDB
database; they agree with the X-ray Data Booklet, Table 1-1) and the NIST ground-state
configurations; occupied valence subshells the X-ray table lacks carry the first ionization
energy (see ``data/SOURCES.md``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array, check_choice
from ..errors import CevnsError

__all__ = [
    "BINDING_MODELS",
    "AtomicShells",
    "atomic_shells",
    "effective_electrons",
    "element_symbol",
]

Array = NDArray[np.float64]

#: Treatments of the atomic electrons: stepping approximation (default) or free electrons.
BINDING_MODELS: tuple[str, ...] = ("stepping", "free")

_FILE = "atomic_binding_energies.csv"


@dataclass(frozen=True)
class AtomicShells:
    """Occupied subshells of one element, most bound first.

    Attributes
    ----------
    symbol : element symbol; Z : atomic number;
    names : IUPAC levels ("K", "L1", …); orbitals : "1s", "2p1/2", …;
    electrons : occupation of each subshell (sums to Z);
    binding_keV : binding energy of each subshell in keV.
    """

    symbol: str
    Z: int
    names: tuple[str, ...]
    orbitals: tuple[str, ...]
    electrons: Array
    binding_keV: Array


@cache
def _table() -> dict[str, AtomicShells]:
    text = files("cevns_core").joinpath("data").joinpath(_FILE).read_text(encoding="utf-8")
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    grouped: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        grouped.setdefault(row["symbol"], []).append(row)
    out = {}
    for symbol, shell_rows in grouped.items():
        electrons = np.array([float(r["electrons"]) for r in shell_rows])
        binding = np.array([float(r["binding_eV"]) * 1e-3 for r in shell_rows])
        order = np.argsort(-binding, kind="stable")
        electrons.setflags(write=False)
        binding.setflags(write=False)
        out[symbol] = AtomicShells(
            symbol,
            int(shell_rows[0]["Z"]),
            tuple(shell_rows[i]["shell"] for i in order),
            tuple(shell_rows[i]["orbital"] for i in order),
            electrons[order],
            binding[order],
        )
    return out


def element_symbol(target: object) -> str:
    """Element symbol of an element name ("Xe"), an isotope name ("Xe131") or an Isotope.

    Raises
    ------
    CevnsError
        If the element has no shell data (only H to U are tabulated).
    """
    from ..nuclei import Isotope, isotope

    if isinstance(target, Isotope):
        symbol = target.symbol
    elif isinstance(target, str) and target in _table():
        symbol = target
    elif isinstance(target, str):
        try:
            symbol = isotope(target).symbol
        except CevnsError:
            raise CevnsError(
                f"unknown element or isotope {target!r} for the atomic shells; give an element "
                "symbol from H to U (e.g. 'Xe') or an isotope name (e.g. 'Xe131')"
            ) from None
    else:
        raise CevnsError(
            f"target must be an element symbol, an isotope name or an Isotope, got {target!r}"
        )
    if symbol not in _table():
        raise CevnsError(f"no atomic shell data for {symbol!r}: only H to U (Z ≤ 92) are tabulated")
    return symbol


def atomic_shells(element: object) -> AtomicShells:
    """Occupied subshells and binding energies of an element (H to U).

    Examples
    --------
    >>> xe = atomic_shells("Xe")
    >>> xe.names[0], float(xe.binding_keV[0]), int(xe.electrons.sum())
    ('K', 34.561, 54)
    """
    return _table()[element_symbol(element)]


def effective_electrons(
    element: object, T_keV: ArrayLike, binding: str = "stepping"
) -> NDArray[np.float64]:
    """Number of electrons that can take the energy T: Z_eff(T) = Σ_i n_i Θ(T − B_i).

    Parameters
    ----------
    element : str or Isotope
        Element symbol or isotope name.
    T_keV : array_like
        Energy transfer (keVee ≥ 0).
    binding : {"stepping", "free"}
        Stepping approximation (module docstring) or all Z electrons free.

    Examples
    --------
    >>> [int(n) for n in effective_electrons("Ge", [0.1, 1.0, 20.0])]
    [14, 22, 32]
    """
    check_choice(binding, "binding", BINDING_MODELS)
    shells = atomic_shells(element)
    T = as_array(T_keV, "T_keV", minimum=0.0)
    if binding == "free":
        return np.full(T.shape, float(shells.Z))
    # a subshell counts from its edge on (T ≥ B)
    return (shells.electrons * (T[..., None] >= shells.binding_keV)).sum(axis=-1)
