"""The page pre-warmed before serving (``dashboard/prewarm.py``): one page built, every tab
shown once, then discarded with nothing left behind; failures logged, never raised.

Behaviour only: the speed is measured by ``benchmarks/bench_first_page.py``.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import panel as pn
import pytest

from dashboard.app import create_app
from dashboard.prewarm import prewarm


@pytest.fixture(autouse=True)
def _reset_panel_state():
    yield
    pn.state.reset()


def _panel_registries() -> dict[str, int]:
    """Sizes of Panel's per-document registries (a discarded page leaves none behind)."""
    names = ("_views", "_locations", "_notifications", "_templates", "_periodic")
    return {name: len(getattr(pn.state, name)) for name in names}


def test_prewarm_builds_one_page_shows_every_tab_and_discards_it() -> None:
    built: list[pn.Tabs] = []
    shown: list[int] = []

    def app() -> pn.viewable.Viewable:
        tabs = pn.Tabs(*[(f"tab {i}", pn.pane.Markdown(f"content {i}")) for i in range(4)])
        tabs.active = 1
        tabs.param.watch(lambda event: shown.append(event.new), "active")
        built.append(tabs)
        return pn.Column("# page", tabs)

    before = _panel_registries()
    threads = set(threading.enumerate())
    took = prewarm(app)
    assert len(built) == 1  # one page, built once
    assert set(shown) == {0, 1, 2, 3}  # every tab shown once …
    assert built[0].active == 1  # … and the page's own tab restored
    assert took >= 0.0
    assert _panel_registries() == before  # its session clean-up ran: nothing kept
    # nothing left running: --num-procs can fork afterwards
    assert set(threading.enumerate()) == threads


def test_prewarm_of_the_dashboard_page() -> None:
    calls: list[Any] = []

    def app() -> Any:
        page = create_app()
        calls.append(page)
        return page

    before = _panel_registries()
    prewarm(app, every_tab=False)
    assert len(calls) == 1 and isinstance(calls[0], pn.template.BaseTemplate)
    assert _panel_registries() == before


def test_prewarm_failure_is_logged_and_the_server_serves_anyway(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken() -> Any:
        raise RuntimeError("no page today")

    with caplog.at_level(logging.ERROR, logger="dashboard.server"):
        prewarm(broken)
    assert any("pre-warming the page failed" in r.getMessage() for r in caplog.records)
