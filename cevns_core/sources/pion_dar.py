"""Pion decay at rest (π-DAR): energy spectra, normalisation and timing (PHYSICS.md §5.1–5.2).

Per π⁺ → μ⁺ν_μ, μ⁺ → e⁺ν_e ν̄_μ decay chain (Pandey Eqs. (2)–(6)), each spectrum normalised to 1:

* prompt ν_μ: a line at E = (m_π² − m_μ²)/(2m_π) = 29.792 MeV (never put on a grid);
* delayed ν_e:  Φ(E) = (192/m_μ)(E/m_μ)²(1/2 − E/m_μ),  0 ≤ E ≤ m_μ/2, ⟨E⟩ = 0.30 m_μ = 31.698 MeV;
* delayed ν̄_μ: Φ(E) = (64/m_μ)(E/m_μ)²(3/4 − E/m_μ),   0 ≤ E ≤ m_μ/2, ⟨E⟩ = 0.35 m_μ = 36.980 MeV.

At the detector each flavour has φ = r·N_POT/(4πL²), r = neutrinos per flavour per proton on target.

**Fluence or flux.** :class:`PionDecayAtRest` is in *fluence* mode (counts) when an exposure is
given — ``protons_on_target``, or ``exposure_s`` (beam time at the beam's POT rate), or
``exposure_GWh`` (integrated beam energy) — at most one of the three. With none of them it is in
*flux* mode: the POT rate follows from the beam power, N_POT/s = P/(E_p · 1.602176634×10⁻¹³ J/MeV)
(SNS 1.4 MW at 1 GeV → 8.74×10¹⁵ s⁻¹). The ``normalisation`` parameter follows automatically.

**Timing.** With the normalised proton pulse b(t) and E_τ(t) = τ⁻¹e^{−t/τ}Θ(t), the prompt ν_μ
arrive as p(t) = (b∗E_{τ_π})(t) and the delayed ν_e, ν̄_μ as (b∗g)(t) with
g = (τ_μE_{τ_μ} − τ_πE_{τ_π})/(τ_μ − τ_π). A Gaussian pulse gives the exponentially modified
Gaussian in closed form; triangular, rectangular and tabulated pulses are piecewise linear, and the
convolution of a linear piece with an exponential is integrated exactly segment by segment
(vectorised over times and segments; no time grid). Cumulative fractions use
CDF(b∗E_τ) = B(t) − τ·(b∗E_τ)(t), with B the pulse's cumulative distribution. Times are in ns,
densities in ns⁻¹.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import param
from numpy.typing import ArrayLike, NDArray
from scipy.special import erfc, erfcx, ndtr

from .._validation import as_array, as_float, check_choice
from ..errors import CevnsError
from ..flavours import check_flavour
from ..units import J_PER_MeV, M_MU_MeV, M_PI_MeV, TAU_MU_ns, TAU_PI_ns
from ._common import ValidatedSource, sphere_area_cm2
from .base import Continuum, Line

__all__ = [
    "FACILITIES",
    "PULSE_SHAPES",
    "E_NU_MU_PROMPT_MeV",
    "FacilityPreset",
    "MICHEL_E_MAX_MeV",
    "PionDecayAtRest",
    "ProtonPulse",
    "delayed_time_cdf",
    "delayed_time_pdf",
    "facility",
    "facility_names",
    "michel_nu_e",
    "michel_nubar_mu",
    "pot_rate_per_s",
    "prompt_time_cdf",
    "prompt_time_pdf",
]

Array = NDArray[np.float64]

#: Prompt ν_μ energy (m_π² − m_μ²)/(2m_π) in MeV (29.792 MeV; PHYSICS §5.1, R1).
E_NU_MU_PROMPT_MeV = (M_PI_MeV**2 - M_MU_MeV**2) / (2.0 * M_PI_MeV)
#: End point m_μ/2 of the Michel spectra in MeV (52.83 MeV).
MICHEL_E_MAX_MeV = 0.5 * M_MU_MeV
#: Pulse shapes understood by :class:`ProtonPulse` ("none": no pulse known, timing unavailable).
PULSE_SHAPES: tuple[str, ...] = ("gaussian", "triangular", "rectangular", "tabulated", "none")

_FWHM_PER_SIGMA = 2.0 * math.sqrt(2.0 * math.log(2.0))
_MAX_PULSE_POINTS = 5000
_CHUNK = 2_000_000  # elements of a (times × segments) block


# ------------------------------------------------------------------------------------------------
# Energy spectra
# ------------------------------------------------------------------------------------------------
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


# ------------------------------------------------------------------------------------------------
# Timing
# ------------------------------------------------------------------------------------------------
def _emg(u: Array, sigma: float, tau: float) -> Array:
    """(b∗E_τ)(t) for a Gaussian pulse, u = t − t₀, overflow-free (PHYSICS §5.2).

    (1/2τ)·exp(σ²/2τ² − u/τ)·erfc(x), x = (σ/τ − u/σ)/√2; for x ≥ 0 written as
    (1/2τ)·exp(−u²/2σ²)·erfcx(x), which is the same number without overflow.
    """
    x = (sigma / tau - u / sigma) / math.sqrt(2.0)
    pos = x >= 0.0
    a = np.where(pos, -(u**2) / (2.0 * sigma**2), sigma**2 / (2.0 * tau**2) - u / tau)
    f = np.where(pos, erfcx(np.where(pos, x, 0.0)), erfc(np.where(pos, 0.0, x)))
    return np.exp(np.minimum(a, 0.0)) * f / (2.0 * tau)


@dataclass(frozen=True, eq=False)
class ProtonPulse:
    """Shape of the proton pulse on target, normalised to 1 (times in ns).

    ``shape``: ``"gaussian"`` (``width_ns`` = FWHM, or give ``sigma_ns``), ``"triangular"``
    (symmetric, ``width_ns`` = full base), ``"rectangular"`` (``width_ns`` = full length),
    ``"tabulated"`` (``table_t_ns``, ``table_weight``: linear interpolation, zero outside,
    normalised here), or ``"none"`` (no pulse known: timing functions raise CevnsError).
    ``t0_ns`` is the pulse centre (Gaussian mean, triangle apex, rectangle centre); tabulated pulses
    use their own times.
    """

    shape: str = "gaussian"
    width_ns: float | None = 380.0
    t0_ns: float = 0.0
    sigma_ns: float | None = None
    table_t_ns: Any = None
    table_weight: Any = None
    _knots: Array = field(init=False, repr=False)
    _values: Array = field(init=False, repr=False)

    def __post_init__(self) -> None:
        check_choice(self.shape, "pulse_shape", PULSE_SHAPES)
        as_float(self.t0_ns, "pulse_t0_ns")
        knots = values = np.zeros(0)
        if self.shape == "gaussian":
            if self.sigma_ns is not None:
                as_float(self.sigma_ns, "pulse_sigma_ns", minimum=0.0, inclusive=False)
            elif self.width_ns is None:
                raise CevnsError("a Gaussian pulse needs pulse_width_ns (FWHM) or sigma_ns")
            else:
                as_float(self.width_ns, "pulse_width_ns", minimum=0.0, inclusive=False)
        elif self.shape in ("triangular", "rectangular"):
            if self.width_ns is None:
                raise CevnsError(f"a {self.shape} pulse needs pulse_width_ns")
            w = as_float(self.width_ns, "pulse_width_ns", minimum=0.0, inclusive=False)
            t0 = float(self.t0_ns)
            if self.shape == "triangular":
                knots = np.array([t0 - w / 2, t0, t0 + w / 2])
                values = np.array([0.0, 2.0 / w, 0.0])
            else:
                knots = np.array([t0 - w / 2, t0 + w / 2])
                values = np.array([1.0 / w, 1.0 / w])
        elif self.shape == "tabulated":
            knots, values = _check_pulse_table(self.table_t_ns, self.table_weight)
        object.__setattr__(self, "_knots", knots)
        object.__setattr__(self, "_values", values)

    # -- helpers ----------------------------------------------------------------------------
    @property
    def sigma(self) -> float:
        """Gaussian standard deviation in ns."""
        if self.sigma_ns is not None:
            return float(self.sigma_ns)
        return float(self.width_ns) / _FWHM_PER_SIGMA

    def _require(self) -> None:
        if self.shape == "none":
            raise CevnsError(
                "no proton pulse shape is known for this source (pulse_shape='none'); "
                "set pulse_shape and pulse_width_ns (or a tabulated pulse) for timing"
            )

    def _segments(self) -> tuple[Array, Array, Array]:
        a, b = self._knots[:-1], self._knots[1:]
        va = self._values[:-1]
        slope = (self._values[1:] - va) / (b - a)
        return a, b, np.stack([va, slope])

    def _blocks(self, t: Array):
        n_seg = max(len(self._knots) - 1, 1)
        step = max(1, _CHUNK // n_seg)
        flat = t.ravel()
        for i in range(0, flat.size, step):
            yield i, flat[i : i + step]

    # -- public -----------------------------------------------------------------------------
    def pdf(self, t_ns: ArrayLike) -> Array:
        """Pulse density b(t) in ns⁻¹."""
        self._require()
        t = as_array(t_ns, "t_ns")
        if self.shape == "gaussian":
            s = self.sigma
            return np.exp(-0.5 * ((t - self.t0_ns) / s) ** 2) / (s * math.sqrt(2.0 * math.pi))
        if self.shape == "rectangular":  # np.interp would ramp the edges; keep the box exact
            a, b = self._knots
            return np.where((t >= a) & (t <= b), self._values[0], 0.0)
        return np.interp(t, self._knots, self._values, left=0.0, right=0.0)

    def cdf(self, t_ns: ArrayLike) -> Array:
        """Fraction of the pulse before t."""
        self._require()
        t = as_array(t_ns, "t_ns")
        if self.shape == "gaussian":
            return ndtr((t - self.t0_ns) / self.sigma)
        a, b, (va, slope) = self._segments()
        out = np.empty(t.size)
        for i, tt in self._blocks(t):
            d = np.clip(tt[:, None], a, b) - a
            out[i : i + tt.size] = np.sum(d * va + 0.5 * slope * d**2, axis=1)
        return out.reshape(t.shape)

    def convolved_exponential(self, t_ns: ArrayLike, tau_ns: float) -> Array:
        """(b∗E_τ)(t) in ns⁻¹: the pulse convolved with τ⁻¹e^{−t/τ}Θ(t).

        Gaussian: exponentially modified Gaussian (closed form). Piecewise-linear pulses: exact
        per segment, ∫_a^u (v_a + c(s−a)) e^{−(t−s)/τ}/τ ds = [e^{−(t−s)/τ}(v_a + c(s−a) − cτ)]_a^u
        with u = min(max(t, a), b).
        """
        self._require()
        t = as_array(t_ns, "t_ns")
        tau = as_float(tau_ns, "tau_ns", minimum=0.0, inclusive=False)
        if self.shape == "gaussian":
            return _emg(t - self.t0_ns, self.sigma, tau)
        a, b, (va, slope) = self._segments()
        out = np.empty(t.size)
        for i, tt in self._blocks(t):
            tcol = tt[:, None]
            u = np.clip(tcol, a, b)
            upper = np.exp(-(tcol - u) / tau) * (va + slope * (u - a) - slope * tau)
            lower = np.exp(-np.maximum(tcol - a, 0.0) / tau) * (va - slope * tau)
            out[i : i + tt.size] = np.sum(np.where(tcol > a, upper - lower, 0.0), axis=1)
        return np.maximum(out.reshape(t.shape), 0.0)

    def convolved_exponential_cdf(self, t_ns: ArrayLike, tau_ns: float) -> Array:
        """∫_{−∞}^t (b∗E_τ) = B(t) − τ·(b∗E_τ)(t)."""
        tau = as_float(tau_ns, "tau_ns", minimum=0.0, inclusive=False)
        return self.cdf(t_ns) - tau * self.convolved_exponential(t_ns, tau)


def _check_pulse_table(t_ns: Any, weight: Any) -> tuple[Array, Array]:
    if t_ns is None or weight is None:
        raise CevnsError("a tabulated pulse needs pulse_table_t_ns and pulse_table_weight")
    t = as_array(t_ns, "pulse_table_t_ns")
    w = as_array(weight, "pulse_table_weight", minimum=0.0)
    if t.ndim != 1 or w.shape != t.shape:
        raise CevnsError(
            f"pulse_table_t_ns and pulse_table_weight must be 1-D of equal length, got shapes "
            f"{t.shape} and {w.shape}"
        )
    if not 2 <= t.size <= _MAX_PULSE_POINTS:
        raise CevnsError(f"a tabulated pulse needs 2 to {_MAX_PULSE_POINTS} points, got {t.size}")
    if np.any(np.diff(t) <= 0):
        raise CevnsError("pulse_table_t_ns must be strictly increasing")
    area = float(np.trapezoid(w, t))
    if not area > 0:
        raise CevnsError("pulse_table_weight must have a positive integral")
    return t, w / area


def _taus(tau_pi_ns: float, tau_mu_ns: float) -> tuple[float, float]:
    tp = as_float(tau_pi_ns, "tau_pi_ns", minimum=0.0, inclusive=False)
    tm = as_float(tau_mu_ns, "tau_mu_ns", minimum=0.0, inclusive=False)
    if tp == tm:
        raise CevnsError("tau_pi_ns and tau_mu_ns must differ")
    return tp, tm


def prompt_time_pdf(t_ns: ArrayLike, pulse: ProtonPulse, *, tau_pi_ns: float = TAU_PI_ns) -> Array:
    """Arrival-time density of the prompt ν_μ, ns⁻¹: (b∗E_{τ_π})(t) (PHYSICS §5.2).

    Examples
    --------
    >>> p = ProtonPulse("gaussian", 380.0)
    >>> round(float(prompt_time_pdf(0.0, p)), 7)
    0.0024123
    """
    return pulse.convolved_exponential(t_ns, tau_pi_ns)


def delayed_time_pdf(
    t_ns: ArrayLike,
    pulse: ProtonPulse,
    *,
    tau_pi_ns: float = TAU_PI_ns,
    tau_mu_ns: float = TAU_MU_ns,
) -> Array:
    """Arrival-time density of the delayed ν_e, ν̄_μ, ns⁻¹: (b∗g)(t), g the π→μ→e chain."""
    tp, tm = _taus(tau_pi_ns, tau_mu_ns)
    pm = pulse.convolved_exponential(t_ns, tm)
    pp = pulse.convolved_exponential(t_ns, tp)
    return np.maximum((tm * pm - tp * pp) / (tm - tp), 0.0)


def prompt_time_cdf(t_ns: ArrayLike, pulse: ProtonPulse, *, tau_pi_ns: float = TAU_PI_ns) -> Array:
    """Fraction of prompt ν_μ that arrived before t (R35: > 99.99 % before 1 μs for SNS).

    Examples
    --------
    >>> p = ProtonPulse("gaussian", 380.0)
    >>> float(prompt_time_cdf(1000.0, p)) > 0.9999
    True
    """
    return np.clip(pulse.convolved_exponential_cdf(t_ns, tau_pi_ns), 0.0, 1.0)


def delayed_time_cdf(
    t_ns: ArrayLike,
    pulse: ProtonPulse,
    *,
    tau_pi_ns: float = TAU_PI_ns,
    tau_mu_ns: float = TAU_MU_ns,
) -> Array:
    """Fraction of delayed ν_e, ν̄_μ that arrived before t.

    B(t) − (τ_μ²(b∗E_{τ_μ}) − τ_π²(b∗E_{τ_π}))/(τ_μ − τ_π). R35: 0.356 before 1 μs for a
    380 ns-FWHM Gaussian pulse centred at 0.

    Examples
    --------
    >>> p = ProtonPulse("gaussian", 380.0)
    >>> round(float(delayed_time_cdf(1000.0, p)), 4)
    0.3563
    """
    tp, tm = _taus(tau_pi_ns, tau_mu_ns)
    B = pulse.cdf(t_ns)
    pm = pulse.convolved_exponential(t_ns, tm)
    pp = pulse.convolved_exponential(t_ns, tp)
    return np.clip(B - (tm**2 * pm - tp**2 * pp) / (tm - tp), 0.0, 1.0)


# ------------------------------------------------------------------------------------------------
# Facilities
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FacilityPreset:
    """Published beam parameters of a stopped-pion facility.

    ``None`` means no value could be cited precisely: the user must give it (a source built from
    a preset with ``beam_power_MW=None`` requires ``beam_power_MW`` or ``protons_on_target``).
    """

    name: str
    description: str
    proton_energy_GeV: float
    beam_power_MW: float | None
    repetition_rate_Hz: float | None
    pulse_shape: str
    pulse_width_ns: float | None
    notes: str
    references: str

    def source_parameters(self) -> dict[str, Any]:
        """Keyword arguments of :class:`PionDecayAtRest` that this preset fixes."""
        out: dict[str, Any] = {
            "proton_energy_GeV": self.proton_energy_GeV,
            "beam_power_MW": self.beam_power_MW,
            "pulse_shape": self.pulse_shape,
        }
        if self.pulse_width_ns is not None:
            out["pulse_width_ns"] = self.pulse_width_ns
        return out


_PANDEY = "Pandey, arXiv:2309.07840 (2023), Sec. V; PHYSICS.md §5.1"

#: Facility presets (PHYSICS.md §5.1 from Pandey Sec. V; other numbers cited per entry).
FACILITIES: dict[str, FacilityPreset] = {
    p.name: p
    for p in (
        FacilityPreset(
            "sns",
            "Spallation Neutron Source (ORNL), first target station",
            1.0,
            1.4,
            60.0,
            "gaussian",
            380.0,
            "Pulse: Gaussian of 380 ns FWHM is UNSURE (PHYSICS §5.2): Pandey says "
            "'400-nanosecond bursts'; the COHERENT measured POT trace should be preferred "
            "(use a tabulated pulse).",
            _PANDEY + "; PHYSICS.md §5.2 (pulse)",
        ),
        FacilityPreset(
            "sns_upgrade",
            "SNS after the proton power upgrade",
            1.3,
            2.0,
            None,
            "none",
            None,
            "Repetition rate and pulse shape are not stated in the sources used: give "
            "pulse_shape/pulse_width_ns for timing.",
            _PANDEY,
        ),
        FacilityPreset(
            "sns_second_target",
            "SNS second target station (15 of the 60 Hz pulses)",
            1.3,
            0.7,
            15.0,
            "none",
            None,
            "2.8 MW total shared 45 Hz (first target) / 15 Hz (second target) as stated by "
            "Pandey; 0.7 MW = 2.8 MW × 15/60 is derived assuming equal pulses, and 1.3 GeV "
            "assumes the upgraded linac. The first target then gets 2.1 MW at 45 Hz. Pulse shape "
            "not stated.",
            _PANDEY,
        ),
        FacilityPreset(
            "lujan",
            "Lujan Center at LANSCE (LANL)",
            0.8,
            None,
            20.0,
            "triangular",
            280.0,
            "Beam power is a required input: no publication value could be cited precisely here "
            "(a CCM seminar abstract quotes ~100 kW; not used). Pulse: triangle of 280 ns base.",
            _PANDEY + "; PHYSICS.md §5.2 (pulse)",
        ),
        FacilityPreset(
            "jparc_mlf",
            "J-PARC Materials and Life Science Experimental Facility",
            3.0,
            1.0,
            None,
            "none",
            None,
            "Repetition rate and pulse structure are not stated in the sources used.",
            _PANDEY,
        ),
        FacilityPreset(
            "ess",
            "European Spallation Source",
            2.0,
            5.0,
            None,
            "none",
            None,
            "Repetition rate and (long, ms-scale) pulse are not stated in the sources used: "
            "give a rectangular pulse for timing.",
            _PANDEY,
        ),
        FacilityPreset(
            "pip2_bd",
            "Fermilab PIP-II beam dump (PIP2-BD), proposed",
            0.8,
            None,
            None,
            "none",
            None,
            "800 MeV PIP-II linac (Toups et al., arXiv:2203.08079; Fermilab PIP-II). The beam "
            "power on the dump is a required input: no design value could be cited precisely.",
            _PANDEY + "; arXiv:2203.08079",
        ),
    )
}


def facility_names() -> tuple[str, ...]:
    """Names accepted by :func:`facility`."""
    return tuple(FACILITIES)


def facility(name: str) -> FacilityPreset:
    """The preset of a stopped-pion facility by name (see :data:`FACILITIES`).

    Examples
    --------
    >>> facility("sns").beam_power_MW
    1.4
    """
    return FACILITIES[check_choice(name, "facility", FACILITIES)]


# ------------------------------------------------------------------------------------------------
# The source model
# ------------------------------------------------------------------------------------------------
class PionDecayAtRest(ValidatedSource):
    """Stopped-pion neutrino source: prompt ν_μ line, delayed ν_e and ν̄_μ (PHYSICS §5.1–5.2).

    Fluence mode (counts) when ``protons_on_target``, ``exposure_s`` or ``exposure_GWh`` is given
    (at most one); flux mode (per second, POT rate from ``beam_power_MW`` and
    ``proton_energy_GeV``) otherwise. Defaults describe the SNS (1.4 MW, 1 GeV) seen at the
    COHERENT CsI distance 19.3 m with r = 0.08 ν per flavour per proton.

    Examples
    --------
    >>> src = PionDecayAtRest(protons_on_target=1.76e23)
    >>> f"{src.line_intensity():.4g}"
    '3.008e+14'
    >>> src.normalisation
    'fluence'
    """

    neutrinos_per_proton = param.Number(
        default=0.08,
        bounds=(0.0, 2.0),
        inclusive_bounds=(False, True),
        softbounds=(0.01, 0.3),
        doc="r: neutrinos produced per flavour per proton on target (COHERENT 2017: 0.08 ± 0.02; "
        "depends on proton energy and target).",
    )
    distance_m = param.Number(
        default=19.3,
        bounds=(0.0, 1e7),
        inclusive_bounds=(False, True),
        softbounds=(1.0, 100.0),
        doc="Distance from the target to the detector in m.",
    )
    protons_on_target = param.Number(
        default=None,
        allow_None=True,
        bounds=(0.0, 1e30),
        inclusive_bounds=(False, True),
        doc="Total protons on target of the exposure (fluence mode); e.g. 1.76e23 for "
        "COHERENT 2017 (308.1 live days).",
    )
    beam_power_MW = param.Number(
        default=1.4,
        allow_None=True,
        bounds=(0.0, 100.0),
        inclusive_bounds=(False, True),
        softbounds=(0.01, 5.0),
        doc="Proton beam power on target in MW (sets the POT rate).",
    )
    proton_energy_GeV = param.Number(
        default=1.0,
        bounds=(0.0, 100.0),
        inclusive_bounds=(False, True),
        softbounds=(0.3, 3.0),
        doc="Proton kinetic energy in GeV.",
    )
    exposure_s = param.Number(
        default=None,
        allow_None=True,
        bounds=(0.0, 1e12),
        inclusive_bounds=(False, True),
        doc="Beam-on time in s at the beam's POT rate (fluence mode).",
    )
    exposure_GWh = param.Number(
        default=None,
        allow_None=True,
        bounds=(0.0, 1e9),
        inclusive_bounds=(False, True),
        doc="Integrated beam energy on target in GWh (fluence mode); COHERENT CsI 2017 data "
        "release: 7.47594 GWh.",
    )
    pulse_shape = param.Selector(
        default="gaussian",
        objects=list(PULSE_SHAPES),
        doc="Proton pulse shape for the timing distributions.",
    )
    pulse_width_ns = param.Number(
        default=380.0,
        allow_None=True,
        bounds=(0.0, 1e8),
        inclusive_bounds=(False, True),
        softbounds=(10.0, 3000.0),
        doc="Pulse width in ns: FWHM (Gaussian), full base (triangular), full length "
        "(rectangular). SNS default 380 ns FWHM is UNSURE (PHYSICS §5.2).",
    )
    pulse_t0_ns = param.Number(
        default=0.0,
        bounds=(-1e9, 1e9),
        softbounds=(-1000.0, 1000.0),
        doc="Pulse centre in ns (Gaussian mean, triangle apex, rectangle centre).",
    )
    pulse_table_t_ns = param.Array(
        default=None, allow_None=True, doc="Times (ns) of a tabulated pulse, increasing."
    )
    pulse_table_weight = param.Array(
        default=None,
        allow_None=True,
        doc="Relative intensity of a tabulated pulse at pulse_table_t_ns (normalised here).",
    )

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.param.watch(
            self._update_normalisation, ["protons_on_target", "exposure_s", "exposure_GWh"]
        )

    @classmethod
    def from_facility(cls, name: str, **params: Any) -> PionDecayAtRest:
        """A source with the beam of a :func:`facility` preset; ``params`` override it."""
        preset = facility(name).source_parameters()
        preset.update(params)
        if preset.get("pulse_shape") != "gaussian" and "pulse_width_ns" not in params:
            preset.setdefault("pulse_width_ns", None)
        return cls(**preset)

    # -- mode and normalisation --------------------------------------------------------------
    def _exposure_keys(self) -> list[str]:
        return [
            k
            for k in ("protons_on_target", "exposure_s", "exposure_GWh")
            if getattr(self, k) is not None
        ]

    def _update_normalisation(self, *_: Any) -> None:
        mode = "fluence" if self._exposure_keys() else "flux"
        if self.normalisation != mode:
            with param.edit_constant(self):
                self.normalisation = mode

    def _check(self) -> None:
        self._check_exposure()
        _pulse_of(self)  # validates the pulse description

    def _check_exposure(self) -> None:
        keys = self._exposure_keys()
        if len(keys) > 1:
            raise CevnsError(
                f"give at most one of protons_on_target, exposure_s, exposure_GWh; got {keys}"
            )
        if (not keys or keys[0] == "exposure_s") and self.beam_power_MW is None:
            raise CevnsError(
                "beam_power_MW is required (no citable value for this facility) unless "
                "protons_on_target or exposure_GWh is given"
            )
        self._update_normalisation()

    def pot_rate_per_s(self) -> float:
        """Protons on target per second from the beam power (CevnsError without a power)."""
        if self.beam_power_MW is None:
            raise CevnsError("beam_power_MW is not set (required for a POT rate)")
        return pot_rate_per_s(self.beam_power_MW, self.proton_energy_GeV)

    def protons(self) -> float:
        """N_POT of the exposure (fluence mode) or the POT rate in s⁻¹ (flux mode)."""
        self._check_exposure()
        if self.protons_on_target is not None:
            return float(self.protons_on_target)
        if self.exposure_GWh is not None:
            return self.exposure_GWh * 3.6e12 / (self.proton_energy_GeV * 1e3 * J_PER_MeV)
        rate = self.pot_rate_per_s()
        return rate * self.exposure_s if self.exposure_s is not None else rate

    def line_intensity(self) -> float:
        """φ = r·N_POT/(4πL²) per flavour, cm⁻² (fluence) or cm⁻² s⁻¹ (flux)."""
        return self.neutrinos_per_proton * self.protons() / sphere_area_cm2(self.distance_m)

    def components(self) -> tuple[Continuum | Line, ...]:
        """Prompt ν_μ line and the two Michel continua, scaled by φ."""
        phi = self.line_intensity()
        return (
            Line("nu_mu", E_NU_MU_PROMPT_MeV, phi, "prompt π⁺ → μ⁺ν_μ"),
            Continuum(
                "nu_e",
                0.0,
                MICHEL_E_MAX_MeV,
                lambda E: phi * _michel_nu_e(np.asarray(E, dtype=float)),
                label="delayed μ⁺ → e⁺ν_eν̄_μ (ν_e)",
            ),
            Continuum(
                "nubar_mu",
                0.0,
                MICHEL_E_MAX_MeV,
                lambda E: phi * _michel_nubar_mu(np.asarray(E, dtype=float)),
                label="delayed μ⁺ → e⁺ν_eν̄_μ (ν̄_μ)",
            ),
        )

    # -- timing -------------------------------------------------------------------------------
    @property
    def pulse(self) -> ProtonPulse:
        """The proton pulse described by the pulse parameters."""
        return _pulse_of(self)

    def prompt_time_pdf(self, t_ns: ArrayLike) -> Array:
        """Prompt ν_μ arrival-time density (ns⁻¹)."""
        return prompt_time_pdf(t_ns, self.pulse)

    def delayed_time_pdf(self, t_ns: ArrayLike) -> Array:
        """Delayed ν_e/ν̄_μ arrival-time density (ns⁻¹)."""
        return delayed_time_pdf(t_ns, self.pulse)

    def time_pdf(self, flavour: str, t_ns: ArrayLike) -> Array:
        """Arrival-time density of a flavour (ns⁻¹): prompt for ν_μ, delayed for ν_e, ν̄_μ."""
        kind = _timing_kind(flavour)
        return self.prompt_time_pdf(t_ns) if kind == "prompt" else self.delayed_time_pdf(t_ns)

    def time_cdf(self, flavour: str, t_ns: ArrayLike) -> Array:
        """Fraction of a flavour's neutrinos arriving before t."""
        kind = _timing_kind(flavour)
        if kind == "prompt":
            return prompt_time_cdf(t_ns, self.pulse)
        return delayed_time_cdf(t_ns, self.pulse)


def _timing_kind(flavour: str) -> str:
    check_flavour(flavour)
    if flavour == "nu_mu":
        return "prompt"
    if flavour in ("nu_e", "nubar_mu"):
        return "delayed"
    raise CevnsError(f"π-DAR produces no {flavour}; timing exists for nu_mu, nu_e, nubar_mu")


def _pulse_of(src: PionDecayAtRest) -> ProtonPulse:
    """Build the :class:`ProtonPulse` of a source's pulse parameters."""
    return ProtonPulse(
        shape=src.pulse_shape,
        width_ns=src.pulse_width_ns,
        t0_ns=src.pulse_t0_ns,
        table_t_ns=src.pulse_table_t_ns,
        table_weight=src.pulse_table_weight,
    )
