"""Directional recoil spectra of an experiment (PHYSICS §2.1; Pandey Eqs. (18)–(20)).

A detector that measures the direction of the recoiling nucleus sees, per recoil energy T and
recoil solid angle Ω_r (angle θ_r to the neutrino direction),

    d²N/dΩ_r dT = N_targets · t · (2π)⁻¹ dσ/dT(ε, T) |dE/dcos θ_r|(ε) dΦ/dE(ε),

with ε(T, θ_r) the one neutrino energy that gives recoil T at angle θ_r (Pandey Eq. (19)). The
kernel is :func:`cevns_core.kinematics.directional_recoil_rate`; this module sums it over the
experiment's isotopes and flavours with the experiment's nuclear model and physics. A line
(monochromatic neutrinos, e.g. the prompt ν_μ of π-DAR) puts each T at one angle (Pandey Eq.
(20)): it is returned as the curve θ_r(T) with the rate dN/dT it carries, not as a density.
Integrating the density over the solid angle gives back the continuous part of
:meth:`Experiment.spectrum` (the tests check this).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array
from ..cross_sections import differential_cross_section
from ..errors import CevnsError
from ..kinematics import T_max_keV, cos_theta_r_from_T, directional_recoil_rate
from ..nuclei import isotope
from .experiment import Experiment

__all__ = ["DirectionalLine", "DirectionalSpectrum", "directional_spectrum"]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class DirectionalLine:
    """A monochromatic component: recoils on the curve θ_r(T) (degrees), dN/dT along it."""

    flavour: str
    isotope: str
    energy_MeV: float
    T_keV: Array
    theta_r_deg: Array
    dN_dT: Array


@dataclass(frozen=True)
class DirectionalSpectrum:
    """d²N/dΩ_r dT per (isotope, flavour), shape (len(T_keV), len(cos_theta_r)).

    Events per keV per steradian over the experiment's exposure (as :meth:`Experiment.spectrum`).
    """

    T_keV: Array
    cos_theta_r: Array
    parts: dict[tuple[str, str], Array]
    unit: str
    lines: tuple[DirectionalLine, ...] = field(default=())

    @property
    def total(self) -> Array:
        """Sum over isotopes and flavours."""
        if not self.parts:
            return np.zeros((self.T_keV.size, self.cos_theta_r.size))
        return np.sum(list(self.parts.values()), axis=0)


def directional_spectrum(
    exp: Any, T_keV: ArrayLike, cos_theta_r: ArrayLike, *, exact: bool = True
) -> DirectionalSpectrum:
    """The directional recoil spectrum of experiment ``exp`` on a (T, cos θ_r) grid.

    Parameters
    ----------
    exp : Experiment or str
        An experiment or a preset name: source, target, exposure, nuclear model and physics
        (the detector response is not applied: directions are those of the recoils).
    T_keV : array_like
        Recoil energies (keVnr > 0), 1-D.
    cos_theta_r : array_like
        Cosines of the recoil angle to the neutrino direction, in [0, 1], 1-D.
    exact : bool
        Exact kinematics (p_N = √(T² + 2MT)); False: the non-relativistic form of Pandey
        Eq. (18).

    Returns
    -------
    DirectionalSpectrum

    Raises
    ------
    CevnsError
        For physics that changes the flavour in flight (sterile appearance: the directional
        spectrum would need the appeared flavours' cross sections), or bad grids.
    """
    if isinstance(exp, str):
        from .presets import experiment

        exp = experiment(exp)
    if not isinstance(exp, Experiment):
        raise CevnsError(f"exp must be an Experiment or a preset name, got {type(exp).__name__}")
    T = as_array(T_keV, "T_keV", minimum=0.0, inclusive=False)
    c = as_array(cos_theta_r, "cos_theta_r", minimum=0.0, maximum=1.0)
    if T.ndim != 1 or c.ndim != 1:
        raise CevnsError("T_keV and cos_theta_r must be one-dimensional arrays")
    source, physics = exp.source, exp.physics
    flavours = source.flavours()
    if physics is not None and any(physics.appeared_flavours(f) for f in flavours):
        raise CevnsError(
            "the directional spectrum does not include flavours that appear in flight (sterile "
            "appearance): set the appearance mixing to zero"
        )
    distance = getattr(source, "distance_m", None)
    spread = float(getattr(source, "distance_spread_m", 0.0) or 0.0)
    factor = exp.exposure_factor
    options = exp.form_factor_options()
    nuclei = exp.detector.targets()
    parts: dict[tuple[str, str], Array] = {}
    lines: list[DirectionalLine] = []
    TT, CC = T[:, None], c[None, :]
    for name, count in nuclei.items():
        M = isotope(name).mass_MeV
        for flavour in flavours:

            def dsigma(E: Array, T_: Array, flavour: str = flavour, name: str = name) -> Array:
                return differential_cross_section(
                    E, T_, name, physics, exp.form_factor, flavour=flavour, **options
                )

            def survival(E: Array, flavour: str = flavour) -> Array | float:
                if physics is None:
                    return 1.0
                p = physics.survival_probability(flavour, E, distance, spread)
                return 1.0 if p is None else p

            continua = source.continua(flavour)
            if continua:
                top = max(k.E_max_MeV for k in continua)

                def flux(E: Array, flavour: str = flavour) -> Array:
                    return source.spectrum(E, flavour) * survival(E)

                rate = directional_recoil_rate(TT, CC, M, flux, dsigma, E_max_MeV=top, exact=exact)
                parts[(name, flavour)] = rate * count * factor
            for line in source.lines(flavour):
                E = line.energy_MeV
                T_line = T[T < T_max_keV(E, M)]
                if T_line.size == 0:
                    continue
                cos_line = cos_theta_r_from_T(E, T_line, M)
                weight = line.intensity * survival(np.array([E]))
                dN = dsigma(np.full_like(T_line, E), T_line) * weight * count * factor
                lines.append(
                    DirectionalLine(
                        flavour,
                        name,
                        float(E),
                        T_line,
                        np.degrees(np.arccos(cos_line)),
                        np.asarray(dN, dtype=float),
                    )
                )
    return DirectionalSpectrum(T, c, parts, "events/keV/sr", tuple(lines))
