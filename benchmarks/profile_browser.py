"""Browser-side cost of one page, in CPU seconds and counts (the counts do not depend on the
load; the CPU seconds barely, the wall times do).

Run on demand with ``python benchmarks/profile_browser.py`` (pytest does not collect it);
everything stays on 127.0.0.1 and the server it starts is stopped. It starts the dashboard of
``--tree`` (default: this one), then opens the page ``--pages`` times, one after the other, each
in a fresh browser context of one headless Debian Chromium, and for each page reports:

* the Bokeh models of the browser's document when the page is first usable (a plot drawn and
  the "Threshold" widget there, as ``bench_first_page.py`` times it) and once it has settled
  (no new model for ``--settle-s``: the deferred parts such as the data beside the prediction
  have arrived);
* Chromium's CPU seconds for the page (all its processes, from the request to settled) and
  the renderer's main-thread time from a DevTools trace, split into script parse/compile (V8
  compile and parse events: the Bokeh/Panel JavaScript), script execution (the model build and
  the views' JavaScript), garbage collection, style and layout, paint and compositing, and the
  rest (``--trace FILE`` keeps the last page's trace for Chrome's performance panel);
* the bytes of JavaScript the page loads (decoded), and the websocket bytes the page received
  (its largest message: the document) by the first page and by settled.

``--url URL`` profiles the page of a server already running instead (e.g. a minimal Panel page
for the floor every Panel page costs). The first page of a browser compiles the scripts; later
pages of the same browser may use V8's code cache, so each figure is given for the first page
and as the median of the others.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from bench_first_page import _READY_JS, LIFTED  # noqa: E402
from bench_load import _browser_cpu_s, launch_dashboard  # noqa: E402

_MODELS_JS = "() => Bokeh.documents.length ? Bokeh.documents[0].all_models.size : 0"
_SCRIPTS_JS = """() => performance.getEntriesByType('resource')
  .filter(e => e.name.split('?')[0].endsWith('.js'))
  .map(e => [e.name.split('/').pop().split('?')[0], e.decodedBodySize])"""

#: Trace events of the renderer main thread by group (name prefixes); nested events count in
#: the innermost group, RunTask's own time (native work outside these) in "other".
_GROUPS = (
    (
        "parse_compile",
        (
            "V8.Compile",
            "V8.Parse",
            "V8.PreParse",
            "v8.compile",
            "V8.ScriptCompiler",
            "v8.parseOnBackground",
            "v8.produce",
            "v8.deserialize",
            "CompileScript",
        ),
    ),
    ("gc", ("V8.GC", "MinorGC", "MajorGC", "BlinkGC")),
    ("style_layout", ("UpdateLayoutTree", "Layout", "RecalcStyles", "ParseAuthorStyleSheet")),
    ("paint", ("Paint", "PrePaint", "Commit", "Layerize", "CompositeLayers", "UpdateLayer")),
    (
        "script",
        (
            "FunctionCall",
            "EvaluateScript",
            "v8.run",
            "v8.callFunction",
            "v8.evaluateModule",
            "RunMicrotasks",
            "V8.BytecodeBudgetInterrupt",
            "TimerFire",
            "EventDispatch",
            "FireAnimationFrame",
        ),
    ),
)
_CATEGORIES = [
    "devtools.timeline",
    "v8",
    "v8.execute",
    "disabled-by-default-devtools.timeline",
    "disabled-by-default-v8.compile",
]


def _main_thread(events: list[dict[str, Any]]) -> tuple[int, int] | None:
    """(pid, tid) of the page's renderer main thread (the busiest CrRendererMain)."""
    names = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M"
        and e.get("name") == "thread_name"
        and e.get("args", {}).get("name") == "CrRendererMain"
    }
    busy: dict[tuple[int, int], float] = defaultdict(float)
    for e in events:
        key = (e.get("pid"), e.get("tid"))
        if key in names and e.get("ph") == "X" and e.get("name") == "RunTask":
            busy[key] += e.get("dur", 0)
    return max(busy, key=busy.get) if busy else None  # type: ignore[arg-type]


def split_trace(events: list[dict[str, Any]]) -> dict[str, float]:
    """Seconds of the renderer main thread: total busy (top-level tasks) and its parts (the
    groups of ``_GROUPS``, "other": native work outside them, e.g. websocket messages).

    Nested events are attributed to the innermost of the groups above (a compile inside a
    script's evaluation counts as compile), so the parts add up to the busy time.
    """
    main = _main_thread(events)
    if main is None:
        return {}
    spans = sorted(
        (e["ts"], e["ts"] + e.get("dur", 0), e["name"])
        for e in events
        if (e.get("pid"), e.get("tid")) == main and e.get("ph") == "X"
    )
    totals: dict[str, float] = defaultdict(float)
    stack: list[tuple[float, float, str]] = []  # open spans (start, end, group)

    def group(name: str) -> str | None:
        if name == "RunTask":
            return "other"
        return next((g for g, prefixes in _GROUPS if name.startswith(prefixes)), None)

    # exclusive time per group: walk the spans as a tree, give each group's span its duration
    # minus the durations of nested spans of another group
    tops: list[tuple[float, float, str]] = []
    for start, end, name in spans:
        g = group(name)
        if g is None:
            continue
        while stack and stack[-1][1] <= start:
            stack.pop()
        if stack:
            parent = stack[-1]
            if parent[2] != g:
                totals[parent[2]] -= min(end, parent[1]) - start
                totals[g] += min(end, parent[1]) - start
            stack.append((start, min(end, parent[1]), g))
        else:
            totals[g] += end - start
            tops.append((start, end, g))
            stack.append((start, end, g))
    busy = sum(end - start for start, end, _ in tops)
    out = {k: v / 1e6 for k, v in totals.items()}
    out["busy"] = busy / 1e6
    return out


