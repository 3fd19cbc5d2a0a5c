"""Command line of the served dashboard: ``cevns serve`` and ``python -m dashboard``.

:func:`add_serve_arguments` builds the options without importing Panel (the ``cevns`` command
line uses it); :func:`run` / :func:`main` serve with them (:func:`dashboard.server.serve`).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from .limits import (
    DEFAULT_LIMITS,
    LOGIN_DELAY_MAX_S,
    MESSAGE_BURST_S,
    PAGE_BURST,
    REQUEST_BURST,
    Limits,
    parse_size,
)
from .server_options import (
    _BASIC_AUTH_ENV,
    _COOKIE_SECRET_ENV,
    DEFAULT_ADDRESS,
    DEFAULT_CHECK_UNUSED_SESSIONS_MS,
    DEFAULT_PORT,
    DEFAULT_SESSION_TOKEN_EXPIRATION_S,
    DEFAULT_UNUSED_SESSION_LIFETIME_MS,
    ServeError,
)
from .settings import Settings, configure

__all__ = [
    "SIZING_HELP",
    "add_serve_arguments",
    "limits_from_args",
    "main",
    "run",
    "settings_from_args",
]

#: How to size a server for a class (the end of ``cevns serve --help``); the figures are those
#: of ``benchmarks/bench_first_page.py`` and ``benchmarks/bench_load.py`` on 2 cores.
SIZING_HELP = """\
Sizing a server for N people:
  CPU      a new page costs the server about 0.8 s of one core; each process builds one
           page at a time, in a worker thread (open pages keep updating meanwhile): N
           people opening the page at once wait about 0.8 s x N / P for the last page with
           P processes on idle cores, plus their browsers' own rendering (a browser needs
           several seconds of CPU per page: on the students' machines, not the server's).
           An update takes 0.02-0.1 s of CPU. Use --num-procs P = the number of cores the
           server may use (more processes than cores only add memory), with
           --reuse-sessions so that each page is built once (not again in the worker its
           websocket reaches); the workers take new pages in turns. E.g. a class of 10-20
           on 2 cores: --num-procs 2 --reuse-sessions --spare-pages 5 (20 at once:
           median 3.0 s; 5.5-6.3 s without spare pages).
  spares   --spare-pages K keeps K plain pages built ahead in each process (rebuilt while
           it is idle): the first K x P people arriving together get theirs at once, the
           others wait for builds as above.
  memory   about 215 MB per process plus 15 MB per open or spare page: P x 215 MB +
           (N + K x P) x 15 MB while the pages are open; given back once no session is
           left (on glibc; --no-release-memory keeps it for later pages).
  limits   per process: --max-sessions >= N / P with a margin. People behind one NAT
           address count as one client: raise --max-sessions-per-client (open pages) and
           --max-page-rate / --max-request-rate for them.
  start    one page is pre-warmed before serving (imports, caches, first plot: 1-2 s of
           CPU; --no-prewarm skips it), before the workers fork, so all start warm.
