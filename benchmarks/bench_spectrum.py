"""Benchmark: the COHERENT CsI recoil spectrum on 100 bins (issues 7 and 31).

Run with ``python benchmarks/bench_spectrum.py`` (or ``python benchmarks/run_all.py``); pytest
does not collect it.

``experiment("coherent_csi_2017").recoil_spectrum(T)`` at the centres of 100 recoil bins
spanning [0, T_max] (two isotopes Cs133 and I127, three π-DAR flavours, Helm form factor): the
rate engine's fixed Gauss–Legendre flux moments (DESIGN §6). Three ways of calling it:

* **warm** — the same call repeated: the flux moments and cross-section coefficients are kept
  per value (``cevns_core.caching``), so this is the fixed cost of a call (checks, parameter
  reads, cache look-ups, the sums over flavours);
* **physics changed** — a new Standard-Model value of sin²θ_W before every call (never seen
  before, so the cross-section coefficients are recomputed; the flux moments are reused): what a
  dashboard update of the physics costs;
* **uncached** — every cache emptied before the call: the whole computation.

Two references. The naive route computes the same dN/dT with one adaptive
``scipy.integrate.quad`` over neutrino energy per recoil point, isotope and flavour
(``_naive.py``). The **bare-numpy floor** is the arithmetic any implementation must do at least
once: one numpy expression that evaluates both Michel spectra at the 48 Gauss–Legendre nodes
between E_min(T) and m_μ/2 for every recoil point and isotope (100 × 2 × 2 × 48 = 19,200 flux
evaluations, as the rate engine's quadrature) and sums them; no cross section, no lines. The
engine and the floor are timed with alternating samples (``_machine.time_interleaved``), so
their ratio holds on a loaded machine.

Targets: uncached ≥ 100× faster than the naive route and < 2 ms; warm within 2× of the floor
(ratio of medians, same run); a warm 10-point call < 0.2 ms.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import _machine as bench  # before numpy: one BLAS thread; puts the project on sys.path
import numpy as np
from _naive import bare_numpy_floor, naive_dNdT

import cevns_core as cc
from cevns_core.caching import clear_caches
from cevns_core.nuclei import isotope

PRESET = "coherent_csi_2017"
N_BINS = 100
N_SMALL = 10
TARGET_SPEEDUP = 100.0
TARGET_SECONDS = 2e-3
TARGET_FLOOR_RATIO = 2.0
TARGET_SMALL_SECONDS = 0.2e-3


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
    T_small = np.linspace(0.0, top, N_SMALL + 1)[1:] - 0.5 * top / N_SMALL
    masses = [isotope(n).mass_MeV for n in exp.detector.targets()]
    phi = exp.source.line_intensity()

    # the floor really is the π-DAR continuum integral the engine needs (1e-12: same nodes)
    floor_values = bare_numpy_floor(T, masses, phi)
    src = exp.source
    for M, value in zip(masses, floor_values, strict=True):
        engine = sum(cc.rates.flux_kernel(src, M, T, f).moments[0] for f in ("nu_e", "nubar_mu"))
        assert np.allclose(value, engine, rtol=1e-12, atol=0.0), "floor ≠ engine's flux integral"

    sin2 = iter(0.2386 + 1e-7 * np.arange(1, 10**7))

    def physics_changed() -> None:
        exp.physics = cc.StandardModel(sin2_theta_W=next(sin2))
        exp.recoil_spectrum(T)

    def uncached() -> None:
        clear_caches()
        exp.recoil_spectrum(T)

    timings = bench.time_interleaved(
        {
            "warm": lambda: exp.recoil_spectrum(T),
            "floor": lambda: bare_numpy_floor(T, masses, phi),
            "small": lambda: exp.recoil_spectrum(T_small),
        },
        repeat=args.repeat,
        number=args.number,
    )
    others = bench.time_interleaved(
        {"physics": physics_changed, "uncached": uncached},
        repeat=args.repeat,
        number=max(1, args.number // 4),
    )
    exp.physics = None
    warm, floor, small = timings["warm"], timings["floor"], timings["small"]
    fast = others["uncached"]
    floor_ratio = warm.median / floor.median
    peak = bench.peak_memory_MB(uncached)
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
        "warm_median_s": warm.median,
        "warm_small_median_s": small.median,
        "floor_median_s": floor.median,
        "warm_over_floor": floor_ratio,
        "physics_changed_median_s": others["physics"].median,
        "uncached_median_s": fast.median,
        "uncached_best_s": fast.best,
        "uncached_peak_traced_MB": peak,
        "naive_points": int(pick.size),
        "naive": naive,
        "machine": bench.machine(),
    }
    print(f"Recoil spectrum: {results['benchmark']}")
    print(f"  warm (same call)       {warm.text('ms')}")
    print(f"  bare-numpy floor       {floor.text('ms')} (19,200 flux evaluations)")
    print(f"  warm / floor           {floor_ratio:.2f} (medians, alternating samples)")
    print(f"  warm, {N_SMALL} points        {small.text('ms')}")
    print(f"  physics changed        {others['physics'].text('ms')} (new sin²θ_W each call)")
    print(f"  uncached               {fast.text('ms')}, peak traced memory {peak:.2f} MB")
    extrapolated = " (extrapolated)" if pick.size < N_BINS else ""
    for integrand, label in (
        ("textbook", "naive quad, dσ/dT(E,T) per evaluation"),
        ("factorised", "naive quad, c₀+c₁/E+c₂/E² per T"),
    ):
        r = naive[integrand]
        print(
            f"  {label}: {r['seconds']:.3g} s{extrapolated} ({pick.size} points × "
            f"{len(nuclei)} isotopes × {len(exp.source.flavours())} flavours) → uncached rate "
            f"engine {r['speedup']:,.0f}× faster (max rel. diff {r['max_rel_diff']:.1e})"
        )
    checks = [
        (
            "uncached ≥ 100× faster than the naive quad",
            speedup >= TARGET_SPEEDUP,
            f"{speedup:,.0f}×",
        ),
        ("uncached < 2 ms", fast.median < TARGET_SECONDS, f"median {fast.median * 1e3:.3f} ms"),
        (
            "warm within 2× of the bare-numpy floor",
            floor_ratio <= TARGET_FLOOR_RATIO,
            f"{floor_ratio:.2f}×",
        ),
        (
            f"warm {N_SMALL}-point call < 0.2 ms",
            small.median < TARGET_SMALL_SECONDS,
            f"median {small.median * 1e3:.3f} ms",
        ),
    ]
    for label, ok, detail in checks:
        print("  " + bench.check(label, ok, detail))
    for line in bench.machine_lines():
        print("  " + line)
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    agree = all(r["max_rel_diff"] < 1e-6 for r in naive.values())
    ok = all(c[1] for c in checks) and agree
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
