"""Password login of the served dashboard (``cevns serve --basic-auth``).

Replaces Panel's basic-auth pages with the project's own (offline, branded) login and logout
pages and a stricter login:

* ``next`` (where to go after signing in) is accepted only as a path of this server under its
  prefix — kept through the login so that a shared link with its query string still works;
  anything else (``//evil.example``, ``https://…``, back-slashes) becomes the dashboard's path;
* failed sign-ins are throttled per client address and per user name: the next attempt is
  refused for ``--login-delay`` seconds, doubling per failure (at most 60 s);
* the login cookie (``cevns_login``: user, a random login id, a user epoch; signed with the
  cookie secret, ``HttpOnly``, ``SameSite=Lax``, ``Secure`` behind HTTPS) is checked on every
  request: it ends at ``/logout`` (the login id is revoked in memory shared by the worker
  processes), when the user is removed from the users file or their password changes (the epoch
  is a keyed hash of user and password), and after ``--login-expiry`` hours. Open pages of a
  login that ended are disconnected within :data:`RECHECK_S` seconds;
* the login cookie is kept out of the page: the session token Bokeh writes into the page carries
  the request's cookies and headers, so the server is started with ``exclude_cookies`` /
  ``exclude_headers`` (:func:`token_exclusions`). Panel's signed ``user`` cookie (a name only,
  not a credential) stays, so ``pn.state.user`` names who is signed in (:func:`login_badge`).

Tornado and Bokeh are imported when a :class:`LoginManager` is built, not at import.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import logging
import math
import mmap
import multiprocessing
import posixpath
import secrets
import string
import struct
import time
import urllib.parse
from pathlib import Path
from typing import Any

from .limits import Limits, LoginThrottle, client_key
from .text import shown_value

__all__ = [
    "ASSETS_PATH",
    "LOGIN_COOKIE",
    "LOGIN_PATH",
    "LOGOUT_PATH",
    "PAGES_DIR",
    "RECHECK_S",
    "Credentials",
    "LoginManager",
    "Revocations",
    "login_badge",
    "token_exclusions",
]

log = logging.getLogger("dashboard.auth")

LOGIN_COOKIE = "cevns_login"
#: Panel's cookie with the signed user name (``pn.state.user``); not a credential here.
USER_COOKIE = "user"
LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
ASSETS_PATH = "/auth-assets"
PAGES_DIR = Path(__file__).resolve().parent / "pages"
#: Seconds between checks that the logins of open pages are still valid.
RECHECK_S = 5.0
#: Longest user name and password read from the login form.
_MAX_USER, _MAX_PASSWORD = 100, 1000

#: Login pages run no script and load only the server's style sheet and logo.
LOGIN_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def token_exclusions() -> dict[str, list[str]]:
    """Keyword arguments for the Bokeh server: keep the login cookie out of the page's token."""
    return {"exclude_cookies": [LOGIN_COOKIE], "exclude_headers": ["Cookie"]}


# ------------------------------------------------------------------------------------ passwords
class Credentials:
    """The accepted passwords: one shared password (any user name), or a users file
    ``{"user": "password"}`` that is re-read whenever it changes (removing a user ends their
    logins). An unreadable or invalid users file lets nobody in (a warning says why)."""

    def __init__(self, basic_auth: str) -> None:
        path = Path(basic_auth)
        self.path: Path | None = path if path.is_file() else None
        self._password = None if self.path is not None else basic_auth
        self._stamp: tuple[int, int, int] | None = None
        self._users: dict[str, str] = {}

    @property
    def shared_password(self) -> bool:
        return self.path is None

    def password_of(self, user: str) -> str | None:
        """The password of ``user`` (None: no such user)."""
        if self._password is not None:
            return self._password if user else None
        return self._load().get(user)

    def _load(self) -> dict[str, str]:
        assert self.path is not None
        try:
            st = self.path.stat()
        except OSError as exc:
            return self._invalid((0, 0, 0), f"cannot read it ({exc.strerror})")
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        if stamp == self._stamp:
            return self._users
        try:
            users = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            return self._invalid(stamp, f"not valid JSON ({type(exc).__name__})")
        if not isinstance(users, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v for k, v in users.items()
        ):
            return self._invalid(stamp, 'not an object {"user": "password", ...}')
        self._users, self._stamp = users, stamp
        return users

    def _invalid(self, stamp: tuple[int, int, int], why: str) -> dict[str, str]:
        if stamp != self._stamp:
            log.warning("users file %s: %s; nobody can sign in until it is fixed", self.path, why)
        self._users, self._stamp = {}, stamp
        return {}


