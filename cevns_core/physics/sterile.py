"""Sterile neutrino 3+1 (PHYSICS.md §7.9; PKK Eq. (63)).

    P(ν_α → active) = 1 − 4|U_α4|² (1 − Σ_β |U_β4|²) sin²Δ,
    Δ = Δm²L/4E = 1.26693 Δm²[eV²] L[m]/E[MeV]  — **sin²**, not sin.

Same for ν̄_α (no matter effects). Applied to the flux in the rate engine at the source distance
(``sterile_baseline_m`` overrides it); with no distance at all the oscillation is averaged
(sin²Δ → ½). The survival probability is None when the amplitude is zero, so the SM path is
unchanged. Scans use the usual (sin²2θ_αα, Δm²) plane with one non-zero mixing:
sin²2θ_αα = 4|U_α4|²(1 − |U_α4|²) (:func:`mixing_from_sin2_2theta`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array, as_float
from ..errors import CevnsError
from ..flavours import lepton_of
from ..rates import flux_kernel
from ..units import HBARC_MeV_fm
from .base import LEPTONS, Axis, Effect, ScanVariant, Values, axis_from, greek, nonzero, number
from .registry import register_effect

__all__ = [
    "OSCILLATION_PHASE_PER_EV2_M_PER_MEV",
    "Sterile3Plus1",
    "mixing_from_sin2_2theta",
    "oscillation_phase",
    "oscillation_sin2",
    "sin2_2theta_from_mixing",
    "sterile_survival_probability",
    "survival_amplitude",
]

Array = NDArray[np.float64]

#: Δm²L/(4E) per eV² m/MeV: 10⁻¹²/(4 ħc[MeV m]) = 1.26693 (PHYSICS §7.9).
OSCILLATION_PHASE_PER_EV2_M_PER_MEV = 1e-12 / (4.0 * HBARC_MeV_fm * 1e-15)


def oscillation_phase(dm2_eV2: ArrayLike, L_m: ArrayLike, E_MeV: ArrayLike) -> Array:
    """Oscillation phase Δ = Δm²L/(4E) = 1.26693 Δm²[eV²] L[m]/E[MeV] (PHYSICS §7.9).

    Examples
    --------
    >>> round(float(oscillation_phase(1.0, 19.3, 30.0)), 4)
    0.8151
    """
    dm2 = as_array(dm2_eV2, "dm2_eV2", minimum=0.0)
    L = as_array(L_m, "L_m", minimum=0.0)
    E = as_array(E_MeV, "E_MeV", minimum=0.0, inclusive=False)
    return OSCILLATION_PHASE_PER_EV2_M_PER_MEV * dm2 * L / E


def oscillation_sin2(dm2_eV2: float, L_m: float | None, E_MeV: Any) -> Array:
    """sin²(Δm²L/4E) on an energy grid; ½ (averaged) where L is None or E ≤ 0 (zero-weight
    quadrature nodes). The factor of both the per-point survival probability and the scans.

    Examples
    --------
    >>> [round(float(x), 4) for x in oscillation_sin2(1.0, 19.3, np.array([30.0, 0.0]))]
    [0.5296, 0.5]
    """
    E = np.asarray(E_MeV, dtype=float)
    if L_m is None:
        return np.full(E.shape, 0.5)
    positive = E > 0
    phase = np.divide(
        OSCILLATION_PHASE_PER_EV2_M_PER_MEV * dm2_eV2 * L_m,
        E,
        out=np.zeros(E.shape),
        where=positive,
    )
    return np.where(positive, np.sin(phase) ** 2, 0.5)


def survival_amplitude(mixing: Mapping[str, Any], lepton: str) -> Any:
    """4|U_α4|² (1 − Σ_β |U_β4|²): the amplitude of the ν_α disappearance (sin²2θ_αα)."""
    return 4.0 * mixing[lepton] * (1.0 - sum(mixing[b] for b in LEPTONS))


def _check_mixing(U2: Mapping[str, float]) -> dict[str, float]:
    out = {}
    for lepton in LEPTONS:
        out[lepton] = as_float(U2.get(lepton, 0.0), f"|U_{lepton}4|^2", minimum=0.0, maximum=1.0)
    total = sum(out.values())
    if total > 1.0 + 1e-12:
        raise CevnsError(
            f"the sterile mixings must satisfy |U_e4|^2 + |U_mu4|^2 + |U_tau4|^2 <= 1 "
            f"(unitarity), got {total:g}"
        )
    return out


def sterile_survival_probability(
    flavour: str,
    E_MeV: ArrayLike,
    L_m: float | None,
    dm2_eV2: float,
    U2: Mapping[str, float],
) -> Array:
    """3+1 probability that ν_α (or ν̄_α) arrives as an active neutrino (PHYSICS §7.9).

    P = 1 − 4|U_α4|² (1 − Σ_β |U_β4|²) sin²(1.26693 Δm²[eV²] L[m]/E[MeV]) — sin², not sin.
    ``L_m=None`` averages the oscillation (sin² → ½).

    Parameters
    ----------
    flavour : str
        "nu_e", ..., "nubar_tau".
    E_MeV : array_like
        Neutrino energies (MeV > 0).
    L_m : float or None
        Baseline in metres.
    dm2_eV2 : float
        Δm²₄₁ in eV² (≥ 0).
    U2 : mapping
        {"e": |U_e4|², "mu": |U_μ4|², "tau": |U_τ4|²}; missing entries are 0.

    Examples
    --------
    >>> round(float(sterile_survival_probability("nu_e", 30.0, 19.3, 1.0, {"e": 0.25})), 4)
    0.6028
    """
    lepton = lepton_of(flavour)
    mixing = _check_mixing(U2)
    amplitude = 4.0 * mixing[lepton] * (1.0 - sum(mixing.values()))
    E = as_array(E_MeV, "E_MeV", minimum=0.0, inclusive=False)
    if L_m is None:
        return np.full(E.shape, 1.0 - 0.5 * amplitude)
    return 1.0 - amplitude * np.sin(oscillation_phase(dm2_eV2, L_m, E)) ** 2


def mixing_from_sin2_2theta(sin2_2theta: ArrayLike) -> Array:
    """|U_α4|² with 4|U_α4|²(1 − |U_α4|²) = sin²2θ_αα (one non-zero mixing; small branch).

    For scans in the usual (sin²2θ_αα, Δm²) plane: pass the result as ``U<α>4_sq``.

    Examples
    --------
    >>> round(float(mixing_from_sin2_2theta(0.1)), 6)
    0.025658
    """
    s = as_array(sin2_2theta, "sin2_2theta", minimum=0.0, maximum=1.0)
    return 0.5 * (1.0 - np.sqrt(1.0 - s))


def sin2_2theta_from_mixing(U_alpha4_sq: ArrayLike, U_total_sq: ArrayLike | None = None) -> Array:
    """Effective amplitude sin²2θ_αα = 4|U_α4|²(1 − Σ_β|U_β4|²) (Σ defaults to |U_α4|²).

    Examples
    --------
    >>> round(float(sin2_2theta_from_mixing(0.025658)), 4)
    0.1
    """
    u = as_array(U_alpha4_sq, "U_alpha4_sq", minimum=0.0, maximum=1.0)
    total = (
        u if U_total_sq is None else as_array(U_total_sq, "U_total_sq", minimum=0.0, maximum=1.0)
    )
    return 4.0 * u * (1.0 - total)


class _Sin2Weight:
    """Stand-in physics for :func:`~cevns_core.rates.flux_kernel`: weights the flux by
    :func:`oscillation_sin2` (the scans' flux moments of the oscillating part)."""

    def __init__(self, dm2_eV2: float, baseline_m: float | None) -> None:
        self.dm2 = dm2_eV2
        self.baseline = baseline_m

    def survival_probability(self, flavour: str, E_MeV: Any, distance_m: float | None) -> Array:
        L = self.baseline if self.baseline is not None else distance_m
        return oscillation_sin2(self.dm2, None if L is None else float(L), E_MeV)


def _mixing_number(name: str) -> Any:
    lepton = name[1:-4]
    return number(
        bounds=(0.0, 1.0),
        softbounds=(0.0, 0.1),
        label=f"|U_{greek(lepton)}4|²",
        unit="",
        doc=f"Sterile mixing |U_{greek(lepton)}4|².",
    )


_PARAMETERS = {
    "dm2_41_eV2": number(
        bounds=(0.0, 1e4),
        softbounds=(0.0, 10.0),
        label="Δm²₄₁",
        unit="eV²",
        doc="Sterile mass splitting Δm²₄₁ in eV² (0: no oscillation).",
    ),
    **{n: _mixing_number(n) for n in ("Ue4_sq", "Umu4_sq", "Utau4_sq")},
    "sterile_baseline_m": number(
        None,
        allow_None=True,
        bounds=(0.0, 1e13),
        inclusive_bounds=(False, True),
        label="Oscillation baseline L",
        unit="m",
        doc="Baseline L in m for the oscillation; None uses the source's distance (and averages "
        "the oscillation when the source has none).",
    ),
}
_MIXING = {"e": "Ue4_sq", "mu": "Umu4_sq", "tau": "Utau4_sq"}


def _settings(lepton: str) -> Any:
    def settings(point: Values) -> dict[str, Any]:
        U = mixing_from_sin2_2theta(point["sin2_2theta"])
        return {"dm2_41_eV2": point["dm2_41_eV2"], _MIXING[lepton]: U if U.ndim else float(U)}

    return settings


@register_effect
class Sterile3Plus1(Effect):
    """A sterile neutrino (3+1): disappearance of the active flux (module docstring)."""

    name = "sterile"
    title = "Sterile neutrino 3+1"
    order = 80
    parameters = _PARAMETERS
    equation = "P(ν_α → active) = 1 − 4|U_α4|²(1 − Σ_β|U_β4|²) sin²(1.26693 Δm²[eV²] L[m]/E[MeV])"
    source = "PHYSICS.md §7.9; PKK Eq. (63)"
    figure = "PKK Fig. 16"
    scans = tuple(
        ScanVariant(
            name=f"sterile_{lp}",
            title=f"sterile 3+1 with |U_{lp}4|² only: (Δm²₄₁, sin²2θ_{lp}{lp})",
            axes=(
                axis_from(
                    _PARAMETERS["dm2_41_eV2"], "dm2_41_eV2", "Δm²₄₁ in eV²", (1e-2, 1e2, 100, True)
                ),
                Axis(
                    "sin2_2theta",
                    f"sin²2θ_{lp}{lp} = 4|U|²(1 − |U|²)",
                    0.0,
                    0.0,
                    1.0,
                    label=f"sin²2θ_{greek(lp) * 2}",
                    unit="",
                    grid=(1e-3, 1.0, 100, True),
                ),
            ),
            settings=_settings(lp),
            flavour_dependent=True,
            figure="PKK Fig. 16 (disappearance)",
            doc="P = 1 − sin²2θ sin²(Δm²L/4E) — sin², not sin",
            polynomial=({"sin2_2theta": 1},),  # the flux factor is affine in sin²2θ
        )
        for lp in ("e", "mu")
    )

    def _mixing(self, v: Values) -> dict[str, Any]:
        return {lp: v[name] for lp, name in _MIXING.items()}

    def is_active(self, v: Values) -> bool:
        return v["dm2_41_eV2"] != 0.0 and any(v[n] != 0.0 for n in _MIXING.values())

    def check(self, v: Values) -> None:
        _check_mixing(self._mixing(v))

    def survival(
        self, v: Values, flavour: str, E_MeV: Any, distance_m: float | None
    ) -> Array | None:
        dm2 = v["dm2_41_eV2"]
        if dm2 == 0.0:
            return None
        amplitude = survival_amplitude(self._mixing(v), lepton_of(flavour))
        if amplitude == 0.0:
            return None
        baseline = v["sterile_baseline_m"]
        L = baseline if baseline is not None else distance_m
        if L is not None:
            L = as_float(L, "distance_m", minimum=0.0)
        return 1.0 - amplitude * oscillation_sin2(dm2, L, E_MeV)

    def scan_terms(self, v: Values, block: Any, job: Any) -> dict[str, Any]:
        """The bracket kernel with the flux weighted by P: B − A·B_sin², B_sin² the bracket of
        the flux × :func:`oscillation_sin2`, once per distinct Δm² of the grid."""
        amplitude = survival_amplitude(self._mixing(v), block.lepton)
        if not nonzero(amplitude):
            return {}
        dm2 = np.asarray(v["dm2_41_eV2"], dtype=float)
        values, inverse = np.unique(dm2, return_inverse=True)
        KB: Any = 0.0
        for i, flavour in enumerate(block.flavours):
            B_sin = np.zeros((values.size, block.T.size))
            for k, value in enumerate(values):
                if value == 0.0:
                    continue  # sin²(0) = 0: no oscillation
                weight = _Sin2Weight(float(value), v["sterile_baseline_m"])
                I0, I1, I2 = flux_kernel(job.source, block.M, block.T_keV, flavour, weight).moments
                B_sin[k] = I0 - block.T * I1 - 0.5 * block.M * block.T * I2
            B_sin = B_sin[inverse.reshape(dm2.shape[:-1])]  # (…, n_T)
            bracket = np.clip(block.B[i] - amplitude * B_sin, 0.0, None)
            KB = KB + block.scales[i] * bracket
        return {"KB": KB}
