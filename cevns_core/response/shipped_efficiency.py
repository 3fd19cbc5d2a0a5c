"""Efficiency tables shipped with the package, named in experiment presets.

A preset's detector can ask for ``{"model": "shipped_table", "table": "<file>.csv"}``: the table
``data/detectors/<file>.csv`` is read in the user format of :func:`read_efficiency_csv` (a
``# units:`` line, ``x,efficiency`` rows), so published efficiencies (e.g. XENONnT's in recoil
energy) live in the package's own files, with their source in the file header and in
``data/SOURCES.md``, instead of being pasted into the preset.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import as_file, files
from pathlib import PurePosixPath
from typing import Any, ClassVar

import param

from ..errors import CevnsError
from .tabulated_efficiency import TabulatedEfficiency, read_efficiency_csv

__all__ = ["ShippedEfficiency", "shipped_efficiency_table"]


@cache
def shipped_efficiency_table(table: str) -> tuple[tuple[float, ...], tuple[float, ...], str]:
    """``(x, efficiency, unit of x)`` of the shipped table ``data/detectors/<table>``.

    Raises
    ------
    CevnsError
        For a name that is not a plain ``.csv`` file name, a missing file or a malformed table.
    """
    path = PurePosixPath(table)
    if path.name != table or path.suffix != ".csv" or table.startswith("."):
        raise CevnsError(f"table must be a .csv file name in data/detectors, got {table!r}")
    resource = files("cevns_core").joinpath("data", "detectors", table)
    if not resource.is_file():
        raise CevnsError(f"no shipped efficiency table {table!r} in data/detectors")
    with as_file(resource) as real:
        data = read_efficiency_csv(real)
    return tuple(data["x"].tolist()), tuple(data["efficiency"].tolist()), data["observable"]


class ShippedEfficiency(TabulatedEfficiency):
    """A :class:`TabulatedEfficiency` read from a table shipped in ``data/detectors/``.

    ``units`` (read-only) is the unit of the table's x column (``keVnr``, ``keVee`` or ``PE``);
    the table's values replace ``x`` and ``efficiency``. Outside the table the ``below``/``above``
    policies apply as for any tabulated efficiency.

    Examples
    --------
    >>> eff = ShippedEfficiency(table="xenonnt_b8_2026_efficiency.csv", above="hold")
    >>> eff.units, round(float(eff(3.0)), 4)
    ('keVnr', 0.1329)
    """

    model_name: ClassVar[str] = "shipped_table"

    table = param.String(
        default="xenonnt_b8_2026_efficiency.csv",
        doc="File name of the efficiency table in cevns_core/data/detectors/.",
    )
    units = param.String(default="keVnr", constant=True, doc="Unit of the table's x column.")

    def __init__(self, **params: Any) -> None:
        table = params.get("table", type(self).param["table"].default)
        if not isinstance(table, str):
            raise CevnsError(f"table must be a file name (str), got {table!r}")
        x, eff, unit = shipped_efficiency_table(table)
        # a spec written from this model repeats the table's values: accept them unchanged only
        given = {k: params.pop(k) for k in ("x", "efficiency", "units") if k in params}
        expected = {"x": x, "efficiency": eff, "units": unit}
        for key, value in given.items():
            same = value == unit if key == "units" else _same_numbers(value, expected[key])
            if not same:
                raise CevnsError(
                    f"ShippedEfficiency takes its {key} from the table {table!r}; to change the "
                    "values use the 'tabulated' efficiency"
                )
        super().__init__(x=x, efficiency=eff, **params)
        with param.edit_constant(self):
            self.units = unit


def _same_numbers(value: Any, reference: tuple[float, ...]) -> bool:
    try:
        values = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        return False
    return values == reference
