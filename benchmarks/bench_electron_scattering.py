"""Benchmark: the solar-neutrino electron-recoil spectrum on xenon (ν–e scattering).

Run with ``python benchmarks/bench_electron_scattering.py`` (or ``python benchmarks/run_all.py``);
pytest does not collect it.

``electron_recoil_spectrum(Solar(...), "Xe", T)`` at 200 log-spaced deposited energies in
[0.1, 1000] keVee (pp, ⁷Be, pep, ⁸B; ν_e survival 0.55, so three flavours; stepping
approximation): the rate engine's fixed Gauss–Legendre flux moments with M = m_e (lines added
analytically). The naive reference computes the same dN/dT with one adaptive
``scipy.integrate.quad`` over neutrino energy per recoil point and flavour, evaluating the public
``electron_scattering_cross_section`` inside the integrand, lines added by hand.

Targets: ≥ 100× faster than the naive route and < 10 ms (median of repeats, one thread).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import _machine as bench  # before numpy: one BLAS thread; puts the project on sys.path
import numpy as np
from scipy import integrate

import cevns_core as cc
from cevns_core.electron_scattering import effective_electrons, target_atoms

N_POINTS = 200
TARGET_SPEEDUP = 100.0
TARGET_SECONDS = 10e-3


def naive_dNdT(source, atoms, T_keV):
    """dN/dT per flavour by adaptive quadrature over E, one call per T (the slow route)."""
    out = {}
    for flavour in source.flavours():
        values = np.zeros(T_keV.size)
        for i, T in enumerate(T_keV):
            T_MeV = T * 1e-3
            E_min = 0.5 * (T_MeV + np.sqrt(T_MeV**2 + 2 * cc.units.M_E_MeV * T_MeV))
            total = 0.0
            for c in source.continua(flavour):
                lo = max(E_min, c.E_min_MeV)
                if lo >= c.E_max_MeV:
                    continue

                def integrand(E, c=c, T=T, flavour=flavour):
                    return float(
                        c.density(np.array(E)) * cc.electron_scattering_cross_section(E, T, flavour)
                    )

                points = [b for b in c.breakpoints if lo < b < c.E_max_MeV] or None
                total += integrate.quad(
                    integrand, lo, c.E_max_MeV, epsrel=1e-9, limit=200, points=points
                )[0]
            for line in source.lines(flavour):
                if line.energy_MeV >= E_min:
                    total += line.intensity * float(
                        cc.electron_scattering_cross_section(line.energy_MeV, T, flavour)
                    )
            values[i] = total
        out[flavour] = values
    n = sum(count * effective_electrons(sym, T_keV) for sym, count in atoms.items())
    return {f: v * n for f, v in out.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timing samples (default 15)")
    parser.add_argument("--number", type=int, default=10, help="calls per sample (default 10)")
    parser.add_argument(
        "--naive-points", type=int, default=20, help="recoil points for quad (default 20)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)

    solar = cc.Solar(components_included=["pp", "pep", "Be7", "B8"], nu_e_survival=0.55)
    T = np.geomspace(0.1, 1000.0, N_POINTS)
    atoms = target_atoms("Xe", 1000.0)

    def run():
        return cc.electron_recoil_spectrum(solar, "Xe", T, mass_kg=1000.0)

    fast = bench.time_call(run, repeat=args.repeat, number=args.number)
    peak = bench.peak_memory_MB(run)
    fast_total = run().total

    pick = np.unique(np.linspace(0, N_POINTS - 1, min(args.naive_points, N_POINTS)).astype(int))
    t0 = time.perf_counter()
    parts = naive_dNdT(solar, atoms, T[pick])
    seconds = (time.perf_counter() - t0) * N_POINTS / pick.size
    naive_total = np.sum(list(parts.values()), axis=0)
    max_rel = float(np.max(np.abs(naive_total / fast_total[pick] - 1.0)))
    speedup = seconds / fast.median
    results = {
        "benchmark": f"solar ν–e spectrum on 1 t Xe, {N_POINTS} points on [0.1, 1000] keVee, "
        f"flavours {list(solar.flavours())}, stepping approximation",
        "fast_median_s": fast.median,
        "fast_best_s": fast.best,
        "fast_peak_traced_MB": peak,
        "naive_points": int(pick.size),
        "naive_seconds": seconds,
        "speedup": speedup,
        "max_rel_diff": max_rel,
        "machine": bench.machine(),
    }
    print(f"Electron-recoil spectrum: {results['benchmark']}")
    print(f"  rate engine        {fast.text('ms')}, peak traced memory {peak:.2f} MB")
    extrapolated = " (extrapolated)" if pick.size < N_POINTS else ""
    print(
        f"  naive quad per T and flavour: {seconds:.3g} s{extrapolated} → rate engine "
        f"{speedup:,.0f}× faster (max rel. diff {max_rel:.1e})"
    )
    print(
        "  "
        + bench.check(
            "≥ 100× faster than the naive quad", speedup >= TARGET_SPEEDUP, f"{speedup:,.0f}×"
        )
    )
    print(
        "  "
        + bench.check("< 10 ms", fast.median < TARGET_SECONDS, f"median {fast.median * 1e3:.3f} ms")
    )
    for line in bench.machine_lines():
        print("  " + line)
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    ok = speedup >= TARGET_SPEEDUP and fast.median < TARGET_SECONDS and max_rel < 1e-5
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
