"""Solar neutrinos (PHYSICS.md §5.5), flux mode at Earth.

Components and B16-GS98 total fluxes (cm⁻² s⁻¹) quoted in PHYSICS §5.5 from Vinyoles et al.,
ApJ 835 (2017) 202, and marked "from memory, verify" there: pp 5.98×10¹⁰, pep 1.44×10⁸ (line
1.442 MeV), hep 7.98×10³, ⁷Be 4.93×10⁹ (lines 0.8613 MeV 89.7 %, 0.3843 MeV 10.3 %), ⁸B 5.46×10⁶,
¹³N 2.78×10⁸, ¹⁵O 2.05×10⁸, ¹⁷F 5.29×10⁶.

**Shapes.** ⁸B uses, by default (``b8_shape="published"``), the tabulated spectrum of the code and
data release of O'Hare, PRL 127 (2021) 251802 (``data/solar_b8_ohare2021.csv``: 0.02–16.34 MeV,
mean energy 6.735 MeV, linear interpolation, normalised to 1 by the same quadrature the package
uses, so the total is exact). ``b8_shape="allowed"`` restores the approximation below, which
puts the ⁸B spectrum too high (mean 8.42 MeV) and overestimates CEvNS rates on heavy nuclei by
about 50 %. The other continuous components (no tables shipped) use the allowed β-decay shape in
the neutrino energy, without Fermi function,

    dN/dE ∝ E² · p_e · W_e,   W_e = Q − E + m_e,   p_e = √(W_e² − m_e²),   0 ≤ E ≤ Q,

normalised to 1 (phase space E_ν² p_e W_e dE), with end points Q: pp 0.42341, hep 18.778,
⁸B 16.36, ¹³N 1.1982, ¹⁵O 1.7317, ¹⁷F 1.7364 MeV. This is an approximation: for ⁸B the final ⁸Be
state is a broad resonance (Winter et al., PRC 73 (2006) 025503), and the Fermi function and the
solar thermal broadening of the lines are neglected.

**Normalisation.** Every component has its B16-GS98 total except ⁸B, whose total is the
parameter ``b8_flux_cm2_s`` (default B16-GS98; the measured flux, e.g. SNO's 5.25×10⁶, for the
dark-matter experiments' ⁸B presets).

**Flavour.** CEvNS is flavour-blind in the Standard Model, so by default everything is ν_e
(``nu_e_survival = 1``, i.e. the flux as produced). Setting ``nu_e_survival = P`` keeps a fraction P
as ν_e and splits 1 − P equally between ν_μ and ν_τ (an energy-independent survival probability;
matters only when new physics is flavour dependent).
"""

from __future__ import annotations

import math
from functools import cache, lru_cache
from importlib.resources import files
from typing import ClassVar

import numpy as np
import param
from numpy.typing import ArrayLike, NDArray
from scipy import integrate

from .._validation import as_array
from ..errors import CevnsError
from ..units import M_E_MeV
from ._common import ValidatedSource
from .base import Continuum, Line, gauss_legendre_segments

__all__ = [
    "B8_SHAPES",
    "B16_GS98_FLUX",
    "SOLAR_COMPONENTS",
    "SOLAR_ENDPOINTS_MeV",
    "SOLAR_LINES_MeV",
    "Solar",
    "allowed_beta_shape",
]

Array = NDArray[np.float64]

