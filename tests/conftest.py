"""Shared test settings.

``pytest.approx`` defaults to an absolute tolerance of 1e-12, larger than every cross section
(~1e-40 cm²), flux density or rate this package computes in its own units: with that default a
comparison of two cross sections passes whatever their values. Here the default absolute tolerance
is 0, so a bare ``approx(x)`` means "within 1e-6 relative" as it reads; a test that compares with 0
says ``abs=...`` explicitly.
"""

from __future__ import annotations

import pytest

_approx = pytest.approx


def _strict_approx(expected, rel=None, abs=None, nan_ok=False):
    if abs is None:
        abs = 0.0
        if rel is None:
            rel = 1e-6
    return _approx(expected, rel=rel, abs=abs, nan_ok=nan_ok)


pytest.approx = _strict_approx
