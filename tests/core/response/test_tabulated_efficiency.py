"""Tests of cevns_core.response.tabulated_efficiency: interpolation and its outside policies."""

from __future__ import annotations

import pytest

from cevns_core.errors import CevnsError
from cevns_core.response import (
    TabulatedEfficiency,
)


def test_tabulated_efficiency_interpolation_and_policies():
    eff = TabulatedEfficiency(x=(1.0, 3.0, 5.0), efficiency=(0.2, 0.6, 0.8))
    assert eff([1.0, 2.0, 4.5, 5.0]) == pytest.approx([0.2, 0.4, 0.75, 0.8])
    assert eff([0.5])[0] == 0.0  # below="zero" (default)
    with pytest.raises(CevnsError, match=r"x = 6 is above the efficiency table \[1, 5\]"):
        eff([6.0])  # above="error" (default): no silent extrapolation
    held = TabulatedEfficiency(
        x=(1.0, 3.0, 5.0), efficiency=(0.2, 0.6, 0.8), below="hold", above="hold"
    )
    assert held([0.0, 9.0]) == pytest.approx([0.2, 0.8])


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: TabulatedEfficiency(x=(0.0, 1.0), efficiency=(0.5, 1.5)), r"\[0, 1\]"),
    ],
)
def test_bad_input(build, message):
    with pytest.raises(CevnsError, match=message):
        build()
