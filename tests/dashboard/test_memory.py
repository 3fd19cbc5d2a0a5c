"""Memory given back once sessions end (``dashboard/memory.py``), without a server: the release
runs when the number of sessions drops, not while it grows or stays."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import pytest

from dashboard import memory
from dashboard.memory import MemoryReleaser, release_memory


def test_release_memory_asks_the_c_allocator_on_glibc() -> None:
    asked = release_memory()
    if sys.platform.startswith("linux") and memory._malloc_trim() is not None:
        assert asked is True
    else:  # pragma: no cover - other C libraries: the garbage collection only
        assert asked is False


def test_memory_is_released_when_sessions_end(monkeypatch: pytest.MonkeyPatch) -> None:
    released: list[int] = []
    monkeypatch.setattr(memory, "release_memory", lambda: released.append(1) or True)
    sessions = SimpleNamespace(n=0)
    releaser = MemoryReleaser(lambda: sessions.n)
    for n, expected in ((0, 0), (3, 0), (5, 0), (5, 0), (2, 1), (2, 1), (0, 2), (4, 2)):
        sessions.n = n
        releaser.check()
        assert len(released) == expected, (n, expected)
    assert releaser.releases == 2


def test_a_releaser_counts_the_sessions_of_every_application() -> None:
    contexts = {
        "/cevns": SimpleNamespace(sessions=[object(), object()]),
        "/admin": SimpleNamespace(sessions=[object()]),
    }
    server = SimpleNamespace(_tornado=SimpleNamespace(applications=contexts))
    assert MemoryReleaser.for_server(server).count_sessions() == 3
