"""Sum of several sources (e.g. the neutrino floor: solar + atmospheric + DSNB).

A :class:`CompositeSource` has the components of all its member sources, so every rate, count
and spectrum of the package works on it unchanged; per-flavour results add up the members.
Members must share one normalisation (all fluxes or all fluences): adding a per-second flux to
a time-integrated fluence has no meaning, and is refused.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

import param

from ..errors import CevnsError
from .base import NORMALISATIONS, Continuum, Line, Source

__all__ = ["CompositeSource"]


class CompositeSource(Source):
    """Several sources of one normalisation, summed.

    Examples
    --------
    >>> from cevns_core.sources import Solar, Atmospheric
    >>> both = CompositeSource(sources=[Solar(), Atmospheric()])
    >>> both.normalisation, f"{both.integrated() - Solar().integrated():.3f}"
    ('flux', '7.324')
    """

    title: ClassVar[str] = "Combined sources"

    sources = param.List(
        default=[],
        item_type=Source,
        doc="Member sources, all with the same normalisation (flux or fluence).",
    )

    def __init__(self, **params: Any) -> None:
        members = params.get("sources", [])
        if isinstance(members, Source) or not isinstance(members, (list, tuple)):
            raise CevnsError("sources must be a list of Source models")
        members = list(members)
        for i, s in enumerate(members):
            if not isinstance(s, Source):
                raise CevnsError(f"sources[{i}] must be a Source model, got {type(s).__name__}")
        norms = {s.normalisation for s in members}
        if len(norms) > 1:
            kinds = ", ".join(f"{type(s).__name__}: {s.normalisation}" for s in members)
            raise CevnsError(
                f"CompositeSource members must share one normalisation, got mixed ({kinds})"
            )
        given = params.pop("normalisation", None)
        if given is not None and given not in NORMALISATIONS:
            raise CevnsError(f"normalisation must be one of {NORMALISATIONS}, got {given!r}")
        norm = norms.pop() if norms else (given or "flux")
        if given is not None and given != norm:
            raise CevnsError(f"normalisation {given!r} does not match the members' ({norm!r})")
        unknown = set(params) - {"sources", "name"}
        if unknown:
            raise CevnsError(
                f"unknown parameter(s) {sorted(unknown)} for CompositeSource; allowed: sources"
            )
        params["sources"] = members
        super().__init__(normalisation=norm, **params)

    def components(self) -> tuple[Continuum | Line, ...]:
        """The members' components, labels prefixed with the member's class name."""
        out: list[Continuum | Line] = []
        for s in self.sources:
            if s.normalisation != self.normalisation:
                raise CevnsError(
                    f"member {type(s).__name__} is a {s.normalisation}, the composite a "
                    f"{self.normalisation}"
                )
            for c in s.components():
                label = c.label or type(s).__name__
                out.append(replace(c, label=f"{type(s).__name__}: {label}"))
        return tuple(out)
