"""Benchmark: a 100×100 vector-NSI (ε^u_ee, ε^d_ee) scan on COHERENT CsI 2017 (issue 7).

Run with ``python benchmarks/bench_nsi_scan.py`` (or ``python benchmarks/run_all.py``); pytest
does not collect it. The Z′ (g, M) 200×200 scan is ``bench_scans.py``.

``cc.scan(exp, "nsi_vector_ee", eps_u=..., eps_d=...)`` on ε ∈ [−1, 1]² (100×100, the preset's
PE bins, Asimov Gaussian χ²), timed end to end (kernels, grid, χ²) as a median of repeats, with
its peak traced memory. Naive reference, per grid point: a :class:`NewPhysics` with the two
couplings, dN/dT at the same recoil nodes from one ``scipy.integrate.quad`` over neutrino energy
per node, isotope and flavour (``_naive.py``, the conservative "factorised" integrand), folded
with the same response matrix; measured on a few points and extrapolated to the grid.

Target: < 1 s for the scan on one core (one BLAS thread).
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
from cevns_core.nuclei import isotope
from cevns_core.rates import _recoil_nodes

PRESET = "coherent_csi_2017"
MODEL = "nsi_vector_ee"
N = 100
EPS = np.linspace(-1.0, 1.0, N)
TARGET_SECONDS = 1.0


def naive_bin_counts(exp: cc.Experiment, eps_u: float, eps_d: float, edges: np.ndarray):
    """Binned counts at one grid point by per-node quad (same response, same nodes)."""
    physics = cc.NewPhysics(eps_uV_ee=eps_u, eps_dV_ee=eps_d)
    det, src = exp.detector, exp.source
    recoil_edges = None if det.resolution is not None else det.recoil_bin_edges(edges)
    fractions = exp.timing_fractions()
    total = np.zeros(edges.size - 1)
    for name, count in det.targets().items():
        T, w = _recoil_nodes(src, det, isotope(name).mass_MeV, recoil_edges)
        R = det.response_matrix(T, edges)
        seen = np.any(R != 0.0, axis=0)  # nodes outside every bin do not count
        T, w, R = T[seen], w[seen], R[:, seen]
        parts = naive_dNdT(src, {name: count}, T, physics, exp.form_factor, integrand="factorised")
        for (_, flavour), values in parts.items():
            total += fractions.get(flavour, 1.0) * exp.exposure_factor * (R @ (values * w))
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timing samples (default 5)")
    parser.add_argument("--naive-points", type=int, default=2, help="quad grid points (2)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)

    exp = cc.experiment(PRESET)

    def run():
        return cc.scan(exp, MODEL, eps_u=EPS, eps_d=EPS)

    timing = bench.time_call(run, repeat=args.repeat)
    peak = bench.peak_memory_MB(run)
    result = run()

    picks = [(int(N * 0.3), int(N * 0.6)), (int(N * 0.8), int(N * 0.2)), (N // 2, N // 2)]
    picks = (picks * args.naive_points)[: args.naive_points]
    t0 = time.perf_counter()
    diff = 0.0
    for i, j in picks:
        counts = naive_bin_counts(exp, float(EPS[i]), float(EPS[j]), result.bin_edges)
        ref = result.bin_counts[i, j]
        diff = max(diff, float(np.max(np.abs(counts - ref)) / np.max(np.abs(ref))))
    naive_point_s = (time.perf_counter() - t0) / len(picks)
    naive_s = naive_point_s * N * N

    results = {
        "scan": f"{MODEL} {N}x{N} on {PRESET} (eps_u, eps_d in [-1, 1], "
        f"{result.bin_edges.size - 1} {result.info.get('observable', '')} bins, "
        f"{result.info.get('statistic')} Asimov chi2, path {result.info.get('path')})",
        "median_s": timing.median,
        "best_s": timing.best,
        "per_point_us": timing.median / (N * N) * 1e6,
        "peak_traced_MB": peak,
        "naive_points": len(picks),
        "naive_per_point_s": naive_point_s,
        "naive_extrapolated_s": naive_s,
        "speedup": naive_s / timing.median,
        "max_rel_diff": diff,
        "machine": bench.machine(),
    }
    print(f"NSI scan benchmark: {results['scan']}")
    print(
        f"  scan          {timing.text('s')}, {results['per_point_us']:.2f} µs/point, "
        f"peak traced memory {peak:.1f} MB"
    )
    print(
        f"  naive quad    {naive_point_s:.3g} s/point on {len(picks)} points → "
        f"{naive_s / 3600:.1f} h for the grid: the scan is {results['speedup']:,.0f}× faster "
        f"(max rel. diff {diff:.1e})"
    )
    print(
        "  "
        + bench.check(
            "< 1 s on one core", timing.median < TARGET_SECONDS, f"median {timing.median:.3f} s"
        )
    )
    for line in bench.machine_lines():
        print("  " + line)
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0 if timing.median < TARGET_SECONDS and diff < 1e-6 else 1


if __name__ == "__main__":
    sys.exit(main())
