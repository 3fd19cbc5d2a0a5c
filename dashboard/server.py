"""Served lab mode: the dashboard behind Panel's server with safe defaults.

``cevns serve`` and ``python -m dashboard`` both end here (:func:`main`), and both accept the
options of :func:`add_serve_arguments`. The server logic itself is :func:`serve`, which builds
Panel's server for ``{"cevns": create_app}`` programmatically (no script path to resolve).

Defaults (each can be changed on the command line):

* listen on ``127.0.0.1:5006`` only; another interface only when ``--address`` is given;
* websocket connections only from the listen ``host:port`` and its ``localhost`` /
  ``127.0.0.1`` forms (plus the host name when listening on all interfaces); more with the
  repeatable ``--allow-websocket-origin`` (for a reverse proxy: its public ``host[:port]``);
* sessions without a connection are dropped after 60 s (``--unused-session-lifetime``, ms),
  checked every 10 s (``--check-unused-sessions``, ms); a page must open its websocket within
  300 s of being served (``--session-token-expiration``, s);
* health checks without login: ``/liveness`` (Panel) and ``/health`` (JSON ``{"status": "ok",
  "version": ..., "sessions": n, "pid": ...}``; the sessions of the answering process);
* no password unless ``--basic-auth`` (a password, or a JSON file ``{"user": "password"}``) or the
  ``PANEL_BASIC_AUTH`` environment variable is given (a value with ``/`` or ending in ``.json``
  that is not a file is an error, never the password). Logins are signed with
  ``--cookie-secret`` / ``PANEL_COOKIE_SECRET``; without one a random secret is generated at each
  start (logins do not survive a restart, a warning says so). It is generated before
  ``--num-procs`` forks, so the worker processes share it; separate instances behind one load
  balancer need a common one. The login pages and rules are :mod:`dashboard.auth`'s;
* limits on what one client may ask (URL and value length, pages and requests per second, open
  sessions, upload and websocket message size; :class:`dashboard.limits.Limits`, options in
  :mod:`dashboard.server_cli`), checked with security headers for every request by
  :class:`dashboard.guard.Guard`, installed on the server before it serves its first request.

Also: nothing is written to disk (the login pages come from the package; logouts are shared by
``--num-procs`` workers in anonymous shared memory), so a killed server leaves no files behind.
With ``--num-procs N`` the workers stop by themselves within a second when the parent process is
killed (Tornado does not pass SIGTERM on). ``panel serve dashboard/app.py --plugins
dashboard.server`` adds ``/health`` to a ``panel serve`` command (e.g. for OAuth, which ``cevns
serve`` does not offer; the limits and the login of this module do not apply there).

Nothing here imports Panel at import time: the ``cevns`` command line builds its ``serve``
sub-command from :func:`add_serve_arguments` without loading Panel.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import os
import secrets
import socket
import sys
from collections.abc import Callable, Sequence
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
    "ServeError",
    "add_serve_arguments",
    "health_handler",
    "limits_from_args",
    "main",
    "run",
    "serve",
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
    """A tornado handler answering ``{"status": "ok", "version", "sessions", "pid"}`` as JSON.

    ``sessions`` counts the live Bokeh sessions of the answering process (with ``--num-procs`` each
    worker answers for itself). No login is needed, like Panel's ``/liveness``.
    """
    from tornado.web import RequestHandler

    class HealthHandler(RequestHandler):
        def get(self) -> None:
            contexts = getattr(self.application, "applications", {}) or {}
            sessions = sum(
                len(list(ctx.sessions)) for path, ctx in contexts.items() if path != "/admin"
            )
            self.set_header("Content-Type", "application/json")
            self.set_header("Cache-Control", "no-store")
            self.write(
                json.dumps(
                    {
                        "status": "ok",
                        "version": __version__,
                        "sessions": sessions,
                        "pid": os.getpid(),
                    }
                )
            )

    return HealthHandler


def __getattr__(name: str) -> Any:
    """``ROUTES``: the health endpoint for ``panel serve ... --plugins dashboard.server``.

    Created on first access, so that importing this module does not import tornado.
    """
    if name == "ROUTES":
        return [(HEALTH_PATH, health_handler())]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ------------------------------------------------------------------------------------ serving
def serve(
    app: Callable[[], Any] | None = None,
    *,
    threaded: bool = False,
    show: bool = False,
    num_threads: int | None = None,
    reuse_sessions: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    **options: Any,
) -> Any:
    """Serve ``app`` (default :func:`dashboard.app.create_app`) at ``/cevns``.

    ``options`` are those of :func:`server_kwargs`; ``limits`` are checked for every request
    (:class:`dashboard.guard.Guard`) and, with a password, govern the login
    (:class:`dashboard.auth.LoginManager`). With ``threaded=True`` the server runs in a thread and
    the thread is returned (``.stop()`` ends it; one process only); otherwise this call blocks
    until the server stops (Ctrl-C, SIGTERM).
    """
    kwargs = server_kwargs(limits=limits, **options)
    if threaded and kwargs.get("num_procs", 1) > 1:
        raise ServeError("a threaded server runs in one process: use num_procs=1")

    import panel as pn

    from .auth import LoginManager, token_exclusions
    from .guard import Guard, install_log_filters
    from .upload import set_upload_limits

    if app is None:
        from dashboard.app import create_app as app
    if num_threads is not None:
        if num_threads < 0:
            raise ServeError(f"--num-threads must be ≥ 0, got {num_threads}")
        pn.config.nthreads = num_threads
    if reuse_sessions:
        pn.config.reuse_sessions = True
    prefix = f"/{kwargs['prefix']}" if "prefix" in kwargs else ""
    login = None
    basic_auth = kwargs.pop("basic_auth", None)
    if basic_auth:
        # our own login pages and checks instead of Panel's basic auth (made before the
        # workers fork: they share the record of logouts)
        login = LoginManager(basic_auth, kwargs["cookie_secret"], limits, prefix=prefix)
        kwargs["auth_provider"] = login.auth_provider()
        kwargs["extra_patterns"] = [*kwargs["extra_patterns"], *login.extra_patterns()]
        kwargs.update(token_exclusions())
    guard = Guard(limits, login=login)
    install_log_filters()
    set_upload_limits(limits)
    host = _host_for_url(kwargs["address"] or "0.0.0.0")
    if threaded:
        return _serve_in_thread({APP_NAME: app}, guard, show=show, **kwargs)
    print(
        f"CEvNS workbench on http://{host}:{kwargs['port']}{prefix}/{APP_NAME}  "
        f"(health: {prefix}{HEALTH_PATH}, {prefix}/{LIVENESS_PATH})",
        flush=True,
    )
    parent = os.getpid()
    try:
        # with num_procs > 1 the workers are forked in here; the parent stays in tornado's
        # fork_processes (restarting workers that die) and never returns from this call
        server = pn.serve({APP_NAME: app}, show=show, start=False, verbose=False, **kwargs)
    except OSError as exc:
        raise ServeError(
            f"cannot listen on {host}:{kwargs['port']}: {exc.strerror or exc}"
        ) from None
    guard.install(server)
    if os.getpid() != parent:
        _stop_when_orphaned(server, parent)
    server.start()
    server.io_loop.start()
    return None


def _serve_in_thread(apps: dict[str, Any], guard: Any, **kwargs: Any) -> Any:
    """``pn.serve(..., threaded=True)`` with the guard installed before the first request."""
    import uuid

    import panel as pn
    from panel.io.server import get_server
    from panel.io.threads import StoppableThread
    from tornado.ioloop import IOLoop

    loop = IOLoop(make_current=False)
    server_id = uuid.uuid4().hex

    def run_server(**options: Any) -> Any:
        server = get_server(apps, start=False, **options)
        guard.install(server)
        server.start()
        with contextlib.suppress(RuntimeError):  # the loop was stopped by .stop()
            server.io_loop.start()
        return server

    thread = StoppableThread(
        target=run_server,
        io_loop=loop,
        owns_loop=True,
        kwargs={**kwargs, "loop": loop, "server_id": server_id, "verbose": False},
    )
    pn.state._threads[server_id] = thread
    thread.start()
    return thread


def _stop_when_orphaned(server: Any, parent: int, period_ms: int = 1000) -> None:
    """A ``--num-procs`` worker stops once its parent is gone.

    Tornado's parent process does not pass SIGTERM on to its workers: without this, ``kill PARENT``
    would leave the workers serving the port.
    """
    from tornado.ioloop import PeriodicCallback

    def check() -> None:
        if os.getppid() != parent:
            log.info("worker %d: the parent process %d is gone, stopping", os.getpid(), parent)
            server.io_loop.stop()

    PeriodicCallback(check, period_ms).start()


# the command line lives in its own module; its names are part of this one's interface
from .server_cli import add_serve_arguments, limits_from_args, main, run  # noqa: E402
