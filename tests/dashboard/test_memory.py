"""Memory given back after the sessions (``dashboard/memory.py``): glibc's settings built and
applied (read back through their effect, in a child process), nothing done without glibc,
the restart with ``PYTHONMALLOC=malloc`` and the release once the last session has ended.

The memory figures themselves are measured by ``benchmarks/bench_load.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from dashboard import memory
from dashboard.memory import AllocatorSettings, ReleaseWhenIdle

ROOT = Path(__file__).resolve().parents[2]
ON_GLIBC = memory.glibc() is not None


class FakeLibc:
    """Records ``mallopt`` / ``malloc_trim`` calls; refuses the parameters in ``refuse``."""

    def __init__(self, refuse: tuple[int, ...] = ()) -> None:
        self.calls: list[tuple[str, int, int]] = []
        self.refuse = refuse

    def mallopt(self, parameter: int, value: int) -> int:
        self.calls.append(("mallopt", parameter, value))
        return 0 if parameter in self.refuse else 1

    def malloc_trim(self, pad: int) -> int:
        self.calls.append(("malloc_trim", pad, 0))
        return 1


def test_mallopt_calls_use_glibcs_parameter_numbers() -> None:
    # glibc malloc/malloc.h: M_TRIM_THRESHOLD -1, M_MMAP_THRESHOLD -3, M_ARENA_MAX -8
    calls = AllocatorSettings().mallopt_calls()
    assert calls == [
        ("M_MMAP_THRESHOLD", -3, 128 * 1024),
        ("M_TRIM_THRESHOLD", -1, 128 * 1024),
        ("M_ARENA_MAX", -8, 2),
    ]
    custom = AllocatorSettings(mmap_threshold_bytes=2**18, trim_threshold_bytes=2**20, arena_max=1)
    assert [value for _, _, value in custom.mallopt_calls()] == [2**18, 2**20, 1]


def test_tune_allocator_applies_each_setting_and_leaves_out_a_refused_one() -> None:
    libc = FakeLibc()
    assert memory.tune_allocator(libc=libc) == {
        "M_MMAP_THRESHOLD": 128 * 1024,
        "M_TRIM_THRESHOLD": 128 * 1024,
        "M_ARENA_MAX": 2,
    }
    assert libc.calls == [("mallopt", -3, 131072), ("mallopt", -1, 131072), ("mallopt", -8, 2)]
    assert memory.tune_allocator(libc=FakeLibc(refuse=(-8,))) == {
        "M_MMAP_THRESHOLD": 128 * 1024,
        "M_TRIM_THRESHOLD": 128 * 1024,
    }
    libc = FakeLibc()
    assert memory.release_memory(libc=libc) is True
    assert libc.calls == [("malloc_trim", 0, 0)]


def test_without_glibc_nothing_is_done(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_glibc(name: str) -> str:
        raise ValueError(name)  # what os.confstr raises for a name the C library lacks

    monkeypatch.setattr(memory.os, "confstr", no_glibc)
    assert memory.glibc() is None
    assert memory.tune_allocator() == {}
    assert memory.release_memory() is False
    assert memory.system_malloc_environment({"PATH": "/bin"}) is None
    executed: list[Any] = []
    assert memory.restart_with_system_malloc(execve=lambda *a: executed.append(a)) is False
    assert executed == []


_READ_BACK = """
import ctypes, json, sys
from dashboard import memory

class Info(ctypes.Structure):  # glibc's struct mallinfo2
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

libc = memory.glibc()
libc.mallinfo2.restype = Info
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]

def mapped(size):
    before = libc.mallinfo2().hblks
    block = libc.malloc(size)
    after = libc.mallinfo2().hblks
    libc.free(block)
    return after - before

