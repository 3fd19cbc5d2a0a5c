"""Floods against the served dashboard: memory of the server and another user's update latency.

Run on demand with ``python benchmarks/bench_floods.py`` (``run_all.py`` runs it too); pytest
does not collect it. Everything stays on 127.0.0.1, every loop is bounded in time and the server
it starts is always stopped.

The server is ``python -m dashboard --use-xheaders --basic-auth USERS.json`` with its default
limits. A *victim* (a page's websocket, signed in, from 127.0.0.1) changes the detector threshold
every ``--think-s`` seconds and waits until the page shows the new value; the time from the
change to then is its update latency. Meanwhile, one flood at a time, each for ``--seconds``, an
*attacker* process (another client address, ``X-Real-Ip``; a signed-in user when it needs to
be) sends, as fast as it can:

* ``url``: page requests whose URL holds a 16 MB value, and ones with a 5000-digit value;
* ``pages``: page requests (each one the server accepts builds a page: ~1 s of CPU, ~8 MB);
* ``upload``: upload chunks straight over a websocket (256 KiB each, new file names);
* ``messages``: invalid widget values over a websocket;
* ``login``: wrong passwords for the victim's user name.

The server's resident memory is sampled every 0.2 s. A flood's latencies are those of the
victim's updates started during it; the next flood starts once the victim has started an update
after it. Targets (``target …: PASS|MISS``; exit
status 1 on a miss): during every flood the victim's updates take at most ``--max-latency-s``
(p95) and the server's memory stays within ``--max-growth-mb`` of what it was before the flood.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import json
import multiprocessing
import os
import queue
import re
import shlex
import signal
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _path in (HERE, ROOT, ROOT / "tests" / "ui"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from bench_load import HOST, Server, _ms, _pct, launch_dashboard  # noqa: E402

FLOODS = ("url", "pages", "upload", "messages", "login")
VICTIM, ATTACKER = "alice", "mallory"
PASSWORDS = {VICTIM: "alice-password-1", ATTACKER: "mallory-password-1"}
VALUES = (5.0, 7.0, 9.0, 11.0, 8.0, 6.5, 10.0, 12.0)


# ---------------------------------------------------------------------------------- the server
def start_server(users: Path, log_path: Path, extra: list[str] = ()) -> Server:
    options = [
        *extra,
        "--use-xheaders",
        "--basic-auth",
        str(users),
        "--cookie-secret",
        "a-cookie-secret-for-the-flood-benchmark",
        "--log-level",
        "warning",
    ]
    return launch_dashboard(options, log_path)


class Sampler(threading.Thread):
    """The server's RSS every ``interval_s``."""

    def __init__(self, server: Server, interval_s: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.server, self.interval_s = server, interval_s
        self.samples: list[tuple[float, float]] = []
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.samples.append((time.monotonic(), self.server.rss_mb()))
            self._done.wait(self.interval_s)

    def peak(self, t0: float, t1: float) -> float:
        return max((mb for t, mb in self.samples if t0 <= t <= t1), default=float("nan"))

    def stop(self) -> None:
        self._done.set()
        self.join(timeout=5)


# ---------------------------------------------------------------------------------- the attacker
def _client(base: str, address: str) -> Any:
    from served import Client

    return Client(base, {"X-Real-Ip": address})


def _signed_in(base: str, address: str) -> Any:
    client = _client(base, address)
    status, _, _ = client.login(ATTACKER, PASSWORDS[ATTACKER])
    if status != 302:
        raise RuntimeError(f"attacker login: HTTP {status}")
    return client


def _raw_get(base: str, target: bytes, address: str) -> str:
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            head = b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nX-Real-Ip: " + address.encode()
            sock.sendall(head + b"\r\n\r\n")
            answer = sock.recv(64)
        return answer.split(b" ")[1].decode() if answer.startswith(b"HTTP/") else "closed"
    except OSError:
        return "closed"


def attack(kind: str, base: str, seconds: float, address: str, results: Any) -> None:
    """One flood for ``seconds``; puts ``"started"`` once ready (imports done, signed in, its
    own page open), then ``{outcome: count}`` on ``results``."""
    import served  # noqa: F401  (imports Panel: before the flood starts)

    counts: dict[str, int] = {}

    def count(outcome: Any) -> None:
        counts[str(outcome)] = counts.get(str(outcome), 0) + 1

    def start() -> float:
        results.put("started")
        return time.monotonic() + seconds

    try:
        if kind == "url":
            big = b"/cevns?thr=" + b"1" * 16_000_000
            digits = b"/cevns?thr=" + b"1" * 5000
            deadline = start()
            while time.monotonic() < deadline:
                count(f"16 MB: {_raw_get(base, big, address)}")
                count(f"5000 digits: {_raw_get(base, digits, address)}")
        elif kind == "pages":
            client = _signed_in(base, address)
            deadline = start()
            while time.monotonic() < deadline:
                count(client.request("/cevns")[0])
        elif kind == "login":
            client = _client(base, address)
            deadline = start()
            while time.monotonic() < deadline:
                count(client.login(VICTIM, f"guess-{sum(counts.values())}")[0])
        else:
            asyncio.run(_attack_websocket(kind, base, start, address, count))
    except Exception as exc:  # reported, the benchmark goes on
        count(f"error: {type(exc).__name__}: {exc}")
    results.put(counts)


async def _attack_websocket(kind: str, base: str, start: Any, address: str, count: Any) -> None:
    from served import PageConnection

    page = await PageConnection.open(_signed_in(base, address))
    await asyncio.sleep(3.0)  # its own page's first computations are done

    async def drain() -> None:  # read the server's replies (else both sides block on writes)
        while await page.connection.read_message() is not None:
            pass

    reader = asyncio.create_task(drain())
    deadline = start()
    try:
        # the server slows a fast client down: its writes wait; stop at the deadline anyway
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                _flood_websocket(kind, page, deadline, count), deadline - time.monotonic()
            )
    finally:
        page.close()
        reader.cancel()


