"""The efficiency and resolution models by name, and their factories."""

from __future__ import annotations

from typing import Any

from .._validation import check_choice
from .efficiency import (
    ConstantEfficiency,
    CsI2021Efficiency,
    EfficiencyModel,
    FunctionalEfficiency,
    LogisticStepEfficiency,
)
from .resolution import GammaResolution, GaussianResolution, PoissonResolution, ResolutionModel
from .shipped_efficiency import ShippedEfficiency
from .tabulated_efficiency import TabulatedEfficiency

__all__ = ["EFFICIENCY_MODELS", "RESOLUTION_MODELS", "efficiency_model", "resolution_model"]


#: Registry: efficiency model name → class.
EFFICIENCY_MODELS: dict[str, type[EfficiencyModel]] = {
    cls.model_name: cls
    for cls in (
        ConstantEfficiency,
        FunctionalEfficiency,
        LogisticStepEfficiency,
        CsI2021Efficiency,
        TabulatedEfficiency,
        ShippedEfficiency,
    )
}


def efficiency_model(name: str, **params: Any) -> EfficiencyModel:
    """Build a registry efficiency model by name (``"logistic_step"``, ``"csi_2021"``, ...).

    ``"shipped_table"`` reads a table of ``data/detectors/`` (``table="<file>.csv"``).

    Raises
    ------
    CevnsError
        Unknown name, unknown or out-of-range parameter.
    """
    cls = EFFICIENCY_MODELS[check_choice(name, "efficiency model", EFFICIENCY_MODELS)]
    return cls(**params)


#: Registry: resolution model name → class.
RESOLUTION_MODELS: dict[str, type[ResolutionModel]] = {
    cls.model_name: cls for cls in (GaussianResolution, PoissonResolution, GammaResolution)
}


def resolution_model(name: str, **params: Any) -> ResolutionModel:
    """Build a registry resolution model by name (``"gaussian"``, ``"poisson"``, ``"gamma"``).

    Raises
    ------
    CevnsError
        Unknown name, unknown or out-of-range parameter.
    """
    cls = RESOLUTION_MODELS[check_choice(name, "resolution model", RESOLUTION_MODELS)]
    return cls(**params)
