"""Command line of the served dashboard (``dashboard/server_cli.py``), without a server: the
computation limits (scan grid, scan slots, cache size) are options applied before serving, an
invalid one is a one-line error naming the option; page builds off the event loop by default."""

from __future__ import annotations

import argparse
import logging
from typing import Any

import pytest

from dashboard import server_cli
from dashboard.settings import SETTINGS, Settings, configure


@pytest.fixture(autouse=True)
def _default_settings():
    levels = {name: logging.getLogger(name).level for name in ("", "bokeh")}  # run() sets them
    yield
    configure(**vars(Settings()))
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(server_cli, "serve", lambda **kwargs: seen.update(kwargs))
    return seen


def _parse(*argv: str) -> argparse.Namespace:
    return server_cli.add_serve_arguments(argparse.ArgumentParser()).parse_args(list(argv))


def test_computation_limits_have_options_with_the_settings_defaults(served) -> None:
    defaults = _parse()
    assert (defaults.max_scan_points, defaults.scans_per_session) == (40_000, 1)
    assert (defaults.scans_per_server, defaults.scan_queue) == (1, 4)
    assert defaults.cache_size == 256 * 2**20
    server_cli.run(
        _parse(
            "--max-scan-points", "10000", "--scans-per-session", "2", "--scans-per-server", "2",
            "--scan-queue", "0", "--cache-size", "64MiB",
        )
    )  # fmt: skip
    assert (SETTINGS.scan_max_points, SETTINGS.scans_per_session) == (10_000, 2)
    assert (SETTINGS.scans_per_server, SETTINGS.scan_queue) == (2, 0)
    assert SETTINGS.cache_bytes == 64 * 2**20
    assert "build_pages_off_loop" not in served  # the server's default: off the event loop
    server_cli.run(_parse("--build-pages-on-loop"))
    assert served["build_pages_off_loop"] is False


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--max-scan-points", "3"], "--max-scan-points must be a whole number ≥ 4, got 3"),
        (["--scans-per-server", "0"], "--scans-per-server must be a whole number ≥ 1, got 0"),
        (["--scan-queue", "-1"], "--scan-queue must be a whole number ≥ 0, got -1"),
    ],
)
def test_an_invalid_computation_limit_is_one_line(
    served, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert server_cli.main(argv) == 2
    assert capsys.readouterr().err == f"python -m dashboard: error: {message}\n"
    assert not served and SETTINGS == Settings()  # nothing served, nothing changed


def test_memory_is_released_by_default_and_kept_with_an_option(served) -> None:
    server_cli.run(_parse())
    assert served["release_memory"] is True
    server_cli.run(_parse("--no-release-memory"))
    assert served["release_memory"] is False
