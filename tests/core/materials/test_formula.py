"""Tests of cevns_core.materials.formula: stoichiometry read from formulas (PHYSICS §6.2)."""

from __future__ import annotations

import pytest

from cevns_core.errors import CevnsError
from cevns_core.materials import Material, material
from cevns_core.materials.formula import parse_formula


def _atoms_per_fu(mat: Material) -> dict[str, float]:
    """ν_el per element, read from the components."""
    return {c.element: c.atoms_per_formula_unit for c in mat}


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("CaWO4", {"Ca": 1, "W": 1, "O": 4}),  # PHYSICS §6.2: ν = 1, 1, 4
        ("Al2O3", {"Al": 2, "O": 3}),  # PHYSICS §6.2: ν = 2, 3
        ("Li2WO4", {"Li": 2, "W": 1, "O": 4}),  # PHYSICS §6.2: ν = 2, 1, 4
        ("NaI", {"Na": 1, "I": 1}),  # PHYSICS §6.2
        ("Ca(OH)2", {"Ca": 1, "O": 2, "H": 2}),
        ("C8H8", {"C": 8, "H": 8}),
        ("C3F8", {"C": 3, "F": 8}),
        ("CH3COOH", {"C": 2, "H": 4, "O": 2}),  # repeated elements are summed
        ("Mg((OH)2)3", {"Mg": 1, "O": 6, "H": 6}),  # nested groups
        ("H0.5O0.25", {"H": 0.5, "O": 0.25}),  # decimal counts
    ],
)
def test_atoms_per_formula_unit(formula, expected):
    mat = material(formula)
    assert _atoms_per_fu(mat) == pytest.approx(expected)
    assert list(mat.elements) == list(expected)


def test_element_atom_ratios_from_nuclei_counts():
    # CaWO4 Ca:W:O = 1:1:4 and Al2O3 Al:O = 2:3 (PHYSICS §6.2) as ratios of nuclei counts
    def per_element(mat):
        out: dict[str, float] = {}
        for c in mat:
            out[c.element] = out.get(c.element, 0.0) + c.nuclei_per_kg
        return out

    cawo4 = per_element(material("CaWO4"))
    assert cawo4["W"] / cawo4["Ca"] == pytest.approx(1.0, rel=1e-12)
    assert cawo4["O"] / cawo4["Ca"] == pytest.approx(4.0, rel=1e-12)
    al2o3 = per_element(material("Al2O3"))
    assert al2o3["O"] / al2o3["Al"] == pytest.approx(1.5, rel=1e-12)
    li2wo4 = per_element(material("Li2WO4"))
    assert li2wo4["Li"] / li2wo4["W"] == pytest.approx(2.0, rel=1e-12)
    assert li2wo4["O"] / li2wo4["W"] == pytest.approx(4.0, rel=1e-12)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("Xx", "unknown element symbol 'Xx'"),
        ("CsQ", "unknown element symbol 'Q'"),
        ("Cs(I", r"'\(' at position 2 is not closed"),
        ("CsI)", r"'\)' at position 3 has no matching"),
        ("2CsI", "number at the start"),
        ("Cs-I", "unexpected character '-' at position 2"),
        ("Cs I", "unexpected character ' '"),
        ("csi", "capital letter"),
        ("Cs0I", "count 0 for Cs must be positive"),
        ("Cs0.0I", "must be positive"),
        ("Ca(OH)0", "must be positive"),
        ("Ca()", "empty parentheses"),
        ("H.5", "bad count"),
        ("CsI[Na", "trailing bracket"),
        ("CsI[]", "dopant bracket is empty"),
        ("[Tl]", "no host formula"),
        ("NaI[Xx]", "unknown element symbol 'Xx'"),
        ("Tc", "no naturally occurring isotope"),
        ("T2O", "tritium"),
    ],
)
def test_bad_formula(bad, message):
    with pytest.raises(CevnsError, match=message):
        material(bad)


def test_parse_formula_groups_and_decimal_counts():
    # by hand: Ca(OH)2 → Ca 1, O 2, H 2; Mg3(PO4)2 → Mg 3, P 2, O 8; nested groups multiply
    assert parse_formula("Ca(OH)2") == {"Ca": 1.0, "O": 2.0, "H": 2.0}
    assert parse_formula("Mg3(PO4)2") == {"Mg": 3.0, "P": 2.0, "O": 8.0}
    assert parse_formula("K2(Fe(CN)6)3") == {"K": 2.0, "Fe": 3.0, "C": 18.0, "N": 18.0}
    assert parse_formula("H0.5D1.5O") == {"H": 0.5, "D": 1.5, "O": 1.0}
    assert parse_formula("HOH") == {"H": 2.0, "O": 1.0}
