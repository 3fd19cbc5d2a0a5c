"""Materials as sets of target isotopes with their number of nuclei per kilogram.

For a detector of mass m_det made of a compound with ν_el atoms of element ``el`` per formula unit,
the number of target nuclei of isotope i is (PHYSICS.md §6.2)

    N_t,i = m_det N_A / M_mol × ν_el(i) × a_i,      M_mol = Σ_el ν_el m̄_el  [g/mol],

with a_i the natural isotopic abundance (fraction) and m̄_el the standard atomic weight, both from
:mod:`periodictable`. :class:`Material` reports N_t,i per kilogram (m_det = 1000 g); it is built
from element counts, from chosen isotopes (enriched targets) or, through
:func:`cevns_core.materials.material`, from a name or formula.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import periodictable
import periodictable.core

from .._validation import as_float
from ..errors import CevnsError
from ..nuclei import Isotope, isotope, isotopes_of
from ..units import AVOGADRO
from .formula import _DEUTERIUM, check_element_symbol

__all__ = ["Material", "MaterialComponent"]

_GRAMS_PER_KG = 1000.0


@dataclass(frozen=True)
class MaterialComponent:
    """One target isotope inside a material.

    Attributes
    ----------
    isotope : Isotope
        The nuclide.
    element : str
        Its chemical element symbol (``"H"`` also for deuterium written ``D``).
    atoms_per_formula_unit : float
        ν_el, atoms of that element per formula unit (CaWO4: O → 4).
    abundance : float
        a_i, fraction of the element's atoms that are this isotope (sums to 1 per element).
    nuclei_per_kg : float
        N_t,i per kilogram of material, 1000 g × N_A / M_mol × ν_el × a_i.
    """

    isotope: Isotope
    element: str
    atoms_per_formula_unit: float
    abundance: float
    nuclei_per_kg: float

    @property
    def name(self) -> str:
        """The isotope's canonical name (``"Cs133"``)."""
        return self.isotope.name