"""


def add_serve_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the server options to ``parser`` (``cevns serve`` and ``python -m dashboard``) and
    the sizing advice (:data:`SIZING_HELP`) to its help."""
    parser.epilog = SIZING_HELP
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    net = parser.add_argument_group("network")
    net.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    net.add_argument(
        "--address",
        default=DEFAULT_ADDRESS,
        help=f"listen address (default {DEFAULT_ADDRESS}: this machine only; 0.0.0.0: all)",
    )
    net.add_argument(
        "--allow-websocket-origin",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="extra allowed websocket origin, e.g. the public name of a reverse proxy "
        "(repeatable; the listen host:port and localhost forms are always allowed)",
    )
    net.add_argument(
        "--prefix", default=None, help="URL prefix, e.g. 'cevns-lab' behind a reverse proxy"
    )
    net.add_argument(
        "--use-xheaders",
        action="store_true",
        help="trust X-Real-Ip/X-Forwarded-For/X-Forwarded-Proto (only behind a proxy)",
    )
    net.add_argument("--show", action="store_true", help="open a browser tab")

    work = parser.add_argument_group("processes and sessions")
    work.add_argument(
        "--num-procs",
        type=int,
        default=1,
        help="worker processes sharing the port (default 1; each has its own memory and caches, "
        "and builds pages in parallel with the others: one per core, see the sizing below)",
    )
    work.add_argument(
        "--num-threads",
        type=int,
        default=None,
        help="threads for callbacks in each process (default: callbacks on the event loop)",
    )
    work.add_argument(
        "--unused-session-lifetime",
        type=int,
        default=DEFAULT_UNUSED_SESSION_LIFETIME_MS,
        metavar="MS",
        help="drop a session this long after its last connection closed "
        f"(default {DEFAULT_UNUSED_SESSION_LIFETIME_MS} ms)",
    )
    work.add_argument(
        "--check-unused-sessions",
        type=int,
        default=DEFAULT_CHECK_UNUSED_SESSIONS_MS,
        metavar="MS",
        help="how often to look for unused sessions "
        f"(default {DEFAULT_CHECK_UNUSED_SESSIONS_MS} ms)",
    )
    work.add_argument(
        "--session-token-expiration",
        type=int,
        default=DEFAULT_SESSION_TOKEN_EXPIRATION_S,
        metavar="S",
        help="a served page must connect within this many seconds "
        f"(default {DEFAULT_SESSION_TOKEN_EXPIRATION_S})",
    )
    work.add_argument(
        "--reuse-sessions",
        action="store_true",
        help="serve new pages from a rendered first session (faster page loads)",
    )
    work.add_argument(
        "--spare-pages",
        type=int,
        default=0,
        metavar="N",
        help="keep N plain pages built ahead in each process, built while it is idle, for "
        "the next visitors: a class opening the page together gets them without waiting for "
        "builds (about 15 MB each; not with --basic-auth; default 0)",
    )
    work.add_argument(
        "--no-prewarm",
        dest="prewarm",
        action="store_false",
        help="do not build and discard one page at start-up; by default the server "
        "does so before listening and before --num-procs forks, so that the first visitors do "
        "not pay for imports, caches and first computations (a few seconds at start)",
    )
    work.add_argument(
        "--no-release-memory",
        dest="release_memory",
        action="store_false",
        help="keep the memory of ended sessions for later ones; by default (on Linux with "
        "glibc) the server runs with PYTHONMALLOC=malloc unless that variable is set, limits "
        "glibc's arenas and gives the memory back to the system once no session is left "
        "(glibc's allocator costs about 17%% more CPU per page build)",
    )
    work.add_argument(
        "--build-pages-on-loop",
        action="store_true",
        help="build new pages on the event loop, as Panel does (by default they are built in a "
        "worker thread, so that open pages keep updating while people open the page)",
    )
    work.add_argument(
        "--warm",
        action="store_true",
        help="Panel's warm-up: run the page once in a session before serving (num-procs 1; "
        "the pre-warm above already does more)",
    )
    work.add_argument(
        "--admin", action="store_true", help="Panel's admin page at /admin (per process)"
    )

    auth = parser.add_argument_group("password protection")
    auth.add_argument(
        "--basic-auth",
        default=None,
        metavar="PASSWORD|USERS.json",
        help=f"require a login: one password, or a JSON file {{user: password}} "
        f"(default: ${_BASIC_AUTH_ENV}; prefer the file or the variable, a password on the "
        "command line is visible in the process list)",
    )
    auth.add_argument(
        "--cookie-secret",
        default=None,
        help=f"secret that signs the login cookie (default: ${_COOKIE_SECRET_ENV}; "
        "else random per start). Create one with `panel secret`",
    )
    _add_limit_arguments(parser)
    _add_work_limit_arguments(parser)
    parser.add_argument(
        "--log-level",
        default="info",
        choices=("debug", "info", "warning", "error"),
        help="server log level (default info)",
    )
    return parser


