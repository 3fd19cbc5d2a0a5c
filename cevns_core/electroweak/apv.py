"""Atomic parity violation in ¹³³Cs: the weak charge, its neutron-radius dependence and a χ².

**Experiment.** The 6S–7S parity-non-conserving amplitude is measured relative to the vector
transition polarizability β; the weak charge follows from an atomic-theory amplitude
k = Im E_PNC/(−Q_W/N) (CDG refs. [39, 40, 43, 63]):

    Q_W^exp = −N · |Im E_PNC/β|_exp · β / k.

Shipped inputs (``data/electroweak/apv_cs133.json``): the measurements of Wood et al. 1997 and
Guéna et al. 2005 (and their weighted mean), β of Bennett & Wieman 1999 and Toh et al. 2019 (and
their weighted mean), and three theories. **Default theory: Dzuba et al. 2012** (PRL 109, 203003),
k = 0.8977(40) — the value the PDG uses; with the inputs that paper used (Wood 1997, Bennett &
Wieman β) it gives its published Q_W = −72.58(29)(32). **Offered: Sahoo et al. 2021** (PRD 103,
L111303; ``theory="sahoo2021"``), the value the CDG review quotes its APV results with
(Q_W = −73.71(26)(23)); only its published Q_W is shipped (its amplitude and β are not in the
abstract) and its 0.3 % theory error is disputed (Roberts & Ginges, PRD 105 (2022) 018301). The
choice moves the APV-only sin²θ_W from 0.2357(20) (Dzuba) to 0.2408(16) (Sahoo); CDG footnote 2
reports differences up to 11 % in the combined fits. ``"porsev2010"`` (k = 0.8906(24),
Q_W = −73.16(29)(20)) is kept as a cross-check of the extraction formula.

**Theory.** Q_W^SM(sin²θ_W) = −2[Z(g_AV^{ep} + 0.00005) + N(g_AV^{en} + 0.00006)](1 − α/2π)
(:mod:`cevns_core.electroweak.couplings`; −73.22 at sin²θ_W = 0.23857, published −73.23(1)).

**Neutron radius.** The electron's PNC density inside the nucleus is not uniform: for a uniformly
charged sphere of radius R = √(5/3) R_ch the s₁/₂–p₁/₂ product is, to O((Zα)²),

    f(r) = 1 − (Zα)² [x²/2 − x⁴/10 + x⁶/150],  x = r/R

(Pollock, Fortson & Wilets, PRC 46 (1992) 2587; used by Cadeddu & Dordei, PRD 99 (2019) 033010,
arXiv:1808.10202, and Atzori Corona et al. 2023). Protons and neutrons enter through
q_{p,n} = ∫ρ_{p,n} f d³r = 1 − (Zα)²[⟨r²⟩/2R² − ⟨r⁴⟩/10R⁴ + ⟨r⁶⟩/150R⁶], and the weak charge the
atom measures is Z Q_W^p + N Q_W^n q_n/q_p. Atomic amplitudes include a neutron-skin correction
δk; subtracting it (``without_skin=True``) gives the charge for ρ_n = ρ_p, to be compared with

    Q_W^th(sin²θ_W, R_n) = Q_W^SM(sin²θ_W) + N Q_W^n (q_n/q_p − 1).

The shipped δk = −0.0018(5) (10⁻¹¹ |e| a_B, −0.20 %) is the neutron-skin line of the amplitude
breakdowns of Porsev, Beloy & Derevianko (PRD 82 (2010) 036008, taken from A. Derevianko,
PRA 65 (2002) 012106, "updated corrections for the neutron distribution") and of Dzuba et al.
2012, which kept it; Atzori Corona et al. 2023 subtract it to define the skin-free amplitude.
Independent check (tests): in this module's f(r) model δk = −0.0018 is a skin R_n − R_p =
0.124 fm, and the antiprotonic-atom systematics Δr_np = (1.01 ± 0.15)(N − Z)/A − (0.04 ± 0.03)
fm (Trzcińska et al., PRL 87 (2001) 082501) give 0.135(40) fm for ¹³³Cs, i.e. δk = −0.0020(6).
For ``"sahoo2021"`` the same δk is an assumption (its breakdown is not shipped). Without a
neutron radius, :func:`apv_chi2` uses the published Q_W (the theory's own skin estimate) instead.

Radii follow :func:`cevns_core.nucleon_form_factors`: R_p is the charge radius (default) or the
point-proton radius, R_n the rms radius of the neutron density (same shape, symmetrized Fermi by
default). The f(r) polynomial agrees with a numerical solution of the Dirac equation to O((Zα)⁴)
(tests).
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib.resources import files
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import constants as _sc

from .._validation import as_array, as_float, check_choice
from ..errors import CevnsError
from ..nuclei import isotope
from ..units import ALPHA, SW2_LOW
from ._densities import moments_at_rms, resolve
from .couplings import nuclear_weak_charge, nucleon_weak_charges

__all__ = [
    "APV_ISOTOPE",
    "APV_THEORIES",
    "DEFAULT_APV_THEORY",
    "APVSin2",
    "APVWeakCharge",
    "apv_chi2",
    "apv_data",
    "apv_sin2_theta_w",
    "apv_skin_correction",
    "apv_weak_charge_experimental",
    "apv_weak_charge_theory",
    "pnc_density_overlap",
    "pnc_radial_weight",
]

Array = NDArray[np.float64]

APV_ISOTOPE = "Cs133"
#: Atomic-theory PNC amplitudes the package ships (data/electroweak/apv_cs133.json).
APV_THEORIES = ("dzuba2012", "sahoo2021", "porsev2010")
#: Default theory (PDG's choice); CDG quote their results with "sahoo2021".
DEFAULT_APV_THEORY = "dzuba2012"

# 1 atomic unit of electric field in V/cm (CODATA): converts mV/cm to |e|/a_B².
_AU_FIELD_V_PER_CM = _sc.physical_constants["atomic unit of electric field"][0] * 1e-2
_AMPLITUDE_UNIT = 1e-11  # k is quoted in units of 1e-11 |e| a_B


class APVWeakCharge(NamedTuple):
    """An experimental weak charge with its experimental and theoretical uncertainties."""

    value: float
    sigma_exp: float
    sigma_th: float

    @property
    def sigma(self) -> float:
        """Total uncertainty (quadrature sum)."""
        return math.hypot(self.sigma_exp, self.sigma_th)


@cache
def apv_data() -> dict[str, Any]:
    """The shipped APV inputs (measurements, polarizabilities, theories) with their references."""
    text = files("cevns_core").joinpath("data/electroweak/apv_cs133.json").read_text("utf-8")
    return json.loads(text)


def _weighted_mean(entries: list[tuple[float, float]]) -> tuple[float, float]:
    w = np.array([1.0 / s**2 for _, s in entries])
    v = np.array([x for x, _ in entries])
    return float(np.sum(w * v) / np.sum(w)), float(1.0 / math.sqrt(np.sum(w)))


def _input(kind: str, key: str, name: str) -> tuple[float, float]:
    table = apv_data()[kind]
    value_key, sigma_key = {
        "measurements": ("minus_ImE_over_beta_mV_per_cm", "sigma_mV_per_cm"),
        "polarizabilities": ("beta_aB3", "sigma_aB3"),
    }[kind]
    check_choice(key, name, [*table, "average"])
    if key == "average":
        return _weighted_mean([(e[value_key], e[sigma_key]) for e in table.values()])
    return table[key][value_key], table[key][sigma_key]


def _theory(theory: str) -> dict[str, Any]:
    check_choice(theory, "APV theory", APV_THEORIES)
    return apv_data()["theories"][theory]


def apv_skin_correction(theory: str = DEFAULT_APV_THEORY) -> tuple[float, float]:
    """Relative neutron-skin correction δk/k included in a theory's amplitude, and its error."""
    entry = _theory(theory)
    k = entry["amplitude"] or apv_data()["theories"][DEFAULT_APV_THEORY]["amplitude"]
    return entry["skin_correction"] / k, entry["skin_correction_sigma"] / k


