"""Tests of cevns_core.form_factors.lewin_smith against PHYSICS.md §4.8."""

from __future__ import annotations

import pytest

from cevns_core.form_factors import (
    lewin_smith_c,
)


def test_section_4_8_lewin_smith_c() -> None:
    # PHYSICS.md §4.8: c = 5.6785 fm (¹³³Cs)
    assert lewin_smith_c(133) == pytest.approx(5.6785, abs=1e-4)
