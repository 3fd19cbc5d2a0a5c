"""Benchmark: every registered form-factor model on 10⁶ momenta (issue 7).

Run with ``python benchmarks/bench_form_factors.py`` (or ``python benchmarks/run_all.py``);
pytest does not collect it.

``cc.form_factor(model, q_fm, "Cs133")`` on 10⁶ momentum transfers q ∈ [0, 5] fm⁻¹, for every
model of ``cc.form_factor_models()``: median time of repeats and peak traced memory. Two naive
references, each run on an evenly spaced subset of the momenta and extrapolated to 10⁶:

per-point call
    the same public function called once per momentum (a Python loop over scalars);
per-point quad
    F(q) = 4π ∫₀^{r_max} ρ(r) j₀(qr) r² dr by ``scipy.integrate.quad`` for every q, from the
    model's own normalised density ρ(r) (split at its kinks; models without a density — the
    moment expansion and the point nucleus — have no such route).

The moment expansion's CevnsWarning (beyond its range of validity) is silenced here.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import warnings
from pathlib import Path

import _machine as bench  # before numpy: one BLAS thread; puts the project on sys.path
import numpy as np
from scipy import integrate
from scipy.integrate import IntegrationWarning

import cevns_core as cc
from cevns_core.form_factors import form_factor_model

N_Q = 10**6
Q_MAX = 5.0
ISOTOPE = "Cs133"


def _j0(x: float) -> float:
    return math.sin(x) / x if x > 1e-8 else 1.0 - x * x / 6.0


def quad_form_factor(model, q: float) -> float:
    """F(q) from the model's density by adaptive quadrature (plain floats)."""
    r_max = model._r_max()
    points = [b for b in model._breakpoints() if 0.0 < b < r_max] or None

    def integrand(r: float) -> float:
        return float(model.density(r)) * _j0(q * r) * r * r

    value, _ = integrate.quad(integrand, 0.0, r_max, points=points, limit=400, epsabs=1e-13)
    return 4.0 * math.pi * value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timing samples (default 7)")
    parser.add_argument("--loop-points", type=int, default=2000, help="per-point calls (2000)")
    parser.add_argument("--quad-points", type=int, default=100, help="per-point quads (100)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)

    q = np.linspace(0.0, Q_MAX, N_Q)
    rows = []
    print(
        f"Form factors of every model on {N_Q:,} momenta q ∈ [0, {Q_MAX:g}] fm⁻¹ ({ISOTOPE}; "
        "median of repeats, one thread)"
    )
    print(
        f"  {'model':24s} {'time':>9s} {'ns/q':>6s} {'peak MB':>8s} {'per-point call':>22s} "
        f"{'per-point quad':>24s}"
    )
    agree = True
    # the moment expansion warns (CevnsWarning) beyond its range of validity, q ≳ 0.45 fm⁻¹ here
    warnings.simplefilter("ignore", cc.CevnsWarning)
    for name in cc.form_factor_models():
        timing = bench.time_call(
            lambda name=name: cc.form_factor(name, q, ISOTOPE), repeat=args.repeat
        )
        peak = bench.peak_memory_MB(lambda name=name: cc.form_factor(name, q, ISOTOPE))
        F = cc.form_factor(name, q, ISOTOPE)
        ok = bool(np.all(np.isfinite(F))) and F[0] == 1.0

        idx = np.unique(np.linspace(0, N_Q - 1, args.loop_points).astype(int))
        t0 = time.perf_counter()
        loop = np.array([float(cc.form_factor(name, float(q[i]), ISOTOPE)) for i in idx])
        loop_s = (time.perf_counter() - t0) * N_Q / idx.size
        ok &= bool(np.allclose(loop, F[idx], rtol=1e-12, atol=1e-15))

        model = form_factor_model(name, ISOTOPE)
        quad_s = quad_diff = None
        if name not in ("moment_expansion", "point"):
            idx = np.unique(np.linspace(0, N_Q - 1, args.quad_points).astype(int))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", IntegrationWarning)
                t0 = time.perf_counter()
                quad = np.array([quad_form_factor(model, float(q[i])) for i in idx])
                quad_s = (time.perf_counter() - t0) * N_Q / idx.size
            quad_diff = float(np.max(np.abs(quad - F[idx])))
            ok &= quad_diff < 1e-6
        agree &= ok
        rows.append(
            {
                "model": name,
                "median_s": timing.median,
                "best_s": timing.best,
                "peak_traced_MB": peak,
                "per_point_call_s": loop_s,
                "per_point_quad_s": quad_s,
                "quad_max_abs_diff": quad_diff,
                "ok": ok,
            }
        )
        quad_text = (
            "—"
            if quad_s is None
            else f"{quad_s:8.3g} s ({quad_s / timing.median:,.0f}×, Δ {quad_diff:.0e})"
        )
        print(
            f"  {name:24s} {timing.median * 1e3:6.1f} ms {timing.median / N_Q * 1e9:6.1f} "
            f"{peak:8.1f} {loop_s:7.3g} s ({loop_s / timing.median:7,.0f}×) {quad_text:>24s}"
        )
    print(
        "  "
        + bench.check(
            "finite, F(0) = 1, per-point routes agree", agree, "per-point call 1e-12, quad 1e-6"
        )
    )
    for line in bench.machine_lines():
        print("  " + line)
    if args.json is not None:
        out = {"models": rows, "machine": bench.machine()}
        args.json.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
