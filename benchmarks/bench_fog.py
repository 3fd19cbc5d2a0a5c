"""Benchmark: the neutrino fog of one target, 100 WIMP masses × 50 exposures (physics-reach item 2).

Run with ``python benchmarks/bench_fog.py [--target Xe]`` (or ``python benchmarks/run_all.py``);
pytest does not collect it.

``cc.neutrino_fog(target)`` with its defaults (masses 0.1–10⁴ GeV, exposures 10⁻²–10¹³ kg·yr,
O'Hare's idealised 10⁻⁴–200 keV window in 50 log bins, ten neutrino components with their flux
uncertainties as nuisance parameters), timed end to end as a median of repeats: the binned
neutrino backgrounds are recomputed in every repeat (their cache is cleared), then the WIMP rates
of all masses, the 5000 discovery limits and the gradient index. Peak traced memory of one call.

Naive reference, per (mass, exposure) point, the textbook route: the WIMP rate of every bin by
``scipy.integrate.quad`` of the differential rate (one call per bin), and the discovery limit by
``scipy.optimize.brentq`` on ln σ, each q₀ from ``scipy.optimize.minimize`` (L-BFGS-B) over the
ten flux normalisations; the binned neutrino backgrounds are shared with the fast path (not
timed). Measured on a few points and extrapolated to the grid; the limits are compared.

Target: < 10 s for the 100 × 50 fog on one core (one BLAS thread).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time
from pathlib import Path

import _machine as bench  # before numpy: one BLAS thread; puts the project on sys.path
import numpy as np
from scipy import integrate, optimize

import cevns_core as cc
from cevns_core.dark_matter import backgrounds as dm_backgrounds
from cevns_core.dark_matter import log_bin_edges, neutrino_background, wimp_recoil_spectrum
from cevns_core.dark_matter.fog import DEFAULT_EXPOSURES_KG_YR, DEFAULT_MASSES_GeV

TARGET_SECONDS = 10.0
THRESHOLD_KEV, E_MAX_KEV, N_BINS = 1e-4, 200.0, 50


def naive_limit(target: str, mass: float, exposure: float, edges, bkg) -> float:
    """3σ discovery limit (cm²) at one point by quad, minimize and brentq."""
    signal = np.array(
        [
            integrate.quad(
                lambda E: float(wimp_recoil_spectrum(target, E, mass, 1e-45)), lo, hi, limit=200
            )[0]
            for lo, hi in itertools.pairwise(edges)
        ]
    )
    B, delta = bkg.rates, bkg.relative_uncertainty
    if signal.sum() <= 0:
        return math.inf

    def q0(x: float) -> float:
        n = exposure * (B.sum(axis=0) + x * signal)

        def deviance(theta):
            mu = exposure * (theta @ B)
            r = (n - mu) / mu
            return 2 * np.sum(mu * ((1 + r) * np.log1p(r) - r)) + np.sum(((theta - 1) / delta) ** 2)

        res = optimize.minimize(
            deviance,
            np.ones(B.shape[0]),
            method="L-BFGS-B",
            bounds=[(1e-9, None)] * B.shape[0],
            options={"ftol": 1e-15, "gtol": 1e-10},
        )
        return res.fun

    # ln of σ/1e-45 cm² in [−40, 40]; then at least ln 2 WIMP events, as the fast path
    ln_x = optimize.brentq(lambda u: math.log(q0(math.exp(u)) / 9.0), -40.0, 40.0, xtol=1e-10)
    return max(math.exp(ln_x), math.log(2.0) / (exposure * signal.sum())) * 1e-45


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="Xe", help="detector material (default Xe)")
    parser.add_argument("--repeat", type=int, default=5, help="timing samples (default 5)")
    parser.add_argument("--naive-points", type=int, default=3, help="quad/minimize points (3)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)

    def run():
        dm_backgrounds._background_cached.cache_clear()  # time the backgrounds too
        return cc.neutrino_fog(args.target)

    timing = bench.time_call(run, repeat=args.repeat)
    peak = bench.peak_memory_MB(run)
    fog = run()
    n_m, n_e = fog.limits.sigma_cm2.shape

    edges = log_bin_edges(THRESHOLD_KEV, E_MAX_KEV, N_BINS)
    bkg = neutrino_background(args.target, edges)
    picks = [(30, 10), (60, 25), (80, 40), (45, 30)][: args.naive_points]
    t0 = time.perf_counter()
    diff = 0.0
    for i, j in picks:
        ref = naive_limit(
            args.target, DEFAULT_MASSES_GeV[i], DEFAULT_EXPOSURES_KG_YR[j], edges, bkg
        )
        diff = max(diff, abs(ref / fog.limits.sigma_cm2[i, j] - 1.0))
    naive_point_s = (time.perf_counter() - t0) / len(picks)
    naive_s = naive_point_s * n_m * n_e

    results = {
        "fog": f"{args.target}: {n_m} masses x {n_e} exposures, {N_BINS} log bins "
        f"{THRESHOLD_KEV:g}-{E_MAX_KEV:g} keV, {len(bkg.components)} neutrino components",
        "median_s": timing.median,
        "best_s": timing.best,
        "per_point_us": timing.median / (n_m * n_e) * 1e6,
        "peak_traced_MB": peak,
        "naive_points": len(picks),
        "naive_per_point_s": naive_point_s,
        "naive_extrapolated_s": naive_s,
        "speedup": naive_s / timing.median,
        "max_rel_diff": diff,
        "floors_found": int(np.sum(fog.floor_reached)),
        "machine": bench.machine(),
    }
    print(f"Neutrino-fog benchmark: {results['fog']}")
    print(
        f"  fog           {timing.text('s')}, {results['per_point_us']:.0f} µs/point, "
        f"peak traced memory {peak:.1f} MB, floor found at {results['floors_found']}/{n_m} masses"
    )
    print(
        f"  naive         {naive_point_s:.3g} s/point (quad per bin, minimize per q0, brentq) on "
        f"{len(picks)} points → {naive_s / 3600:.1f} h for the grid: the fog is "
        f"{results['speedup']:,.0f}× faster (max rel. diff of the limits {diff:.1e})"
    )
    ok = timing.median < TARGET_SECONDS
    print(
        "  "
        + bench.check("< 10 s on one core", ok, f"median {timing.median:.2f} s for {n_m}x{n_e}")
    )
    for line in bench.machine_lines():
        print("  " + line)
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0 if ok and diff < 1e-3 else 1


if __name__ == "__main__":
    sys.exit(main())
