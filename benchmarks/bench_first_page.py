"""First page for a class: N browsers open the served dashboard at the same moment (issue 14).

Run on demand with ``python benchmarks/bench_first_page.py`` (``run_all.py`` runs it too);
pytest does not collect it. Everything stays on 127.0.0.1; every wait is bounded and every
server it starts is stopped.

For each server configuration (``--config NAME=OPTIONS``, repeatable; default: this tree with its
defaults and with ``--num-procs 2``), and for each round, the benchmark

1. starts ``python -m dashboard OPTIONS`` on a free loopback port (per-client limits lifted: every
   simulated person comes from 127.0.0.1) and waits until it answers ``/liveness``, then 2 s more;
2. launches one headless Debian Chromium (Playwright) with ``--browsers`` separate browser
   contexts (separate people: own cookies, own websocket) and opens the page in all of them at
   once. A page's **first page** time runs from the request until the page shows its first plot
   (a Bokeh canvas) with the sidebar's "Threshold" widget synchronised, i.e. the page is usable;
3. once every page is shown, each changes the threshold ``--updates`` times (think time 0.5–1.5 s)
   and waits until its page shows the new value: the **update latency** while the other pages are
   connected;
4. then stops the server.

With ``--client ws`` the people are the websocket client of ``tests/ui/served.py`` instead (the
page's HTTP request, its websocket, the whole document pulled, "document ready" sent): what the
server must deliver before any browser can draw, without the browsers' CPU (on this 2-core
machine a Chromium page costs about 12 s of CPU, six times the server's share, so with ten
browsers on the same two cores the browsers, not the server, decide the first-page time).

Before the crowds, ``--builds`` page builds (page, document, JSON) are timed in a fresh process
per tree (CPU time): the first page (after the pre-warm ``cevns serve`` does, where the tree has
one) and later ones.

The reference ("alone") is one browser opening the page of an idle server of the same
configuration, repeated ``--alone`` times; the ratio median(simultaneous)/median(alone) says how
much waiting the crowd adds. With ``--before TREE`` (a source tree of another revision, e.g.
``git archive <commit> | tar -x -C /tmp/before``) the same measurements run on that tree too,
the configurations alternating round by round so that both see the same drift of a shared
machine's load, and the ratio before/after is printed.

Targets (``target …: PASS|MISS``; exit status 1 on a miss), for the first configuration of this
tree: median first page ≤ ``--max-first-page-s`` (default 5 s) for the simultaneous browsers,
update p95 ≤ ``--max-update-s`` (default 1 s), and no failed page.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from bench_load import (  # noqa: E402
    _SET_JS,
    _SHOWS_JS,
    VALUES,
    WIDGET,
    Server,
    _pct,
    launch_dashboard,
)

#: Per-client limits lifted: every simulated person connects from 127.0.0.1.
LIFTED = [
    "--max-sessions",
    "1000",
    "--max-sessions-per-client",
    "1000",
    "--max-page-rate",
    "1000",
    "--max-request-rate",
    "10000",
]
#: The page is usable: Bokeh's document is there, a plot is drawn, the threshold box is synced.
_READY_JS = f"""() => {{
  if (!window.Bokeh || Bokeh.documents.length === 0) return false;
  const doc = Bokeh.documents[0];
  let widget = false;
  for (const m of doc.all_models) if (m.title === {json.dumps(WIDGET)}) widget = true;
  return widget;
}}"""


def start(tree: Path, options: list[str], log_path: Path) -> Server:
    """``python -m dashboard`` from ``tree`` with ``options``; returns once it answers."""
    return launch_dashboard([*LIFTED, "--log-level", "warning", *options], log_path, tree=tree)


@dataclass
class Outcome:
    first_page_s: list[float] = field(default_factory=list)
    html_s: list[float] = field(default_factory=list)
    update_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    server_cpu_s: float = 0.0
    browser_cpu_s: float = 0.0
    wall_s: float = 0.0
    sessions_held: list[int] = field(default_factory=list)


async def _open(context: Any, url: str, timeout_s: float, out: Outcome) -> Any:
    page = await context.new_page()
    t0 = time.perf_counter()
    try:
        await page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        out.html_s.append(time.perf_counter() - t0)
        await page.wait_for_function(_READY_JS, timeout=timeout_s * 1000, polling=50)
        await page.locator(".bk-Canvas").first.wait_for(timeout=timeout_s * 1000)
        out.first_page_s.append(time.perf_counter() - t0)
        return page
    except Exception as exc:
        out.errors.append(f"first page: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        return None


async def _edit(page: Any, index: int, updates: int, timeout_s: float, out: Outcome) -> None:
    rng = __import__("random").Random(index)
    for k in range(updates):
        await asyncio.sleep(rng.uniform(0.5, 1.5))
        value = VALUES[(index + k) % len(VALUES)]
        t0 = time.perf_counter()
        try:
            if not await page.evaluate(_SET_JS, [WIDGET, value]):
                raise RuntimeError(f"no widget titled {WIDGET!r}")
            await page.wait_for_function(
                _SHOWS_JS, arg=[f"{value:g}"], timeout=timeout_s * 1000, polling=20
            )
            out.update_s.append(time.perf_counter() - t0)
        except Exception as exc:
            out.errors.append(f"update: {type(exc).__name__}: {str(exc).splitlines()[0]}")
            return


def _children_cpu_s() -> float:
    """CPU seconds of this process's children (Playwright's driver and Chromium's processes)."""
    try:
        import psutil
    except ImportError:
        return float("nan")
    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


