"""Tests of cevns_core.form_factors.moment_expansion (PHYSICS.md §4.5)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from cevns_core.errors import CevnsError, CevnsWarning
from cevns_core.form_factors import (
    form_factor,
    form_factor_model,
    moment_expansion_form_factor,
)


def test_moment_expansion_model() -> None:
    me = form_factor_model("moment_expansion", "Cs133")
    helm = form_factor_model("helm", "Cs133")
    for k in (2, 4, 6):  # default: Helm-LS moments (brief; PHYSICS.md §4.5)
        assert me.moment(k) == pytest.approx(helm.moment(k), rel=1e-14)
    with pytest.raises(CevnsError, match="model-independent"):
        me.density(1.0)
    scaled = form_factor_model("moment_expansion", "Cs133", r2_fm2=25.0)
    assert scaled.moment(4) == pytest.approx(helm.moment(4) * (25.0 / helm.moment(2)) ** 2)
    # small q: close to the Helm form factor it expands
    q = np.array([0.05, 0.1])
    np.testing.assert_allclose(me.form_factor(q), helm.form_factor(q), atol=1e-6)


def test_moment_expansion_warning() -> None:
    # PHYSICS.md §4.5: warn when the last retained term exceeds 10 % of the sum
    F = moment_expansion_form_factor([0.0, 0.05], 23.0, 700.0, 25000.0)
    assert F[0] == 1.0
    with pytest.warns(CevnsWarning, match="10 %"):
        moment_expansion_form_factor([0.1, 1.5], 23.0)
    with pytest.warns(CevnsWarning):
        moment_expansion_form_factor(1.5, 23.0, 700.0, 25000.0)


def test_moment_expansion_large_q_warns_only_cevns_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        F = form_factor("moment_expansion", [1.0, 1e3, 1e40], "Cs133")
    assert caught and all(issubclass(w.category, CevnsWarning) for w in caught)
    assert F.shape == (3,) and np.all(np.isfinite(F))
    # where the truncated series overflows, a CevnsError instead of ±inf/nan (issue 7)
    for q in (1e60, 1e160, 1e300):
        with pytest.raises(CevnsError, match="overflows"):
            form_factor("moment_expansion", [1.0, q], "Cs133")