async def _flood_websocket(kind: str, page: Any, deadline: float, count: Any) -> None:
    if kind == "upload":
        dropper = page.find("FileDropper")
        chunk, n = b" " * 262_144, 0
        while time.monotonic() < deadline:
            n += 1
            await page.upload_chunk(dropper, f"f{n}.json", 1, 4, chunk)
            count("chunks")
            await asyncio.sleep(0)
    else:
        threshold = page.find("Spinner", title="Threshold")
        while time.monotonic() < deadline:
            await page.change(threshold, "value", "not a number")
            count("messages")
            await asyncio.sleep(0)


# ---------------------------------------------------------------------------------- the victim
async def victim(
    base: str, stop: threading.Event, samples: list[tuple[float, float]], think_s: float
) -> None:
    from served import PageConnection

    client = _client(base, "127.0.0.1")
    if client.login(VICTIM, PASSWORDS[VICTIM])[0] != 302:
        raise RuntimeError("victim login failed")
    page = await PageConnection.open(client)
    await page.ready()
    threshold = page.find("Spinner", title="Threshold")
    k = 0
    try:
        while not stop.is_set():
            value = VALUES[k % len(VALUES)]
            k += 1
            pattern = re.compile(rf"threshold {re.escape(f'{value:g}')}\s")
            t0 = time.monotonic()
            await page.change(threshold, "value", value)
            await page.change(threshold, "value_throttled", value)
            shown = False
            with contextlib.suppress(TimeoutError):
                while not shown:
                    message = await asyncio.wait_for(page.receive(), timeout=30)
                    shown = bool(pattern.search(json.dumps(message["content"])))
            samples.append((t0, time.monotonic() - t0 if shown else float("inf")))
            await asyncio.sleep(think_s)
    finally:
        page.close()


