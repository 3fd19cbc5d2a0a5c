"""Isotope records (PHYSICS.md §1.4, §6.2; charge radii from Angeli & Marinova 2013)."""

import pytest

from cevns_core.errors import CevnsError
from cevns_core.nuclei import isotope, isotopes_of, natural_isotopes
from cevns_core.units import AMU_MeV, M_E_MeV


@pytest.mark.parametrize(
    ("name", "radius"),
    [
        # Angeli & Marinova, ADNDT 99 (2013) 69, as quoted in PHYSICS §4.1 and data SOURCES.md.
        ("Cs133", 4.8041),
        ("I127", 4.7500),
        ("Ar40", 3.4274),
        ("Ge72", 4.0576),
        ("Ge74", 4.0742),
        ("Xe132", 4.7859),
        ("Pb208", 5.5012),
        ("Ca48", 3.4771),
        ("Al27", 3.0610),
        ("Ti48", 3.5921),
        ("Na23", 2.9936),
    ],
)
def test_charge_radii(name, radius):
    assert isotope(name).charge_radius_fm == pytest.approx(radius, abs=1e-4)


def test_record_fields_and_nuclear_mass():
    cs = isotope("Cs133")
    assert (cs.symbol, cs.Z, cs.N, cs.A, cs.name) == ("Cs", 55, 78, 133, "Cs133")
    # AME: m(133Cs) = 132.905451959 u; M = m_atom u - Z m_e (PHYSICS §1.4).
    assert cs.atomic_mass_u == pytest.approx(132.905451959, abs=1e-8)
    assert cs.mass_MeV == pytest.approx(132.905451959 * AMU_MeV - 55 * M_E_MeV, rel=1e-12)
    # M ≈ A u to 0.1 % (PHYSICS §1.4).
    assert cs.mass_MeV == pytest.approx(133 * AMU_MeV, rel=1e-3)
    assert cs.abundance == 1.0
    assert cs.spin == 3.5 and cs.spin_expectation == (-0.370, 0.003)


def test_spins():
    # NUBASE2020 ground-state spins; even-even nuclei have J = 0.
    assert isotope("Ar40").spin == 0.0
    assert isotope("Ge73").spin == 4.5
    assert isotope("I127").spin == 2.5
    assert isotope("Xe129").spin == 0.5 and isotope("Xe131").spin == 1.5
    assert isotope("Na23").spin == 1.5
    assert isotope("D").spin == 1.0


def test_name_forms():
    for form in ("Cs133", "Cs-133", "133Cs", "cs133", " 133-Cs "):
        assert isotope(form) is isotope("Cs133")
    assert isotope("D").name == "H2"
    assert isotope(isotope("Ar40")) is isotope("Ar40")


def test_tritium_symbol_names_hydrogen():
    # periodictable's "T" is the tritium isotope itself (Z = 1, A = 3), not an element; as for
    # "D", its element is hydrogen. "0T" (found by hypothesis) is a clear error, not a TypeError.
    assert isotope("T3") is isotope("H3") and isotope("H3").Z == 1
    with pytest.raises(CevnsError, match="H has mass numbers"):
        isotope("0T")


def test_natural_abundances():
    # 1 kg Ge shares per periodictable (PHYSICS §6.2): 20.52, 27.45, 7.76, 36.52, 7.75 %.
    ge = {i.name: i.abundance for i in isotopes_of("Ge")}
    assert ge == pytest.approx(
        {"Ge70": 0.2052, "Ge72": 0.2745, "Ge73": 0.0776, "Ge74": 0.3652, "Ge76": 0.0775}, abs=1e-6
    )
    assert [i.name for i in isotopes_of("Ar")] == ["Ar36", "Ar38", "Ar40"]
    everything = natural_isotopes()
    assert len(everything) > 250
    assert all(i.abundance > 0 for i in everything)
    # Every naturally occurring isotope with a measured radius has it attached.
    assert sum(i.charge_radius_fm is not None for i in everything) > 250


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Xx12", "unknown element"),
        ("Cs999", "unknown isotope"),
        ("133", "cannot read"),
        ("", "cannot read"),
        ("Cs133x", "cannot read"),
    ],
)
def test_bad_names(name, message):
    with pytest.raises(CevnsError, match=message):
        isotope(name)


def test_bad_types_and_elements():
    with pytest.raises(CevnsError, match="isotope must be a name"):
        isotope(133)
    with pytest.raises(CevnsError, match="unknown element"):
        isotopes_of("Qq")
    with pytest.raises(CevnsError, match="no naturally occurring"):
        isotopes_of("Tc")
