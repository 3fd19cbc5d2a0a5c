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


#: The measurement presets of issue 13 (one per published analysis since 2017's CsI).
MEASUREMENT_PRESETS = (
    "xenonnt_b8_2024",
    "xenonnt_b8_2026",
    "xenonnt_s2only_2026",
    "pandax4t_b8_2024",
    "pandax4t_b8_2024_us2",
    "lz_b8_2025",
    "conus_plus_2025",
    "conus_2024",
    "dresden_ii_2022",
    "coherent_ge_mini",
    "texono_2024",
    "nugen_2025",
    "red100_2024",
)


@pytest.fixture(scope="session")
def measurement_presets() -> tuple[str, ...]:
    """The names of the measurement presets."""
    return MEASUREMENT_PRESETS


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test taking ``measurement_preset`` runs once per measurement preset."""
    if "measurement_preset" in metafunc.fixturenames:
        metafunc.parametrize("measurement_preset", MEASUREMENT_PRESETS)
