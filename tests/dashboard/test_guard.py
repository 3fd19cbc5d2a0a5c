"""Page builds taking their turn at the served dashboard's gate (``dashboard/guard.py``),
without a server: one build at a time; with builds off the event loop no pause between pages
and a client's pause only while other clients' pages wait; on the loop, both pauses."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from dashboard import guard as guard_module
from dashboard.guard import CLIENT_PAUSE_SHARE, PAGE_PAUSE_SHARE, Guard
from dashboard.limits import DEFAULT_LIMITS


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The pauses the gate asks for (recorded, not slept)."""
    asked: list[float] = []
    real_sleep = asyncio.sleep

    async def sleep(seconds: float) -> None:
        asked.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(guard_module.asyncio, "sleep", sleep)
    return asked


async def _page(gate: Guard, client: str, build_s: float = 1.0) -> None:
    """One page of ``client`` through the gate, its build taking ``build_s``."""
    handler = SimpleNamespace(_cevns_page=client)
    gate._inflight[client] += 1  # as the request check does for a page
    await gate.start_page(handler)
    gate._build_started -= build_s
    gate.finished_page(handler)


async def test_off_the_loop_a_client_alone_is_not_paused(pauses: list[float]) -> None:
    gate = Guard(DEFAULT_LIMITS)
    gate.builds_off_loop = True
    for _ in range(3):  # a class behind one address, alone on the server
        await _page(gate, "10.0.0.1")
    assert pauses == []
    gate._inflight["10.0.0.2"] += 1  # another address's page waits: now the first one waits
    await _page(gate, "10.0.0.1")
    assert len(pauses) == 1 and pauses[0] == pytest.approx(CLIENT_PAUSE_SHARE * 1.0, rel=0.05)
    assert not gate._inflight.get("10.0.0.1")  # every page counted out again


async def test_on_the_loop_pages_are_spaced(pauses: list[float]) -> None:
    gate = Guard(DEFAULT_LIMITS)
    await _page(gate, "10.0.0.1")
    await _page(gate, "10.0.0.2")  # another address: the pause between any two pages
    assert len(pauses) == 1 and pauses[0] == pytest.approx(PAGE_PAUSE_SHARE * 1.0, rel=0.05)
    pauses.clear()
    await _page(gate, "10.0.0.2")  # the same address again: its own, longer pause first
    assert pauses and pauses[0] == pytest.approx(CLIENT_PAUSE_SHARE * 1.0, rel=0.05)


async def test_one_build_at_a_time(pauses: list[float]) -> None:
    gate = Guard(DEFAULT_LIMITS)
    gate.builds_off_loop = True
    first, second = SimpleNamespace(_cevns_page="a"), SimpleNamespace(_cevns_page="b")
    gate._inflight.update({"a": 1, "b": 1})
    await gate.start_page(first)
    waiting = asyncio.ensure_future(gate.start_page(second))
    await asyncio.sleep(0.05)
    assert not waiting.done()  # the second build waits for the first
    gate.finished_page(first)
    await asyncio.wait_for(waiting, timeout=5)
    gate.finished_page(second)
    assert not gate._inflight
