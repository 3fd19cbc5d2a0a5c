"""The binned and smeared response of a detector: response matrices, bin assignment, recoil
bin edges, the smearing kernel and timing fractions, with their caches (PHYSICS.md §6.3–6.4).

:class:`BinnedResponse` is a mixin of :class:`cevns_core.detector.Detector`: it reads the
detector's parameters and its unit conversions (``_in_unit``, ``_recoil_in_unit``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array
from ..caching import LRUCache, fingerprint
from ..errors import CevnsError
from ..response import (
    EfficiencyModel,
    bin_probabilities,
    node_cells,
    timing_fraction,
)
from ..response import observed_density as _observed_density
from .inputs import checked_recoils

__all__ = ["BinnedResponse"]

Array = NDArray[np.float64]

_NOT_RESPONSE = frozenset({"mass_kg", "live_time_days"})
#: Response matrices and recoil bin edges (a smeared matrix is up to a few MB).
_RESPONSES = LRUCache("detector responses", max_entries=64, max_bytes=64 * 2**20)
#: Timing fractions per (window, timing efficiency, source).
_TIMING = LRUCache("timing fractions", max_entries=128)


class BinnedResponse:
    """Response matrices, smearing and timing of a :class:`~cevns_core.detector.Detector`."""

    def _true_factor(self, T: Array, mean: Array) -> Array:
        """Column factor: true-stage efficiency and a window not in the observable's unit."""
        factor = np.ones_like(T)
        if self.efficiency is not None and self.efficiency.stage == "true":
            factor *= self.efficiency.applied(mean)
        if self.threshold_unit != self.observable:
            value = self._in_unit(T, self.threshold_unit)
            factor *= value >= self.threshold
            if self.upper_limit is not None:
                factor *= value < self.upper_limit
        return factor

    def _observed_efficiency(self) -> EfficiencyModel | None:
        eff = self.efficiency
        return eff if eff is not None and eff.stage == "observed" else None

    def response_matrix(
        self, T_keV: ArrayLike, bin_edges: ArrayLike, *, fractional_edges: bool = False
    ) -> Array:
        """Probability that a recoil T_j (keVnr) is observed in bin i, with all effects.

        R[i, j] = P(observed value ∈ [e_i, e_{i+1}) ∩ window | T_j) × efficiency. Without a
        resolution a recoil falls deterministically into the bin holding its mean value. With
        efficiency 1 and bins covering every outcome, each column sums to 1.

        Without a resolution, binned counts from a quadrature in T converge slowly when bin
        edges fall between nodes (each node goes wholly to one bin). Two remedies: put the
        nodes inside each bin's recoil interval (:meth:`recoil_bin_edges`), exact; or pass
        ``fractional_edges=True``: node j then stands for the cell between the midpoints to its
        neighbours (:func:`cevns_core.response.node_cells`), spread uniformly in the observable,
        and each bin gets the overlapping fraction (efficiency evaluated on the pieces).

        Parameters
        ----------
        T_keV : array_like, shape (n_T,)
            Recoil energies in keVnr (≥ 0), e.g. quadrature nodes.
        bin_edges : array_like, shape (n_bins + 1,)
            Strictly increasing edges in the observable's unit (integers for PE counts: the bin
            [e_i, e_{i+1}) holds the counts n with e_i ≤ n < e_{i+1}).
        fractional_edges : bool
            Spread each node over its cell (no-resolution case only; ignored with a resolution).

        Returns
        -------
        ndarray, shape (n_bins, n_T)
            Binned counts are ``R @ (dN/dT(T) * weights)``.

        Raises
        ------
        CevnsError
            Bad energies or edges, or an inconsistent detector.
        """
        self.validate()
        T = checked_recoils(T_keV, one_d=True)
        edges = as_array(bin_edges, "bin_edges")
        if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0):
            raise CevnsError("bin_edges must be a 1-D, strictly increasing array of ≥ 2 values")
        return self._response_matrix(T, edges, fractional_edges)

    def _response_matrix(self, T: Array, edges: Array, fractional_edges: bool) -> Array:
        """:meth:`response_matrix` of validated recoils and edges."""
        lo, hi = edges[:-1].copy(), edges[1:].copy()
        if self.threshold_unit == self.observable:
            lo = np.maximum(lo, self.threshold)
            if self.upper_limit is not None:
                hi = np.minimum(hi, self.upper_limit)
        mean = self._in_unit(T, self.observable)
        Tee = self.quenching.electron_equivalent_keV(T) if self.quenching is not None else None
        R = bin_probabilities(
            lo,
            hi,
            mean,
            Tee,
            resolution=self.resolution,
            efficiency=self._observed_efficiency(),
            cells=node_cells(T, mean) if fractional_edges and self.resolution is None else None,
        )
        return R * self._true_factor(T, mean)[None, :]

    def bin_assignment(self, T_keV: ArrayLike, bin_edges: ArrayLike) -> tuple[Array, Array]:
        """Without a resolution: the bin of each recoil and its weight, a sparse response matrix.

        Returns ``(index, weight)``: recoil T_j falls into bin ``index[j]`` (−1: none) with
        efficiency × window ``weight[j]``, so that ``R[i, j] = weight[j]·[index[j] = i]`` is
        :meth:`response_matrix` without building the dense (n_bins, n_T) array (binned counts
        are then a ``bincount``).

        Raises
        ------
        CevnsError
            With a resolution set (each recoil then spreads over several bins), or bad input.
        """
        self.validate()
        if self.resolution is not None:
            raise CevnsError("bin_assignment needs a detector without resolution")
        T = checked_recoils(T_keV, one_d=True)
        edges = as_array(bin_edges, "bin_edges")
        if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0):
            raise CevnsError("bin_edges must be a 1-D, strictly increasing array of ≥ 2 values")
        lo, hi = edges[:-1].copy(), edges[1:].copy()
        if self.threshold_unit == self.observable:
            lo = np.maximum(lo, self.threshold)
            if self.upper_limit is not None:
                hi = np.minimum(hi, self.upper_limit)
        mean = self._in_unit(T, self.observable)
        # lo is non-decreasing (clipping repeats the threshold): the last bin with lo ≤ mean is
        # the only one that can hold it, and it does when mean < hi there and the bin is not empty
        index = np.searchsorted(lo, mean, side="right") - 1
        safe = np.clip(index, 0, lo.size - 1)
        inside = (index >= 0) & (mean < hi[safe]) & (hi[safe] > lo[safe])
        weight = inside * self._true_factor(T, mean)
        observed = self._observed_efficiency()
        if observed is not None:
            weight = weight * observed.applied(mean)
        return np.where(inside, index, -1), np.asarray(weight, dtype=float)

    def _response_key(self) -> Any:
        """Fingerprint of everything the response depends on (not the mass or live time)."""
        return self._fingerprint(_NOT_RESPONSE)

    def _cached_response_matrix(self, T_keV: Array, bin_edges: Array) -> Array:
        """:meth:`response_matrix` (no fractional edges), kept per value of the response, the
        recoils and the edges; read-only. For the rate engine, which asks for the same matrices
        on every update of the physics (smearing is most of the cost of a smeared count)."""
        self.validate()
        key = (self._response_key(), fingerprint(T_keV), fingerprint(bin_edges))
        return _RESPONSES.get(key, lambda: self.response_matrix(T_keV, bin_edges))

    def _cached_recoil_bin_edges(self, bin_edges: Array) -> Array:
        """:meth:`recoil_bin_edges`, kept per value of the response and the edges; read-only."""
        self.validate()
        key = ("recoil edges", self._response_key(), fingerprint(bin_edges))
        # a copy: for recoil bins the method hands back the caller's own array
        return _RESPONSES.get(key, lambda: np.array(self.recoil_bin_edges(bin_edges)))

    def recoil_bin_edges(self, bin_edges: ArrayLike) -> Array:
        """Recoil energies (keVnr) of observable bin edges, after the threshold window.

        Edges are clipped to [threshold, upper_limit] when those are in the observable's unit,
        then mapped through the mean response (inverse quenching / light yield). Without a
        resolution, integrating dN/dT between consecutive returned values gives the bin counts
        before efficiency exactly.

        Examples
        --------
        >>> from cevns_core.detector import Detector
        >>> det = Detector(quenching=0.0878, light_yield_PE_per_keVee=13.348, observable="PE")
        >>> [round(v, 4) for v in det.recoil_bin_edges([0.0, 6.0, 30.0]).tolist()]
        [0.0, 5.1197, 25.5983]
        """
        self.validate()
        edges = as_array(bin_edges, "bin_edges", minimum=0.0)
        if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0):
            raise CevnsError("bin_edges must be a 1-D, strictly increasing array of ≥ 2 values")
        if self.threshold_unit == self.observable:
            upper = np.inf if self.upper_limit is None else self.upper_limit
            edges = np.clip(edges, self.threshold, upper)
        return self._recoil_in_unit(edges, self.observable)

    def observed_density(self, T_keV: ArrayLike, x: ArrayLike) -> Array:
        """Smearing kernel K[i, j] for dN/dx(x_i) = Σ_j K[i, j] dN/dT(T_j) w_j, shape (n_x, n_T).

        K = p(x_i | T_j) × efficiency × window: a density per observable unit (Gaussian, Gamma)
        or, for Poisson, the probability of the integer count x_i.

        Raises
        ------
        CevnsError
            Without a resolution (then the observed spectrum is a change of variables:
            dN/dx = dN/dT / :meth:`d_observable_dT`), or for bad input.
        """
        self.validate()
        if self.resolution is None:
            raise CevnsError(
                "observed_density needs a resolution model; without smearing use "
                "dN/dx = dN/dT / d_observable_dT(T) or response_matrix"
            )
        T = checked_recoils(T_keV, one_d=True)
        xs = as_array(x, "x")
        if xs.ndim != 1:
            raise CevnsError(f"x must be a 1-D array, got shape {xs.shape}")
        mean = self._in_unit(T, self.observable)
        Tee = self.quenching.electron_equivalent_keV(T) if self.quenching is not None else None
        K = _observed_density(
            xs, mean, Tee, resolution=self.resolution, efficiency=self._observed_efficiency()
        )
        if self.threshold_unit == self.observable:
            keep = xs >= self.threshold
            if self.upper_limit is not None:
                keep &= xs < self.upper_limit
            K = K * keep[:, None]
        return K * self._true_factor(T, mean)[None, :]

    def timing_fraction(
        self,
        pdf: Callable[[Array], ArrayLike] | tuple[ArrayLike, ArrayLike],
        *,
        support_us: tuple[float, float] | None = None,
    ) -> float:
        """Accepted fraction of an arrival-time PDF (μs) for the window and timing efficiency.

        See :func:`cevns_core.response.timing_fraction`; without a window and a timing
        efficiency the fraction is 1.
        """
        self.validate()
        if self.timing_window_us is None and self.timing_efficiency is None:
            return 1.0
        return timing_fraction(
            pdf,
            self.timing_window_us,
            efficiency=self.timing_efficiency,
            support_us=support_us,
        )

    def timing_fractions(self, source: Any) -> dict[str, float]:
        """Accepted fraction per flavour of a source's arrival times (π-DAR sources).

        :meth:`timing_fraction` of the source's ``time_pdf(flavour, t_ns)`` for each flavour;
        empty without a timing window and efficiency or for a source without arrival times.
        The fractions do not depend on the physics: they are kept per value of the timing
        settings and the source.
        """
        self.validate()
        if self.timing_window_us is None and self.timing_efficiency is None:
            return {}
        time_pdf = getattr(source, "time_pdf", None)
        if time_pdf is None:
            return {}

        def compute() -> dict[str, float]:
            return {
                f: self.timing_fraction(lambda t_us, f=f: time_pdf(f, np.asarray(t_us) * 1e3) * 1e3)
                for f in source.flavours()
            }

        key = (self.timing_window_us, fingerprint(self.timing_efficiency), fingerprint(source))
        return dict(_TIMING.get(key, compute))
