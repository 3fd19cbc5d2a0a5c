"""Tests of cevns_core.form_factors.point (PHYSICS.md §4)."""

from __future__ import annotations

import numpy as np
import pytest

from cevns_core.errors import CevnsError
from cevns_core.form_factors import (
    form_factor_model,
    point_form_factor,
)


def test_point_model() -> None:
    point = form_factor_model("point", "Cs133")
    assert [point.moment(k) for k in (2, 4, 6)] == [0.0, 0.0, 0.0]
    with pytest.raises(CevnsError, match="δ"):
        point.density(1.0)
    with pytest.raises(CevnsError, match="rms_fm"):
        point.with_rms(4.0)


def test_point_function() -> None:
    q = np.linspace(0.0, 2.0, 9)
    np.testing.assert_array_equal(point_form_factor(q), np.ones_like(q))