@dataclass(frozen=True)
class Material:
    """A target material: its isotopes with their number of nuclei per kilogram.

    Build one with :func:`material` (name or chemical formula), :meth:`from_elements` or
    :meth:`from_isotopes`. Iterating yields the :class:`MaterialComponent` records, elements in
    order of first appearance in the formula, isotopes lightest first.

    Attributes
    ----------
    name : str
        Display name (the formula for named materials, e.g. ``"CsI"``).
    formula : str
        The host formula (without dopant); descriptive text for isotope-defined materials.
    components : tuple of MaterialComponent
        One entry per isotope with non-zero abundance.
    element_masses_g_per_mol : tuple of (str, float)
        Per element, ν_el × m̄_el in g per mole of formula units; they sum to M_mol.
    dopant : str or None
        Bracketed dopant formula (``"Tl"`` for ``"NaI[Tl]"``), ignored for scattering.
    """

    name: str
    formula: str
    components: tuple[MaterialComponent, ...]
    element_masses_g_per_mol: tuple[tuple[str, float], ...]
    dopant: str | None = None

    # ----------------------------------------------------------------------------- constructors
    @classmethod
    def from_elements(
        cls,
        amounts: Mapping[str, float],
        *,
        name: str | None = None,
        by: str = "atoms",
    ) -> Material:
        """A material of natural elements given by atom counts (or mass fractions).

        Parameters
        ----------
        amounts : mapping of str to float
            Element symbol (exact case, ``"D"`` for deuterium) → atoms per formula unit
            (``by="atoms"``, not normalised: ``{"Ca": 1, "W": 1, "O": 4}`` is CaWO4) or mass
            fraction (``by="mass"``, normalised to sum 1; the formula unit is then one atom).
            Values must be positive and finite.
        name : str, optional
            Display name; defaults to the formula built from the counts.
        by : {"atoms", "mass"}
            How to read ``amounts``.

        Returns
        -------
        Material
            Natural isotopic composition per element, N_t,i from PHYSICS.md §6.2.

        Raises
        ------
        CevnsError
            Unknown element, empty mapping, or a count that is not positive and finite.

        Examples
        --------
        >>> ar = Material.from_elements({"Ar": 1.0}, name="argon")
        >>> f"{ar.nuclei_per_kg('Ar40'):.4e}"
        '1.5014e+25'
        """
        mode = _check_by(by)
        counts = _positive_amounts(amounts, "element", check_element_symbol)
        if mode == "mass":
            per_atom = {sym: w / _element_mass(sym) for sym, w in counts.items()}
            total = sum(per_atom.values())
            counts = {sym: v / total for sym, v in per_atom.items()}
        formula = "".join(f"{sym}{_format_count(n)}" for sym, n in counts.items())
        return _natural_material(name if name is not None else formula, formula, counts, None)

    @classmethod
    def from_isotopes(
        cls,
        fractions: Mapping[str | Isotope, float],
        *,
        by: str,
        name: str | None = None,
    ) -> Material:
        """A material of chosen isotopes (enriched targets), e.g. 90 % ¹³⁶Xe + 10 % ¹³⁴Xe.

        The fractions are normalised to sum 1. With ``by="atoms"`` they are atom (isotopic)
        fractions x_i and M_mol = Σ x_i m_i with the isotopic masses m_i; with ``by="mass"`` they
        are mass fractions w_i, so that N_t,i = 1000 g × N_A × w_i / m_i per kilogram. The formula
        unit is one atom; isotopes of the same element are grouped under it.

        Parameters
        ----------
        fractions : mapping of str or Isotope to float
            Isotope name (``"Xe136"``, ``"136Xe"``, ``"D"``) → positive, finite amount.
        by : {"atoms", "mass"}
            Required: whether the amounts are atom or mass fractions (they differ by ~1 %).
        name : str, optional
            Display name; defaults to a description of the composition.

        Raises
        ------
        CevnsError
            Unknown isotope, an isotope given twice, empty mapping, or a fraction that is not
            positive and finite.

        Examples
        --------
        >>> xe = Material.from_isotopes({"Xe136": 0.9, "Xe134": 0.1}, by="atoms")
        >>> f"{xe.nuclei_per_kg('Xe136'):.4e}"
        '3.9938e+24'
        """
        mode = _check_by(by)
        amounts = _positive_amounts(fractions, "isotope", _check_isotope_key)
        chosen: dict[Isotope, float] = {}
        for key, value in amounts.items():
            iso = isotope(key)
            if iso in chosen:
                raise CevnsError(f"isotope {iso.name} is given twice in from_isotopes")
            chosen[iso] = value
        if mode == "mass":
            chosen = {iso: w / iso.atomic_mass_u for iso, w in chosen.items()}
        total = sum(chosen.values())
        atoms = {iso: x / total for iso, x in chosen.items()}
        entries: dict[str, dict[Isotope, float]] = {}
        masses: dict[str, float] = {}
        for iso, x in sorted(atoms.items(), key=lambda item: (item[0].Z, item[0].A)):
            entries.setdefault(iso.symbol, {})[iso] = x
            masses[iso.symbol] = masses.get(iso.symbol, 0.0) + x * iso.atomic_mass_u
        text = " + ".join(f"{iso.name}:{_format_count(x)}" for iso, x in atoms.items())
        formula = f"{text} (atom fractions)"
        return _assemble(name if name is not None else formula, formula, entries, masses, None)

    # ------------------------------------------------------------------------------ properties
    @property
    def molar_mass_g_per_mol(self) -> float:
        """M_mol = Σ_el ν_el m̄_el in g/mol (PHYSICS.md §6.2).

        Examples
        --------
        >>> from cevns_core.materials import material
        >>> round(material("CsI").molar_mass_g_per_mol, 3)
        259.81
        """
        return math.fsum(m for _, m in self.element_masses_g_per_mol)

    @property
    def isotopes(self) -> tuple[str, ...]:
        """Names of the isotopes present (``("Cs133", "I127")`` for CsI)."""
        return tuple(c.isotope.name for c in self.components)

    @property
    def elements(self) -> tuple[str, ...]:
        """Element symbols present, in formula order."""
        return tuple(sym for sym, _ in self.element_masses_g_per_mol)

    @property
    def atoms_per_formula_unit(self) -> float:
        """Σ_el ν_el, the number of atoms in one formula unit (CaWO4: 6)."""
        seen: dict[str, float] = {}
        for c in self.components:
            seen[c.element] = c.atoms_per_formula_unit
        return math.fsum(seen.values())

    @property
    def total_nuclei_per_kg(self) -> float:
        """Σ_i N_t,i, all nuclei (atoms) in one kilogram.

        Examples
        --------
        >>> from cevns_core.materials import material
        >>> f"{material('Ge').total_nuclei_per_kg:.4e}"
        '8.2915e+24'
        """
        return math.fsum(c.nuclei_per_kg for c in self.components)

    # --------------------------------------------------------------------------------- queries
    def nuclei_per_kg(self, name: str | Isotope) -> float:
        """N_t,i per kilogram for one isotope (PHYSICS.md §6.2).

        Parameters
        ----------
        name : str or Isotope
            Isotope name in any form :func:`cevns_core.nuclei.isotope` accepts.

        Raises
        ------
        CevnsError
            If the isotope is not part of this material (the message lists those that are).

        Examples
        --------
        >>> from cevns_core.materials import material
        >>> f"{material('CsI').nuclei_per_kg('I127') * 14.57:.4e}"
        '3.3772e+25'
        """
        iso = isotope(name)
        for c in self.components:
            if c.isotope == iso:
                return c.nuclei_per_kg
        raise CevnsError(
            f"isotope {iso.name} is not in material {self.name!r}; "
            f"it contains: {', '.join(self.isotopes)}"
        )

    def nuclei_per_kg_by_isotope(self) -> dict[str, float]:
        """``{isotope name: N_t,i per kg}`` for every isotope of the material."""
        return {c.isotope.name: c.nuclei_per_kg for c in self.components}

    def mass_fractions(self) -> dict[str, float]:
        """``{element: ν_el m̄_el / M_mol}``, the mass fraction of each element (sums to 1).

        Examples
        --------
        >>> from cevns_core.materials import material
        >>> round(material("H2O").mass_fractions()["O"], 4)
        0.8881
        """
        total = self.molar_mass_g_per_mol
        return {sym: m / total for sym, m in self.element_masses_g_per_mol}

    def above_abundance(self, min_abundance: float) -> Material:
        """The same material keeping only isotopes with abundance a_i ≥ ``min_abundance``.

        The kept isotopes keep their N_t,i (no renormalisation): dropped nuclei are simply not
        counted, so rates computed from the result are lower by the dropped share.

        Raises
        ------
        CevnsError
            If ``min_abundance`` is not a finite number in [0, 1] or no isotope would remain.

        Examples
        --------
        >>> from cevns_core.materials import material
        >>> material("Ar").above_abundance(0.01).isotopes
        ('Ar40',)
        """
        min_abundance = as_float(min_abundance, "min_abundance", minimum=0.0, maximum=1.0)
        kept = tuple(c for c in self.components if c.abundance >= min_abundance)
        if not kept:
            raise CevnsError(
                f"no isotope of {self.name!r} has abundance >= {min_abundance:g}; "
                f"the most abundant has {max(c.abundance for c in self.components):g}"
            )
        return Material(
            name=self.name,
            formula=self.formula,
            components=kept,
            element_masses_g_per_mol=self.element_masses_g_per_mol,
            dopant=self.dopant,
        )

    def __iter__(self) -> Iterator[MaterialComponent]:
        return iter(self.components)

    def __len__(self) -> int:
        return len(self.components)

    def __str__(self) -> str:
        return self.name


