"""Tests of cevns_core.sources.pion_dar.spectra: line energy, Michel spectra (PHYSICS §5.1, §11)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

from cevns_core.errors import CevnsError
from cevns_core.sources import (
    E_NU_MU_PROMPT_MeV,
    MICHEL_E_MAX_MeV,
    PionDecayAtRest,
    michel_nu_e,
    michel_nubar_mu,
)


# -- energy spectra ---------------------------------------------------------------------------
def test_r1_prompt_line_energy():
    # R1 (PHYSICS §11): E_νμ = (m_π² − m_μ²)/(2m_π) = 29.792 MeV, 1e-4 rel
    assert E_NU_MU_PROMPT_MeV == pytest.approx(29.792, rel=1e-4)


def test_r2_spectra_normalised_per_decay():
    # R2: ∫Φ = 1 per flavour per decay, 1e-6; second method: scipy quad on the closed forms
    src = PionDecayAtRest(protons_on_target=1.0, distance_m=1.0)
    phi = src.line_intensity()
    for flavour in ("nu_e", "nubar_mu", "nu_mu"):
        assert src.integrated(flavour) / phi == pytest.approx(1.0, abs=1e-6)
    for f in (michel_nu_e, michel_nubar_mu):
        val, _ = integrate.quad(lambda e, f=f: float(f(e)), 0.0, MICHEL_E_MAX_MeV)
        assert val == pytest.approx(1.0, abs=1e-9)


def test_r3_mean_energies():
    # R3: ⟨E⟩ ν_e = 31.698, ν̄_μ = 36.980 MeV, 1e-4 rel
    src = PionDecayAtRest()
    assert src.mean_energy_MeV("nu_e") == pytest.approx(31.698, rel=1e-4)
    assert src.mean_energy_MeV("nubar_mu") == pytest.approx(36.980, rel=1e-4)
    assert src.mean_energy_MeV("nu_mu") == pytest.approx(29.792, rel=1e-4)


def test_michel_shapes_vanish_outside_support():
    E = np.array([0.0, MICHEL_E_MAX_MeV, 53.0, 100.0])
    assert michel_nu_e(E)[0] == 0.0
    assert michel_nu_e(E)[1] == pytest.approx(0.0, abs=1e-15)  # (1/2 − E/m_μ) = 0 at the end
    assert np.all(michel_nu_e(E)[2:] == 0.0)
    assert np.all(michel_nubar_mu(E)[2:] == 0.0)
    with pytest.raises(CevnsError):
        michel_nu_e(-1.0)
