"""Before/after: the spectrum and every preset's counts timed on two source trees in one run.

Usage::

    git archive <commit> | tar -x -C /tmp/before      # or: git worktree add /tmp/before <commit>
    python benchmarks/compare_revisions.py /tmp/before [--rounds 5] [--json FILE]

Each round runs one worker process per tree, alternately (before, after, before, after, …), so
both see the same drift of a shared machine's load; every figure is the median over the rounds
of each worker's median. A worker imports ``cevns_core`` from its tree and times, with the API
both revisions have: the CsI 2017 recoil spectrum on 100 and on 10 points (the same call
repeated), the bare-numpy floor of ``_naive.py`` (to give the spectrum's ratio to it in the
same process), and for every preset ``counts()`` repeated ("warm") and after a new
Standard-Model sin²θ_W ("physics changed"); a revision with kernel caches is also timed with
them emptied before every call ("uncached", compared with the other revision's plain call).
Wall clock and the thread's CPU time are recorded.
Not run by ``run_all.py`` (it needs the other tree).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _worker(tree: Path, repeat: int) -> dict:
    sys.path.insert(0, str(HERE))
    import _machine as bench  # one BLAS thread; puts this tree on sys.path: the other goes first

    sys.path.insert(0, str(tree))
    import numpy as np
    from _naive import bare_numpy_floor

    import cevns_core as cc
    from cevns_core.nuclei import isotope

    if not Path(cc.__file__).resolve().is_relative_to(tree):
        raise RuntimeError(f"imported {cc.__file__}, not the package of {tree}")
    try:  # a revision with kernel caches: also time it with them emptied before every call
        from cevns_core.caching import clear_caches
    except ImportError:
        clear_caches = None
    out: dict = {}
    exp = cc.experiment("coherent_csi_2017")
    top = exp.max_recoil_keV()
    edges = np.linspace(0.0, top, 101)
    T = 0.5 * (edges[:-1] + edges[1:])
    T_small = np.linspace(0.0, top, 11)[1:] - 0.05 * top
    masses = [isotope(n).mass_MeV for n in exp.detector.targets()]
    phi = exp.source.line_intensity()
    t = bench.time_interleaved(
        {
            "spectrum_100": lambda: exp.recoil_spectrum(T),
            "floor": lambda: bare_numpy_floor(T, masses, phi),
            "spectrum_10": lambda: exp.recoil_spectrum(T_small),
        },
        repeat=repeat,
        number=20,
    )
    for key, timing in t.items():
        out[key] = (timing.median, timing.cpu_median)
    if clear_caches is not None:

        def uncached_spectrum() -> None:
            clear_caches()
            exp.recoil_spectrum(T)

        t = bench.time_interleaved({"u": uncached_spectrum}, repeat=repeat, number=5)
        out["uncached spectrum_100"] = (t["u"].median, t["u"].cpu_median)
    sin2 = iter(0.2386 + 1e-7 * np.arange(1, 10**6))
    for name in cc.experiment_names():
        e = cc.experiment(name)

        def changed(e=e) -> None:
            e.physics = cc.StandardModel(sin2_theta_W=next(sin2))
            e.counts()

        fns = {"warm": lambda e=e: e.counts(), "physics": changed}
        if clear_caches is not None:

            def uncached(e=e) -> None:
                clear_caches()
                e.counts()

            fns["uncached"] = uncached
        t = bench.time_interleaved(fns, repeat=max(3, repeat // 3))
        out[f"counts {name}"] = (t["warm"].median, t["warm"].cpu_median)
        out[f"physics {name}"] = (t["physics"].median, t["physics"].cpu_median)
        if "uncached" in t:
            out[f"uncached {name}"] = (t["uncached"].median, t["uncached"].cpu_median)
    out["load"] = os.getloadavg()
    return out


def _run(tree: Path, repeat: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree))
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", str(tree)]
    proc = subprocess.run(
        [*command, "--repeat", str(repeat)],
        env=env,
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, nargs="?", help="source tree of the other revision")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--worker", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        print(json.dumps(_worker(args.worker.resolve(), args.repeat)))
        return 0
    if args.before is None:
        parser.error("give the source tree of the other revision")
    trees = {"before": args.before.resolve(), "after": HERE.parent}
    runs: dict[str, list[dict]] = {"before": [], "after": []}
    loads = []
    for k in range(args.rounds):
        for label, tree in trees.items():
            runs[label].append(_run(tree, args.repeat))
            loads.append(runs[label][-1].pop("load"))
        print(f"round {k + 1}/{args.rounds} done, load {loads[-1]}", flush=True)

    def med(label: str, key: str, cpu: bool = False) -> float:
        if key not in runs[label][0]:  # no caches before: every call was an uncached one
            key = key.replace("uncached spectrum_100", "spectrum_100").replace("uncached", "counts")
        return statistics.median(r[key][1 if cpu else 0] for r in runs[label])

    def known(key: str) -> bool:
        try:
            med("before", key)
        except KeyError:  # a preset added since the other revision: nothing to compare
            return False
        return True

    keys = [key for key in runs["after"][0] if known(key)]
    skipped = sorted({k.split(" ", 1)[-1] for k in runs["after"][0] if not known(k)})
    if skipped:
        print(f"only in this revision (not compared): {', '.join(skipped)}")
    print(f"\n{'figure':36s} {'before':>10s} {'after':>10s} {'speed-up':>9s}   CPU before/after")
    table = {}
    for key in keys:
        b, a = med("before", key), med("after", key)
        bc, ac = med("before", key, True), med("after", key, True)
        table[key] = {"before_s": b, "after_s": a, "before_cpu_s": bc, "after_cpu_s": ac}
        print(
            f"{key:36s} {b * 1e3:8.3f} ms {a * 1e3:8.3f} ms {b / a:8.1f}×   "
            f"{bc * 1e3:.3f} / {ac * 1e3:.3f} ms"
        )
    for label in ("before", "after"):
        ratios = [r["spectrum_100"][0] / r["floor"][0] for r in runs[label]]
        print(f"spectrum_100 / floor, {label}: {statistics.median(ratios):.2f} (median of rounds)")
    load = [statistics.mean(x[0] for x in loads)]
    print(
        f"1-min load during the run: mean {load[0]:.1f}, range {min(x[0] for x in loads):.1f}–"
        f"{max(x[0] for x in loads):.1f}"
    )
    if args.json is not None:
        args.json.write_text(json.dumps({"figures": table, "loads": loads}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