def _check_isotope_key(key: object) -> str | Isotope:
    if not isinstance(key, str | Isotope):
        raise CevnsError(f"isotope must be a name such as 'Xe136' or an Isotope, got {key!r}")
    return key


def _check_by(by: object) -> str:
    if by not in ("atoms", "mass"):
        raise CevnsError(f"by must be 'atoms' or 'mass', got {by!r}")
    return str(by)


def _positive_amounts(
    amounts: object, what: str, check_key: Callable[[object], object]
) -> dict[str | Isotope, float]:
    if not isinstance(amounts, Mapping):
        raise CevnsError(f"{what} amounts must be a mapping {{{what}: amount}}, got {amounts!r}")
    if not amounts:
        raise CevnsError(f"{what} amounts are empty; give at least one {{{what}: amount}}")
    result: dict[str | Isotope, float] = {}
    for key, value in amounts.items():
        check_key(key)
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):  # OverflowError: 10**400
            number = math.nan
        if isinstance(value, bool) or not math.isfinite(number) or number <= 0:
            raise CevnsError(
                f"amount for {what} {key!s} must be a positive finite number, got {value!r}"
            )
        result[key] = number
    return result


def _format_count(value: float) -> str:
    return "" if value == 1 else f"{value:.6g}"


def _element_mass(sym: str) -> float:
    """Standard atomic weight m̄_el in g/mol; deuterium uses the H2 isotopic mass."""
    if sym == _DEUTERIUM:
        return float(periodictable.H[2].mass)
    return float(periodictable.elements.symbol(sym).mass)


