"""User-supplied spectra, from arrays or a CSV file (PHYSICS.md §5.5: tabulated input).

File format (``cevns-spectrum`` CSV, UTF-8, comma separated)::

    # normalisation: flux
    # units: cm^-2 s^-1 MeV^-1
    E_MeV,nu_e,nubar_mu
    0.5,1.2e10,0
    1.0,2.0e10,3.1e9

* Lines starting with ``#`` are comments; two of them are required metadata, ``# key: value``:
  ``normalisation`` — ``flux`` (per second) or ``fluence`` (time-integrated) — and ``units`` of the
  spectral columns, which must match it: ``cm^-2 s^-1 MeV^-1`` or ``cm^-2 s^-1 keV^-1`` (flux),
  ``cm^-2 MeV^-1`` or ``cm^-2 keV^-1`` (fluence). Blank lines are ignored.
* The first other line is the header: the energy column ``E_MeV`` or ``E_keV``, then one column per
  flavour named as in :data:`cevns_core.flavours.FLAVOURS` (no repeats).
* Data rows: finite, non-negative numbers; energies strictly increasing; at least 2 rows, at most
  100 000; the file at most 5 MB.

Any violation raises :class:`CevnsError` naming the line (and column). Between rows the spectrum is
interpolated linearly (or log-linearly in the value, ``interpolation="loglinear"``, falling back
to linear on intervals with a zero end); outside the table it is zero — never extrapolated.
Atmospheric fluxes (FLUKA, HKKM tables) are loaded this way: no table is shipped.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import param
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array, as_path, check_choice, read_text_file, write_text_file
from ..errors import CevnsError
from ..flavours import FLAVOURS
from ._common import ValidatedSource
from .base import NORMALISATIONS, Continuum, Line

__all__ = [
    "INTERPOLATIONS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MAX_SPECTRUM_VALUE",
    "MAX_ENERGY_MeV",
    "TabulatedSource",
    "read_spectrum_csv",
    "write_spectrum_csv",
]

Array = NDArray[np.float64]

#: Largest accepted file, in bytes (5 MB).
MAX_FILE_BYTES = 5_000_000
#: Largest number of data rows.
MAX_ROWS = 100_000
#: Interpolation rules between table rows.
INTERPOLATIONS: tuple[str, ...] = ("linear", "loglinear")

_UNITS = {
    "flux": {"cm^-2 s^-1 MeV^-1": 1.0, "cm^-2 s^-1 keV^-1": 1e3},
    "fluence": {"cm^-2 MeV^-1": 1.0, "cm^-2 keV^-1": 1e3},
}
_ENERGY_COLUMNS = {"E_MeV": 1.0, "E_keV": 1e-3}
_MAX_SEGMENTS = 256


def _parse_number(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CevnsError(f"{where}: {text.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise CevnsError(f"{where}: value {text.strip()!r} is not finite")
    return value


def read_spectrum_csv(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and validate a spectrum file; see the module docstring for the format.

    Returns
    -------
    dict
        ``E_MeV`` (array), ``spectra`` ({flavour: array in cm⁻² [s⁻¹] MeV⁻¹}),
        ``normalisation`` ("flux" or "fluence").
    """
    p = as_path(path, "spectrum (CSV)")
    text = read_text_file(p, what="spectrum (CSV)", max_bytes=MAX_FILE_BYTES)

    meta: dict[str, tuple[str, int]] = {}
    header: list[str] | None = None
    header_line = 0
    rows: list[list[float]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            body = stripped[1:].strip()
            if ":" in body:
                key, value = (s.strip() for s in body.split(":", 1))
                if key.lower() in ("normalisation", "normalization", "units"):
                    meta["normalisation" if key.lower() != "units" else "units"] = (
                        value,
                        lineno,
                    )
            continue
        where = f"{p.name}, line {lineno}"
        if header is None:
            header = [c.strip() for c in stripped.split(",")]
            header_line = lineno
            _check_header(header, where)
            continue
        cells = stripped.split(",")
        if len(cells) != len(header):
            raise CevnsError(
                f"{where}: {len(cells)} values, expected {len(header)} (columns "
                f"{', '.join(header)})"
            )
        if len(rows) >= MAX_ROWS:
            raise CevnsError(f"{p.name}: more than {MAX_ROWS} data rows")
        row = []
        for col, cell in zip(header, cells, strict=True):
            v = _parse_number(cell, f"{where}, column {col}")
            if v < 0:
                raise CevnsError(f"{where}, column {col}: negative value {v:g}")
            row.append(v)
        if rows and row[0] <= rows[-1][0]:
            raise CevnsError(
                f"{where}: energies must increase strictly ({row[0]:g} after {rows[-1][0]:g})"
            )
        rows.append(row)

    if "normalisation" not in meta:
        raise CevnsError(
            f"{p.name}: missing '# normalisation: flux' (or fluence) line before the data"
        )
    norm, ln = meta["normalisation"]
    norm = norm.lower()
    if norm not in NORMALISATIONS:
        raise CevnsError(
            f"{p.name}, line {ln}: normalisation {norm!r} unknown; choose flux or fluence"
        )
    if "units" not in meta:
        allowed = ", ".join(_UNITS[norm])
        raise CevnsError(f"{p.name}: missing '# units: ...' line (for {norm}: {allowed})")
    units, ln = meta["units"]
    units = " ".join(units.split())
    if units not in _UNITS[norm]:
        raise CevnsError(
            f"{p.name}, line {ln}: units {units!r} do not fit normalisation {norm!r}; "
            f"allowed: {', '.join(_UNITS[norm])}"
        )
    if header is None:
        raise CevnsError(f"{p.name}: no header line (e.g. 'E_MeV,nu_e') and no data")
    if len(rows) < 2:
        raise CevnsError(
            f"{p.name}: needs at least 2 data rows after the header (line {header_line}), "
            f"got {len(rows)}"
        )
    data = np.array(rows)
    e_scale = _ENERGY_COLUMNS[header[0]]
    y_scale = _UNITS[norm][units]
    return {
        "E_MeV": data[:, 0] * e_scale,
        "spectra": {f: data[:, j + 1] * y_scale for j, f in enumerate(header[1:])},
        "normalisation": norm,
    }


def _check_header(header: list[str], where: str) -> None:
    if header[0] not in _ENERGY_COLUMNS:
        raise CevnsError(
            f"{where}: first column must be the energy, E_MeV or E_keV; got {header[0]!r}"
        )
    flavours = header[1:]
    if not flavours:
        raise CevnsError(f"{where}: no flavour columns after {header[0]}")
    for col in flavours:
        if col not in FLAVOURS:
            raise CevnsError(
                f"{where}: unknown column {col!r}; flavour columns are {', '.join(FLAVOURS)}"
            )
    if len(set(flavours)) != len(flavours):
        raise CevnsError(f"{where}: a flavour column is repeated")


def write_spectrum_csv(
    path: str | os.PathLike[str],
    E_MeV: ArrayLike,
    spectra: dict[str, ArrayLike],
    normalisation: str,
    *,
    overwrite: bool = False,
) -> None:
    """Write spectra in the format read by :func:`read_spectrum_csv` (MeV units).

    An existing file is replaced only with ``overwrite=True``; a symbolic link is never written
    through (:func:`~cevns_core._validation.write_text_file`).
    """
    check_choice(normalisation, "normalisation", NORMALISATIONS)
    E, table = _check_arrays(E_MeV, spectra)
    units = next(iter(_UNITS[normalisation]))
    lines = [
        "# cevns-spectrum",
        f"# normalisation: {normalisation}",
        f"# units: {units}",
        ",".join(["E_MeV", *table]),
    ]
    for i, e in enumerate(E):
        lines.append(",".join([repr(float(e)), *(repr(float(v[i])) for v in table.values())]))
    write_text_file(path, "\n".join(lines) + "\n", what="spectrum (CSV)", overwrite=overwrite)


#: Largest tabulated energy (MeV) and spectrum value (cm⁻² MeV⁻¹ [s⁻¹]): the cross sections stop
#: at 1 TeV, and integrals of the table must stay within the float range.
MAX_ENERGY_MeV = 1e6
MAX_SPECTRUM_VALUE = 1e100


def _check_arrays(E_MeV: Any, spectra: Any) -> tuple[Array, dict[str, Array]]:
    if E_MeV is None or spectra is None:
        raise CevnsError("TabulatedSource needs E_MeV and spectra (or use from_csv)")
    E = as_array(E_MeV, "E_MeV", minimum=0.0, maximum=MAX_ENERGY_MeV)
    if E.ndim != 1 or not 2 <= E.size <= MAX_ROWS:
        raise CevnsError(f"E_MeV must be 1-D with 2 to {MAX_ROWS} values, got shape {E.shape}")
    if np.any(np.diff(E) <= 0):
        raise CevnsError("E_MeV must increase strictly")
    if not isinstance(spectra, dict) or not spectra:
        raise CevnsError("spectra must be a non-empty dict {flavour: values}")
    table = {}
    for flavour, values in spectra.items():
        check_choice(flavour, "flavour", FLAVOURS)
        v = as_array(values, f"spectra[{flavour!r}]", minimum=0.0, maximum=MAX_SPECTRUM_VALUE)
        if v.shape != E.shape:
            raise CevnsError(f"spectra[{flavour!r}] has shape {v.shape}, E_MeV has shape {E.shape}")
        table[flavour] = v
    return E, table


class TabulatedSource(ValidatedSource):
    """A spectrum given as a table per flavour (linear or log-linear interpolation, zero outside).

    Examples
    --------
    >>> src = TabulatedSource(E_MeV=[1.0, 3.0], spectra={"nu_e": [2.0, 2.0]},
    ...                       normalisation="fluence")
    >>> src.integrated("nu_e")
    4.0
    """

    title: ClassVar[str] = "Tabulated spectrum"

    E_MeV = param.Array(default=None, allow_None=True, doc="Table energies in MeV, increasing.")
    spectra = param.Dict(
        default=None,
        allow_None=True,
        doc="{flavour: dΦ/dE at E_MeV} in cm⁻² s⁻¹ MeV⁻¹ (flux) or cm⁻² MeV⁻¹ (fluence).",
    )
    interpolation = param.Selector(
        default="linear",
        objects=list(INTERPOLATIONS),
        doc="'linear' in E and value, or 'loglinear' (log of the value linear in E).",
    )
    label = param.String(default="tabulated", doc="Name shown for this source.")

    def __init__(self, **params: Any) -> None:
        if params.get("E_MeV") is not None:
            params["E_MeV"] = as_array(params["E_MeV"], "E_MeV")
        super().__init__(**params)

    def _check(self) -> None:
        _check_arrays(self.E_MeV, self.spectra)

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str], **params: Any) -> TabulatedSource:
        """Load a validated spectrum file (format in the module docstring)."""
        data = read_spectrum_csv(path)
        params.setdefault("label", Path(path).stem)
        return cls(
            E_MeV=data["E_MeV"],
            spectra=data["spectra"],
            normalisation=data["normalisation"],
            **params,
        )

    def to_csv(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        """Write this table in the documented CSV format (a new file unless ``overwrite``;
        never through a symbolic link)."""
        write_spectrum_csv(path, self.E_MeV, self.spectra, self.normalisation, overwrite=overwrite)

    def components(self) -> tuple[Continuum | Line, ...]:
        """One continuum per flavour column."""
        E, table = _check_arrays(self.E_MeV, self.spectra)
        step = max(1, math.ceil((E.size - 1) / _MAX_SEGMENTS))
        breaks = tuple(float(x) for x in E[1:-1:step])
        return tuple(
            Continuum(
                flavour,
                float(E[0]),
                float(E[-1]),
                _table_density(E, v, self.interpolation),
                breakpoints=breaks,
                label=f"{self.label} ({flavour})",
            )
            for flavour, v in table.items()
        )


def _table_density(E: Array, v: Array, interpolation: str):
    lo, hi = float(E[0]), float(E[-1])
    if interpolation == "linear":

        def density(x: Array) -> Array:
            return np.interp(x, E, v, left=0.0, right=0.0)

        return density

    positive = v > 0
    logv = np.log(np.where(positive, v, 1.0))

    def density_log(x: Array) -> Array:
        x = np.asarray(x, dtype=float)
        i = np.clip(np.searchsorted(E, x, side="right") - 1, 0, E.size - 2)
        e0, e1 = E[i], E[i + 1]
        t = (x - e0) / (e1 - e0)
        both = positive[i] & positive[i + 1]
        log_part = np.exp(logv[i] + t * (logv[i + 1] - logv[i]))
        lin_part = v[i] + t * (v[i + 1] - v[i])
        out = np.where(both, log_part, lin_part)
        return np.where((x >= lo) & (x <= hi), out, 0.0)

    return density_log
