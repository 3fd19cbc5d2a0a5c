"""Server-side cost of one page and of one update, in CPU seconds (independent of the load).

Run on demand with ``python benchmarks/profile_page.py`` (pytest does not collect it); nothing
is served and nothing goes over a network. In one fresh process of the tree given by
``--tree`` (default: this one):

1. the page is pre-warmed as ``cevns serve`` does (:func:`dashboard.server.prewarm`);
2. ``--builds`` pages are built as Bokeh's server builds a session's document: ``create_app()``
   attached to a new ``Document`` (``server_doc``) and the document serialised (what the page
   pulls over its websocket). For each: CPU seconds (all threads of the process), the number of
   Bokeh models in the document and the size of its JSON;
3. on the last page the threshold is changed ``--updates`` times as a browser changes it
   (``value`` and ``value_throttled`` of the widget model set from JSON, as the server does with
   a client's patch), and the patch the server would send back is serialised. Outside a server
   the page computes its deferred parts at once, so the CPU time of an update is everything the
   server spends on it; the messages' size is printed too.

``--profile N`` also prints the N functions with the most cumulative time of one page build and
of one update (cProfile). ``--json`` writes the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

_SNIPPET = r"""
import cProfile, io, json, pstats, sys, time
import panel as pn
from bokeh.document import Document
from bokeh.protocol import Protocol
from panel.io.state import set_curdoc
from dashboard.app import create_app

builds, updates, top = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
VALUES = (5.0, 7.0, 9.0, 11.0, 8.0, 6.5, 10.0, 12.0)

def stats(profiler):
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()

def build(profile=False):
    doc = Document()
    profiler = cProfile.Profile() if profile else None
    c0, t0 = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    with set_curdoc(doc):
        page = create_app()
        page.server_doc(doc)
        message = Protocol().create("PULL-DOC-REPLY", "0", doc)  # what the page pulls
        size = len(message.content_json) + sum(len(b.to_bytes()) for b in message.buffers)
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    return doc, {"cpu_s": cpu, "wall_s": wall, "models": len(doc.models), "json_bytes": size}, (
        stats(profiler) if profiler else None
    )

try:
    from dashboard.server import prewarm
    c0 = time.process_time()
    prewarm(create_app, every_tab=False)
    prewarm_cpu = time.process_time() - c0
except ImportError:
    prewarm_cpu = None

pages, build_profile = [], None
doc = None
for i in range(builds):
    doc, figures, profile = build(profile=top > 0 and i == builds - 1)
    pages.append(figures)
    build_profile = profile or build_profile

widget = next(m for m in doc.models if getattr(m, "title", None) == "Threshold")
events = []
doc.callbacks.on_change(lambda event: events.append(event))
protocol = Protocol()
results, update_profile = [], None
for k in range(updates):
    value = VALUES[k % len(VALUES)]
    if value == widget.value:
        value = VALUES[(k + 1) % len(VALUES)]
    profiler = cProfile.Profile() if top > 0 and k == updates - 1 else None
    events.clear()
    c0 = time.process_time()
    if profiler:
        profiler.enable()
    with set_curdoc(doc):
        widget.set_from_json("value", value)
        if "value_throttled" in widget.properties():
            widget.set_from_json("value_throttled", value)
        sent = 0
        if events:
            message = protocol.create("PATCH-DOC", list(events))
            sent = len(message.content_json) + sum(len(b.to_bytes()) for b in message.buffers)
    if profiler:
        profiler.disable()
        update_profile = stats(profiler)
    results.append({"cpu_s": time.process_time() - c0, "events": len(events), "bytes": sent})
print(json.dumps({"prewarm_cpu_s": prewarm_cpu, "pages": pages, "updates": results,
                  "build_profile": build_profile, "update_profile": update_profile}))
"""


def measure(tree: Path, builds: int, updates: int, top: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(tree), "OMP_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", _SNIPPET, str(builds), str(updates), str(top)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=ROOT, help="source tree (default: this)")
    parser.add_argument("--builds", type=int, default=4, help="page builds after the pre-warm")
    parser.add_argument("--updates", type=int, default=8, help="threshold changes")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="cProfile top N")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    if args.builds < 1 or args.updates < 1:
        parser.error("--builds and --updates must be ≥ 1")
    res = measure(args.tree.resolve(), args.builds, args.updates, args.profile)
    pages, ups = res["pages"], res["updates"]
    print(f"profile_page: tree {args.tree}; load {[round(x, 2) for x in os.getloadavg()]}")
    if res["prewarm_cpu_s"] is not None:
        print(f"pre-warm: {res['prewarm_cpu_s']:.2f} s CPU")
    first, later = pages[0], pages[1:] or pages
    print(
        f"page build (create_app, server_doc, document JSON): first {first['cpu_s']:.2f} s CPU, "
        f"later median {statistics.median(p['cpu_s'] for p in later):.2f} s CPU "
        f"(n={len(later)}); {first['models']} Bokeh models, "
        f"{first['json_bytes'] / 1024:.0f} KiB of JSON"
    )
    cpu = [u["cpu_s"] for u in ups]
    print(
        f"update (threshold): median {statistics.median(cpu) * 1e3:.0f} ms CPU, "
        f"max {max(cpu) * 1e3:.0f} ms (n={len(cpu)}); patch "
        f"{statistics.median(u['events'] for u in ups):.0f} events, "
        f"{statistics.median(u['bytes'] for u in ups) / 1024:.0f} KiB"
    )
    if args.profile:
        print("--- one page build (cumulative) ---")
        print(res["build_profile"])
        print("--- one update (cumulative) ---")
        print(res["update_profile"])
    if args.json:
        args.json.write_text(json.dumps(res, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
