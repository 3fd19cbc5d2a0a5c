"""Served lab mode: the dashboard behind Panel's server with safe defaults.

``cevns serve`` and ``python -m dashboard`` both end here (:func:`main`), and both accept the
options of :func:`add_serve_arguments`. The server logic itself is :func:`serve`, which builds
Panel's server for ``{"cevns": create_app}`` programmatically (no script path to resolve).

Defaults (each can be changed on the command line):

* listen on ``127.0.0.1:5006`` only; another interface only when ``--address`` is given;
* websocket connections only from the listen ``host:port`` and its ``localhost`` /
  ``127.0.0.1`` forms (plus the host name when listening on all interfaces); more with the
  repeatable ``--allow-websocket-origin`` (for a reverse proxy: its public ``host[:port]``);
* sessions without a connection are dropped after 60 s (``--unused-session-lifetime``, ms),
  checked every 10 s (``--check-unused-sessions``, ms); a page must open its websocket within
  300 s of being served (``--session-token-expiration``, s);
* health checks without login: ``/liveness`` (Panel) and ``/health`` (JSON ``{"status": "ok",
  "version": ..., "sessions": n, "pid": ...}``; the sessions of the answering process);
* no password unless ``--basic-auth`` (a password, or a JSON file ``{"user": "password"}``) or the
  ``PANEL_BASIC_AUTH`` environment variable is given (a value with ``/`` or ending in ``.json``
  that is not a file is an error, never the password). Logins are signed with
  ``--cookie-secret`` / ``PANEL_COOKIE_SECRET``; without one a random secret is generated at each
  start (logins do not survive a restart, a warning says so). It is generated before
  ``--num-procs`` forks, so the worker processes share it; separate instances behind one load
  balancer need a common one. The login pages and rules are :mod:`dashboard.auth`'s;
* limits on what one client may ask (URL and value length, pages and requests per second, open
  sessions, upload and websocket message size; :class:`dashboard.limits.Limits`, options in
  :mod:`dashboard.server_cli`), checked with security headers for every request by
  :class:`dashboard.guard.Guard`, installed on the server before it serves its first request.

Also: nothing is written to disk (the login pages come from the package; logouts are shared by
``--num-procs`` workers in anonymous shared memory, their lock's name unlinked at once), so a
killed server leaves no files behind. SIGTERM and SIGINT stop the server cleanly (exit status
0). With ``--num-procs N`` the workers stop by themselves within a second when the parent
process ends (Tornado does not pass SIGTERM on). ``panel serve dashboard/app.py --plugins
dashboard.server`` adds ``/health`` to a ``panel serve`` command (e.g. for OAuth, which ``cevns
serve`` does not offer; the limits and the login of this module do not apply there).

The options are checked by :mod:`dashboard.server_options`, the command line is
:mod:`dashboard.server_cli`, the pre-warm :mod:`dashboard.prewarm`, the page builds off the
event loop :mod:`dashboard.page_builds`, the memory given back once no session is left
:mod:`dashboard.memory`, the share of new connections between ``--num-procs`` workers
:mod:`dashboard.accept_balance`; the options', command line's and pre-warm's public names are
also this module's. Nothing here imports Panel at import time: the ``cevns`` command line builds
its ``serve`` sub-command from :func:`add_serve_arguments` without loading Panel.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable
from typing import Any

from .limits import DEFAULT_LIMITS, Limits
from .prewarm import prewarm
from .server_options import (
    APP_NAME,
    DEFAULT_ADDRESS,
    DEFAULT_CHECK_UNUSED_SESSIONS_MS,
    DEFAULT_PORT,
    DEFAULT_SESSION_TOKEN_EXPIRATION_S,
    DEFAULT_UNUSED_SESSION_LIFETIME_MS,
    HEALTH_PATH,
    LIVENESS_PATH,
    ServeError,
    _host_for_url,
    health_handler,
    server_kwargs,
    websocket_origins,
)

__all__ = [
    "APP_NAME",
    "DEFAULT_ADDRESS",
    "DEFAULT_CHECK_UNUSED_SESSIONS_MS",
    "DEFAULT_PORT",
    "DEFAULT_SESSION_TOKEN_EXPIRATION_S",
    "DEFAULT_UNUSED_SESSION_LIFETIME_MS",
    "ServeError",
    "add_serve_arguments",
    "health_handler",
    "limits_from_args",
    "main",
    "prewarm",
    "run",
    "serve",
    "server_kwargs",
    "websocket_origins",
]

log = logging.getLogger("dashboard.server")

#: How often a server releasing memory checks whether its last session has ended (ms).
RELEASE_CHECK_MS = 500


def __getattr__(name: str) -> Any:
    """``ROUTES``: the health endpoint for ``panel serve ... --plugins dashboard.server``.

    Created on first access, so that importing this module does not import tornado.
    """
    if name == "ROUTES":
        return [(HEALTH_PATH, health_handler())]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ------------------------------------------------------------------------------------ serving
def serve(
    app: Callable[[], Any] | None = None,
    *,
    threaded: bool = False,
    show: bool = False,
    num_threads: int | None = None,
    reuse_sessions: bool = False,
    spare_pages: int = 0,
    limits: Limits = DEFAULT_LIMITS,
    prewarm_page: bool = False,
    build_pages_off_loop: bool = True,
    release_memory: bool = False,
    **options: Any,
) -> Any:
    """Serve ``app`` (default :func:`dashboard.app.create_app`) at ``/cevns``.

    ``options`` are those of :func:`server_kwargs`; ``limits`` are checked for every request
    (:class:`dashboard.guard.Guard`) and, with a password, govern the login
    (:class:`dashboard.auth.LoginManager`). With ``threaded=True`` the server runs in a thread and
    the thread is returned (``.stop()`` ends it; one process only); otherwise this call blocks
    until the server stops (Ctrl-C, SIGTERM). With ``prewarm_page`` one page is built and
    discarded before the server listens (:func:`prewarm`; ``cevns serve`` does so unless
    ``--no-prewarm``), before ``--num-procs`` forks. With ``build_pages_off_loop`` (default;
    ``cevns serve --build-pages-on-loop`` turns it off) new pages are built in a worker thread
    (:mod:`dashboard.page_builds`), so that the open pages keep updating meanwhile. With
    ``release_memory`` (``cevns serve`` unless ``--no-release-memory``) the memory of ended
    sessions goes back to the system on glibc (:mod:`dashboard.memory`): unless threaded, the
    command starts again at once with ``PYTHONMALLOC=malloc`` if that variable is not set; the
    allocator is tuned before the pre-warm, and memory is released whenever the last session
    has ended. Unless threaded, the garbage collector is tuned before the forks
    (:mod:`dashboard.collector`) and Bokeh does not validate each new document.

    SIGTERM and SIGINT stop the server cleanly: its event loop stops, the server closes its
    port and this call returns (``cevns serve`` exits with status 0, ``atexit`` handlers and
    ``finally`` blocks run). With ``--num-procs`` the parent exits at once and each worker
    stops on its own signal or within a second of the parent's end.
    """
    kwargs = server_kwargs(limits=limits, **options)
    if threaded and kwargs.get("num_procs", 1) > 1:
        raise ServeError("a threaded server runs in one process: use num_procs=1")
    _check_spare_pages(spare_pages, kwargs, build_pages_off_loop)
    if release_memory:
        from .memory import restart_with_system_malloc, tune_allocator

        if not threaded:
            restart_with_system_malloc()  # returns only when not needed (or not glibc)
        tune_allocator()  # before the pre-warm and the forks: every worker inherits it

    import panel as pn

    from .auth import LoginManager, token_exclusions
    from .guard import Guard, install_log_filters
    from .page_builds import OffLoopBuilds
    from .upload import set_upload_limits

    if app is None:
        from dashboard.app import create_app as app
    if num_threads is not None:
        if num_threads < 0:
            raise ServeError(f"--num-threads must be ≥ 0, got {num_threads}")
        pn.config.nthreads = num_threads
    if reuse_sessions:
        pn.config.reuse_sessions = True
    prefix = f"/{kwargs['prefix']}" if "prefix" in kwargs else ""
    login = None
    basic_auth = kwargs.pop("basic_auth", None)
    if basic_auth:
        # our own login pages and checks instead of Panel's basic auth (made before the
        # workers fork: they share the record of logouts)
        login = LoginManager(basic_auth, kwargs["cookie_secret"], limits, prefix=prefix)
        kwargs["auth_provider"] = login.auth_provider()
        kwargs["extra_patterns"] = [*kwargs["extra_patterns"], *login.extra_patterns()]
        kwargs.update(token_exclusions())
    guard = Guard(limits, login=login)
    builds = OffLoopBuilds() if build_pages_off_loop else None
    guard.builds_off_loop = builds is not None
    install_log_filters()
    set_upload_limits(limits)
    if prewarm_page:
        # the page as served (its first tab): every tab would add ~7 s of CPU to each start
        prewarm(app, every_tab=False)
    host = _host_for_url(kwargs["address"] or "0.0.0.0")
    if threaded:
        return _serve_in_thread(
            {APP_NAME: app}, guard, builds, release_memory, spare_pages, show=show, **kwargs
        )
    from bokeh.settings import settings as bokeh_settings

    from .collector import tune_collector

    log.info("garbage collector: %d start-up objects frozen", tune_collector())
    # Bokeh's integrity check of each new page walks all its models again (3 % of a page's
    # CPU); the tests check the page's integrity instead (tests/dashboard/test_page_integrity.py)
    bokeh_settings.perform_document_validation.set_value(False)
    print(
        f"CEvNS workbench on http://{host}:{kwargs['port']}{prefix}/{APP_NAME}  "
        f"(health: {prefix}{HEALTH_PATH}, {prefix}/{LIVENESS_PATH})",
        flush=True,
    )
    parent = os.getpid()
    _exit_on_sigterm()  # the parent of --num-procs waits in tornado's fork_processes
    try:
        # with num_procs > 1 the workers are forked in here; the parent stays in tornado's
        # fork_processes (restarting workers that die) and never returns from this call
        server = pn.serve({APP_NAME: app}, show=show, start=False, verbose=False, **kwargs)
    except OSError as exc:
        raise ServeError(
            f"cannot listen on {host}:{kwargs['port']}: {exc.strerror or exc}"
        ) from None
    _install(server, guard, builds, release_memory, spare_pages)
    if os.getpid() != parent:
        _stop_when_orphaned(server, parent)
        if builds is not None:
            _accept_when_idle(server, builds)
    _stop_on_signals(server)
    server.start()
    try:
        server.io_loop.start()
    finally:
        _shut_down(server, builds)
    return None


def _check_spare_pages(count: int, kwargs: dict[str, Any], build_pages_off_loop: bool) -> None:
    if not isinstance(count, int) or count < 0:
        raise ServeError(f"--spare-pages must be an integer ≥ 0, got {count!r}")
    if count and kwargs.get("basic_auth"):
        raise ServeError(
            "--spare-pages cannot be used with --basic-auth: a page shows who is signed in, "
            "which a page built ahead cannot know"
        )
    if count and not build_pages_off_loop:
        raise ServeError("--spare-pages needs the pages built off the event loop")


def _install(
    server: Any, guard: Any, builds: Any, release_memory: bool = False, spare_pages: int = 0
) -> None:
    """The gate, the page builds off the event loop, the spare pages and the release of memory
    once no session is left, on a server not yet started (in each ``--num-procs`` worker)."""
    guard.install(server)
    if builds is not None:
        builds.install(server, {f"/{APP_NAME}"})
    if spare_pages:
        from .spare_pages import QUIET_S, SparePages

        def busy() -> bool:  # pages being built, or open pages in use
            return builds.pending > 0 or time.monotonic() - guard.last_message < QUIET_S

        spares = SparePages(spare_pages, busy=busy)
        spares.install(server, f"/{APP_NAME}")
    if release_memory:
        from .memory import ReleaseWhenIdle

        releaser = ReleaseWhenIdle.for_server(server)
        server.io_loop.add_callback(releaser.install, RELEASE_CHECK_MS)


def _accept_when_idle(server: Any, builds: Any) -> None:
    """A ``--num-procs`` worker takes no new connection while it builds a page
    (:mod:`dashboard.accept_balance`)."""
    from .accept_balance import AcceptWhenIdle

    balance = AcceptWhenIdle()
    balance.install(server._http, server.io_loop)
    builds.on_busy = balance.set_busy


def _exit_on_sigterm() -> None:
    """SIGTERM ends this process like Ctrl-C does: Python unwinds (``finally`` blocks and
    ``atexit`` handlers run) instead of being killed on the spot."""
    import signal

    def on_sigterm(signum: int, _frame: Any) -> None:
        log.info("stopping (SIGTERM)")
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, on_sigterm)


def _stop_on_signals(server: Any) -> None:
    """SIGTERM and SIGINT stop the server's event loop (``io_loop.start()`` returns)."""
    import signal

    def stop(signum: int) -> None:
        log.info("stopping (%s)", signal.Signals(signum).name)
        server.io_loop.stop()

    loop = server.io_loop.asyncio_loop
    for signum in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(signum, stop, signum)
        except (NotImplementedError, RuntimeError, ValueError):  # pragma: no cover - Windows
            signal.signal(signum, lambda n, _f: server.io_loop.add_callback_from_signal(stop, n))


