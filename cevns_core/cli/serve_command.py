"""``cevns serve``: the dashboard's server, imported lazily so that every other command
works without the dashboard package (and without Panel).
"""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import CevnsError

__all__ = ["add_serve_parser", "cmd_serve", "no_dashboard_reason"]


def no_dashboard_reason(exc: ImportError) -> str:
    """The one-line error of ``cevns serve`` when the dashboard cannot be imported."""
    return (
        f"cevns serve needs the dashboard, which cannot be imported ({exc}); every other "
        "command works without it. Install the full package (pip install cevns-workbench) "
        "with its dependencies (panel, holoviews, bokeh)"
    )


def cmd_serve(args: argparse.Namespace) -> None:
    """Serve the dashboard until Ctrl-C."""
    try:
        from dashboard.server import run  # the dashboard (and Panel) only when serving
    except ImportError as exc:
        raise CevnsError(no_dashboard_reason(exc)) from None
    try:
        run(args)
    except KeyboardInterrupt:  # Ctrl-C: a normal way to stop the server
        pass


def add_serve_parser(sub: Any) -> str | None:
    """Add ``cevns serve`` with the dashboard's options, found lazily (the CLI works without it).

    Returns why the command cannot run (the dashboard cannot be imported), or None.
    """
    try:
        from dashboard.server import add_serve_arguments  # argparse only: no Panel import
    except ImportError as exc:
        reason = no_dashboard_reason(exc)

        def refuse(args: argparse.Namespace) -> None:
            raise CevnsError(reason)

        sv = sub.add_parser("serve", help="serve the dashboard (not installed here)")
        sv.add_argument("options", nargs=argparse.REMAINDER, help="the server's options")
        sv.set_defaults(func=refuse)
        return reason
    sv = sub.add_parser(
        "serve",
        help="serve the dashboard (http://127.0.0.1:5006/cevns by default)",
        description="Serve the dashboard at http://ADDRESS:PORT[/PREFIX]/cevns.",
    )
    add_serve_arguments(sv)
    sv.set_defaults(func=cmd_serve)
    return None
