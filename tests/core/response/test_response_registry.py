"""Tests of cevns_core.response.registry: efficiency and resolution models by name."""

from __future__ import annotations

import pytest

from cevns_core.errors import CevnsError
from cevns_core.response import (
    EFFICIENCY_MODELS,
    RESOLUTION_MODELS,
    GaussianResolution,
    LogisticStepEfficiency,
    efficiency_model,
    resolution_model,
)


def test_models_by_name():
    assert list(EFFICIENCY_MODELS) == [
        "constant",
        "functional",
        "logistic_step",
        "csi_2021",
        "tabulated",
        "shipped_table",
    ]
    assert list(RESOLUTION_MODELS) == ["gaussian", "poisson", "gamma"]
    for registry in (EFFICIENCY_MODELS, RESOLUTION_MODELS):
        assert all(cls.model_name == name for name, cls in registry.items())
    eff = efficiency_model("logistic_step", x0=12.0)
    assert isinstance(eff, LogisticStepEfficiency) and eff.x0 == 12.0
    res = resolution_model("gaussian", sigma0=0.3)
    assert isinstance(res, GaussianResolution) and float(res.sigma(0.0)) == 0.3


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: efficiency_model("sigmoid"), "unknown efficiency model 'sigmoid'"),
        (lambda: resolution_model("lorentz"), "unknown resolution model 'lorentz'"),
        (lambda: efficiency_model("csi_2021", e=1.0), "unknown parameter 'e'"),
    ],
)
def test_bad_input(build, message):
    with pytest.raises(CevnsError, match=message):
        build()
