"""The scan catalogue (models derived from the physics registry)."""

import cevns_core as cc
from cevns_core.scans import SCAN_MODELS


def test_every_model_is_documented():
    for name, model in SCAN_MODELS.items():
        assert model.title and len(model.axes) == 2, name
        assert name in cc.scans.__doc__