def apv_weak_charge_experimental(
    theory: str = DEFAULT_APV_THEORY,
    *,
    measurement: str | None = None,
    polarizability: str | None = None,
    without_skin: bool = False,
) -> APVWeakCharge:
    """Weak charge of ¹³³Cs from the measured PNC amplitude, Q_W = −N|Im E_PNC/β| β / k.

    Parameters
    ----------
    theory : {"dzuba2012", "sahoo2021", "porsev2010"}
        Atomic-theory amplitude (module doc); default Dzuba et al. 2012.
    measurement : {"wood1997", "guena2005", "average"}, optional
        |Im E_PNC/β|; None: the input the theory paper used (its published Q_W is reproduced).
    polarizability : {"bennett_wieman1999", "toh2019", "average"}, optional
        β; None: the theory paper's. Neither input can be changed for ``"sahoo2021"``.
    without_skin : bool
        Remove the neutron-skin correction δk of the amplitude (Q_W for ρ_n = ρ_p):
        Q_W × k/(k − δk); its uncertainty is added to ``sigma_th``.

    Returns
    -------
    APVWeakCharge
        (value, sigma_exp, sigma_th) in the PDG normalisation.

    Examples
    --------
    >>> round(apv_weak_charge_experimental().value, 2)
    -72.58
    """
    entry = _theory(theory)
    if entry["amplitude"] is None:
        if measurement is not None or polarizability is not None:
            raise CevnsError(
                f"the experimental inputs cannot be changed for theory {theory!r}: only its "
                "published weak charge is shipped (measurement=None, polarizability=None)"
            )
        Q, s_exp, s_th = (
            entry["published_Q_W"],
            entry["published_sigma_exp"],
            entry["published_sigma_th"],
        )
    else:
        default_m, default_b = entry["published_inputs"]
        m, dm = _input("measurements", measurement or default_m, "APV measurement")
        b, db = _input("polarizabilities", polarizability or default_b, "polarizability")
        k, dk = entry["amplitude"], entry["sigma_amplitude"]
        N = isotope(APV_ISOTOPE).N
        amplitude_exp = m * 1e-3 / _AU_FIELD_V_PER_CM * b / _AMPLITUDE_UNIT
        Q = -N * amplitude_exp / k
        s_exp = abs(Q) * math.hypot(dm / m, db / b)
        s_th = abs(Q) * dk / k
    if without_skin:
        rel, drel = apv_skin_correction(theory)
        Q = Q * (1.0 + rel)  # k_with = k_without (1 + δ) → Q_without = Q_with (1 + δ)
        s_th = math.hypot(s_th, abs(Q) * drel)
    return APVWeakCharge(float(Q), float(s_exp), float(s_th))