# ------------------------------------------------------------------------------------ logouts
class Revocations:
    """Login ids ended by ``/logout``, shared by the worker processes of ``--num-procs``.

    A ring of ``slots`` records (16-byte id, expiry time) in anonymous shared memory, created
    before the workers fork, so nothing is written to disk and nothing is left behind. Each
    process keeps a set of the ids it has read; a record outlives its login (``until``).
    """

    _COUNT = struct.Struct("<Q")
    _RECORD = struct.Struct("<16sd")

    def __init__(self, slots: int = 65_536) -> None:
        self.slots = slots
        self._mem = mmap.mmap(-1, self._COUNT.size + slots * self._RECORD.size)
        self._lock = multiprocessing.Lock()
        self._seen = 0
        self._known: dict[bytes, float] = {}

    def _offset(self, index: int) -> int:
        return self._COUNT.size + (index % self.slots) * self._RECORD.size

    def revoke(self, login_id: bytes, until: float) -> None:
        with self._lock:
            (n,) = self._COUNT.unpack_from(self._mem, 0)
            self._RECORD.pack_into(self._mem, self._offset(n), login_id, until)
            self._COUNT.pack_into(self._mem, 0, n + 1)
        self._known[login_id] = until

    def is_revoked(self, login_id: bytes) -> bool:
        with self._lock:
            (n,) = self._COUNT.unpack_from(self._mem, 0)
            if n != self._seen:
                for index in range(max(self._seen, n - self.slots), n):
                    found, until = self._RECORD.unpack_from(self._mem, self._offset(index))
                    self._known[found] = until
                self._seen = n
        now = time.time()
        if len(self._known) > self.slots:  # forget the ids whose logins have expired anyway
            self._known = {k: t for k, t in self._known.items() if t > now}
        until = self._known.get(login_id)
        return until is not None and until > now


