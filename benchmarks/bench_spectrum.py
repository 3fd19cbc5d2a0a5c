"""Benchmark: the COHERENT CsI recoil spectrum on 100 bins (issue 7).

Run with ``python benchmarks/bench_spectrum.py`` (or ``python benchmarks/run_all.py``); pytest
does not collect it.

``experiment("coherent_csi_2017").recoil_spectrum(T)`` at the centres of 100 recoil bins
spanning [0, T_max] (two isotopes Cs133 and I127, three π-DAR flavours, Helm form factor): the
rate engine's fixed Gauss–Legendre flux moments (DESIGN §6). The naive reference computes the
same dN/dT with one adaptive ``scipy.integrate.quad`` over neutrino energy per recoil point,
isotope and flavour (``_naive.py``).

Targets: ≥ 100× faster than the naive route and < 2 ms (median of repeats, one thread).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import _machine as bench  # before numpy: one BLAS thread; puts the project on sys.path
import numpy as np
from _naive import naive_dNdT

import cevns_core as cc

PRESET = "coherent_csi_2017"
N_BINS = 100
TARGET_SPEEDUP = 100.0
TARGET_SECONDS = 2e-3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timing samples (default 15)")
    parser.add_argument("--number", type=int, default=20, help="calls per sample (default 20)")
    parser.add_argument(
        "--naive-points", type=int, default=N_BINS, help="recoil points for quad (default all)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)

    exp = cc.experiment(PRESET)
    top = exp.max_recoil_keV()
    edges = np.linspace(0.0, top, N_BINS + 1)
    T = 0.5 * (edges[:-1] + edges[1:])

    fast = bench.time_call(lambda: exp.recoil_spectrum(T), repeat=args.repeat, number=args.number)
    peak = bench.peak_memory_MB(lambda: exp.recoil_spectrum(T))
    spectrum = exp.spectrum(T)

    # naive: per-point quad on (a subset of) the same recoil energies, both integrands
    pick = np.unique(np.linspace(0, N_BINS - 1, min(args.naive_points, N_BINS)).astype(int))
    nuclei = exp.detector.targets()
    fast_total = spectrum.total[pick]
    naive = {}
    for integrand in ("textbook", "factorised"):
        t0 = time.perf_counter()
        parts = naive_dNdT(
            exp.source, nuclei, T[pick], exp.physics, exp.form_factor, integrand=integrand
        )
        seconds = (time.perf_counter() - t0) * N_BINS / pick.size
        total = np.sum(list(parts.values()), axis=0) * exp.exposure_factor
        naive[integrand] = {
            "seconds": seconds,
            "speedup": seconds / fast.median,
            "max_rel_diff": float(np.max(np.abs(total / fast_total - 1.0))),
        }
    speedup = naive["textbook"]["speedup"]
    results = {
        "benchmark": f"{PRESET} recoil spectrum, {N_BINS} bins on [0, {top:.4g}] keVnr, "
        f"isotopes {list(nuclei)}, flavours {list(exp.source.flavours())}, {exp.form_factor}",
        "fast_median_s": fast.median,
        "fast_best_s": fast.best,
        "fast_peak_traced_MB": peak,
        "naive_points": int(pick.size),
        "naive": naive,
        "machine": bench.machine(),
    }
    print(f"Recoil spectrum: {results['benchmark']}")
    print(f"  rate engine        {fast.text('ms')}, peak traced memory {peak:.2f} MB")
    extrapolated = " (extrapolated)" if pick.size < N_BINS else ""
    for integrand, label in (
        ("textbook", "naive quad, dσ/dT(E,T) per evaluation"),
        ("factorised", "naive quad, c₀+c₁/E+c₂/E² per T"),
    ):
        r = naive[integrand]
        print(
            f"  {label}: {r['seconds']:.3g} s{extrapolated} ({pick.size} points × "
            f"{len(nuclei)} isotopes × {len(exp.source.flavours())} flavours) → rate engine "
            f"{r['speedup']:,.0f}× faster (max rel. diff {r['max_rel_diff']:.1e})"
        )
    print(
        "  "
        + bench.check(
            "≥ 100× faster than the naive quad", speedup >= TARGET_SPEEDUP, f"{speedup:,.0f}×"
        )
    )
    print(
        "  "
        + bench.check("< 2 ms", fast.median < TARGET_SECONDS, f"median {fast.median * 1e3:.3f} ms")
    )
    for line in bench.machine_lines():
        print("  " + line)
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    agree = all(r["max_rel_diff"] < 1e-6 for r in naive.values())
    ok = speedup >= TARGET_SPEEDUP and fast.median < TARGET_SECONDS and agree
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
