"""Served lab mode (``dashboard/server.py``, ``cevns serve``): options, health endpoints,
password protection, malformed URLs. Servers run on free loopback ports and are always stopped.

Browser tests are marked ``ui``; the others talk HTTP with :mod:`urllib`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from served import HOST, Client, free_port, serving, wait_until_up

from cevns_core import __version__
from cevns_core import cli as cevns_cli
from dashboard import server
from dashboard.limits import DEFAULT_LIMITS, Limits
from dashboard.state import SessionState

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "lab-password-for-tests"
SECRET = "a-cookie-secret-for-the-tests-only"


# ------------------------------------------------------------------------------------ helpers
@pytest.fixture
def local_only(page: Page) -> list[str]:
    """Abort (and record) every request of the page to anything but the local server."""
    blocked: list[str] = []

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith((f"http://{HOST}", f"ws://{HOST}", "data:", "blob:")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    page.route("**/*", route)
    return blocked


# ------------------------------------------------------------------------------------ options
def test_defaults_are_local_with_session_expiry() -> None:
    kw = server.server_kwargs(environ={})
    assert kw["address"] == "127.0.0.1" and kw["port"] == 5006
    assert kw["websocket_origin"] == ["127.0.0.1:5006", "localhost:5006"]
    assert kw["unused_session_lifetime_milliseconds"] == 60_000
    assert kw["check_unused_sessions_milliseconds"] == 10_000
    assert kw["session_token_expiration"] == 300
    assert kw["liveness"] == "liveness" and "num_procs" not in kw
    assert "basic_auth" not in kw and "cookie_secret" not in kw
    wide = server.server_kwargs(
        address="0.0.0.0", port=8080, allow_websocket_origin=["lab.example.org"], environ={}
    )
    assert "0.0.0.0:8080" not in wide["websocket_origin"]
    assert {"localhost:8080", "127.0.0.1:8080", "lab.example.org"} <= set(wide["websocket_origin"])
    # `panel serve dashboard/app.py --plugins dashboard.server` gets /health too
    assert [path for path, *_ in server.ROUTES] == ["/health"]


def test_auth_options_from_arguments_environment_and_files(tmp_path: Path) -> None:
    env = {"PANEL_BASIC_AUTH": PASSWORD, "PANEL_COOKIE_SECRET": SECRET}
    kw = server.server_kwargs(environ=env)
    assert kw["basic_auth"] == PASSWORD and kw["cookie_secret"] == SECRET
    generated = server.server_kwargs(basic_auth=PASSWORD, environ={})["cookie_secret"]
    assert len(generated) >= 32  # random per start, shared by --num-procs workers
    with pytest.raises(server.ServeError, match="not both"):
        server.server_kwargs(cookie_secret="another-secret-of-some-length", environ=env)
    users = tmp_path / "users.json"
    users.write_text(json.dumps({"alice": "alice-password"}), encoding="utf-8")
    assert server.server_kwargs(basic_auth=str(users), environ={})["basic_auth"] == str(
        users.resolve()
    )
    for bad in ("[1, 2]", "{not json", '{"bob": ""}'):
        users.write_text(bad, encoding="utf-8")
        with pytest.raises(server.ServeError, match="users file"):
            server.server_kwargs(basic_auth=str(users), environ={})
    with pytest.raises(server.ServeError, match="does not exist"):
        server.server_kwargs(basic_auth=str(tmp_path / "missing.json"), environ={})
    with pytest.raises(server.ServeError, match="at least 16"):
        server.server_kwargs(basic_auth=PASSWORD, cookie_secret="short", environ={})


def test_invalid_options_are_one_line_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert cevns_cli.main(["serve", "--num-procs", "0"]) == 2
    assert capsys.readouterr().err == "cevns: error: --num-procs must be ≥ 1, got 0\n"
    assert cevns_cli.main(["serve", "--warm", "--num-procs", "2"]) == 2
    assert "--warm" in capsys.readouterr().err
    assert server.main(["--unused-session-lifetime", "10"]) == 2
    assert "--unused-session-lifetime" in capsys.readouterr().err


def test_limit_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = server.add_serve_arguments(argparse.ArgumentParser())
    defaults = server.limits_from_args(parser.parse_args([]))
    assert defaults == DEFAULT_LIMITS
    assert (defaults.max_url_length, defaults.max_url_value) == (8192, 2048)
    assert (defaults.max_upload_bytes, defaults.max_message_bytes) == (1_000_000, 2**20)
    assert (defaults.max_sessions, defaults.max_sessions_per_client) == (80, 8)
    assert (defaults.page_rate, defaults.request_rate, defaults.message_rate) == (1.0, 50.0, 50.0)
    assert (defaults.login_delay_s, defaults.login_expiry_h) == (1.0, 12.0)
    args = parser.parse_args(
        "--max-url-length 4000 --max-url-value 500 --max-upload-size 200KB "
        "--max-message-size 2MiB --max-sessions 30 --max-sessions-per-client 3 "
        "--max-page-rate 0.5 --max-request-rate 20 --max-message-rate 10 --login-delay 2 "
        "--login-expiry 1.5".split()
    )
    assert server.limits_from_args(args) == Limits(
        max_url_length=4000,
        max_url_value=500,
        max_upload_bytes=200_000,
        max_message_bytes=2 * 2**20,
        max_sessions=30,
        max_sessions_per_client=3,
        page_rate=0.5,
        request_rate=20.0,
        message_rate=10.0,
        login_delay_s=2.0,
        login_expiry_h=1.5,
    )
    kw = server.server_kwargs(environ={}, limits=server.limits_from_args(args))
    assert kw["websocket_max_message_size"] == 2 * 2**20
    assert kw["http_server_kwargs"]["max_body_size"] == 65_536
    assert server.main(["--max-url-value", "9000"]) == 2
    assert "--max-url-value cannot exceed --max-url-length" in capsys.readouterr().err
    # a mistyped users file is an error, never the literal password
    for typo in (str(tmp_path / "users.jsn"), "etc/cevns/users", str(tmp_path / "users.json")):
        with pytest.raises(server.ServeError, match="does not exist"):
            server.server_kwargs(basic_auth=typo, environ={})


def test_cevns_command_line_does_not_load_panel() -> None:
    code = (
        "import sys; from cevns_core.cli import _build_parser; "
        "_build_parser().parse_args(['serve', '--num-procs', '2']); "
        "print(sorted({'panel', 'bokeh', 'holoviews'} & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------------------------------------ serving
def test_health_endpoints_answer_and_count_sessions() -> None:
    with serving() as base:
        client = Client(base)
        status, headers, body = client.request("/health")
        assert status == 200 and headers["Content-Type"] == "application/json"
        health = json.loads(body)
        assert health == {
            "status": "ok",
            "version": __version__,
            "sessions": 0,
            "spare_pages": 0,
            "pid": os.getpid(),
        }
        assert client.request("/liveness")[0] == 200
        assert client.request("/cevns")[0] == 200  # creates a session
        assert json.loads(client.request("/health")[2])["sessions"] == 1


def test_cevns_serve_command_serves_and_stops_on_ctrl_c() -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PANEL_BASIC_AUTH", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cevns_core.cli",
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://{HOST}:{port}"
        wait_until_up(base, timeout_s=60)
        health = json.loads(Client(base).request("/health")[2])
        assert health["status"] == "ok" and health["pid"] == proc.pid
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert f"CEvNS workbench on http://127.0.0.1:{port}/cevns" in out
    assert "Traceback" not in err


@pytest.mark.parametrize("users_file", [False, True], ids=["password", "users-file"])
def test_password_protection_refuses_then_admits(tmp_path: Path, users_file: bool) -> None:
    if users_file:
        path = tmp_path / "users.json"
        path.write_text(json.dumps({"alice": PASSWORD}), encoding="utf-8")
        auth, user = str(path), "alice"
    else:
        auth, user = PASSWORD, "anyone"
    with serving(basic_auth=auth, cookie_secret=SECRET) as base:
        client = Client(base)
        status, headers, _ = client.request("/cevns")
        assert status == 302 and re.match(r"\.?/login\?next=%2Fcevns$", headers["Location"])
        assert Client(base).request("/cevns/ws")[0] in (302, 401, 403)
        assert client.request("/health")[0] == 200  # health checks need no login
        status, _, login_page = client.request(headers["Location"])
        assert status == 200 and 'name="password"' in login_page
        assert "cdn.holoviz.org" not in login_page  # the login page is served offline too
        status, headers, _ = client.request(
            "/login", {"username": user, "password": "wrong-password"}
        )
        assert status == 302 and "error=" in headers["Location"]
        if users_file:
            status, headers, _ = client.request(
                "/login", {"username": "mallory", "password": PASSWORD}
            )
            assert status == 302 and "error=" in headers["Location"]
        assert client.request("/cevns")[0] == 302  # still refused
        status, headers, _ = client.request("/login", {"username": user, "password": PASSWORD})
        assert status == 302 and urllib.parse.urlsplit(headers["Location"]).path == "/cevns"
        status, _, page = client.request("/cevns")
        assert status == 200 and "<title>CEvNS workbench</title>" in page


@pytest.mark.ui
def test_login_in_the_browser_opens_the_dashboard(page: Page, local_only: list[str]) -> None:
    with serving(basic_auth=PASSWORD, cookie_secret=SECRET) as base:
        page.goto(f"{base}/cevns")
        expect(page).to_have_url(re.compile(r"/login"))
        page.locator("input[name=username]").fill("lab")
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/cevns$"))
        expect(page.locator(".bk-Canvas").first).to_be_visible(timeout=30_000)
    assert local_only == []


@pytest.mark.ui
def test_shared_link_survives_login_and_the_page_runs_under_its_csp(
    page: Page, local_only: list[str], console_errors: list[str]
) -> None:
    states: list[SessionState] = []
    with serving(states, basic_auth=PASSWORD, cookie_secret=SECRET) as base:
        page.goto(f"{base}/cevns?thr=7.5&theme=nonsense")  # a shared link, before login
        expect(page).to_have_title("Sign in · CEvNS workbench")
        expect(page.get_by_text("After signing in you go to /cevns?thr=7.5")).to_be_visible()
        page.locator("input[name=username]").fill("ada")
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/cevns\?thr=7\.5"))
        expect(page.locator(".bk-Canvas").first).to_be_visible(timeout=30_000)
        # a notification (Panel compiles its script at run time: the CSP allows that)
        expect(page.locator(".notyf__message").filter(has_text="Unknown theme")).to_be_visible()
        assert states[-1].threshold == 7.5
        badge = page.locator(".cevns-user")
        expect(badge).to_contain_text("Signed in as ada")
        badge.get_by_text("Sign out").click()
        expect(page).to_have_title("Signed out · CEvNS workbench")
        page.goto(f"{base}/cevns")
        expect(page).to_have_url(re.compile(r"/login"))
    assert local_only == []
    assert console_errors == []  # no content-security-policy violation either


_MALFORMED = "/cevns?threshold=abc&bogus=1&thr=abc&exp=no_such_preset&np=%7Bbad"


@pytest.mark.ui
def test_malformed_query_string_is_reported_not_a_crash(
    page: Page, local_only: list[str], console_errors: list[str]
) -> None:
    states: list[SessionState] = []
    with serving(states) as base:
        page.goto(base + _MALFORMED)
        expect(page.locator(".bk-Canvas").first).to_be_visible(timeout=30_000)
        for bad in ("thr='abc'", "exp='no_such_preset'"):
            message = page.locator(".notyf__toast").filter(
                has_text=re.compile(rf"invalid URL value.*{re.escape(bad)}")
            )
            expect(message.first).to_be_visible(timeout=15_000)
        page.wait_for_function(
            "() => Array.from(Bokeh.documents[0].all_models).some("
            "m => m.constructor.__name__ === 'Title'"
            " && String(m.text).startsWith('Recoil spectrum'))",
            timeout=30_000,
        )
        default = SessionState()
        assert states and states[-1].experiment == default.experiment
        assert states[-1].threshold == default.threshold
    assert console_errors == []
    assert local_only == []


@pytest.mark.ui
def test_malformed_configuration_files_are_reported(
    page: Page, local_only: list[str], console_errors: list[str], tmp_path: Path
) -> None:
    """Uploads through the served page's websocket: each bad file is a notification naming
    the problem; the session keeps its state and keeps serving (no server error)."""
    from dashboard.config import MAX_CONFIG_BYTES, state_to_config

    files = {
        "not valid JSON": b'{"format": "cevns-dashboard-config", "version": 1, "state": {',
        "not UTF-8": bytes(range(128, 256)) * 8,
        "too large": b" " * (MAX_CONFIG_BYTES + 1) + b"{}",
        "JSON object": b"[1, 2, 3]",
    }
    states: list[SessionState] = []
    with serving(states) as base:
        page.goto(f"{base}/cevns")
        expect(page.locator(".bk-Canvas").first).to_be_visible(timeout=30_000)
        page.locator(".card-header", has_text="Save, load & export").first.click()
        before = states[-1].spec()
        for i, (message, content) in enumerate(files.items()):
            path = tmp_path / f"bad{i}.json"
            path.write_bytes(content)
            page.locator("input[type=file]").first.set_input_files(str(path))
            toast = page.locator(".notyf__toast").filter(has_text=message)
            expect(toast.first).to_be_visible(timeout=15_000)
        # above the upload limit (and above Bokeh's 20 MB websocket message limit, which
        # closes a session): refused in the browser, the session lives on
        huge = tmp_path / "huge.json"
        huge.write_bytes(b" " * 25_000_000)
        page.locator("input[type=file]").first.set_input_files(str(huge))
        expect(page.get_by_text("File is too large").first).to_be_visible()
        assert states[-1].spec() == before
        good = tmp_path / "good.json"
        cfg = state_to_config(states[-1])
        cfg["experiment"]["exposure"]["mass_kg"] = 3.0
        good.write_text(json.dumps(cfg))
        page.locator("input[type=file]").first.set_input_files(str(good))
        loaded = page.locator(".notyf__toast").filter(has_text="Configuration loaded")
        expect(loaded.first).to_be_visible(timeout=15_000)
        assert states[-1].mass_kg == 3.0
    assert console_errors == []
    assert local_only == []
