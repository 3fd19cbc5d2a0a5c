"""Login of the served dashboard (``dashboard/auth.py``) without a server: ``next`` checks,
cookie content, password checks (the password and logout stores: ``test_credentials.py``)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from dashboard.auth import LOGIN_COOKIE, LoginManager
from dashboard.limits import DEFAULT_LIMITS

SECRET = "a-cookie-secret-for-unit-tests"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("", "/lab/cevns"),
        ("/lab/cevns", "/lab/cevns"),
        ("/lab/cevns?thr=7&exp=coherent_csi_2017#x", "/lab/cevns?thr=7&exp=coherent_csi_2017#x"),
        ("/lab/cevns?note=€", "/lab/cevns?note=%E2%82%AC"),
        ("/lab/cevns?a=b c", "/lab/cevns?a=b%20c"),
        ("///evil.example", "/lab/cevns"),
        ("//evil.example/lab/", "/lab/cevns"),
        ("https://evil.example/lab/cevns", "/lab/cevns"),
        ("javascript:alert(1)", "/lab/cevns"),
        ("/\\evil.example", "/lab/cevns"),
        ("\\\\evil.example", "/lab/cevns"),
        ("/lab/../other", "/lab/cevns"),  # outside the prefix
        ("/other/cevns", "/lab/cevns"),
        ("/lab/login?next=/lab/login", "/lab/cevns"),  # no loops
        ("/lab\t/cevns", "/lab/cevns"),  # a tab is quoted: '/lab%09/cevns' is not under /lab/
        ("/lab/cevns?" + "x" * 9000, "/lab/cevns"),  # longer than --max-url-length
    ],
)
def test_next_is_a_path_under_the_prefix(given: str, expected: str) -> None:
    manager = LoginManager("password-1234", SECRET, DEFAULT_LIMITS, prefix="/lab")
    assert manager.safe_next(given) == expected


class FakeHandler:
    """What the login manager uses of a Tornado handler: cookies in and out."""

    def __init__(self, secret: str, protocol: str = "http") -> None:
        from tornado.web import create_signed_value

        self.secret = secret
        self.sign = create_signed_value
        self.set: dict[str, tuple[str, dict]] = {}
        self.cleared: list[str] = []
        self.request = SimpleNamespace(cookies={}, protocol=protocol)

    def set_secure_cookie(self, name: str, value: str, **options) -> None:
        signed = self.sign(self.secret, name, value).decode()
        self.set[name] = (signed, options)
        self.request.cookies[name] = SimpleNamespace(value=signed)

    def clear_cookie(self, name: str, **options) -> None:
        self.cleared.append(name)


def test_login_cookie_ends_with_logout_removal_and_password_change(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_text(json.dumps({"alice": "pw-alice-1", "bob": "pw-bob-22"}), encoding="utf-8")
    manager = LoginManager(str(path), SECRET, DEFAULT_LIMITS)
    alice, bob = FakeHandler(SECRET), FakeHandler(SECRET, protocol="https")
    manager.sign_in(alice, "alice")
    manager.sign_in(bob, "bob")
    value, options = alice.set[LOGIN_COOKIE]
    assert options["httponly"] and options["samesite"] == "Lax" and not options["secure"]
    assert bob.set[LOGIN_COOKIE][1]["secure"]  # behind HTTPS
    assert options["max_age"] == 12 * 3600 and options["path"] == "/"
    assert "pw-alice-1" not in value  # the epoch is a keyed hash, not the password
    assert manager.user_of(alice.request) == "alice"
    assert manager.user_of(bob.request) == "bob"
    # a cookie signed with another secret, or tampered with, is nobody's
    forged = FakeHandler("another-secret-of-some-length")
    forged.set_secure_cookie(LOGIN_COOKIE, json.loads(json.dumps(value)))
    assert manager.user_of(forged.request) is None
    copy = SimpleNamespace(cookies=dict(alice.request.cookies))
    assert manager.sign_out(alice) == "alice" and LOGIN_COOKIE in alice.cleared
    assert manager.user_of(copy) is None  # ended on the server, not only in the browser
    path.write_text(json.dumps({"alice": "pw-alice-1", "bob": "a-new-password"}), "utf-8")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert manager.user_of(bob.request) is None  # password changed
    manager.sign_in(bob, "bob")
    assert manager.user_of(bob.request) == "bob"
    path.write_text(json.dumps({"alice": "pw-alice-1"}), "utf-8")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 2 * 10**9))
    assert manager.user_of(bob.request) is None  # removed


def test_password_check() -> None:
    manager = LoginManager("the-shared-password", SECRET, DEFAULT_LIMITS)
    assert manager.check_password("anyone", "the-shared-password")
    assert not manager.check_password("anyone", "the-shared-passwore")
    assert not manager.check_password("", "the-shared-password")