#: B16-GS98 total fluxes in cm⁻² s⁻¹ (Vinyoles et al. 2017, as quoted in PHYSICS §5.5).
B16_GS98_FLUX: dict[str, float] = {
    "pp": 5.98e10,
    "pep": 1.44e8,
    "hep": 7.98e3,
    "Be7": 4.93e9,
    "B8": 5.46e6,
    "N13": 2.78e8,
    "O15": 2.05e8,
    "F17": 5.29e6,
}
#: End points (MeV) of the continuous components (PHYSICS §5.5 / task brief).
SOLAR_ENDPOINTS_MeV: dict[str, float] = {
    "pp": 0.42341,
    "hep": 18.778,
    "B8": 16.36,
    "N13": 1.1982,
    "O15": 1.7317,
    "F17": 1.7364,
}
#: Line components: energy (MeV) and fraction of the component's flux.
SOLAR_LINES_MeV: dict[str, tuple[tuple[float, float], ...]] = {
    "pep": ((1.442, 1.0),),
    "Be7": ((0.8613, 0.897), (0.3843, 0.103)),
}
#: Component names in the usual order.
SOLAR_COMPONENTS: tuple[str, ...] = ("pp", "pep", "hep", "Be7", "B8", "N13", "O15", "F17")

#: Choices for the ⁸B spectrum shape.
B8_SHAPES: tuple[str, ...] = ("published", "allowed")

_N_ENDPOINT_BREAKS = 12
_B8_FILE = "solar_b8_ohare2021.csv"
_B8_BREAK_EVERY = 14


@cache
def _b8_table() -> tuple[Array, Array, tuple[float, ...], float]:
    """⁸B table (E, shape), breakpoints, and the quadrature norm of its linear interpolant."""
    text = files("cevns_core").joinpath("data").joinpath(_B8_FILE).read_text(encoding="utf-8")
    rows = [
        line.split(",")
        for line in text.splitlines()
        if line.strip() and not line.startswith(("#", "E_MeV"))
    ]
    data = np.array(rows, dtype=float)
    E, f = data[:, 0], data[:, 1]
    breaks = tuple(float(x) for x in E[_B8_BREAK_EVERY:-1:_B8_BREAK_EVERY])
    edges = np.array(sorted({float(E[0]), float(E[-1]), *breaks}))
    nodes, weights = gauss_legendre_segments(edges, float(E[0]))
    norm = float(np.sum(weights * np.interp(nodes, E, f)))
    E.setflags(write=False)
    f.setflags(write=False)
    return E, f, breaks, norm


def _shape_unnormalised(E: Array, Q: float) -> Array:
    W = Q - E + M_E_MeV
    p = np.sqrt(np.clip(W**2 - M_E_MeV**2, 0.0, None))
    return np.where((E >= 0) & (E <= Q), E**2 * p * W, 0.0)


@lru_cache(maxsize=64)
def _shape_norm(Q: float) -> float:
    # integrate with the endpoint behaviour p ∝ √(Q − E) handled by QUADPACK's algebraic weight
    val, _ = integrate.quad(
        lambda e: float(_shape_unnormalised(np.array(e), Q)) / math.sqrt(max(Q - e, 1e-300)),
        0.0,
        Q,
        weight="alg",
        wvar=(0.0, 0.5),
        limit=200,
        epsabs=0.0,
        epsrel=1e-12,
    )
    return val


def allowed_beta_shape(E_MeV: ArrayLike, Q_MeV: float) -> Array:
    """Allowed β-decay neutrino spectrum E²·p_e·W_e normalised to 1 on [0, Q] (MeV⁻¹).

    Examples
    --------
    >>> round(float(allowed_beta_shape(0.3, 0.42341)), 4)
    4.0388
    """
    E = as_array(E_MeV, "E_MeV", minimum=0.0)
    Q = float(Q_MeV)
    if not Q > 0:
        raise CevnsError(f"Q_MeV must be positive, got {Q_MeV!r}")
    return _shape_unnormalised(E, Q) / _shape_norm(Q)


def _endpoint_breaks(Q: float) -> tuple[float, ...]:
    """Breakpoints clustering towards Q, where the shape has a √(Q − E) edge."""
    return tuple(Q * (1.0 - 0.5**k) for k in range(1, _N_ENDPOINT_BREAKS + 1))


