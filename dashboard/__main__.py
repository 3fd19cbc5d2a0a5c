"""``python -m dashboard``: serve the page at http://ADDRESS:PORT/cevns (used by ``make serve``)."""

from __future__ import annotations

import argparse

import panel as pn

from dashboard.app import create_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    parser.add_argument("--port", type=int, default=5006, help="port (default 5006)")
    parser.add_argument("--address", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument("--show", action="store_true", help="open a browser tab")
    parser.add_argument(
        "--allow-websocket-origin",
        action="append",
        default=None,
        metavar="HOST[:PORT]",
        help="extra websocket origin (repeatable), e.g. for a reverse proxy",
    )
    args = parser.parse_args(argv)
    origins = [f"{args.address}:{args.port}", f"localhost:{args.port}", f"127.0.0.1:{args.port}"]
    origins += args.allow_websocket_origin or []
    print(f"CEvNS workbench on http://{args.address}:{args.port}/cevns", flush=True)
    pn.serve(
        {"cevns": create_app},
        port=args.port,
        address=args.address,
        show=args.show,
        websocket_origin=origins,
        liveness=True,
        title="CEvNS workbench",
    )


if __name__ == "__main__":
    main()
