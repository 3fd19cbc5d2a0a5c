"""The scan catalogue (models derived from the physics registry)."""

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.errors import CevnsError
from cevns_core.physics import effects
from cevns_core.scans import SCAN_MODELS, default_axes, scan_models


def test_every_model_is_documented():
    for name, model in SCAN_MODELS.items():
        assert model.title and len(model.axes) == 2, name
        assert name in cc.scans.__doc__


def test_the_catalogue_is_the_registry_plus_rn_sin2w():
    from_effects = {s.name: e.name for e in effects() for s in e.scans}
    assert set(SCAN_MODELS) == set(from_effects) | {"rn_sin2w"}
    for name, group in from_effects.items():
        assert SCAN_MODELS[name].effect == group
    assert SCAN_MODELS["rn_sin2w"].effect is None
    assert scan_models() == sorted(SCAN_MODELS)


def test_default_grids_labels_and_units():
    for name, model in SCAN_MODELS.items():
        grid = default_axes(name)
        assert list(grid) == [a.name for a in model.axes]
        for axis in model.axes:
            assert axis.label and isinstance(axis.unit, str), (name, axis.name)
            values = axis.check(grid[axis.name])  # inside the bounds, finite
            assert values.size >= 20 and np.all(np.diff(values) > 0), (name, axis.name)
    assert SCAN_MODELS["zprime"].axis("mass_MeV").unit == "MeV"
    assert SCAN_MODELS["zprime"].axis("mass_MeV").label == "M_Z′"
    assert SCAN_MODELS["charge_radius"].axis("r2_e_cm2").unit == "cm²"
    coupling = default_axes("zprime")["coupling"]
    assert coupling[0] == pytest.approx(1e-5) and coupling[-1] == pytest.approx(1e-2)
    assert coupling[1] / coupling[0] == pytest.approx(coupling[-1] / coupling[-2])  # geometric
    with pytest.raises(CevnsError, match="unknown scan model"):
        default_axes("axion")
