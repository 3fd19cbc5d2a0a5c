"""The URL holds the whole view: written from the state, read back through the validator."""

from __future__ import annotations

import urllib.parse

import pytest

import cevns_core as cc
from dashboard.parameters import ENTRIES, STATE_ENTRIES, by_url, declaration
from dashboard.state import SessionState
from dashboard.urlstate import apply_query, query_of


def _args(query: dict[str, str]) -> dict[str, list[bytes]]:
    """What Panel hands a page: the query's values as bytes."""
    text = urllib.parse.urlencode(query)
    return {k: [v.encode()] for k, v in urllib.parse.parse_qsl(text)}


def test_the_url_of_a_state_rebuilds_it():
    state = SessionState()
    state.try_update(experiment="conus")
    state.try_update(mass_kg=2.5, skin_fm=0.2, physics_overrides={"mu_nu_e_muB": 1e-10})
    state.try_update(**state.editor_changes("source_overrides", "distance_m", 25.0))
    state.tab = "constraints"
    state.view_options = {
        "spectra": {"log_y": True, "stacked": True, "n_bins": 20, "show_band": True},
        "constraints": {"model": "magnetic_moment", "dimensions": "1d0", "a0_n": 30},
        "cross_sections": {"isotopes": ["Ar40", "Xe132"], "flavour": "nu_e"},
    }
    query = query_of(state)
    assert query["exp"] == "conus" and query["tab"] == "constraints"
    assert "target" not in query  # the preset's: not repeated
    other = SessionState()
    assert apply_query(other, _args(query)) is None  # no problem to report
    assert other.values() == state.values()
    assert other.view_options == state.view_options
    assert other.spec() == state.spec()


def test_problems_make_one_message_and_the_rest_applies():
    state = SessionState()
    args = _args({"exp": "conus", "thr": "abc", "mass": "2", "bogus": "1", "rs.log_y": "maybe"})
    message = apply_query(state, args)
    assert message.startswith("Ignored invalid URL values (defaults kept): ")
    assert "thr='abc': expected a number for Threshold" in message
    assert "rs.log_y='maybe': expected true or false for log dN/dT" in message
    assert "Unknown URL keys ignored: bogus" in message
    assert (state.experiment, state.mass_kg, state.threshold) == ("conus", 2.0, 0.3)


def test_values_that_break_the_combination_are_dropped_one_by_one():
    state = SessionState()
    message = apply_query(state, _args({"thr": "40", "mass": "3"}))  # 40 PE > the 30-PE window
    assert "thr='40': Upper analysis limit (30 PE) must exceed the threshold (40 PE)" in message
    assert (state.threshold, state.mass_kg) == (6.0, 3.0)


@pytest.mark.parametrize(
    ("query", "part"),
    [
        ({"days": "1e300"}, "above the allowed range of Live time"),
        ({"target": "Xx999"}, "unknown material or isotope 'Xx999'"),
        ({"ffp": '{"s_fm":-1}'}, "below the allowed range of Surface thickness s"),
        ({"srcp": '{"distance_m":0}'}, "below the allowed range of Distance"),
        ({"np": '{"zprime_coupling":Infinity}'}, "Infinity is not a finite number"),
        ({"np": '{"zprime_coupling":NaN}'}, "NaN is not a finite number"),
        ({"target": "CsCsCsCsCs"}, "more than once"),
        ({"thr": "9" * 5000}, "too long (5,000 characters"),
    ],
)
def test_the_security_probes_are_reported_and_change_nothing(query, part):
    state = SessionState()
    before = state.values()
    message = apply_query(state, _args(query))
    assert message is not None and part in message
    assert state.values() == before  # the page shows and computes the defaults
    assert state.spec()["detector"]["material"] == "CsI[Na]"


def test_url_keys_are_the_tables():
    assert len(by_url()) == len(ENTRIES)
    assert {e.url for e in STATE_ENTRIES} >= {"exp", "target", "mass", "thr", "np", "tab"}
    for entry in STATE_ENTRIES:  # every state entry has its declaration
        assert declaration(entry.name).label == entry.title


def test_table_copies_the_core_declarations():
    for entry in STATE_ENTRIES:
        if entry.mirrors is None or entry.build is not None:
            continue
        cls, key = entry.mirrors
        core, mine = cls.param[key], declaration(entry.name)
        assert mine.doc == entry.changes.get("doc", core.doc), entry.name
        if hasattr(core, "bounds") and "bounds" not in entry.changes:
            assert mine.bounds == core.bounds, entry.name
            assert mine.softbounds == entry.changes.get("softbounds", core.softbounds)
    assert declaration("mass_kg").bounds == cc.Detector.param.mass_kg.bounds
