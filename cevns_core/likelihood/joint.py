"""Joint likelihood of one or several data sets with shared physics and shared nuisances.

The API (one object, also built from names): ::

    lik = cc.Likelihood(["coherent_csi_2021", "coherent_lar_2020_3d"])
    signal = lik.predict(physics)            # (n_cells,) all data sets, concatenated
    lik.chi2(signal)                         # Baker–Cousins χ², every nuisance profiled
    lik.chi2(batch)                          # (..., n_cells) → (...): many predictions at once

The fits (:func:`cevns_core.fit_sin2_theta_w`, :func:`~cevns_core.fit_neutron_radius`,
:func:`~cevns_core.fit_parameter`) accept a data-set name, a list of names or a
:class:`Likelihood`; a list builds ``Likelihood(list)``.

The joint χ² is the sum of the data sets' Poisson χ² over their cells plus one Gaussian prior per
nuisance. Nuisances named in ``shared`` (default ``("sns_flux",)``, the SNS neutrino yield per
proton, common to every COHERENT data set) are one parameter for every data set that has them,
with their prior counted once; every other nuisance belongs to its data set (the same data set
twice gets two independent sets of nuisances: ``name#2:…``). Physics parameters are common to all
data sets: a prediction applies the same model to every experiment.

**External terms.** Names of :data:`cevns_core.electroweak.EXTERNAL_TERMS` (``"apv_cs133"``,
``"prex2"``, ``"crex"``) or built :class:`~cevns_core.electroweak.ExternalTerm` objects (e.g.
``external_term("apv_cs133", theory="sahoo2021")``) may stand among the data sets::

    lik = cc.Likelihood(["coherent_csi_2021", "apv_cs133"])
    lik.chi2(signal, parameters={"sin2_theta_W": s, "R_n_Cs133_fm": r})

Their χ² depends on physics parameters, not on the predicted cells, so :meth:`Likelihood.chi2`
then needs ``parameters`` (names of :mod:`cevns_core.electroweak.terms`, arrays broadcasting
against the batch shape of ``signal``); a parameter a term declares but ``parameters`` lacks
takes the term's own convention (APV without R_n: the published weak charge). The fits
(:func:`cevns_core.fit_sin2_theta_w`, :func:`cevns_core.fit_neutron_radius`) pass them, and
:func:`cevns_core.scan` evaluates them on its grid (:mod:`cevns_core.scans.external`).
Terms alone (``cc.fit_sin2_theta_w("apv_cs133")``) make a likelihood of no cells and no
nuisances: its χ² is the terms' (signals have shape (..., 0)).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_names
from ..caching import LRUCache, fingerprint
from ..electroweak import EXTERNAL_TERMS, ExternalTerm, external_term
from ..errors import CevnsError
from .analyses import SHARED_NUISANCES, DataSetLikelihood
from .model import BinnedPoissonModel, Component, Nuisance, ShapeEffect

__all__ = ["MAX_CACHED_PARTS", "Likelihood", "as_likelihood"]

Array = NDArray[np.float64]


class Likelihood:
    """The joint binned Poisson likelihood of several data sets (see the module docstring).

    Parameters
    ----------
    datasets : str, DataSetLikelihood, ExternalTerm or a sequence of them
        Names of :func:`~cevns_core.likelihood.likelihood_names` or built data sets, and
        external terms (names of :data:`~cevns_core.electroweak.EXTERNAL_TERMS` or built
        terms). External terms alone make a likelihood of no cells: its χ² is theirs.
    shared : sequence of str
        Nuisances common to the data sets (one parameter, prior counted once).
    **options
        Passed to :class:`DataSetLikelihood` for names (``steady_state``,
        ``shape_nuisances``).

    Attributes
    ----------
    parts : list of DataSetLikelihood
    slices : list of slice
        Each data set's cells in the concatenated cell vector.
    model : BinnedPoissonModel
        The concatenated model; :attr:`nuisance_names` lists its nuisances.
    external : tuple of ExternalTerm
        The external (non-CEvNS) χ² terms, in the order given.
    """

    def __init__(
        self,
        datasets: str | DataSetLikelihood | Sequence[str | DataSetLikelihood],
        *,
        shared: Sequence[str] = SHARED_NUISANCES,
        **options: Any,
    ) -> None:
        single = isinstance(datasets, str | DataSetLikelihood | ExternalTerm)
        items = (
            [datasets]
            if single
            else as_names(datasets, "datasets", DataSetLikelihood, ExternalTerm)
        )
        if not items:
            raise CevnsError("a likelihood needs at least one data set")
        external = [d for d in items if _is_external(d)]
        self.external: tuple[ExternalTerm, ...] = tuple(
            d if isinstance(d, ExternalTerm) else external_term(d) for d in external
        )
        names = [t.name for t in self.external]
        if len(set(names)) != len(names):
            raise CevnsError(f"an external term is given twice: {names}")
        cevns = [d for d in items if not _is_external(d)]
        shared = as_names(shared, "shared")
        self.parts = [
            d if isinstance(d, DataSetLikelihood) else _cached_part(d, **options) for d in cevns
        ]
        self.shared = tuple(shared)
        self.slices: list[slice] = []
        start = 0
        for p in self.parts:
            self.slices.append(slice(start, start + p.n_cells))
            start += p.n_cells
        self.n_cells = start
        self.labels = _labels([p.name for p in self.parts])
        self.model = self._build()

    # ---------------------------------------------------------------------------- building
    def _rename(self, label: str, part: DataSetLikelihood, name: str) -> str:
        if name in self.shared:
            return name
        if name.startswith(part.name + ":"):
            return label + name[len(part.name) :]
        return f"{label}:{name}"

    def _build(self, observed: Array | None = None) -> BinnedPoissonModel:
        nuisances: dict[str, Nuisance] = {}
        parts = []
        for label, part in zip(self.labels, self.parts, strict=True):
            for nu in part.nuisances():
                new = self._rename(label, part, nu.name)
                if new in nuisances and nuisances[new].sigma != nu.sigma:
                    raise CevnsError(
                        f"shared nuisance {new} has different priors: {nuisances[new].sigma} "
                        f"and {nu.sigma}"
                    )
                nuisances.setdefault(
                    new, Nuisance(new, nu.sigma, nu.kind, unit=nu.unit, doc=nu.doc)
                )
            comps = [
                Component(
                    self._rename(label, part, c.name),
                    c.template,
                    {self._rename(label, part, k): m for k, m in c.norms.items()},
                    tuple(
                        ShapeEffect(self._rename(label, part, s.nuisance), s.nodes, s.factors)
                        for s in c.shapes
                    ),
                )
                for c in part.components()
            ]
            obs = part.observed if observed is None else observed[self.slices[len(parts)]]
            parts.append((obs, comps))
        name = "+".join([*self.labels, *(t.name for t in self.external)])
        return BinnedPoissonModel.joint(name, parts, list(nuisances.values()))

    # ---------------------------------------------------------------------------- use
    @property
    def nuisance_names(self) -> list[str]:
        """Names of the joint nuisances (columns of returned nuisance values)."""
        return self.model.nuisance_names

    @property
    def nuisances(self) -> tuple[Nuisance, ...]:
        return self.model.nuisances

    @property
    def observed(self) -> Array:
        return self.model.observed

    def predict(
        self,
        physics: Any = None,
        *,
        form_factor: Any = None,
        form_factor_params: Mapping[str, Any] | None = None,
    ) -> Array:
        """Predicted signal of every data set, concatenated (n_cells,)."""
        return np.concatenate(
            [
                np.zeros(0),
                *(
                    p.predict(
                        physics, form_factor=form_factor, form_factor_params=form_factor_params
                    )
                    for p in self.parts
                ),
            ]
        )

    def cells_from_counts(self, counts: Sequence[Mapping[str, Array]]) -> Array:
        """Per data set, energy counts per flavour (..., n_rate_bins) → signal (..., n_cells).

        ``counts[j]`` belongs to ``parts[j]`` and holds arrays in its
        ``parts[j].rate_edges`` bins with any common leading batch shape.
        """
        if len(counts) != len(self.parts):
            raise CevnsError(f"counts must hold {len(self.parts)} entries, one per data set")
        return np.concatenate(
            [p.cells_from_counts(c) for p, c in zip(self.parts, counts, strict=True)], axis=-1
        )

    def chi2(
        self,
        signal: ArrayLike,
        *,
        return_nuisances: bool = False,
        fixed: Mapping[str, float] | None = None,
        start: ArrayLike | None = None,
        parameters: Mapping[str, Any] | None = None,
    ) -> Array | tuple[Array, Array]:
        """Profiled χ² of signal vectors (..., n_cells) (see :meth:`BinnedPoissonModel.chi2`;
        ``start``: nuisance values to start the profile from, e.g. a neighbouring point's),
        plus the external terms' χ² at ``parameters`` (required when there are such terms)."""
        out = self.model.chi2(signal, return_nuisances=return_nuisances, fixed=fixed, start=start)
        if not self.external:
            if parameters:
                raise CevnsError("parameters=... applies to likelihoods with external terms")
            return out
        if parameters is None:
            raise CevnsError(
                f"this likelihood includes external terms ({', '.join(self.external_names)}) "
                "whose χ² depends on physics parameters: pass parameters={'sin2_theta_W': ..., "
                "'R_n_Cs133_fm': ...} (the fits and scans do)"
            )
        chi2, nuis = out if return_nuisances else (out, None)
        chi2 = chi2 + self.external_chi2(parameters)
        return (chi2, nuis) if return_nuisances else chi2

    @property
    def external_names(self) -> list[str]:
        """Names of the external terms."""
        return [t.name for t in self.external]

    @property
    def external_parameters(self) -> list[str]:
        """Physics parameters the external terms depend on (union, in order)."""
        out: list[str] = []
        for t in self.external:
            out += [p for p in t.parameters if p not in out]
        return out

    def external_chi2(self, parameters: Mapping[str, Any]) -> Array:
        """Sum of the external terms' χ²; each term gets the parameters it declares (missing
        optional ones: the term's own convention). Unknown parameter names are an error."""
        unknown = set(parameters) - set(self.external_parameters)
        if unknown:
            raise CevnsError(
                f"no external term depends on {', '.join(sorted(unknown))}; the terms "
                f"({', '.join(self.external_names)}) depend on "
                f"{', '.join(self.external_parameters) or 'nothing'}"
            )
        total: Array | float = 0.0
        for term in self.external:
            mine = {k: v for k, v in parameters.items() if k in term.parameters and v is not None}
            total = total + term(**mine)
        return np.asarray(total, dtype=float)

    def chi2_at(self, signal: ArrayLike, nuisances: Mapping[str, float] | None = None) -> Array:
        """χ² at given nuisance values (no profiling)."""
        return self.model.chi2_at(signal, nuisances)

    def expected(self, signal: ArrayLike, nuisances: Mapping[str, float] | None = None) -> Array:
        """Expected counts (signal and backgrounds) at given nuisance values."""
        return self.model.expected(signal, nuisances)

    def with_observed(self, observed: ArrayLike) -> Likelihood:
        """The same likelihood with other observed counts (e.g. Asimov data, pseudo-data).

        >>> lik = Likelihood("coherent_csi_2021")
        >>> asimov = lik.with_observed(lik.expected(lik.predict()))
        >>> round(float(asimov.chi2(lik.predict())), 9)
        0.0
        """
        obs = np.asarray(observed, dtype=float)
        if obs.shape != (self.n_cells,):
            raise CevnsError(f"observed must have shape ({self.n_cells},), got {obs.shape}")
        new = object.__new__(Likelihood)
        new.__dict__.update(self.__dict__)
        new.model = self._build(obs)
        return new

    def split(self, values: ArrayLike) -> dict[str, Array]:
        """A concatenated per-cell array cut into the data sets' pieces (by label)."""
        v = np.asarray(values)
        return {lab: v[..., sl] for lab, sl in zip(self.labels, self.slices, strict=True)}

    def __repr__(self) -> str:
        return f"Likelihood({[*self.labels, *self.external_names]!r}, shared={self.shared!r})"


def _is_external(item: Any) -> bool:
    return isinstance(item, ExternalTerm) or (isinstance(item, str) and item in EXTERNAL_TERMS)


def _labels(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}#{seen[n]}")
    return out


#: Most data sets kept by :func:`_cached_part` (least recently used dropped first). A data set
#: holds its templates and response (≲ 1 MB for the shipped sets); 16 covers every shipped data
#: set with a few experiment variants (e.g. a dashboard switching nuclear models).
MAX_CACHED_PARTS = 16
_PARTS = LRUCache("likelihood_parts", MAX_CACHED_PARTS)


def _option_key(value: Any) -> Hashable:
    """A value key of one option: an Experiment by its JSON spec (the one description of a
    set-up), anything else by :func:`~cevns_core.caching.fingerprint`."""
    from ..experiment import Experiment

    if isinstance(value, Experiment):
        try:
            return ("spec", json.dumps(value.to_spec(), sort_keys=True))
        except CevnsError:  # a set-up without a spec (e.g. a user-built source): its values
            return ("model", fingerprint(value))
    return fingerprint(value)


def _cached_part(name: str, **options: Any) -> DataSetLikelihood:
    """A data set built once per value of its options (its templates are fixed).

    The key is the name and the options' values (an Experiment by its spec), so two equal
    experiments share one data set; a part built with an Experiment keeps its own copy, so
    later changes to the caller's object cannot reach a cached part. Bounded:
    :data:`MAX_CACHED_PARTS` entries, least recently used dropped (``cevns_core.cache_info()``
    reports it as ``"likelihood_parts"``).
    """
    key = (name, tuple(sorted((k, _option_key(v)) for k, v in options.items())))

    def build() -> DataSetLikelihood:
        own = {k: copy.deepcopy(v) if _is_model(v) else v for k, v in options.items()}
        return DataSetLikelihood(name, **own)

    return _PARTS.get(key, build)


def _is_model(value: Any) -> bool:
    import param

    return isinstance(value, param.Parameterized)


def as_likelihood(dataset: Any, **options: Any) -> Likelihood:
    """A :class:`Likelihood` from a name, a list of names/data sets, or a Likelihood itself."""
    if isinstance(dataset, Likelihood):
        return dataset
    if isinstance(dataset, str | DataSetLikelihood | ExternalTerm) or (
        isinstance(dataset, Sequence) and not isinstance(dataset, str | bytes)
    ):
        return Likelihood(dataset, **options)
    raise CevnsError(
        "dataset must be a data-set name, a list of names or a Likelihood, "
        f"got {type(dataset).__name__}"
    )