def _add_limit_arguments(parser: argparse.ArgumentParser) -> None:
    d = DEFAULT_LIMITS
    lim = parser.add_argument_group(
        "limits (per worker process; a client is an IP address, an IPv6 /64 network)"
    )
    lim.add_argument(
        "--max-url-length",
        type=int,
        default=d.max_url_length,
        metavar="N",
        help=f"longest URL, path and query, in characters (default {d.max_url_length})",
    )
    lim.add_argument(
        "--max-url-value",
        type=int,
        default=d.max_url_value,
        metavar="N",
        help=f"longest value in a URL's query, in characters (default {d.max_url_value})",
    )
    lim.add_argument(
        "--max-upload-size",
        type=parse_size,
        default=d.max_upload_bytes,
        metavar="SIZE",
        help="largest uploaded configuration file, checked in the browser and for every chunk "
        "on the server (default 1MB)",
    )
    lim.add_argument(
        "--max-message-size",
        type=parse_size,
        default=d.max_message_bytes,
        metavar="SIZE",
        help="largest websocket message from a page; a larger one closes the connection "
        "(default 1MiB)",
    )
    lim.add_argument(
        "--max-sessions",
        type=int,
        default=d.max_sessions,
        metavar="N",
        help=f"open pages (sessions) of the process; more are refused (default {d.max_sessions})",
    )
    lim.add_argument(
        "--max-sessions-per-client",
        type=int,
        default=d.max_sessions_per_client,
        metavar="N",
        help=f"open pages from one client (default {d.max_sessions_per_client})",
    )
    lim.add_argument(
        "--max-page-rate",
        type=float,
        default=d.page_rate,
        metavar="R",
        help=f"new pages per second from one client, after a burst of {PAGE_BURST} "
        f"(default {d.page_rate:g})",
    )
    lim.add_argument(
        "--max-request-rate",
        type=float,
        default=d.request_rate,
        metavar="R",
        help=f"HTTP requests per second from one client, after a burst of {REQUEST_BURST} "
        f"(default {d.request_rate:g})",
    )
    lim.add_argument(
        "--max-message-rate",
        type=float,
        default=d.message_rate,
        metavar="R",
        help="websocket messages per second from the pages of one client, after a burst of "
        f"{MESSAGE_BURST_S:g} s worth; a faster client waits (default {d.message_rate:g})",
    )
    lim.add_argument(
        "--login-delay",
        type=float,
        default=d.login_delay_s,
        metavar="S",
        help="refuse the next sign-in from a client or for a user this long after a failed one, "
        f"doubling per failure up to {LOGIN_DELAY_MAX_S:g} s (default {d.login_delay_s:g}; 0: off)",
    )
    lim.add_argument(
        "--login-expiry",
        type=float,
        default=d.login_expiry_h,
        metavar="HOURS",
        help=f"a login lasts this long (default {d.login_expiry_h:g} h)",
    )


