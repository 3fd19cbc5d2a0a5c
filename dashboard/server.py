"""Served lab mode: the dashboard behind Panel's server with safe defaults.

``cevns serve`` and ``python -m dashboard`` both end here (:func:`main`), and both accept the
options of :func:`add_serve_arguments`. The server logic itself is :func:`serve`, which calls
``pn.serve({"cevns": create_app}, ...)`` programmatically (no script path to resolve).

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
  ``PANEL_BASIC_AUTH`` environment variable is given. Logins are signed with ``--cookie-secret`` /
  ``PANEL_COOKIE_SECRET``; without one a random secret is generated at each start (logins do
  not survive a restart, a warning says so). It is generated before ``--num-procs`` forks, so the
  worker processes share it; separate instances behind one load balancer need a common one.

Also: with ``--basic-auth`` Panel's login/logout pages are served without Panel's CDN (like
the dashboard itself, they request nothing outside the server). With ``--num-procs N`` the
workers stop by themselves within a second when the parent process is killed (Tornado does not
pass SIGTERM on). ``panel serve dashboard/app.py --plugins dashboard.server`` adds ``/health`` to
a ``panel serve`` command (e.g. for OAuth, which ``cevns serve`` does not offer).

Nothing here imports Panel at import time: the ``cevns`` command line builds its ``serve``
sub-command from :func:`add_serve_arguments` without loading Panel.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import ipaddress
import json
import logging
import os
import re
import secrets
import socket
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from cevns_core import __version__
from cevns_core.errors import CevnsError

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
    "main",
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
        if value.endswith(".json"):
            raise ServeError(f"--basic-auth: the users file {value!r} does not exist")
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
    environ: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Validated keyword arguments for ``pn.serve`` (no server is started).

    ``basic_auth``/``cookie_secret`` fall back to ``PANEL_BASIC_AUTH``/``PANEL_COOKIE_SECRET`` in
    ``environ`` (default :data:`os.environ`). Raises :class:`ServeError` on invalid options.
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
    **options: Any,
) -> Any:
    """Serve ``app`` (default :func:`dashboard.app.create_app`) at ``/cevns``.

    ``options`` are those of :func:`server_kwargs`. With ``threaded=True`` the server runs in a
    thread and the thread is returned (``.stop()`` ends it; one process only); otherwise this
    call blocks until the server stops (Ctrl-C).
    """
    kwargs = server_kwargs(**options)
    if threaded and kwargs.get("num_procs", 1) > 1:
        raise ServeError("a threaded server runs in one process: use num_procs=1")

    import panel as pn

    if app is None:
        from dashboard.app import create_app as app
    if num_threads is not None:
        if num_threads < 0:
            raise ServeError(f"--num-threads must be ≥ 0, got {num_threads}")
        pn.config.nthreads = num_threads
    if reuse_sessions:
        pn.config.reuse_sessions = True
    prefix = f"/{kwargs['prefix']}" if "prefix" in kwargs else ""
    if "basic_auth" in kwargs:
        kwargs.update(_offline_auth_templates(prefix))
    host = _host_for_url(kwargs["address"] or "0.0.0.0")
    if not threaded:
        print(
            f"CEvNS workbench on http://{host}:{kwargs['port']}{prefix}/{APP_NAME}  "
            f"(health: {prefix}{HEALTH_PATH}, {prefix}/{LIVENESS_PATH})",
            flush=True,
        )
    if threaded:
        return pn.serve({APP_NAME: app}, show=show, threaded=True, verbose=False, **kwargs)
    parent = os.getpid()
    try:
        # with num_procs > 1 the workers are forked in here; the parent stays in tornado's
        # fork_processes (restarting workers that die) and never returns from this call
        server = pn.serve({APP_NAME: app}, show=show, start=False, verbose=False, **kwargs)
    except OSError as exc:
        raise ServeError(
            f"cannot listen on {host}:{kwargs['port']}: {exc.strerror or exc}"
        ) from None
    if os.getpid() != parent:
        _stop_when_orphaned(server, parent)
    server.start()
    server.io_loop.start()
    return None


def _offline_auth_templates(prefix: str) -> dict[str, str]:
    """Panel's login and logout pages, with its CDN replaced by the server's own static files.

    Panel's templates load the favicon and logo from ``cdn.holoviz.org``; the dashboard requests
    nothing outside the server (a lab may have no internet). The rewritten templates are
    temporary files, read once when the server starts and removed when the process exits.
    """
    import panel

    static = f"{prefix}/static/extensions/panel/"
    templates = Path(panel.__file__).resolve().parent / "_templates"
    out: dict[str, str] = {}
    for option, name in (
        ("login_template", "basic_login.html"),
        ("logout_template", "logout.html"),
    ):
        try:
            text = (templates / name).read_text(encoding="utf-8")
        except OSError:  # another Panel layout: keep Panel's own page
            continue
        text = re.sub(r"\{\{\s*PANEL_CDN\s*\}\}", static, text)
        fd, path = tempfile.mkstemp(prefix="cevns-", suffix=f"-{name}")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        atexit.register(_remove, path)
        out[option] = path
    return out


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


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


# ------------------------------------------------------------------------------------ command line
def add_serve_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the server options to ``parser`` (``cevns serve`` and ``python -m dashboard``)."""
    net = parser.add_argument_group("network")
    net.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    net.add_argument(
        "--address",
        default=DEFAULT_ADDRESS,
        help=f"listen address (default {DEFAULT_ADDRESS}: this machine only; 0.0.0.0: all)",
    )
    net.add_argument(
        "--allow-websocket-origin",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="extra allowed websocket origin, e.g. the public name of a reverse proxy "
        "(repeatable; the listen host:port and localhost forms are always allowed)",
    )
    net.add_argument(
        "--prefix", default=None, help="URL prefix, e.g. 'cevns-lab' behind a reverse proxy"
    )
    net.add_argument(
        "--use-xheaders",
        action="store_true",
        help="trust X-Real-Ip/X-Forwarded-For/X-Forwarded-Proto (only behind a proxy)",
    )
    net.add_argument("--show", action="store_true", help="open a browser tab")

    work = parser.add_argument_group("processes and sessions")
    work.add_argument(
        "--num-procs",
        type=int,
        default=1,
        help="worker processes sharing the port (default 1; each has its own memory and caches)",
    )
    work.add_argument(
        "--num-threads",
        type=int,
        default=None,
        help="threads for callbacks in each process (default: callbacks on the event loop)",
    )
    work.add_argument(
        "--unused-session-lifetime",
        type=int,
        default=DEFAULT_UNUSED_SESSION_LIFETIME_MS,
        metavar="MS",
        help="drop a session this long after its last connection closed "
        f"(default {DEFAULT_UNUSED_SESSION_LIFETIME_MS} ms)",
    )
    work.add_argument(
        "--check-unused-sessions",
        type=int,
        default=DEFAULT_CHECK_UNUSED_SESSIONS_MS,
        metavar="MS",
        help="how often to look for unused sessions "
        f"(default {DEFAULT_CHECK_UNUSED_SESSIONS_MS} ms)",
    )
    work.add_argument(
        "--session-token-expiration",
        type=int,
        default=DEFAULT_SESSION_TOKEN_EXPIRATION_S,
        metavar="S",
        help="a served page must connect within this many seconds "
        f"(default {DEFAULT_SESSION_TOKEN_EXPIRATION_S})",
    )
    work.add_argument(
        "--reuse-sessions",
        action="store_true",
        help="serve new pages from a rendered first session (faster page loads)",
    )
    work.add_argument(
        "--warm", action="store_true", help="build the page once before serving (num-procs 1)"
    )
    work.add_argument(
        "--admin", action="store_true", help="Panel's admin page at /admin (per process)"
    )

    auth = parser.add_argument_group("password protection")
    auth.add_argument(
        "--basic-auth",
        default=None,
        metavar="PASSWORD|USERS.json",
        help=f"require a login: one password, or a JSON file {{user: password}} "
        f"(default: ${_BASIC_AUTH_ENV}; prefer the file or the variable, a password on the "
        "command line is visible in the process list)",
    )
    auth.add_argument(
        "--cookie-secret",
        default=None,
        help=f"secret that signs the login cookie (default: ${_COOKIE_SECRET_ENV}; "
        "else random per start). Create one with `panel secret`",
    )
    parser.add_argument(
        "--log-level",
        default="info",
        choices=("debug", "info", "warning", "error"),
        help="server log level (default info)",
    )
    return parser


