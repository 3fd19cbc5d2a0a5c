"""Tests of cevns_core.materials.material: nuclei per kilogram of a material (PHYSICS §6.2)."""

from __future__ import annotations

import math

import periodictable
import pytest

from cevns_core.errors import CevnsError
from cevns_core.materials import (
    Material,
    material,
    target_material,
)
from cevns_core.nuclei import isotope

N_A = 6.02214076e23  # exact SI value of the Avogadro constant (CODATA 2018/2022)


def _atoms_per_fu(mat: Material) -> dict[str, float]:
    """ν_el per element, read from the components."""
    return {c.element: c.atoms_per_formula_unit for c in mat}


def test_R25_csi_nuclei_in_14p57_kg():
    # PHYSICS §11 R25 / §6.2: 14.57 kg CsI → N_Cs = N_I = 3.3772e25 (rel 1e-4)
    csi = material("CsI")
    assert csi.nuclei_per_kg("Cs133") * 14.57 == pytest.approx(3.3772e25, rel=1e-4)
    assert csi.nuclei_per_kg("I127") * 14.57 == pytest.approx(3.3772e25, rel=1e-4)
    assert csi.isotopes == ("Cs133", "I127")


def test_natural_germanium_1kg():
    # PHYSICS §6.2: 1 kg natural Ge → 8.292e24 atoms (quoted to 4 digits);
    # 70Ge 20.52 %, 72Ge 27.45 %, 73Ge 7.76 %, 74Ge 36.52 %, 76Ge 7.75 % (periodictable)
    ge = material("Ge")
    assert ge.total_nuclei_per_kg == pytest.approx(8.292e24, rel=1e-4)
    shares = {"Ge70": 20.52, "Ge72": 27.45, "Ge73": 7.76, "Ge74": 36.52, "Ge76": 7.75}
    assert ge.isotopes == tuple(shares)
    total = ge.total_nuclei_per_kg
    for name, percent in shares.items():
        assert ge.nuclei_per_kg(name) / total == pytest.approx(percent / 100, rel=1e-9)
        assert ge.nuclei_per_kg(name) == pytest.approx(
            1000 * N_A / 72.63 * percent / 100, rel=1e-9
        )  # 72.63 g/mol: standard atomic weight of Ge (periodictable / IUPAC)


def test_water_and_heavy_water():
    h2o, d2o = material("H2O"), material("D2O")
    # M(H2O) = 2 × 1.008 + 15.999 = 18.015 g/mol (IUPAC standard atomic weights)
    assert h2o.molar_mass_g_per_mol == pytest.approx(18.015, abs=1e-3)
    # M(D2O) = 2 × 2.014101778 (H2 isotopic mass, AME) + 15.999 = 20.027 g/mol
    assert d2o.molar_mass_g_per_mol == pytest.approx(2 * 2.01410177784 + 15.999, rel=1e-12)
    assert d2o.molar_mass_g_per_mol == pytest.approx(20.03, abs=0.005)
    # heavy water: hydrogen is only H2, with abundance 1
    hydrogen = [c for c in d2o if c.element == "H"]
    assert [c.isotope.name for c in hydrogen] == ["H2"]
    assert hydrogen[0].abundance == 1.0
    assert "H1" not in d2o.isotopes
    # light water keeps natural hydrogen: 99.9855 % H1, 0.0145 % H2 (periodictable)
    assert h2o.nuclei_per_kg("H2") / h2o.nuclei_per_kg("H1") == pytest.approx(
        0.0145 / 99.9855, rel=1e-9
    )
    # 2 hydrogen nuclei per oxygen atom in both
    for mat in (h2o, d2o):
        n_h = sum(c.nuclei_per_kg for c in mat if c.element == "H")
        n_o = sum(c.nuclei_per_kg for c in mat if c.element == "O")
        assert n_h / n_o == pytest.approx(2.0, rel=1e-12)
    assert material("D").isotopes == ("H2",)


def test_mixed_hydrogen_and_deuterium():
    hdo = material("HDO")
    assert hdo.molar_mass_g_per_mol == pytest.approx(1.008 + 2.01410177784 + 15.999, rel=1e-12)
    (h,) = {c.atoms_per_formula_unit for c in hdo if c.element == "H"}
    assert h == 2.0
    # H2 share: (natural 0.000145 from H + 1 from D) / 2 atoms
    h2 = next(c for c in hdo if c.isotope.name == "H2")
    assert h2.abundance == pytest.approx((0.000145 + 1) / 2, rel=1e-12)