# ------------------------------------------------------------------------------------ logins
class LoginManager:
    """Logins of one server: password checks, throttling, cookies, the login/logout handlers.

    Parameters
    ----------
    basic_auth
        One password, or the path of a users file (already checked by the server options).
    cookie_secret
        The secret that signs the cookies (the Tornado application's ``cookie_secret``).
    limits
        ``login_delay_s`` and ``login_expiry_h`` are used.
    prefix, app_name
        The dashboard is at ``{prefix}/{app_name}``; ``next`` must stay under ``{prefix}/``.
    """

    def __init__(
        self,
        basic_auth: str,
        cookie_secret: str,
        limits: Limits,
        *,
        prefix: str = "",
        app_name: str = "cevns",
    ) -> None:
        self.credentials = Credentials(basic_auth)
        self.secret = cookie_secret
        self.limits = limits
        self.prefix = prefix.rstrip("/")
        self.app_path = f"{self.prefix}/{app_name}"
        self.throttle = LoginThrottle(limits.login_delay_s)
        self.revocations = Revocations()
        self._connections: dict[Any, tuple[str, str]] = {}  # open websockets: (user, login id)
        self._recheck: Any = None
        self._handlers: dict[str, type] = {}

    # -------------------------------------------------------------------------- cookies
    @property
    def max_age_s(self) -> int:
        return int(self.limits.login_expiry_h * 3600)

    def _epoch(self, user: str, password: str) -> str:
        key = self.secret.encode("utf-8")
        message = f"{user}\0{password}".encode()
        return hmac.new(key, message, hashlib.sha256).hexdigest()[:24]

    def _login_of(self, cookies: Any) -> dict[str, str] | None:
        from tornado.web import decode_signed_value

        morsel = cookies.get(LOGIN_COOKIE)
        if morsel is None:
            return None
        raw = decode_signed_value(
            self.secret,
            LOGIN_COOKIE,
            getattr(morsel, "value", morsel),
            max_age_days=self.limits.login_expiry_h / 24,
        )
        try:
            login = json.loads(raw) if raw else None
            if not (
                isinstance(login, dict) and all(isinstance(login[k], str) for k in ("u", "s", "e"))
            ):
                return None
            bytes.fromhex(login["s"])
        except (ValueError, KeyError, TypeError):
            return None
        return login

    def user_of(self, request: Any) -> str | None:
        """The signed-in user of a Tornado request, or None (no, expired or ended login)."""
        login = self._login_of(request.cookies)
        if login is None:
            return None
        user = login["u"]
        password = self.credentials.password_of(user)
        if password is None or not hmac.compare_digest(login["e"], self._epoch(user, password)):
            return None
        if self.revocations.is_revoked(bytes.fromhex(login["s"])):
            return None
        return user

    def _cookie_options(self, handler: Any) -> dict[str, Any]:
        return {
            "path": f"{self.prefix}/",
            "httponly": True,
            "samesite": "Lax",
            "secure": handler.request.protocol == "https",
        }

    def sign_in(self, handler: Any, user: str) -> None:
        password = self.credentials.password_of(user) or ""
        login = {"u": user, "s": secrets.token_bytes(16).hex(), "e": self._epoch(user, password)}
        options = self._cookie_options(handler)
        for name, value in ((LOGIN_COOKIE, json.dumps(login)), (USER_COOKIE, user)):
            handler.set_secure_cookie(
                name, value, expires_days=None, max_age=self.max_age_s, **options
            )

    def sign_out(self, handler: Any) -> str | None:
        """End the request's login (everywhere) and clear its cookies; returns the user."""
        login = self._login_of(handler.request.cookies)
        if login is not None:
            self.revocations.revoke(bytes.fromhex(login["s"]), time.time() + self.max_age_s)
        options = self._cookie_options(handler)
        for name in (LOGIN_COOKIE, USER_COOKIE):
            handler.clear_cookie(name, **options)
        return None if login is None else login["u"]

    def check_password(self, user: str, password: str) -> bool:
        expected = self.credentials.password_of(user)
        # compare in constant time, also for unknown users
        ok = hmac.compare_digest(
            password.encode("utf-8", "replace"),
            (expected if expected is not None else secrets.token_hex(16)).encode("utf-8"),
        )
        return ok and expected is not None

    # -------------------------------------------------------------------------- next
    def safe_next(self, value: str | None) -> str:
        """``value`` if it is a path of this server under the prefix (with its query string,
        non-ASCII characters percent-encoded), else the dashboard's path.

        Examples
        --------
        >>> from dashboard.limits import DEFAULT_LIMITS
        >>> m = LoginManager("a-password", "s" * 32, DEFAULT_LIMITS)
        >>> m.safe_next("/cevns?thr=5&exp=coherent_csi_2017")
        '/cevns?thr=5&exp=coherent_csi_2017'
        >>> [m.safe_next(v) for v in ("///evil.example", "https://evil.example/", "/\\\\evil")]
        ['/cevns', '/cevns', '/cevns']
        >>> m.safe_next("/cevns?name=é")
        '/cevns?name=%C3%A9'
        """
        if not value:
            return self.app_path
        if len(value) > self.limits.max_url_length or "\\" in value:
            return self._refuse_next(value)
        quoted = urllib.parse.quote(value, safe="/?&=%#:;,+@!$'()*~-._[]")
        parts = urllib.parse.urlsplit(quoted)
        if parts.scheme or parts.netloc or not quoted.startswith("/") or quoted.startswith("//"):
            return self._refuse_next(value)
        path = posixpath.normpath(urllib.parse.unquote(parts.path))
        inside = path.startswith(f"{self.prefix}/") and not path.startswith("//")
        if not inside or path in (self.prefix + LOGIN_PATH, self.prefix + LOGOUT_PATH):
            return self._refuse_next(value)
        return quoted

    def _refuse_next(self, value: str) -> str:
        log.warning("login: refused next=%s (not a path of this server)", shown_value(value))
        return self.app_path

    # -------------------------------------------------------------------------- open pages
    def attach(self, handler: Any) -> None:
        """Remember an open websocket; it is closed once its login ends."""
        login = self._login_of(handler.request.cookies)
        if login is None:
            return
        self._connections[handler] = (login["u"], login["s"])
        if self._recheck is None:
            from tornado.ioloop import PeriodicCallback

            self._recheck = PeriodicCallback(self._close_ended, RECHECK_S * 1000)
            self._recheck.start()

    def detach(self, handler: Any) -> None:
        self._connections.pop(handler, None)

    def _close_ended(self) -> None:
        for handler, (user, _) in list(self._connections.items()):
            if self.user_of(handler.request) is None:
                log.info("closing a page of %s: the login ended", shown_value(user))
                self._connections.pop(handler, None)
                handler.close(4001, "signed out")

    # -------------------------------------------------------------------------- Bokeh hooks
    def auth_provider(self) -> Any:
        """A Bokeh ``AuthProvider`` using this manager (login and logout pages included)."""
        from bokeh.server.auth_provider import AuthProvider

        manager = self

        class CevnsAuthProvider(AuthProvider):
            @property
            def get_user(self) -> Any:
                return lambda handler: manager.user_of(handler.request)

            @property
            def login_url(self) -> str:
                return LOGIN_PATH

            @property
            def login_handler(self) -> type:
                return manager.handler("login")

            @property
            def logout_url(self) -> str:
                return LOGOUT_PATH

            @property
            def logout_handler(self) -> type:
                return manager.handler("logout")

        return CevnsAuthProvider()

    def extra_patterns(self) -> list[tuple[Any, ...]]:
        """The login pages' style sheet and logo (served without login)."""
        from tornado.web import StaticFileHandler

        return [(rf"{ASSETS_PATH}/(auth\.css|logo\.svg)", StaticFileHandler, {"path": PAGES_DIR})]

    def handler(self, kind: str) -> type:
        if kind not in self._handlers:
            self._handlers[kind] = _make_handler(self, kind)
        return self._handlers[kind]


