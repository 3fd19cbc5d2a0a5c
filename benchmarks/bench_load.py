"""Load and stability benchmark of the served dashboard (issue 6, item 5).

Run on demand with ``python benchmarks/bench_load.py`` (``make bench`` runs it too); pytest does
not collect it. Everything stays on 127.0.0.1 and every loop is bounded: the run stops by itself
(``--max-seconds``) and always stops the server it started.

What it does:

1. starts ``python -m dashboard`` on a free loopback port in its own process, with a short
   ``--unused-session-lifetime`` (default 5 s) and ``--check-unused-sessions`` (1 s);
2. measures the server's resident memory (psutil if installed, else ``/proc/<pid>/status``
   VmRSS) before any session ("cold"), after a warm-up session has come and gone ("warm"),
   every 0.25 s during the rounds ("peak"), and after each round once its sessions have expired;
3. per round, opens ``--sessions`` concurrent client sessions plus ``--browsers`` headless
   Chromium pages (Playwright; browsers are the bottleneck on a small machine, so only a few).
   When all are connected, each changes the detector threshold ``--updates`` times (setting the
   ``value`` of the widget model titled "Threshold" in its document, which is synced to the
   server like a user's edit, ``value`` and ``value_throttled`` as a browser sends them on
   Enter) and waits until the page shows the new value (a text such as the counts table's
   "threshold 9 PE", i.e. the complete update including the deferred counts); the time from
   the change to then is the update latency (p50/p95 are reported);
4. closes all sessions, waits until the server's ``/health`` counts zero sessions (they expire
   after the unused-session lifetime), and reads the memory again once it has stopped falling
   (the server gives memory back shortly after its last session has ended); "warm" is read the
   same way after the warm-up session.

Each session pauses ``--think-s`` (default 1–3 s) before each change: 20 people editing at once,
not a flood. Targets (``target …: PASS|MISS`` lines, as in the other benchmarks; exit status 1 on
a miss):

* no errors: failed connections, updates not shown within ``--update-timeout``, sessions not
  discarded after closing, ERROR/Traceback records in the server log. Unretrieved
  ``WebSocketClosedError`` records (Panel writing a patch to a websocket the client has just
  closed, as when a tab is closed during an update) are counted and reported separately;
* memory steady from round to round: after the last round at most ``--max-round-growth-mb``
  (default 25 MB) above the level after round 1 — a leak of 1–2 MB per session would exceed it
  with 20 sessions per round;
* memory after the sessions closed at most ``--budget-mb-per-session`` (default 10 MB) per
  concurrent session above warm; the round-to-round target is the leak test;
* memory back near warm once the sessions expired (issue 17): after the last round at most
  ``--max-ratio-to-warm`` (default 1.10) times warm, printed as a ratio.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import random
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
WIDGET = "Threshold"
#: Threshold values cycled through (PE for the default preset; all inside its analysis window).
VALUES = (5.0, 7.0, 9.0, 11.0, 8.0, 6.5, 10.0, 12.0)  # never the preset's 6 PE


# ---------------------------------------------------------------------------------- the server
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _get_json(url: str, timeout: float = 5.0) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


def _rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (``--num-procs`` workers), in MiB."""
    try:
        import psutil

        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
        return sum(p.memory_info().rss for p in procs) / 2**20
    except ImportError:
        pass
    total_kb = 0
    pids = [pid]
    with contextlib.suppress(OSError):
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    for p in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
    return total_kb / 1024


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its children (workers)."""
    try:
        import psutil

        proc = psutil.Process(pid)
        total = 0.0
        for p in [proc, *proc.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                t = p.cpu_times()
                total += t.user + t.system
        return total
    except ImportError:
        pass
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _browser_cpu_s() -> float:
    """CPU seconds used so far by this process's browser processes (Playwright's driver and
    Chromium's processes; not the server); NaN without psutil."""
    try:
        import psutil
    except ImportError:
        return float("nan")
    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            command = " ".join(child.cmdline()).lower()
            if "chrom" in command or "playwright" in command:
                times = child.cpu_times()
                total += times.user + times.system
        except psutil.Error:
            pass
    return total