async def crowd(url: str, browsers: int, updates: int, timeout_s: float, out: Outcome) -> None:
    """``browsers`` people open ``url`` at once, then each edits the threshold."""
    from playwright.async_api import async_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium)
        try:
            contexts = [await browser.new_context() for _ in range(browsers)]
            pages = await asyncio.gather(*(_open(c, url, timeout_s, out) for c in contexts))
            if updates:
                await asyncio.gather(
                    *(_edit(pg, i, updates, timeout_s, out) for i, pg in enumerate(pages) if pg)
                )
            out.browser_cpu_s = _children_cpu_s()  # before the browser's processes end
        finally:
            await browser.close()


_BUILD_SNIPPET = r"""
import json, sys, time
import panel as pn
from bokeh.document import Document
from panel.io.state import set_curdoc
from dashboard.app import create_app

def build():
    doc = Document()
    c0, t0 = time.process_time(), time.perf_counter()
    with set_curdoc(doc):
        page = create_app()
        page.server_doc(doc)
        doc.to_json()
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    for callback in list(doc.callbacks.session_destroyed_callbacks):
        try:
            callback(type("Context", (), {"id": "bench", "_document": doc})())
        except Exception:
            pass
    return cpu, wall

prewarmed = None
if sys.argv[1] == "prewarm":
    from dashboard.server import prewarm
    c0 = time.process_time()
    prewarm(create_app, every_tab=False)  # as `cevns serve` does
    prewarmed = time.process_time() - c0
first = build()
warm = [build() for _ in range(int(sys.argv[2]))]
print(json.dumps({"prewarm_cpu_s": prewarmed, "first": first, "warm": warm}))
"""


