"""One validator for URL values, widget values and file values: same message for the same bad
value, human labels, the allowed range, no Python syntax."""

from __future__ import annotations

import html
import json

import pytest

import cevns_core as cc
from dashboard.config import load_config
from dashboard.parameters import ENTRIES, STATE_ENTRIES, by_name, declaration
from dashboard.state import SessionState
from dashboard.urlstate import read_query
from dashboard.validation import (
    MAX_TEXT_CHARS,
    InvalidValue,
    check_entry,
    check_value,
    humanize,
    range_text,
)
from dashboard.widgets import state_field

#: (entry, bad value as typed in a URL, the same value as a file would hold it, message part)
BAD = [
    ("mass_kg", "-1", -1.0, "below the allowed range of Mass (0 < value ≤ 1e+09 kg)"),
    ("live_time_days", "1e300", 1e300, "above the allowed range of Live time"),
    ("threshold", "abc", "abc", "expected a number for Threshold"),
    ("skin_fm", "5", 5.0, "above the allowed range of Neutron skin R_n − R_p"),
    ("flux_uncertainty", "1", 1.0, "0 ≤ value < 1"),
    ("target", "Xx999", "Xx999", "unknown material or isotope 'Xx999' for Target"),
    ("experiment", "nope", "nope", "is not one of the choices for Experiment preset"),
    (
        "source_overrides",
        '{"distance_m": 0}',
        {"distance_m": 0},
        "below the allowed range of Distance",
    ),
    ("form_factor_params", '{"s_fm": -1}', {"s_fm": -1}, "below the allowed range"),
    ("physics_overrides", '{"bogus": 1}', {"bogus": 1}, "unknown parameter(s) 'bogus'"),
]


def _url_message(key: str, text: str) -> str:
    _, _, _, problems, _ = read_query({key: [text.encode()]})
    assert len(problems) == 1, problems
    where, message = problems[0]
    assert where.startswith(f"{key}=")
    return message


def _file_message(name: str, value) -> str:
    cfg = {"format": "cevns-dashboard-config", "version": 1, "state": {name: value}}
    with pytest.raises(cc.CevnsError) as info:
        load_config(json.dumps(cfg))
    return str(info.value).split(": ", 1)[1]  # after "name: "


def _widget_message(name: str, value) -> str:
    state = SessionState()
    field = state_field(state, name)
    before = state.values()
    try:
        field.widget.value = value
    except Exception as exc:  # a widget that cannot even hold the value (e.g. text in a number)
        pytest.skip(f"the widget refuses {value!r} itself: {exc}")
    assert state.values() == before  # refused: the state keeps its last good values
    assert "cevns-invalid" in field.widget.css_classes  # red outline
    assert field.message.visible
    return html.unescape(field.message.object)


@pytest.mark.parametrize(("name", "text", "value", "part"), BAD, ids=[b[0] for b in BAD])
def test_url_and_file_give_the_same_message(name, text, value, part):
    url = _url_message(by_name()[name].url, text)
    file = _file_message(name, value)
    assert part in url
    assert url == file or (name == "threshold")  # 'abc' in a URL is text: the same words
    for message in (url, file):
        assert "{'" not in message and "None" not in message and "\\u" not in message


@pytest.mark.parametrize(
    ("name", "value", "part"),
    [
        ("mass_kg", -5.0, "below the allowed range of Mass (0 < value ≤ 1e+09 kg)"),
        ("live_time_days", 1e300, "above the allowed range of Live time"),
        ("skin_fm", 5.0, "above the allowed range of Neutron skin"),
        ("R_n_fm", 0.0, "below the allowed range of Neutron rms radius R_n"),
    ],
)
def test_widgets_give_the_same_message_and_keep_the_state(name, value, part):
    text = {int: str, float: repr}[type(value)](value)
    widget = _widget_message(name, value)
    assert part in widget
    assert _url_message(by_name()[name].url, text) in widget  # the URL's words, on the input


def test_tooltips_give_the_allowed_range():
    field = state_field(SessionState(), "mass_kg")
    assert "Allowed: 0 < value ≤ 1e+09 kg" in field.widget.description
    assert "fiducial" in field.widget.description  # the core's doc


def test_number_text_is_parsed_strictly():
    p = declaration("threshold")
    for bad in ("nan", "inf", "-Infinity", "1,5", ""):
        with pytest.raises(InvalidValue):
            check_value(p, bad, "Threshold", text=True)
    assert check_value(p, " 7.5 ", "Threshold", text=True) == 7.5
    with pytest.raises(InvalidValue, match="too long"):
        check_value(p, "9" * (MAX_TEXT_CHARS + 1), "Threshold", text=True)


def test_json_sets_refuse_nan_and_infinity():
    for token in ("NaN", "Infinity", "-Infinity"):
        with pytest.raises(InvalidValue, match="not a finite number"):
            check_entry("physics_overrides", f'{{"zprime_coupling": {token}}}', {}, text=True)


def test_every_entry_reads_back_what_the_url_writes():
    from dashboard.urlstate import url_text

    state = SessionState()
    values = {**state.values(), "R_n_fm": 5.5, "lindhard_k": 0.16}
    for entry in ENTRIES:
        if entry.tab is not None:
            cls, option = entry.mirrors
            value = cls.param[option].default
        else:
            value = values[entry.name]
        assert check_entry(entry.name, url_text(value), values, text=True) == value, entry.name


def test_ranges_and_humanized_core_messages():
    assert range_text(declaration("mass_kg"), "kg") == "0 < value ≤ 1e+09 kg"
    message = humanize("detector: upper_limit (30 PE) must exceed the threshold (40 PE)")
    assert message == "Upper analysis limit (30 PE) must exceed the threshold (40 PE)"
    python = (
        "detector: observable 'PE' needs a quenching model; set quenching (e.g. q=0.1 or f('x'))"
    )
    assert "(e.g." not in humanize(python)


def test_every_state_entry_has_a_label_without_identifiers():
    for entry in STATE_ENTRIES:
        title = entry.title
        assert title and title != entry.name
        assert entry.name not in title
