"""Response matrices: the probability that a recoil of energy T lands in each analysis cell.

Some collaborations publish their detector response as monoenergetic templates: for a nuclear
recoil of energy T, the probability M(T, c) of being selected and reconstructed in analysis cell
c (XENONnT's monoenergetic templates; its S2-only response matrices). The expected counts per
cell of any recoil spectrum dN/dT (events/keV over the exposure) are then

    N_c = ∫ dN/dT(T) · M(T, c) dT,

and the detection efficiency in recoil energy is ε(T) = Σ_c M(T, c). :class:`ResponseMatrix`
holds M on its table of energies, interpolates it linearly in T and evaluates the integral with
fixed Gauss–Legendre nodes in every table interval (vectorised; :meth:`ResponseMatrix.nodes`
returns the nodes, weights and interpolated rows for reuse in scans).

Files (``data/detectors/<name>.csv``, the package's own format)::

    # free comment lines (title, source, cuts)
    # units: keVnr
    T_keV,<cell 1>,<cell 2>,...
    0.5,1.3e-06,...

Below the table the response is 0; above it ``above`` decides: ``"zero"``, ``"hold"`` (the last
row) or ``"error"``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._shipped import data_folder, shipped_names
from .._validation import as_array, check_choice
from ..errors import CevnsError

__all__ = ["ABOVE_POLICIES", "ResponseMatrix", "response_matrix", "response_matrix_names"]

Array = NDArray[np.float64]

#: What the response is above the table's last energy.
ABOVE_POLICIES: tuple[str, ...] = ("zero", "hold", "error")
#: Gauss–Legendre nodes per table interval (the rows are linear in T between table energies and
#: recoil spectra are smooth there: 8 nodes integrate a falling exponential over one 0.1-keV step
#: of XENONnT's table to < 1e-12).
_NODES_PER_INTERVAL = 8


@dataclass(frozen=True)
class ResponseMatrix:
    """M(T, c): probability that a recoil of energy T (keVnr) is observed in cell c.

    Attributes
    ----------
    name : str
        Identifier (the file name without ``.csv`` for shipped matrices).
    T_keV : ndarray, shape (n_T,)
        Recoil energies of the table, strictly increasing, ≥ 0.
    matrix : ndarray, shape (n_T, n_cells)
        Probabilities in [0, 1]; each row sums to at most 1 (the efficiency at that energy).
    cells : tuple of str
        Cell names (columns of the file).
    above : str
        Policy above the table: ``"zero"``, ``"hold"`` or ``"error"``.
    """

    name: str
    T_keV: Array
    matrix: Array
    cells: tuple[str, ...]
    above: str = "hold"

    def __post_init__(self) -> None:
        T = as_array(self.T_keV, "T_keV", minimum=0.0)
        M = as_array(self.matrix, "matrix", minimum=0.0, maximum=1.0)
        if T.ndim != 1 or T.size < 2 or np.any(np.diff(T) <= 0):
            raise CevnsError("T_keV must be a 1-D, strictly increasing array of ≥ 2 energies")
        if M.ndim != 2 or M.shape[0] != T.size:
            raise CevnsError(f"matrix must have shape (len(T_keV), n_cells), got {M.shape}")
        if len(self.cells) != M.shape[1]:
            raise CevnsError(f"{len(self.cells)} cell names for {M.shape[1]} matrix columns")
        if np.any(M.sum(axis=1) > 1.0 + 1e-9):
            raise CevnsError("a row of the response matrix sums to more than 1 (efficiency > 1)")
        check_choice(self.above, "above", ABOVE_POLICIES)
        T.flags.writeable = False
        M.flags.writeable = False
        object.__setattr__(self, "T_keV", T)
        object.__setattr__(self, "matrix", M)

    @property
    def n_cells(self) -> int:
        """Number of analysis cells."""
        return int(self.matrix.shape[1])

    def efficiency(self, T_keV: ArrayLike | None = None) -> Array:
        """ε(T) = Σ_c M(T, c); at the table's energies when ``T_keV`` is None."""
        if T_keV is None:
            return self.matrix.sum(axis=1)
        return self.rows(T_keV).sum(axis=-1)

    def rows(self, T_keV: ArrayLike) -> Array:
        """M(T, ·) linearly interpolated in T, shape ``T_keV.shape + (n_cells,)``.

        Raises
        ------
        CevnsError
            For negative energies, or energies above the table with ``above="error"``.
        """
        T = as_array(T_keV, "T_keV", minimum=0.0)
        grid = self.T_keV
        top = grid[-1]
        if self.above == "error" and np.any(T > top):
            raise CevnsError(
                f"T_keV = {T[T > top].flat[0]:g} keVnr is above the response matrix "
                f"{self.name!r} (table {grid[0]:g}-{top:g} keVnr)"
            )
        flat = T.ravel()
        k = np.clip(np.searchsorted(grid, flat, side="right") - 1, 0, grid.size - 2)
        frac = np.clip((flat - grid[k]) / (grid[k + 1] - grid[k]), 0.0, 1.0)
        out = self.matrix[k] * (1.0 - frac)[:, None] + self.matrix[k + 1] * frac[:, None]
        out[flat < grid[0]] = 0.0
        if self.above == "zero":
            out[flat > top] = 0.0
        return out.reshape(*T.shape, self.n_cells)

    def nodes(self, T_max_keV: float | None = None) -> tuple[Array, Array, Array]:
        """Quadrature nodes T_j (keVnr), weights w_j (keV) and rows M(T_j, ·) for the fold.

        The nodes cover the table, and with ``above="hold"`` continue up to ``T_max_keV``
        (e.g. the largest recoil the source can give) with the last row.
        """
        grid = self.T_keV
        edges = grid
        if T_max_keV is not None and math.isfinite(T_max_keV):
            if T_max_keV <= grid[0]:
                return np.empty(0), np.empty(0), np.empty((0, self.n_cells))
            if T_max_keV < grid[-1]:
                edges = np.append(grid[grid < T_max_keV], T_max_keV)
            elif self.above == "hold" and T_max_keV > grid[-1]:
                edges = np.append(grid, T_max_keV)
            elif self.above == "error" and T_max_keV > grid[-1]:
                raise CevnsError(
                    f"recoils up to {T_max_keV:g} keVnr exceed the response matrix {self.name!r} "
                    f"(table {grid[0]:g}-{grid[-1]:g} keVnr)"
                )
        x, w = np.polynomial.legendre.leggauss(_NODES_PER_INTERVAL)
        half = 0.5 * np.diff(edges)[:, None]
        T = (edges[:-1, None] + half * (x + 1.0)).ravel()
        weights = (half * w).ravel()
        return T, weights, self.rows(T)

    def fold(self, rate: Callable[[Array], ArrayLike], *, T_max_keV: float | None = None) -> Array:
        """Counts per cell, N_c = ∫ rate(T) M(T, c) dT (``rate``: vectorised dN/dT, per keV).

        Raises
        ------
        CevnsError
            If ``rate`` returns negative or non-finite values, or the wrong shape.
        """
        T, w, M = self.nodes(T_max_keV)
        if T.size == 0:
            return np.zeros(self.n_cells)
        values = np.asarray(rate(T), dtype=float)
        if values.shape != T.shape or not np.all(np.isfinite(values)) or np.any(values < 0):
            raise CevnsError(
                "rate(T) must return finite, non-negative values with the shape of T "
                f"(got shape {values.shape})"
            )
        return (w * values) @ M


