"""Tests of cevns_core.materials.registry: named materials, aliases, dopants."""

from __future__ import annotations

import math

import pytest

from cevns_core.errors import CevnsError
from cevns_core.materials import MaterialComponent, material, material_names


@pytest.mark.parametrize("name", material_names())
def test_registry_material_is_sound(name):
    mat = material(name)
    assert mat.name == name
    assert mat.formula == name
    assert len(mat) > 0
    per_element: dict[str, float] = {}
    for c in mat:
        assert isinstance(c, MaterialComponent)
        for value in (c.abundance, c.atoms_per_formula_unit, c.nuclei_per_kg):
            assert math.isfinite(value) and value > 0
        per_element[c.element] = per_element.get(c.element, 0.0) + c.abundance
    for total in per_element.values():
        assert total == pytest.approx(1.0, abs=1e-12)
    assert math.isfinite(mat.molar_mass_g_per_mol) and mat.molar_mass_g_per_mol > 0
    assert set(mat.nuclei_per_kg_by_isotope()) == set(mat.isotopes)


def test_registry_contents_and_aliases():
    required = {"CsI", "NaI", "Ge", "Si", "Ar", "Xe", "CaWO4", "Al2O3", "Li2WO4"}
    required |= {"Zn", "Pb", "Fe", "C", "H2O", "D2O"}
    assert required <= set(material_names())
    assert material("argon") is material("Ar")
    assert material("Germanium") is material("Ge")
    assert material("XENON") is material("Xe")
    assert material("water") is material("H2O")
    assert material("heavy_water") is material("D2O")
    assert material("heavy water") is material("D2O")
    assert "argon" in material_names(include_aliases=True)
    mat = material("CsI")
    assert material(mat) is mat
    assert material("  CsI ") is mat


def test_dopants_are_ignored_for_scattering():
    doped = material("NaI[Tl]")
    assert doped.dopant == "Tl"
    assert doped.formula == "NaI"
    assert doped.nuclei_per_kg_by_isotope() == material("NaI").nuclei_per_kg_by_isotope()
    assert (
        material("CsI[Na]").nuclei_per_kg_by_isotope() == material("CsI").nuclei_per_kg_by_isotope()
    )
    assert material("NaI(Tl)").dopant == "Tl"  # conventional round-bracket spelling
    assert material("CsI(Na)").formula == "CsI"


@pytest.mark.parametrize("bad", [42, None, 3.5, ["CsI"], b"CsI"])
def test_non_string_input(bad):
    with pytest.raises(CevnsError, match="must be a name or chemical formula string"):
        material(bad)
