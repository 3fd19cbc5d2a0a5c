"""Write the package's shell-model form-factor tables of Cs, I and Xe (Hoferichter et al. 2020).

A maintainer's tool, run once when the tables change, never at run time. Hoferichter, Menéndez &
Schwenk, Phys. Rev. D 102, 074018 (2020), arXiv:2007.08529 (open access, CC BY 4.0) give their
large-scale shell-model vector (Standard-Model "M") responses of the CEvNS target nuclei as

    F_±^M(u) = exp(−u/2) Σ_k c_k u^k,   u = q² b² / 2,

with b the harmonic-oscillator length of each nucleus, F_+^M = F_p + F_n (c_0 = A) and
F_−^M = F_p − F_n (c_0 = Z − N). The coefficients below are the paper's fit coefficients of
¹³³Cs, ¹²⁷I and ¹²⁸⁻¹³⁶Xe as transcribed in the public repository pblancomas/Xenon (``FFM.c``,
commit 7b287b5); only the numbers are taken. They pass the checks of
``tests/core/form_factors/test_shell_model_tables.py`` (b from ħω = 45 A^{−1/3} − 25 A^{−2/3} MeV,
c_0 = A and Z − N, harmonic-oscillator orbit occupations from c_1, point-proton radii against the
measured charge radii).

Each table holds the normalised point-nucleon form factors F_p = (F_+ + F_−)/(2Z) and
F_n = (F_+ − F_−)/(2N) on q = 0–5 fm⁻¹ every 0.02 fm⁻¹ (the harmonic-oscillator form is exact at
every q, so the grid is not an extrapolation); the coefficients are repeated in the file's header.

Usage::

    python tools/build_shell_model_tables.py [--check]

``--check`` compares the generated text with the files in the package (exit 1 on a difference).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

OUT_DIR = Path(__file__).resolve().parents[1] / "cevns_core" / "data" / "nuclear_structure"

CITATION = (
    "M. Hoferichter, J. Menendez, A. Schwenk, Phys. Rev. D 102 (2020) 074018, arXiv:2007.08529 "
    "(large-scale shell model; fit coefficients of the M responses F_+^M, F_-^M)"
)

# isotope → (Z, N, b in fm, c_k of F_+^M, c_k of F_−^M), k = 0..5
_XE_A = (128, 129, 130, 131, 132, 134, 136)
_XE_B = (2.2847, 2.2873, 2.2899, 2.2925, 2.2950, 2.3001, 2.3051)
_XE_PLUS = (
    (-126.455, 35.82, -3.66991, 0.125062, -5.63731e-04),
    (-128.09, 36.4367, -3.75317, 0.129553, -6.55816e-04),
    (-129.753, 37.2381, -3.82921, 0.139778, -9.30032e-04),
    (-131.26, 37.8232, -3.97171, 0.142995, -9.12955e-04),
    (-132.835, 38.4665, -4.06999, 0.149636, -1.11463e-03),
    (-135.861, 39.6872, -4.24713, 0.159053, -1.25724e-03),
    (-138.787, 40.9048, -4.41984, 0.165388, -1.09211e-03),
)
_XE_MINUS = (
    (29.0588, -11.7104, 1.68447, -0.0820044, 6.65781e-04),
    (30.6854, -12.3687, 1.77928, -0.0868754, 7.39474e-04),
    (32.2019, -13.1152, 1.90775, -0.0948184, 8.47975e-04),
    (33.7021, -13.7433, 2.00031, -0.0991364, 8.60686e-04),
    (35.253, -14.4437, 2.11305, -0.105689, 9.61344e-04),
    (38.2701, -15.773, 2.32061, -0.116557, 1.06693e-03),
    (41.2081, -17.0848, 2.52635, -0.12686, 1.10965e-03),
)

COEFFICIENTS: dict[str, tuple[int, int, float, tuple[float, ...], tuple[float, ...]]] = {
    "Cs133": (
        55,
        78,
        2.2976,
        (133.0, -134.2, 38.9577, -4.12938, 0.151119, -1.03353e-03),
        (-23.0, 33.9495, -13.9502, 2.04567, -0.102733, 9.44352e-04),
    ),
    "I127": (
        53,
        74,
        2.2821,
        (127.0, -125.164, 35.3993, -3.62687, 0.125083, -6.70162e-04),
        (-21.0, 30.4307, -12.321, 1.78131, -0.0870947, 6.97815e-04),
    ),
}
for _A, _b, _p, _m in zip(_XE_A, _XE_B, _XE_PLUS, _XE_MINUS, strict=True):
    COEFFICIENTS[f"Xe{_A}"] = (54, _A - 54, _b, (float(_A), *_p), (float(108 - _A), *_m))

Q_STEP_FM = 0.02
Q_MAX_FM = 5.0


def file_name(iso: str) -> str:
    """The shipped table's file name of ``iso``."""
    return f"{iso.lower()}_shell_model_hms2020.csv"


def _series(c: tuple[float, ...], u: np.ndarray) -> np.ndarray:
    return np.exp(-u / 2.0) * np.polynomial.polynomial.polyval(u, c)


def table_text(iso: str) -> str:
    """The CSV text of ``iso``'s table (package format, cevns_core.form_factors.table_format)."""
    Z, N, b, plus, minus = COEFFICIENTS[iso]
    q = np.round(np.arange(0.0, Q_MAX_FM + Q_STEP_FM / 2, Q_STEP_FM), 10)
    u = q**2 * b**2 / 2.0
    fp = (_series(plus, u) + _series(minus, u)) / (2.0 * Z)
    fn = (_series(plus, u) - _series(minus, u)) / (2.0 * N)
    fmt = ", ".join
    lines = [
        "# cevns-form-factor-table",
        f"# isotope: {iso}",
        "# units: fm^-1",
        f"# citation: {CITATION}",
        f"# label: {iso} shell model (Hoferichter et al. 2020)",
        "# Point-proton and point-neutron form factors F_p, F_n (normalised to 1 at q = 0) of the",
        "# large-scale shell-model calculation, evaluated from the paper's harmonic-oscillator fit",
        "# F_(+/-)^M(u) = exp(-u/2) sum_k c_k u^k, u = q^2 b^2 / 2, F_p = (F_+ + F_-)/(2Z),",
        "# F_n = (F_+ - F_-)/(2N). Numbers transcribed in github.com/pblancomas/Xenon (FFM.c,",
        "# commit 7b287b5), checked in tests/core/form_factors/test_shell_model_tables.py.",
        f"# b_fm = {b}",
        f"# c_plus = {fmt(repr(c) for c in plus)}",
        f"# c_minus = {fmt(repr(c) for c in minus)}",
        "# Written by tools/build_shell_model_tables.py.",
        "q,F_p,F_n",
    ]
    lines += [f"{qi:.2f},{a:.9e},{c:.9e}" for qi, a, c in zip(q, fp, fn, strict=True)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped files")
    args = parser.parse_args(argv)
    status = 0
    for iso in COEFFICIENTS:
        path = OUT_DIR / file_name(iso)
        text = table_text(iso)
        if args.check:
            if not path.is_file() or path.read_text("utf-8") != text:
                print(f"differs: {path.name}")
                status = 1
        else:
            path.write_text(text, "utf-8")
            print(f"wrote {path.name}")
    return status


if __name__ == "__main__":
    sys.exit(main())
