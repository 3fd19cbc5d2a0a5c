"""Parity-violating electron scattering: PREX-II (²⁰⁸Pb) and CREX (⁴⁸Ca) weak form factors.

Both experiments measured the parity-violating asymmetry of elastic electron scattering at one
momentum transfer and extracted the weak form factor F_W(q) (normalised to F_W(0) = 1), from which
they infer the neutron skin R_n − R_p (``data/electroweak/pves.json``):

* PREX-II (PRL 126 (2021) 172502, arXiv:2102.10767): F_W(Q² = 0.00616 GeV²) = 0.368 ± 0.013,
  i.e. q = 0.3977 fm⁻¹; R_n − R_p = 0.283 ± 0.071 fm (PREX-I + II).
* CREX (PRL 129 (2022) 042501, arXiv:2205.11593): F_W(q = 0.8733 fm⁻¹) = 0.1304 ± 0.0052 (stat)
  ± 0.0020 (syst); R_n − R_p = 0.121 ± 0.026 (exp) ± 0.024 (model) fm.

Prediction: the weak charge density seen by an electron weighs protons and neutrons with the
nucleon weak charges Q_W^p ≈ 0.071, Q_W^n ≈ −0.989 (:mod:`cevns_core.electroweak.couplings`),

    F_W(q) = [Z Q_W^p F_p(q) + N Q_W^n F_n(q)] / (Z Q_W^p + N Q_W^n),

with F_p, F_n of the package's nuclear model (:func:`cevns_core.nucleon_form_factors`
conventions): default symmetrized Fermi (a = 0.52 fm) with the proton rms equal to the charge
radius and the neutron rms R_n = R_p + skin. :func:`cevns_core.weak_form_factor` is the same
expression with the neutrino couplings; at these kinematics the two differ by < 0.001.
With these defaults the published skins reproduce both measured F_W within their errors
(PREX-II 0.363, CREX 0.130); the Helm shape reproduces PREX-II but not CREX, whose large q·R
probes the surface (CREX's "model" error).

The χ² terms compare F_W only; the extraction of F_W from A_PV by the collaborations assumed the
Standard-Model weak charge, so sin²θ_W is not a parameter of these terms.
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib.resources import files
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq

from .._validation import as_array, as_float, broadcast_shape, check_choice
from ..errors import CevnsError
from ..nuclei import Isotope, isotope
from ..units import ALPHA, SW2_LOW, G_F_MeV2, HBARC_MeV_fm
from ._densities import form_factor_at_rms, proton_rms_fm, resolve
from .couplings import nucleon_weak_charges

__all__ = [
    "PVES_EXPERIMENTS",
    "PVESMeasurement",
    "crex_chi2",
    "prex2_chi2",
    "pves_asymmetry_born",
    "pves_chi2",
    "pves_data",
    "pves_measurement",
    "pves_neutron_skin",
    "pves_weak_form_factor",
]

Array = NDArray[np.float64]

#: Shipped PVES measurements.
PVES_EXPERIMENTS = ("prex2", "crex")


class PVESMeasurement(NamedTuple):
    """One measured weak form factor and the skin the collaboration infers from it."""

    name: str
    label: str
    isotope: str
    q_fm: float
    F_W: float
    sigma_F_W: float
    skin_fm: float
    sigma_skin_fm: float
    reference: str


@cache
def pves_data() -> dict[str, Any]:
    """The shipped PVES table (``data/electroweak/pves.json``)."""
    text = files("cevns_core").joinpath("data/electroweak/pves.json").read_text("utf-8")
    return json.loads(text)


def pves_measurement(name: str) -> PVESMeasurement:
    """The measurement ``"prex2"`` or ``"crex"`` (uncertainties combined in quadrature).

    Examples
    --------
    >>> m = pves_measurement("prex2")
    >>> round(m.q_fm, 4), m.F_W
    (0.3977, 0.368)
    """
    check_choice(name, "PVES experiment", PVES_EXPERIMENTS)
    e = pves_data()["experiments"][name]
    q = e["q_fm"]
    if q is None:  # Q² given: q = √Q² / ħc
        q = math.sqrt(e["Q2_GeV2"]) * 1e3 / HBARC_MeV_fm
    sigma = e["F_W_sigma"]
    if sigma is None:
        sigma = math.hypot(e["F_W_sigma_stat"], e["F_W_sigma_syst"])
    skin_sigma = math.hypot(e["skin_sigma_fm"], e.get("skin_model_sigma_fm", 0.0) or 0.0)
    return PVESMeasurement(
        name, e["label"], e["isotope"], q, e["F_W"], sigma, e["skin_fm"], skin_sigma, e["reference"]
    )


def pves_weak_form_factor(
    q_fm: ArrayLike,
    isotope_name: str | Isotope,
    *,
    R_n_fm: ArrayLike | None = None,
    skin_fm: ArrayLike | None = None,
    R_p_fm: ArrayLike | None = None,
    model: str = "symmetrized_fermi",
    proton_radius: str = "charge",
    sin2_theta_W: float = SW2_LOW,
) -> Array:
    """Weak form factor seen by an electron, F_W = (Z Q_W^p F_p + N Q_W^n F_n)/(Z Q_W^p + N Q_W^n).

    Parameters
    ----------
    q_fm : array_like
        Momentum transfer in fm⁻¹ (broadcasts with the radii).
    isotope_name : str or Isotope
        Target nucleus, e.g. ``"Pb208"``.
    R_n_fm, skin_fm : array_like
        Neutron rms radius or skin R_n − R_p in fm (exactly one).
    R_p_fm : array_like, optional
        Proton rms radius; default the charge radius (``proton_radius="charge"``) or the
        point-proton radius (``"point"``).
    model : {"symmetrized_fermi", "helm"}
        Shape of both densities (a = 0.52 fm, s = 0.9 fm).
    sin2_theta_W : float
        Enters through Q_W^p only (a 10⁻³ effect on F_W).

    Examples
    --------
    >>> round(float(pves_weak_form_factor(0.3977, "Pb208", skin_fm=0.283)), 3)
    0.363
    """
    nucleus = isotope(isotope_name)
    q = as_array(q_fm, "q_fm", minimum=0.0)
    R_p, R_n = resolve(
        nucleus, R_n_fm=R_n_fm, skin_fm=skin_fm, R_p_fm=R_p_fm, proton_radius=proton_radius
    )
    broadcast_shape(q_fm=q, R_p_fm=R_p, R_n_fm=R_n)  # at most 10⁶ values
    s2 = as_float(sin2_theta_W, "sin2_theta_W")
    Q_p, Q_n = (float(x) for x in nucleon_weak_charges(s2))
    F_p = form_factor_at_rms(q, R_p, model)
    F_n = form_factor_at_rms(q, R_n, model)
    Zp, Nn = nucleus.Z * Q_p, nucleus.N * Q_n
    return (Zp * F_p + Nn * F_n) / (Zp + Nn)


def pves_asymmetry_born(
    Q2_GeV2: ArrayLike, Q_W: float, Z: int, F_W: ArrayLike, F_ch: ArrayLike
) -> Array:
    """Born parity-violating asymmetry A_PV = G_F Q²/(4πα√2) · |Q_W| F_W/(Z F_ch) (PHYSICS §9.1).

    Coulomb distortions (absent here) reduce A_PV strongly for heavy nuclei: never compare this
    with a measured ²⁰⁸Pb asymmetry (PREX-II kinematics: 717 ppb Born vs 550 ppb measured).

    Examples
    --------
    >>> round(float(pves_asymmetry_born(0.00616, -117.9, 82, 0.368, 0.409)) * 1e9)
    717
    """
    Q2 = as_array(Q2_GeV2, "Q2_GeV2", minimum=0.0) * 1e6  # MeV²
    prefactor = G_F_MeV2 * Q2 / (4.0 * math.pi * ALPHA * math.sqrt(2.0))
    return prefactor * abs(Q_W) * np.asarray(F_W) / (Z * np.asarray(F_ch))


def pves_chi2(
    name: str,
    R_n_fm: ArrayLike | None = None,
    *,
    skin_fm: ArrayLike | None = None,
    model: str = "symmetrized_fermi",
    proton_radius: str = "charge",
    R_p_fm: ArrayLike | None = None,
) -> Array:
    """χ² = ((F_W^pred(R_n) − F_W^meas)/σ)² of a PVES measurement; broadcasts over the radii."""
    m = pves_measurement(name)
    F = pves_weak_form_factor(
        m.q_fm,
        m.isotope,
        R_n_fm=R_n_fm,
        skin_fm=skin_fm,
        R_p_fm=R_p_fm,
        model=model,
        proton_radius=proton_radius,
    )
    return ((F - m.F_W) / m.sigma_F_W) ** 2


def prex2_chi2(R_n_fm: ArrayLike | None = None, *, skin_fm: ArrayLike | None = None, **kw) -> Array:
    """PREX-II χ² as a function of the ²⁰⁸Pb neutron radius or skin (see :func:`pves_chi2`).

    Examples
    --------
    >>> bool(prex2_chi2(skin_fm=0.283) < 1.0)
    True
    """
    return pves_chi2("prex2", R_n_fm, skin_fm=skin_fm, **kw)


def crex_chi2(R_n_fm: ArrayLike | None = None, *, skin_fm: ArrayLike | None = None, **kw) -> Array:
    """CREX χ² as a function of the ⁴⁸Ca neutron radius or skin (see :func:`pves_chi2`).

    Examples
    --------
    >>> bool(crex_chi2(skin_fm=0.121) < 1.0)
    True
    """
    return pves_chi2("crex", R_n_fm, skin_fm=skin_fm, **kw)


class SkinFit(NamedTuple):
    """Neutron skin from one PVES measurement: best fit and the Δχ² = 1 interval."""

    skin_fm: float
    lower_fm: float
    upper_fm: float


def pves_neutron_skin(
    name: str, *, model: str = "symmetrized_fermi", proton_radius: str = "charge"
) -> SkinFit:
    """Skin R_n − R_p at which the predicted F_W equals the measurement, with its 1σ range.

    F_W decreases monotonically with R_n at these q, so the solution of F_W(skin) = F_W^meas ∓ σ
    gives the Δχ² = 1 interval.
    """
    m = pves_measurement(name)
    R_p = proton_rms_fm(m.isotope, proton_radius)

    def f(skin: float, target: float) -> float:
        F = pves_weak_form_factor(
            m.q_fm, m.isotope, skin_fm=skin, model=model, proton_radius=proton_radius
        )
        return float(F) - target

    lo, hi = -0.5, min(2.0, 0.6 * R_p)
    try:
        best = brentq(f, lo, hi, args=(m.F_W,), xtol=1e-7)
        upper = brentq(f, lo, hi, args=(m.F_W - m.sigma_F_W,), xtol=1e-7)
        lower = brentq(f, lo, hi, args=(m.F_W + m.sigma_F_W,), xtol=1e-7)
    except ValueError as exc:
        raise CevnsError(
            f"no neutron skin in [{lo}, {hi:.2f}] fm reproduces {m.label} F_W = {m.F_W} with "
            f"model {model!r}"
        ) from exc
    return SkinFit(best, lower, upper)