@pytest.mark.parametrize("formula", ["CsI", "CaWO4", "Al2O3", "Li2WO4", "D2O", "Ca(OH)2", "C3F8"])
def test_independent_atom_count(formula):
    # Σ_i N_t,i × M_mol / N_A / 1000 g = atoms per formula unit (inverts PHYSICS §6.2)
    mat = material(formula)
    atoms = sum(mat.nuclei_per_kg_by_isotope().values()) * mat.molar_mass_g_per_mol / N_A / 1000
    assert atoms == pytest.approx(mat.atoms_per_formula_unit, rel=1e-12)
    # molar mass rebuilt independently from periodictable's standard atomic weights
    expected = sum(
        nu
        * (
            periodictable.H[2].mass
            if el == "H" and formula == "D2O"
            else periodictable.elements.symbol(el).mass
        )
        for el, nu in _atoms_per_fu(mat).items()
    )
    assert mat.molar_mass_g_per_mol == pytest.approx(expected, rel=1e-12)


def test_mass_fractions():
    # CsI: Cs 132.905 / 259.810 (standard atomic weights)
    fractions = material("CsI").mass_fractions()
    assert fractions["Cs"] == pytest.approx(132.90545196 / (132.90545196 + 126.90447), rel=1e-12)
    assert math.fsum(fractions.values()) == pytest.approx(1.0, rel=1e-15)
    # Al2O3: Al 2 × 26.9815384 / 101.9613 = 0.52925
    assert material("Al2O3").mass_fractions()["Al"] == pytest.approx(0.52925, rel=1e-4)


def test_above_abundance():
    ar = material("Ar")
    major = ar.above_abundance(0.01)
    assert major.isotopes == ("Ar40",)
    assert major.nuclei_per_kg("Ar40") == ar.nuclei_per_kg("Ar40")  # not renormalised
    assert ar.above_abundance(0.0) == ar
    with pytest.raises(CevnsError, match="min_abundance"):
        ar.above_abundance(1.5)
    with pytest.raises(CevnsError, match="no isotope"):
        material("Xe").above_abundance(0.9)


def test_unknown_isotope_in_material():
    with pytest.raises(CevnsError, match=r"Xe136 is not in material 'CsI'.*Cs133, I127"):
        material("CsI").nuclei_per_kg("Xe136")
    assert material("CsI").nuclei_per_kg("133Cs") == material("CsI").nuclei_per_kg("Cs133")


def test_from_isotopes_by_atoms():
    # hand computation: M = 0.9 m(136Xe) + 0.1 m(134Xe); N_i = 1000 g N_A x_i / M
    m136, m134 = periodictable.Xe[136].mass, periodictable.Xe[134].mass
    molar = 0.9 * m136 + 0.1 * m134
    xe = Material.from_isotopes({"Xe136": 0.9, "Xe134": 0.1}, by="atoms", name="EXO")
    assert xe.name == "EXO"
    assert xe.isotopes == ("Xe134", "Xe136")
    assert xe.nuclei_per_kg("Xe136") == pytest.approx(1000 * N_A * 0.9 / molar, rel=1e-12)
    assert xe.nuclei_per_kg("Xe134") == pytest.approx(1000 * N_A * 0.1 / molar, rel=1e-12)
    assert xe.molar_mass_g_per_mol == pytest.approx(molar, rel=1e-12)
    # amounts are normalised
    scaled = Material.from_isotopes({"136Xe": 9, "Xe-134": 1}, by="atoms")
    assert scaled.nuclei_per_kg_by_isotope() == pytest.approx(xe.nuclei_per_kg_by_isotope())


def test_from_isotopes_by_mass():
    # hand computation: N_i = 1000 g × w_i / m_i × N_A
    m76, m74 = periodictable.Ge[76].mass, periodictable.Ge[74].mass
    ge = Material.from_isotopes({"Ge76": 0.88, "Ge74": 0.12}, by="mass")
    assert ge.nuclei_per_kg("Ge76") == pytest.approx(1000 * 0.88 / m76 * N_A, rel=1e-12)
    assert ge.nuclei_per_kg("Ge74") == pytest.approx(1000 * 0.12 / m74 * N_A, rel=1e-12)
    assert ge.mass_fractions() == pytest.approx({"Ge": 1.0})


