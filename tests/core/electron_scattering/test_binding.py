"""Atomic subshells and the stepping approximation (data/atomic_binding_energies.csv).

Binding energies are checked against G. P. Williams, X-ray Data Booklet (LBNL), Table 1-1
"Electron binding energies" (values in eV written here), an independent printing of the same
compilations the shipped table comes from (Elam, Ravel & Sieber 2002).
"""

import numpy as np
import pytest

from cevns_core import CevnsError, atomic_shells, effective_electrons
from cevns_core import electron_scattering_cross_section as dsigma
from cevns_core.electron_scattering.binding import _table

XDB_eV = {
    "Xe": {"K": 34561, "L1": 5453, "L2": 5107, "L3": 4786, "M1": 1148.7, "M2": 1002.1,
           "M3": 940.6, "M4": 689.0, "M5": 676.4, "N1": 213.2, "N2": 146.7, "N3": 145.5,
           "N4": 69.5, "N5": 67.5, "O1": 23.3, "O2": 13.4, "O3": 12.1},
    "Ge": {"K": 11103, "L1": 1414.6, "L2": 1248.1, "L3": 1217.0, "M1": 180.1, "M2": 124.9,
           "M3": 120.8, "M4": 29.8, "M5": 29.2},
    "Ar": {"K": 3205.9, "L1": 326.3, "L2": 250.6, "L3": 248.4, "M1": 29.3, "M2": 15.9,
           "M3": 15.7},
    "Si": {"K": 1839, "L1": 149.7, "L2": 99.8, "L3": 99.2},
    "O": {"K": 543.1, "L1": 41.6},
    "I": {"K": 33169, "L1": 5188, "L2": 4852, "L3": 4557},
    "Cs": {"K": 35985, "L1": 5714, "L2": 5359, "L3": 5012},
    "W": {"K": 69525, "L1": 12100, "L2": 11544, "L3": 10207},
    "Pb": {"K": 88005, "L1": 15861, "L2": 15200, "L3": 13035},
}  # fmt: skip


@pytest.mark.parametrize("element", sorted(XDB_eV))
def test_binding_energies_match_the_xray_data_booklet(element):
    shells = atomic_shells(element)
    table = dict(zip(shells.names, shells.binding_keV * 1e3, strict=True))
    for level, value in XDB_eV[element].items():
        assert table[level] == pytest.approx(value, rel=1e-4, abs=0), (element, level)


def test_every_element_has_its_electrons_and_ordered_shells():
    table = _table()
    assert len(table) == 92
    K_edges = []
    for shells in sorted(table.values(), key=lambda s: s.Z):
        assert shells.electrons.sum() == shells.Z
        assert np.all(shells.electrons > 0) and np.all(shells.binding_keV > 0)
        assert np.all(np.diff(shells.binding_keV) <= 0)  # most bound first
        assert shells.names[0] == "K"
        K_edges.append(shells.binding_keV[0])
    # Moseley: the K edge grows with Z; hydrogen's is the Rydberg energy 13.6 eV
    assert np.all(np.diff(K_edges) > 0)
    assert table["H"].binding_keV[0] * 1e3 == pytest.approx(13.6, abs=0.01)


@pytest.mark.parametrize(
    "T_keV, expected",
    [
        (0.010, 0),  # below 5p3/2 (12.1 eV)
        (0.0125, 4),  # 5p3/2 open
        (0.1, 18),  # 4d, 5s, 5p: 10 + 2 + 6
        (1.0, 40),  # all but K, L (8+2 = 10) and 3s, 3p1/2 (1148.7, 1002.1 eV): 54 − 14
        (5.0, 48),  # L3 (4786 eV) open, L2 (5107) and L1, K closed
        (10.0, 52),  # all but K
        (34.561, 54),  # the K edge counts (T ≥ B)
    ],
)
def test_xenon_stepping_function_counts_the_open_shells(T_keV, expected):
    # Z_eff(T) = Σ n_i Θ(T − B_i) from the X-ray Data Booklet energies above and the ground-state
    # occupations 1s² 2s² 2p⁶ 3s² 3p⁶ 3d¹⁰ 4s² 4p⁶ 4d¹⁰ 5s² 5p⁶.
    assert float(effective_electrons("Xe", T_keV)) == expected


def test_germanium_stepping_function():
    # Ge 1s² 2s² 2p⁶ 3s² 3p⁶ 3d¹⁰ 4s² 4p² with the booklet energies above
    T = np.array([0.02, 0.03, 0.122, 0.2, 1.22, 1.3, 1.5, 12.0])
    np.testing.assert_array_equal(effective_electrons("Ge", T), [4, 14, 18, 22, 26, 28, 30, 32])


def test_free_electrons_and_isotope_names():
    np.testing.assert_array_equal(effective_electrons("Xe131", [0.0, 1.0], "free"), [54, 54])
    assert float(effective_electrons("Ge74", 1.0)) == float(effective_electrons("Ge", 1.0))
    # per-atom cross section = Z_eff × per-electron cross section
    T = np.array([0.05, 2.0, 40.0])
    np.testing.assert_allclose(
        dsigma(1.0, T, "nu_e", target="Xe"), effective_electrons("Xe", T) * dsigma(1.0, T, "nu_e")
    )
    np.testing.assert_allclose(dsigma(1.0, T, target="Xe", binding="free"), 54 * dsigma(1.0, T))


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: effective_electrons("Xe", 1.0, binding="bound"), "binding"),
        (lambda: effective_electrons("Zz", 1.0), "unknown element"),
        (lambda: effective_electrons("Xe", -1.0), "T_keV"),
        (lambda: effective_electrons("Xe", float("nan")), "T_keV"),
        (lambda: atomic_shells(54), "element symbol"),
        (lambda: atomic_shells("Np237"), "only H to U"),
    ],
)
def test_bad_input_is_refused(call, match):
    with pytest.raises(CevnsError, match=match):
        call()
