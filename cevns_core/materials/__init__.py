"""Detector materials: chemical formula → target nuclei per kilogram, isotope by isotope.

For a detector of mass m_det made of a compound with ν_el atoms of element ``el`` per formula unit,
the number of target nuclei of isotope i is (PHYSICS.md §6.2)

    N_t,i = m_det N_A / M_mol × ν_el(i) × a_i,      M_mol = Σ_el ν_el m̄_el  [g/mol],

with a_i the natural isotopic abundance (fraction) and m̄_el the standard atomic weight, both from
:mod:`periodictable`. This package reports N_t,i per kilogram (m_det = 1000 g).

Conventions
-----------
* Abundances are periodictable's natural abundances (percent → fraction), **renormalised per
  element** so that they sum to exactly 1 (the tables sum to 100 % only within ~1e-14).
* ``D`` in a formula is deuterium: the isotope H2 with abundance 1, weighed with the H2 isotopic
  mass (``"D2O"`` is heavy water, 20.03 g/mol). Hydrogen written ``H`` has its natural composition.
  Both are reported under the element ``"H"``.
* A dopant in square brackets (``"CsI[Na]"``, ``"NaI[Tl]"``) is checked, recorded in
  :attr:`Material.dopant` and otherwise ignored: at typical ~0.1 % levels it does not matter for
  scattering. The round-bracket spellings ``"CsI(Na)"``, ``"CsI(Tl)"``, ``"NaI(Tl)"`` are
  accepted as names; any other ``(...)`` is a chemical group.
* User-defined compositions (:meth:`Material.from_isotopes`) use isotopic masses for M_mol.

Modules: :mod:`.formula` (parsing formulas), :mod:`.material` (:class:`Material` and its
constructors from elements and isotopes), :mod:`.registry` (named materials, aliases,
:func:`material`).
"""

from __future__ import annotations

from .material import Material, MaterialComponent
from .registry import material, material_names, target_material

__all__ = ["Material", "MaterialComponent", "material", "material_names", "target_material"]
