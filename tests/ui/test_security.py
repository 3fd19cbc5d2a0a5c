"""Security probes replayed against a served page.

Script injection and tracebacks in the page: each payload must reach the page as text (escaped)
and never as an element (an ``<img onerror>`` that becomes an element would set ``window.__xss``).

The server side (``cevns serve``: :mod:`dashboard.guard`, :mod:`dashboard.auth`,
:mod:`dashboard.upload`): every probe of the security review replayed against a served instance:
oversized URLs and URL values, page and request floods, websocket messages with invalid values,
oversized URLs or upload chunks, the login's ``next``, throttling, cookies after logout and after
a user's removal, headers, ``/components/``, log lines, temporary files. Clients other than the
test's own address are simulated with ``X-Real-Ip`` on a server that trusts ``--use-xheaders``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gc
import gzip
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from served import (
    HOST,
    Client,
    PageConnection,
    free_port,
    raw_get,
    run_async,
    serving,
    wait_until_up,
)
from tornado.websocket import WebSocketClosedError

from dashboard.auth import LOGIN_COOKIE, RECHECK_S
from dashboard.config import config_to_json, state_to_config
from dashboard.limits import PAGE_BURST, REQUEST_BURST, Limits
from dashboard.state import SessionState

ROOT = Path(__file__).resolve().parents[2]

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


@pytest.mark.ui
@pytest.mark.parametrize("key", sorted(URL_PROBES))
def test_url_payload_is_shown_as_text(page: Page, live_app, key: str) -> None:
    query = urllib.parse.urlencode({key: URL_PROBES[key]})
    _open(page, f"{live_app.url}?{query}")
    # the notification quotes the value: as text
    expect(page.locator(".notyf__message").filter(has_text="onerror").first).to_be_visible(
        timeout=30_000
    )
    assert not _injected(page)


@pytest.mark.ui
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


@pytest.mark.ui
def test_unknown_theme_is_the_default_theme_with_a_notification(page: Page, live_app) -> None:
    _open(page, f"{live_app.url}?theme=Dark")
    expect(page.locator(".notyf__message").filter(has_text="Unknown theme").first).to_be_visible(
        timeout=30_000
    )
    text = page.inner_text("body")
    assert "Traceback" not in text and "site-packages" not in text


@pytest.mark.ui
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


# ==================================================================================== server side
PASSWORD = "a-lab-password-for-tests"
SECRET = "a-cookie-secret-for-the-security-tests"


def _refusals(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.get_records("call") if r.getMessage().startswith("refused (")]


def _assert_quiet_logs(caplog: pytest.LogCaptureFixture) -> None:
    """No traceback, nothing above WARNING, no long line: what a rejected input may log."""
    records = [
        r
        for r in caplog.get_records("call")  # the test server stopped while sending: not a bug
        if not (r.exc_info and isinstance(r.exc_info[1], asyncio.CancelledError))
    ]
    assert not [r.getMessage()[:200] for r in records if r.exc_info or r.levelno > logging.WARNING]
    assert max((len(r.getMessage()) for r in records), default=0) <= 2000


def test_oversized_urls_are_refused_with_a_message(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.INFO, logger="tornado.access")  # other tests may raise its level
    with serving(use_xheaders=True) as base:
        # 5000 digits: Python's int() refuses more than 4300, which made Panel answer 500
        status, body = raw_get(base, "/cevns?thr=" + "1" * 5000, {"X-Real-Ip": "10.0.3.1"})
        assert status == 414 and "--max-url-value" in body and "5,000 characters" in body
        query = "&".join(f"p{i}={i:020d}" for i in range(500))
        status, body = raw_get(base, f"/cevns?{query}", {"X-Real-Ip": "10.0.3.2"})
        assert status == 414 and "--max-url-length" in body
        # 16 MB: Tornado closes the connection after 64 KiB of request head
        status, _ = raw_get(base, "/cevns?thr=" + "1" * 16_000_000)
        assert status is None
        assert raw_get(base, "/health")[0] == 200  # still serving
    refusals = _refusals(caplog)
    assert [r.levelno for r in refusals] == [logging.WARNING] * 2  # one line per client
    assert all(len(r.getMessage()) < 300 for r in refusals)
    access = [r.getMessage() for r in caplog.get_records("call") if r.name == "tornado.access"]
    assert access and all(len(line) < 400 for line in access)  # URLs cut in the access log
    _assert_quiet_logs(caplog)


def test_page_and_request_floods_are_limited_per_client(caplog: pytest.LogCaptureFixture) -> None:
    limits = Limits(max_sessions=4, max_sessions_per_client=2, request_rate=1.0)
    with serving(limits=limits, use_xheaders=True) as base:
        alice, bob, carol = (Client(base, {"X-Real-Ip": f"10.0.0.{i}"}) for i in (1, 2, 3))
        assert [alice.request("/cevns")[0] for _ in range(2)] == [200, 200]
        status, headers, body = alice.request("/cevns")
        assert status == 429 and "--max-sessions-per-client" in body and headers["Retry-After"]
        assert [bob.request("/cevns")[0] for _ in range(2)] == [200, 200]
        status, headers, body = carol.request("/cevns")  # 4 open pages: the server is full
        assert status == 503 and "--max-sessions" in body
        assert json.loads(carol.request("/health")[2])["sessions"] == 4
        # every other request: REQUEST_BURST at once, then --max-request-rate per second
        dave = Client(base, {"X-Real-Ip": "10.0.0.4"})
        statuses = [dave.request("/liveness")[0] for _ in range(REQUEST_BURST + 5)]
        assert statuses.count(200) >= REQUEST_BURST and statuses[-1] == 429
        assert Client(base, {"X-Real-Ip": "10.0.0.5"}).request("/liveness")[0] == 200
    kinds = [r.getMessage().split(")")[0] for r in _refusals(caplog)]
    # repeated refusals of one client are counted, not each logged
    assert kinds == ["refused (sessions-per-client", "refused (sessions", "refused (requests"]
    _assert_quiet_logs(caplog)


def test_websockets_per_client() -> None:
    run_async(_websockets_per_client())


async def _websockets_per_client() -> None:
    from tornado.httpclient import HTTPClientError

    with serving(limits=Limits(max_sessions_per_client=2), use_xheaders=True) as base:
        client = Client(base, {"X-Real-Ip": "10.0.4.1"})
        html = client.request("/cevns")[2]
        token = re.search(r'"token":\s*"([^"]+)"', html).group(1)
        pages = [await PageConnection.connect(client, token) for _ in range(2)]
        with pytest.raises(HTTPClientError, match="429"):
            await PageConnection.connect(client, token)
        other = Client(base, {"X-Real-Ip": "10.0.4.2"})
        await PageConnection.connect(other, token)  # another address: its own count
        pages[0].close()
        deadline = time.monotonic() + 10
        while True:  # once the server has seen the close, the address may connect again
            try:
                await PageConnection.connect(client, token)
                break
            except HTTPClientError:
                assert time.monotonic() < deadline
                await asyncio.sleep(0.1)


def test_page_rate_per_client(caplog: pytest.LogCaptureFixture) -> None:
    # with a password an anonymous page request is a cheap redirect: it counts all the same
    with serving(basic_auth=PASSWORD, cookie_secret=SECRET, use_xheaders=True) as base:
        eve = Client(base, {"X-Real-Ip": "10.0.1.1"})
        statuses = [eve.request("/cevns")[0] for _ in range(PAGE_BURST + 3)]
        assert statuses[:PAGE_BURST] == [302] * PAGE_BURST and 429 in statuses[PAGE_BURST:]
        status, _, body = eve.request("/cevns")
        assert status == 429 and "--max-page-rate" in body
        assert Client(base, {"X-Real-Ip": "10.0.1.2"}).request("/cevns")[0] == 302
    _assert_quiet_logs(caplog)


@pytest.fixture
def users_file(tmp_path: Path) -> Path:
    path = tmp_path / "users.json"
    path.write_text(json.dumps({"alice": PASSWORD, "bob": "bob-password-1"}), encoding="utf-8")
    return path


def test_login_next_is_a_same_site_path_kept_through_login(users_file: Path) -> None:
    with serving(basic_auth=str(users_file), cookie_secret=SECRET) as base:
        client = Client(base)
        link = "/cevns?thr=7&exp=coherent_csi_2017"
        status, headers, _ = client.request(link)  # a shared link, before login
        assert status == 302
        status, _, form = client.request(headers["Location"])
        assert status == 200 and 'value="/cevns?thr=7&amp;exp=coherent_csi_2017"' in form
        status, headers, _ = client.login("alice", PASSWORD, next_url=link)
        assert status == 302 and headers["Location"] == link
        evils = ("///evil.example", "//evil.example/x", "https://evil.example/", "/\\evil.example")
        for evil in evils:
            status, _, form = client.request("/login?" + urllib.parse.urlencode({"next": evil}))
            assert status == 200 and 'name="next" value="/cevns"' in form
            status, headers, _ = client.login("alice", PASSWORD, next_url=evil)
            assert status == 302 and headers["Location"] == "/cevns"
        # non-Latin-1 and raw non-ASCII bytes: answered at once, percent-encoded
        status, _, form = client.request("/login?next=" + urllib.parse.quote("/cevns?note=€✓"))
        assert status == 200 and "/cevns?note=%E2%82%AC%E2%9C%93" in form
        status, headers, _ = client.login("alice", PASSWORD, next_url="/cevns?note=€")
        assert headers["Location"] == "/cevns?note=%E2%82%AC"
        raw = b"GET /login?next=/cevns%3Fx%3D\xc3\xa9\xe2\x82\xac HTTP/1.1\r\nHost: x\r\n\r\n"
        with socket.create_connection((HOST, int(base.rsplit(":", 1)[1])), timeout=30) as sock:
            sock.sendall(raw)
            answer = sock.recv(65536).decode("latin-1")
        assert answer.startswith("HTTP/1.1 200") and "/cevns?x=%C3%A9%E2%82%AC" in answer


def test_login_is_throttled_per_address_and_per_user(users_file: Path) -> None:
    limits = Limits(login_delay_s=1.0)
    with serving(
        basic_auth=str(users_file), cookie_secret=SECRET, limits=limits, use_xheaders=True
    ) as base:
        mallory = Client(base, {"X-Real-Ip": "10.0.2.1"})
        assert "error=" in mallory.login("alice", "guess-1")[1]["Location"]
        status, headers, body = mallory.login("alice", PASSWORD)  # even the right password
        assert status == 429 and headers["Retry-After"] == "1" and "wait 1 s" in body
        # the user is throttled from another address too, another user from that one is not
        other = Client(base, {"X-Real-Ip": "10.0.2.2"})
        assert other.login("alice", PASSWORD)[0] == 429
        assert other.login("bob", "bob-password-1")[0] == 302
        time.sleep(1.1)
        assert "error=" in mallory.login("alice", "guess-2")[1]["Location"]
        status, headers, _ = mallory.login("alice", "guess-3")
        assert status == 429 and headers["Retry-After"] == "2"  # doubled
        time.sleep(2.1)
        status, headers, _ = mallory.login("alice", PASSWORD)
        assert status == 302 and headers["Location"] == "/cevns"


def _set_cookies(headers: Any) -> dict[str, str]:
    return {c.split("=", 1)[0]: c for c in headers.get_all("Set-Cookie", [])}


def test_login_cookie_flags_and_the_page_token(users_file: Path) -> None:
    run_async(_login_cookie_flags_and_the_page_token(users_file))


async def _login_cookie_flags_and_the_page_token(users_file: Path) -> None:
    from bokeh.util.token import get_token_payload

    with serving(basic_auth=str(users_file), cookie_secret=SECRET, use_xheaders=True) as base:
        plain_http = Client(base)
        cookies = _set_cookies(plain_http.login("alice", PASSWORD)[1])
        login = cookies[LOGIN_COOKIE]
        assert "HttpOnly" in login and "SameSite=Lax" in login and "Secure" not in login
        assert f"Max-Age={12 * 3600}" in login
        behind_https = Client(base, {"X-Forwarded-Proto": "https"})
        assert "Secure" in _set_cookies(behind_https.login("alice", PASSWORD)[1])[LOGIN_COOKIE]
        # the page's session token carries cookies and headers, but not the login cookie
        status, _, html = plain_http.request("/cevns")
        assert status == 200
        payload = get_token_payload(re.search(r'"token":\s*"([^"]+)"', html).group(1))
        assert "user" in payload["cookies"] and LOGIN_COOKIE not in payload["cookies"]
        assert "Cookie" not in payload["headers"]
        assert plain_http.cookie(LOGIN_COOKIE).value not in html
        # the page header names the user and links to the logout page
        page = await PageConnection.open(plain_http)
        texts = [json.dumps(m.get("attributes", {})) for m in page.models.values()]
        assert any("Signed in as" in t and "alice" in t and "./logout" in t for t in texts)
        page.close()


def test_logout_and_user_removal_end_logins(users_file: Path) -> None:
    run_async(_logout_and_user_removal_end_logins(users_file))


async def _logout_and_user_removal_end_logins(users_file: Path) -> None:
    with serving(basic_auth=str(users_file), cookie_secret=SECRET) as base:
        alice, bob = Client(base), Client(base)
        assert alice.login("alice", PASSWORD)[0] == 302
        assert bob.login("bob", "bob-password-1")[0] == 302
        copy = Client(base)  # alice's cookie, kept by someone else
        for cookie in alice.cookies:
            copy.cookies.set_cookie(cookie)
        page = await PageConnection.open(alice)  # an open page of alice
        status, _, body = alice.request("/logout")
        assert status == 200 and "Signed out" in body
        assert alice.request("/cevns")[0] == 302
        assert copy.request("/cevns")[0] == 302  # the cookie ended on the server
        assert (await page.closed(timeout_s=RECHECK_S + 10))[0] == 4001  # the open page too
        # removing bob from the users file ends his login; alice's password change ends hers
        assert bob.request("/cevns")[0] == 200
        users_file.write_text(json.dumps({"alice": "a-new-password"}), encoding="utf-8")
        assert bob.request("/cevns")[0] == 302
        assert "error=" in bob.login("bob", "bob-password-1")[1]["Location"]  # no such user


def test_headers_csp_and_component_resources(tmp_path: Path, monkeypatch) -> None:
    probe = tmp_path / "cevns_probe_module.py"
    probe.write_text("import pathlib\npathlib.Path(__file__).with_suffix('.imported').touch()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with serving() as base:
        client = Client(base)
        status, headers, page = client.request("/cevns")
        assert status == 200
        csp = headers["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        scripts = re.findall(r"<script\b[^>]*>", page)
        assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
        assert client.request("/cevns")[1]["Content-Security-Policy"] != csp  # fresh nonce
        static = client.request("/static/js/bokeh.min.js")
        assert static[0] == 200 and static[1]["X-Frame-Options"] == "DENY"
        for path in (
            "/components/cevns_probe_module/X/_css/x.css",  # not imported: never imported
            "/components/json/JSONDecoder/_css/x.css",  # imported, but not Panel's
            "/cevns/autoload.js?bokeh-autoload-element=x",  # embedding elsewhere: not offered
        ):
            assert client.request(path)[0] == 404
        assert "cevns_probe_module" not in sys.modules
        assert not probe.with_suffix(".imported").exists()
    with serving(basic_auth=PASSWORD, cookie_secret=SECRET) as base:
        status, headers, body = Client(base).request("/components/panel.widgets/Button/_css/x")
        assert status == 403  # before login
        status, headers, body = Client(base).request("/login")
        assert headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert "<title>Sign in · CEvNS workbench</title>" in body and "<script" not in body
        assert Client(base).request("/auth-assets/auth.css")[0] == 200


def test_invalid_websocket_messages_are_refused_quietly(caplog: pytest.LogCaptureFixture) -> None:
    run_async(_invalid_websocket_messages_are_refused_quietly(caplog))


async def _invalid_websocket_messages_are_refused_quietly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    states: list[SessionState] = []
    with serving(states) as base:
        client = Client(base)
        page = await PageConnection.open(client)
        threshold = page.find("Spinner", title="Threshold")
        await page.change(threshold, "value", "abc")  # fails Bokeh's validation
        await page.change(threshold, "value", 7.5)  # the session lives on
        await page.change(threshold, "value_throttled", 7.5)
        await _until(lambda: states[-1].threshold == 7.5)
        # a flood of messages is slowed down to --max-message-rate (50/s after 100 at once)
        t0 = time.monotonic()
        for _ in range(150):
            await page.change(threshold, "value", 7.5)
        await page.change(threshold, "value_throttled", 8.5)
        await _until(lambda: states[-1].threshold == 8.5)
        # a token bucket of 3 frames per message: (453 - 300) frames at 150/s take ≥ 1.02 s
        assert time.monotonic() - t0 > 1.0
        # a URL too long for Panel's query parsing, sent as the page's location
        await page.change(page.find("Location"), "search", "?thr=" + "1" * 5000)
        assert (await page.closed())[0] == 1008
        # binary data inline in the JSON: Bokeh would gunzip it without a limit (here 50 MB)
        page = await PageConnection.open(client)
        blob = base64.b64encode(gzip.compress(b" " * 50_000_000)).decode()
        await page.change(page.find("Location"), "search", {"type": "bytes", "data": blob})
        assert (await page.closed()) == (1008, "refused: inline bytes")
        # a page asks for its document once (each answer serialises the whole page)
        page = await PageConnection.open(client)
        with contextlib.suppress(WebSocketClosedError):  # closed at the request's first frame
            await page.send("PULL-DOC-REQ", {})
        assert (await page.closed()) == (1008, "refused: document asked twice")
        # a message above --max-message-size closes the connection
        page = await PageConnection.open(client)
        with contextlib.suppress(WebSocketClosedError):  # may be closed while still writing
            await page.change(page.find("Location"), "search", "?x=" + "y" * 2_000_000)
        # Tornado answers 1009 and aborts; when its close frame cannot be flushed before the
        # abort (the page has unread updates queued), the connection just drops
        assert (await page.closed())[0] in (1009, None)
        assert raw_get(base, "/health")[0] == 200
    records = caplog.get_records("call")
    refused = [r for r in records if r.getMessage().startswith("refused a message from a page")]
    assert len(refused) == 1 and refused[0].levelno == logging.WARNING
    assert "got 'abc'" in refused[0].getMessage()
    kinds = sorted(r.getMessage().split(")")[0] for r in _refusals(caplog))
    assert kinds == [
        "refused (document",
        "refused (inline bytes",
        "refused (messages",
        "refused (websocket url",
    ]
    _assert_quiet_logs(caplog)


def test_upload_chunks_are_limited_on_the_server(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard import upload

    # one report per period: a period longer than the flood takes on a loaded machine
    monkeypatch.setattr(upload, "REPORT_EVERY_S", 3600.0)
    run_async(_upload_chunks_are_limited_on_the_server(caplog))


async def _upload_chunks_are_limited_on_the_server(caplog: pytest.LogCaptureFixture) -> None:
    from dashboard.upload import BoundedFileDropper

    limits = Limits(max_upload_bytes=100_000, login_delay_s=0.0)
    with serving(limits=limits) as base:
        page = await PageConnection.open(Client(base))
        dropper = page.find("FileDropper")
        # 2 chunks of 60 kB (chunks as large as the browser's): refused at the second
        for i in (1, 2):
            await page.upload_chunk(dropper, "big.json", i, 2, b" " * 60_000)
        for i in range(1, 4):  # 3 × 100 kB declared as such: refused at the first chunk
            await page.upload_chunk(dropper, "huge.json", i, 3, b" " * 100_000)
        for i in range(1, 200):  # a flood of new names, each announcing 1000 chunks
            await page.upload_chunk(dropper, f"f{i}.json", 1, 1000, b"x")
        notified = False
        while not notified:
            message = await asyncio.wait_for(page.receive(), timeout=30)
            notified = "Upload refused" in json.dumps(message["content"])
        droppers = [o for o in gc.get_objects() if isinstance(o, BoundedFileDropper)]
        buffered = sum(len(b) for d in droppers for v in d._file_buffer.values() for b in v)
        assert droppers and buffered <= limits.max_upload_bytes
        page.close()
    warnings = [r for r in caplog.get_records("call") if r.name == "dashboard.upload"]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING  # the rest counted
    assert "larger than 100 kB" in warnings[0].getMessage()
    _assert_quiet_logs(caplog)


@pytest.mark.parametrize(
    ("procs", "signum"),
    [(1, signal.SIGTERM), (2, signal.SIGTERM), (1, signal.SIGINT)],
    ids=["sigterm", "sigterm-2-procs", "sigint"],
)
def test_no_temporary_files_left_after_a_stop_signal(
    tmp_path: Path, procs: int, signum: signal.Signals
) -> None:
    """A signed-in page open, then the signal: the server stops cleanly (status 0, no
    traceback), every worker with it, and nothing is left in the temporary directory."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp), "PANEL_BASIC_AUTH": PASSWORD}
    command = [sys.executable, "-m", "dashboard", "--port", str(port), "--log-level", "warning"]
    proc = subprocess.Popen(
        [*command, "--num-procs", str(procs), "--no-prewarm"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://{HOST}:{port}"
    try:
        wait_until_up(base, timeout_s=60)
        client = Client(base)
        assert client.request("/login")[0] == 200
        client.login("student", PASSWORD)
        assert client.request("/cevns")[0] == 200  # a page built and its session open
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=30)
    assert proc.returncode == 0 and "Traceback" not in err, err
    assert list(tmp.iterdir()) == []
    deadline = time.monotonic() + 10  # the workers stop within a second of the parent
    while True:
        with socket.socket() as sock:
            if sock.connect_ex((HOST, port)) != 0:
                break
        assert time.monotonic() < deadline, "a worker still serves the port"
        time.sleep(0.2)


async def _until(predicate: Any, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)
