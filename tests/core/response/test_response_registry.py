"""Tests of cevns_core.response.registry: efficiency and resolution models by name."""

from __future__ import annotations

import pytest

from cevns_core.errors import CevnsError
from cevns_core.response import (
    efficiency_model,
)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: efficiency_model("sigmoid"), "unknown efficiency model 'sigmoid'"),
    ],
)
def test_bad_input(build, message):
    with pytest.raises(CevnsError, match=message):
        build()
