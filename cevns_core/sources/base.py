"""The common interface of neutrino sources (DESIGN.md §3; PHYSICS.md §5, §6.1).

A source is a :class:`param.Parameterized` model whose spectrum, at the detector, is a set of
components per flavour: continuous spectra (:class:`Continuum`, a vectorised density dΦ/dE) and
discrete lines (:class:`Line`, never put on a grid: the rate engine adds them analytically).

``normalisation`` says what the numbers mean:

* ``"fluence"`` — time-integrated over the exposure the source describes (cm⁻² MeV⁻¹ for a
  continuum, cm⁻² for a line): a rate integral gives event *counts* directly (π-DAR with a number
  of protons on target, a supernova burst);
* ``"flux"`` — per second (cm⁻² s⁻¹ MeV⁻¹, cm⁻² s⁻¹): a rate integral gives events per second,
  to be multiplied by the detector's live time (reactors, the Sun, a radioactive source).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import param
from numpy.typing import ArrayLike, NDArray

from .._validation import ValidatedParameters, as_array, as_int
from ..caching import LRUCache
from ..errors import CevnsError
from ..flavours import FLAVOURS, check_flavour

__all__ = ["NORMALISATIONS", "Continuum", "Line", "Source", "gauss_legendre_segments"]

Array = NDArray[np.float64]
NORMALISATIONS: tuple[str, ...] = ("fluence", "flux")

_N_NODES = 48
#: Components per source value (see :meth:`Source._components`).
_COMPONENTS = LRUCache("source components", max_entries=64)
_GL_X, _GL_W = np.polynomial.legendre.leggauss(_N_NODES)
_GL_X, _GL_W = 0.5 * (_GL_X + 1.0), 0.5 * _GL_W


@dataclass(frozen=True)
class Line:
    """A monochromatic component: ``intensity`` neutrinos per cm² (per s for a flux)."""

    flavour: str
    energy_MeV: float
    intensity: float
    label: str = ""


@dataclass(frozen=True)
class Continuum:
    """A continuous component on [E_min_MeV, E_max_MeV].

    ``density(E_MeV)`` is dΦ/dE (cm⁻² MeV⁻¹, per s for a flux), vectorised, and zero outside the
    support. ``breakpoints`` lists energies inside the support where the density has a kink or a
    jump, so quadratures split there.
    """

    flavour: str
    E_min_MeV: float
    E_max_MeV: float
    density: Callable[[Array], Array]
    breakpoints: tuple[float, ...] = field(default=())
    label: str = ""

    def edges(self) -> Array:
        """Segment edges: support limits and the breakpoints inside, sorted."""
        inside = [b for b in self.breakpoints if self.E_min_MeV < b < self.E_max_MeV]
        return np.array(sorted({self.E_min_MeV, self.E_max_MeV, *inside}))


def gauss_legendre_segments(
    edges: Array, lower: ArrayLike, n_nodes: int = _N_NODES
) -> tuple[Array, Array]:
    """Quadrature nodes and weights on [max(lower, edges[0]), edges[-1]], split at the edges.

    Vectorised over ``lower`` (shape S): returns nodes and weights of shape S + (n_seg·n_nodes,),
    with zero weight on segments that lie entirely below ``lower``. Used by the rate engine for
    ∫_{E_min(T)}^{E_max} dE with one row per recoil energy T.
    """
    if n_nodes == _N_NODES:
        x, w = _GL_X, _GL_W
    else:
        x, w = np.polynomial.legendre.leggauss(n_nodes)
        x, w = 0.5 * (x + 1.0), 0.5 * w
    low = np.asarray(lower, dtype=float)[..., None]
    a = np.maximum(edges[:-1], low)
    b = np.broadcast_to(edges[1:], a.shape)
    width = np.clip(b - a, 0.0, None)
    nodes = a[..., None] + width[..., None] * x
    weights = width[..., None] * w
    shape = (*low.shape[:-1], -1)
    return nodes.reshape(shape), weights.reshape(shape)


class Source(ValidatedParameters):
    """Base class of every neutrino source. Subclasses implement :meth:`components`."""

    #: Human-readable name of the source type (selectors, titles); each source class sets it.
    title: ClassVar[str] = ""

    normalisation = param.Selector(
        default="flux",
        objects=list(NORMALISATIONS),
        constant=True,
        doc="'fluence': integrated over the exposure (counts); 'flux': per second (rates).",
    )

    def components(self) -> tuple[Continuum | Line, ...]:
        """All spectral components at the detector."""
        raise TypeError(f"{type(self).__name__} does not define its spectral components")

    @property
    def unit(self) -> str:
        """Unit of a line intensity: ``cm^-2`` (fluence) or ``cm^-2 s^-1`` (flux)."""
        return "cm^-2" if self.normalisation == "fluence" else "cm^-2 s^-1"

    def _components(self) -> tuple[Continuum | Line, ...]:
        """:meth:`components`, kept per value of the source's parameters (building them checks
        the source and scales its tables: the rate engine and the methods below ask often)."""
        return _COMPONENTS.get(self._fingerprint(), lambda: tuple(self.components()))

    def flavours(self) -> tuple[str, ...]:
        """Flavours present, in the package's standard order."""
        present = {c.flavour for c in self._components()}
        return tuple(f for f in FLAVOURS if f in present)

    def continua(self, flavour: str | None = None) -> list[Continuum]:
        """Continuous components, optionally of one flavour."""
        return [
            c
            for c in self._components()
            if isinstance(c, Continuum) and (flavour is None or c.flavour == flavour)
        ]

    def lines(self, flavour: str | None = None) -> list[Line]:
        """Discrete lines, optionally of one flavour."""
        return [
            c
            for c in self._components()
            if isinstance(c, Line) and (flavour is None or c.flavour == flavour)
        ]

    @property
    def E_max_MeV(self) -> float:
        """Largest neutrino energy of any component."""
        ends = [c.E_max_MeV for c in self.continua()] + [c.energy_MeV for c in self.lines()]
        return max(ends) if ends else 0.0

    def spectrum(self, E_MeV: ArrayLike, flavour: str | None = None) -> Array:
        """Continuous dΦ/dE (cm⁻² MeV⁻¹ [s⁻¹]) at E, summed over flavours unless one is given.

        Lines are not included (they are δ functions); see :meth:`lines`.
        """
        E = as_array(E_MeV, "E_MeV", minimum=0.0)
        if flavour is not None:
            check_flavour(flavour)
        total = np.zeros_like(E)
        for c in self.continua(flavour):
            inside = (E >= c.E_min_MeV) & (E <= c.E_max_MeV)
            total = total + np.where(inside, c.density(np.clip(E, c.E_min_MeV, c.E_max_MeV)), 0.0)
        return total

    def integrated(self, flavour: str | None = None, *, moment: int = 0) -> float:
        """∫ E^moment dΦ/dE dE over continua plus Σ E^moment × line intensity (moment 0 to 4)."""
        moment = as_int(moment, "moment", minimum=0, maximum=4)
        if flavour is not None:
            check_flavour(flavour)
        total = 0.0
        for c in self.continua(flavour):
            nodes, weights = gauss_legendre_segments(c.edges(), c.E_min_MeV)
            total += float(np.sum(weights * nodes**moment * c.density(nodes)))
        for line in self.lines(flavour):
            total += line.intensity * line.energy_MeV**moment
        return total

    def mean_energy_MeV(self, flavour: str | None = None) -> float:
        """Flux-weighted mean neutrino energy."""
        norm = self.integrated(flavour)
        if norm <= 0:
            raise CevnsError(f"{type(self).__name__} has no neutrinos of flavour {flavour!r}")
        return self.integrated(flavour, moment=1) / norm
