"""Helpers for tests against a served dashboard (``dashboard.server.serve`` in a thread).

* :func:`serving` — a server on a free loopback port, always stopped;
* :class:`Client` — HTTP with cookies, no redirects followed, extra headers (``X-Real-Ip`` makes
  a request come from another client when the server trusts ``--use-xheaders``);
* :class:`PageConnection` — a page's websocket speaking Bokeh's protocol directly (what a
  hand-written client can send, valid or not), used from coroutines run by :func:`run_async`.
"""

from __future__ import annotations

import asyncio
import gc
import http.client
import http.cookiejar
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from typing import Any, ClassVar

import panel as pn

from dashboard import server
from dashboard.app import create_app
from dashboard.limits import Limits
from dashboard.state import SessionState

__all__ = [
    "HOST",
    "Client",
    "PageConnection",
    "free_port",
    "raw_get",
    "run_async",
    "serving",
    "wait_until_up",
]

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_until_up(base: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"{base}/liveness", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"no server at {base}")
        time.sleep(0.1)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx becomes an HTTPError we can inspect


class Client:
    """HTTP on loopback with cookies, without following redirects.

    ``headers`` are sent with every request (e.g. ``{"X-Real-Ip": "10.0.0.2"}``).
    """

    def __init__(self, base: str, headers: dict[str, str] | None = None) -> None:
        self.base = base
        self.headers = dict(headers or {})
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, Message, str]:
        body = None if data is None else urllib.parse.urlencode(data).encode()
        url = urllib.parse.urljoin(f"{self.base}/cevns", path)  # also relative redirects
        request = urllib.request.Request(url, data=body, headers=self.headers)
        try:
            with self.opener.open(request, timeout=60) as r:
                return r.status, r.headers, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, exc.headers, exc.read().decode("utf-8", "replace")

    def cookie(self, name: str) -> http.cookiejar.Cookie | None:
        return next((c for c in self.cookies if c.name == name), None)

    def login(self, user: str, password: str, next_url: str = "") -> tuple[int, Message, str]:
        return self.request("/login", {"username": user, "password": password, "next": next_url})


