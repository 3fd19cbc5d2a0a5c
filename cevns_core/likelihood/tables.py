"""Energy × time data sets shipped with the package (``data/datasets/energy_time/``).

Each data set is a CSV table, one row per (energy, time) cell in C order (energy slowest), with a
comment header explaining every column, and a JSON description (observed column, background
columns with their normalisation uncertainties, signal nuisances, the matching experiment preset,
citations and notes). :func:`load_energy_time` reads them into an :class:`EnergyTimeData`.

``"coherent_csi_2021"``
    COHERENT CsI[Na] full data set (arXiv:2110.07730): 9 PE × 11 t_rec cells, beam-on
    coincidence events (1578), steady state from the anticoincidence events (1295), BRN and NIN
    templates from the release's PDFs.
``"coherent_csi_2017_2d"``
    COHERENT CsI[Na] 2017 (arXiv:1708.01294, release arXiv:1804.09459): 2-PE × 0.5-μs cells,
    6–30 PE, t < 6 μs (144 cells; 547 coincidence counts), prompt neutrons, steady state from the
    anticoincidence grid, the release's arrival-time PDFs of the signal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._shipped import data_folder, shipped_names
from .._validation import check_choice
from ..errors import CevnsError

__all__ = ["EnergyTimeData", "energy_time_names", "load_energy_time"]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class EnergyTimeData:
    """Counts and background templates per (energy, time) cell.

    Attributes
    ----------
    name, title : str
    observable : str
        Unit of ``energy_edges`` ("PE").
    energy_edges, t_edges_us : ndarray
        Cell edges; cells are flattened in C order (energy slowest), ``n_cells = nE × nT``.
    observed : ndarray (n_cells,)
    backgrounds : dict name → ndarray (n_cells,)
        Background predictions (steady state, beam-related neutrons …).
    background_uncertainties : dict name → float
        Fractional 1σ normalisation uncertainty of each background.
    signal_nuisances : dict
        The signal's nuisances from the JSON description (flux, quenching, efficiency, timing).
    signal_timing : str or dict
        ``"source"``: arrival times from the experiment's source and detector timing; or a
        mapping flavour → per-cell time-PDF column (the release's PDFs).
    columns : dict name → ndarray
        Every column of the table (cells of the analysis window).
    experiment, exposure, reference, notes : str
    published : dict
    """

    name: str
    title: str
    observable: str
    energy_edges: Array
    t_edges_us: Array
    observed: Array
    backgrounds: dict[str, Array]
    background_uncertainties: dict[str, float]
    signal_nuisances: dict[str, Any]
    signal_timing: Any
    columns: dict[str, Array] = field(default_factory=dict)
    experiment: str = ""
    exposure: str = ""
    reference: str = ""
    notes: str = ""
    published: dict[str, Any] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, int]:
        """(n_energy, n_time)."""
        return (self.energy_edges.size - 1, self.t_edges_us.size - 1)

    @property
    def n_cells(self) -> int:
        return int(self.observed.size)

    def grid(self, values: Array | None = None) -> Array:
        """A per-cell array (default: observed) as an (n_energy, n_time) grid."""
        v = self.observed if values is None else np.asarray(values, dtype=float)
        return v.reshape(*v.shape[:-1], *self.shape)

    def window(self, lo: float, hi: float) -> EnergyTimeData:
        """The data set restricted to the energy bins inside [lo, hi]."""
        e = self.energy_edges
        keep = np.nonzero((e[:-1] >= lo - 1e-9) & (e[1:] <= hi + 1e-9))[0]
        if keep.size == 0:
            raise CevnsError(f"no {self.observable} bin of {self.name} lies inside [{lo}, {hi}]")
        nT = self.shape[1]
        cells = (keep[:, None] * nT + np.arange(nT)[None, :]).reshape(-1)
        return replace(
            self,
            energy_edges=e[keep[0] : keep[-1] + 2],
            observed=self.observed[cells],
            backgrounds={k: v[cells] for k, v in self.backgrounds.items()},
            columns={k: v[cells] for k, v in self.columns.items()},
        )


def _folder() -> Any:
    return data_folder("datasets", "energy_time")


def energy_time_names() -> list[str]:
    """Names of the shipped energy × time data sets.

    Examples
    --------
    >>> energy_time_names()
    ['coherent_csi_2017_2d', 'coherent_csi_2021']
    """
    return list(shipped_names(".json", "datasets", "energy_time"))


def _read_table(name: str) -> dict[str, Array]:
    text = _folder().joinpath(name).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    header = [h.strip() for h in lines[0].split(",")]
    data = np.loadtxt(lines[1:], delimiter=",", ndmin=2)
    return {h: data[:, i] for i, h in enumerate(header)}


def _edges(lo: Array, hi: Array) -> Array:
    lows, highs = np.unique(lo), np.unique(hi)
    if lows.size != highs.size or np.any(lows[1:] != highs[:-1]):
        raise CevnsError("cells must tile contiguous bins")
    return np.append(lows, highs[-1])


@cache
def _load(name: str, steady_state: str) -> EnergyTimeData:
    meta = json.loads(_folder().joinpath(f"{name}.json").read_text(encoding="utf-8"))
    cols = _read_table(meta["file"])
    (e_lo, e_hi), (t_lo, t_hi) = meta["axes"]["pe"], meta["axes"]["t_us"]
    e_edges, t_edges = _edges(cols[e_lo], cols[e_hi]), _edges(cols[t_lo], cols[t_hi])
    nE, nT = e_edges.size - 1, t_edges.size - 1
    backgrounds: dict[str, Array] = {}
    sigmas: dict[str, float] = {}
    for key, spec in meta["backgrounds"].items():
        values = cols[spec["column"]].copy()
        if key == "steady_state":
            if steady_state == "raw":
                values = cols[spec.get("raw_column", spec["column"])].copy()
            elif spec.get("smooth") == "flat_time":
                # random coincidences: the PE projection spread evenly over the time bins
                widths = np.diff(t_edges)
                per_e = values.reshape(nE, nT).sum(axis=1)
                values = np.outer(per_e, widths / widths.sum()).reshape(-1)
        backgrounds[key] = values
        sigmas[key] = float(spec["uncertainty"])
    data = EnergyTimeData(
        name=name,
        title=meta["title"],
        observable=meta["observable"],
        energy_edges=e_edges,
        t_edges_us=t_edges,
        observed=cols[meta["observed"]],
        backgrounds=backgrounds,
        background_uncertainties=sigmas,
        signal_nuisances=dict(meta.get("signal_nuisances", {})),
        signal_timing=meta.get("signal_timing", "source"),
        columns=cols,
        experiment=meta.get("experiment", ""),
        exposure=meta.get("exposure", ""),
        reference=meta.get("reference", ""),
        notes=meta.get("notes", ""),
        published=dict(meta.get("published", {})),
    )
    window = meta.get("analysis_window")
    return data if window is None else data.window(float(window[0]), float(window[1]))


def load_energy_time(name: str, *, steady_state: str = "smoothed") -> EnergyTimeData:
    """Load a shipped energy × time data set (see :func:`energy_time_names`).

    Parameters
    ----------
    name : str
    steady_state : {"smoothed", "raw"}
        The steady-state background: the anticoincidence sample's energy projection spread with
        the expected time shape (default), or the anticoincidence counts cell by cell.

    Examples
    --------
    >>> d = load_energy_time("coherent_csi_2021")
    >>> d.shape, int(d.observed.sum()), round(float(d.backgrounds["brn"].sum()), 2)
    ((9, 11), 1578, 18.31)
    >>> d17 = load_energy_time("coherent_csi_2017_2d")
    >>> d17.shape, int(d17.observed.sum())
    ((12, 12), 547)
    """
    check_choice(name, "energy × time data set", energy_time_names())
    check_choice(steady_state, "steady_state", ("smoothed", "raw"))
    return _load(name, steady_state)
