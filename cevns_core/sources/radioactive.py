"""Radioactive ν_e sources: ⁵¹Cr electron capture (PHYSICS.md §5.4).

⁵¹Cr decays by electron capture to ⁵¹V with T½ = 27.70 d, emitting ν_e lines at 747 keV (81.6 %),
752 keV (8.5 %), 427 keV (8.9 %) and 432 keV (1.0 %) (branchings as quoted in PHYSICS §5.4 from the
SAGE/GALLEX source literature, marked "verify" there). Activity A(t) = A₀ e^{−t ln2/T½}; line flux
A(t)·BR/(4πL²). With ``run_days`` the flux is averaged over a run [t, t + run]:
⟨A⟩ = A(t)·(1 − e^{−λ·run})/(λ·run).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import param
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array
from ..errors import CevnsError
from ..units import DAY_s
from ._common import ValidatedSource, sphere_area_cm2
from .base import Continuum, Line

__all__ = ["CR51_HALF_LIFE_DAYS", "CR51_LINES", "CI_Bq", "Chromium51", "decay_factor"]

#: One curie in Bq (exact: 3.7×10¹⁰).
CI_Bq = 3.7e10
#: ⁵¹Cr half-life in days (PHYSICS §5.4).
CR51_HALF_LIFE_DAYS = 27.70
#: ⁵¹Cr ν_e lines: (energy in MeV, branching ratio) (PHYSICS §5.4).
CR51_LINES: tuple[tuple[float, float], ...] = (
    (0.747, 0.816),
    (0.752, 0.085),
    (0.427, 0.089),
    (0.432, 0.010),
)


def decay_factor(t_days: ArrayLike, half_life_days: float = CR51_HALF_LIFE_DAYS) -> NDArray:
    """A(t)/A₀ = exp(−t ln2 / T½).

    Examples
    --------
    >>> float(decay_factor(27.70))
    0.5
    """
    t = as_array(t_days, "t_days", minimum=0.0)
    return 2.0 ** (-t / half_life_days)


class Chromium51(ValidatedSource):
    """⁵¹Cr electron-capture source: four ν_e lines, flux mode (PHYSICS §5.4).

    Give the initial activity in MCi (``activity_MCi``) or in Bq (``activity_Bq``), not both.
    ``activity_MCi = 1`` and ``distance_m = 1`` are illustrative round defaults, not a particular
    experiment.

    Examples
    --------
    >>> src = Chromium51(activity_MCi=1.0, distance_m=10.0)
    >>> f"{src.integrated():.4g}"
    '2.944e+09'
    """

    title: ClassVar[str] = "⁵¹Cr radioactive source"

    activity_MCi = param.Number(
        default=1.0,
        allow_None=True,
        bounds=(0.0, 1e3),
        inclusive_bounds=(False, True),
        softbounds=(0.01, 10.0),
        doc="Initial activity A₀ in MCi (1 MCi = 3.7e16 Bq).",
        label="Activity",
        metadata={"unit": "MCi"},
    )
    activity_Bq = param.Number(
        default=None,
        allow_None=True,
        bounds=(0.0, 1e22),
        inclusive_bounds=(False, True),
        doc="Initial activity A₀ in Bq (alternative to activity_MCi).",
        label="Activity",
        metadata={"unit": "Bq"},
    )
    elapsed_days = param.Number(
        default=0.0,
        bounds=(0.0, 1e5),
        softbounds=(0.0, 200.0),
        doc="Time since the activity A₀ was measured, in days.",
        label="Time since production",
        metadata={"unit": "days"},
    )
    run_days = param.Number(
        default=None,
        allow_None=True,
        bounds=(1e-6, 1e5),
        softbounds=(1.0, 300.0),
        doc="If set, average the flux over a run of this length (days) starting at elapsed_days.",
        label="Run length",
        metadata={"unit": "days"},
    )
    distance_m = param.Number(
        default=1.0,
        bounds=(1e-3, 1e7),
        softbounds=(0.1, 50.0),
        doc="Distance from the source to the detector in m (≥ 1 mm: 1/(4πL²) must stay finite).",
        label="Distance",
        metadata={"unit": "m"},
    )
    distance_spread_m = param.Number(
        default=0.0,
        bounds=(0.0, 1e3),
        softbounds=(0.0, 5.0),
        doc="RMS spread of the baseline in m from the finite source and detector: oscillations "
        "(sterile 3+1) are averaged over it; 0: point-like. Suggested (assumptions): "
        "0.3 m for a ⁵¹Cr source next to a ~1 m detector "
        "(cevns_core.physics.oscillation.TYPICAL_BASELINE_SPREAD_M).",
        label="Baseline spread (rms)",
        metadata={"unit": "m"},
    )

    def __init__(self, **params: Any) -> None:
        if params.get("activity_Bq") is not None and "activity_MCi" not in params:
            params["activity_MCi"] = None
        super().__init__(**params)

    def _check(self) -> None:
        given = [k for k in ("activity_MCi", "activity_Bq") if getattr(self, k) is not None]
        if len(given) != 1:
            raise CevnsError(
                f"give the activity as exactly one of activity_MCi, activity_Bq; got {given}"
            )

    def initial_activity_Bq(self) -> float:
        """A₀ in Bq."""
        self._check()
        if self.activity_Bq is not None:
            return float(self.activity_Bq)
        return float(self.activity_MCi) * 1e6 * CI_Bq

    def activity_Bq_now(self) -> float:
        """A(t) at ``elapsed_days``, or the run average if ``run_days`` is set, in Bq."""
        a = self.initial_activity_Bq() * float(decay_factor(self.elapsed_days))
        if self.run_days is None:
            return a
        lam_run = math.log(2.0) * self.run_days / CR51_HALF_LIFE_DAYS
        return a * -math.expm1(-lam_run) / lam_run

    def components(self) -> tuple[Continuum | Line, ...]:
        """The four ν_e lines, cm⁻² s⁻¹."""
        per_area = self.activity_Bq_now() / sphere_area_cm2(self.distance_m)
        return tuple(
            Line("nu_e", E, br * per_area, f"⁵¹Cr EC {E * 1e3:.0f} keV ({br:.1%})")
            for E, br in CR51_LINES
        )

    def fluence_over_run(self) -> float:
        """Total ν_e per cm² over the run (requires ``run_days``)."""
        if self.run_days is None:
            raise CevnsError("fluence_over_run needs run_days")
        return self.integrated() * self.run_days * DAY_s
