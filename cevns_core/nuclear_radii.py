"""The default sizes of the nucleon distributions (PHYSICS.md §3.6, §4.6).

The package's default nuclear description (``proton_radius="measured"`` of
:func:`cevns_core.nucleon_form_factors`, :class:`cevns_core.NuclearModel` and every rate):

* **Protons.** The form-factor model's shape at the point-proton rms radius obtained from the
  measured rms charge radius R_ch (Angeli & Marinova, At. Data Nucl. Data Tables 99 (2013) 69;
  ``data/charge_radii.csv``) with the nucleon finite-size corrections,
  R_p² = R_ch² − r_p² − (N/Z) r_n² − 3/(4m_p²) (:func:`point_proton_radius`). Where no charge
  radius is tabulated, the model's own A-based size (Lewin–Smith, 1.23 A^{1/3} …) stands for R_ch.
* **Neutrons.** The same shape at R_n = R_p + ΔR_np with the neutron-skin systematics of
  antiprotonic atoms (Trzcińska et al., Phys. Rev. Lett. 87 (2001) 082501, 26 nuclei from ⁴⁰Ca
  to ²³⁸U): ΔR_np = (1.01 ± 0.15) (N − Z)/A + (−0.04 ± 0.03) fm (:func:`neutron_skin_systematics`).
  ΔR_np is the difference of point rms radii, the quantity PREX-II and CREX quote.
* **Nucleon size.** Both point distributions are folded with the nucleon form factor, the dipole
  G_D(q²) = (1 + q²/0.71 GeV²)⁻² (PHYSICS §3.6; Pandey Eq. (25) with the same G for the weak
  charge of both nucleons): the weak charge of a neutron is spread like the proton's charge, so a
  point-nucleon description without it underestimates the weak radius by ≈ r_p²/(2R), about as
  much as the skin itself (0.07 fm for ⁴⁸Ca).

With these defaults F_W(²⁰⁸Pb) at PREX-II's momentum transfer and F_W(⁴⁸Ca) at CREX's agree
with the measurements (``tests/core/test_nuclear_radii.py``). The reviews' convention (F_n = F_p,
proton distribution = the model as built, no nucleon form factor), with which the reference values
of PHYSICS.md §3.7, §6.5 and §11 were computed, is :data:`REVIEW_NUCLEAR_CHOICE`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import as_array, as_float
from .errors import CevnsError
from .nuclei import Isotope, isotope
from .units import HBARC_MeV_fm

__all__ = [
    "DARWIN_FOLDY_FM2",
    "NEUTRON_MS_RADIUS_FM2",
    "NEUTRON_SKIN_SYSTEMATICS",
    "PROTON_MS_RADIUS_FM2",
    "PROTON_RADII",
    "REVIEW_NUCLEAR_CHOICE",
    "NUCLEON_DIPOLE_MASS2_GeV2",
    "SkinEstimate",
    "neutron_skin_systematics",
    "nucleon_dipole_form_factor",
    "point_proton_radius",
]

#: Proton mean-square charge radius r_p² in fm² (PHYSICS.md §4.6).
PROTON_MS_RADIUS_FM2 = 0.7071
#: Neutron mean-square charge radius r_n² in fm² (negative; PHYSICS.md §4.6).
NEUTRON_MS_RADIUS_FM2 = -0.1161
#: Darwin–Foldy term 3/(4 m_p²) in fm² (PHYSICS.md §4.6).
DARWIN_FOLDY_FM2 = 0.0331

#: Dipole mass² Λ² of the nucleon form factor G_D(q²) = (1 + q²/Λ²)⁻² in GeV² (PHYSICS §3.6).
NUCLEON_DIPOLE_MASS2_GeV2 = 0.71

#: Neutron-skin systematics ΔR_np = slope · (N − Z)/A + intercept (fm), with the published
#: 1σ errors of the two coefficients: the fit of Trzcińska et al., PRL 87 (2001) 082501, to the
#: skins of 26 nuclei (⁴⁰Ca–²³⁸U) from antiprotonic-atom X-rays and annihilation residues. Outside
#: that range (light nuclei) it is an extrapolation.
NEUTRON_SKIN_SYSTEMATICS: dict[str, float | str] = {
    "slope_fm": 1.01,
    "slope_sigma_fm": 0.15,
    "intercept_fm": -0.04,
    "intercept_sigma_fm": 0.03,
    "reference": "A. Trzcińska et al., Phys. Rev. Lett. 87 (2001) 082501",
}

#: The proton-radius prescriptions of the nuclear model: ``"measured"`` (default: point-proton
#: radius from the measured charge radius, skins on it, nucleon form factor folded in),
#: ``"charge"`` (the model as built, its rms taken as R_p: the reviews' approximation),
#: ``"point"`` (the model as built, rescaled to the point radius of its rms).
PROTON_RADII: tuple[str, ...] = ("measured", "charge", "point")

#: The nuclear choice of the reviews and of the reference values of PHYSICS.md §3.7, §6.5, §11:
#: no neutron skin (F_n = F_p), the model as built (Helm with the Lewin–Smith R₀), no nucleon
#: form factor. Pass it as keywords (``nucleon_form_factors(q, "Cs133", **REVIEW_NUCLEAR_CHOICE)``)
#: or in an experiment's ``form_factor_params``.
REVIEW_NUCLEAR_CHOICE: dict[str, float | str] = {"skin_fm": 0.0, "proton_radius": "charge"}


class SkinEstimate(NamedTuple):
    """A neutron skin R_n − R_p and its 1σ uncertainty, in fm."""

    skin_fm: float
    sigma_fm: float


def point_proton_radius(R_ch_fm: float, Z: int, N: int) -> float:
    """Point-proton rms radius from the charge radius (PHYSICS.md §4.6).

    R_p² = R_ch² − r_p² − (N/Z) r_n² − 3/(4m_p²), with r_p² = 0.7071 fm², r_n² = −0.1161 fm²,
    3/(4m_p²) = 0.0331 fm² (spin–orbit term neglected).

    Parameters
    ----------
    R_ch_fm : float
        rms charge radius in fm.
    Z, N : int
        Proton and neutron numbers.

    Returns
    -------
    float
        R_p in fm.

    Raises
    ------
    CevnsError
        If R_ch is too small for the corrections (R_p² ≤ 0).

    Examples
    --------
    >>> round(point_proton_radius(4.8041, 55, 78), 4)
    4.7438
    """
    R_ch = as_float(R_ch_fm, "R_ch_fm", minimum=0.0, inclusive=False)
    Z = int(as_float(Z, "Z", minimum=1.0))
    N = int(as_float(N, "N", minimum=0.0))
    Rp2 = R_ch**2 - PROTON_MS_RADIUS_FM2 - (N / Z) * NEUTRON_MS_RADIUS_FM2 - DARWIN_FOLDY_FM2
    if Rp2 <= 0.0:
        raise CevnsError(
            f"R_ch_fm = {R_ch_fm} fm is too small to subtract the nucleon finite-size corrections"
        )
    return math.sqrt(Rp2)


def neutron_skin_systematics(iso: str | Isotope) -> SkinEstimate:
    """Default neutron skin ΔR_np = R_n − R_p of a nucleus from the antiprotonic-atom systematics.

    ΔR_np = (1.01 ± 0.15) (N − Z)/A + (−0.04 ± 0.03) fm (Trzcińska et al., PRL 87 (2001) 082501;
    :data:`NEUTRON_SKIN_SYSTEMATICS`). The uncertainty adds the two coefficients' errors in
    quadrature (the fit's correlation is not published).

    Examples
    --------
    >>> est = neutron_skin_systematics("Pb208")
    >>> round(est.skin_fm, 4), round(est.sigma_fm, 4)
    (0.1737, 0.0437)
    """
    nucleus = isotope(iso)
    asymmetry = (nucleus.N - nucleus.Z) / nucleus.A
    s = NEUTRON_SKIN_SYSTEMATICS
    skin = float(s["slope_fm"]) * asymmetry + float(s["intercept_fm"])
    sigma = math.hypot(float(s["slope_sigma_fm"]) * asymmetry, float(s["intercept_sigma_fm"]))
    return SkinEstimate(skin, sigma)


def nucleon_dipole_form_factor(q_fm: ArrayLike) -> NDArray[np.float64]:
    """Nucleon dipole form factor G_D = (1 + q²/0.71 GeV²)⁻², q in fm⁻¹ (PHYSICS §3.6).

    Its rms radius √(12/Λ²) = 0.81 fm is the proton's charge radius in the dipole approximation.

    Examples
    --------
    >>> round(float(nucleon_dipole_form_factor(0.8733)), 4)
    0.9213
    """
    # beyond 1e100 fm⁻¹, G_D is 0 to double precision; the clip keeps q² finite
    q_GeV = np.minimum(as_array(q_fm, "q_fm", minimum=0.0), 1e100) * HBARC_MeV_fm * 1e-3
    return (1.0 + q_GeV**2 / NUCLEON_DIPOLE_MASS2_GeV2) ** -2