@dataclass
class Server:
    port: int
    proc: subprocess.Popen
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def health(self) -> dict[str, Any]:
        return _get_json(f"{self.url}/health")

    def rss_mb(self) -> float:
        return _rss_mb(self.proc.pid)

    def cpu_s(self) -> float:
        return _cpu_s(self.proc.pid)

    def log_problems(self) -> tuple[list[str], list[str]]:
        """(errors, disconnect races) in the server log, one entry per log record.

        A disconnect race is an unretrieved ``WebSocketClosedError``: Panel still writing a patch
        to a websocket the client has just closed (a tab closed during an update). It is
        harmless and reported separately; anything else logged as an error counts as an error.
        """
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        records = re.split(r"\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", text)
        errors, races = [], []
        for record in records:
            bad = " ERROR " in record or "Traceback" in record or "Callable raised" in record
            if not bad:
                continue
            first = record.strip().splitlines()[0][:200]
            if "WebSocketClosedError" in record and "Task exception was never retrieved" in record:
                races.append(first)
            else:
                errors.append(first)
        return errors, races

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        # --num-procs workers stop by themselves once their parent is gone; make sure
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGTERM)


def launch_dashboard(
    options: list[str],
    log_path: Path,
    *,
    tree: Path = ROOT,
    port: int = 0,
    timeout_s: float = 180.0,
) -> Server:
    """``python -m dashboard OPTIONS`` from ``tree`` on ``port`` (0: a free one); returns once
    it answers ``/liveness`` (``timeout_s`` allows for the start-up pre-warm). Stopped at exit."""
    port = port or _free_port()
    cmd = [sys.executable, "-m", "dashboard", "--port", str(port), "--address", HOST, *options]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tree), os.environ.get("PYTHONPATH", "")]),
    }
    with log_path.open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            cmd, cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(port, proc, log_path)
    atexit.register(server.stop)  # whatever happens to this process (Ctrl-C included)
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"{server.url}/liveness", timeout=2) as r:
                if r.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"the server did not start; its log:\n{log_path.read_text()}")
        time.sleep(0.2)


def start_server(args: argparse.Namespace, log_path: Path) -> Server:
    options = [
        "--unused-session-lifetime",
        str(args.lifetime_ms),
        "--check-unused-sessions",
        str(args.check_ms),
        "--num-procs",
        str(args.num_procs),
        # every simulated person connects from 127.0.0.1: lift the per-client limits
        "--max-sessions",
        "1000",
        "--max-sessions-per-client",
        "1000",
        "--max-page-rate",
        "1000",
        "--max-request-rate",
        "10000",
        "--log-level",
        "warning",
        *shlex.split(args.serve_options),
    ]
    return launch_dashboard(options, log_path, port=args.port)


class MemoryMonitor(threading.Thread):
    """Samples the server's RSS every ``interval_s`` (bounded by ``stop()``)."""

    def __init__(self, server: Server, interval_s: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.server, self.interval_s = server, interval_s
        self.samples: list[tuple[float, float]] = []
        self.sessions: list[tuple[float, int]] = []
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.interval_s):
            with contextlib.suppress(Exception):
                self.samples.append((time.monotonic(), self.server.rss_mb()))
            with contextlib.suppress(Exception):
                self.sessions.append((time.monotonic(), self.server.health()["sessions"]))

    def peak_between(self, t0: float, t1: float) -> float:
        values = [rss for t, rss in self.samples if t0 <= t <= t1]
        return max(values) if values else float("nan")

    def max_sessions_between(self, t0: float, t1: float) -> int:
        return max((n for t, n in self.sessions if t0 <= t <= t1), default=0)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)


# ---------------------------------------------------------------------------------- the clients
@dataclass
class RoundResult:
    connect_s: list[float] = field(default_factory=list)
    latency_s: list[float] = field(default_factory=list)
    browser_connect_s: list[float] = field(default_factory=list)
    browser_latency_s: list[float] = field(default_factory=list)
    browser_cpu_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, value: Any) -> None:
        with self.lock:
            getattr(self, name).append(value)


def _shows(doc: Any, value: float) -> bool:
    """True once a text of the document (figure title, HTML pane) shows ``threshold <value> ``."""
    pattern = re.compile(rf"threshold {re.escape(f'{value:g}')}\s")
    for model in doc.models:
        text = getattr(model, "text", None)
        if isinstance(text, str) and pattern.search(text):
            return True
    return False


