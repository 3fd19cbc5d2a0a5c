"""Run every benchmark (``benchmarks/bench_*.py``) and summarise the targets.

Usage: ``python benchmarks/run_all.py [--only NAME ...] [--skip NAME ...]`` (names without
``bench_`` and ``.py``, e.g. ``--only spectrum counts``). Each benchmark runs in its own process
with this interpreter (one BLAS thread, see ``_machine.py``); its output is shown as it comes,
then a summary lists every ``target …: PASS|MISS`` line and each file's exit status and time.
Exit status 1 when a benchmark failed or missed a target.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _name(path: Path) -> str:
    return path.stem.removeprefix("bench_")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, help="benchmarks to run")
    parser.add_argument("--skip", nargs="*", default=[], help="benchmarks to leave out")
    args = parser.parse_args(argv)

    files = sorted(HERE.glob("bench_*.py"))
    known = {_name(f) for f in files}
    for name in args.only or []:  # an unknown --skip name is simply absent
        if name not in known:
            parser.error(f"unknown benchmark {name!r}; known: {', '.join(sorted(known))}")
    if args.only is not None:
        files = [f for f in files if _name(f) in args.only]
    files = [f for f in files if _name(f) not in args.skip]

    summary = []
    targets = []
    for path in files:
        print(f"== {path.relative_to(HERE.parent)}", flush=True)
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=HERE.parent,
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            if line.strip().startswith("target "):
                targets.append(f"{_name(path)}: {line.strip()[len('target ') :]}")
        code = proc.wait()
        summary.append((_name(path), code, time.perf_counter() - t0))
        print(flush=True)

    print("== summary")
    for line in targets:
        print(f"  {line}")
    for name, code, seconds in summary:
        print(f"  {name:16s} exit {code}  {seconds:6.1f} s")
    failed = any(code != 0 for _, code, _ in summary) or any(": MISS" in t for t in targets)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
