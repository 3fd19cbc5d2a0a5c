"""Detection efficiencies ε(x) of the observable x: the base class and the closed-form models.

PHYSICS.md §6.4:

* ``"functional"`` — any vectorised callable of the observable, values in [0, 1];
* ``"logistic_step"`` — COHERENT CsI[Na] 2017: ε(x) = a/(1 + e^(−k(x−x₀)))·H(x), x in PE, with the
  modified Heaviside H = 0 below 5 PE, 1/2 in [5, 6), 1 from 6 PE (data release
  arXiv:1804.09459), evaluated at 1-PE bin centres;
* ``"csi_2021"`` — COHERENT CsI[Na] 2021: ε(x) = a/(1 + e^(−b(x−c))) + d clipped at 0.

Each efficiency has a ``stage``: ``"observed"`` (a function of the reconstructed, smeared value;
the default) or ``"true"`` (a function of the recoil's mean observable value, applied before
smearing), and an ``evaluation``: ``"pointwise"`` or ``"bin_centre"`` (evaluated at the centre of
the ``bin_width`` cell containing the value, the CsI 2017 convention). Tables are in
:mod:`.tabulated_efficiency`.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import param
from numpy.typing import ArrayLike

from .._validation import as_array
from ..errors import CevnsError
from .base import Array, _Model

__all__ = [
    "ConstantEfficiency",
    "CsI2021Efficiency",
    "EfficiencyModel",
    "FunctionalEfficiency",
    "LogisticStepEfficiency",
]


class EfficiencyModel(_Model):
    """Base class of detection efficiencies ε(x) of the observable x (values in [0, 1]).

    Call the model (``eff(x)``) for the plain function; :meth:`applied` adds the model's
    evaluation convention (bin centres). ``stage`` says whether x is the reconstructed (smeared)
    value or the recoil's mean observable value.
    """

    stage = param.Selector(
        objects=["observed", "true"],
        default="observed",
        doc="'observed': ε of the reconstructed (smeared) value; 'true': ε of the recoil's "
        "mean observable value, applied before smearing.",
    )
    evaluation = param.Selector(
        objects=["pointwise", "bin_centre"],
        default="pointwise",
        doc="'pointwise': ε(x); 'bin_centre': ε at the centre of the bin_width cell holding x.",
    )
    bin_width = param.Number(
        1.0,
        bounds=(0.0, 1e6),
        inclusive_bounds=(False, True),
        softbounds=(0.1, 10.0),
        doc="Cell width for evaluation='bin_centre', in the observable's unit (1 PE for CsI 2017).",
    )
    bin_origin = param.Number(
        0.0,
        bounds=(-1e6, 1e6),
        softbounds=(-1.0, 1.0),
        doc="Lower edge of one bin_width cell (cells tile the axis).",
    )

    def _efficiency(self, x: Array) -> Array:
        raise TypeError(f"{type(self).__name__} is abstract: a model subclass defines this method")

    def __call__(self, x: ArrayLike) -> Array:
        """ε(x), the plain function, for observable values ``x`` (any shape)."""
        return self._efficiency(as_array(x, "x"))

    def cell_centre(self, x: ArrayLike) -> Array:
        """Centre of the ``bin_width`` cell [origin + n·w, origin + (n+1)·w) holding each x."""
        w, o = float(self.bin_width), float(self.bin_origin)
        return o + (np.floor((np.asarray(x, dtype=float) - o) / w) + 0.5) * w

    def applied(self, x: ArrayLike) -> Array:
        """ε with the evaluation convention: ε(x) or ε(centre of x's cell)."""
        x = as_array(x, "x")
        if self.evaluation == "bin_centre":
            x = self.cell_centre(x)
        return self._efficiency(x)


class ConstantEfficiency(EfficiencyModel):
    """Energy-independent detection efficiency ε(x) = ε₀ (a flat acceptance).

    Examples
    --------
    >>> ConstantEfficiency(value=0.8)([1.0, 50.0]).tolist()
    [0.8, 0.8]
    """

    model_name: ClassVar[str] = "constant"

    value = param.Number(
        1.0,
        bounds=(0.0, 1.0),
        doc="Efficiency ε₀ (fraction of events kept).",
        label="Efficiency ε₀",
        metadata={"unit": ""},
    )

    def _efficiency(self, x: Array) -> Array:
        return np.full_like(x, float(self.value))


class FunctionalEfficiency(EfficiencyModel):
    """Any vectorised callable ε(x) of the observable; values must lie in [0, 1].

    Examples
    --------
    >>> eff = FunctionalEfficiency(function=lambda x: 0.5 * (x > 3))
    >>> eff([2.0, 4.0]).tolist()
    [0.0, 0.5]
    """

    model_name: ClassVar[str] = "functional"

    function = param.Callable(
        lambda x: np.ones_like(x), doc="Vectorised ε(x), x in the observable's unit."
    )

    def _efficiency(self, x: Array) -> Array:
        try:
            values = np.asarray(self.function(x), dtype=float)
        except Exception as exc:  # the user's callable: report it as bad input
            raise CevnsError(
                f"the efficiency function failed on x of shape {x.shape}: {exc}"
            ) from exc
        values = np.broadcast_to(values, x.shape).astype(float)
        if (
            not np.all(np.isfinite(values))
            or values.min(initial=0) < 0
            or values.max(initial=0) > 1
        ):
            raise CevnsError(
                "the efficiency function must return finite values in [0, 1], got range "
                f"[{np.nanmin(values) if values.size else 0:g}, "
                f"{np.nanmax(values) if values.size else 0:g}]"
            )
        return values


class LogisticStepEfficiency(EfficiencyModel):
    """COHERENT CsI[Na] 2017 acceptance (data release arXiv:1804.09459, PHYSICS.md §6.4).

    ε(x) = a/(1 + e^(−k(x − x₀)))·H(x), x in PE, with the modified Heaviside H = 0 for
    x < ``step_start``, ``step_value`` for ``step_start`` ≤ x < ``step_end`` and 1 above
    (release: 5, 6 PE and 1/2; a standard step Θ(x − 5) is ``step_end = step_start = 5``).
    By default evaluated at 1-PE bin centres (release convention: the 1-PE bin [0, 1) at 0.5).

    Examples
    --------
    >>> eff = LogisticStepEfficiency()
    >>> [round(v, 4) for v in eff([4.5, 5.5, 10.8507]).tolist()]
    [0.0, 0.0221, 0.3327]
    """

    model_name: ClassVar[str] = "logistic_step"

    evaluation = param.Selector(
        objects=["pointwise", "bin_centre"],
        default="bin_centre",
        doc="'bin_centre' (release convention: 1-PE bins) or 'pointwise'.",
    )
    a = param.Number(0.6655, bounds=(0.0, 1.0), doc="Plateau a (release: 0.6655 +0.0212 −0.0384).")
    k = param.Number(
        0.4942,
        bounds=(0.0, 1e3),
        inclusive_bounds=(False, True),
        softbounds=(0.1, 2.0),
        doc="Steepness k per PE (release: 0.4942 +0.0335 −0.0131).",
    )
    x0 = param.Number(
        10.8507,
        bounds=(-1e6, 1e6),
        softbounds=(0.0, 30.0),
        doc="Midpoint x₀ in PE (release: 10.8507 +0.1838 −0.3995).",
    )
    step_start = param.Number(
        5.0,
        bounds=(0.0, 1e6),
        softbounds=(0.0, 20.0),
        doc="H = 0 below this value (PE).",
    )
    step_end = param.Number(
        6.0,
        bounds=(0.0, 1e6),
        softbounds=(0.0, 20.0),
        doc="H = 1 from this value on (PE).",
    )
    step_value = param.Number(
        0.5, bounds=(0.0, 1.0), doc="H between step_start and step_end (release: 1/2)."
    )

    def _check_model(self) -> None:
        if self.step_end < self.step_start:
            raise CevnsError(
                f"step_end ({self.step_end:g}) must not be below step_start ({self.step_start:g})"
            )

    def _efficiency(self, x: Array) -> Array:
        step = np.where(
            x < self.step_start, 0.0, np.where(x < self.step_end, float(self.step_value), 1.0)
        )
        arg = np.clip(-self.k * (x - self.x0), -700.0, 700.0)
        return self.a / (1.0 + np.exp(arg)) * step


class CsI2021Efficiency(EfficiencyModel):
    """COHERENT CsI[Na] 2021 energy efficiency (arXiv:2110.07730 ``effCoefficients.txt``).

    ε(x) = a/(1 + e^(−b(x − c))) + d, x = reconstructed PE, clipped at 0 (the nominal curve is
    negative below ≈ 7.07 PE) and at 1.

    Examples
    --------
    >>> eff = CsI2021Efficiency()
    >>> [round(v, 4) for v in eff([5.0, 20.0]).tolist()]
    [0.0, 0.8969]
    """

    model_name: ClassVar[str] = "csi_2021"

    a = param.Number(
        1.32045,
        bounds=(0.0, 10.0),
        softbounds=(0.0, 2.0),
        doc="Amplitude a (nominal 1.32045).",
    )
    b = param.Number(
        0.285979,
        bounds=(0.0, 1e3),
        inclusive_bounds=(False, True),
        softbounds=(0.05, 1.0),
        doc="Steepness b per PE (nominal 0.285979).",
    )
    c = param.Number(
        10.8646,
        bounds=(-1e6, 1e6),
        softbounds=(0.0, 30.0),
        doc="Midpoint c in PE (nominal 10.8646).",
    )
    d = param.Number(
        -0.333322,
        bounds=(-10.0, 10.0),
        softbounds=(-1.0, 1.0),
        doc="Offset d (nominal −0.333322).",
    )

    def _efficiency(self, x: Array) -> Array:
        arg = np.clip(-self.b * (x - self.c), -700.0, 700.0)
        return np.clip(self.a / (1.0 + np.exp(arg)) + self.d, 0.0, 1.0)


def _as_efficiency(value: Any, name: str = "efficiency") -> EfficiencyModel | None:
    """An EfficiencyModel from a model, a plain callable (wrapped) or None."""
    if value is None or isinstance(value, EfficiencyModel):
        return value
    if callable(value):
        return FunctionalEfficiency(function=value)
    raise CevnsError(
        f"{name} must be None, an EfficiencyModel or a callable of the observable, got {value!r}"
    )