def _process_until(session: Any, predicate: Any, timeout_s: float) -> bool:
    """Run the client's event loop (sending our changes, applying the server's patches) until
    ``predicate()`` or ``timeout_s``.

    Bokeh's synchronous client applies server patches only while its loop runs, and
    ``force_roundtrip()`` drops the patches that arrive while it waits for its reply, so this
    uses the connection's own loop-until (a private API of ``bokeh.client``).
    """
    if predicate():
        return True
    connection = session._connection
    loop = connection.io_loop
    handle = loop.call_later(timeout_s, loop.stop)
    try:
        connection._loop_until(predicate)
    finally:
        loop.remove_timeout(handle)
    return predicate()


def _bokeh_session(
    index: int,
    url: str,
    updates: int,
    timeout_s: float,
    ready: threading.Barrier,
    done: threading.Barrier,
    result: RoundResult,
    seed: int,
    think_s: tuple[float, float],
) -> None:
    from bokeh.client import pull_session
    from bokeh.events import DocumentReady

    rng = random.Random(seed)
    session = None
    try:
        t0 = time.perf_counter()
        session = pull_session(url=url)
        doc = session.document
        # what a browser sends once the page is rendered (Panel's onload callbacks run then)
        doc.callbacks.send_event(DocumentReady())
        result.add("connect_s", time.perf_counter() - t0)
        widgets = [m for m in doc.models if getattr(m, "title", None) == WIDGET]
        if not widgets:
            raise RuntimeError(f"no widget titled {WIDGET!r} in the document")
        widget = widgets[0]
        ready.wait()
        for k in range(updates):
            time.sleep(rng.uniform(*think_s))  # think time, bounded
            value = VALUES[(index + k) % len(VALUES)]
            if value == widget.value:
                value = VALUES[(index + k + 1) % len(VALUES)]
            t0 = time.perf_counter()
            # what the browser sends on Enter in a number box: value and value_throttled
            widget.value = value
            if "value_throttled" in widget.properties():
                widget.set_from_json("value_throttled", value)
            if not _process_until(session, lambda v=value: _shows(doc, v), timeout_s):
                raise TimeoutError(
                    f"the page did not show {WIDGET} {value:g} within {timeout_s:g} s"
                )
            result.add("latency_s", time.perf_counter() - t0)
    except threading.BrokenBarrierError:
        result.add("errors", f"session {index}: another session failed to connect in time")
    except Exception as exc:
        result.add("errors", f"session {index}: {type(exc).__name__}: {exc}")
        with contextlib.suppress(threading.BrokenBarrierError):
            ready.abort()
    finally:
        with contextlib.suppress(threading.BrokenBarrierError):
            done.wait()
        if session is not None:
            with contextlib.suppress(Exception):
                session.close()


def _ws_session(
    index: int,
    url: str,
    updates: int,
    timeout_s: float,
    ready: threading.Barrier,
    done: threading.Barrier,
    result: RoundResult,
    seed: int,
    think_s: tuple[float, float],
) -> None:
    """One person as Bokeh's wire protocol sees them (``--client ws``): the page's HTTP request,
    its websocket, the whole document pulled and parsed as JSON, "document ready" sent; then the
    threshold changed as a browser changes it, and the server's patches read until one shows
    the new value. What the server must do for a browser, without the client rebuilding the
    document as Bokeh models (what ``bokeh.client`` does, at about a page build's CPU each)."""
    import asyncio

    sys.path.insert(0, str(ROOT / "tests" / "ui"))
    from served import Client, PageConnection

    base = url.rsplit("/", 1)[0]
    rng = random.Random(seed)
    waited = False

    def wait_for_all() -> None:
        nonlocal waited
        waited = True
        with contextlib.suppress(threading.BrokenBarrierError):
            done.wait()

    async def person() -> None:
        loop = asyncio.get_running_loop()
        t0 = time.perf_counter()
        connection = await asyncio.wait_for(PageConnection.open(Client(base)), timeout_s)
        try:
            await connection.ready()
            result.add("connect_s", time.perf_counter() - t0)
            widget = connection.find("Spinner", title=WIDGET)
            current = connection.models[widget]["attributes"].get("value")
            await loop.run_in_executor(None, ready.wait)
            for k in range(updates):
                await asyncio.sleep(rng.uniform(*think_s))  # think time, bounded
                value = VALUES[(index + k) % len(VALUES)]
                if value == current:
                    value = VALUES[(index + k + 1) % len(VALUES)]
                pattern = re.compile(rf"threshold {re.escape(f'{value:g}')}\s")
                t0 = time.perf_counter()
                events = [
                    {"kind": "ModelChanged", "model": {"id": widget}, "attr": a, "new": value}
                    for a in ("value", "value_throttled")
                ]
                await connection.send("PATCH-DOC", {"events": events})
                deadline = t0 + timeout_s
                while True:
                    left = deadline - time.perf_counter()
                    if left <= 0:
                        raise TimeoutError(
                            f"the page did not show {WIDGET} {value:g} within {timeout_s:g} s"
                        )
                    message = await asyncio.wait_for(connection.receive(), left)
                    if pattern.search(json.dumps(message["content"], ensure_ascii=False)):
                        break
                current = value
                result.add("latency_s", time.perf_counter() - t0)
        except Exception:
            with contextlib.suppress(threading.BrokenBarrierError):
                ready.abort()
            raise
        finally:
            # connected until every session is done, as the other clients and a browser
            await loop.run_in_executor(None, wait_for_all)
            connection.close()

    try:
        asyncio.run(person())
    except threading.BrokenBarrierError:
        result.add("errors", f"session {index}: another session failed to connect in time")
    except Exception as exc:
        result.add("errors", f"session {index}: {type(exc).__name__}: {exc}")
        with contextlib.suppress(threading.BrokenBarrierError):
            ready.abort()
    finally:
        if not waited:
            wait_for_all()


