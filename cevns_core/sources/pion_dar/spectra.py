"""π-DAR energy spectra and beam normalisation (PHYSICS.md §5.1; Pandey Eqs. (2)–(6)).

Per π⁺ → μ⁺ν_μ, μ⁺ → e⁺ν_e ν̄_μ decay chain, each spectrum normalised to 1:

* prompt ν_μ: a line at E = (m_π² − m_μ²)/(2m_π) = 29.792 MeV (never put on a grid);
* delayed ν_e:  Φ(E) = (192/m_μ)(E/m_μ)²(1/2 − E/m_μ),  0 ≤ E ≤ m_μ/2, ⟨E⟩ = 0.30 m_μ = 31.698 MeV;
* delayed ν̄_μ: Φ(E) = (64/m_μ)(E/m_μ)²(3/4 − E/m_μ),   0 ≤ E ≤ m_μ/2, ⟨E⟩ = 0.35 m_μ = 36.980 MeV.

The POT rate follows from the beam power, N_POT/s = P/(E_p · 1.602176634×10⁻¹³ J/MeV).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..._validation import as_array, as_float
from ...units import J_PER_MeV, M_MU_MeV, M_PI_MeV

__all__ = [
    "E_NU_MU_PROMPT_MeV",
    "MICHEL_E_MAX_MeV",
    "michel_nu_e",
    "michel_nubar_mu",
    "pot_rate_per_s",
]

Array = NDArray[np.float64]

#: Prompt ν_μ energy (m_π² − m_μ²)/(2m_π) in MeV (29.792 MeV; PHYSICS §5.1, R1).
E_NU_MU_PROMPT_MeV = (M_PI_MeV**2 - M_MU_MeV**2) / (2.0 * M_PI_MeV)
#: End point m_μ/2 of the Michel spectra in MeV (52.83 MeV).
MICHEL_E_MAX_MeV = 0.5 * M_MU_MeV


def michel_nu_e(E_MeV: ArrayLike) -> Array:
    """Delayed ν_e spectrum per μ⁺ decay, MeV⁻¹ (Pandey Eq. (4)); zero outside [0, m_μ/2].

    Φ(E) = (192/m_μ)(E/m_μ)²(1/2 − E/m_μ), normalised to 1.

    Examples
    --------
    >>> round(float(michel_nu_e(30.0)), 6)
    0.031653
    """
    return _michel_nu_e(as_array(E_MeV, "E_MeV", minimum=0.0))


def _michel_nu_e(E: Array) -> Array:
    # unvalidated (E ≥ 0 floats): the source's components call it on the rate engine's nodes
    x = E / M_MU_MeV
    return np.where(E <= MICHEL_E_MAX_MeV, 192.0 / M_MU_MeV * x**2 * (0.5 - x), 0.0)


def michel_nubar_mu(E_MeV: ArrayLike) -> Array:
    """Delayed ν̄_μ spectrum per μ⁺ decay, MeV⁻¹ (Pandey Eq. (5)); zero outside [0, m_μ/2].

    Φ(E) = (64/m_μ)(E/m_μ)²(3/4 − E/m_μ), normalised to 1.

    Examples
    --------
    >>> round(float(michel_nubar_mu(30.0)), 6)
    0.022759
    """
    return _michel_nubar_mu(as_array(E_MeV, "E_MeV", minimum=0.0))


def _michel_nubar_mu(E: Array) -> Array:
    # unvalidated, as _michel_nu_e
    x = E / M_MU_MeV
    return np.where(E <= MICHEL_E_MAX_MeV, 64.0 / M_MU_MeV * x**2 * (0.75 - x), 0.0)


def pot_rate_per_s(beam_power_MW: float, proton_energy_GeV: float) -> float:
    """Protons on target per second from beam power and proton kinetic energy.

    N_POT/s = P / (E_p · 1.602176634×10⁻¹³ J/MeV) (PHYSICS §5.1).

    Examples
    --------
    >>> f"{pot_rate_per_s(1.4, 1.0):.4g}"
    '8.738e+15'
    """
    P = as_float(beam_power_MW, "beam_power_MW", minimum=0.0, inclusive=False)
    Ep = as_float(proton_energy_GeV, "proton_energy_GeV", minimum=0.0, inclusive=False)
    return P * 1e6 / (Ep * 1e3 * J_PER_MeV)
