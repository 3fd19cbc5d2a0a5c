"""The ``cevns-form-factor-table`` CSV format of tabulated nuclear structure, and its parser
(PHYSICS §4.7; the tables themselves: :mod:`.tables`).

File format (``cevns-form-factor-table`` CSV, UTF-8, a leading byte-order mark is ignored)::

    # isotope: Ar40
    # units: fm^-1
    # citation: author, journal, year (where the numbers come from)
    # label: short name for legends (optional; default: the file name)
    q,F_p,F_n
    0.0,1.0,1.0
    0.05,0.99512,0.99471
    ...

* ``# key: value`` lines before the header give the metadata; ``isotope``, ``units`` and
  ``citation`` are required. Other ``#`` lines are comments; blank lines are ignored.
* Form-factor tables: first column ``q`` with ``# units: fm^-1`` (or ``1/fm``) or ``MeV``; then
  ``F`` (protons and neutrons alike), ``F_p`` or ``F_ch`` (charge form factor, used for the
  protons, the package's R_p = R_ch convention of PHYSICS §4.6), optionally with ``F_n``; or
  ``F_W`` alone (the weak form factor, used for protons and neutrons: exact for the Standard-Model
  cross section, whose charge is then (Z g_V^p + N g_V^n) F_W). The first row is q = 0; F(0) must
  be 1 within :data:`F0_TOLERANCE` (the table is divided by its F(0)); |F| ≤ F(0) everywhere (a
  non-negative density never gives more).
* Density tables: first column ``r`` with ``# units: fm``; then ``rho``, ``rho_p`` or ``rho_ch``,
  optionally with ``rho_n``, in fm⁻³ with any normalisation (each is normalised to ∫ρ d³r = 1).
  The first row is r = 0, ρ ≥ 0 up to rounding (−10⁻³ of the maximum) and ρ at the last radius at
  most 10⁻³ of the maximum (a truncated density is refused).
* Rows: finite numbers, the first column strictly increasing; 4 to :data:`MAX_TABLE_ROWS` rows;
  the file at most :data:`MAX_TABLE_BYTES` bytes.

Any violation raises :class:`CevnsError` naming the file, line and column.
"""

from __future__ import annotations

import math

from ..errors import CevnsError
from ..units import HBARC_MeV_fm

__all__ = ["MAX_TABLE_ROWS", "MIN_TABLE_ROWS"]

#: Largest number of data rows of a table.
MAX_TABLE_ROWS = 100_000
#: Smallest number of data rows (a cubic spline and the slope at q = 0 need a few points).
MIN_TABLE_ROWS = 4

_Q_UNITS = {"fm^-1": 1.0, "1/fm": 1.0, "MeV": 1.0 / HBARC_MeV_fm}
_R_UNITS = {"fm": 1.0}
# column → role: "both" describes protons and neutrons alike, "weak" is F_W (used for both)
_F_COLUMNS = {"F": "both", "F_p": "protons", "F_ch": "protons", "F_n": "neutrons", "F_W": "weak"}
_RHO_COLUMNS = {"rho": "both", "rho_p": "protons", "rho_ch": "protons", "rho_n": "neutrons"}
_ALLOWED_SETS = (
    {"F"},
    {"F_p"},
    {"F_ch"},
    {"F_p", "F_n"},
    {"F_ch", "F_n"},
    {"F_W"},
    {"rho"},
    {"rho_p"},
    {"rho_ch"},
    {"rho_p", "rho_n"},
    {"rho_ch", "rho_n"},
)


def _number(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CevnsError(f"{where}: {text.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise CevnsError(f"{where}: value {text.strip()!r} is not finite")
    return value


def _parse(text: str, name: str) -> tuple[dict[str, str], str, list[list[float]], list[str]]:
    text = text.removeprefix("\ufeff")  # spreadsheets write a UTF-8 byte-order mark
    meta: dict[str, str] = {}
    header: list[str] | None = None
    rows: list[list[float]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        where = f"{name}, line {lineno}"
        if not stripped:
            continue
        if stripped.startswith("#"):
            body = stripped[1:].strip()
            if header is None and ":" in body:
                key, value = (s.strip() for s in body.split(":", 1))
                if key.lower() in ("isotope", "units", "citation", "label"):
                    meta[key.lower()] = " ".join(value.split())
            continue
        cells = [c.strip() for c in stripped.split(",")]
        if header is None:
            header = cells
            if header[0] not in ("q", "r"):
                raise CevnsError(
                    f"{where}: the first column must be q (form factors) or r (densities), "
                    f"got {header[0]!r}"
                )
            _check_columns(header[0], header[1:], where)
            continue
        if len(cells) != len(header):
            raise CevnsError(
                f"{where}: {len(cells)} values, expected {len(header)} ({', '.join(header)})"
            )
        if len(rows) >= MAX_TABLE_ROWS:
            raise CevnsError(f"{name}: more than {MAX_TABLE_ROWS} data rows")
        rows.append(
            [_number(c, f"{where}, column {h}") for h, c in zip(header, cells, strict=True)]
        )
    for key, example in (
        ("isotope", "# isotope: Ar40"),
        ("units", "# units: fm^-1 (q in fm⁻¹), MeV (q in MeV) or fm (r)"),
        ("citation", "# citation: where the numbers come from"),
    ):
        if not meta.get(key):
            raise CevnsError(f"{name}: missing metadata line '{example}' before the header")
    if header is None:
        raise CevnsError(f"{name}: no header line (e.g. 'q,F_p,F_n' or 'r,rho') and no data")
    if len(rows) < MIN_TABLE_ROWS:
        raise CevnsError(f"{name}: needs at least {MIN_TABLE_ROWS} data rows, got {len(rows)}")
    return meta, header[0], rows, header


def _check_columns(axis: str, columns: list[str], where: str) -> None:
    known = _F_COLUMNS if axis == "q" else _RHO_COLUMNS
    for c in columns:
        if c not in known:
            raise CevnsError(
                f"{where}: unknown column {c!r} after {axis!r}; allowed: {', '.join(known)}"
            )
    if len(set(columns)) != len(columns) or set(columns) not in _ALLOWED_SETS:
        sets = [" + ".join(sorted(s)) for s in _ALLOWED_SETS if next(iter(s)) in known]
        raise CevnsError(
            f"{where}: columns {', '.join(columns)} do not describe one nucleus; allowed sets: "
            f"{'; '.join(sets)}"
        )
