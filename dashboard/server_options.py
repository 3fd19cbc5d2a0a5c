"""Options of the served dashboard: validated keyword arguments for Panel's server.

:func:`server_kwargs` turns the options of ``cevns serve`` (:mod:`dashboard.server_cli`) into the
keyword arguments of ``pn.serve`` and refuses invalid ones with a :class:`ServeError`;
:func:`websocket_origins` gives the origins allowed by default; :func:`health_handler` is the
``/health`` endpoint. The defaults are described in :mod:`dashboard.server`. Nothing here
imports Panel or Tornado at import time.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import secrets
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cevns_core import __version__
from cevns_core.errors import CevnsError

from .limits import DEFAULT_LIMITS, Limits

__all__ = [
    "APP_NAME",
    "DEFAULT_ADDRESS",
    "DEFAULT_CHECK_UNUSED_SESSIONS_MS",
    "DEFAULT_PORT",
    "DEFAULT_SESSION_TOKEN_EXPIRATION_S",
    "DEFAULT_UNUSED_SESSION_LIFETIME_MS",
    "HEALTH_PATH",
    "LIVENESS_PATH",
    "ServeError",
    "health_handler",
    "server_kwargs",
    "websocket_origins",
]

log = logging.getLogger("dashboard.server")

#: URL path of the page: ``http://HOST:PORT[/PREFIX]/cevns``.
APP_NAME = "cevns"
DEFAULT_PORT = 5006
DEFAULT_ADDRESS = "127.0.0.1"
#: A session with no open connection is discarded after this many milliseconds (Bokeh: 15 000).
DEFAULT_UNUSED_SESSION_LIFETIME_MS = 60_000
#: How often unused sessions are looked for, in milliseconds (Bokeh: 17 000).
DEFAULT_CHECK_UNUSED_SESSIONS_MS = 10_000
#: Seconds within which a served page must open its websocket (Bokeh's default).
DEFAULT_SESSION_TOKEN_EXPIRATION_S = 300
#: Largest HTTP request body (the login form) and request head (URL, cookies), in bytes.
HTTP_MAX_BODY_BYTES = 65_536
HTTP_MAX_HEADER_BYTES = 65_536
#: Seconds an HTTP connection may stay idle, or take to send a request body.
HTTP_IDLE_TIMEOUT_S = 60
#: Endpoints answered without login.
LIVENESS_PATH = "liveness"
HEALTH_PATH = "/health"

_BASIC_AUTH_ENV = "PANEL_BASIC_AUTH"
_COOKIE_SECRET_ENV = "PANEL_COOKIE_SECRET"
_LOOPBACK_NAMES = ("localhost", "127.0.0.1")
_ANY_ADDRESS = ("0.0.0.0", "::", "")


class ServeError(CevnsError):
    """A server option is invalid (or the server cannot start); the message says what to do."""


# ------------------------------------------------------------------------------------ options
def _host_for_url(host: str) -> str:
    try:
        if ipaddress.ip_address(host).version == 6:
            return f"[{host}]"
    except ValueError:
        pass
    return host


def _is_loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def websocket_origins(address: str, port: int, extra: Sequence[str] = ()) -> list[str]:
    """The websocket origins allowed by default, plus ``extra``.

    Browsers send the host (and port) of the page as the websocket's origin: the listen
    ``address:port`` and ``localhost:port`` / ``127.0.0.1:port`` are always allowed; when listening
    on all interfaces the machine's host name too (never looked up in DNS). A page reached through
    a proxy or another name needs that name in ``extra``.

    Examples
    --------
    >>> websocket_origins("127.0.0.1", 5006)
    ['127.0.0.1:5006', 'localhost:5006']
    >>> websocket_origins("::1", 8080, ["lab.example.org"])
    ['[::1]:8080', 'localhost:8080', '127.0.0.1:8080', 'lab.example.org']
    """
    hosts: list[str] = []
    if address not in _ANY_ADDRESS:
        hosts.append(_host_for_url(address))
    hosts += _LOOPBACK_NAMES
    if address in _ANY_ADDRESS:
        hosts.append(socket.gethostname())
    origins = [f"{host}:{port}" for host in hosts]
    origins += [origin.strip() for origin in extra if origin.strip()]
    return list(dict.fromkeys(origins))


def _check_basic_auth(value: str) -> str:
    """A users file must be a JSON object of user names to passwords (checked before starting)."""
    path = Path(value)
    if not path.is_file():
        if value.endswith(".json") or "/" in value or os.sep in value or value.startswith("~"):
            raise ServeError(
                f"--basic-auth: the users file {value!r} does not exist (a value with '/' or "
                "ending in .json is read as a file name, never used as the password)"
            )
        if len(value) < 8:
            log.warning("the basic-auth password is shorter than 8 characters")
        return value
    try:
        users = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ServeError(f"--basic-auth: cannot read the users file {value!r}: {exc}") from None
    if (
        not isinstance(users, dict)
        or not users
        or not all(isinstance(k, str) and isinstance(v, str) and v for k, v in users.items())
    ):
        raise ServeError(
            f"--basic-auth: the users file {value!r} must hold a JSON object "
            '{"user": "password", ...} with at least one user and non-empty passwords'
        )
    return str(path.resolve())


def server_kwargs(
    *,
    port: int = DEFAULT_PORT,
    address: str = DEFAULT_ADDRESS,
    allow_websocket_origin: Sequence[str] = (),
    num_procs: int = 1,
    unused_session_lifetime_ms: int = DEFAULT_UNUSED_SESSION_LIFETIME_MS,
    check_unused_sessions_ms: int = DEFAULT_CHECK_UNUSED_SESSIONS_MS,
    session_token_expiration_s: int = DEFAULT_SESSION_TOKEN_EXPIRATION_S,
    basic_auth: str | None = None,
    cookie_secret: str | None = None,
    prefix: str | None = None,
    use_xheaders: bool = False,
    admin: bool = False,
    warm: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    environ: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Validated keyword arguments for ``pn.serve`` (no server is started).

    ``basic_auth``/``cookie_secret`` fall back to ``PANEL_BASIC_AUTH``/``PANEL_COOKIE_SECRET`` in
    ``environ`` (default :data:`os.environ`). ``limits`` sets the websocket message size and
    the HTTP server's buffers (the other limits are checked by :class:`dashboard.guard.Guard`).
    Raises :class:`ServeError` on invalid options.
    """
    env = os.environ if environ is None else environ
    if not 0 <= port <= 65535:
        raise ServeError(f"--port must be in 0..65535, got {port}")
    if num_procs < 1:
        raise ServeError(f"--num-procs must be ≥ 1, got {num_procs}")
    if num_procs > 1 and warm:
        raise ServeError("--warm runs the page before the workers fork: use it with --num-procs 1")
    if num_procs > 1 and sys.platform == "win32":  # pragma: no cover
        raise ServeError("--num-procs > 1 is not supported on Windows")
    if unused_session_lifetime_ms < 1000 or check_unused_sessions_ms < 100:
        raise ServeError(
            "--unused-session-lifetime must be ≥ 1000 ms and --check-unused-sessions ≥ 100 ms"
        )
    if session_token_expiration_s < 1:
        raise ServeError("--session-token-expiration must be ≥ 1 s")

    env_secret = env.get(_COOKIE_SECRET_ENV)
    if cookie_secret and env_secret and cookie_secret != env_secret:
        raise ServeError(
            f"give the cookie secret either as --cookie-secret or as {_COOKIE_SECRET_ENV}, "
            "not both (Panel would use the environment variable)"
        )
    cookie_secret = cookie_secret or env_secret or None
    basic_auth = basic_auth or env.get(_BASIC_AUTH_ENV) or None

    kwargs: dict[str, Any] = {
        "port": port,
        "address": address,
        "websocket_origin": websocket_origins(address, port, allow_websocket_origin),
        "liveness": LIVENESS_PATH,
        "title": "CEvNS workbench",
        "unused_session_lifetime_milliseconds": unused_session_lifetime_ms,
        "check_unused_sessions_milliseconds": check_unused_sessions_ms,
        "session_token_expiration": session_token_expiration_s,
        "extra_patterns": [(HEALTH_PATH, health_handler())],
        "admin": admin,
        "warm": warm,
        "use_xheaders": use_xheaders,
        "websocket_max_message_size": limits.max_message_bytes,
        "http_server_kwargs": {
            # the only request with a body is the login form
            "max_body_size": HTTP_MAX_BODY_BYTES,
            "max_header_size": HTTP_MAX_HEADER_BYTES,
            # what one connection may make the server buffer (a websocket message and more)
            "max_buffer_size": limits.max_message_bytes + 2**20,
            "idle_connection_timeout": HTTP_IDLE_TIMEOUT_S,
            "body_timeout": HTTP_IDLE_TIMEOUT_S,
        },
    }
    if num_procs > 1:
        kwargs["num_procs"] = num_procs
    if prefix and prefix.strip("/"):
        kwargs["prefix"] = prefix.strip("/")
    if basic_auth:
        kwargs["basic_auth"] = _check_basic_auth(basic_auth)
        if not cookie_secret:
            cookie_secret = secrets.token_urlsafe(32)
            log.warning(
                "basic auth without a cookie secret: using a random one for this run (logins end "
                "when the server restarts; set --cookie-secret or %s to keep them)",
                _COOKIE_SECRET_ENV,
            )
    if cookie_secret:
        if len(cookie_secret) < 16:
            raise ServeError("the cookie secret must have at least 16 characters")
        kwargs["cookie_secret"] = cookie_secret
    if not _is_loopback(address) and not basic_auth:
        log.warning(
            "serving on %s without a password: anyone who can reach this port can use the page "
            "(use --basic-auth, or a reverse proxy with its own login)",
            address or "all interfaces",
        )
    return kwargs


# ------------------------------------------------------------------------------------ health
def health_handler() -> type:
    """A tornado handler answering ``{"status": "ok", "version", "sessions", "spare_pages",
    "pid"}`` as JSON.

    ``sessions`` counts the live Bokeh sessions of the answering process (with ``--num-procs`` each
    worker answers for itself), ``spare_pages`` its pages built ahead for the next visitors
    (:mod:`dashboard.spare_pages`, not sessions yet). No login is needed, like Panel's
    ``/liveness``.
    """
    from tornado.web import RequestHandler

    from .spare_pages import visitor_sessions

    class HealthHandler(RequestHandler):
        def get(self) -> None:
            contexts = getattr(self.application, "applications", {}) or {}
            visitors, spares = visitor_sessions(
                ctx for path, ctx in contexts.items() if path != "/admin"
            )
            sessions = len(visitors)
            self.set_header("Content-Type", "application/json")
            self.set_header("Cache-Control", "no-store")
            self.write(
                json.dumps(
                    {
                        "status": "ok",
                        "version": __version__,
                        "sessions": sessions,
                        "spare_pages": spares,
                        "pid": os.getpid(),
                    }
                )
            )

    return HealthHandler
