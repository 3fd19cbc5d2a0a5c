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


def test_inline_handlers_are_allowed_by_their_hashes_only() -> None:
    import base64
    import hashlib

    from dashboard.guard_handlers import inline_handler_hashes

    def source(handler: str) -> str:  # CSP level 3: base64 of the SHA-256 of the value
        return f"'sha256-{base64.b64encode(hashlib.sha256(handler.encode()).digest()).decode()}'"

    page = (
        '<span class="x" onclick="closeNav()">&times;</span>'
        "<fast-switch id=theme-switch onChange=\"toggleLightDarkTheme('default')\" checked>"
        "<img src=a.png onload=\"a()\" onerror='b(&quot;x&quot;)'>"
        '<p>onclick="not an attribute"</p><script>var s = "<b onclick=1>";</script>'
    )
    expected = {
        source(h) for h in ("closeNav()", "toggleLightDarkTheme('default')", "a()", 'b("x")')
    }
    # unquoted values are not listed: the browser blocks them (the page's template has none)
    assert set(inline_handler_hashes(page)) == expected
    assert inline_handler_hashes(page.encode()) == inline_handler_hashes(page)
    assert inline_handler_hashes("<p>no handlers</p>") == []