# ------------------------------------------------------------------------------------ pages
_PAGE = string.Template((PAGES_DIR / "login.html").read_text(encoding="utf-8"))
_ERRORS = {"invalid": "Wrong user name or password."}


def _message(text: str | None, kind: str = "error") -> str:
    return f'<div class="message {kind}" role="alert">{html.escape(text)}</div>' if text else ""


def _make_handler(manager: LoginManager, kind: str) -> type:
    from tornado.web import RequestHandler

    class _Page(RequestHandler):
        content_security_policy = LOGIN_CSP

        def set_default_headers(self) -> None:
            self.set_header("Cache-Control", "no-store")

        def page(self, title: str, body: str) -> None:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(_PAGE.substitute(title=html.escape(title), body=body))

    class LoginHandler(_Page):
        def get(self) -> None:
            next_url = manager.safe_next(self.get_query_argument("next", ""))
            error = _ERRORS.get(self.get_query_argument("error", ""))
            self.form(next_url, _message(error))

        def post(self) -> None:
            user = self.get_body_argument("username", "").strip()[:_MAX_USER]
            password = self.get_body_argument("password", "")[:_MAX_PASSWORD]
            next_url = manager.safe_next(self.get_body_argument("next", ""))
            address = client_key(self.request.remote_ip)
            keys = [f"addr:{address}"] + ([f"user:{user}"] if user else [])
            wait = manager.throttle.wait_s(*keys)
            if wait > 0:
                seconds = math.ceil(wait)
                log.warning(
                    "login: refused an attempt for %s from %s (throttled, %d s left)",
                    shown_value(user),
                    address,
                    seconds,
                )
                self.set_status(429)
                self.set_header("Retry-After", str(seconds))
                self._cevns_refused = True  # logged above: the access log line is INFO
                text = f"Too many failed sign-ins: wait {seconds} s before trying again."
                self.form(next_url, _message(text))
                return
            if user and manager.check_password(user, password):
                manager.throttle.succeeded(*keys)
                manager.sign_in(self, user)
                log.info("login: %s signed in from %s", shown_value(user), address)
                self.redirect(next_url)
                return
            delay = manager.throttle.failed(*keys)
            log.warning(
                "login: wrong user name or password for %s from %s (next attempt in %.1f s)",
                shown_value(user),
                address,
                delay,
            )
            query = urllib.parse.urlencode({"error": "invalid", "next": next_url})
            self.redirect(f".{LOGIN_PATH}?{query}")

        def form(self, next_url: str, message: str) -> None:
            if manager.credentials.shared_password:
                label = "Your name"
                hint = "This server has one password for the lab: type your name and it."
            else:
                label = "User name"
                hint = "No account? Ask the person who runs this server."
            if next_url != manager.app_path:
                hint += f" After signing in you go to {next_url}."
            body = (
                "<h2>Sign in</h2>"
                f"{message}"
                f'<form method="post" action=".{LOGIN_PATH}">'
                f'<input type="hidden" name="next" value="{html.escape(next_url)}">'
                f'<label for="username">{label}</label>'
                '<input type="text" id="username" name="username" autocomplete="username" '
                f'maxlength="{_MAX_USER}" required autofocus>'
                '<label for="password">Password</label>'
                '<input type="password" id="password" name="password" '
                f'autocomplete="current-password" maxlength="{_MAX_PASSWORD}" required>'
                '<button type="submit">Sign in</button>'
                "</form>"
                f'<p class="hint">{html.escape(hint)}</p>'
            )
            self.page("Sign in", body)

    class LogoutHandler(_Page):
        def get(self) -> None:
            user = manager.sign_out(self)
            if user is not None:
                log.info("login: %s signed out", shown_value(user))
            body = (
                "<h2>Signed out</h2>"
                + _message("You are signed out of the CEvNS workbench in this browser.", "info")
                + f'<a class="button" href=".{LOGIN_PATH}">Sign in again</a>'
            )
            self.page("Signed out", body)

    return LoginHandler if kind == "login" else LogoutHandler


def login_badge() -> Any:
    """The page header's "Signed in as … · Sign out" (None when nobody is signed in).

    Call inside a served session; the name comes from Panel's signed ``user`` cookie.
    """
    import panel as pn

    user = pn.state.user
    if not user:
        return None
    return pn.pane.HTML(
        f'<span class="cevns-user">Signed in as <b>{html.escape(user)}</b> · '
        f'<a href=".{LOGOUT_PATH}">Sign out</a></span>',
        styles={"color": "white", "font-size": "0.9rem", "margin-left": "auto"},
        margin=(0, 12),
    )