# ---------------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--floods", nargs="*", default=list(FLOODS), choices=FLOODS)
    parser.add_argument("--seconds", type=float, default=12.0, help="length of each flood")
    parser.add_argument("--think-s", type=float, default=0.5, help="victim's pause per update")
    parser.add_argument("--max-latency-s", type=float, default=1.0, help="target: victim p95")
    parser.add_argument("--max-growth-mb", type=float, default=100.0, help="target: memory")
    parser.add_argument("--max-seconds", type=float, default=600.0, help="whole-run limit")
    parser.add_argument(
        "--serve-options",
        default="",
        metavar="OPTIONS",
        help="more options of the server, e.g. '--build-pages-on-loop'",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)

    import panel.models.file_dropper  # noqa: F401  (Bokeh model of the upload widget)

    def on_alarm(*_: Any) -> None:
        raise TimeoutError(f"the benchmark ran longer than --max-seconds {args.max_seconds:g}")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(int(args.max_seconds))
    t_start = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="cevns-bench-floods-"))
    users = work / "users.json"
    users.write_text(json.dumps(PASSWORDS), encoding="utf-8")
    server = start_server(users, work / "server.log", shlex.split(args.serve_options))
    atexit.register(server.stop)  # whatever happens to this process
    sampler = Sampler(server)
    sampler.start()
    samples: list[tuple[float, float]] = []
    stop = threading.Event()
    victim_errors: list[str] = []

    def run_victim() -> None:
        try:
            asyncio.run(victim(server.url, stop, samples, args.think_s))
        except Exception as exc:
            victim_errors.append(f"{type(exc).__name__}: {exc}")

    phases: list[dict[str, Any]] = []
    thread = threading.Thread(target=run_victim, daemon=True)
    try:
        time.sleep(1.0)
        idle = server.rss_mb()
        thread.start()
        deadline = time.monotonic() + 180
        while not samples and not victim_errors and time.monotonic() < deadline:
            time.sleep(0.2)  # the victim's page is built and has shown its first update
        # not fork: this process has threads (the victim, the sampler)
        ctx = multiprocessing.get_context("spawn")
        for i, kind in enumerate(["none", *args.floods]):
            results = ctx.Queue()
            counts: dict[str, int] = {}
            proc = None
            if kind != "none":
                address = f"10.9.{i}.1"
                proc = ctx.Process(
                    target=attack, args=(kind, server.url, args.seconds, address, results)
                )
                proc.start()
                with contextlib.suppress(queue.Empty):
                    results.get(timeout=300)  # ready and about to start
            before, cpu0, t0 = server.rss_mb(), server.cpu_s(), time.monotonic()
            if proc is None:
                time.sleep(args.seconds)
            else:
                try:
                    counts = results.get(timeout=args.seconds + 120)
                except queue.Empty:
                    counts = {"error: no report (stopped)": 1}
                proc.join(timeout=10)
                if proc.is_alive():
                    proc.terminate()
                    proc.join(timeout=10)
            t1 = time.monotonic()
            # the victim's updates started during the flood, once all are done; then one
            # started after it (back to normal)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not victim_errors:
                if any(t > t1 for t, _ in samples):
                    break
                time.sleep(0.2)
            recovered = time.monotonic() - t1
            latencies = [s for t, s in samples if t0 <= t <= t1]
            phases.append(
                {
                    "flood": kind,
                    "seconds": round(t1 - t0, 1),
                    "attacker": counts,
                    "victim_latency_s": latencies,
                    "server_cpu_s": round(server.cpu_s() - cpu0, 1),
                    "rss_before_mb": round(before, 1),
                    "rss_peak_mb": round(sampler.peak(t0, t1 + recovered), 1),
                    "recovered_s": round(recovered, 1),
                    "rss_after_mb": round(server.rss_mb(), 1),
                }
            )
    finally:
        stop.set()
        try:
            thread.join(timeout=40)  # the victim ends after its current update
        finally:
            server.stop()
            sampler.stop()
            signal.alarm(0)
            users.unlink(missing_ok=True)  # the log stays, for reading
    log_errors, _ = server.log_problems()
    log_text = server.log_path.read_text(encoding="utf-8", errors="replace")
    longest_line = max((len(line) for line in log_text.splitlines()), default=0)

    print(
        "bench_floods: `python -m dashboard --use-xheaders --basic-auth USERS.json` with the "
        f"default limits on {HOST}; each flood {args.seconds:g} s from its own client address"
    )
    print(
        f"machine: {os.cpu_count()} cores, load {[round(x, 2) for x in os.getloadavg()]}, "
        f"Python {sys.version.split()[0]}; server idle {idle:.0f} MB"
    )
    checks = []
    for phase in phases:
        lat = phase["victim_latency_s"]
        growth = phase["rss_peak_mb"] - phase["rss_before_mb"]
        outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(phase["attacker"].items()))
        print(f"flood {phase['flood']}: attacker {outcomes or '-'}")
        print(
            f"  victim update latency {_ms(lat)}; server CPU {phase['server_cpu_s']} s; memory "
            f"{phase['rss_before_mb']} MB before, peak {phase['rss_peak_mb']} MB "
            f"({growth:+.0f} MB), after {phase['rss_after_mb']} MB; the victim's next update "
            f"started {phase['recovered_s']} s after the flood"
        )
        if phase["flood"] == "none":
            continue
        p95 = _pct(lat, 95) if lat else float("inf")
        checks.append(
            (
                f"{phase['flood']} flood: victim p95",
                p95 <= args.max_latency_s,
                f"{p95 * 1e3:.0f} ms, bound {args.max_latency_s * 1e3:.0f} ms",
            )
        )
        checks.append(
            (
                f"{phase['flood']} flood: memory",
                growth <= args.max_growth_mb,
                f"{growth:+.0f} MB, bound {args.max_growth_mb:g} MB",
            )
        )
    checks.append(
        (
            "server log",
            not log_errors and longest_line <= 2000,
            f"{len(log_errors)} errors/tracebacks, longest line {longest_line} characters",
        )
    )
    checks.append(("victim", not victim_errors, "; ".join(victim_errors) or "no errors"))
    failed = [f"{p['flood']}: {k}" for p in phases for k in p["attacker"] if k.startswith("error")]
    checks.append(("attackers ran", not failed, "; ".join(failed) or "every flood ran"))
    for label, ok, detail in checks:
        print(f"target {label}: {'PASS' if ok else 'MISS'} ({detail})")
    for line in log_errors[:10]:
        print(f"  server log: {line}")
    print(f"total {time.monotonic() - t_start:.0f} s; server log {server.log_path}")
    if args.json:
        report = {"phases": phases, "checks": {label: ok for label, ok, _ in checks}}
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
