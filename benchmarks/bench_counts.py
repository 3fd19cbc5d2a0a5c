"""Benchmark: total counts of every experiment preset (issues 7 and 31).

Run with ``python benchmarks/bench_counts.py`` (or ``python benchmarks/run_all.py``); pytest
does not collect it.

For every preset, ``experiment(name).counts()`` (threshold, quenching, smearing, efficiency and
timing over the preset's exposure) is timed three ways, as medians of repeats (warm and physics
changed with alternating samples of five calls each, ``_machine.time_interleaved``):

* **warm** — the same call repeated. The response matrices, recoil nodes, timing fractions and
  flux moments (which do not depend on the physics) and the cross-section coefficients are kept
  per value (``cevns_core.caching``);
* **physics changed** — a new Standard-Model sin²θ_W before every call: the cross sections are
  recomputed, the detector's response and the flux moments are reused (a dashboard update of the
  physics);
* **uncached** — every cache emptied before the call: the whole computation, with its peak
  traced memory.

The naive reference replaces only the rate engine's E-integral: dN/dT at the same recoil
quadrature nodes from one adaptive ``scipy.integrate.quad`` over neutrino energy per node,
isotope and flavour (``_naive.py``), folded with the same response matrix (whose time counts
in both routes; it dominates the smeared presets, CsI 2021 and LAr 2020); its ratio is taken to
the uncached time (both compute everything). To keep the run short it uses the cheaper
"factorised" integrand (c₀ + c₁/E + c₂/E² per node, plain floats; ``--integrand textbook``
evaluates dσ/dT at every quadrature point instead), so the ratios are conservative; and for
presets with many nodes it runs on an evenly spaced subset of them (at most ``--naive-nodes``
per isotope) with its time extrapolated to all nodes: the agreement is then checked on dN/dT at
those nodes, otherwise on the total counts. QUADPACK's own warnings (round-off, subdivision
limit on the kinked reactor and solar tables) are counted, not shown.

Target: every preset's warm ``counts()`` < 20 ms.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import _machine as bench  # before numpy: one BLAS thread; puts the project on sys.path
import numpy as np
from _naive import naive_dNdT
from scipy.integrate import IntegrationWarning

import cevns_core as cc
from cevns_core.caching import clear_caches
from cevns_core.experiment.experiment import _COARSE_BINS, _FINE_BINS
from cevns_core.nuclei import isotope
from cevns_core.rates import _recoil_nodes, recoil_spectrum

TARGET_WARM_SECONDS = 20e-3


def _edges(exp: cc.Experiment) -> np.ndarray:
    det = exp.detector
    smooth = det.resolution is None and det.efficiency is None
    return exp.analysis_bins(_COARSE_BINS if smooth else _FINE_BINS)


def naive_counts(exp: cc.Experiment, max_nodes: int, integrand: str) -> dict:
    """Naive counts (or node-sampled dN/dT) with the time extrapolated to every node."""
    det, src = exp.detector, exp.source
    edges = _edges(exp)
    recoil_edges = None if det.resolution is not None else det.recoil_bin_edges(edges)
    fractions = exp.timing_fractions()
    total = 0.0
    seconds = 0.0
    sampled = False
    worst = 0.0
    n_nodes = 0
    quad_warnings = 0
    for name, count in det.targets().items():
        T, w = _recoil_nodes(src, det, isotope(name).mass_MeV, recoil_edges)
        if T.size == 0:
            continue
        n_nodes += T.size
        pick = np.unique(np.linspace(0, T.size - 1, min(max_nodes, T.size)).astype(int))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", IntegrationWarning)
            t0 = time.perf_counter()
            parts = naive_dNdT(
                src, {name: count}, T[pick], exp.physics, exp.form_factor, integrand=integrand
            )
            seconds += (time.perf_counter() - t0) * T.size / pick.size
        quad_warnings += sum(issubclass(w.category, IntegrationWarning) for w in caught)
        t0 = time.perf_counter()
        R = det.response_matrix(T, edges)  # the same response in both routes: timed in both
        seconds += time.perf_counter() - t0
        if pick.size < T.size:
            sampled = True
            fast = recoil_spectrum(src, {name: count}, T[pick], exp.physics, exp.form_factor)
            for key, values in parts.items():
                ref = fast.parts[key]
                scale = np.max(np.abs(ref)) or 1.0
                worst = max(worst, float(np.max(np.abs(values - ref)) / scale))
            continue
        for (_, flavour), values in parts.items():
            per_bin = exp.exposure_factor * (R @ (values * w))
            total += fractions.get(flavour, 1.0) * float(per_bin.sum())
    return {
        "seconds": seconds,
        "sampled": sampled,
        "total": None if sampled else total,
        "max_rel_diff_dNdT": worst if sampled else None,
        "nodes": n_nodes,
        "quad_warnings": quad_warnings,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timing samples (default 5)")
    parser.add_argument(
        "--naive-nodes", type=int, default=12, help="max quad nodes per isotope (default 12)"
    )
    parser.add_argument(
        "--integrand",
        choices=("factorised", "textbook"),
        default="factorised",
        help="integrand of the naive quad (default factorised: the conservative one)",
    )
    parser.add_argument("--only", nargs="*", default=None, help="preset names (default all)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)

    names = args.only or cc.experiment_names()
    rows = []
    print(
        "Total counts of every experiment preset (medians of alternating samples, one thread; "
        f"naive: per-node quad, {args.integrand} integrand, ratio to the uncached time)"
    )
    print(
        f"  {'preset':22s} {'counts':>14s} {'warm':>9s} {'physics':>10s} {'uncached':>10s} "
        f"{'peak MB':>8s} {'naive quad':>11s} {'ratio':>8s}  agreement"
    )
    agree_ok = True
    sin2 = iter(0.2386 + 1e-7 * np.arange(1, 10**7))
    for name in names:
        exp = cc.experiment(name)
        counts = exp.counts().total

        def physics_changed(exp: cc.Experiment = exp) -> None:
            exp.physics = cc.StandardModel(sin2_theta_W=next(sin2))
            exp.counts()

        def uncached(exp: cc.Experiment = exp) -> None:
            clear_caches()
            exp.counts()

        # the cheap calls: many samples of several calls each (robust medians under load)
        quick = bench.time_interleaved(
            {"warm": lambda exp=exp: exp.counts(), "physics": physics_changed},
            repeat=3 * args.repeat,
            number=5,
        )
        exp.physics = None
        cold = bench.time_call(uncached, repeat=args.repeat)
        warm, changed = quick["warm"], quick["physics"]
        peak = bench.peak_memory_MB(uncached)
        naive = naive_counts(exp, args.naive_nodes, args.integrand)
        ratio = naive["seconds"] / cold.median
        if naive["sampled"]:
            diff = naive["max_rel_diff_dNdT"]
            agreement = f"dN/dT {diff:.1e} at ≤ {args.naive_nodes} nodes/isotope (time extrap.)"
        else:
            diff = abs(naive["total"] / counts - 1.0)
            agreement = f"total {diff:.1e}"
        if naive["quad_warnings"]:
            agreement += f"; {naive['quad_warnings']} QUADPACK warnings"
        agree_ok &= diff < 1e-3
        rows.append(
            {
                "preset": name,
                "counts": counts,
                "warm_median_s": warm.median,
                "warm_best_s": warm.best,
                "warm_cpu_median_s": warm.cpu_median,
                "physics_changed_median_s": changed.median,
                "uncached_median_s": cold.median,
                "uncached_best_s": cold.best,
                "uncached_peak_traced_MB": peak,
                "naive_s": naive["seconds"],
                "ratio": ratio,
                "naive": naive,
            }
        )
        print(
            f"  {name:22s} {counts:14.6g} {warm.median * 1e3:6.2f} ms {changed.median * 1e3:7.2f} "
            f"ms {cold.median * 1e3:7.1f} ms {peak:8.2f} {naive['seconds']:9.3g} s "
            f"{ratio:7,.0f}×  {agreement}"
        )
    total_warm = sum(r["warm_median_s"] for r in rows)
    total_cold = sum(r["uncached_median_s"] for r in rows)
    slowest = max(rows, key=lambda r: r["warm_median_s"])
    print(
        f"  all {len(rows)} presets: warm {total_warm * 1e3:.1f} ms, uncached {total_cold:.3f} s; "
        f"ratio to the naive quad min {min(r['ratio'] for r in rows):,.0f}×, median "
        f"{np.median([r['ratio'] for r in rows]):,.0f}×"
    )
    warm_ok = slowest["warm_median_s"] < TARGET_WARM_SECONDS
    print(
        "  "
        + bench.check(
            "every preset's warm counts() < 20 ms",
            warm_ok,
            f"slowest {slowest['preset']} {slowest['warm_median_s'] * 1e3:.2f} ms "
            f"(CPU {slowest['warm_cpu_median_s'] * 1e3:.2f} ms)",
        )
    )
    print("  " + bench.check("naive and rate engine agree (< 1e-3)", agree_ok, "see table"))
    for line in bench.machine_lines():
        print("  " + line)
    if args.json is not None:
        out = {"presets": rows, "machine": bench.machine()}
        args.json.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0 if agree_ok and warm_ok else 1


if __name__ == "__main__":
    sys.exit(main())
