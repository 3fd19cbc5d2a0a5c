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

Reference: the naive route for the same update's dN/dT curves alone (new physics and SM, 200
points each, per-point ``scipy.integrate.quad`` over E, ``_naive.py``), timed on a subset of the
points and extrapolated; also the peak traced memory of one complete update.

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
from typing import Any

import _machine as bench  # before numpy: one BLAS thread; puts the project on sys.path
import numpy as np
from _naive import naive_dNdT

TARGET_SECONDS = 0.1


def run(pending: list) -> None:
    """The deferred parts of an update, in turn (a served session runs them on a worker)."""
    for compute, apply in pending:
        apply(compute())
    pending.clear()


def naive_curves_seconds(state: Any, results: Any, view: Any, n_naive: int) -> dict[str, Any]:
    """Seconds the per-point quad route needs for the update's dN/dT curves (NP and SM)."""
    from dashboard.state import build_experiment, nuclear_options
    from dashboard.views.spectra import N_POINTS

    spec = state.spec()
    seconds, points, worst = 0.0, 0, 0.0
    for case in (spec, view.reference_spec(spec)):
        exp = build_experiment(case)
        fast = results.spectrum(case, N_POINTS, False)
        pick = np.unique(np.linspace(0, N_POINTS - 2, n_naive).astype(int))  # not T_max: 0
        t0 = time.perf_counter()
        model, ff_params = nuclear_options(case["nuclear"])  # the skin of the first change
        parts = naive_dNdT(
            exp.source,
            exp.detector.targets(),
            fast.T_keV[pick],
            exp.physics,
            model,
            form_factor_params=ff_params,
        )
        seconds += (time.perf_counter() - t0) * N_POINTS / pick.size
        points += pick.size
        naive_total = np.sum(list(parts.values()), axis=0) * exp.exposure_factor
        worst = max(worst, float(np.max(np.abs(naive_total / fast.total[pick] - 1.0))))
    return {"seconds": seconds, "points": points, "n": N_POINTS, "max_rel_diff": worst}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=25, help="updates per change (default 25)")
    parser.add_argument(
        "--naive-points", type=int, default=12, help="recoil points per curve for quad (12)"
    )
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
        run(pending)
        immediate, deferred, total, core = [], [], [], []
        for i in range(args.repeat):
            pending.clear()
            in_results[0] = 0.0
            t0 = time.perf_counter()
            change(i)
            t1 = time.perf_counter()
            run(pending)
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
        # one more update, untimed: its peak traced memory
        peak = bench.peak_memory_MB(lambda c=change, i=args.repeat: (c(i), run(pending)))
        rows[label]["peak_traced_MB"] = peak
        print(f"    peak traced memory of one update        {peak:.1f} MB")
    naive = naive_curves_seconds(state, results, view, args.naive_points)
    speedup = naive["seconds"] / rows["vector NSI (ε^u_ee)"]["complete update"]["median_s"]
    print(
        f"  naive reference: the NSI update's two dN/dT curves by per-point quad "
        f"{naive['seconds']:.2f} s (on {naive['points']} of {2 * naive['n']} points, max rel. "
        f"diff {naive['max_rel_diff']:.1e}) → the complete update is {speedup:,.0f}× faster"
    )
    rows["naive_reference"] = naive
    state.param.update(skin_fm=0.0, physics_overrides={})
    for line in bench.machine_lines():
        print("  " + line)
    if args.json is not None:
        out = {"changes": rows, "machine": bench.machine()}
        args.json.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