# ---------------------------------------------------------------------------------- skin
def pnc_radial_weight(r_fm: ArrayLike, Z: int, R_sphere_fm: float) -> Array:
    """f(r) = 1 − (Zα)²[x²/2 − x⁴/10 + x⁶/150], x = r/R: the s–p PNC density (module doc).

    Normalised to f(0) = 1; valid inside the uniformly charged sphere of radius ``R_sphere_fm``.

    Examples
    --------
    >>> round(float(pnc_radial_weight(0.0, 55, 6.2)), 12)
    1.0
    """
    x = as_array(r_fm, "r_fm", minimum=0.0) / R_sphere_fm
    za2 = (Z * ALPHA) ** 2
    return 1.0 - za2 * (x**2 / 2.0 - x**4 / 10.0 + x**6 / 150.0)


def pnc_density_overlap(moments: dict[int, ArrayLike], Z: int, R_sphere_fm: float) -> Array:
    """q = ∫ρ f d³r = 1 − (Zα)²[⟨r²⟩/2R² − ⟨r⁴⟩/10R⁴ + ⟨r⁶⟩/150R⁶] for a density normalised to 1.

    ``moments`` maps 2, 4, 6 to ⟨r²⟩, ⟨r⁴⟩, ⟨r⁶⟩ (fm^k; arrays broadcast).
    """
    za2 = (Z * ALPHA) ** 2
    R2 = R_sphere_fm**2
    m2, m4, m6 = (np.asarray(moments[k], dtype=float) for k in (2, 4, 6))
    return 1.0 - za2 * (m2 / (2.0 * R2) - m4 / (10.0 * R2**2) + m6 / (150.0 * R2**3))


