"""Tests of cevns_core.form_factors.shells: PKK Table III as corrected in PHYSICS.md §4.4 (R16)."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from cevns_core.errors import CevnsError
from cevns_core.form_factors import (
    DEFAULT_SHELL_ORDER,
    ho_coefficients,
    ho_lambda_coefficient,
    shell_occupations,
)

# PHYSICS.md §4.4 corrected PKK Table III: Z, last level, f_λ, θ_λ (exact)
TABLE_III = [
    (2, "0s1/2", ["2"], ["2"]),
    (6, "0p3/2", ["2", "8/3"], ["6", "-2/3"]),
    (8, "0p1/2", ["2", "4"], ["8", "-1"]),
    (14, "0d5/2", ["2", "4", "8/5"], ["14", "-3", "1/10"]),
    (18, "0d3/2", ["2", "4", "8/3"], ["18", "-13/3", "1/6"]),
    (20, "1s1/2", ["5", "0", "4"], ["20", "-5", "1/4"]),
    (22, "1p1/2", ["5", "10/3", "4/3", "8/15"], ["22", "-6", "13/30", "-1/120"]),
    (30, "0f7/2", ["5", "10/3", "4/3", "8/7"], ["30", "-10", "5/6", "-1/56"]),
    (34, "1p3/2", ["5", "10", "-4", "232/105"], ["34", "-12", "6/5", "-29/840"]),
    (40, "0f5/2", ["5", "10", "-4", "8/3"], ["40", "-15", "3/2", "-1/24"]),
    (50, "0g9/2", ["5", "10", "-4", "8/3", "32/189"], ["50", "-65/3", "5/2", "-5/56", "1/1512"]),
]


@pytest.mark.parametrize(("Z", "label", "f", "theta"), TABLE_III)
def test_R16_table_III(Z: int, label: str, f: list[str], theta: list[str]) -> None:
    # PHYSICS.md §11 R16 / §4.4 / PKK Table III (θ₂(Z=22) = 13/30, label 0g9/2), exact fractions
    levels = shell_occupations(Z)
    assert levels[-1].label == label
    assert sum(level.occupation for level in levels) == Z
    f_calc, theta_calc = ho_coefficients(levels)
    assert f_calc == [Fraction(x) for x in f]
    assert theta_calc == [Fraction(x) for x in theta]
    # normalisation of PKK Eq. (20) to Z: Σ f_λ (2λ+1)!!/2^λ = Z
    norm = sum(
        fl * Fraction(math.prod(range(2 * lam + 1, 0, -2)), 2**lam) for lam, fl in enumerate(f_calc)
    )
    assert norm == Z
    # the compact rule θ_λ = 4^{−λ} Σ_K f_K K! Λ_λ(K, 0) (PHYSICS.md §4.4)
    compact = [
        sum(
            (
                fK * math.factorial(K) * ho_lambda_coefficient(lam, K, 0)
                for K, fK in enumerate(f_calc)
            ),
            Fraction(0),
        )
        / 4**lam
        for lam in range(len(f_calc))
    ]
    assert compact == theta_calc


def test_compact_rule_for_large_shells() -> None:
    # PHYSICS.md §4.4 compact rule vs PKK Eq. (A28) for neutron fillings up to N = 126
    for count in (55, 78, 82, 126):
        f, theta = ho_coefficients(count)
        for lam, th in enumerate(theta):
            compact = (
                sum(
                    (
                        fK * math.factorial(K) * ho_lambda_coefficient(lam, K, 0)
                        for K, fK in enumerate(f)
                    ),
                    Fraction(0),
                )
                / 4**lam
            )
            assert compact == th
        assert theta[0] == count


def test_shell_occupations() -> None:
    levels = shell_occupations(55)
    assert [lvl.label for lvl in levels[-2:]] == ["0g9/2", "0g7/2"]
    assert levels[-1].occupation == 5 and levels[-1].capacity == 8
    assert sum(lvl.occupation for lvl in shell_occupations(126)) == 126
    assert shell_occupations(126)[-1].label == "0i13/2"
    assert sum(int(2 * j + 1) for _, _, j in DEFAULT_SHELL_ORDER) == 184
    custom = shell_occupations(4, order=[(0, 0, 0.5), (0, 1, "1/2"), (0, 1, Fraction(3, 2))])
    assert [(lvl.label, lvl.occupation) for lvl in custom] == [("0s1/2", 2), ("0p1/2", 2)]
    with pytest.raises(CevnsError, match="n_nucleons"):
        shell_occupations(185)
    with pytest.raises(CevnsError, match="j must be"):
        shell_occupations(2, order=[(0, 0, "3/2")])
    with pytest.raises(CevnsError, match="occupation"):
        ho_coefficients([(0, 0, "1/2", 3)])
    with pytest.raises(CevnsError, match="twice"):
        ho_coefficients([(0, 0, "1/2", 1), (0, 0, "1/2", 1)])
