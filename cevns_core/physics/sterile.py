"""Sterile neutrino 3+1 (PHYSICS.md §7.9; PKK Eq. (63), Fig. 16): disappearance and appearance.

With one dominant splitting Δm² ≡ Δm²₄₁ and Δ = Δm²L/4E = 1.26693 Δm²[eV²] L[m]/E[MeV] (the
probabilities and their averaging over a baseline distribution: :mod:`.oscillation`):

    P(ν_α → ν_β) = 4|U_α4|²|U_β4|² sin²Δ (β ≠ α),  P(ν_α → ν_α) = 1 − 4|U_α4|²(1 − |U_α4|²) sin²Δ,
    P(ν_α → active) = 1 − 4|U_α4|² (1 − Σ_β |U_β4|²) sin²Δ  — **sin²**, not sin.

Same for ν̄_α (no matter effects). Applied to the flux in the rate engine at the source distance
(``sterile_baseline_m`` overrides it), averaged over the source's ``distance_spread_m`` (the RMS
spread of the baseline from the finite core/target and detector; Gaussian profile); with no
distance at all the oscillation is averaged (sin²Δ → ½). The probabilities are None when the
amplitude is zero, so the SM path is unchanged.

What appearance changes. CEvNS is flavour blind at tree level: the rate engine then weights the
flux of ν_α by P(ν_α → active) (PKK Eq. (63)), whatever flavour it arrives as. Where the cross
section depends on the flavour — flavour-dependent couplings (``couplings="flavour"``,
``flavour_radius``), NSI ε_αα, per-flavour magnetic moments, charge radii or millicharges, an
L_μ − L_τ Z′, and always ν–e scattering (charged current for ν_e only) — the engine folds the
flux of ν_α with P(ν_α → ν_α) σ_α + Σ_β P(ν_α → ν_β) σ_β (``NewPhysics.appeared_flavours``,
``NewPhysics.transition_probability``); a π-DAR ν_μ appearing as ν_e keeps its prompt timing
(the breakdown is by the flavour produced at the source).

Scans use the usual (Δm², sin²2θ) planes: ``sterile_e``/``sterile_mu`` with one non-zero mixing,
sin²2θ_αα = 4|U_α4|²(1 − |U_α4|²) (:func:`mixing_from_sin2_2theta`); ``sterile_emu`` in
(Δm²₄₁, sin²2θ_eμ = 4|U_e4|²|U_μ4|²) with |U_e4|² = |U_μ4|² (PKK Fig. 16, after Kosmas et al.,
PRD 96 (2017) 063013, arXiv:1703.00054 — **UNSURE**: that the figure takes the two mixings equal
and |U_τ4| = 0; it is the usual one-parameter choice behind a sin²2θ_eμ exclusion from
disappearance-only data). Several baselines or experiments in one χ²:
:func:`cevns_core.scans.combine.scan_combined`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array, as_float
from ..flavours import is_antineutrino, lepton_of
from ..rates import flux_kernel
from .base import LEPTONS, Axis, Effect, ScanVariant, Values, axis_from, greek, nonzero, number
from .oscillation import (
    OSCILLATION_PHASE_PER_EV2_M_PER_MEV,
    _energies,
    _MAX_BASELINE_m,
    _MAX_DM2_eV2,
    check_sterile_mixing,
    oscillation_phase,
    oscillation_sin2,
)
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


def survival_amplitude(mixing: Mapping[str, Any], lepton: str) -> Any:
    """4|U_α4|² (1 − Σ_β |U_β4|²): the amplitude of the ν_α disappearance (sin²2θ_αα)."""
    return 4.0 * mixing[lepton] * (1.0 - sum(mixing[b] for b in LEPTONS))


def sterile_survival_probability(
    flavour: str,
    E_MeV: ArrayLike,
    L_m: float | None,
    dm2_eV2: float,
    U2: Mapping[str, float],
    spread_m: float = 0.0,
) -> Array:
    """3+1 probability that ν_α (or ν̄_α) arrives as an active neutrino (PHYSICS §7.9).

    P = 1 − 4|U_α4|² (1 − Σ_β |U_β4|²) sin²(1.26693 Δm²[eV²] L[m]/E[MeV]) — sin², not sin.
    ``L_m=None`` averages the oscillation (sin² → ½); ``spread_m`` averages it over a Gaussian
    distribution of baselines of that RMS (:func:`.oscillation.oscillation_sin2`).

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
    spread_m : float
        RMS spread of the baseline in m (0: a point source and detector).

    Examples
    --------
    >>> round(float(sterile_survival_probability("nu_e", 30.0, 19.3, 1.0, {"e": 0.25})), 4)
    0.6028
    """
    lepton = lepton_of(flavour)
    mixing = check_sterile_mixing(U2)
    amplitude = survival_amplitude(mixing, lepton)
    E = _energies(E_MeV)
    L = None if L_m is None else as_float(L_m, "L_m", minimum=0.0, maximum=_MAX_BASELINE_m)
    dm2 = as_float(dm2_eV2, "dm2_eV2", minimum=0.0, maximum=_MAX_DM2_eV2)
    return 1.0 - amplitude * oscillation_sin2(dm2, L, E, spread_m)


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

    def survival_probability(
        self, flavour: str, E_MeV: Any, distance_m: float | None, spread_m: float = 0.0
    ) -> Array:
        L = self.baseline if self.baseline is not None else distance_m
        return oscillation_sin2(self.dm2, None if L is None else float(L), E_MeV, spread_m)


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
_DM2_AXIS = axis_from(
    _PARAMETERS["dm2_41_eV2"], "dm2_41_eV2", "Δm²₄₁ in eV²", (1e-2, 1e2, 100, True)
)


def _settings(lepton: str) -> Any:
    def settings(point: Values) -> dict[str, Any]:
        U = mixing_from_sin2_2theta(point["sin2_2theta"])
        return {"dm2_41_eV2": point["dm2_41_eV2"], _MIXING[lepton]: U if U.ndim else float(U)}

    return settings


def _settings_emu(point: Values) -> dict[str, Any]:
    # sin²2θ_eμ = 4|U_e4|²|U_μ4|² with |U_e4|² = |U_μ4|² (module docstring)
    U = 0.5 * np.sqrt(
        as_array(point["sin2_2theta_emu"], "sin2_2theta_emu", minimum=0.0, maximum=1.0)
    )
    U = U if U.ndim else float(U)
    return {"dm2_41_eV2": point["dm2_41_eV2"], "Ue4_sq": U, "Umu4_sq": U}


def _disappearance(lp: str) -> ScanVariant:
    return ScanVariant(
        name=f"sterile_{lp}",
        title=f"sterile 3+1 with |U_{lp}4|² only: (Δm²₄₁, sin²2θ_{lp}{lp})",
        axes=(
            _DM2_AXIS,
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


_EMU = ScanVariant(
    name="sterile_emu",
    title="sterile 3+1 with |U_e4|² = |U_μ4|²: (Δm²₄₁, sin²2θ_eμ = 4|U_e4|²|U_μ4|²)",
    axes=(
        _DM2_AXIS,
        Axis(
            "sin2_2theta_emu",
            "sin²2θ_eμ = 4|U_e4|²|U_μ4|² with |U_e4|² = |U_μ4|²",
            0.0,
            0.0,
            1.0,
            label="sin²2θ_eμ",
            unit="",
            grid=(1e-3, 1.0, 100, True),
        ),
    ),
    settings=_settings_emu,
    flavour_dependent=True,
    figure="PKK Fig. 16",
    doc="ν_e and ν_μ both disappear into the sterile state; several baselines: scan_combined",
)


@register_effect
class Sterile3Plus1(Effect):
    """A sterile neutrino (3+1): disappearance and appearance (module docstring)."""

    name = "sterile"
    title = "Sterile neutrino 3+1"
    order = 80
    parameters = _PARAMETERS
    equation = (
        "P(ν_α → active) = 1 − 4|U_α4|²(1 − Σ_β|U_β4|²) sin²(1.26693 Δm²[eV²] L[m]/E[MeV]); "
        "P(ν_α → ν_β) = 4|U_α4|²|U_β4|² sin²(…)"
    )
    source = "PHYSICS.md §7.9; PKK Eq. (63)"
    figure = "PKK Fig. 16"
    scans = (_disappearance("e"), _disappearance("mu"), _EMU)

    def _mixing(self, v: Values) -> dict[str, Any]:
        return {lp: v[name] for lp, name in _MIXING.items()}

    def is_active(self, v: Values) -> bool:
        return v["dm2_41_eV2"] != 0.0 and any(v[n] != 0.0 for n in _MIXING.values())

    def check(self, v: Values) -> None:
        check_sterile_mixing(self._mixing(v))

    def _baseline(self, v: Values, distance_m: float | None) -> float | None:
        baseline = v["sterile_baseline_m"]
        L = baseline if baseline is not None else distance_m
        return None if L is None else as_float(L, "distance_m", minimum=0.0)

    def survival(
        self,
        v: Values,
        flavour: str,
        E_MeV: Any,
        distance_m: float | None,
        spread_m: float = 0.0,
    ) -> Array | None:
        dm2 = v["dm2_41_eV2"]
        if dm2 == 0.0:
            return None
        amplitude = survival_amplitude(self._mixing(v), lepton_of(flavour))
        if amplitude == 0.0:
            return None
        L = self._baseline(v, distance_m)
        return 1.0 - amplitude * oscillation_sin2(dm2, L, E_MeV, spread_m)

    def appeared(self, v: Values, flavour: str) -> tuple[str, ...]:
        mixing = self._mixing(v)
        alpha = lepton_of(flavour)
        if v["dm2_41_eV2"] == 0.0 or mixing[alpha] == 0.0:
            return ()
        kind = "nubar" if is_antineutrino(flavour) else "nu"
        return tuple(f"{kind}_{b}" for b in LEPTONS if b != alpha and mixing[b] != 0.0)

    def transition(
        self,
        v: Values,
        flavour_in: str,
        flavour_out: str,
        E_MeV: Any,
        distance_m: float | None,
        spread_m: float = 0.0,
    ) -> Array | None:
        dm2 = v["dm2_41_eV2"]
        alpha, beta = lepton_of(flavour_in), lepton_of(flavour_out)
        mixing = self._mixing(v)
        if dm2 == 0.0 or mixing[alpha] == 0.0:
            return None
        s = oscillation_sin2(dm2, self._baseline(v, distance_m), E_MeV, spread_m)
        if beta == alpha:
            return 1.0 - 4.0 * mixing[alpha] * (1.0 - mixing[alpha]) * s
        return 4.0 * mixing[alpha] * mixing[beta] * s

    def scan_terms(self, v: Values, block: Any, job: Any) -> dict[str, Any]:
        """The bracket kernel with the flux weighted by P: B − A·B_sin², B_sin² the bracket of
        the flux × :func:`oscillation_sin2`, once per distinct Δm² of the grid.

        With flavour-dependent SM couplings the per-point path folds P(ν_α → ν_β) with σ_β
        (module docstring): the appeared flux then enters as (𝒬_β/𝒬_α)² A_αβ B_sin²."""
        mixing = self._mixing(v)
        alpha = block.lepton
        ratios = _charge_ratios(job, block)
        if ratios is None:
            amplitude = survival_amplitude(mixing, alpha)
            gain: Any = 0.0
        else:
            amplitude = 4.0 * mixing[alpha] * (1.0 - mixing[alpha])
            gain = sum(4.0 * mixing[alpha] * mixing[b] * r for b, r in ratios.items())
        if not nonzero(amplitude) and not nonzero(gain):
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
            bracket = np.clip(block.B[i] - (amplitude - gain) * B_sin, 0.0, None)
            KB = KB + block.scales[i] * bracket
        return {"KB": KB}


def _charge_ratios(job: Any, block: Any) -> dict[str, Array] | None:
    """(𝒬_β/𝒬_α)² of the block's isotope for the other lepton families β when the SM couplings
    depend on the flavour (None when they do not: appearance changes nothing)."""
    from ..weak_charges import StandardModel

    keys = ("couplings", "sin2_theta_W", "flavour_radius")
    sm = StandardModel(**{k: job.physics_values[k] for k in keys})
    if not sm.needs_flavour:
        return None
    kind = "nubar" if is_antineutrino(block.flavours[0]) else "nu"
    out = {}
    for beta in LEPTONS:
        if beta != block.lepton:
            g_p, g_n = sm.nucleon_couplings(f"{kind}_{beta}", block.q)
            Q = block.Z * g_p * block.F_p + block.N * g_n * block.F_n
            out[beta] = (Q / block.Q_sm) ** 2
    return out
