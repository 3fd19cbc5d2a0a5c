"""Benchmark: profiles and scans on the energy × time likelihoods (CsI 2021, LAr 2020).

Run with ``python benchmarks/bench_likelihood.py`` (or ``python benchmarks/run_all.py``);
pytest does not collect it.

1. ``cc.fit_neutron_radius("coherent_csi_2021")``: a 101-point R_n profile on the 9 × 11 PE ×
   t_rec cells with all 8 nuisances profiled (flux, two quenching and one efficiency shape, the
   arrival-time offset, steady state, BRN, NIN), the data set's templates built (as in a session;
   the cold build is reported too). Target < 2 s.
   Naive reference, per grid point: ``cc.binned_counts`` (response recomputed), the cells, and
   the χ² minimised over the nuisances by ``scipy.optimize.minimize`` (L-BFGS-B); measured on a
   few points and extrapolated to the grid.
2. A 100 × 100 universal Z′ (g, M) grid on CsI 2021 + LAr 2020 jointly (SNS flux shared):
   ``cc.scan(None, "zprime", data=lik, ...)`` — the counts of every cell as polynomials in g²
   (coefficients once per mass), the Poisson profiles warm-started row by row, the LAr sets'
   normalisation-only likelihood in per-component sums. Beside it, in the same run, the
   previous route: counts per flavour from the cached kernels (``zprime_counts`` below, dN/dT of
   the SM times the Z′ factor per isotope, folded with the response) and
   ``likelihood.profile_chi2`` started from 0 at every point. With the LAr 3-D set (960 cells)
   and the LAr energy set (12 bins). Target < 10 s for the 3-D one (CPU time; wall printed too).
   Naive reference, per grid point: a ``NewPhysics`` prediction of every data set and one
   profile; measured on a few points and extrapolated; the counts are compared there.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import _machine as bench  # before numpy: one BLAS thread; puts the project on sys.path
import numpy as np
from scipy.optimize import minimize

import cevns_core as cc
from cevns_core.likelihood import DataSetLikelihood, Likelihood, profile_chi2
from cevns_core.units import G_F_MeV2, HBARC_MeV_fm

RN_TARGET_S = 2.0
SCAN_TARGET_S = 10.0
N = 100
G = np.logspace(-6, -3, N)
M = np.logspace(0, 4, N)


def naive_rn_point(lik: Likelihood, r: float) -> float:
    """One R_n grid point the slow way: full rate computation and a generic minimiser."""
    part = lik.parts[0]
    exp = part.experiment
    counts = cc.binned_counts(exp.source, exp.detector, part.rate_edges, None, "helm",
                              exposure=exp.exposure_factor,
                              form_factor_params={"R_n_fm": r}).by_flavour()  # fmt: skip
    signal = part.cells_from_counts(counts)
    names = lik.nuisance_names
    res = minimize(lambda x: float(lik.chi2_at(signal, dict(zip(names, x, strict=True)))),
                   np.zeros(len(names)), method="L-BFGS-B")  # fmt: skip
    return float(res.fun)


def zprime_counts(part: DataSetLikelihood) -> dict[str, np.ndarray]:
    """Counts per flavour (N, N, n_rate_bins) on the (g, M) grid from the part's kernels."""
    exp = part.experiment
    g_p, g_n = cc.nucleon_couplings("tree")
    out = {f: np.zeros((N, N, part.rate_edges.size - 1)) for f in exp.source.flavours()}
    gg = (G * G)[:, None, None]
    for iso, (T, w, R) in part.response_kernels(exp.detector).items():
        nucleus = cc.isotope(iso)
        q_MeV = np.sqrt(2.0 * nucleus.mass_MeV * T * 1e-3 + (T * 1e-3) ** 2)
        F_p, F_n = cc.nucleon_form_factors(q_MeV / HBARC_MeV_fm, iso)
        Z, Nn = nucleus.Z, nucleus.N
        Q_sm = Z * g_p * F_p + Nn * g_n * F_n
        Q_prime = 3.0 * Z * F_p + 3.0 * Nn * F_n  # universal: g_u = g_d = g_ν = 1 per g
        prop = 1.0 / (np.sqrt(2.0) * G_F_MeV2 * (q_MeV**2 + (M * M)[None, :, None]))
        ratio = ((Q_sm + gg * Q_prime * prop) / Q_sm) ** 2  # (N, N, n_T)
        spectrum = cc.recoil_spectrum(exp.source, {iso: exp.detector.targets()[iso]}, T)
        for (_, f), dN in spectrum.parts.items():
            out[f] += exp.exposure_factor * ((ratio * (dN * w)) @ R.T)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timing samples (default 3)")
    parser.add_argument("--naive-points", type=int, default=2, help="naive grid points (2)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    results: dict = {"machine": bench.machine()}
    ok = True

    # --------------------------------------------------------------- 1. R_n profile, CsI 2021
    t0 = time.perf_counter()
    lik = Likelihood(DataSetLikelihood("coherent_csi_2021"))
    cold_build = time.perf_counter() - t0

    def rn_profile():
        return cc.fit_neutron_radius(lik)

    timing = bench.time_call(rn_profile, repeat=args.repeat)
    profile = rn_profile()
    grid = profile.grid
    picks = grid[:: max(1, grid.size // max(args.naive_points, 1))][: args.naive_points]
    t0 = time.perf_counter()
    naive_chi2 = [naive_rn_point(lik, float(r)) for r in picks]
    naive_point = (time.perf_counter() - t0) / len(picks)
    ours = np.interp(picks, grid, profile.chi2)
    rn = {
        "profile": f"R_n, {grid.size} points, {len(lik.nuisance_names)} nuisances, 99 cells",
        "median_s": timing.median,
        "cold_build_s": cold_build,
        "naive_per_point_s": naive_point,
        "naive_extrapolated_s": naive_point * grid.size,
        "speedup": naive_point * grid.size / timing.median,
        "naive_minus_ours_chi2": float(np.max(np.asarray(naive_chi2) - ours)),
        "best_fit_fm": profile.best_fit,
    }
    results["rn_profile"] = rn
    print(f"Likelihood benchmark 1: {rn['profile']} (CsI 2021 PE × t_rec)")
    print(
        f"  profile       {timing.text('s')}; building the data set's templates {cold_build:.2f} s"
    )
    print(f"  naive         {naive_point:.3g} s/point → {rn['naive_extrapolated_s']:.1f} s for the "
          f"grid: {rn['speedup']:,.0f}× faster; naive χ² − ours ≥ {rn['naive_minus_ours_chi2']:.1e}"
          )  # fmt: skip
    good = timing.median < RN_TARGET_S
    ok &= good
    print("  " + bench.check("< 2 s R_n profile", good, f"median {timing.median:.3f} s"))

    # ------------------------------------------------------- 2. Z′ 100 × 100, CsI 2021 + LAr
    for lar, target in (("coherent_lar_2020_3d", SCAN_TARGET_S), ("coherent_lar_2020", None)):
        joint = Likelihood(["coherent_csi_2021", lar])
        cc.scan(None, "zprime", data=joint, coupling=G[:2], mass_MeV=M[:2])  # warm the kernels
        zprime_counts(joint.parts[1])

        def scan(joint=joint):
            return cc.scan(None, "zprime", data=joint, coupling=G, mass_MeV=M)

        def previous(joint=joint):
            return profile_chi2(joint, [zprime_counts(p) for p in joint.parts])

        cpu = {"scan": [], "previous": []}
        wall = {"scan": [], "previous": []}
        for _ in range(args.repeat):  # interleaved: the ratio from one run
            for name, fn in (("scan", scan), ("previous", previous)):
                c0, w0 = time.process_time(), time.perf_counter()
                fn()
                cpu[name].append(time.process_time() - c0)
                wall[name].append(time.perf_counter() - w0)
        t_scan, t_prev = float(np.median(cpu["scan"])), float(np.median(cpu["previous"]))
        res = scan()
        old = previous()
        near = res.delta_chi2 < 30  # far out the profile can end in another local minimum
        agree = float(np.max(np.abs(res.chi2 - old)[near] / np.maximum(1.0, old[near])))
        counts = [zprime_counts(p) for p in joint.parts]
        t0 = time.process_time()
        diff = 0.0
        for i, j in [(N - 1, 0), (N // 2, N // 3)][: args.naive_points]:
            phys = cc.NewPhysics(zprime_coupling=G[i], zprime_mass_MeV=M[j])
            direct = joint.predict(phys)
            fast = joint.cells_from_counts([{f: c[i, j] for f, c in cp.items()} for cp in counts])
            diff = max(diff, float(np.max(np.abs(fast - direct)) / np.max(direct)))
            diff = max(diff, float(np.max(np.abs(res.bin_counts[i, j] - direct)) / np.max(direct)))
            joint.chi2(direct)
        naive_point = (time.process_time() - t0) / min(2, args.naive_points)
        entry = {
            "scan": f"universal Z′ {N}×{N}, coherent_csi_2021 + {lar} ({joint.n_cells} cells, "
            f"{len(joint.nuisance_names)} nuisances)",
            "cpu_s": t_scan,
            "wall_s": float(np.median(wall["scan"])),
            "previous_cpu_s": t_prev,
            "previous_wall_s": float(np.median(wall["previous"])),
            "speedup_vs_previous": t_prev / t_scan,
            "max_rel_diff_chi2_vs_previous_below_30": agree,
            "naive_per_point_s": naive_point,
            "naive_extrapolated_s": naive_point * N * N,
            "speedup": naive_point * N * N / t_scan,
            "max_rel_diff_counts": diff,
            "delta_chi2_max": float(np.max(res.delta_chi2)),
        }
        results[f"zprime_{lar}"] = entry
        print(f"Likelihood benchmark 2: {entry['scan']}")
        print(f"  cc.scan       {t_scan:.2f} s CPU ({entry['wall_s']:.2f} s wall), median of "
              f"{args.repeat}")  # fmt: skip
        print(f"  previous      {t_prev:.2f} s CPU ({entry['previous_wall_s']:.2f} s wall): "
              f"kernels + profiles from 0 → {entry['speedup_vs_previous']:.1f}×; χ² agree to "
              f"{agree:.0e} where Δχ² < 30")  # fmt: skip
        minutes = entry["naive_extrapolated_s"] / 60
        print(f"  naive         {naive_point:.3g} s/point → {minutes:.1f} min for the grid: "
              f"{entry['speedup']:,.0f}× faster (counts agree to {diff:.1e})")  # fmt: skip
        if target is not None:
            good = t_scan < target and diff < 1e-6
            ok &= good
            print("  " + bench.check("< 10 s joint Z′ scan", good, f"{t_scan:.2f} s CPU"))
    for line in bench.machine_lines():
        print("  " + line)
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
