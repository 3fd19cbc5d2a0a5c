"""What the login checks against: the accepted passwords and the logins ended by ``/logout``.

:class:`Credentials` reads one shared password or a users file (re-read when it changes);
:class:`Revocations` keeps the ids of ended logins in anonymous shared memory, seen by every
``--num-procs`` worker. Used by :class:`dashboard.auth.LoginManager`.
"""

from __future__ import annotations

import json
import logging
import mmap
import multiprocessing
import struct
import time
from pathlib import Path
from typing import Any

__all__ = ["Credentials", "Revocations"]

log = logging.getLogger("dashboard.auth")


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
def _lock() -> Any:
    """A lock shared with forked workers that leaves nothing behind: with the ``fork`` start
    method the semaphore's name is unlinked at once (no resource tracker, nothing in
    ``/dev/shm`` after a SIGKILL)."""
    try:
        return multiprocessing.get_context("fork").Lock()
    except ValueError:  # pragma: no cover - no fork (Windows): one process only
        return multiprocessing.Lock()


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
        self._lock = _lock()
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
