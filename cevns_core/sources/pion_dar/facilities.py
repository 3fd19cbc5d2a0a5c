"""Published beam parameters of stopped-pion facilities (PHYSICS.md §5.1; Pandey Sec. V)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..._validation import check_choice

__all__ = ["FACILITIES", "FacilityPreset", "facility", "facility_names"]


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