def page_builds(tree: Path, builds: int, prewarm: bool) -> dict[str, Any]:
    """CPU seconds of page builds (page, document, JSON) in a fresh process of ``tree``: the
    first (after the pre-warm when ``prewarm``) and ``builds`` more."""
    env = {**os.environ, "PYTHONPATH": str(tree), "OMP_NUM_THREADS": "1"}
    mode = "prewarm" if prewarm else "cold"
    out = subprocess.run(
        [sys.executable, "-c", _BUILD_SNIPPET, mode, str(builds)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def ws_crowd(base: str, clients: int, timeout_s: float, out: Outcome) -> None:
    """``clients`` pages opened at once by the websocket client of ``tests/ui/served.py``: the
    page's HTTP request, its websocket, the whole document pulled, "document ready" sent. What
    the server must deliver before a browser can draw anything, without the browsers' CPU."""
    import threading

    sys.path.insert(0, str(ROOT / "tests" / "ui"))
    from served import Client, PageConnection

    def count_sessions() -> None:
        """Sessions held by the server's workers while every page is open (a page whose
        websocket reaches another worker than its HTTP request is built a second time there)."""
        seen: dict[int, int] = {}
        for _ in range(40):
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=5) as r:
                    health = json.loads(r.read())
                seen[health["pid"]] = health["sessions"]
            except (OSError, ValueError):
                pass
        out.sessions_held.append(sum(seen.values()))

    go = threading.Barrier(clients, timeout=timeout_s)
    done = threading.Barrier(clients, timeout=timeout_s * 2, action=count_sessions)

    def one() -> None:
        async def page() -> None:
            t0 = time.perf_counter()
            client = Client(base)
            connection = await asyncio.wait_for(PageConnection.open(client), timeout_s)
            out.first_page_s.append(time.perf_counter() - t0)
            await connection.ready()
            await asyncio.get_running_loop().run_in_executor(None, done.wait)
            connection.close()

        try:
            go.wait()
            asyncio.run(page())
        except Exception as exc:
            out.errors.append(f"first document: {type(exc).__name__}: {exc}")
            done.abort()

    threads = [threading.Thread(target=one, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout_s * 3)


def measure(
    tree: Path,
    options: list[str],
    browsers: int,
    updates: int,
    timeout_s: float,
    tmp: Path,
    client: str = "browser",
) -> Outcome:
    out = Outcome()
    server = start(tree, options, tmp / f"server-{time.monotonic_ns()}.log")
    try:
        time.sleep(2.0)  # a server that just started: people arrive a little later
        cpu0, t0 = server.cpu_s(), time.monotonic()
        if client == "ws":
            ws_crowd(server.url, browsers, timeout_s, out)
        else:
            asyncio.run(crowd(f"{server.url}/cevns", browsers, updates, timeout_s, out))
        out.wall_s, out.server_cpu_s = time.monotonic() - t0, server.cpu_s() - cpu0
    finally:
        server.stop()
    errors, _ = server.log_problems()
    out.errors += [f"server log: {e}" for e in errors[:5]]
    return out


def _median(values: list[float]) -> float:
    return _pct(values, 50)


def _p95(values: list[float]) -> float:
    return _pct(values, 95)


def _summary(values: list[float]) -> str:
    if not values:
        return "n/a"
    return (
        f"median {_median(values):.2f} s, p95 {_p95(values):.2f} s, "
        f"min {min(values):.2f} s, max {max(values):.2f} s (n={len(values)})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browsers", type=int, default=10, help="simultaneous browsers")
    parser.add_argument("--rounds", type=int, default=2, help="crowds per configuration")
    parser.add_argument("--alone", type=int, default=2, help="single-browser reference loads")
    parser.add_argument("--updates", type=int, default=2, help="threshold changes per page")
    parser.add_argument(
        "--config",
        action="append",
        default=None,
        metavar="NAME=OPTIONS",
        help="a server configuration (options of `cevns serve`), repeatable; default: "
        "'default=' and 'procs2=--num-procs 2'",
    )
    parser.add_argument(
        "--client",
        choices=("browser", "ws"),
        default="browser",
        help="browser: Chromium pages (first plot drawn); ws: the websocket client of "
        "tests/ui/served.py (document received: the server's share, no browser CPU)",
    )
    parser.add_argument("--before", type=Path, default=None, help="source tree to compare with")
    parser.add_argument(
        "--builds",
        type=int,
        default=5,
        help="page builds timed in-process per tree and round (server CPU; 0: skip)",
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per page")
    parser.add_argument("--max-first-page-s", type=float, default=5.0)
    parser.add_argument("--max-update-s", type=float, default=1.0)
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    configs: list[tuple[str, list[str]]] = []
    for spec in args.config or ["default=", "procs2=--num-procs 2"]:
        name, _, options = spec.partition("=")
        configs.append((name, shlex.split(options)))
    trees = [("this", ROOT)] + ([("before", args.before.resolve())] if args.before else [])
    tmp = Path(tempfile.mkdtemp(prefix="cevns-bench-first-page-"))
    t_start = time.monotonic()
    results: dict[str, dict[str, Any]] = {}
    runs = [(t, c) for c in configs for t in trees]
    for key in [f"{t}:{c}" for (t, _), (c, _) in runs]:
        results[key] = {"crowd": Outcome(), "alone": Outcome()}
    builds: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in trees}
    for _ in range(args.rounds if args.builds else 0):  # alternating trees
        for tree_name, tree in trees:
            has_prewarm = (tree / "dashboard" / "server.py").read_text().count("def prewarm(")
            builds[tree_name].append(page_builds(tree, args.builds, bool(has_prewarm)))
    for _ in range(args.rounds):  # alternating: every configuration sees the same drift
        for (tree_name, tree), (name, options) in runs:
            res = measure(
                tree, options, args.browsers, args.updates, args.timeout, tmp, args.client
            )
            acc = results[f"{tree_name}:{name}"]["crowd"]
            acc.first_page_s += res.first_page_s
            acc.html_s += res.html_s
            acc.update_s += res.update_s
            acc.errors += res.errors
            acc.server_cpu_s += res.server_cpu_s
            acc.browser_cpu_s += res.browser_cpu_s
            acc.sessions_held += res.sessions_held
            acc.wall_s += res.wall_s
    for _ in range(args.alone):
        for (tree_name, tree), (name, options) in runs:
            res = measure(tree, options, 1, 0, args.timeout, tmp, args.client)
            acc = results[f"{tree_name}:{name}"]["alone"]
            acc.first_page_s += res.first_page_s
            acc.errors += res.errors

    print(
        f"bench_first_page: {args.browsers} "
        f"{'Chromium browsers' if args.client == 'browser' else 'websocket clients'} open the "
        f"page at once, {args.rounds} round(s) per configuration"
        f"{f', then {args.updates} threshold change(s) each' if args.client == 'browser' else ''}; "
        f"reference: 1 browser alone, {args.alone} time(s)"
    )
    print(
        f"machine: {os.cpu_count()} cores, load {[round(x, 2) for x in os.getloadavg()]}, "
        f"Python {sys.version.split()[0]}"
    )
    report: dict[str, Any] = {"config": {k: str(v) for k, v in vars(args).items()}}
    report["page_builds"] = builds
    build_medians: dict[str, tuple[float, float]] = {}
    for tree_name, runs_of_tree in builds.items():
        if not runs_of_tree:
            continue
        first = _median([r["first"][0] for r in runs_of_tree])
        warm = _median([cpu for r in runs_of_tree for cpu, _ in r["warm"]])
        build_medians[tree_name] = (first, warm)
        prewarmed = [r["prewarm_cpu_s"] for r in runs_of_tree if r["prewarm_cpu_s"] is not None]
        print(
            f"page build, server CPU ({tree_name} tree, in-process, median of {len(runs_of_tree)} "
            f"process(es)): first page {first:.2f} s"
            + (f" (after a pre-warm of {_median(prewarmed):.1f} s at start)" if prewarmed else "")
            + f", later pages {warm:.2f} s"
        )
    if len(build_medians) == 2:
        (f_this, w_this), (f_before, w_before) = build_medians["this"], build_medians["before"]
        print(
            f"page build, before -> this tree: first page {f_before:.2f} -> {f_this:.2f} s "
            f"({f_before / f_this:.1f}x), later pages {w_before:.2f} -> {w_this:.2f} s "
            f"({w_before / w_this:.1f}x)"
        )
    for key, res in results.items():
        crowd_out, alone = res["crowd"], res["alone"]
        options = dict(configs)[key.split(":", 1)[1]]
        per_page = crowd_out.server_cpu_s / max(1, args.rounds * args.browsers)
        browser_per_page = crowd_out.browser_cpu_s / max(1, args.rounds * args.browsers)
        what = (
            f"its build and {args.updates} update(s)"
            if args.client == "browser"
            else "its build, sent to the client"
        )
        ratio = _median(crowd_out.first_page_s) / _median(alone.first_page_s)
        print(f"{key} (`python -m dashboard {' '.join(options)}`):")
        print(f"  first page, {args.browsers} at once: {_summary(crowd_out.first_page_s)}")
        if crowd_out.html_s:
            print(f"  HTML answered: {_summary(crowd_out.html_s)}")
        print(
            f"  first page alone: {_summary(alone.first_page_s)}; "
            f"crowd/alone {ratio:.1f}x (medians)"
        )
        if args.client == "browser":
            print(
                f"  update latency with {args.browsers} pages open: {_summary(crowd_out.update_s)}"
            )
        else:
            print(
                f"  sessions held by the server with {args.browsers} pages open: "
                f"{crowd_out.sessions_held} (summed over the workers that answered /health; "
                "more than one per page = pages built twice)"
            )
        print(
            f"  CPU per page ({what}): server {per_page:.2f} s, "
            f"browser {browser_per_page:.2f} s; errors {len(crowd_out.errors) + len(alone.errors)}"
        )
        for e in (crowd_out.errors + alone.errors)[:5]:
            print(f"    error: {e}")
        report[key] = {
            "first_page_s": crowd_out.first_page_s,
            "html_s": crowd_out.html_s,
            "alone_s": alone.first_page_s,
            "update_s": crowd_out.update_s,
            "sessions_held": crowd_out.sessions_held,
            "server_cpu_s_per_page": per_page,
            "browser_cpu_s_per_page": browser_per_page,
            "errors": crowd_out.errors + alone.errors,
        }
    if args.before:
        for name, _ in configs:
            after, before = results[f"this:{name}"]["crowd"], results[f"before:{name}"]["crowd"]
            print(
                f"{name}: median first page before {_median(before.first_page_s):.2f} s -> "
                f"this tree {_median(after.first_page_s):.2f} s "
                f"({_median(before.first_page_s) / _median(after.first_page_s):.1f}x); update p95 "
                f"{_p95(before.update_s):.2f} s -> {_p95(after.update_s):.2f} s"
            )
    main_key = f"this:{configs[0][0]}"
    main = results[main_key]["crowd"]
    checks = [
        (
            f"first page ({main_key}, {args.browsers} at once)",
            _median(main.first_page_s) <= args.max_first_page_s
            and len(main.first_page_s) == args.rounds * args.browsers,
            f"median {_median(main.first_page_s):.2f} s, bound {args.max_first_page_s:g} s",
        ),
        (
            f"update p95 ({main_key})",
            _p95(main.update_s) <= args.max_update_s,
            f"{_p95(main.update_s):.2f} s, bound {args.max_update_s:g} s",
        ),
        ("errors", not main.errors, f"{len(main.errors)} errors"),
    ]
    if args.client == "ws" or not args.updates:
        del checks[1]
    for label, ok, detail in checks:
        print(f"target {label}: {'PASS' if ok else 'MISS'} ({detail})")
    print(f"total {time.monotonic() - t_start:.0f} s; server logs in {tmp}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
