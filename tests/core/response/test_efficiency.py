"""Tests of cevns_core.response.efficiency: COHERENT CsI 2017/2021 acceptances (§6.4)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cevns_core.errors import CevnsError
from cevns_core.response import (
    CsI2021Efficiency,
    FunctionalEfficiency,
    LogisticStepEfficiency,
)

A17, K17, X17 = 0.6655, 0.4942, 10.8507  # coherent_parameters.yaml (COHERENT 2017 release)


def test_logistic_step_values_by_hand():
    # coherent_parameters.yaml: f(x) = a/(1 + exp(−k(x − x0)))·H(x − 5), H = 0 below 5 PE,
    # 1/2 in [5, 6), 1 from 6 PE
    eff = LogisticStepEfficiency()

    def logistic(x):
        return A17 / (1 + math.exp(-K17 * (x - X17)))

    values = eff([4.5, 5.5, 6.5, 10.85])
    assert values == pytest.approx(
        [0.0, 0.5 * logistic(5.5), logistic(6.5), logistic(10.85)], rel=1e-12
    )
    assert values[1] == pytest.approx(0.02207, abs=1e-5)  # hand: 0.5 × 0.6655/(1 + e^2.6443)
    assert values[3] == pytest.approx(0.33269, abs=1e-5)  # hand: 0.6655/(1 + e^0.000346)
    # release convention: evaluated at 1-PE bin centres (the bin [5, 6) at 5.5)
    assert eff.evaluation == "bin_centre"
    assert eff.applied([5.2, 5.9, 6.0]) == pytest.approx(eff([5.5, 5.5, 6.5]))
    # a standard Heaviside step at 5 PE (PHYSICS §6.4 writes Θ(x − 5))
    std = LogisticStepEfficiency(step_end=5.0)
    assert std([5.5])[0] == pytest.approx(logistic(5.5))


def test_csi_2021_efficiency_by_hand_and_clipping():
    # effCoefficients.txt (arXiv:2110.07730): eff = a/(1 + exp(−b(x − c))) + d, clipped at 0
    a, b, c, d = 1.32045, 0.285979, 10.8646, -0.333322
    eff = CsI2021Efficiency()
    x = np.array([8.0, 15.0, 40.0])
    assert eff(x) == pytest.approx(a / (1 + np.exp(-b * (x - c))) + d, rel=1e-12)
    # the raw curve is negative below ≈ 7.07 PE (SOURCES of the release copy)
    assert eff([3.0, 7.0])[0] == 0.0
    assert eff([7.0])[0] == 0.0 and eff([7.1])[0] > 0.0


def test_functional_efficiency_checks_range():
    eff = FunctionalEfficiency(function=lambda x: np.clip(x / 10, 0, 1))
    assert eff([5.0, 20.0]) == pytest.approx([0.5, 1.0])
    with pytest.raises(CevnsError, match=r"finite values in \[0, 1\]"):
        FunctionalEfficiency(function=lambda x: 2 * np.ones_like(x))([1.0])


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: LogisticStepEfficiency(step_start=6.0, step_end=5.0), "step_end"),
    ],
)
def test_bad_input(build, message):
    with pytest.raises(CevnsError, match=message):
        build()
