"""Supernova neutrinos: a galactic burst (fluence) and the diffuse background (PHYSICS.md §5.5).

**Burst.** Per species α (ν_e, ν̄_e and the four ν_x = ν_μ, ν̄_μ, ν_τ, ν̄_τ) the time-integrated
fluence is dF_α/dE = 𝓔_α/(4πd²⟨E_α⟩) f_α(E), with f normalised to 1 and either

* the pinched "alpha-fit" (Keil, Raffelt & Janka 2003)
  f(E) = (α+1)^{α+1}/Γ(α+1) · E^α/⟨E⟩^{α+1} · e^{−(α+1)E/⟨E⟩}, or
* the pinched Fermi–Dirac f(E) = E²/(T³F₂(η)) · 1/(1 + e^{E/T − η}), T = ⟨E⟩F₂(η)/F₃(η),
  F_n(η) = ∫₀^∞ xⁿ/(1 + e^{x−η}) dx (fixed Gauss–Legendre quadrature; F₂(0) = 3ζ(3)/2 = 1.80309,
  ⟨E⟩ = 3.1514 T at η = 0).

Defaults (PHYSICS §5.5, illustrative, **UNSURE** there — typical literature choices): d = 10 kpc,
3×10⁵³ erg shared equally by the 6 species, ⟨E⟩ = 12 (ν_e), 15 (ν̄_e), 18 MeV (ν_x), α = 2.3.

**Diffuse background (DSNB).** dΦ/dE = c ∫₀^{z_max} dz/H(z) · R_CCSN(z) · dN/dE′|_{E′=E(1+z)},
H(z) = H₀√(Ω_m(1+z)³ + Ω_Λ), with dN/dE′ = (𝓔_α/⟨E_α⟩) f_α(E′) per supernova and species
(Fermi–Dirac, η = 0, temperature per species as an input). The core-collapse rate is the
piecewise-smooth form of Yüksel, Kistler, Beacom & Hopkins (2008) used by Horiuchi, Beacom & Dwek
(2009) for the cosmic star-formation history,

    R_CCSN(z) = R₀ · S(z)/S(0),  S(z) = [(1+z)^{aη} + ((1+z)/B)^{bη} + ((1+z)/C)^{cη}]^{1/η},

with the local rate R₀ (Mpc⁻³ yr⁻¹) and a, b, c, B, C, η **required inputs without defaults**: the
published values could not be checked here, so none is shipped. Both integrals use fixed
Gauss–Legendre nodes, vectorised over energies.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
import param
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, gammainccinv, gammaln

from .._validation import as_array, as_float, check_choice
from ..errors import CevnsError
from ..units import ERG_MeV, KPC_cm, YEAR_s
from ._common import ValidatedSource
from .base import Continuum, Line

__all__ = [
    "FD_MEAN_OVER_T",
    "SN_SPECIES",
    "SN_SPECTRUM_MODELS",
    "DiffuseSupernovaBackground",
    "SupernovaBurst",
    "alpha_fit_spectrum",
    "fermi_dirac_integral",
    "fermi_dirac_spectrum",
]

Array = NDArray[np.float64]

#: Species of a core-collapse supernova, with the mean-energy group each belongs to.
SN_SPECIES: dict[str, str] = {
    "nu_e": "nue",
    "nubar_e": "nuebar",
    "nu_mu": "nux",
    "nubar_mu": "nux",
    "nu_tau": "nux",
    "nubar_tau": "nux",
}
#: Spectral shapes of :class:`SupernovaBurst`.
SN_SPECTRUM_MODELS: tuple[str, ...] = ("alpha_fit", "fermi_dirac")

_C_cm_s = 2.99792458e10
_MPC_cm = 1e3 * KPC_cm
_KM_cm = 1e5
_FD_X, _FD_W = np.polynomial.legendre.leggauss(64)
_FD_X, _FD_W = 0.5 * (_FD_X + 1.0), 0.5 * _FD_W
_FD_SEGMENT = 2.5
_FD_TAIL = 60.0
_TAIL_FRACTION = 1e-14


# ------------------------------------------------------------------------------------------------
# Spectral shapes
# ------------------------------------------------------------------------------------------------
def fermi_dirac_integral(n: float, eta: ArrayLike) -> Array:
    """Complete Fermi–Dirac integral F_n(η) = ∫₀^∞ xⁿ/(1 + e^{x−η}) dx by fixed quadrature.

    64-point Gauss–Legendre on segments of width 2.5 from 0 to max(η, 0) + 60 (the integrand is
    below e^{−60}xⁿ beyond). Vectorised over η.

    Examples
    --------
    >>> round(float(fermi_dirac_integral(2, 0.0)), 5)
    1.80309
    """
    n = as_float(n, "n", minimum=0.0)
    eta = as_array(eta, "eta", minimum=-50.0, maximum=100.0)
    top = max(float(np.max(eta, initial=0.0)), 0.0) + _FD_TAIL
    edges = np.linspace(0.0, top, math.ceil(top / _FD_SEGMENT) + 1)
    width = np.diff(edges)[:, None]
    x = (edges[:-1, None] + width * _FD_X).ravel()
    w = (width * _FD_W).ravel()
    e = eta[..., None]
    return np.sum(w * x**n * expit(e - x), axis=-1)


def alpha_fit_spectrum(E_MeV: ArrayLike, mean_MeV: float, alpha: float) -> Array:
    """Pinched "alpha-fit" spectrum normalised to 1 (MeV⁻¹) (Keil, Raffelt & Janka 2003).

    Examples
    --------
    >>> round(float(alpha_fit_spectrum(10.0, 12.0, 2.3)), 5)
    0.06711
    """
    E = as_array(E_MeV, "E_MeV", minimum=0.0)
    m = as_float(mean_MeV, "mean_energy_MeV", minimum=0.0, inclusive=False)
    a = as_float(alpha, "alpha", minimum=-1.0, inclusive=False)
    log_norm = (a + 1) * math.log(a + 1) - gammaln(a + 1) - (a + 1) * math.log(m)
    safe = np.where(E > 0, E, 1.0)
    logf = log_norm + a * np.log(safe) - (a + 1) * safe / m
    return np.where(E > 0, np.exp(logf), 0.0 if a > 0 else (math.exp(log_norm) if a == 0 else 0))


def fermi_dirac_spectrum(E_MeV: ArrayLike, T_MeV: float, eta: float = 0.0) -> Array:
    """Pinched Fermi–Dirac spectrum E²/(T³F₂(η)) /(1 + e^{E/T − η}), normalised to 1 (MeV⁻¹).

    Examples
    --------
    >>> round(float(fermi_dirac_spectrum(10.0, 4.0, 0.0)), 5)
    0.06574
    """
    E = as_array(E_MeV, "E_MeV", minimum=0.0)
    T = as_float(T_MeV, "T_MeV", minimum=0.0, inclusive=False)
    eta = as_float(eta, "eta", minimum=-50.0, maximum=100.0)
    F2 = float(fermi_dirac_integral(2, eta))
    return E**2 / (T**3 * F2) * expit(eta - E / T)


def _fd_temperature(mean_MeV: float, eta: float) -> float:
    F2, F3 = fermi_dirac_integral(2, eta), fermi_dirac_integral(3, eta)
    return float(mean_MeV * F2 / F3)


#: ⟨E⟩/T of a Fermi–Dirac spectrum with η = 0 (= F₃(0)/F₂(0) = 3.1514).
FD_MEAN_OVER_T = float(fermi_dirac_integral(3, 0.0) / fermi_dirac_integral(2, 0.0))


def _spectrum_support(model: str, mean: float, shape: float) -> tuple[float, tuple[float, ...]]:
    """Upper end (energy-weighted tail < 1e-14) and breakpoints of a burst spectrum."""
    if model == "alpha_fit":
        x = float(gammainccinv(shape + 2.0, _TAIL_FRACTION))
        e_max = mean * x / (shape + 1.0)
    else:
        T = _fd_temperature(mean, shape)
        e_max = T * (max(shape, 0.0) + 45.0)
    breaks = tuple(mean * f for f in (0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0))
    return e_max, tuple(b for b in breaks if b < e_max)


# ------------------------------------------------------------------------------------------------
# Burst
# ------------------------------------------------------------------------------------------------
def _mean_param(default: float, who: str, symbol: str) -> param.Number:
    return param.Number(
        default=default,
        bounds=(0.1, 200.0),
        softbounds=(5.0, 30.0),
        doc=f"Mean energy ⟨E⟩ of {who} in MeV (illustrative default, PHYSICS §5.5; ≥ 0.1 MeV).",
        label=f"Mean energy ⟨E⟩ of {symbol}",
        metadata={"unit": "MeV"},
    )


class SupernovaBurst(ValidatedSource):
    """Time-integrated neutrino fluence of a core-collapse supernova (fluence mode).

    Examples
    --------
    >>> sn = SupernovaBurst()
    >>> f"{sn.integrated('nubar_e'):.4g}"
    '1.739e+11'
    """

    title: ClassVar[str] = "Supernova burst"

    distance_kpc = param.Number(
        default=10.0,
        bounds=(1e-9, 1e6),
        softbounds=(0.1, 100.0),
        doc="Distance to the supernova in kpc (10 kpc: illustrative galactic default; ≥ 1e-9 "
        "kpc, 0.2 AU).",
        label="Distance",
        metadata={"unit": "kpc"},
    )
    total_energy_erg = param.Number(
        default=3e53,
        bounds=(0.0, 1e56),
        inclusive_bounds=(False, True),
        softbounds=(1e52, 1e54),
        doc="Total energy emitted in neutrinos (erg), shared equally by the six species.",
        label="Total energy in neutrinos",
        metadata={"unit": "erg"},
    )
    mean_energy_nue_MeV = _mean_param(12.0, "ν_e", "νₑ")
    mean_energy_nuebar_MeV = _mean_param(15.0, "ν̄_e", "ν̄ₑ")
    mean_energy_nux_MeV = _mean_param(18.0, "each ν_x (ν_μ, ν̄_μ, ν_τ, ν̄_τ)", "νₓ")
    spectrum_model = param.Selector(
        default="alpha_fit",
        objects=list(SN_SPECTRUM_MODELS),
        doc="'alpha_fit' (Keil–Raffelt–Janka pinched) or 'fermi_dirac' (pinched, η).",
        label="Spectrum model",
        metadata={"unit": ""},
    )
    alpha = param.Number(
        default=2.3,
        bounds=(-1.0, 20.0),
        inclusive_bounds=(False, True),
        softbounds=(1.0, 6.0),
        doc="Pinching parameter α of the alpha-fit (2.3 ≈ Fermi–Dirac with η = 0).",
        label="Pinching parameter α",
        metadata={"unit": ""},
    )
    eta = param.Number(
        default=0.0,
        bounds=(-5.0, 20.0),
        softbounds=(0.0, 5.0),
        doc="Degeneracy (pinching) parameter η of the Fermi–Dirac spectrum.",
        label="Degeneracy parameter η",
        metadata={"unit": ""},
    )

    def __init__(self, **params) -> None:
        params.setdefault("normalisation", "fluence")
        super().__init__(**params)

    def _check(self) -> None:
        if self.normalisation != "fluence":
            raise CevnsError("SupernovaBurst is a fluence (normalisation='fluence')")

    def mean_energy_of(self, flavour: str) -> float:
        """⟨E⟩ of a species in MeV."""
        group = SN_SPECIES[check_choice(flavour, "flavour", SN_SPECIES)]
        return float(getattr(self, f"mean_energy_{group}_MeV"))

    def energy_per_species_MeV(self) -> float:
        """𝓔_α = total/6 in MeV."""
        return self.total_energy_erg * ERG_MeV / len(SN_SPECIES)

    def shape(self, E_MeV: ArrayLike, flavour: str) -> Array:
        """Normalised spectrum f_α(E) of a species (MeV⁻¹)."""
        mean = self.mean_energy_of(flavour)
        if self.spectrum_model == "alpha_fit":
            return alpha_fit_spectrum(E_MeV, mean, self.alpha)
        return fermi_dirac_spectrum(E_MeV, _fd_temperature(mean, self.eta), self.eta)

    def components(self) -> tuple[Continuum | Line, ...]:
        """One continuum per species, cm⁻² MeV⁻¹."""
        area = 4.0 * math.pi * (self.distance_kpc * KPC_cm) ** 2
        shape_par = self.alpha if self.spectrum_model == "alpha_fit" else self.eta
        out = []
        for flavour in SN_SPECIES:
            mean = self.mean_energy_of(flavour)
            scale = self.energy_per_species_MeV() / (area * mean)
            e_max, breaks = _spectrum_support(self.spectrum_model, mean, shape_par)
            out.append(
                Continuum(
                    flavour,
                    0.0,
                    e_max,
                    _burst_density(self, flavour, scale),
                    breakpoints=breaks,
                    label=f"supernova burst {flavour} ({self.spectrum_model})",
                )
            )
        return tuple(out)


def _burst_density(src: SupernovaBurst, flavour: str, scale: float):
    model, mean, a, eta = src.spectrum_model, src.mean_energy_of(flavour), src.alpha, src.eta
    T = _fd_temperature(mean, eta) if model == "fermi_dirac" else 0.0

    def density(E: Array) -> Array:
        if model == "alpha_fit":
            return scale * alpha_fit_spectrum(E, mean, a)
        return scale * fermi_dirac_spectrum(E, T, eta)

    return density


# ------------------------------------------------------------------------------------------------
# Diffuse supernova neutrino background
# ------------------------------------------------------------------------------------------------
def _required(doc: str, **kw) -> param.Number:
    return param.Number(default=None, allow_None=True, doc=doc + " Required (no default).", **kw)


def _temperature_param(mean: float, who: str) -> param.Number:
    return param.Number(
        default=round(mean / FD_MEAN_OVER_T, 4),
        bounds=(0.03, 50.0),
        softbounds=(2.0, 10.0),
        doc=f"Fermi–Dirac temperature of {who} in MeV (η = 0; ≥ 0.03 MeV). Default: "
        f"⟨E⟩ = {mean:g} MeV of the illustrative burst defaults (PHYSICS §5.5) divided by "
        "3.1514; the spec quotes T ≈ 4–8 MeV as the range of inputs.",
    )


class DiffuseSupernovaBackground(ValidatedSource):
    """Diffuse supernova neutrino background, flux mode (PHYSICS §5.5).

    The core-collapse rate parameters have no defaults: give ``ccsn_rate_local_per_Mpc3_yr`` and
    the shape ``sfr_a``, ``sfr_b``, ``sfr_c``, ``sfr_B``, ``sfr_C``, ``sfr_eta`` (see the module
    docstring) from the publication you rely on. For the published all-flavour DSNB spectrum
    used in neutrino-floor studies (85.7 cm⁻² s⁻¹), use :class:`~cevns_core.sources.DSNBSpectrum`.
    """

    title: ClassVar[str] = "Diffuse supernova background (rate model)"

    ccsn_rate_local_per_Mpc3_yr = _required(
        "Local core-collapse rate R_CCSN(0) in Mpc⁻³ yr⁻¹.", bounds=(0.0, 1.0)
    )
    sfr_a = _required(
        "Low-z slope a of the piecewise star-formation history.", bounds=(-100.0, 100.0)
    )
    sfr_b = _required(
        "Middle slope b of the piecewise star-formation history.", bounds=(-100.0, 100.0)
    )
    sfr_c = _required(
        "High-z slope c of the piecewise star-formation history.", bounds=(-100.0, 100.0)
    )
    sfr_B = _required(
        "Break constant B of the piecewise star-formation history.",
        bounds=(0.0, 1e8),
        inclusive_bounds=(False, True),
    )
    sfr_C = _required(
        "Break constant C of the piecewise star-formation history.",
        bounds=(0.0, 1e8),
        inclusive_bounds=(False, True),
    )
    sfr_eta = _required(
        "Smoothing exponent η of the piecewise star-formation history (< 0).",
        bounds=(-100.0, 100.0),
    )
    z_max = param.Number(
        default=5.0,
        bounds=(0.0, 20.0),
        inclusive_bounds=(False, True),
        softbounds=(1.0, 8.0),
        doc="Upper redshift of the integral.",
        label="Largest redshift z_max",
        metadata={"unit": ""},
    )
    H0_km_s_Mpc = param.Number(
        default=70.0,
        bounds=(1.0, 200.0),
        softbounds=(60.0, 80.0),
        doc="Hubble constant in km/s/Mpc (conventional ΛCDM value 70).",
        label="Hubble constant H₀",
        metadata={"unit": "km/s/Mpc"},
    )
    Omega_m = param.Number(
        default=0.3,
        bounds=(0.0, 2.0),
        doc="Matter density parameter (conventional 0.3).",
        label="Matter density Ω_m",
        metadata={"unit": ""},
    )
    Omega_L = param.Number(
        default=0.7,
        bounds=(0.0, 2.0),
        doc="Dark-energy density parameter (conventional 0.7).",
        label="Dark-energy density Ω_Λ",
        metadata={"unit": ""},
    )
    total_energy_erg = param.Number(
        default=3e53,
        bounds=(0.0, 1e56),
        inclusive_bounds=(False, True),
        doc="Neutrino energy per core collapse (erg), shared equally by the six species.",
        label="Total energy per supernova",
        metadata={"unit": "erg"},
    )
    T_nue_MeV = _temperature_param(12.0, "ν_e")
    T_nuebar_MeV = _temperature_param(15.0, "ν̄_e")
    T_nux_MeV = _temperature_param(18.0, "each ν_x")
    z_nodes = param.Integer(
        default=16,
        bounds=(4, 128),
        doc="Gauss–Legendre nodes per Δz = 0.5 of the z integral.",
        label="Redshift nodes",
        metadata={"unit": ""},
    )

    _RATE_KEYS = (
        "ccsn_rate_local_per_Mpc3_yr",
        "sfr_a",
        "sfr_b",
        "sfr_c",
        "sfr_B",
        "sfr_C",
        "sfr_eta",
    )

    def _check(self) -> None:
        if self.sfr_eta is not None and self.sfr_eta == 0:
            raise CevnsError("sfr_eta must be non-zero (negative for a smooth minimum)")
        if self.Omega_m + self.Omega_L <= 0:
            raise CevnsError("Omega_m + Omega_L must be positive")

    def _require_rate(self) -> None:
        missing = [k for k in self._RATE_KEYS if getattr(self, k) is None]
        if missing:
            raise CevnsError(
                "DiffuseSupernovaBackground needs the core-collapse rate inputs (no published "
                f"values are shipped): missing {', '.join(missing)}"
            )

    def ccsn_rate(self, z: ArrayLike) -> Array:
        """R_CCSN(z) in Mpc⁻³ yr⁻¹."""
        self._require_rate()
        zz = as_array(z, "z", minimum=0.0)
        a, b, c = self.sfr_a, self.sfr_b, self.sfr_c
        B, C, eta = self.sfr_B, self.sfr_C, self.sfr_eta

        def S(x: Array) -> Array:
            opz = 1.0 + x
            return (opz ** (a * eta) + (opz / B) ** (b * eta) + (opz / C) ** (c * eta)) ** (
                1.0 / eta
            )

        return self.ccsn_rate_local_per_Mpc3_yr * S(zz) / S(np.zeros(()))

    def hubble_per_s(self, z: ArrayLike) -> Array:
        """H(z) in s⁻¹."""
        zz = as_array(z, "z", minimum=0.0)
        H0 = self.H0_km_s_Mpc * _KM_cm / _MPC_cm
        return H0 * np.sqrt(self.Omega_m * (1.0 + zz) ** 3 + self.Omega_L)

    def temperature_of(self, flavour: str) -> float:
        """Fermi–Dirac temperature (MeV) of a species."""
        group = SN_SPECIES[check_choice(flavour, "flavour", SN_SPECIES)]
        return float(getattr(self, f"T_{group}_MeV"))

    def _z_nodes(self) -> tuple[Array, Array]:
        n_seg = max(1, math.ceil(self.z_max / 0.5))
        edges = np.linspace(0.0, self.z_max, n_seg + 1)
        x, w = np.polynomial.legendre.leggauss(int(self.z_nodes))
        x, w = 0.5 * (x + 1.0), 0.5 * w
        width = np.diff(edges)[:, None]
        return (edges[:-1, None] + width * x).ravel(), (width * w).ravel()

    def components(self) -> tuple[Continuum | Line, ...]:
        """One continuum per species, cm⁻² s⁻¹ MeV⁻¹."""
        self._require_rate()
        z, wz = self._z_nodes()
        # c/H(z) R(z) in cm⁻² s⁻¹ per (supernova per MeV): R from Mpc⁻³ yr⁻¹ to cm⁻³ s⁻¹
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            kernel = wz * _C_cm_s / self.hubble_per_s(z) * self.ccsn_rate(z) / (_MPC_cm**3 * YEAR_s)
        if not np.all(np.isfinite(kernel)):
            # extreme star-formation slopes and breaks (e.g. B = 1e-300) overflow the rate
            raise CevnsError(
                "the star-formation history overflows the float range for z in "
                f"[0, {self.z_max:g}]: sfr_a/b/c = {self.sfr_a:g}/{self.sfr_b:g}/{self.sfr_c:g}, "
                f"sfr_B = {self.sfr_B:g}, sfr_C = {self.sfr_C:g}, sfr_eta = {self.sfr_eta:g}"
            )
        n_per_sn_scale = self.total_energy_erg * ERG_MeV / len(SN_SPECIES)
        out = []
        for flavour in SN_SPECIES:
            T = self.temperature_of(flavour)
            mean = T * FD_MEAN_OVER_T
            n_total = n_per_sn_scale / mean
            out.append(
                Continuum(
                    flavour,
                    0.0,
                    T * 45.0,
                    _dsnb_density(z, kernel, n_total, T),
                    breakpoints=tuple(T * f for f in (1.0, 2.0, 4.0, 8.0, 16.0)),
                    label=f"DSNB {flavour} (Fermi–Dirac T = {T:g} MeV)",
                )
            )
        return tuple(out)


def _dsnb_density(z: Array, kernel: Array, n_total: float, T: float):
    opz = 1.0 + z

    def density(E: Array) -> Array:
        E = np.asarray(E, dtype=float)
        f = fermi_dirac_spectrum(E[..., None] * opz, T, 0.0)
        return n_total * np.sum(kernel * f, axis=-1)

    return density