def run(args: argparse.Namespace) -> None:
    """Serve with the options parsed by :func:`add_serve_arguments` (blocks)."""
    level = getattr(logging, args.log_level.upper())
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("bokeh").setLevel(level)
    serve(
        show=args.show,
        num_threads=args.num_threads,
        reuse_sessions=args.reuse_sessions,
        port=args.port,
        address=args.address,
        allow_websocket_origin=args.allow_websocket_origin,
        num_procs=args.num_procs,
        unused_session_lifetime_ms=args.unused_session_lifetime,
        check_unused_sessions_ms=args.check_unused_sessions,
        session_token_expiration_s=args.session_token_expiration,
        basic_auth=args.basic_auth,
        cookie_secret=args.cookie_secret,
        prefix=args.prefix,
        use_xheaders=args.use_xheaders,
        admin=args.admin,
        warm=args.warm,
    )


def main(argv: Sequence[str] | None = None, *, prog: str = "python -m dashboard") -> int:
    """Parse ``argv`` and serve; an invalid option prints one line and returns 2."""
    parser = argparse.ArgumentParser(
        prog=prog, description="Serve the CEvNS workbench dashboard at http://ADDRESS:PORT/cevns."
    )
    add_serve_arguments(parser)
    args = parser.parse_args(argv)
    try:
        run(args)
    except ServeError as exc:
        sys.stderr.write(f"{prog}: error: {exc}\n")
        return 2
    except KeyboardInterrupt:  # Ctrl-C while tornado's parent process waits for its workers
        return 130
    return 0