# ------------------------------------------------------------------------------------ shipped
def _folder():
    return data_folder("detectors")


def response_matrix_names() -> list[str]:
    """Names of the shipped response matrices (``data/detectors/*_response.csv``), sorted."""
    return [name for name in shipped_names(".csv", "detectors") if name.endswith("_response")]


@cache
def response_matrix(name: str, *, above: str = "hold") -> ResponseMatrix:
    """The shipped response matrix ``name`` (see :func:`response_matrix_names`).

    Raises
    ------
    CevnsError
        For an unknown name or a malformed file.
    """
    check_choice(name, "response matrix", response_matrix_names())
    text = _folder().joinpath(f"{name}.csv").read_text(encoding="utf-8")
    unit = None
    rows: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            key, sep, value = stripped[1:].partition(":")
            if sep and key.strip().lower() == "units":
                unit = value.strip()
            continue
        rows.append(stripped)
    if unit != "keVnr" or not rows:
        raise CevnsError(f"{name}.csv: needs a '# units: keVnr' line, a header and data rows")
    header = [c.strip() for c in rows[0].split(",")]
    if header[0] != "T_keV":
        raise CevnsError(f"{name}.csv: the first column must be T_keV, got {header[0]!r}")
    data = np.loadtxt(rows[1:], delimiter=",", ndmin=2)
    if data.shape[1] != len(header):
        raise CevnsError(f"{name}.csv: {data.shape[1]} columns but {len(header)} names")
    return ResponseMatrix(name, data[:, 0], data[:, 1:], tuple(header[1:]), above=above)
