"""The results of an experiment's count: :class:`Counts` (total and breakdown, the divergence
of a count of every recoil) and the flavour subset of a source used for the finite part of a
count whose other flavours diverge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import param

from ..errors import CevnsError
from ..sources import Continuum, Line, Source

__all__ = ["Counts"]


@dataclass(frozen=True)
class Counts:
    """Expected events over the exposure, with their breakdown.

    ``divergence`` names the term that makes a count of every recoil infinite (then the total,
    the flavours it concerns and every isotope are ``math.inf``); None otherwise. With the
    electron-recoil channel on, ``by_channel`` splits the total into ``"cevns"`` and
    ``"electron"`` (ν–e) and ``by_isotope`` holds ``"<element> electrons"`` entries too
    (:mod:`cevns_core.experiment.electron_recoils`); None otherwise.
    """

    total: float
    by_flavour: dict[str, float]
    by_isotope: dict[str, float]
    unit: str = "events"
    divergence: str | None = None
    by_channel: dict[str, float] | None = None

    def __float__(self) -> float:
        return self.total

    def as_dict(self) -> dict[str, Any]:
        """Plain-Python view for JSON output (``divergence`` only when there is one)."""
        out: dict[str, Any] = {
            "total": self.total,
            "by_flavour": self.by_flavour,
            "by_isotope": self.by_isotope,
            "unit": self.unit,
        }
        if self.divergence is not None:
            out["divergence"] = self.divergence
        if self.by_channel is not None:
            out["by_channel"] = self.by_channel
        return out


class _FlavourSubset(Source):
    """The components of ``source`` for some flavours only (same normalisation and baseline).

    Used for the finite part of a count whose other flavours diverge.

    Examples
    --------
    >>> from cevns_core.sources import PionDecayAtRest
    >>> _FlavourSubset(source=PionDecayAtRest(), flavours_kept=["nu_mu"]).flavours()
    ('nu_mu',)
    """

    source = param.ClassSelector(class_=Source, doc="The full source.")
    flavours_kept = param.List(default=[], item_type=str, doc="Flavours to keep.")

    def __init__(self, **params: Any) -> None:
        src = params.get("source")
        if not isinstance(src, Source):
            raise CevnsError(f"source must be a Source model, got {type(src).__name__}")
        super().__init__(normalisation=src.normalisation, **params)

    @property
    def distance_m(self) -> float | None:
        """The full source's baseline (oscillations), if it has one."""
        return getattr(self.source, "distance_m", None)

    @property
    def distance_spread_m(self) -> float:
        """The full source's baseline spread (oscillation averaging), 0 if it has none."""
        return getattr(self.source, "distance_spread_m", 0.0)

    def components(self) -> tuple[Continuum | Line, ...]:
        """The full source's components of the kept flavours."""
        return tuple(c for c in self.source.components() if c.flavour in self.flavours_kept)