def _shut_down(server: Any, builds: Any) -> None:
    """Close the port and the server's periodic jobs; end the page builder's thread."""
    with contextlib.suppress(Exception):
        server.stop()
    if builds is not None:
        builds.shutdown()


def _serve_in_thread(
    apps: dict[str, Any],
    guard: Any,
    builds: Any,
    release_memory: bool,
    spare_pages: int = 0,
    **kwargs: Any,
) -> Any:
    """``pn.serve(..., threaded=True)`` with the guard installed before the first request."""
    import uuid

    import panel as pn
    from panel.io.server import get_server
    from panel.io.threads import StoppableThread
    from tornado.ioloop import IOLoop

    loop = IOLoop(make_current=False)
    server_id = uuid.uuid4().hex

    def run_server(**options: Any) -> Any:
        server = get_server(apps, start=False, **options)
        _install(server, guard, builds, release_memory, spare_pages)
        server.start()
        with contextlib.suppress(RuntimeError):  # the loop was stopped by .stop()
            server.io_loop.start()
        return server

    thread = StoppableThread(
        target=run_server,
        io_loop=loop,
        owns_loop=True,
        kwargs={**kwargs, "loop": loop, "server_id": server_id, "verbose": False},
    )
    pn.state._threads[server_id] = thread
    thread.start()
    return thread


def _stop_when_orphaned(server: Any, parent: int, period_ms: int = 1000) -> None:
    """A ``--num-procs`` worker stops once its parent is gone.

    Tornado's parent process does not pass SIGTERM on to its workers: without this, ``kill PARENT``
    would leave the workers serving the port.
    """
    from tornado.ioloop import PeriodicCallback

    def check() -> None:
        if os.getppid() != parent:
            log.info("worker %d: the parent process %d is gone, stopping", os.getpid(), parent)
            server.io_loop.stop()

    PeriodicCallback(check, period_ms).start()


# the command line lives in its own module; its names are part of this one's interface
from .server_cli import add_serve_arguments, limits_from_args, main, run  # noqa: E402
