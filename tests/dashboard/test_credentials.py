"""Passwords and the record of logouts of the served dashboard (``dashboard/credentials.py``):
users file reloading, logouts shared across forked worker processes, nothing left on disk."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from dashboard.credentials import Credentials, Revocations


def test_users_file_is_reread_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_text(json.dumps({"alice": "pw-alice-1"}), encoding="utf-8")
    credentials = Credentials(str(path))
    assert not credentials.shared_password
    assert credentials.password_of("alice") == "pw-alice-1"
    assert credentials.password_of("bob") is None
    path.write_text(json.dumps({"bob": "pw-bob-22"}), encoding="utf-8")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))  # a new mtime for sure
    assert (
        credentials.password_of("alice") is None and credentials.password_of("bob") == "pw-bob-22"
    )
    path.write_text("{broken", encoding="utf-8")  # invalid: nobody gets in
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 2 * 10**9))
    assert credentials.password_of("bob") is None
    shared = Credentials("a-shared-password")
    assert shared.shared_password and shared.password_of("anyone") == "a-shared-password"
    assert shared.password_of("") is None


@pytest.mark.skipif(sys.platform == "win32", reason="fork")
def test_logouts_are_seen_by_forked_workers() -> None:
    revocations = Revocations(slots=8)
    pid = os.fork()
    if pid == 0:  # a worker: ends a login
        revocations.revoke(b"w" * 16, time.time() + 60)
        os._exit(0)
    os.waitpid(pid, 0)
    assert revocations.is_revoked(b"w" * 16)
    assert not revocations.is_revoked(b"x" * 16)
    revocations.revoke(b"e" * 16, time.time() - 1)  # a login that expired anyway
    assert not revocations.is_revoked(b"e" * 16)
    for i in range(20):  # more than the ring holds: the newest are kept
        revocations.revoke(bytes([i]) * 16, time.time() + 60)
    assert revocations.is_revoked(bytes([19]) * 16)


@pytest.mark.skipif(sys.platform == "win32", reason="fork")
def test_the_record_of_logouts_leaves_no_named_semaphore() -> None:
    """The lock shared with the workers is unlinked at once: nothing in /dev/shm, no
    resource-tracker process to clean up after a SIGTERM or SIGKILL."""
    shm = Path("/dev/shm")
    if not shm.is_dir():
        pytest.skip("no /dev/shm")
    before = {p.name for p in shm.iterdir() if p.name.startswith("sem.mp-")}
    revocations = Revocations(slots=8)
    revocations.revoke(b"s" * 16, time.time() + 60)
    after = {p.name for p in shm.iterdir() if p.name.startswith("sem.mp-")}
    assert after <= before
    assert revocations.is_revoked(b"s" * 16)
