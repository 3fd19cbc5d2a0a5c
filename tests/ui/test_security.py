"""Security probes replayed against a served page: script injection, tracebacks in the page.

Each payload must reach the page as text (escaped) and never as an element: an ``<img onerror>``
that becomes an element would set ``window.__xss``.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from dashboard.config import config_to_json, state_to_config
from dashboard.state import SessionState

pytestmark = pytest.mark.ui

#: Runs script if it is ever parsed as HTML.
PAYLOAD = '<img src=x onerror="window.__xss=1">'

#: URL keys whose values reach a notification when invalid (the probe's list).
URL_PROBES = {
    "thr": PAYLOAD,
    "exp": PAYLOAD,
    "ff": PAYLOAD,
    "np": json.dumps({PAYLOAD: 1}),
    "theme": PAYLOAD,
}


def _open(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_text("CEvNS workbench").first).to_be_visible(timeout=60_000)


def _injected(page: Page) -> bool:
    return bool(
        page.evaluate("() => window.__xss === 1 || document.querySelector('img[src=x]') !== null")
    )


@pytest.mark.parametrize("key", sorted(URL_PROBES))
def test_url_payload_is_shown_as_text(page: Page, live_app, key: str) -> None:
    query = urllib.parse.urlencode({key: URL_PROBES[key]})
    _open(page, f"{live_app.url}?{query}")
    # the notification quotes the value: as text
    expect(page.locator(".notyf__message").filter(has_text="onerror").first).to_be_visible(
        timeout=30_000
    )
    assert not _injected(page)


def test_config_file_payload_is_shown_as_text(page: Page, live_app, tmp_path) -> None:
    config = json.loads(config_to_json(state_to_config(SessionState())))
    config["band"][PAYLOAD] = PAYLOAD  # an unknown key: rejected, quoted in the message
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    _open(page, f"{live_app.url}")
    page.locator(".card-header", has_text="Save, load & export").first.click()
    page.locator("input[type=file]").first.set_input_files(str(path))
    expect(page.locator(".notyf__message").filter(has_text="onerror").first).to_be_visible(
        timeout=30_000
    )
    assert not _injected(page)


def test_unknown_theme_is_the_default_theme_with_a_notification(page: Page, live_app) -> None:
    _open(page, f"{live_app.url}?theme=Dark")
    expect(page.locator(".notyf__message").filter(has_text="Unknown theme").first).to_be_visible(
        timeout=30_000
    )
    text = page.inner_text("body")
    assert "Traceback" not in text and "site-packages" not in text


def test_page_build_failure_shows_no_traceback(live_app, monkeypatch, caplog) -> None:
    import dashboard.app as app

    def broken(state):
        raise RuntimeError("boom at /secret/install/path")

    monkeypatch.setattr(app, "_build_app", broken)
    with urllib.request.urlopen(f"{live_app.url}", timeout=60) as response:
        body = response.read().decode()
    assert response.status == 200
    assert "Traceback" not in body and "/secret/install/path" not in body
    logged = [r for r in caplog.get_records("call") if r.getMessage() == "building the page failed"]
    assert logged and logged[0].exc_info  # the details are in the server log
    caplog.clear()  # an expected server error: not one for the error guard
