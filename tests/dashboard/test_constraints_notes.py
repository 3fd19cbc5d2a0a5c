"""The Constraints tab shows a published row's note next to its band (PKK tensor NSI)."""

from __future__ import annotations

from dashboard.state import SessionState
from dashboard.views.constraints import ConstraintsView


def test_tensor_band_label_carries_the_reproduction_note():
    view = ConstraintsView(state=SessionState(), model="nsi_tensor_ee")
    lo, hi, label = view._published("eps_u")
    assert (lo, hi) == (-0.013, 0.013)
    assert "90 %" in label and "not reproducible" in label
    vector = ConstraintsView(state=SessionState(), model="nsi_vector_ee")
    assert "note" not in vector._published("eps_u")[2]