def _natural_abundances(sym: str) -> dict[Isotope, float]:
    """Natural isotope fractions of an element, renormalised to sum exactly 1."""
    if sym == _DEUTERIUM:
        return {isotope("H2"): 1.0}
    try:
        found = isotopes_of(sym)
    except CevnsError as exc:
        raise CevnsError(
            f"element {sym} has no naturally occurring isotope; give an explicit composition "
            "with Material.from_isotopes"
        ) from exc
    total = math.fsum(iso.abundance for iso in found)
    return {iso: iso.abundance / total for iso in found}


def _natural_material(
    name: str, formula: str, counts: Mapping[str, float], dopant: str | None
) -> Material:
    entries: dict[str, dict[Isotope, float]] = {}
    masses: dict[str, float] = {}
    for sym, count in counts.items():
        element = "H" if sym == _DEUTERIUM else sym
        group = entries.setdefault(element, {})
        for iso, fraction in _natural_abundances(sym).items():
            group[iso] = group.get(iso, 0.0) + count * fraction
        masses[element] = masses.get(element, 0.0) + count * _element_mass(sym)
    return _assemble(name, formula, entries, masses, dopant)


def _assemble(
    name: str,
    formula: str,
    entries: Mapping[str, Mapping[Isotope, float]],
    masses: Mapping[str, float],
    dopant: str | None,
) -> Material:
    """Turn ``{element: {isotope: atoms per formula unit}}`` into N_t,i per kg (PHYSICS §6.2)."""
    molar_mass = math.fsum(masses.values())
    per_atom_per_kg = _GRAMS_PER_KG * AVOGADRO / molar_mass
    components = []
    for element, group in entries.items():
        nu = math.fsum(group.values())
        for iso, atoms in sorted(group.items(), key=lambda item: item[0].A):
            if atoms <= 0:
                continue
            components.append(
                MaterialComponent(
                    isotope=iso,
                    element=element,
                    atoms_per_formula_unit=nu,
                    abundance=atoms / nu,
                    nuclei_per_kg=per_atom_per_kg * atoms,
                )
            )
    return Material(
        name=name,
        formula=formula,
        components=tuple(components),
        element_masses_g_per_mol=tuple(masses.items()),
        dopant=dopant,
    )
