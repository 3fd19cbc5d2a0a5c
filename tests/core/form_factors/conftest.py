"""Shared test helpers of the form-factor tests."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from cevns_core.form_factors import FormFactorModel


def _gl_fourier(model: FormFactorModel, q: np.ndarray) -> np.ndarray:
    """F(q) = 4π ∫ρ(r) j0(qr) r² dr by fixed composite Gauss–Legendre quadrature (test-side)."""
    r_max = model._r_max()
    edges = np.unique(np.r_[np.linspace(0.0, r_max, 301), list(model._breakpoints())])
    x, w = np.polynomial.legendre.leggauss(16)
    lo, hi = edges[:-1, None], edges[1:, None]
    r = (lo + 0.5 * (hi - lo) * (x + 1.0)).ravel()
    wr = (0.5 * (hi - lo) * w).ravel()
    rho = model.density(r)
    j0 = np.sinc(q[:, None] * r[None, :] / np.pi)  # np.sinc(x) = sin(πx)/(πx)
    return 4.0 * np.pi * (j0 * (rho * r**2 * wr)[None, :]).sum(axis=1)


@pytest.fixture
def gl_fourier() -> Callable[[FormFactorModel, np.ndarray], np.ndarray]:
    """The test-side Fourier transform of a model's density, F(q) = 4π ∫ρ j₀(qr) r² dr."""
    return _gl_fourier
