"""Reactor antineutrinos (PHYSICS.md §5.3).

dΦ/dE = P_th / (Σ_i f_i 𝓔_i) · Σ_i f_i S_i(E) / (4πL²)  [+ neutron-capture ν̄, full-range models]

with fission fractions f_i of ²³⁵U, ²³⁹Pu, ²³⁸U, ²⁴¹Pu (must sum to 1), energies released per
fission 𝓔_i and per-fission spectra S_i (ν̄ per MeV per fission). Spectral models
(``spectrum_model``):

``"bestiole2023"`` (default, as in the reactor presets)
    Full range 0–12.5 MeV from the BESTIOLE 2023 summation spectra (Périssé et al.,
    arXiv:2304.14992; shipped as ``data/reactor_bestiole2023.csv``, 25 keV bins), plus the
    neutron-capture component: ≈ 6 ν̄ per fission from the fission products (PHYSICS §5.3) and
    1.2 from captures.
``"huber_mueller"``
    S_i(E) = exp(Σ_k α_ik E^{k−1}), Huber 2011 (²³⁵U, ²³⁹Pu, ²⁴¹Pu; arXiv:1106.0687, Table III) and
    Mueller et al. 2011 (²³⁸U; arXiv:1101.2663). **Valid 2–8 MeV only**: the spectrum is zero
    outside, so it misses ≈ 3/4 of the ν̄ (those below 2 MeV) — fine for reference comparisons
    (PHYSICS §5.3, §11 R37), not for a CEvNS rate: an explicit option. Checked against the
    published tables: see :data:`HUBER_MUELLER`.
``"huber_mueller_extended"``
    BESTIOLE below 2 MeV, scaled per isotope so that it joins Huber–Mueller continuously at
    2 MeV, and Huber–Mueller from 2 to 8 MeV; plus the neutron-capture component.

**Tabulated spectra.** The BESTIOLE values are 25 keV bin averages. The density is their linear
interpolation through the bin centres, held constant on the outer half bins, which keeps the total
ν̄ per fission exactly equal to the sum of the bins (the bin-by-bin partition is smoothed, not
changed). Breakpoints every 0.25 MeV (0.05 MeV for the short capture spectra) keep the package's
fixed Gauss–Legendre quadrature within ≈ 5×10⁻⁶ of the exact integral.

**Neutron capture.** ²³⁸U(n,γ)²³⁹U → ²³⁹Np → ²³⁹Pu gives two β⁻ decays, hence two ν̄ (end points
1.26 and 0.71 MeV) per capture: the capture component is
``capture_rate_per_fission`` × (S_²³⁹U + S_²³⁹Np) per fission (BESTIOLE per-decay spectra). The
default 0.6 captures per fission is the typical power-reactor value quoted in PHYSICS §5.3
(which writes "≈ 0.6 ν̄ per fission"; we read it as the capture rate, as in the reactor literature,
giving ≈ 1.2 ν̄ per fission below 1.3 MeV); it depends on the reactor and is adjustable.
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib.resources import files
from typing import ClassVar

import numpy as np
import param
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array
from ..errors import CevnsError
from ..units import J_PER_MeV
from ._common import ValidatedSource, sphere_area_cm2
from .base import Continuum, Line

__all__ = [
    "BESTIOLE_FILE",
    "FISSION_ISOTOPES",
    "HUBER_MUELLER",
    "REACTOR_MODELS",
    "ENERGY_PER_FISSION_MeV",
    "HUBER_MUELLER_RANGE_MeV",
    "Reactor",
    "bestiole_spectrum",
    "huber_mueller_spectrum",
]

Array = NDArray[np.float64]

#: The four fissioning isotopes, in the order of the fission-fraction parameters.
FISSION_ISOTOPES: tuple[str, ...] = ("U235", "Pu239", "U238", "Pu241")

#: Energy released per fission in MeV (PHYSICS §5.3). Kopeikin, Mikaelyan & Sinev, Phys. At. Nucl.
#: 67 (2004) 1892; Ma et al., Phys. Rev. C 88 (2013) 014605. Quoted in the spec "from memory"; not
#: verifiable against a table available here (see the module's report). The default set reproduces
#: the spec's mean 205.18 MeV/fission → 1.2168e20 fissions/s at 4 GW.
ENERGY_PER_FISSION_MeV: dict[str, dict[str, float]] = {
    "kopeikin2004": {"U235": 201.92, "Pu239": 209.99, "U238": 205.52, "Pu241": 213.60},
    "ma2013": {"U235": 202.36, "Pu239": 211.12, "U238": 205.99, "Pu241": 214.26},
}

#: Huber (2011, Table III: ²³⁵U, ²³⁹Pu, ²⁴¹Pu) and Mueller et al. (2011, ²³⁸U) coefficients α_1…α_6
#: of S(E) = exp(Σ α_k E^{k−1}), E in MeV. The spec marks them "from memory"; compared here with the
#: published tabulated spectra (Huber's 250 keV tables for U235/Pu239/Pu241, Mueller's table for
#: U238): 2–8 MeV integrals agree to 0.06 % (U235), 0.7 % (Pu239), 0.5 % (Pu241), 1.0 % (U238);
#: point by point within ±3 % for U235 up to 7 MeV (the tables scatter more for Pu239/Pu241, and
#: near 8 MeV). ν̄ per fission above 1.806 MeV: 1.965, 1.493, 1.876, 2.524 (spec: 1.97, 1.49, 1.88,
#: 2.52). No transcription error was found.
HUBER_MUELLER: dict[str, tuple[float, ...]] = {
    "U235": (4.367, -4.577, 2.100, -0.5294, 0.06186, -0.002777),
    "Pu239": (4.757, -5.392, 2.563, -0.6596, 0.07820, -0.003536),
    "Pu241": (2.990, -2.882, 1.278, -0.3343, 0.03905, -0.001754),
    "U238": (0.4833, 0.1927, -0.1283, -0.006762, 0.002233, -0.0001536),
}
#: Validity range of the Huber–Mueller parameterisation in MeV.
HUBER_MUELLER_RANGE_MeV = (2.0, 8.0)
#: Spectral models of :class:`Reactor`.
REACTOR_MODELS: tuple[str, ...] = ("huber_mueller", "bestiole2023", "huber_mueller_extended")
#: The shipped BESTIOLE table (in ``cevns_core/data``).
BESTIOLE_FILE = "reactor_bestiole2023.csv"

_BESTIOLE_COLUMNS = ("U235", "U238", "Pu239", "Pu241", "U239", "Np239")
_BIN_MeV = 0.025
_BREAK_STEP_MeV = 0.25
_CAPTURE_BREAK_STEP_MeV = 0.05


def huber_mueller_spectrum(E_MeV: ArrayLike, isotope: str) -> Array:
    """Huber–Mueller ν̄ spectrum per fission (MeV⁻¹ fission⁻¹), zero outside 2–8 MeV.

    Examples
    --------
    >>> round(float(huber_mueller_spectrum(3.0, "U235")), 4)
    0.6558
    """
    if isotope not in HUBER_MUELLER:
        raise CevnsError(
            f"unknown fission isotope {isotope!r}; choose one of: {', '.join(HUBER_MUELLER)}"
        )
    E = as_array(E_MeV, "E_MeV", minimum=0.0)
    a = HUBER_MUELLER[isotope]
    lo, hi = HUBER_MUELLER_RANGE_MeV
    Ec = np.clip(E, lo, hi)
    poly = np.polynomial.polynomial.polyval(Ec, a)
    return np.where((E >= lo) & (E <= hi), np.exp(poly), 0.0)


@lru_cache(maxsize=1)
def _bestiole_table() -> tuple[Array, dict[str, tuple[Array, Array]]]:
    """The shipped BESTIOLE table as (fission knots, {column: (knots, values)}).

    Knots are the bin centres plus the outer bin edges, where the value of the outer bin is
    repeated, so that the linear interpolant integrates to exactly Σ bins × 25 keV. The ²³⁹U and
    ²³⁹Np spectra stop at the upper edge of their last non-zero bin.
    """
    text = files("cevns_core").joinpath("data").joinpath(BESTIOLE_FILE).read_text("utf-8")
    rows = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    header = rows[0].split(",")
    if tuple(header[2:]) != _BESTIOLE_COLUMNS:
        raise CevnsError(f"{BESTIOLE_FILE}: unexpected columns {header}")
    data = np.array([[float(x) for x in r.split(",")] for r in rows[1:]])
    lo, hi = data[:, 0], data[:, 1]
    centres = 0.5 * (lo + hi)
    table: dict[str, tuple[Array, Array]] = {}
    for j, name in enumerate(_BESTIOLE_COLUMNS):
        v = data[:, 2 + j]
        last = int(np.nonzero(v)[0][-1])
        knots = np.concatenate([[lo[0]], centres[: last + 1], [hi[last]]])
        table[name] = (knots, np.concatenate([[v[0]], v[: last + 1], [v[last]]]))
    return table["U235"][0], table


def bestiole_spectrum(E_MeV: ArrayLike, isotope: str) -> Array:
    """BESTIOLE 2023 summation spectrum, MeV⁻¹ per fission (U235, U238, Pu239, Pu241) or per decay
    (U239, Np239); piecewise linear through the 25 keV bin centres, zero above 12.5 MeV.

    Examples
    --------
    >>> round(float(bestiole_spectrum(3.0, "U235")), 4)
    0.5996
    """
    _, table = _bestiole_table()
    if isotope not in table:
        raise CevnsError(
            f"unknown BESTIOLE isotope {isotope!r}; choose one of: {', '.join(_BESTIOLE_COLUMNS)}"
        )
    E = as_array(E_MeV, "E_MeV", minimum=0.0)
    k, v = table[isotope]
    return np.interp(E, k, v, left=0.0, right=0.0)


def _bestiole_bin_sum(isotope: str, E_lo: float = 0.0, E_hi: float = math.inf) -> float:
    """Σ bins × 25 keV of the shipped table between two bin edges (testing/reporting helper)."""
    _, table = _bestiole_table()
    k, v = table[isotope]
    centres, vals = k[1:-1], v[1:-1]
    inside = (centres > E_lo) & (centres < E_hi)
    return float(np.sum(vals[inside]) * _BIN_MeV)


class Reactor(ValidatedSource):
    """Electron antineutrinos from a nuclear reactor core, flux mode (PHYSICS §5.3).

    Defaults: the §5.3 reference reactor (4 GW thermal, 20 m, fractions 0.58/0.30/0.07/0.05 for
    ²³⁵U/²³⁹Pu/²³⁸U/²⁴¹Pu, Kopeikin 2004 energies) with the full-range BESTIOLE 2023 spectra and
    0.6 captures per fission, the spectrum of the reactor presets. The §5.3 reference values use
    ``spectrum_model="huber_mueller"`` (2–8 MeV only, about a fifth of the flux).

    Examples
    --------
    >>> r = Reactor()
    >>> f"{r.fission_rate_per_s():.5g}"
    '1.2168e+20'
    >>> f"{r.integrated():.3g}"
    '1.74e+13'
    >>> f"{Reactor(spectrum_model='huber_mueller').integrated():.3g}"
    '3.86e+12'
    """

    title: ClassVar[str] = "Nuclear reactor"

    thermal_power_GW = param.Number(
        default=4.0,
        bounds=(0.0, 100.0),
        inclusive_bounds=(False, True),
        softbounds=(0.001, 10.0),
        doc="Thermal power of the core in GW.",
        label="Thermal power",
        metadata={"unit": "GW"},
    )
    distance_m = param.Number(
        default=20.0,
        bounds=(1e-3, 1e7),
        softbounds=(1.0, 200.0),
        doc="Distance from the core to the detector in m (≥ 1 mm: 1/(4πL²) must stay finite).",
        label="Distance",
        metadata={"unit": "m"},
    )
    distance_spread_m = param.Number(
        default=0.0,
        bounds=(0.0, 1e3),
        softbounds=(0.0, 5.0),
        doc="RMS spread of the baseline in m from the finite core and detector: oscillations "
        "(sterile 3+1) are averaged over it; 0: point-like. Suggested (assumptions): "
        "0.85 m for a power-reactor core seen from 10–30 m "
        "(cevns_core.physics.oscillation.TYPICAL_BASELINE_SPREAD_M).",
        label="Baseline spread (rms)",
        metadata={"unit": "m"},
    )
    fraction_U235 = param.Number(
        default=0.58,
        bounds=(0.0, 1.0),
        doc="Fission fraction of ²³⁵U (fractions sum to 1).",
        label="Fission fraction ²³⁵U",
        metadata={"unit": ""},
    )
    fraction_Pu239 = param.Number(
        default=0.30,
        bounds=(0.0, 1.0),
        doc="Fission fraction of ²³⁹Pu (fractions sum to 1).",
        label="Fission fraction ²³⁹Pu",
        metadata={"unit": ""},
    )
    fraction_U238 = param.Number(
        default=0.07,
        bounds=(0.0, 1.0),
        doc="Fission fraction of ²³⁸U (fractions sum to 1).",
        label="Fission fraction ²³⁸U",
        metadata={"unit": ""},
    )
    fraction_Pu241 = param.Number(
        default=0.05,
        bounds=(0.0, 1.0),
        doc="Fission fraction of ²⁴¹Pu (fractions sum to 1).",
        label="Fission fraction ²⁴¹Pu",
        metadata={"unit": ""},
    )
    energy_per_fission = param.Selector(
        default="kopeikin2004",
        objects=list(ENERGY_PER_FISSION_MeV),
        doc="Energies released per fission: Kopeikin et al. 2004 (default) or Ma et al. 2013.",
        label="Energy per fission",
        metadata={"unit": ""},
    )
    spectrum_model = param.Selector(
        default="bestiole2023",
        objects=list(REACTOR_MODELS),
        doc="'bestiole2023' (default): summation spectra 0–12.5 MeV + capture; 'huber_mueller': "
        "2–8 MeV only (flagged: misses the ν̄ below 2 MeV, about 4/5 of the flux); "
        "'huber_mueller_extended': summation below 2 MeV joined continuously to Huber–Mueller "
        "2–8 MeV + capture.",
        label="Antineutrino spectrum model",
        metadata={"unit": ""},
    )
    capture_rate_per_fission = param.Number(
        default=0.6,
        bounds=(0.0, 2.0),
        softbounds=(0.0, 1.0),
        doc="²³⁸U(n,γ) captures per fission (each gives two ν̄: ²³⁹U and ²³⁹Np β decays); "
        "full-range models only. ≈0.6 for power reactors (PHYSICS §5.3).",
        label="²³⁸U neutron captures per fission",
        metadata={"unit": ""},
    )

    def _check(self) -> None:
        total = sum(self.fractions().values())
        if abs(total - 1.0) > 1e-6:
            raise CevnsError(
                "fission fractions fraction_U235 + fraction_Pu239 + fraction_U238 + "
                f"fraction_Pu241 must sum to 1 (within 1e-6), got {total:.8g}"
            )

    def fractions(self) -> dict[str, float]:
        """Fission fractions by isotope."""
        return {iso: float(getattr(self, f"fraction_{iso}")) for iso in FISSION_ISOTOPES}

    def mean_energy_per_fission_MeV(self) -> float:
        """Σ f_i 𝓔_i in MeV."""
        energies = ENERGY_PER_FISSION_MeV[self.energy_per_fission]
        return sum(f * energies[iso] for iso, f in self.fractions().items())

    def fission_rate_per_s(self) -> float:
        """Fissions per second, P_th / (Σ f_i 𝓔_i)."""
        self._check()
        return self.thermal_power_GW * 1e9 / (self.mean_energy_per_fission_MeV() * J_PER_MeV)

    def _per_fission(self) -> tuple[Continuum, ...]:
        """Components per fission (MeV⁻¹ fission⁻¹) for the current model."""
        fr = self.fractions()
        model = self.spectrum_model
        lo, hi = HUBER_MUELLER_RANGE_MeV
        if model == "huber_mueller":
            coeffs = [(f, HUBER_MUELLER[iso]) for iso, f in fr.items() if f > 0]

            def hm(E: Array) -> Array:
                Ec = np.clip(E, lo, hi)
                out = sum(f * np.exp(np.polynomial.polynomial.polyval(Ec, a)) for f, a in coeffs)
                return np.where((E >= lo) & (E <= hi), out, 0.0)

            return (Continuum("nubar_e", lo, hi, hm, label="fission (Huber–Mueller 2–8 MeV)"),)

        knots, table = _bestiole_table()
        if model == "bestiole2023":
            values = sum(f * table[iso][1] for iso, f in fr.items())
            e_max = float(knots[-1])
            fission = Continuum(
                "nubar_e",
                0.0,
                e_max,
                _interp(knots, values),
                breakpoints=tuple(np.arange(_BREAK_STEP_MeV, e_max, _BREAK_STEP_MeV)),
                label="fission (BESTIOLE 2023 summation)",
            )
        else:  # huber_mueller_extended
            low = np.zeros_like(knots)
            for iso, f in fr.items():
                v = table[iso][1]
                joint = float(np.interp(lo, knots, v))
                hm_joint = float(huber_mueller_spectrum(lo, iso))
                low = low + f * v * (hm_joint / joint)
            coeffs = [(f, HUBER_MUELLER[iso]) for iso, f in fr.items() if f > 0]
            low_part = _interp(knots, low)

            def ext(E: Array) -> Array:
                Ec = np.clip(E, lo, hi)
                high = sum(f * np.exp(np.polynomial.polynomial.polyval(Ec, a)) for f, a in coeffs)
                return np.where(E < lo, low_part(E), np.where(E <= hi, high, 0.0))

            fission = Continuum(
                "nubar_e",
                0.0,
                hi,
                ext,
                breakpoints=tuple(np.arange(_BREAK_STEP_MeV, hi, _BREAK_STEP_MeV)),
                label="fission (BESTIOLE < 2 MeV joined to Huber–Mueller 2–8 MeV)",
            )
        parts = [fission]
        lam = float(self.capture_rate_per_fission)
        if lam > 0:
            for nuclide, label in (("U239", "²³⁹U"), ("Np239", "²³⁹Np")):
                k, v = table[nuclide]
                e_max = float(k[-1])
                parts.append(
                    Continuum(
                        "nubar_e",
                        0.0,
                        e_max,
                        _interp(k, lam * v),
                        breakpoints=tuple(
                            np.arange(_CAPTURE_BREAK_STEP_MeV, e_max, _CAPTURE_BREAK_STEP_MeV)
                        ),
                        label=f"neutron capture ²³⁸U(n,γ): {label} β⁻ decay (BESTIOLE 2023)",
                    )
                )
        return tuple(parts)

    def antineutrinos_per_fission(
        self, E_min_MeV: float = 0.0, E_max_MeV: float = math.inf
    ) -> float:
        """ν̄ per fission between two energies (fission + capture components of the model)."""
        total = 0.0
        for c in self._per_fission():
            a, b = max(E_min_MeV, c.E_min_MeV), min(E_max_MeV, c.E_max_MeV)
            if b <= a:
                continue
            edges = np.array(sorted({a, b, *[x for x in c.breakpoints if a < x < b]}))
            x, w = np.polynomial.legendre.leggauss(48)
            x, w = 0.5 * (x + 1.0), 0.5 * w
            width = np.diff(edges)[:, None]
            nodes = edges[:-1, None] + width * x
            total += float(np.sum(width * w * c.density(nodes)))
        return total

    def components(self) -> tuple[Continuum | Line, ...]:
        """ν̄_e continua at the detector (cm⁻² s⁻¹ MeV⁻¹)."""
        scale = self.fission_rate_per_s() / sphere_area_cm2(self.distance_m)
        return tuple(
            Continuum(
                c.flavour,
                c.E_min_MeV,
                c.E_max_MeV,
                _scaled(c.density, scale),
                breakpoints=c.breakpoints,
                label=c.label,
            )
            for c in self._per_fission()
        )


def _interp(knots: Array, values: Array):
    k, v = np.asarray(knots, float), np.asarray(values, float)

    def density(E: Array) -> Array:
        return np.interp(E, k, v, left=0.0, right=0.0)

    return density


def _scaled(density, scale: float):
    def out(E: Array) -> Array:
        return scale * density(E)

    return out