sizes = json.loads(sys.argv[1])
applied = memory.tune_allocator(memory.AllocatorSettings(mmap_threshold_bytes=sizes[0]))
print(json.dumps([applied, [mapped(size) for size in sizes[1:]]]))
"""


@pytest.mark.skipif(not ON_GLIBC, reason="glibc only")
@pytest.mark.parametrize("threshold", [128 * 1024, 1024 * 1024])
def test_the_mmap_threshold_is_applied_on_glibc(threshold: int) -> None:
    # read back through its effect, in a child process (the tests' allocator is left alone):
    # a block of at least the threshold is a mapping of its own (mallinfo2's hblks counts
    # them), a smaller one comes from the heap
    sizes = [threshold, 512 * 1024, 2 * 1024 * 1024]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", _READ_BACK, json.dumps(sizes)],
        capture_output=True, text=True, check=True, env=env, timeout=60,
    ).stdout  # fmt: skip
    applied, mapped = json.loads(out)
    assert applied == {"M_MMAP_THRESHOLD": threshold, "M_TRIM_THRESHOLD": 131072, "M_ARENA_MAX": 2}
    assert mapped == [int(size >= threshold) for size in sizes[1:]]
    assert mapped == ([1, 1] if threshold == 128 * 1024 else [0, 1])


@pytest.mark.skipif(not ON_GLIBC, reason="glibc only")
def test_system_malloc_environment_keeps_a_users_choice() -> None:
    assert memory.system_malloc_environment({"PATH": "/bin"}) == {
        "PATH": "/bin",
        "PYTHONMALLOC": "malloc",
    }
    assert memory.system_malloc_environment({"PYTHONMALLOC": "pymalloc"}) is None
    assert memory.system_malloc_environment({"PYTHONMALLOC": "malloc"}) is None


@pytest.mark.skipif(not ON_GLIBC, reason="glibc only")
def test_restart_runs_the_same_command_with_system_malloc(monkeypatch: pytest.MonkeyPatch) -> None:
    executed: list[tuple[str, list[str], dict[str, str]]] = []
    monkeypatch.delenv("PYTHONMALLOC", raising=False)
    monkeypatch.setattr(sys, "orig_argv", ["python3", "-m", "dashboard", "--port", "5007"])
    assert memory.restart_with_system_malloc(execve=lambda *a: executed.append(a)) is True
    (executable, argv, env), = executed  # fmt: skip
    assert executable == sys.executable
    assert argv == [sys.executable, "-m", "dashboard", "--port", "5007"]
    assert env["PYTHONMALLOC"] == "malloc" and env["PATH"] == os.environ["PATH"]
    monkeypatch.setenv("PYTHONMALLOC", "malloc")  # the restarted process: no second restart
    assert memory.restart_with_system_malloc(execve=lambda *a: executed.append(a)) is False
    assert len(executed) == 1


def test_memory_is_released_after_the_last_session_until_nothing_more_comes_back() -> None:
    sessions = [0, 0, 2, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 1, 0, 0, 0]
    times = [0, 1, 2, 3, 4, 5, 6, 10, 11, 15, 20, 25, 30, 60, 61, 62, 63, 64, 66, 69]
    gains = iter([100.0, 40.0, 0.5, 30.0, 20.0, 10.0, 5.0])  # MB given back per release
    rss = [500.0]
    now = [0.0]
    counts = iter(sessions)

    def release() -> None:
        rss[0] -= next(gains)

    idle = ReleaseWhenIdle(
        lambda: next(counts), release=release, settle_s=5.0, clock=lambda: now[0],
        resident=lambda: rss[0],
    )  # fmt: skip
    released_at = []
    for t in times:
        now[0] = float(t)
        before = idle.releases
        idle.check()
        if idle.releases > before:
            released_at.append(t)
    # none before any session; at 5 s (100 MB back), 10 s (40 MB), 15 s (0.5 MB: done); after
    # the next sessions at 62 s, but one comes at 63 s: 64 s (20 MB) and 69 s (10 MB); never
    # more than MAX_PASSES in a row
    assert released_at == [5, 10, 15, 62, 64, 69]
    assert rss[0] == 500 - 100 - 40 - 0.5 - 30 - 20 - 10


def test_releases_in_a_row_are_bounded() -> None:
    now = [0.0]
    rss = [1000.0]
    idle = ReleaseWhenIdle(
        lambda: 0, release=lambda: rss.__setitem__(0, rss[0] - 50), settle_s=1.0,
        clock=lambda: now[0], resident=lambda: rss[0],
    )  # fmt: skip
    idle._had_sessions = True
    for t in range(20):
        now[0] = float(t)
        idle.check()
    assert idle.releases == ReleaseWhenIdle.MAX_PASSES == 4


def test_release_when_idle_counts_the_sessions_of_every_application() -> None:
    class Context:
        def __init__(self, n: int) -> None:
            self.sessions = [object()] * n

    server = SimpleNamespace(
        _tornado=SimpleNamespace(applications={"/cevns": Context(2), "/admin": Context(1)})
    )
    idle = ReleaseWhenIdle.for_server(server)
    assert idle._count_sessions() == 3