def apv_weak_charge_theory(
    sin2_theta_W: ArrayLike = SW2_LOW,
    R_n_fm: ArrayLike | None = None,
    *,
    skin_fm: ArrayLike | None = None,
    R_p_fm: ArrayLike | None = None,
    model: str = "symmetrized_fermi",
    proton_radius: str = "charge",
) -> Array:
    """Q_W^th(sin²θ_W, R_n) of ¹³³Cs = Q_W^SM(sin²θ_W) + N Q_W^n (q_n/q_p − 1) (module doc).

    Without ``R_n_fm``/``skin_fm`` the neutron term vanishes (ρ_n = ρ_p). All arguments broadcast.

    Parameters
    ----------
    sin2_theta_W : array_like
        Low-energy weak mixing angle.
    R_n_fm, skin_fm : array_like, optional
        Neutron rms radius of ¹³³Cs, or the skin R_n − R_p (fm); at most one.
    R_p_fm : array_like, optional
        Proton rms radius (default: the charge radius 4.8041 fm, or the point-proton radius with
        ``proton_radius="point"``). The sphere radius of f(r) is always √(5/3) R_ch.
    model : {"symmetrized_fermi", "helm"}
        Shape of the densities (a = 0.52 fm or s = 0.9 fm).

    Examples
    --------
    >>> round(float(apv_weak_charge_theory()), 2)
    -73.22
    """
    nucleus = isotope(APV_ISOTOPE)
    s = as_array(sin2_theta_W, "sin2_theta_W", minimum=0.0, maximum=1.0)
    Q_sm = nuclear_weak_charge(nucleus.Z, nucleus.N, s)
    if R_n_fm is None and skin_fm is None:
        return np.asarray(Q_sm, dtype=float)
    R_p, R_n = resolve(
        nucleus, R_n_fm=R_n_fm, skin_fm=skin_fm, R_p_fm=R_p_fm, proton_radius=proton_radius
    )
    R_sphere = math.sqrt(5.0 / 3.0) * nucleus.charge_radius_fm
    q_p = pnc_density_overlap(moments_at_rms(R_p, model), nucleus.Z, R_sphere)
    q_n = pnc_density_overlap(moments_at_rms(R_n, model), nucleus.Z, R_sphere)
    _, Q_n = nucleon_weak_charges(s)
    return np.asarray(Q_sm + nucleus.N * Q_n * (q_n / q_p - 1.0), dtype=float)


# ---------------------------------------------------------------------------------- χ²
def apv_chi2(
    sin2_theta_W: ArrayLike,
    R_n_Cs_fm: ArrayLike | None = None,
    *,
    skin_fm: ArrayLike | None = None,
    theory: str = DEFAULT_APV_THEORY,
    measurement: str | None = None,
    polarizability: str | None = None,
    model: str = "symmetrized_fermi",
    proton_radius: str = "charge",
    R_p_fm: ArrayLike | None = None,
) -> Array:
    """χ² of the ¹³³Cs APV weak charge: ((Q_W^th − Q_W^exp)/σ)², σ² = σ_exp² + σ_th².

    Without a neutron radius the published Q_W^exp (amplitude with its own skin correction) is
    compared with Q_W^SM(sin²θ_W); with ``R_n_Cs_fm`` or ``skin_fm`` the skin-free Q_W^exp
    (``without_skin=True``) is compared with Q_W^th(sin²θ_W, R_n) (module doc). Vectorised: the
    result has the broadcast shape of the parameters.

    Examples
    --------
    >>> float(apv_chi2(np.array([0.23, 0.24])).shape[0])
    2.0
    """
    with_radius = R_n_Cs_fm is not None or skin_fm is not None
    exp = apv_weak_charge_experimental(
        theory,
        measurement=measurement,
        polarizability=polarizability,
        without_skin=with_radius,
    )
    Q_th = apv_weak_charge_theory(
        sin2_theta_W,
        R_n_Cs_fm,
        skin_fm=skin_fm,
        R_p_fm=R_p_fm,
        model=model,
        proton_radius=proton_radius,
    )
    return ((Q_th - exp.value) / exp.sigma) ** 2


class APVSin2(NamedTuple):
    """sin²θ_W determined from APV alone: value and 1σ uncertainty."""

    value: float
    sigma: float


def apv_sin2_theta_w(
    theory: str = DEFAULT_APV_THEORY,
    R_n_Cs_fm: float | None = None,
    *,
    skin_fm: float | None = None,
    measurement: str | None = None,
    polarizability: str | None = None,
    model: str = "symmetrized_fermi",
    proton_radius: str = "charge",
) -> APVSin2:
    """sin²θ_W at the minimum of :func:`apv_chi2` (exact: Q_W^th is linear in sin²θ_W).

    Examples
    --------
    >>> round(apv_sin2_theta_w().value, 4)
    0.2357
    """
    if R_n_Cs_fm is not None:
        R_n_Cs_fm = as_float(R_n_Cs_fm, "R_n_Cs_fm")  # one value: the result is one number
    if skin_fm is not None:
        skin_fm = as_float(skin_fm, "skin_fm")
    with_radius = R_n_Cs_fm is not None or skin_fm is not None
    exp = apv_weak_charge_experimental(
        theory, measurement=measurement, polarizability=polarizability, without_skin=with_radius
    )
    s0, s1 = SW2_LOW, SW2_LOW + 0.01
    q0, q1 = (
        float(
            apv_weak_charge_theory(
                s, R_n_Cs_fm, skin_fm=skin_fm, model=model, proton_radius=proton_radius
            )
        )
        for s in (s0, s1)
    )
    slope = (q1 - q0) / (s1 - s0)
    return APVSin2(s0 + (exp.value - q0) / slope, exp.sigma / abs(slope))
