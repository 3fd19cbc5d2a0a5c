"""Tests of cevns_core.response.timing: the timing efficiency and window fractions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cevns_core.errors import CevnsError
from cevns_core.response import (
    TimingEfficiency,
    timing_fraction,
)


def test_timing_efficiency():
    # CsI 2021 (supplemental PDF as quoted): 1 for t < 0.52 μs, exp(−0.0494 (t − 0.52)) after
    te = TimingEfficiency()
    assert te([0.0, 0.519, 0.52, 3.0]) == pytest.approx([1.0, 1.0, 1.0, math.exp(-0.0494 * 2.48)])


def test_timing_fraction_binned_pdf():
    t = np.array([0.25, 0.75, 1.25, 1.75])
    p = np.array([0.1, 0.4, 0.3, 0.2])
    assert timing_fraction((t, p), (0.5, 1.5)) == pytest.approx(0.7)
    assert timing_fraction((t, 2 * p), (0.5, 1.5)) == pytest.approx(0.7)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: timing_fraction(lambda t: t, None), "give window_us or support_us"),
    ],
)
def test_bad_input(build, message):
    with pytest.raises(CevnsError, match=message):
        build()
