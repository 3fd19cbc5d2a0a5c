"""dashboard.core_warnings: the core's warnings are recorded for the page (once each, in order),
every other warning goes on as it would have (a real core warning reaching a result:
tests/dashboard/test_results.py::test_moment_expansion_warning_is_collected)."""

from __future__ import annotations

import warnings

import pytest

import cevns_core as cc
from dashboard.core_warnings import collect_warnings


def test_core_warnings_are_recorded_once_and_others_pass_on():
    with pytest.warns(UserWarning, match="not the core's") as others:
        with collect_warnings() as messages:
            warnings.warn("first", cc.CevnsWarning, stacklevel=1)
            warnings.warn("not the core's", UserWarning, stacklevel=1)
            warnings.warn("second", cc.CevnsWarning, stacklevel=1)
            warnings.warn("first", cc.CevnsWarning, stacklevel=1)
    assert messages == ["first", "second"]
    assert [str(w.message) for w in others] == ["not the core's"]