def test_from_isotopes_several_elements():
    mix = Material.from_isotopes({"Ar40": 0.5, isotope("Xe136"): 0.5}, by="atoms")
    assert mix.elements == ("Ar", "Xe")
    assert mix.nuclei_per_kg("Ar40") == pytest.approx(mix.nuclei_per_kg("Xe136"), rel=1e-12)
    assert mix.atoms_per_formula_unit == pytest.approx(1.0)


def test_from_elements():
    # by atom counts: identical to the parsed formula
    cawo4 = Material.from_elements({"Ca": 1, "W": 1, "O": 4})
    assert cawo4.formula == "CaWO4"
    assert cawo4.nuclei_per_kg_by_isotope() == pytest.approx(
        material("CaWO4").nuclei_per_kg_by_isotope(), rel=1e-12
    )
    assert Material.from_elements({"Ar": 1.0}, name="LAr").name == "LAr"
    # by mass: 50 % Ar + 50 % Xe by mass → N_Ar,total = 500 g / 39.95 g/mol × N_A
    mix = Material.from_elements({"Ar": 1, "Xe": 1}, by="mass")
    n_ar = sum(c.nuclei_per_kg for c in mix if c.element == "Ar")
    assert n_ar == pytest.approx(500 / 39.95 * N_A, rel=1e-12)
    assert mix.mass_fractions() == pytest.approx({"Ar": 0.5, "Xe": 0.5})


@pytest.mark.parametrize(
    ("amounts", "message"),
    [
        ({"Xe999": 1.0}, "unknown isotope 'Xe999'"),
        ({"Qq136": 1.0}, "unknown element symbol 'Qq'"),
        ({"Xe136": -0.1, "Xe134": 1.1}, "positive finite number, got -0.1"),
        ({"Xe136": float("nan")}, "positive finite number, got nan"),
        ({"Xe136": float("inf")}, "positive finite number"),
        ({"Xe136": 0.0}, "positive finite number"),
        ({"Xe136": "a lot"}, "positive finite number"),
        ({}, "empty"),
        ({"Xe136": 0.5, "136Xe": 0.5}, "given twice"),
        ({136: 1.0}, "must be a name such as 'Xe136'"),
    ],
)
def test_from_isotopes_errors(amounts, message):
    with pytest.raises(CevnsError, match=message):
        Material.from_isotopes(amounts, by="atoms")


def test_from_isotopes_needs_a_valid_by():
    with pytest.raises(CevnsError, match="by must be 'atoms' or 'mass'"):
        Material.from_isotopes({"Xe136": 1.0}, by="volume")


@pytest.mark.parametrize(
    ("amounts", "message"),
    [
        ({"Xx": 1.0}, "unknown element symbol 'Xx'"),
        ({"ar": 1.0}, "unknown element symbol 'ar'"),
        ({"Ar": -1.0}, "positive finite number"),
        ({"Ar": float("nan")}, "positive finite number"),
        ({"Tc": 1.0}, "no naturally occurring isotope"),
        ("Ar", "must be a mapping"),
    ],
)
def test_from_elements_errors(amounts, message):
    with pytest.raises(CevnsError, match=message):
        Material.from_elements(amounts)


# ------------------------------------------------------------------ detector targets
def test_target_material_reads_isotopes_and_formulas():
    xe = target_material("Xe136")
    assert xe.isotopes == ("Xe136",) and xe.name == "Xe136"
    # one Xe136 atom per formula unit: N_t = 1000 g N_A / m(Xe136) per kg
    assert xe.nuclei_per_kg("Xe136") == pytest.approx(
        1000 * N_A / isotope("Xe136").atomic_mass_u, rel=1e-12
    )
    assert target_material("CsI[Na]").isotopes == ("Cs133", "I127")
    assert target_material("Cs5").nuclei_per_kg("Cs133") == pytest.approx(
        material("Cs").nuclei_per_kg("Cs133"), rel=1e-12
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("CsCsCsCsCs", "names Cs more than once"),  # not silently pure Cs
        ("CH3COOH", "names C, H, O more than once"),
        ("Unobtainium", "Unobtainium"),
        ("Xx99", "Xx"),
        (42, "a target must be"),
    ],
)
def test_target_material_refuses_what_is_not_a_target(name, message):
    with pytest.raises(CevnsError, match=message):
        target_material(name)
