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

The pages are :mod:`dashboard.login_pages`'s, the passwords and the record of logouts
:mod:`dashboard.credentials`'. Tornado and Bokeh are imported when a :class:`LoginManager` is
built, not at import.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import posixpath
import secrets
import time
import urllib.parse
from typing import Any

from .credentials import Credentials, Revocations
from .limits import Limits, LoginThrottle
from .login_pages import (
    ASSETS_PATH,
    LOGIN_PATH,
    LOGOUT_PATH,
    PAGES_DIR,
    login_badge,
    make_handler,
)
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
#: Seconds between checks that the logins of open pages are still valid.
RECHECK_S = 5.0


def token_exclusions() -> dict[str, list[str]]:
    """Keyword arguments for the Bokeh server: keep the login cookie out of the page's token."""
    return {"exclude_cookies": [LOGIN_COOKIE], "exclude_headers": ["Cookie"]}


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
            self._handlers[kind] = make_handler(self, kind)
        return self._handlers[kind]
