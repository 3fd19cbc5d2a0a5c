"""Tabulated nuclear structure: form factors F(q) or densities ρ(r) read from tables (PHYSICS §4.7).

A :class:`FormFactorTable` holds, for one isotope, the form factors of its distributions (protons,
neutrons, or the weak form factor) from a table of F against q, or from a table of densities ρ(r)
transformed once to F(q). It is what the ``"tabulated"`` form-factor model
(:mod:`.tabulated`) evaluates. Tables come from user files (:func:`load_form_factor_table`,
validated like every user file) or ship with the package (:func:`form_factor_table`, files in
``cevns_core/data/nuclear_structure/``, each citing its source).

The file format is :mod:`.table_format`'s.

Numerics (one implementation for user and shipped tables; details in :mod:`.table_numerics`):

* F is interpolated by a cubic spline in q² (F(0) = 1 and the slope dF/dq² = −⟨r²⟩/6 kept), and
  the rms radius of a form-factor table is √(−6 dF/dq²|₀) of the interpolant. A table with
  Δq = 0.05 fm⁻¹ reproduces a Helm F(q) of ¹³³Cs to 2×10⁻⁶ and its rms radius to 10⁻⁷.
* A density is transformed once to F(q) on a grid Δq = 0.01 fm⁻¹ up to min(10 fm⁻¹, π/Δr_max).
* Beyond the largest tabulated q the rule is ``beyond="error"`` (default: a CevnsError naming q
  and the table's range) or ``"last"`` (the last tabulated value is held). Nothing is
  extrapolated silently.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import as_file

import numpy as np
from numpy.typing import ArrayLike

from .._shipped import data_folder, shipped_names
from .._validation import (
    as_array,
    as_float,
    as_path,
    check_choice,
    read_text_file,
    write_text_file,
)
from ..errors import CevnsError
from ..nuclei import Isotope, isotope
from .numerics import FloatArray, _q, _r
from .table_format import (
    _F_COLUMNS,
    _Q_UNITS,
    _R_UNITS,
    _RHO_COLUMNS,
    MAX_TABLE_ROWS,
    MIN_TABLE_ROWS,
    _check_columns,
    _parse,
)
from .table_numerics import (
    F0_TOLERANCE,
    Curve,
    curve_from_density,
    curve_from_form_factor,
    density_moment,
)

__all__ = [
    "BEYOND_TABLE",
    "F0_TOLERANCE",
    "MAX_TABLE_BYTES",
    "MAX_TABLE_ROWS",
    "SCALE_RANGE",
    "FormFactorTable",
    "form_factor_table",
    "form_factor_tables",
    "load_form_factor_table",
]

#: Largest accepted table file, in bytes (5 MB).
MAX_TABLE_BYTES = 5_000_000
#: Rules beyond the largest tabulated q: raise, or hold the last tabulated value.
BEYOND_TABLE: tuple[str, ...] = ("error", "last")
#: The distributions a table can describe.
DISTRIBUTIONS: tuple[str, ...] = ("protons", "neutrons")

#: Range of the stretch factor of a table's distribution (rms radius ratio).
SCALE_RANGE = (1e-3, 1e3)


def _scale(scale: float) -> float:
    lo, hi = SCALE_RANGE
    return as_float(scale, "scale", minimum=lo, maximum=hi)


_SHIPPED_DIR = ("data", "nuclear_structure")


@dataclass(frozen=True, eq=False)
class FormFactorTable:
    """Form factors of one isotope from a table of F(q) or of densities ρ(r) (PHYSICS §4.7).

    Build one with :meth:`from_csv` (:func:`load_form_factor_table`), :meth:`from_arrays`, or
    get a shipped one with :func:`form_factor_table`. Evaluate with :meth:`form_factor`,
    :meth:`density` and :meth:`rms_radius_fm`; use it in rates through the ``"tabulated"``
    model (``form_factor="tabulated", form_factor_params={"table": table}`` or a
    :class:`~cevns_core.nuclear_model.NuclearModel`).

    Attributes
    ----------
    isotope : str
        Canonical isotope name, e.g. "Ar40".
    kind : {"form_factor", "density"}
        What the table holds.
    columns : tuple of str
        The value columns, e.g. ("F_p", "F_n") or ("rho_ch",).
    citation, label, source : str
        Where the numbers come from, a short name, and the file (or "arrays").

    Examples
    --------
    >>> t = FormFactorTable.from_arrays("Ar40", "q", [0.0, 0.1, 0.2, 0.3, 0.4],
    ...     {"F": [1.0, 0.98, 0.92, 0.83, 0.72]}, units="fm^-1", citation="example")
    >>> round(float(t.form_factor(0.0)), 12)
    1.0
    """

    isotope: str
    kind: str
    columns: tuple[str, ...]
    citation: str
    label: str
    source: str
    _curves: dict[str, Curve] = field(repr=False)

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def from_arrays(
        cls,
        iso: str | Isotope,
        axis: str,
        x: ArrayLike,
        values: dict[str, ArrayLike],
        *,
        units: str,
        citation: str,
        label: str = "",
        source: str = "arrays",
    ) -> FormFactorTable:
        """A table from arrays: ``axis`` "q" (F columns) or "r" (density columns), as in files.

        ``x`` holds q (in ``units`` fm^-1 or MeV) or r (fm); ``values`` maps column names
        (module docstring) to arrays of the same length. Validated like a file.
        """
        where = source if source != "arrays" else "table"
        try:
            nucleus = isotope(iso)
        except CevnsError as exc:
            raise CevnsError(f"{where}: isotope {iso!r}: {exc}") from None
        if not isinstance(citation, str) or not citation.strip():
            raise CevnsError(f"{where}: a table needs a citation (where its numbers come from)")
        check_choice(axis, "first column", ("q", "r"))
        unit_table = _Q_UNITS if axis == "q" else _R_UNITS
        if units not in unit_table:
            raise CevnsError(
                f"{where}: units {units!r} do not fit column {axis!r}; allowed: "
                f"{', '.join(unit_table)}"
            )
        if not isinstance(values, dict) or not values:
            raise CevnsError(f"{where}: no value columns after {axis!r}")
        _check_columns(axis, list(values), where)
        xs = as_array(x, axis, minimum=0.0) * unit_table[units]
        if xs.ndim != 1 or not MIN_TABLE_ROWS <= xs.size <= MAX_TABLE_ROWS:
            raise CevnsError(
                f"{where}: {axis} must be 1-D with {MIN_TABLE_ROWS} to {MAX_TABLE_ROWS} rows, "
                f"got shape {xs.shape}"
            )
        if xs[0] != 0.0:
            name = "q = 0 (F(0) = 1 is the normalisation)" if axis == "q" else "r = 0"
            raise CevnsError(f"{where}: the first row must be at {name}, got {axis} = {xs[0]:g}")
        steps = np.diff(xs)
        if np.any(steps <= 0.0):
            i = int(np.argmax(steps <= 0.0)) + 1
            raise CevnsError(
                f"{where}: {axis} must increase strictly (row {i + 1}: {xs[i]:g} after "
                f"{xs[i - 1]:g})"
            )
        curves: dict[str, Curve] = {}
        for column, raw in values.items():
            v = as_array(raw, f"{where}, column {column}")
            if v.shape != xs.shape:
                raise CevnsError(f"{where}: column {column} has shape {v.shape}, {axis} {xs.shape}")
            role = (_F_COLUMNS if axis == "q" else _RHO_COLUMNS)[column]
            build = curve_from_form_factor if axis == "q" else curve_from_density
            curves[role] = build(xs, v, f"{where}, column {column}")
        return cls(
            isotope=nucleus.name,
            kind="form_factor" if axis == "q" else "density",
            columns=tuple(values),
            citation=citation.strip(),
            label=label.strip() or nucleus.name,
            source=source,
            _curves=curves,
        )

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str]) -> FormFactorTable:
        """Read and validate a table file (format in the module docstring)."""
        p = as_path(path, "form-factor table (CSV)")
        text = read_text_file(p, what="form-factor table (CSV)", max_bytes=MAX_TABLE_BYTES)
        meta, axis, rows, header = _parse(text, p.name)
        data = np.array(rows)
        return cls.from_arrays(
            meta["isotope"],
            axis,
            data[:, 0],
            {c: data[:, j + 1] for j, c in enumerate(header[1:])},
            units=meta["units"],
            citation=meta["citation"],
            label=meta.get("label", "") or p.stem,
            source=p.name,
        )

    # -- what the table describes -------------------------------------------------------------
    @property
    def has_neutrons(self) -> bool:
        """True if the table gives a neutron distribution of its own (F_n or rho_n)."""
        return "neutrons" in self._curves

    @property
    def is_weak(self) -> bool:
        """True for a weak-form-factor table (F_W, used for protons and neutrons)."""
        return "weak" in self._curves

    def _curve(self, nucleons: str) -> Curve:
        check_choice(nucleons, "nucleons", DISTRIBUTIONS)
        for role in (nucleons, "both", "weak"):
            if role in self._curves:
                return self._curves[role]
        raise CevnsError(
            f"table {self.label!r} ({self.isotope}) has no {nucleons[:-1]} distribution "
            f"(columns: {', '.join(self.columns)})"
        )

    def q_max_fm(self, nucleons: str = "protons") -> float:
        """Largest q (fm⁻¹) where the table defines F."""
        return self._curve(nucleons).q_max

    # -- evaluation -----------------------------------------------------------------------------
    def form_factor(
        self,
        q_fm: ArrayLike,
        nucleons: str = "protons",
        *,
        beyond: str = "error",
        scale: float = 1.0,
    ) -> FloatArray:
        """F(q) of ``nucleons`` ("protons"/"neutrons"), optionally of the rescaled distribution.

        ``scale`` s stretches the distribution, ρ_s(r) = ρ(r/s)/s³, so F_s(q) = F(s q) and the
        rms radius is s times the table's. ``beyond`` ("error" or "last") rules q above the
        table (module docstring).
        """
        check_choice(beyond, "beyond", BEYOND_TABLE)
        scale = _scale(scale)
        curve = self._curve(nucleons)
        q = _q(q_fm) * scale
        above = q > curve.q_max
        if np.any(above) and beyond == "error":
            bad = float(q[above].flat[0]) / scale
            raise CevnsError(
                f"q = {bad:g} fm⁻¹ is beyond the table {self.label!r} ({self.isotope}), which "
                f"ends at q = {curve.q_max / scale:g} fm⁻¹"
                + (f" after rescaling by {scale:.4g}" if scale != 1.0 else "")
                + "; use a table reaching larger q or set beyond_table='last'"
            )
        qc = np.minimum(q, curve.q_max)
        return np.asarray(curve.spline(qc * qc), dtype=float)

    def density(self, r_fm: ArrayLike, nucleons: str = "protons", *, scale: float = 1.0):
        """ρ(r) in fm⁻³ normalised to 1 (density tables only), rescaled by ``scale``."""
        curve = self._curve(nucleons)
        if curve.density is None:
            raise CevnsError(
                f"table {self.label!r} gives form factors only; ρ(r) needs a density table"
            )
        r = _r(r_fm)
        scale = _scale(scale)
        return curve.density(r / scale) / scale**3

    def rms_radius_fm(self, nucleons: str = "protons") -> float:
        """rms radius in fm: from the density's ⟨r²⟩, or √(−6 dF/dq²|₀) of a form-factor table."""
        return self._curve(nucleons).rms_fm

    def moment(self, k: int, nucleons: str = "protons") -> float:
        """⟨r^k⟩ in fm^k (k = 2; k = 4, 6 for density tables only)."""
        k = int(check_choice(k, "k", (2, 4, 6)))
        curve = self._curve(nucleons)
        if k == 2:
            return curve.rms_fm**2
        if curve.density is None:
            raise CevnsError(
                f"table {self.label!r} gives form factors only: its slope at q = 0 fixes ⟨r²⟩, "
                f"not ⟨r^{k}⟩ (load a density table)"
            )
        return density_moment(curve.density, curve.r_max, k)

    def to_csv(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        """Write the table's grid (q in fm⁻¹, F normalised to 1) in the documented format.

        A new file unless ``overwrite=True``; never written through a symbolic link.
        """
        roles = {v: k for k, v in _F_COLUMNS.items() if k != "F_ch"}
        names = [roles[r] for r in self._curves]
        q = next(iter(self._curves.values())).q
        lines = [
            "# cevns-form-factor-table",
            f"# isotope: {self.isotope}",
            "# units: fm^-1",
            f"# citation: {self.citation}",
            f"# label: {self.label}",
            ",".join(["q", *names]),
        ]
        for i, qi in enumerate(q):
            values = (repr(float(c.F[i])) for c in self._curves.values())
            lines.append(",".join([repr(float(qi)), *values]))
        text = "\n".join(lines) + "\n"
        write_text_file(path, text, what="form-factor table (CSV)", overwrite=overwrite)


# ------------------------------------------------------------------------------------- files
@cache
def _read_cached(path: str, mtime_ns: int, size: int) -> FormFactorTable:
    return FormFactorTable.from_csv(path)


def load_form_factor_table(path: str | os.PathLike[str]) -> FormFactorTable:
    """Load and validate a form-factor or density table file (format: module docstring).

    A file is read again when it changed (path, modification time and size are the cache key).

    Raises
    ------
    CevnsError
        For a missing, oversized, non-UTF-8 or malformed file, naming the line and column.
    """
    try:
        p = as_path(path, "form-factor table (CSV)")
        st = p.stat()
        if not p.is_file():
            raise OSError("not a regular file")
    except (OSError, TypeError, ValueError):
        return FormFactorTable.from_csv(path)  # raises the CevnsError of read_text_file
    return _read_cached(str(p.resolve()), st.st_mtime_ns, st.st_size)


def _shipped_dir():
    return data_folder(*_SHIPPED_DIR[1:])


def form_factor_tables(iso: str | Isotope | None = None) -> list[str]:
    """Names of the shipped tables (``data/nuclear_structure/*.csv``), optionally for ``iso``."""
    names = list(shipped_names(".csv", *_SHIPPED_DIR[1:]))
    if iso is None:
        return names
    wanted = isotope(iso).name
    return [n for n in names if _shipped_isotope(n) == wanted]


@cache
def _shipped_isotope(name: str) -> str:
    # the metadata only: finding a nucleus' tables does not transform every shipped density
    text = _shipped_dir().joinpath(f"{name}.csv").read_text("utf-8")
    for line in text.splitlines():
        body = line.strip().lstrip("#").strip()
        if body.lower().startswith("isotope:"):
            return isotope(body.split(":", 1)[1].strip()).name
    raise CevnsError(f"shipped table {name!r} has no '# isotope:' line")


@cache
def _shipped(name: str) -> FormFactorTable:
    with as_file(_shipped_dir().joinpath(f"{name}.csv")) as path:  # a real file, even from a zip
        return FormFactorTable.from_csv(path)


def form_factor_table(name: str) -> FormFactorTable:
    """A shipped table by name (see :func:`form_factor_tables`; sources in data/SOURCES.md)."""
    check_choice(name, "shipped form-factor table", form_factor_tables())
    return _shipped(name)