async def one_page(
    browser: Any, url: str, timeout_s: float, settle_s: float, trace_path: Path | None = None
) -> dict[str, Any]:
    context = await browser.new_context(viewport={"width": 1366, "height": 768})
    page = await context.new_page()
    try:
        frames: list[int] = []  # sizes of the websocket messages the page received

        def on_socket(socket: Any) -> None:
            socket.on("framereceived", lambda payload: frames.append(len(payload)))

        page.on("websocket", on_socket)
        await browser.start_tracing(page=page, categories=_CATEGORIES)
        cpu0, t0 = _browser_cpu_s(), time.perf_counter()
        await page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        await page.wait_for_function(_READY_JS, timeout=timeout_s * 1000, polling=50)
        await page.locator(".bk-Canvas").first.wait_for(timeout=timeout_s * 1000)
        first_s = time.perf_counter() - t0
        models_first = await page.evaluate(_MODELS_JS)
        first_frames = list(frames)
        last, stable_since = models_first, time.perf_counter()
        while time.perf_counter() - stable_since < settle_s and time.perf_counter() - t0 < (
            timeout_s
        ):
            await asyncio.sleep(0.25)
            now = await page.evaluate(_MODELS_JS)
            if now != last:
                last, stable_since = now, time.perf_counter()
        settled_s = stable_since - t0
        cpu = _browser_cpu_s() - cpu0
        trace = await browser.stop_tracing()
        scripts = await page.evaluate(_SCRIPTS_JS)
        canvases = await page.locator(".bk-Canvas").count()
    finally:
        await context.close()
    if trace_path is not None:
        trace_path.write_bytes(trace)
    events = json.loads(trace)
    events = events["traceEvents"] if isinstance(events, dict) else events
    return {
        "first_page_s": first_s,
        "settled_s": settled_s,
        "models_first": models_first,
        "models_settled": last,
        "ws_bytes_first": sum(first_frames),
        "ws_largest_message": max(first_frames, default=0),
        "ws_bytes_settled": sum(frames),
        "canvases": canvases,
        "browser_cpu_s": cpu,
        "main_thread_s": split_trace(events),
        "scripts": scripts,
    }


async def run(
    url: str, pages: int, timeout_s: float, settle_s: float, trace: Path | None = None
) -> list[dict[str, Any]]:
    from playwright.async_api import async_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium)
        try:
            return [
                await one_page(browser, url, timeout_s, settle_s, trace if i == pages - 1 else None)
                for i in range(pages)
            ]
        finally:
            await browser.close()


def _row(label: str, values: list[float], unit: str = "s", digits: int = 2) -> str:
    first, later = values[0], statistics.median(values[1:] or values)
    return f"{label}: first {first:.{digits}f} {unit}, later median {later:.{digits}f} {unit}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=ROOT, help="source tree (default: this)")
    parser.add_argument("--pages", type=int, default=4, help="pages opened one after another")
    parser.add_argument("--settle-s", type=float, default=4.0, help="no new model for this long")
    parser.add_argument("--timeout-s", type=float, default=120.0)
    parser.add_argument("--path", default="/cevns", help="page path and query")
    parser.add_argument("--url", default=None, help="profile this running server's page instead")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--trace", type=Path, default=None, help="write the last page's trace")
    args = parser.parse_args(argv)
    tree = args.tree.resolve()
    if args.url:
        results = asyncio.run(run(args.url, args.pages, args.timeout_s, args.settle_s, args.trace))
        _print(args.url, args.pages, results, args.json)
        return 0
    with tempfile.TemporaryDirectory(prefix="profile_browser_") as tmp:
        server = launch_dashboard([*LIFTED, "--log-level", "warning"], Path(tmp) / "log", tree=tree)
        try:
            time.sleep(2.0)
            results = asyncio.run(
                run(server.url + args.path, args.pages, args.timeout_s, args.settle_s, args.trace)
            )
        finally:
            server.stop()
    _print(str(tree), args.pages, results, args.json)
    return 0


def _print(where: str, pages: int, results: list[dict[str, Any]], json_path: Path | None) -> None:
    print(f"profile_browser: {where}; {pages} pages one after another")
    print(_row("first page", [r["first_page_s"] for r in results]))
    print(_row("settled", [r["settled_s"] for r in results]))
    print(
        _row("Bokeh models at first page", [r["models_first"] for r in results], "", 0)
        + "; "
        + _row("settled", [r["models_settled"] for r in results], "", 0)
    )
    for label, key in (
        ("document (largest websocket message)", "ws_largest_message"),
        ("websocket received by first page", "ws_bytes_first"),
        ("websocket received by settled", "ws_bytes_settled"),
    ):
        print(_row(label, [r[key] / 1024 for r in results], "KiB", 0))
    print(_row("Chromium CPU per page (all processes)", [r["browser_cpu_s"] for r in results]))
    for part in ("busy", "parse_compile", "script", "gc", "style_layout", "paint", "other"):
        values = [r["main_thread_s"].get(part, 0.0) for r in results]
        print(_row(f"  renderer main thread: {part}", values))
    js = sum(size for _, size in results[0]["scripts"])
    print(f"JavaScript loaded: {js / 1024:.0f} KiB in {len(results[0]['scripts'])} files")
    if json_path:
        json_path.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
