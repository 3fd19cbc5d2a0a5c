"""Spare pages (``cevns serve --spare-pages N``, dashboard/spare_pages.py) against a served
instance: built while idle, given to plain-page visitors, never to a shared link, refilled, not
counted as open pages and never expired unused."""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

import pytest
from served import Client, PageConnection, run_async, serving

from dashboard import server
from dashboard.limits import Limits
from dashboard.server import ServeError
from dashboard.spare_pages import QUIET_S


def _health(base: str) -> dict[str, Any]:
    return json.loads(Client(base).request("/health")[2])


async def _until(predicate: Any, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.2)


def test_plain_pages_get_spares_and_shared_links_are_built_for_their_options() -> None:
    states: list[Any] = []
    limits = Limits(login_delay_s=0.0, max_sessions_per_client=2)
    with serving(
        states,
        limits=limits,
        spare_pages=2,
        unused_session_lifetime_ms=1000,
        check_unused_sessions_ms=200,
    ) as base:

        async def scenario() -> None:
            await _until(lambda: _health(base)["spare_pages"] == 2)
            assert len(states) == 2 and _health(base)["sessions"] == 0  # nobody's yet
            await asyncio.sleep(1.5)  # longer than the unused-session lifetime: kept
            assert _health(base)["spare_pages"] == 2

            page = await PageConnection.open(Client(base))
            await page.ready()
            assert len(states) == 2  # no page was built for this visitor: a spare was given
            health = _health(base)
            assert (health["sessions"], health["spare_pages"]) == (1, 1)
            threshold = page.find("Spinner", title="Threshold")
            for attribute in ("value", "value_throttled"):  # as a browser sends it
                await page.change(threshold, attribute, 9.0)
            # the first spare is the visitor's page
            await _until(lambda: states[0].threshold == 9.0)

            # a shared link is built for its options, not taken from the spares
            client = Client(base)
            html = client.request("/cevns?thr=7")[2]
            token = re.search(r'"token":\s*"([^"]+)"', html).group(1)
            shared = await PageConnection.connect(client, token)
            await shared.ready()
            assert len(states) == 3 and states[2].threshold == 7.0
            assert _health(base)["spare_pages"] == 1
            # the visitor's pages count as theirs (--max-sessions-per-client 2), spares do not
            status, _, body = Client(base).request("/cevns")
            assert status == 429 and "Too many open pages from your address" in body

            # closed, the pages expire like any other; the pool is filled again once quiet
            page.close()
            shared.close()
            await _until(lambda: _health(base)["sessions"] == 0)
            await _until(lambda: _health(base)["spare_pages"] == 2, timeout_s=QUIET_S + 60)
            assert len(states) == 4

        run_async(scenario())


def test_spare_pages_refused_with_a_login_and_when_negative() -> None:
    with pytest.raises(ServeError, match="--basic-auth"):
        server.serve(threaded=True, spare_pages=2, basic_auth="pw", environ={})
    with pytest.raises(ServeError, match="≥ 0"):
        server.serve(threaded=True, spare_pages=-1, environ={})
