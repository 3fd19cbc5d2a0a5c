"""Isotope records: Z, N, A, masses, natural abundance, ground-state spin and charge radius.

Atomic masses and natural abundances come from :mod:`periodictable`; the nuclear mass is
M = m_atom·u − Z·m_e (electron binding neglected, PHYSICS.md §1.4). Charge radii are the
Angeli & Marinova (2013) recommended values, spins NUBASE2020 (see ``data/SOURCES.md``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from fractions import Fraction
from functools import cache, lru_cache
from importlib.resources import files

import periodictable

from ._validation import shown
from .errors import CevnsError
from .units import AMU_MeV, M_E_MeV

__all__ = ["Isotope", "isotope", "isotopes_of", "natural_isotopes"]


@dataclass(frozen=True)
class Isotope:
    """One nuclide.

    Attributes
    ----------
    symbol : element symbol ("Cs"); name : canonical name ("Cs133");
    Z, N, A : proton, neutron and mass numbers;
    atomic_mass_u : atomic mass in u; mass_MeV : nuclear mass in MeV;
    abundance : natural isotopic abundance as a fraction (0 for non-natural nuclides);
    spin : ground-state spin J (None when not tabulated);
    charge_radius_fm : rms charge radius in fm (None when not measured);
    spin_expectation : (⟨S_p⟩, ⟨S_n⟩) shell-model values, None when not tabulated.
    """

    symbol: str
    Z: int
    N: int
    A: int
    atomic_mass_u: float
    mass_MeV: float
    abundance: float
    spin: float | None
    charge_radius_fm: float | None
    charge_radius_unc_fm: float | None
    spin_expectation: tuple[float, float] | None

    @property
    def name(self) -> str:
        """Canonical name, element symbol followed by A (e.g. ``"Cs133"``)."""
        return f"{self.symbol}{self.A}"

    def __str__(self) -> str:
        return self.name


def _read_csv(filename: str) -> list[dict[str, str]]:
    text = files("cevns_core").joinpath("data").joinpath(filename).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines))


@cache
def _radii() -> dict[tuple[int, int], tuple[float, float]]:
    return {
        (int(r["Z"]), int(r["A"])): (float(r["radius_fm"]), float(r["uncertainty_fm"]))
        for r in _read_csv("charge_radii.csv")
    }


@cache
def _spins() -> dict[tuple[int, int], tuple[float, tuple[float, float] | None]]:
    table = {}
    for r in _read_csv("nuclear_spins.csv"):
        expectation = (float(r["S_p"]), float(r["S_n"])) if r["S_p"] else None
        table[(int(r["Z"]), int(r["A"]))] = (float(Fraction(r["J"])), expectation)
    return table


_NAME_PATTERNS = (
    re.compile(r"^(?P<sym>[A-Za-z]{1,2})-?(?P<A>\d{1,3})$"),  # Cs133, Cs-133
    re.compile(r"^(?P<A>\d{1,3})-?(?P<sym>[A-Za-z]{1,2})$"),  # 133Cs, 133-Cs
)


def _element(symbol: str):
    if not isinstance(symbol, str) or not symbol:
        raise CevnsError(f"an element symbol must be a non-empty string, got {shown(symbol)}")
    sym = symbol[0].upper() + symbol[1:].lower()
    try:
        found = periodictable.elements.symbol(sym)
    except ValueError as exc:
        raise CevnsError(f"unknown element symbol {symbol!r}") from exc
    # periodictable's "D" and "T" are deuterium and tritium themselves (isotopes): their
    # element is hydrogen
    return getattr(found, "element", found)


def _build(Z: int, A: int) -> Isotope:
    element = periodictable.elements[Z]
    iso = element[A]
    spin_entry = _spins().get((Z, A))
    N = A - Z
    if spin_entry is not None:
        spin, expectation = spin_entry
    elif Z % 2 == 0 and N % 2 == 0:
        spin, expectation = 0.0, (0.0, 0.0)
    else:
        spin, expectation = None, None
    radius = _radii().get((Z, A))
    return Isotope(
        symbol=element.symbol,
        Z=Z,
        N=N,
        A=A,
        atomic_mass_u=float(iso.mass),
        mass_MeV=float(iso.mass) * AMU_MeV - Z * M_E_MeV,
        abundance=float(iso.abundance) / 100.0,
        spin=spin,
        charge_radius_fm=None if radius is None else radius[0],
        charge_radius_unc_fm=None if radius is None else radius[1],
        spin_expectation=expectation,
    )


@cache
def _isotope_by_ZA(Z: int, A: int) -> Isotope:
    return _build(Z, A)


def isotope(name: str | Isotope) -> Isotope:
    """Look up an isotope by name.

    Parameters
    ----------
    name : str or Isotope
        ``"Cs133"``, ``"Cs-133"``, ``"133Cs"`` (case-insensitive symbol); ``"D"`` is deuterium.
        An :class:`Isotope` is returned unchanged.

    Raises
    ------
    CevnsError
        For a malformed name, an unknown element, or a mass number that element does not have.

    Examples
    --------
    >>> iso = isotope("Cs133")
    >>> (iso.Z, iso.N, round(iso.mass_MeV, 2))
    (55, 78, 123772.54)
    """
    if isinstance(name, Isotope):
        return name
    if not isinstance(name, str):
        raise CevnsError(f"isotope must be a name such as 'Cs133', got {name!r}")
    return _isotope_by_name(name)


@lru_cache(maxsize=1024)
def _isotope_by_name(name: str) -> Isotope:
    # Cached: the rate engine looks isotopes up by name many times per call (errors are not
    # cached, so a bad name raises every time).
    text = name.strip()
    if text in ("D", "d"):
        return _isotope_by_ZA(1, 2)
    for pattern in _NAME_PATTERNS:
        match = pattern.match(text)
        if match:
            break
    else:
        raise CevnsError(f"cannot read isotope name {name!r}; write it like 'Cs133' or '133Cs'")
    element = _element(match["sym"])
    A = int(match["A"])
    known = sorted(i.isotope for i in element)
    if A not in known or element.number == 0:
        raise CevnsError(
            f"unknown isotope {name!r}: {element.symbol} has mass numbers {known[0]}–{known[-1]}"
        )
    return _isotope_by_ZA(element.number, A)


def isotopes_of(symbol: str) -> list[Isotope]:
    """The naturally occurring isotopes of an element, lightest first.

    Raises
    ------
    CevnsError
        For an unknown symbol or an element with no stable/primordial isotope.
    """
    element = _element(symbol)
    found = [_isotope_by_ZA(element.number, i.isotope) for i in element if i.abundance > 0]
    if not found or element.number == 0:
        raise CevnsError(f"element {symbol!r} has no naturally occurring isotope")
    return found


def natural_isotopes() -> list[Isotope]:
    """Every naturally occurring isotope (non-zero natural abundance), ordered by Z then A."""
    return [
        _isotope_by_ZA(el.number, i.isotope)
        for el in periodictable.elements
        if el.number > 0
        for i in el
        if i.abundance > 0
    ]
