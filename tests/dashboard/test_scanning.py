"""Scan limits: grid size per request, scans per page and per server (a queue, then "busy")."""

from __future__ import annotations

import numpy as np
import pytest

import cevns_core as cc
from dashboard.scanning import ScanBusy, ScanSlots, check_grid
from dashboard.settings import configure
from dashboard.state import SessionState
from dashboard.views import ConstraintsView


@pytest.fixture
def limits():
    yield configure
    configure(scan_max_points=40_000, scans_per_session=1, scans_per_server=1, scan_queue=4)


def test_grid_cap(limits):
    check_grid({"g": np.zeros(200), "m": np.zeros(200)})  # 40 000: the default cap
    with pytest.raises(cc.CevnsError, match="201 × 200 = 40,200 points"):
        check_grid({"g": np.zeros(201), "m": np.zeros(200)})
    limits(scan_max_points=100)
    with pytest.raises(cc.CevnsError, match="at most 100 per scan"):
        check_grid({"g": np.zeros(11), "m": np.zeros(10)})


def test_slots_per_server_per_page_and_the_queue(limits):
    limits(scans_per_server=1, scans_per_session=1, scan_queue=1)
    slots = ScanSlots()
    a = slots.enter(session=1)
    assert slots.ready(a) == 0  # runs at once
    b = slots.enter(session=2)
    assert slots.ready(b) == 1  # first in the queue
    with pytest.raises(ScanBusy, match="the server is busy"):
        slots.enter(session=3)  # the queue is full
    with pytest.raises(ScanBusy, match="at most 1 per page"):
        slots.enter(session=1)  # this page already has one
    slots.leave(a)
    assert slots.ready(b) == 0  # its turn
    assert slots.counts() == (1, 0)
    slots.leave(b)
    assert slots.counts() == (0, 0)


def test_a_too_large_grid_is_refused_with_a_message(monkeypatch, limits):
    notified: list[Exception] = []
    monkeypatch.setattr("dashboard.views.constraints.notify_error", notified.append)
    limits(scan_max_points=100)
    view = ConstraintsView(state=SessionState(), a0_n=20, a1_n=20)
    view.start()
    assert view.status.startswith("Not started") and "400 points" in view.status
    assert view.result is None and not view.running
    assert notified and "at most 100 per scan" in str(notified[0])


def test_a_busy_server_refuses_outside_the_event_loop(monkeypatch, limits):
    from dashboard import scanning

    notified: list[Exception] = []
    monkeypatch.setattr("dashboard.views.constraints.notify_error", notified.append)
    held = scanning.SLOTS.enter(session=-1)  # another page's scan holds the only slot
    try:
        view = ConstraintsView(state=SessionState(), a0_n=10, a1_n=10, chunks=2)
        view.start()
        assert "busy" in view.status and view.result is None and not view.running
    finally:
        scanning.SLOTS.leave(held)
    assert scanning.SLOTS.counts() == (0, 0)  # the refused scan left no ticket behind
