"""Benchmark: when a Dask cluster speeds a scan up (the crossover grid size).

Run with ``python benchmarks/bench_dask.py`` (or ``python benchmarks/run_all.py``); pytest does
not collect it.

A ``distributed.LocalCluster`` with two process workers (one thread each) against the local
backend, for two scans whose points cost real work:

* the joint CsI 2021 + LAr 2020 (3-D) Z′ likelihood scan (Poisson profiles of 12 nuisances per
  point, warm-started row by row), N × N for growing N;
* the generic path (one NewPhysics and the rate engine per point) of the CsI 2017 Z′ scan.

Each size runs local and on the cluster in turn (ratios from one run). Reported: wall and CPU
time of both (the workers' CPU time read on the workers), the cluster's fixed cost per scan
(sending the plan, scheduling: the cluster's wall time on a one-point grid), and the crossover:
the smallest size where the cluster is faster in wall time here, and the one expected with two
idle cores, where overhead + (workers' CPU)/2 < local CPU. On a machine where other people keep
the cores busy the measured crossover comes later than the expected one, or not at all: a
cluster helps only with idle cores (or other machines).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import _machine as bench  # before numpy: one BLAS thread; puts the project on sys.path
import numpy as np

import cevns_core as cc

WORKERS = 2


def _run(fn) -> tuple[float, float, object]:
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return time.perf_counter() - w0, time.process_time() - c0, out


def _workers_cpu(client) -> float:
    return float(sum(client.run(time.process_time).values()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 20, 40, 70, 100])
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        print("Dask benchmark: distributed is not installed (pip install 'cevns-workbench[dask]')")
        return 0
    lik = cc.Likelihood(["coherent_csi_2021", "coherent_lar_2020_3d"])
    csi = cc.experiment("coherent_csi_2017")
    scans = {
        "joint likelihood Z′ (CsI 2021 + LAr 2020 3-D)": lambda n, **kw: cc.scan(
            None,
            "zprime",
            data=lik,
            coupling=np.logspace(-6, -3, n),
            mass_MeV=np.logspace(0, 4, n),
            keep="chi2",
            **kw,
        ),
        "generic path Z′ (CsI 2017)": lambda n, **kw: cc.scan(
            csi,
            "zprime",
            coupling=np.geomspace(1e-5, 1e-2, n),
            mass_MeV=np.geomspace(1.0, 1e4, max(1, n // 4)),
            method="generic",
            keep="chi2",
            **kw,
        ),
    }
    results: dict = {"machine": bench.machine(), "workers": WORKERS, "scans": {}}
    with (
        LocalCluster(
            n_workers=WORKERS,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        for label, run in scans.items():
            run(2)
            run(2, client=client)  # workers import the package once
            # fixed cost of a cluster scan: a one-point grid
            overhead = min(_run(lambda run=run: run(1, client=client))[0] for _ in range(3))
            rows = []
            print(f"Dask benchmark: {label}, {WORKERS} process workers vs local")
            for n in args.sizes:
                wl, cl, res_l = _run(lambda n=n, run=run: run(n))
                before = _workers_cpu(client)
                wd, cd, res_d = _run(lambda n=n, run=run: run(n, client=client))
                cw = _workers_cpu(client) - before
                points = res_l.chi2.size
                near = res_l.delta_chi2 < 30
                same = float(
                    np.max(
                        np.abs(res_d.chi2[near] - res_l.chi2[near])
                        / np.maximum(1.0, res_l.chi2[near])
                    )
                )
                idle = overhead + cw / WORKERS
                rows.append(
                    {"n": n, "points": points, "local_wall_s": wl, "local_cpu_s": cl,
                     "dask_wall_s": wd, "dask_client_cpu_s": cd, "dask_workers_cpu_s": cw,
                     "dask_expected_idle_s": idle, "chunks": res_d.info["chunks"],
                     "max_rel_diff_chi2": same}
                )  # fmt: skip
                print(f"  {points:6d} points: local {wl:6.2f} s wall, {cl:6.2f} s CPU; dask "
                      f"{wd:6.2f} s wall, workers {cw:6.2f} s CPU ({res_d.info['chunks']} chunks);"
                      f" idle cores ≈ {idle:6.2f} s → {cl / idle:4.2f}× (χ² agree to {same:.0e}"
                      " where Δχ² < 30)")  # fmt: skip
            measured = next(
                (r["points"] for r in rows if r["dask_wall_s"] < r["local_wall_s"]), None
            )
            expected = next(
                (r["points"] for r in rows if r["dask_expected_idle_s"] < r["local_cpu_s"]), None
            )
            results["scans"][label] = {
                "rows": rows,
                "overhead_s": overhead,
                "crossover_points_expected_idle": expected,
                "crossover_points_measured": measured,
            }
            print(f"  cluster overhead per scan ≈ {overhead:.2f} s; crossover with {WORKERS} idle "
                  f"cores: {'from ' + str(expected) + ' points' if expected else 'beyond'}; "
                  f"measured here: {'from ' + str(measured) + ' points' if measured else 'none'}"
                  )  # fmt: skip
    for line in bench.machine_lines():
        print("  " + line)
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