_SHOWS_JS = """([value]) => {
  const pattern = new RegExp('threshold ' + value.replace('.', '\\\\.') + '\\\\s');
  for (const m of Bokeh.documents[0].all_models)
    if (typeof m.text === 'string' && pattern.test(m.text)) return true;
  return false;
}"""

_SET_JS = """([label, value]) => {
  for (const m of Bokeh.documents[0].all_models)
    if (m.title === label && m.value !== undefined) {
      const attrs = {value: value};
      if ('value_throttled' in m.properties) attrs.value_throttled = value;
      m.setv(attrs);
      return true;
    }
  return false;
}"""


def _browser_pages(
    url: str, pages: int, updates: int, timeout_s: float, result: RoundResult
) -> None:
    """``pages`` headless Chromium pages, one after another, each changing the threshold."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        result.add("errors", "playwright is not installed (use --browsers 0)")
        return
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        try:
            for i in range(pages):
                page = browser.new_page()
                try:
                    t0 = time.perf_counter()
                    page.goto(url, timeout=timeout_s * 1000)
                    page.wait_for_function(
                        "() => window.Bokeh && Bokeh.documents.length > 0 && "
                        "document.querySelector('.bk-Canvas, body') !== null",
                        timeout=timeout_s * 1000,
                    )
                    page.locator(".bk-Canvas").first.wait_for(timeout=timeout_s * 1000)
                    result.add("browser_connect_s", time.perf_counter() - t0)
                    for k in range(updates):
                        value = VALUES[(i + k + 3) % len(VALUES)]
                        t0 = time.perf_counter()
                        if not page.evaluate(_SET_JS, [WIDGET, value]):
                            raise RuntimeError(f"no widget titled {WIDGET!r} in the page")
                        page.wait_for_function(
                            _SHOWS_JS, arg=[f"{value:g}"], timeout=timeout_s * 1000
                        )
                        result.add("browser_latency_s", time.perf_counter() - t0)
                except Exception as exc:
                    result.add("errors", f"browser page {i}: {type(exc).__name__}: {exc}")
                finally:
                    page.close()
        finally:
            result.add("browser_cpu_s", _browser_cpu_s())  # before its processes end
            browser.close()


def run_round(
    server: Server,
    sessions: int,
    browsers: int,
    updates: int,
    timeout_s: float,
    seed: int,
    think_s: tuple[float, float],
    client: str = "ws",
) -> RoundResult:
    result = RoundResult()
    person = _ws_session if client == "ws" else _bokeh_session
    url = f"{server.url}/cevns"
    ready = threading.Barrier(sessions, timeout=timeout_s * 2)
    done = threading.Barrier(sessions, timeout=timeout_s * (updates + 2))
    threads = [
        threading.Thread(
            target=person,
            args=(i, url, updates, timeout_s, ready, done, result, seed + i, think_s),
            daemon=True,
        )
        for i in range(sessions)
    ]
    if browsers:
        threads.append(
            threading.Thread(
                target=_browser_pages,
                args=(url, browsers, updates, timeout_s, result),
                daemon=True,
            )
        )
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout_s * (updates + 4))
        if t.is_alive():
            result.add("errors", f"{t.name} did not finish in time")
    return result


def wait_for_no_sessions(
    server: Server, timeout_s: float, workers: int = 1, kept: int = 0
) -> tuple[bool, float]:
    """Poll ``/health`` until the server holds no session; (success, seconds waited).

    Each worker answers for itself: with several, zero must come from ``workers`` different
    processes in a row. ``kept``: sessions a worker keeps by design (``--reuse-sessions``
    keeps the first page it rendered, to render the next ones from it).
    """
    t0 = time.monotonic()
    idle: set[int] = set()
    while time.monotonic() - t0 < timeout_s:
        with contextlib.suppress(Exception):
            health = server.health()
            if health["sessions"] <= kept:
                idle.add(health["pid"])
            else:
                idle.clear()
            if len(idle) >= workers:
                return True, time.monotonic() - t0
        time.sleep(0.5 if not idle else 0.05)
    return False, time.monotonic() - t0


def settled_rss_mb(server: Server, steady_s: float = 8.0, timeout_s: float = 40.0) -> float:
    """The server's RSS once it has stopped falling: readings every 0.5 s, within 1 MB of each
    other for ``steady_s`` (the server gives memory back after its last session has ended, then
    every 5 s while that still frees memory; each release takes a second or more of garbage
    collection on a busy machine)."""
    time.sleep(1.0)
    readings = [server.rss_mb()]
    deadline = time.monotonic() + timeout_s
    needed = int(steady_s / 0.5)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        readings.append(server.rss_mb())
        recent = readings[-needed - 1 :]
        if len(recent) > needed and max(recent) - min(recent) < 1.0:
            break
    return readings[-1]


# ---------------------------------------------------------------------------------- report
def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _ms(values: list[float]) -> str:
    if not values:
        return "n/a"
    return (
        f"p50 {_pct(values, 50) * 1e3:.0f} ms, p95 {_pct(values, 95) * 1e3:.0f} ms, "
        f"max {max(values) * 1e3:.0f} ms (n={len(values)})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="client sessions per round")
    parser.add_argument(
        "--client",
        choices=("ws", "bokeh"),
        default="ws",
        help="ws: the page's HTTP request and websocket, the document read as JSON (what the "
        "server does for a browser); bokeh: bokeh.client.pull_session, which also rebuilds "
        "each document as Bokeh models in this process (about a page build's CPU per client)",
    )
    parser.add_argument(
        "--max-connect-median-s",
        type=float,
        default=5.0,
        help="target: median connect + first document of the clients (issue 17)",
    )
    parser.add_argument(
        "--max-browser-update-p95-s",
        type=float,
        default=1.0,
        help="target: p95 of a browser's update while the other sessions are connected",
    )
    parser.add_argument("--browsers", type=int, default=2, help="Chromium pages per round")
    parser.add_argument("--updates", type=int, default=5, help="threshold changes per session")
    parser.add_argument("--rounds", type=int, default=2, help="rounds (memory after each)")
    parser.add_argument("--num-procs", type=int, default=1, help="server worker processes")
    parser.add_argument("--lifetime-ms", type=int, default=5000, help="unused-session lifetime")
    parser.add_argument("--check-ms", type=int, default=1000, help="unused-session check period")
    parser.add_argument("--update-timeout", type=float, default=60.0, help="seconds per update")
    parser.add_argument("--max-round-growth-mb", type=float, default=25.0)
    parser.add_argument(
        "--think-s",
        type=float,
        nargs=2,
        default=(1.0, 3.0),
        metavar=("MIN", "MAX"),
        help="pause before each change, uniform in [MIN, MAX] s (default 1 3)",
    )
    parser.add_argument(
        "--budget-mb-per-session",
        type=float,
        default=10.0,
        help="memory kept after the sessions closed, per concurrent session, vs warm (MB)",
    )
    parser.add_argument(
        "--max-ratio-to-warm",
        type=float,
        default=1.10,
        help="memory after the sessions expired over warm, at most (issue 17: 1.10)",
    )
    parser.add_argument("--max-seconds", type=float, default=900.0, help="whole-run limit")
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument(
        "--serve-options",
        default="",
        metavar="OPTIONS",
        help="more options of the server, e.g. '--build-pages-on-loop'",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    if args.sessions < 1 or args.rounds < 1 or args.updates < 1:
        parser.error("--sessions, --rounds and --updates must be ≥ 1")

    # Panel's Bokeh models for the client documents (importing panel registers them, but the
    # configuration upload's FileDropper only when imported itself), and the dashboard's own
    # (the typeset formulas' component, the marker of the parts drawn once scrolled to)
    import panel.models.file_dropper  # noqa: F401

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import dashboard.formulas
    import dashboard.views._lazy  # noqa: F401

    def on_alarm(*_: Any) -> None:
        raise TimeoutError(f"the benchmark ran longer than --max-seconds {args.max_seconds:g}")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(int(args.max_seconds))
    t_start = time.monotonic()
    expire_s = (args.lifetime_ms + args.check_ms) / 1e3 + 30
    log_path = Path(tempfile.mkdtemp(prefix="cevns-bench-load-")) / "server.log"
    server = start_server(args, log_path)
    monitor = MemoryMonitor(server)
    report: dict[str, Any] = {"config": {k: str(v) for k, v in vars(args).items()}}
    errors: list[str] = []
    rounds: list[dict[str, Any]] = []
    cold = warm = float("nan")
    try:
        monitor.start()
        time.sleep(1.0)
        cold = server.rss_mb()
        # warm-up: the first session imports and caches what every later session uses
        warm_up = run_round(
            server, 1, 0, 2, args.update_timeout, args.seed + 1000, (0.1, 0.3), args.client
        )
        errors += [f"warm-up: {e}" for e in warm_up.errors]
        kept = 1 if "--reuse-sessions" in args.serve_options else 0
        ok, _ = wait_for_no_sessions(server, expire_s, args.num_procs, kept)
        if not ok:
            errors.append("warm-up session not discarded")
        warm = settled_rss_mb(server)
        for r in range(args.rounds):
            t0 = time.monotonic()
            cpu0, own0 = server.cpu_s(), time.process_time()
            res = run_round(
                server,
                args.sessions,
                args.browsers,
                args.updates,
                args.update_timeout,
                args.seed + 100 * r,
                tuple(args.think_s),
                args.client,
            )
            t1 = time.monotonic()
            cpu1, own1 = server.cpu_s(), time.process_time()
            ok, waited = wait_for_no_sessions(server, expire_s, args.num_procs, kept)
            after = settled_rss_mb(server)
            errors += [f"round {r + 1}: {e}" for e in res.errors]
            if not ok:
                errors.append(f"round {r + 1}: sessions still open {expire_s:.0f} s after closing")
            rounds.append(
                {
                    "round": r + 1,
                    "seconds": round(t1 - t0, 1),
                    "server_cpu_s": round(cpu1 - cpu0, 1),
                    "bench_cpu_s": round(own1 - own0, 1),
                    "browser_cpu_s": round(sum(res.browser_cpu_s), 1),
                    "connect_s": res.connect_s,
                    "latency_s": res.latency_s,
                    "browser_connect_s": res.browser_connect_s,
                    "browser_latency_s": res.browser_latency_s,
                    "peak_mb": round(monitor.peak_between(t0, t1), 1),
                    "after_mb": round(after, 1),
                    "max_sessions": monitor.max_sessions_between(t0, t1),
                    "discarded_after_s": round(waited, 1),
                }
            )
    finally:
        monitor.stop()
        server.stop()
        signal.alarm(0)
    log_errors, races = server.log_problems()
    errors += [f"server log: {line}" for line in log_errors[:20]]

    # ------------------------------------------------------------------ print
    who = "websocket clients" if args.client == "ws" else "Bokeh clients"
    latencies = [x for r in rounds for x in r["latency_s"]]
    browser_latencies = [x for r in rounds for x in r["browser_latency_s"]]
    print(
        f"bench_load: {args.rounds} round(s) x {args.sessions} {who[:-1]} sessions + "
        f"{args.browsers} Chromium page(s), {args.updates} threshold changes each; "
        f"server `python -m dashboard --num-procs {args.num_procs} --unused-session-lifetime "
        f"{args.lifetime_ms} --check-unused-sessions {args.check_ms} {args.serve_options}`"
        f" on {HOST}"
    )
    print(
        f"machine: {os.cpu_count()} cores, load {[round(x, 2) for x in os.getloadavg()]}, "
        f"Python {sys.version.split()[0]}"
    )
    for r in rounds:
        print(
            f"round {r['round']}: {r['seconds']} s wall, server CPU {r['server_cpu_s']} s, "
            f"{who} (benchmark process) CPU {r['bench_cpu_s']} s, browsers (Playwright "
            f"and Chromium processes) CPU {r['browser_cpu_s']} s"
        )
        print(f"  connect + first document ({who}): {_ms(r['connect_s'])}")
        print(f"  update latency ({who}): {_ms(r['latency_s'])}")
        if args.browsers:
            print(
                f"  browser page load {_ms(r['browser_connect_s'])}; "
                f"update latency {_ms(r['browser_latency_s'])}"
            )
        print(
            f"  server sessions at once: up to {r['max_sessions']}"
            f"{' (per worker)' if args.num_procs > 1 else ''}; memory peak "
            f"{r['peak_mb']} MB, after close {r['after_mb']} MB = {r['after_mb'] / warm:.2f} x "
            f"warm (all sessions discarded "
            f"{r['discarded_after_s']} s after closing)"
        )
    if not rounds:
        for e in errors[:20]:
            print(f"  error: {e}")
        return 1
    print(f"update latency, all rounds ({who}): {_ms(latencies)}")
    if args.browsers:
        print(f"update latency, all rounds (browsers): {_ms(browser_latencies)}")
    first, last = rounds[0]["after_mb"], rounds[-1]["after_mb"]
    peak = max(r["peak_mb"] for r in rounds)
    print(
        f"memory (RSS): cold {cold:.1f} MB, warm {warm:.1f} MB, peak {peak:.1f} MB, "
        f"after round 1 {first:.1f} MB, after round {len(rounds)} {last:.1f} MB"
    )
    ratio = last / warm
    print(
        f"memory after the sessions expired / warm: {ratio:.2f} (peak / warm "
        f"{peak / warm:.2f}); within {100 * (args.max_ratio_to_warm - 1):.0f} % of warm: "
        f"{'yes' if ratio <= args.max_ratio_to_warm else 'no'}"
    )
    round_growth, growth = last - first, last - warm
    budget = args.budget_mb_per_session * (args.sessions + args.browsers)
    checks = [
        ("errors", not errors, f"{len(errors)} errors"),
        (
            "memory round-to-round",
            round_growth <= args.max_round_growth_mb,
            f"{round_growth:+.1f} MB after round {len(rounds)} vs round 1, "
            f"bound {args.max_round_growth_mb:g} MB",
        ),
        (
            "memory vs warm",
            growth <= budget,
            f"{growth:+.1f} MB after the last round vs warm, bound {budget:g} MB = "
            f"{args.budget_mb_per_session:g} MB x {args.sessions + args.browsers} sessions",
        ),
        (
            "memory ratio to warm",
            ratio <= args.max_ratio_to_warm,
            f"{ratio:.2f} x warm after the last round, bound {args.max_ratio_to_warm:g}",
        ),
    ]
    if args.num_procs > 1:
        # connections are spread unevenly over the workers and each keeps its own high-water
        # mark, and RSS counts the pages the forks share once per process
        checks = checks[:1]
        print(
            "memory targets: only with --num-procs 1 (RSS summed over the parent and "
            f"{args.num_procs} workers, shared pages counted per process)"
        )
    connects = [x for r in rounds for x in r["connect_s"]]
    checks.append(
        (
            "connect + first document, median",
            _pct(connects, 50) <= args.max_connect_median_s,
            f"{_pct(connects, 50):.2f} s ({who}, {args.sessions} at once), "
            f"bound {args.max_connect_median_s:g} s",
        )
    )
    if args.browsers:
        checks.append(
            (
                "browser update p95",
                _pct(browser_latencies, 95) <= args.max_browser_update_p95_s,
                f"{_pct(browser_latencies, 95):.2f} s with {args.sessions} other sessions, "
                f"bound {args.max_browser_update_p95_s:g} s",
            )
        )
    for label, ok, detail in checks:
        print(f"target {label}: {'PASS' if ok else 'MISS'} ({detail})")
    for e in errors[:20]:
        print(f"  error: {e}")
    if races:
        print(
            f"note: {len(races)} disconnect race(s) in the server log (Panel writing a patch to a "
            "websocket the client had just closed; harmless, not counted as errors)"
        )
    print(f"total {time.monotonic() - t_start:.0f} s; server log {log_path}")
    report.update(
        cold_mb=cold,
        warm_mb=warm,
        rounds=rounds,
        errors=errors,
        disconnect_races=races,
        checks={label: ok for label, ok, _ in checks},
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
