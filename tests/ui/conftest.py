"""Browser-test fixtures: Debian's chromium, a live dashboard server per test, error guards."""

from __future__ import annotations

import asyncio
import logging
import shutil
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field

import panel as pn
import pytest

from dashboard.app import create_app
from dashboard.state import SessionState


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's chromium (``playwright install`` cannot download browsers here)."""
    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium") or "/usr/bin/chromium",
    }


@dataclass
class LiveApp:
    """A running dashboard server and the session states it created (one per page load)."""

    url: str
    states: list[SessionState] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_liveness(port: int, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/liveness", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"dashboard server on port {port} did not come up")
        time.sleep(0.1)


@pytest.fixture
def live_app(request: pytest.FixtureRequest) -> Iterator[LiveApp]:
    """Serve ``create_app`` on a free loopback port; the states of the sessions are recorded.

    At the end the test's page is closed before the server stops: a server stopped while it
    still sends a page its last updates leaves those sends unawaited (a RuntimeWarning).
    """
    port = _free_port()
    app = LiveApp(url=f"http://127.0.0.1:{port}/")

    def factory() -> pn.template.FastListTemplate:
        state = SessionState()
        app.states.append(state)
        return create_app(state)

    server = pn.serve(
        factory,
        port=port,
        address="127.0.0.1",
        threaded=True,
        show=False,
        liveness=True,
        websocket_origin=[f"127.0.0.1:{port}"],
    )
    try:
        _wait_for_liveness(port)
        yield app
    finally:
        if "page" in request.fixturenames:
            request.getfixturevalue("page").close()
            time.sleep(0.3)  # the server sees the socket close and ends the session's sends
        server.stop()
        server.join(timeout=30)  # let it stop before pn.state.reset() kills what is left


@pytest.fixture
def console_errors(page) -> list[str]:
    """Console errors of the page (collected from the moment the fixture is requested)."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.fixture
def external_requests(page) -> list[str]:
    """Requests the page makes to anything but the local server (the page must make none)."""
    urls: list[str] = []

    def record(request) -> None:
        url = request.url
        if not url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            urls.append(url)

    page.on("request", record)
    return urls


@pytest.fixture(autouse=True)
def _reset_panel_state() -> Iterator[None]:
    yield
    pn.state.reset()


@pytest.fixture(autouse=True)
def fail_on_server_errors(caplog) -> Iterator[None]:
    """Server-side callback errors only reach the log: fail the test on them.

    A websocket handler cancelled because a test stopped its server while the page was still
    connected (``asyncio.CancelledError`` logged by tornado) is shutdown noise, not an error.
    """
    yield
    bad = [
        r.getMessage()
        for r in caplog.get_records("call")
        if r.levelno >= logging.WARNING
        and ("Callable raised" in r.getMessage() or r.exc_info)
        and not (r.exc_info and isinstance(r.exc_info[1], asyncio.CancelledError))
    ]
    assert not bad, bad
