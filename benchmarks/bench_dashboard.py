"""Benchmark: the dashboard's server-side update path for a spectrum change (issue 7).

Run with ``python benchmarks/bench_dashboard.py`` (or ``python benchmarks/run_all.py``); pytest
does not collect it.

A :class:`dashboard.state.SessionState` (default preset) drives the "Recoil spectra" tab
(:class:`dashboard.views.spectra.SpectraView`), whose panes are rendered to Bokeh models once, as
the server does for a session (``get_root`` on a Bokeh ``Document``). Each timed update sets one
input of the spectrum to a value not seen before (so the dashboard's result caches miss and the
core recomputes) and returns when everything the server does for it is done: the dN/dT figure's
Bokeh data sources updated, then the NP/SM ratio, the observed spectrum and the counts table
recomputed and updated. A served session does the latter on a worker thread after the callback;
here both parts run in turn and are reported apart and together. Nothing is sent over a network.

Changes measured: the neutron skin (form factors, spectrum and observed counts), and a vector
NSI coupling (the same plus the Standard-Model reference curve and the ratio).

Target: < 100 ms median per update (one thread).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
import warnings
from pathlib import Path

import _machine as bench  # before numpy: one BLAS thread; puts the project on sys.path

TARGET_SECONDS = 0.1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=25, help="updates per change (default 25)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)

    try:
        from bokeh.document import Document
        from pyviz_comms import Comm

        from dashboard import results
        from dashboard.state import SessionState
        from dashboard.views.spectra import SpectraView
    except ImportError as exc:  # the dashboard is optional for the core's benchmarks
        print(f"Dashboard update benchmark skipped: {exc}")
        return 0

    logging.getLogger("bokeh").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")  # the plotting stack's deprecation chatter is not measured
    results.clear_caches()
    state = SessionState()
    view = SpectraView(state=state)
    view.__panel__().get_root(Document(), comm=Comm())  # Bokeh models, as in a session

    changes = {
        "neutron skin (skin_fm)": lambda i: state.param.update(skin_fm=0.001 * (i + 2)),
        "vector NSI (ε^u_ee)": lambda i: state.param.update(
            physics_overrides={"eps_uV_ee": 0.001 * (i + 2)}
        ),
    }
    rows = {}
    ok = True
    print(
        f"Dashboard update for a spectrum change ({state.experiment}, Recoil spectra tab, Bokeh "
        "models rendered; median of updates, one thread)"
    )
    # Time spent in the results layer (dashboard.results: its caches, building the core objects,
    # the cevns_core calls) during each update, to split core from plotting.
    in_results = [0.0]

    def timed(func):
        def wrapper(*a, **kw):
            t0 = time.perf_counter()
            try:
                return func(*a, **kw)
            finally:
                in_results[0] += time.perf_counter() - t0

        return wrapper

    for name in ("spectrum", "observed", "counts", "spectrum_band"):
        setattr(results, name, timed(getattr(results, name)))

    # In a served session the tab updates the dN/dT plots in the callback and defers the
    # observed spectrum and counts table to a worker thread; split the two parts the same way.
    pending: list = []
    view.defer = lambda key, compute, apply: pending.append((compute, apply))
    for label, change in changes.items():
        change(-1)  # warm-up value (0.001), never used by the timed loop
        for compute, apply in pending:
            apply(compute())
        immediate, deferred, total, core = [], [], [], []
        for i in range(args.repeat):
            pending.clear()
            in_results[0] = 0.0
            t0 = time.perf_counter()
            change(i)
            t1 = time.perf_counter()
            for compute, apply in pending:
                apply(compute())
            t2 = time.perf_counter()
            immediate.append(t1 - t0)
            deferred.append(t2 - t1)
            total.append(t2 - t0)
            core.append(in_results[0])
        parts = {
            "dN/dT plots (in the callback)": bench.Timing(immediate),
            "observed spectrum + counts (deferred)": bench.Timing(deferred),
            "complete update": bench.Timing(total),
            "of which in dashboard.results (core calls)": bench.Timing(core),
        }
        rows[label] = {
            name: {"median_s": t.median, "best_s": t.best, "repeats": args.repeat}
            for name, t in parts.items()
        }
        print(f"  change: {label}")
        for name, timing in parts.items():
            print(f"    {name:40s} {timing.text('ms')}")
        complete = parts["complete update"]
        ok &= complete.median < TARGET_SECONDS
        print(
            "    "
            + bench.check(
                "complete update < 100 ms",
                complete.median < TARGET_SECONDS,
                f"median {complete.median * 1e3:.1f} ms",
            )
        )
    state.param.update(skin_fm=0.0, physics_overrides={})
    for line in bench.machine_lines():
        print("  " + line)
    if args.json is not None:
        out = {"changes": rows, "machine": bench.machine()}
        args.json.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
