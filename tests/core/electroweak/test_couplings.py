"""Electron–nucleon weak charges with radiative corrections (cevns_core.electroweak.couplings)."""

import math

import numpy as np
import pytest

from cevns_core.electroweak.couplings import (
    electron_quark_couplings,
    nuclear_weak_charge,
    nucleon_weak_charges,
)
from cevns_core.errors import CevnsError
from cevns_core.units import ALPHA, SW2_LOW


def test_cs133_weak_charge_standard_model():
    # Q_W^SM(¹³³Cs) = −73.23(1): Sahoo, Das & Spiesberger, PRD 103 (2021) L111303,
    # arXiv:2101.10095 (abstract); same value in the PDG electroweak review (§10.3.3).
    assert float(nuclear_weak_charge(55, 78, SW2_LOW)) == pytest.approx(-73.23, abs=0.01)


def test_proton_weak_charge_standard_model():
    # Q_W^p(SM) = 0.0710 ± 0.0007: Qweak, Androić et al., PRL 111 (2013) 141803,
    # arXiv:1307.5275 (abstract).
    Q_p, Q_n = nucleon_weak_charges(SW2_LOW)
    assert float(Q_p) == pytest.approx(0.0710, abs=0.0007)
    # The neutron weak charge is −1 at tree level; radiative corrections move it by ~1 %.
    assert float(Q_n) == pytest.approx(-1.0, abs=0.015)


def test_tree_level_slopes():
    # Only g_AV^{ep} = −½ + 2 sin²θ_W depends on the angle: ∂Q_W/∂s = −4Z(1 − α/2π) and the
    # neutron charge is constant (tree-level PDG couplings, module doc).
    s = np.array([0.22, 0.23, 0.24, 0.25])
    Q = nuclear_weak_charge(55, 78, s)
    slope = np.diff(Q) / np.diff(s)
    np.testing.assert_allclose(slope, -4 * 55 * (1 - ALPHA / (2 * math.pi)), rtol=1e-12)
    g_eu, g_ed = electron_quark_couplings(s)
    np.testing.assert_allclose(g_eu + 2 * g_ed, (g_eu + 2 * g_ed)[0], rtol=1e-12)


def test_vectorised_shapes():
    s = np.linspace(0.2, 0.26, 12).reshape(3, 4)
    Q_p, Q_n = nucleon_weak_charges(s)
    assert Q_p.shape == Q_n.shape == (3, 4)
    loop = np.array([[float(nuclear_weak_charge(82, 126, x)) for x in row] for row in s])
    np.testing.assert_allclose(nuclear_weak_charge(82, 126, s), loop, rtol=1e-14)


def test_bad_input():
    with pytest.raises(CevnsError, match="sin2_theta_W"):
        nucleon_weak_charges(1.5)
    with pytest.raises(CevnsError, match="sin2_theta_W"):
        electron_quark_couplings(float("nan"))
