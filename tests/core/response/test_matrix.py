"""Response matrices M(T, cell) and their fold with recoil spectra (cevns_core.response.matrix)."""

from __future__ import annotations

import numpy as np
import pytest

from cevns_core.errors import CevnsError
from cevns_core.response import ResponseMatrix, response_matrix, response_matrix_names


def _linear_matrix(above: str = "hold") -> ResponseMatrix:
    T = np.array([0.5, 1.0, 2.0, 4.0])
    a, b = 0.01, 0.05
    return ResponseMatrix(
        "test", T, np.column_stack([a + b * T, np.full_like(T, 0.2)]), ("a", "b"), above=above
    )


def _exp_integral(a: float, b: float, tau: float, lo: float, hi: float) -> float:
    # ∫ (a + b T) e^(−T/τ) dT, closed form
    def F(T: float) -> float:
        return -tau * np.exp(-T / tau) * (a + b * (T + tau))

    return F(hi) - F(lo)


def test_fold_of_a_linear_response_matches_the_closed_form():
    # Rows linear in T are interpolated exactly; Gauss–Legendre (8 nodes per interval) integrates
    # the exponential spectrum to ~1e-14 relative.
    m = _linear_matrix()
    tau = 0.7
    counts = m.fold(lambda T: np.exp(-T / tau))
    assert counts[0] == pytest.approx(_exp_integral(0.01, 0.05, tau, 0.5, 4.0), rel=1e-12)
    assert counts[1] == pytest.approx(_exp_integral(0.2, 0.0, tau, 0.5, 4.0), rel=1e-12)
    # "hold" continues the last row up to T_max; "zero" stops at the table's end
    held = m.fold(lambda T: np.exp(-T / tau), T_max_keV=6.0)
    tail = 0.2 * tau * (np.exp(-4.0 / tau) - np.exp(-6.0 / tau))
    assert held[1] - counts[1] == pytest.approx(tail, rel=1e-12)
    zero = _linear_matrix("zero").fold(lambda T: np.exp(-T / tau), T_max_keV=6.0)
    np.testing.assert_allclose(zero, counts, rtol=1e-14)
    # a source that cannot reach the table gives nothing; one that stops inside it is cut there
    assert np.all(m.fold(lambda T: np.ones_like(T), T_max_keV=0.4) == 0.0)
    cut = m.fold(lambda T: np.exp(-T / tau), T_max_keV=1.5)
    assert cut[1] == pytest.approx(_exp_integral(0.2, 0.0, tau, 0.5, 1.5), rel=1e-12)


def test_rows_and_efficiency():
    m = _linear_matrix()
    np.testing.assert_allclose(m.rows([0.75, 3.0])[:, 0], 0.01 + 0.05 * np.array([0.75, 3.0]))
    assert np.all(m.rows([0.1]) == 0.0)  # below the table: no response
    np.testing.assert_allclose(m.efficiency(), 0.21 + 0.05 * m.T_keV)
    assert float(m.efficiency(1.5)) == pytest.approx(0.21 + 0.075)
    with pytest.raises(CevnsError, match="above the response matrix"):
        _linear_matrix("error").rows([5.0])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"T_keV": [1.0, 0.5]}, "strictly increasing"),
        ({"matrix": [[0.6, 0.6], [0.1, 0.1]]}, "sums to more than 1"),
        ({"cells": ("a",)}, "1 cell names for 2 matrix columns"),
        ({"above": "extrapolate"}, "unknown above"),
    ],
)
def test_bad_matrices(kwargs, message):
    base = {
        "name": "x",
        "T_keV": [0.5, 1.0],
        "matrix": [[0.1, 0.1], [0.2, 0.2]],
        "cells": ("a", "b"),
    }
    base.update(kwargs)
    with pytest.raises(CevnsError, match=message):
        ResponseMatrix(**base)


def test_fold_rejects_bad_rates():
    with pytest.raises(CevnsError, match="non-negative"):
        _linear_matrix().fold(lambda T: -np.ones_like(T))


def test_shipped_matrices():
    # tools/build_xenonnt_data.py writes them from the XENONnT releases: 46 energies 0.5-5 keVnr
    # and 81 cells per science run (2 runs in 2024, 3 in 2026); S2-only: 50 energies, 7 bins/run.
    assert response_matrix_names() == [
        "xenonnt_b8_2024_response",
        "xenonnt_b8_2026_response",
        "xenonnt_s2only_2026_response",
    ]
    for name, n_T, n_cells in (
        ("xenonnt_b8_2024_response", 46, 162),
        ("xenonnt_b8_2026_response", 46, 243),
        ("xenonnt_s2only_2026_response", 50, 21),
    ):
        m = response_matrix(name)
        assert m.matrix.shape == (n_T, n_cells)
        assert m.T_keV[0] == 0.5 and m.T_keV[-1] == 5.0
    # 2026 SR0 nominal efficiency: 0.5 keV 1.3e-4, 1 keV 0.0073, 3 keV 0.15 (template sums,
    # xenonnt_8b_2026/SOURCES.md: "0.5 keV ≈ 1e-4, 1 keV ≈ 0.007 ... 3 keV ≈ 0.13-0.14" overall)
    m = response_matrix("xenonnt_b8_2026_response")
    sr0 = m.matrix[:, :81].sum(axis=1)
    assert sr0[0] == pytest.approx(1.3e-4, rel=0.05)
    assert sr0[5] == pytest.approx(7.32e-3, rel=0.01)
    with pytest.raises(CevnsError, match="unknown response matrix"):
        response_matrix("xenonnt_2030")