class Solar(ValidatedSource):
    """The Sun's neutrinos at Earth, B16-GS98 normalisation (PHYSICS §5.5).

    Examples
    --------
    >>> s = Solar()
    >>> f"{s.integrated():.4g}"
    '6.537e+10'
    """

    title: ClassVar[str] = "The Sun"

    components_included = param.ListSelector(
        default=list(SOLAR_COMPONENTS),
        objects=list(SOLAR_COMPONENTS),
        doc="Solar components to include.",
        label="Solar components",
        metadata={"unit": ""},
    )
    b8_shape = param.Selector(
        default="published",
        objects=list(B8_SHAPES),
        doc="⁸B spectrum: 'published' (tabulated, O'Hare 2021 release, mean 6.735 MeV) or "
        "'allowed' (allowed β shape with Q = 16.36 MeV, an approximation).",
        label="⁸B spectrum shape",
        metadata={"unit": ""},
    )
    b8_flux_cm2_s = param.Number(
        default=B16_GS98_FLUX["B8"],
        bounds=(0.0, 1e9),
        softbounds=(1e6, 1e7),
        doc="Total ⁸B flux in cm⁻² s⁻¹ (default B16-GS98 5.46e6; SNO's measured 5.25e6, "
        "Aharmim et al. PRC 88 (2013) 025501, is what XENONnT normalises to).",
        label="Total ⁸B flux",
        metadata={"unit": "cm⁻² s⁻¹"},
    )
    nu_e_survival = param.Number(
        default=1.0,
        bounds=(0.0, 1.0),
        doc="Fraction kept as ν_e; the rest is split equally into ν_μ and ν_τ (default 1: "
        "CEvNS is flavour-blind in the SM).",
        label="νₑ survival probability",
        metadata={"unit": ""},
    )

    def _check(self) -> None:
        unknown = [c for c in self.components_included if c not in SOLAR_COMPONENTS]
        if unknown:
            raise CevnsError(
                f"unknown solar component(s) {unknown}; choose from {', '.join(SOLAR_COMPONENTS)}"
            )

    def _flavour_split(self) -> tuple[tuple[str, float], ...]:
        P = float(self.nu_e_survival)
        if P >= 1.0:
            return (("nu_e", 1.0),)
        split = (("nu_e", P), ("nu_mu", 0.5 * (1 - P)), ("nu_tau", 0.5 * (1 - P)))
        return tuple(s for s in split if s[1] > 0)

    def components(self) -> tuple[Continuum | Line, ...]:
        """Continua (allowed shapes) and lines (pep, ⁷Be), cm⁻² s⁻¹ [MeV⁻¹]."""
        self._check()
        out: list[Continuum | Line] = []
        for flavour, frac in self._flavour_split():
            for name in SOLAR_COMPONENTS:
                if name not in self.components_included:
                    continue
                flux = float(self.b8_flux_cm2_s) if name == "B8" else B16_GS98_FLUX[name]
                total = flux * frac
                if name in SOLAR_LINES_MeV:
                    for E, br in SOLAR_LINES_MeV[name]:
                        out.append(Line(flavour, E, total * br, f"{name} {E} MeV"))
                    continue
                if name == "B8" and self.b8_shape == "published":
                    E, f, breaks, norm = _b8_table()
                    out.append(
                        Continuum(
                            flavour,
                            float(E[0]),
                            float(E[-1]),
                            _scaled_table(E, f, total / norm),
                            breakpoints=breaks,
                            label="B8 (published shape)",
                        )
                    )
                    continue
                Q = SOLAR_ENDPOINTS_MeV[name]
                norm = total / _shape_norm(Q)
                out.append(
                    Continuum(
                        flavour,
                        0.0,
                        Q,
                        _scaled_shape(Q, norm),
                        breakpoints=_endpoint_breaks(Q),
                        label=f"{name} (allowed β shape)",
                    )
                )
        return tuple(out)


def _scaled_shape(Q: float, norm: float):
    def density(E: Array) -> Array:
        return norm * _shape_unnormalised(E, Q)

    return density


def _scaled_table(E_tab: Array, f_tab: Array, scale: float):
    def density(E: Array) -> Array:
        return scale * np.interp(E, E_tab, f_tab, left=0.0, right=0.0)

    return density
