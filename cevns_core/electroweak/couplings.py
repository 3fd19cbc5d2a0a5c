"""Low-energy electron–quark couplings and the nucleon weak charges probed by electrons.

Atomic parity violation (APV) and parity-violating electron scattering (PVES) measure the vector
weak charge of a nucleus as seen by an *electron* (axial electron × vector quark current). In the
PDG notation the couplings are g_AV^{eq} (≡ C_1q); at tree level

    g_AV^{eu} = −½ + (4/3) sin²θ_W,      g_AV^{ed} = ½ − (2/3) sin²θ_W,

and the Standard-Model values including the electroweak radiative corrections are
g_AV^{eu} = −0.1888, g_AV^{ed} = 0.3419 (PDG review "Electroweak model and constraints on new
physics", J. Erler & A. Freitas, §10.3.3; evaluated at the low-energy MS-bar
sin²θ_W(0) = 0.23857, PDG 2018–2020). The weak charge of a nucleus with Z protons and N neutrons
is (same review, §10.3.3; J. Erler & S. Su, Prog. Part. Nucl. Phys. 71 (2013) 119,
arXiv:1303.5522, Eqs. (96)–(97), (116))

    Q_W(Z, N) = −2 [Z (g_AV^{ep} + 0.00005) + N (g_AV^{en} + 0.00006)] (1 − α/2π),
    g_AV^{ep} = 2 g_AV^{eu} + g_AV^{ed},   g_AV^{en} = g_AV^{eu} + 2 g_AV^{ed},

where 0.00005 and 0.00006 are the γZ-box corrections of P. G. Blunden, W. Melnitchouk and
A. W. Thomas, PRL 109 (2012) 262301 (arXiv:1208.4310) and (1 − α/2π) the QED vertex correction.
This is the Q_W^{SM+r.c.} used by the APV analyses the CDG review quotes (M. Atzori Corona et al.,
arXiv:2303.09360). It gives Q_W(¹³³Cs) = −73.22 at sin²θ_W = 0.23857 (published: −73.23(1)).

Dependence on sin²θ_W: only g_AV^{ep} depends on it (g_AV^{en} = ½ at tree level), with the
tree-level slope ∂g_AV^{ep}/∂sin²θ_W = 2. The package moves the radiatively corrected couplings
along that slope around the PDG point; the neglected factor ρκ̂ changes the slope by < 10⁻³.

Normalisation: this is the PDG weak charge (negative for nuclei, Q_W = 2𝒬_V of PHYSICS.md §0).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array
from ..units import ALPHA, SW2_LOW

__all__ = [
    "GAMMA_Z_BOX_NEUTRON",
    "GAMMA_Z_BOX_PROTON",
    "G_AV_ED_SM",
    "G_AV_EU_SM",
    "SIN2_REFERENCE",
    "electron_quark_couplings",
    "nuclear_weak_charge",
    "nucleon_weak_charges",
]

#: sin²θ_W(0) (MS-bar, PDG 2018–2020) at which the SM couplings below are quoted.
SIN2_REFERENCE = SW2_LOW
#: g_AV^{eu} = C_1u, Standard Model with radiative corrections (PDG electroweak review §10.3).
G_AV_EU_SM = -0.1888
#: g_AV^{ed} = C_1d, Standard Model with radiative corrections (PDG electroweak review §10.3).
G_AV_ED_SM = 0.3419
#: γZ-box corrections added to g_AV^{ep} and g_AV^{en} (Blunden, Melnitchouk & Thomas 2012).
GAMMA_Z_BOX_PROTON = 0.00005
GAMMA_Z_BOX_NEUTRON = 0.00006

_QED_VERTEX = 1.0 - ALPHA / (2.0 * math.pi)


def electron_quark_couplings(
    sin2_theta_W: ArrayLike = SIN2_REFERENCE,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Electron–quark couplings (g_AV^{eu}, g_AV^{ed}) as functions of sin²θ_W (module doc).

    g_AV^{eu} = −0.1888 + (4/3)(s − 0.23857), g_AV^{ed} = 0.3419 − (2/3)(s − 0.23857): the PDG
    radiatively corrected values moved along the tree-level slopes.

    Parameters
    ----------
    sin2_theta_W : array_like
        Low-energy weak mixing angle sin²θ_W (in [0, 1]; any shape).

    Returns
    -------
    (ndarray, ndarray)
        g_AV^{eu}, g_AV^{ed} with the shape of ``sin2_theta_W``.

    Examples
    --------
    >>> [round(float(g), 4) for g in electron_quark_couplings()]
    [-0.1888, 0.3419]
    """
    s = as_array(sin2_theta_W, "sin2_theta_W", minimum=0.0, maximum=1.0)
    shift = s - SIN2_REFERENCE
    return G_AV_EU_SM + 4.0 / 3.0 * shift, G_AV_ED_SM - 2.0 / 3.0 * shift


def nucleon_weak_charges(
    sin2_theta_W: ArrayLike = SIN2_REFERENCE,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Proton and neutron weak charges seen by an electron, (Q_W^p, Q_W^n), with r.c.

    Q_W^p = −2 (g_AV^{ep} + 0.00005)(1 − α/2π), Q_W^n = −2 (g_AV^{en} + 0.00006)(1 − α/2π)
    (module doc; PDG electroweak review §10.3.3).

    Examples
    --------
    >>> [round(float(q), 4) for q in nucleon_weak_charges()]
    [0.0712, -0.989]
    """
    g_eu, g_ed = electron_quark_couplings(sin2_theta_W)
    g_ep = 2.0 * g_eu + g_ed
    g_en = g_eu + 2.0 * g_ed
    Q_p = -2.0 * (g_ep + GAMMA_Z_BOX_PROTON) * _QED_VERTEX
    Q_n = -2.0 * (g_en + GAMMA_Z_BOX_NEUTRON) * _QED_VERTEX
    return Q_p, np.broadcast_to(Q_n, np.shape(Q_p)).copy()


def nuclear_weak_charge(
    Z: int, N: int, sin2_theta_W: ArrayLike = SIN2_REFERENCE
) -> NDArray[np.float64]:
    """Weak charge Q_W(Z, N) = Z Q_W^p + N Q_W^n of a point nucleus (PDG normalisation, < 0).

    Examples
    --------
    >>> round(float(nuclear_weak_charge(55, 78)), 2)
    -73.22
    """
    Q_p, Q_n = nucleon_weak_charges(sin2_theta_W)
    return Z * Q_p + N * Q_n
