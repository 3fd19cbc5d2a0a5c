"""Tests of cevns_core.quenching.tabulated (PHYSICS §6.3: no extrapolation)."""

from __future__ import annotations

import pytest

from cevns_core.errors import CevnsError
from cevns_core.quenching import (
    TabulatedQuenching,
)


def test_tabulated_interpolation_and_no_extrapolation():
    q = TabulatedQuenching(T_keV=(5.0, 10.0, 20.0), Q=(0.08, 0.09, 0.10))
    assert q.quenching_factor([5.0, 7.5, 15.0, 20.0]) == pytest.approx([0.08, 0.085, 0.095, 0.10])
    with pytest.raises(CevnsError, match=r"T_keV = 25 is outside .* \[5, 20\] keVnr"):
        q.quenching_factor(25.0)
    with pytest.raises(CevnsError, match="outside the electron-equivalent range"):
        q.recoil_from_electron_equivalent_keV(0.1)  # below Tee(5 keV) = 0.4 keVee
