"""Websocket messages the served dashboard's gate refuses (``dashboard/guard_handlers.py``),
without a server: a page's URL that is too long, binary data inline in the JSON."""

from __future__ import annotations

import json

from dashboard.guard_handlers import _add_nonce, check_fragment
from dashboard.limits import DEFAULT_LIMITS, Limits


def _patch(attr: str, new: str) -> str:
    event = {"kind": "ModelChanged", "model": {"id": "p1"}, "attr": attr, "new": new}
    return json.dumps({"events": [event]})


def test_ordinary_messages_pass() -> None:
    assert check_fragment(_patch("value", "7"), DEFAULT_LIMITS) is None
    assert check_fragment(_patch("search", "?thr=7&exp=conus"), DEFAULT_LIMITS) is None
    assert check_fragment(b"\x00binary upload chunk", DEFAULT_LIMITS) is None  # binary frames
    assert check_fragment('not json "attr": "search"', DEFAULT_LIMITS) is None  # Bokeh refuses


def test_a_page_url_over_the_limits_is_refused() -> None:
    limits = Limits(max_url_value=100)
    kind, refusal = check_fragment(_patch("search", "?thr=" + "9" * 101), limits)
    assert kind == "websocket url" and refusal.status == 414
    kind, refusal = check_fragment(_patch("href", "thr=" + "9" * 101), limits)  # no "?"
    assert kind == "websocket url"
    assert check_fragment(_patch("search", "?thr=" + "9" * 100), limits) is None


def test_inline_binary_data_is_refused() -> None:
    message = {"events": [{"kind": "X", "new": {"type": "bytes", "data": "H4sIAAAA"}}]}
    kind, refusal = check_fragment(json.dumps(message), DEFAULT_LIMITS)
    assert kind == "inline bytes" and refusal.status == 400
    by_reference = {"events": [{"kind": "X", "new": {"type": "bytes", "data": {"id": "b1"}}}]}
    assert check_fragment(json.dumps(by_reference), DEFAULT_LIMITS) is None


def test_every_script_tag_of_a_page_gets_the_nonce() -> None:
    page = '<script src="a.js"></script><script>go()</script><scripts-not-a-tag>'
    out = _add_nonce(page, "N0NCE")
    assert out.count('<script nonce="N0NCE"') == 2 and "<scripts-not-a-tag>" in out
    assert _add_nonce(page.encode(), "N0NCE") == out.encode()