def _add_work_limit_arguments(parser: argparse.ArgumentParser) -> None:
    d = Settings()
    work = parser.add_argument_group(
        "computations (per worker process; dashboard.settings, shared by all its sessions)"
    )
    work.add_argument(
        "--max-scan-points",
        type=int,
        default=d.scan_max_points,
        metavar="N",
        help=f"grid points of one scan request; larger grids are refused with a message "
        f"(default {d.scan_max_points}: 200 x 200)",
    )
    work.add_argument(
        "--scans-per-session",
        type=int,
        default=d.scans_per_session,
        metavar="N",
        help=f"scans one page may run or queue at once (default {d.scans_per_session})",
    )
    work.add_argument(
        "--scans-per-server",
        type=int,
        default=d.scans_per_server,
        metavar="N",
        help=f"scans computed at once, in their own threads (default {d.scans_per_server})",
    )
    work.add_argument(
        "--scan-queue",
        type=int,
        default=d.scan_queue,
        metavar="N",
        help="scans waiting for a free slot; more are refused with a 'busy' message "
        f"(default {d.scan_queue})",
    )
    work.add_argument(
        "--cache-size",
        type=parse_size,
        default=d.cache_bytes,
        metavar="SIZE",
        help="results cached for all sessions, least recently used out first (default 256MiB)",
    )


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Apply the computation limits given on the command line (:func:`dashboard.settings.
    configure`); an invalid one is a :class:`ServeError` naming the option."""
    options = {
        "scan_max_points": "--max-scan-points",
        "scans_per_session": "--scans-per-session",
        "scans_per_server": "--scans-per-server",
        "scan_queue": "--scan-queue",
        "cache_bytes": "--cache-size",
    }
    values = {name: getattr(args, option[2:].replace("-", "_")) for name, option in options.items()}
    try:
        return configure(**values)
    except ValueError as exc:
        message = str(exc)
        for name, option in options.items():
            message = message.replace(name, option)
        raise ServeError(message) from None


def limits_from_args(args: argparse.Namespace) -> Limits:
    """The :class:`~dashboard.limits.Limits` given on the command line."""
    try:
        return Limits(
            max_url_length=args.max_url_length,
            max_url_value=args.max_url_value,
            max_upload_bytes=args.max_upload_size,
            max_message_bytes=args.max_message_size,
            max_sessions=args.max_sessions,
            max_sessions_per_client=args.max_sessions_per_client,
            page_rate=args.max_page_rate,
            request_rate=args.max_request_rate,
            message_rate=args.max_message_rate,
            login_delay_s=args.login_delay,
            login_expiry_h=args.login_expiry,
        )
    except ValueError as exc:
        raise ServeError(str(exc)) from None


def run(args: argparse.Namespace) -> None:
    """Serve with the options parsed by :func:`add_serve_arguments` (blocks)."""
    level = getattr(logging, args.log_level.upper())
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("bokeh").setLevel(level)
    settings_from_args(args)  # before the pre-warm and before --num-procs forks
    serve(
        show=args.show,
        num_threads=args.num_threads,
        reuse_sessions=args.reuse_sessions,
        spare_pages=args.spare_pages,
        prewarm_page=args.prewarm,
        release_memory=args.release_memory,
        port=args.port,
        address=args.address,
        allow_websocket_origin=args.allow_websocket_origin,
        num_procs=args.num_procs,
        unused_session_lifetime_ms=args.unused_session_lifetime,
        check_unused_sessions_ms=args.check_unused_sessions,
        session_token_expiration_s=args.session_token_expiration,
        basic_auth=args.basic_auth,
        cookie_secret=args.cookie_secret,
        prefix=args.prefix,
        use_xheaders=args.use_xheaders,
        admin=args.admin,
        warm=args.warm,
        limits=limits_from_args(args),
        **({"build_pages_off_loop": False} if args.build_pages_on_loop else {}),
    )


def main(argv: Sequence[str] | None = None, *, prog: str = "python -m dashboard") -> int:
    """Parse ``argv`` and serve; an invalid option prints one line and returns 2."""
    parser = argparse.ArgumentParser(
        prog=prog, description="Serve the CEvNS workbench dashboard at http://ADDRESS:PORT/cevns."
    )
    add_serve_arguments(parser)
    args = parser.parse_args(argv)
    try:
        run(args)
    except ServeError as exc:
        sys.stderr.write(f"{prog}: error: {exc}\n")
        return 2
    except KeyboardInterrupt:  # Ctrl-C while tornado's parent process waits for its workers
        return 130
    return 0


# last: dashboard.server re-exports this module's names (either module may be imported first)
from .server import serve  # noqa: E402