def raw_get(
    base: str, target: str, headers: dict[str, str] | None = None
) -> tuple[int | None, str]:
    """GET ``target`` as given (no quoting); ``(None, why)`` if the server closed the connection."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.putrequest("GET", target, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    except (ConnectionError, http.client.HTTPException, OSError) as exc:
        return None, type(exc).__name__
    finally:
        connection.close()


def run_async(coroutine: Any) -> Any:
    """Run ``coroutine`` to its end in a thread with its own event loop; its result.

    Tests that talk to a page's websocket are coroutines; run this way they need no event loop of
    the test session's (Playwright's synchronous API keeps one running in the main thread).
    """
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["result"] = asyncio.run(coroutine)
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="websocket-test")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


@contextmanager
def serving(
    states: list[SessionState] | None = None, *, limits: Limits | None = None, **options: Any
) -> Iterator[str]:
    """``dashboard.server.serve`` in a thread on a free port; yields the base URL.

    Failed logins are not throttled unless ``limits`` says so (tests of throttling do).
    """
    port = free_port()
    options["limits"] = limits if limits is not None else Limits(login_delay_s=0.0)

    def app() -> Any:
        state = SessionState()
        if states is not None:
            states.append(state)
        return create_app(state)

    thread = server.serve(app, threaded=True, port=port, address=HOST, environ={}, **options)
    base = f"http://{HOST}:{port}"
    try:
        wait_until_up(base)
        yield base
    finally:
        for connection in list(PageConnection.opened):
            connection.close()
        # a session still updating its page when the server stops leaves Bokeh's queued sends
        # unawaited: shutdown noise of a test server, collected here rather than in a later test
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "coroutine .* was never awaited", RuntimeWarning)
            thread.stop()
            thread.join(timeout=30)
            gc.collect()
        pn.config.cookie_secret = None  # pn.serve sets it globally


class PageConnection:
    """A page's websocket, speaking Bokeh's wire protocol: three text frames per message
    (header, metadata, content), then a text frame and a binary frame per buffer."""

    #: Connections not closed yet (closed when their server stops).
    opened: ClassVar[list[PageConnection]] = []

    def __init__(self, connection: Any, models: dict[str, dict[str, Any]]) -> None:
        self.connection = connection
        self.models = models
        PageConnection.opened.append(self)

    @classmethod
    async def open(cls, client: Client, path: str = "/cevns") -> PageConnection:
        """Load the page at ``path`` and open its websocket."""
        status, _, page = client.request(path)
        assert status == 200, status
        return await cls.connect(client, re.search(r'"token":\s*"([^"]+)"', page).group(1), path)

    @classmethod
    async def connect(cls, client: Client, token: str, path: str = "/cevns") -> PageConnection:
        """Open the websocket of the page whose session ``token`` is given."""
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        headers = {**client.headers, "Origin": client.base}
        cookies = "; ".join(f"{c.name}={c.value}" for c in client.cookies)
        if cookies:
            headers["Cookie"] = cookies
        url = client.base.replace("http", "ws", 1) + path + "/ws"
        connection = await websocket_connect(
            HTTPRequest(url, headers=headers),
            subprotocols=["bokeh", token],
            max_message_size=64 * 2**20,
        )
        self = cls(connection, {})
        await self.receive()  # ACK
        await self.send("PULL-DOC-REQ", {})
        reply = await self.receive()
        while reply["header"]["msgtype"] != "PULL-DOC-REPLY":  # patches may come first
            reply = await self.receive()
        self._collect(reply["content"]["doc"]["roots"])
        return self

    def _collect(self, obj: Any) -> None:
        if isinstance(obj, dict):
            if obj.get("type") == "object" and "id" in obj and "name" in obj:
                self.models[obj["id"]] = obj
            for value in obj.values():
                self._collect(value)
        elif isinstance(obj, list):
            for value in obj:
                self._collect(value)

    def find(self, name: str, **attributes: Any) -> str:
        """The id of the first model whose type ends with ``name`` and has ``attributes``."""
        for model in self.models.values():
            attrs = model.get("attributes", {})
            matches = all(attrs.get(k) == v for k, v in attributes.items())
            if model["name"].endswith(name) and matches:
                return model["id"]
        raise LookupError(f"no {name} model with {attributes}")

    async def receive(self) -> dict[str, Any]:
        frames = []
        for _ in range(3):
            frame = await self.connection.read_message()
            if frame is None:
                raise ConnectionError(self.close_reason)
            frames.append(json.loads(frame))
        for _ in range(2 * frames[0].get("num_buffers", 0)):
            await self.connection.read_message()
        return {"header": frames[0], "content": frames[2]}

    async def send(
        self, msgtype: str, content: dict[str, Any], buffers: list[tuple[dict, bytes]] = ()
    ) -> None:
        header: dict[str, Any] = {"msgid": uuid.uuid4().hex, "msgtype": msgtype}
        if buffers:
            header["num_buffers"] = len(buffers)
        for frame in (header, {}, content):
            await self.connection.write_message(json.dumps(frame))
        for ref, data in buffers:
            await self.connection.write_message(json.dumps(ref))
            await self.connection.write_message(data, binary=True)

    async def ready(self) -> None:
        """What a browser sends once the page is rendered (Panel's onload callbacks run)."""
        event = {"type": "event", "name": "document_ready", "values": {"type": "map"}}
        await self.send(
            "PATCH-DOC",
            {"events": [{"kind": "MessageSent", "msg_type": "bokeh_event", "msg_data": event}]},
        )

    async def change(self, model_id: str, attr: str, new: Any) -> None:
        event = {"kind": "ModelChanged", "model": {"id": model_id}, "attr": attr, "new": new}
        await self.send("PATCH-DOC", {"events": [event]})

    async def upload_chunk(self, dropper_id: str, name: str, chunk: int, total: int, data: bytes):
        """One chunk of Panel's FileDropper upload, as the browser sends it."""
        buffer_id = uuid.uuid4().hex
        event = {
            "kind": "MessageSent",
            "msg_type": "bokeh_event",
            "msg_data": {
                "type": "event",
                "name": "upload_event",
                "values": {
                    "type": "map",
                    "entries": [
                        ["model", {"id": dropper_id}],
                        [
                            "data",
                            {
                                "type": "map",
                                "entries": [
                                    ["chunk", chunk],
                                    ["data", {"type": "bytes", "data": {"id": buffer_id}}],
                                    ["name", name],
                                    ["total_chunks", total],
                                    ["type", "application/json"],
                                ],
                            },
                        ],
                    ],
                },
            },
        }
        await self.send("PATCH-DOC", {"events": [event]}, [({"id": buffer_id}, data)])

    async def closed(self, timeout_s: float = 30.0) -> tuple[int | None, str | None]:
        """Wait for the server to close the connection; its close code and reason.

        ``(None, None)`` means the server dropped the connection without a close frame
        (Tornado does this when it aborts at once, e.g. for an oversized message whose
        close frame cannot be flushed); a connection still open after ``timeout_s``
        raises ``TimeoutError``.
        """
        import asyncio

        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                message = await asyncio.wait_for(self.connection.read_message(), timeout=1.0)
            except TimeoutError:
                continue
            if message is None:
                return self.connection.close_code, self.connection.close_reason
        raise TimeoutError(f"the server kept the connection open for {timeout_s} s")

    @property
    def close_reason(self) -> str:
        return f"closed: {self.connection.close_code} {self.connection.close_reason}"

    def close(self) -> None:
        self.connection.close()
        if self in PageConnection.opened:
            PageConnection.opened.remove(self)
