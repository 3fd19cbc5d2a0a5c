"""The sign-in and sign-out pages of the served dashboard, and the page header's user badge.

Offline and branded (``dashboard/pages/``: the HTML template, its style sheet and logo); no
script runs on them (:data:`LOGIN_CSP`). The handlers are made per
:class:`dashboard.auth.LoginManager` (:func:`make_handler`), which checks the passwords, throttles
and sets the cookies.
"""

from __future__ import annotations

import html
import logging
import math
import string
import urllib.parse
from pathlib import Path
from typing import Any

from .limits import client_key
from .text import shown_value

__all__ = [
    "ASSETS_PATH",
    "LOGIN_CSP",
    "LOGIN_PATH",
    "LOGOUT_PATH",
    "PAGES_DIR",
    "login_badge",
    "make_handler",
]

log = logging.getLogger("dashboard.auth")

LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
ASSETS_PATH = "/auth-assets"
PAGES_DIR = Path(__file__).resolve().parent / "pages"
#: Longest user name and password read from the login form.
_MAX_USER, _MAX_PASSWORD = 100, 1000

#: Login pages run no script and load only the server's style sheet and logo.
LOGIN_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


# ------------------------------------------------------------------------------------ pages
_PAGE = string.Template((PAGES_DIR / "login.html").read_text(encoding="utf-8"))
_ERRORS = {"invalid": "Wrong user name or password."}


def _message(text: str | None, kind: str = "error") -> str:
    return f'<div class="message {kind}" role="alert">{html.escape(text)}</div>' if text else ""


def make_handler(manager: Any, kind: str) -> type:
    """The Tornado handler class of the ``"login"`` or ``"logout"`` page of ``manager``."""
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
