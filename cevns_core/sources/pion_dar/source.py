"""The stopped-pion neutrino source :class:`PionDecayAtRest` (PHYSICS.md §5.1–5.2).

At the detector each flavour has φ = r·N_POT/(4πL²), r = neutrinos per flavour per proton on target.

**Fluence or flux.** :class:`PionDecayAtRest` is in *fluence* mode (counts) when an exposure is
given — ``protons_on_target``, or ``exposure_s`` (beam time at the beam's POT rate), or
``exposure_GWh`` (integrated beam energy) — at most one of the three. With none of them it is in
*flux* mode: the POT rate follows from the beam power, N_POT/s = P/(E_p · 1.602176634×10⁻¹³ J/MeV)
(SNS 1.4 MW at 1 GeV → 8.74×10¹⁵ s⁻¹). The ``normalisation`` parameter follows automatically.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import param
from numpy.typing import ArrayLike, NDArray

from ...caching import LRUCache
from ...errors import CevnsError
from ...flavours import check_flavour
from ...units import J_PER_MeV
from .._common import ValidatedSource, sphere_area_cm2
from ..base import Continuum, Line
from .facilities import facility
from .spectra import (
    E_NU_MU_PROMPT_MeV,
    MICHEL_E_MAX_MeV,
    _michel_nu_e,
    _michel_nubar_mu,
    pot_rate_per_s,
)
from .timing import (
    PULSE_SHAPES,
    ProtonPulse,
    delayed_time_cdf,
    delayed_time_pdf,
    prompt_time_cdf,
    prompt_time_pdf,
)

__all__ = ["PionDecayAtRest"]

Array = NDArray[np.float64]


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

    title: ClassVar[str] = "Pion decay at rest (π-DAR)"

    neutrinos_per_proton = param.Number(
        default=0.08,
        bounds=(0.0, 2.0),
        inclusive_bounds=(False, True),
        softbounds=(0.01, 0.3),
        doc="r: neutrinos produced per flavour per proton on target (COHERENT 2017: 0.08 ± 0.02; "
        "depends on proton energy and target).",
        label="Neutrinos per flavour per proton",
        metadata={"unit": ""},
    )
    distance_m = param.Number(
        default=19.3,
        bounds=(1e-3, 1e7),
        softbounds=(1.0, 100.0),
        doc="Distance from the target to the detector in m (≥ 1 mm: 1/(4πL²) must stay finite).",
        label="Distance",
        metadata={"unit": "m"},
    )
    distance_spread_m = param.Number(
        default=0.0,
        bounds=(0.0, 1e3),
        softbounds=(0.0, 5.0),
        doc="RMS spread of the baseline in m from the finite target and detector: oscillations "
        "(sterile 3+1) are averaged over it; 0: point-like. Suggested (assumptions): "
        "0.15 m for the SNS mercury target and a COHERENT detector "
        "(cevns_core.physics.oscillation.TYPICAL_BASELINE_SPREAD_M).",
        label="Baseline spread (rms)",
        metadata={"unit": "m"},
    )
    protons_on_target = param.Number(
        default=None,
        allow_None=True,
        bounds=(0.0, 1e30),
        inclusive_bounds=(False, True),
        doc="Total protons on target of the exposure (fluence mode); e.g. 1.76e23 for "
        "COHERENT 2017 (308.1 live days).",
        label="Protons on target (POT)",
        metadata={"unit": ""},
    )
    beam_power_MW = param.Number(
        default=1.4,
        allow_None=True,
        bounds=(0.0, 100.0),
        inclusive_bounds=(False, True),
        softbounds=(0.01, 5.0),
        doc="Proton beam power on target in MW (sets the POT rate).",
        label="Beam power",
        metadata={"unit": "MW"},
    )
    proton_energy_GeV = param.Number(
        default=1.0,
        bounds=(1e-3, 100.0),
        softbounds=(0.3, 3.0),
        doc="Proton kinetic energy in GeV (≥ 1 MeV).",
        label="Proton energy",
        metadata={"unit": "GeV"},
    )
    exposure_s = param.Number(
        default=None,
        allow_None=True,
        bounds=(0.0, 1e12),
        inclusive_bounds=(False, True),
        doc="Beam-on time in s at the beam's POT rate (fluence mode).",
        label="Beam time",
        metadata={"unit": "s"},
    )
    exposure_GWh = param.Number(
        default=None,
        allow_None=True,
        bounds=(0.0, 1e9),
        inclusive_bounds=(False, True),
        doc="Integrated beam energy on target in GWh (fluence mode); COHERENT CsI 2017 data "
        "release: 7.47594 GWh.",
        label="Integrated beam energy",
        metadata={"unit": "GWh"},
    )
    pulse_shape = param.Selector(
        default="gaussian",
        objects=list(PULSE_SHAPES),
        doc="Proton pulse shape for the timing distributions.",
        label="Proton pulse shape",
        metadata={"unit": ""},
    )
    pulse_width_ns = param.Number(
        default=380.0,
        allow_None=True,
        bounds=(0.0, 1e8),
        inclusive_bounds=(False, True),
        softbounds=(10.0, 3000.0),
        doc="Pulse width in ns: FWHM (Gaussian), full base (triangular), full length "
        "(rectangular). SNS default 380 ns FWHM is UNSURE (PHYSICS §5.2).",
        label="Pulse width",
        metadata={"unit": "ns"},
    )
    pulse_t0_ns = param.Number(
        default=0.0,
        bounds=(-1e9, 1e9),
        softbounds=(-1000.0, 1000.0),
        doc="Pulse centre in ns (Gaussian mean, triangle apex, rectangle centre).",
        label="Pulse centre t₀",
        metadata={"unit": "ns"},
    )
    pulse_table_t_ns = param.Array(
        default=None,
        allow_None=True,
        doc="Times (ns) of a tabulated pulse, increasing.",
        label="Pulse table times",
        metadata={"unit": "ns"},
    )
    pulse_table_weight = param.Array(
        default=None,
        allow_None=True,
        doc="Relative intensity of a tabulated pulse at pulse_table_t_ns (normalised here).",
        label="Pulse table weights",
        metadata={"unit": ""},
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
        """The proton pulse described by the pulse parameters (kept per value: a timing
        integral asks for it at every one of its points)."""
        return _PULSES.get(self._fingerprint(), lambda: _pulse_of(self))

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


_PULSES = LRUCache("proton pulses", max_entries=32)


def _pulse_of(src: PionDecayAtRest) -> ProtonPulse:
    """Build the :class:`ProtonPulse` of a source's pulse parameters."""
    return ProtonPulse(
        shape=src.pulse_shape,
        width_ns=src.pulse_width_ns,
        t0_ns=src.pulse_t0_ns,
        table_t_ns=src.pulse_table_t_ns,
        table_weight=src.pulse_table_weight,
    )
