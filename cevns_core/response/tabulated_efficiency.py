"""Tabulated efficiencies: the user's CSV tables, the shipped tables, linear interpolation.

Outside a table an explicit policy applies (``"zero"``, ``"hold"`` or ``"error"``): nothing is
extrapolated silently. User files are validated (units line, header, finite values, size limits).
"""

from __future__ import annotations

import math
import os
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import param

from .._validation import as_array, check_choice, read_text_file
from ..errors import CevnsError
from .base import OBSERVABLES, Array
from .efficiency import EfficiencyModel

__all__ = [
    "MAX_EFFICIENCY_FILE_BYTES",
    "MAX_EFFICIENCY_ROWS",
    "TabulatedEfficiency",
    "efficiency_table",
    "read_efficiency_csv",
]


_OUTSIDE = ("zero", "hold", "error")
#: Largest efficiency file :func:`read_efficiency_csv` accepts, in bytes (1 MB).
MAX_EFFICIENCY_FILE_BYTES = 1_000_000
#: Largest number of rows of an efficiency table (file or arrays).
MAX_EFFICIENCY_ROWS = 100_000


def read_efficiency_csv(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and validate a user efficiency table (CSV, UTF-8).

    Format::

        # units: PE
        x,efficiency
        0,0
        5,0.5
        20,0.9

    * ``# units: <observable>`` is required: the unit of the x column, one of
      :data:`OBSERVABLES` (``keVnr``, ``keVee``, ``PE``). Other ``#`` lines are comments; blank
      lines are ignored.
    * The header is ``x,efficiency``; every data row holds two finite numbers, x strictly
      increasing and the efficiency in [0, 1]; 2 to :data:`MAX_EFFICIENCY_ROWS` rows; the file
      at most :data:`MAX_EFFICIENCY_FILE_BYTES` bytes.

    Returns
    -------
    dict
        ``x`` and ``efficiency`` (arrays) and ``observable`` (the unit of x).

    Raises
    ------
    CevnsError
        For any violation, naming the file and line.
    """
    name = Path(path).name if isinstance(path, str | os.PathLike) else str(path)
    text = read_text_file(path, what="efficiency table (CSV)", max_bytes=MAX_EFFICIENCY_FILE_BYTES)
    unit: str | None = None
    header_seen = False
    xs: list[float] = []
    ys: list[float] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        where = f"{name}, line {lineno}"
        if not stripped:
            continue
        if stripped.startswith("#"):
            body = stripped[1:].strip()
            if ":" in body:
                key, value = (part.strip() for part in body.split(":", 1))
                if key.lower() == "units":
                    if value not in OBSERVABLES:
                        raise CevnsError(
                            f"{where}: units {value!r} unknown; the x column must be in one of "
                            f"{', '.join(OBSERVABLES)}"
                        )
                    unit = value
            continue
        cells = [c.strip() for c in stripped.split(",")]
        if not header_seen:
            if [c.lower() for c in cells] != ["x", "efficiency"]:
                raise CevnsError(f"{where}: the header must be 'x,efficiency', got {stripped!r}")
            header_seen = True
            continue
        if len(cells) != 2:
            raise CevnsError(f"{where}: {len(cells)} values, expected 2 (x, efficiency)")
        if len(xs) >= MAX_EFFICIENCY_ROWS:
            raise CevnsError(f"{name}: more than {MAX_EFFICIENCY_ROWS} data rows")
        x = _table_number(cells[0], f"{where}, column x")
        y = _table_number(cells[1], f"{where}, column efficiency")
        if not 0.0 <= y <= 1.0:
            raise CevnsError(f"{where}: efficiency {y:g} is outside [0, 1]")
        if xs and x <= xs[-1]:
            raise CevnsError(f"{where}: x must increase strictly ({x:g} after {xs[-1]:g})")
        xs.append(x)
        ys.append(y)
    if unit is None:
        raise CevnsError(
            f"{name}: missing '# units: ...' line giving the unit of x ({', '.join(OBSERVABLES)})"
        )
    if not header_seen:
        raise CevnsError(f"{name}: no header line 'x,efficiency' and no data")
    if len(xs) < 2:
        raise CevnsError(f"{name}: needs at least 2 data rows, got {len(xs)}")
    return {"x": np.array(xs), "efficiency": np.array(ys), "observable": unit}


def _table_number(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CevnsError(f"{where}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise CevnsError(f"{where}: value {text!r} is not finite")
    return value


class TabulatedEfficiency(EfficiencyModel):
    """Efficiency table (x, ε), linearly interpolated.

    Outside the table ``below``/``above`` decide: ``"zero"`` (ε = 0), ``"hold"`` (the first/last
    tabulated value) or ``"error"`` (a CevnsError naming the value and the table range; the
    default above the table, so nothing is extrapolated silently).

    Examples
    --------
    >>> eff = TabulatedEfficiency(x=(0.0, 10.0, 20.0), efficiency=(0.0, 0.5, 0.9), above="hold")
    >>> eff([5.0, 30.0]).tolist()
    [0.25, 0.9]
    """

    model_name: ClassVar[str] = "tabulated"

    x = param.Parameter((0.0, 1.0), doc="Observable values of the table, strictly increasing.")
    efficiency = param.Parameter((1.0, 1.0), doc="Efficiencies at x, in [0, 1].")
    below = param.Selector(
        objects=list(_OUTSIDE), default="zero", doc="Below the table: 'zero', 'hold' or 'error'."
    )
    above = param.Selector(
        objects=list(_OUTSIDE), default="error", doc="Above the table: 'zero', 'hold' or 'error'."
    )

    @classmethod
    def from_csv(
        cls, path: str | os.PathLike[str], *, observable: str | None = None, **params: Any
    ) -> TabulatedEfficiency:
        """The table of a file in :func:`read_efficiency_csv`'s format.

        ``observable`` (e.g. the detector's) must match the file's ``# units:`` when given.
        """
        data = read_efficiency_csv(path)
        if observable is not None:
            check_choice(observable, "observable", OBSERVABLES)
            if data["observable"] != observable:
                raise CevnsError(
                    f"{Path(path).name}: x is in {data['observable']} but the observable is "
                    f"{observable}; convert the table or choose the matching observable"
                )
        return cls(x=tuple(data["x"]), efficiency=tuple(data["efficiency"]), **params)

    def _check_model(self) -> None:
        x = as_array(self.x, "x")
        y = as_array(self.efficiency, "efficiency", minimum=0.0, maximum=1.0)
        if x.ndim != 1 or y.shape != x.shape or not 2 <= x.size <= MAX_EFFICIENCY_ROWS:
            raise CevnsError(
                "x and efficiency must be 1-D sequences of the same length (2 to "
                f"{MAX_EFFICIENCY_ROWS}), got shapes {x.shape} and {y.shape}"
            )
        if np.any(np.diff(x) <= 0):
            raise CevnsError("the efficiency table's x values must be strictly increasing")

    def _efficiency(self, x: Array) -> Array:
        xs = np.asarray(self.x, dtype=float)
        ys = np.asarray(self.efficiency, dtype=float)
        values = np.interp(x, xs, ys)
        for mask, policy, edge in (
            (x < xs[0], self.below, "below"),
            (x > xs[-1], self.above, "above"),
        ):
            if not np.any(mask):
                continue
            if policy == "error":
                bad = x[mask].flat[0]
                raise CevnsError(
                    f"x = {bad:g} is {edge} the efficiency table [{xs[0]:g}, {xs[-1]:g}]; set "
                    f"{edge}='zero' or 'hold' to allow it"
                )
            if policy == "zero":
                values = np.where(mask, 0.0, values)
        return values


@cache
def _read_table(filename: str) -> tuple[tuple[float, ...], tuple[float, ...]]:
    text = files("cevns_core").joinpath("data", "detectors", filename).read_text("utf-8")
    rows = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    xs, ys = [], []
    for row in rows[1:]:  # first row: column names
        a, b = row.split(",")
        xs.append(float(a))
        ys.append(float(b))
    return tuple(xs), tuple(ys)


def efficiency_table(filename: str) -> tuple[Array, Array]:
    """A shipped two-column efficiency table ``data/detectors/<filename>`` as (x, ε) arrays."""
    xs, ys = _read_table(filename)
    return np.array(xs), np.array(ys)
