"""Point nucleus: F(q) = 1 for every q, all moments 0, density δ³(r) (PHYSICS.md §4)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike

from ..errors import CevnsError
from .base import FormFactorModel
from .numerics import FloatArray, _q
from .registry import register_form_factor

__all__ = ["PointModel", "point_form_factor"]


def point_form_factor(q_fm: ArrayLike) -> FloatArray:
    """Point nucleus: F(q) = 1 for every q (PHYSICS.md §4)."""
    return np.ones_like(_q(q_fm))


@register_form_factor("point")
class PointModel(FormFactorModel):
    """Point nucleus: F(q) = 1, all moments 0, no (regular) density (PHYSICS.md §4)."""

    label: ClassVar[str] = "Point nucleus"
    short_label: ClassVar[str] = "Point"
    equation: ClassVar[str] = "F(q) = 1"
    reference: ClassVar[str] = "PHYSICS.md §4"
    anchors_on_charge_radius: ClassVar[bool] = False

    def _form_factor(self, q: FloatArray) -> FloatArray:
        return np.ones_like(q)

    def _density(self, r: FloatArray) -> FloatArray:
        raise CevnsError(
            "the point nucleus has density δ³(r), which cannot be evaluated on a grid of r"
        )

    def _moments(self) -> dict[int, float]:
        return {2: 0.0, 4: 0.0, 6: 0.0}

    def with_rms(self, rms_fm: float) -> FormFactorModel:
        """Always raises: a point nucleus has no size to rescale."""
        raise CevnsError(
            f"the point nucleus has rms radius 0 and cannot be rescaled to rms_fm = {rms_fm}; "
            "choose a finite-size model such as 'helm'"
        )
