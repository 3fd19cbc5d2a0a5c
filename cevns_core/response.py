"""Detector-response building blocks: efficiencies, energy resolutions, timing acceptance.

PHYSICS.md §6.4. The pieces are small :class:`param.Parameterized` models (their bounds and docs
drive the dashboard widgets) plus two vectorised kernels used by :class:`cevns_core.Detector`:

* :func:`bin_probabilities` — probability that a recoil with mean observable value μ_j is observed
  in bin i, [lo_i, hi_i), with the resolution and (observed-stage) efficiency applied;
* :func:`observed_density` — the smearing kernel K(x_i | μ_j) of a continuous observable.

Observables are in one of three units: ``"keVnr"``, ``"keVee"`` or ``"PE"`` (photo-electrons).

Efficiencies (registry :data:`EFFICIENCY_MODELS`):

* ``"constant"`` — ε = ε₀ for every value (a flat acceptance);
* ``"functional"`` — any vectorised callable of the observable, values in [0, 1];
* ``"logistic_step"`` — COHERENT CsI[Na] 2017: ε(x) = a/(1 + e^(−k(x−x₀)))·H(x), x in PE, with the
  modified Heaviside H = 0 below 5 PE, 1/2 in [5, 6), 1 from 6 PE (data release
  arXiv:1804.09459), evaluated at 1-PE bin centres;
* ``"csi_2021"`` — COHERENT CsI[Na] 2021: ε(x) = a/(1 + e^(−b(x−c))) + d clipped at 0;
* ``"tabulated"`` — linear interpolation of a table with an explicit policy outside it.

Each efficiency has a ``stage``: ``"observed"`` (a function of the reconstructed, smeared value;
the default) or ``"true"`` (a function of the recoil's mean observable value, applied before
smearing), and an ``evaluation``: ``"pointwise"`` or ``"bin_centre"`` (evaluated at the centre of
the ``bin_width`` cell containing the value, the CsI 2017 convention). Integer (Poisson) outcomes n
are always evaluated at n itself.

Resolutions (registry :data:`RESOLUTION_MODELS`):

* ``"gaussian"`` — σ(E) = √(σ₀² + F ε_pair E + a² E + c² E²) in the observable's unit (keV for
  energies; ε_pair is given in eV). Ge: F ≈ 0.11, ε_pair = 2.96 eV; LAr 2020: a = 0.58 √keVee
  (σ/E = 0.58/√E); or a user callable σ(E);
* ``"poisson"`` — photo-electron counting, P(n | μ) with μ = LY·T_ee (PE observable only);
* ``"gamma"`` — COHERENT CsI[Na] 2021 PE smearing. The release's parameters a = 0.0749/E_ee and
  b = 9.56·E_ee (E_ee in keVee) enter P(x) = (a(1+b))^(1+b)/Γ(1+b) · x^b · e^(−a(1+b)x): a Gamma
  distribution of shape k = 1 + b and rate a(1 + b), so mean = 1/a = E_ee/0.0749 = 13.35·E_ee PE
  and variance = mean²/k. This package writes it with the detector's light yield: mean
  μ = LY·E_ee (LY = 13.35 = 1/0.0749 to 10⁻⁴), shape k = 1 + b₁·E_ee with b₁ = 9.56 keVee⁻¹.

Timing: :class:`TimingEfficiency` (CsI 2021: 1 for t < 0.52 μs, e^(−0.0494 (t − 0.52)) after; the
numbers are quoted from the supplemental PDF by third-party code and are to be verified) and
:func:`timing_fraction`.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import param
from numpy.typing import ArrayLike, NDArray
from scipy import integrate, special, stats

from ._validation import ValidatedParameters, as_array, check_choice, read_text_file
from .errors import CevnsError
from .quenching import _check_init_params

__all__ = [
    "EFFICIENCY_MODELS",
    "MAX_EFFICIENCY_FILE_BYTES",
    "MAX_EFFICIENCY_ROWS",
    "OBSERVABLES",
    "RESOLUTION_MODELS",
    "ConstantEfficiency",
    "CsI2021Efficiency",
    "EfficiencyModel",
    "FunctionalEfficiency",
    "GammaResolution",
    "GaussianResolution",
    "LogisticStepEfficiency",
    "PoissonResolution",
    "ResolutionModel",
    "TabulatedEfficiency",
    "TimingEfficiency",
    "bin_probabilities",
    "efficiency_model",
    "efficiency_table",
    "node_cells",
    "observed_density",
    "read_efficiency_csv",
    "resolution_model",
    "timing_fraction",
]

Array = NDArray[np.float64]

#: Units an observable (and a threshold) can be expressed in.
OBSERVABLES: tuple[str, ...] = ("keVnr", "keVee", "PE")

#: Sub-intervals per bin when an observed-stage efficiency is folded with a continuous resolution
#: (midpoint rule for ε on each sub-interval, exact resolution CDF differences).
_SUB_INTERVALS = 16
#: Largest number of sub-intervals a bin-centre efficiency grid may create.
_MAX_GRID_CELLS = 200_000
#: Poisson outcomes beyond μ + 12√μ + 30 are dropped (probability < 1e-30).
_POISSON_TAIL_SIGMAS = 12.0


class _Model(ValidatedParameters):
    """Common constructor: unknown/out-of-range keywords become a CevnsError."""

    model_name: ClassVar[str] = ""

    def __init__(self, **params: Any) -> None:
        _check_init_params(type(self), params)
        try:
            super().__init__(**params)
        except ValueError as exc:
            raise CevnsError(str(exc)) from exc
        self._check_model()

    def _check_model(self) -> None:
        """Raise CevnsError if the parameters are inconsistent."""


# --------------------------------------------------------------------------------- efficiency
class EfficiencyModel(_Model):
    """Base class of detection efficiencies ε(x) of the observable x (values in [0, 1]).

    Call the model (``eff(x)``) for the plain function; :meth:`applied` adds the model's
    evaluation convention (bin centres). ``stage`` says whether x is the reconstructed (smeared)
    value or the recoil's mean observable value.
    """

    stage = param.Selector(
        objects=["observed", "true"],
        default="observed",
        doc="'observed': ε of the reconstructed (smeared) value; 'true': ε of the recoil's "
        "mean observable value, applied before smearing.",
    )
    evaluation = param.Selector(
        objects=["pointwise", "bin_centre"],
        default="pointwise",
        doc="'pointwise': ε(x); 'bin_centre': ε at the centre of the bin_width cell holding x.",
    )
    bin_width = param.Number(
        1.0,
        bounds=(0.0, 1e6),
        inclusive_bounds=(False, True),
        softbounds=(0.1, 10.0),
        doc="Cell width for evaluation='bin_centre', in the observable's unit (1 PE for CsI 2017).",
    )
    bin_origin = param.Number(
        0.0,
        bounds=(-1e6, 1e6),
        softbounds=(-1.0, 1.0),
        doc="Lower edge of one bin_width cell (cells tile the axis).",
    )

    def _efficiency(self, x: Array) -> Array:
        raise TypeError(f"{type(self).__name__} is abstract: a model subclass defines this method")

    def __call__(self, x: ArrayLike) -> Array:
        """ε(x), the plain function, for observable values ``x`` (any shape)."""
        return self._efficiency(as_array(x, "x"))

    def cell_centre(self, x: ArrayLike) -> Array:
        """Centre of the ``bin_width`` cell [origin + n·w, origin + (n+1)·w) holding each x."""
        w, o = float(self.bin_width), float(self.bin_origin)
        return o + (np.floor((np.asarray(x, dtype=float) - o) / w) + 0.5) * w

    def applied(self, x: ArrayLike) -> Array:
        """ε with the evaluation convention: ε(x) or ε(centre of x's cell)."""
        x = as_array(x, "x")
        if self.evaluation == "bin_centre":
            x = self.cell_centre(x)
        return self._efficiency(x)


class FunctionalEfficiency(EfficiencyModel):
    """Any vectorised callable ε(x) of the observable; values must lie in [0, 1].

    Examples
    --------
    >>> eff = FunctionalEfficiency(function=lambda x: 0.5 * (x > 3))
    >>> eff([2.0, 4.0]).tolist()
    [0.0, 0.5]
    """

    model_name: ClassVar[str] = "functional"

    function = param.Callable(
        lambda x: np.ones_like(x), doc="Vectorised ε(x), x in the observable's unit."
    )

    def _efficiency(self, x: Array) -> Array:
        try:
            values = np.asarray(self.function(x), dtype=float)
        except Exception as exc:  # the user's callable: report it as bad input
            raise CevnsError(
                f"the efficiency function failed on x of shape {x.shape}: {exc}"
            ) from exc
        values = np.broadcast_to(values, x.shape).astype(float)
        if (
            not np.all(np.isfinite(values))
            or values.min(initial=0) < 0
            or values.max(initial=0) > 1
        ):
            raise CevnsError(
                "the efficiency function must return finite values in [0, 1], got range "
                f"[{np.nanmin(values) if values.size else 0:g}, "
                f"{np.nanmax(values) if values.size else 0:g}]"
            )
        return values


class ConstantEfficiency(EfficiencyModel):
    """Energy-independent detection efficiency ε(x) = ε₀ (a flat acceptance).

    Examples
    --------
    >>> ConstantEfficiency(value=0.8)([1.0, 50.0]).tolist()
    [0.8, 0.8]
    """

    model_name: ClassVar[str] = "constant"

    value = param.Number(1.0, bounds=(0.0, 1.0), doc="Efficiency ε₀ (fraction of events kept).")

    def _efficiency(self, x: Array) -> Array:
        return np.full_like(x, float(self.value))


class LogisticStepEfficiency(EfficiencyModel):
    """COHERENT CsI[Na] 2017 acceptance (data release arXiv:1804.09459, PHYSICS.md §6.4).

    ε(x) = a/(1 + e^(−k(x − x₀)))·H(x), x in PE, with the modified Heaviside H = 0 for
    x < ``step_start``, ``step_value`` for ``step_start`` ≤ x < ``step_end`` and 1 above
    (release: 5, 6 PE and 1/2; a standard step Θ(x − 5) is ``step_end = step_start = 5``).
    By default evaluated at 1-PE bin centres (release convention: the 1-PE bin [0, 1) at 0.5).

    Examples
    --------
    >>> eff = LogisticStepEfficiency()
    >>> [round(v, 4) for v in eff([4.5, 5.5, 10.8507]).tolist()]
    [0.0, 0.0221, 0.3327]
    """

    model_name: ClassVar[str] = "logistic_step"

    evaluation = param.Selector(
        objects=["pointwise", "bin_centre"],
        default="bin_centre",
        doc="'bin_centre' (release convention: 1-PE bins) or 'pointwise'.",
    )
    a = param.Number(0.6655, bounds=(0.0, 1.0), doc="Plateau a (release: 0.6655 +0.0212 −0.0384).")
    k = param.Number(
        0.4942,
        bounds=(0.0, 1e3),
        inclusive_bounds=(False, True),
        softbounds=(0.1, 2.0),
        doc="Steepness k per PE (release: 0.4942 +0.0335 −0.0131).",
    )
    x0 = param.Number(
        10.8507,
        bounds=(-1e6, 1e6),
        softbounds=(0.0, 30.0),
        doc="Midpoint x₀ in PE (release: 10.8507 +0.1838 −0.3995).",
    )
    step_start = param.Number(
        5.0,
        bounds=(0.0, 1e6),
        softbounds=(0.0, 20.0),
        doc="H = 0 below this value (PE).",
    )
    step_end = param.Number(
        6.0,
        bounds=(0.0, 1e6),
        softbounds=(0.0, 20.0),
        doc="H = 1 from this value on (PE).",
    )
    step_value = param.Number(
        0.5, bounds=(0.0, 1.0), doc="H between step_start and step_end (release: 1/2)."
    )

    def _check_model(self) -> None:
        if self.step_end < self.step_start:
            raise CevnsError(
                f"step_end ({self.step_end:g}) must not be below step_start ({self.step_start:g})"
            )

    def _efficiency(self, x: Array) -> Array:
        step = np.where(
            x < self.step_start, 0.0, np.where(x < self.step_end, float(self.step_value), 1.0)
        )
        arg = np.clip(-self.k * (x - self.x0), -700.0, 700.0)
        return self.a / (1.0 + np.exp(arg)) * step


class CsI2021Efficiency(EfficiencyModel):
    """COHERENT CsI[Na] 2021 energy efficiency (arXiv:2110.07730 ``effCoefficients.txt``).

    ε(x) = a/(1 + e^(−b(x − c))) + d, x = reconstructed PE, clipped at 0 (the nominal curve is
    negative below ≈ 7.07 PE) and at 1.

    Examples
    --------
    >>> eff = CsI2021Efficiency()
    >>> [round(v, 4) for v in eff([5.0, 20.0]).tolist()]
    [0.0, 0.8969]
    """

    model_name: ClassVar[str] = "csi_2021"

    a = param.Number(
        1.32045,
        bounds=(0.0, 10.0),
        softbounds=(0.0, 2.0),
        doc="Amplitude a (nominal 1.32045).",
    )
    b = param.Number(
        0.285979,
        bounds=(0.0, 1e3),
        inclusive_bounds=(False, True),
        softbounds=(0.05, 1.0),
        doc="Steepness b per PE (nominal 0.285979).",
    )
    c = param.Number(
        10.8646,
        bounds=(-1e6, 1e6),
        softbounds=(0.0, 30.0),
        doc="Midpoint c in PE (nominal 10.8646).",
    )
    d = param.Number(
        -0.333322,
        bounds=(-10.0, 10.0),
        softbounds=(-1.0, 1.0),
        doc="Offset d (nominal −0.333322).",
    )

    def _efficiency(self, x: Array) -> Array:
        arg = np.clip(-self.b * (x - self.c), -700.0, 700.0)
        return np.clip(self.a / (1.0 + np.exp(arg)) + self.d, 0.0, 1.0)


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


#: Registry: efficiency model name → class.
EFFICIENCY_MODELS: dict[str, type[EfficiencyModel]] = {
    cls.model_name: cls
    for cls in (
        ConstantEfficiency,
        FunctionalEfficiency,
        LogisticStepEfficiency,
        CsI2021Efficiency,
        TabulatedEfficiency,
    )
}


def efficiency_model(name: str, **params: Any) -> EfficiencyModel:
    """Build a registry efficiency model by name (``"logistic_step"``, ``"csi_2021"``, ...).

    Raises
    ------
    CevnsError
        Unknown name, unknown or out-of-range parameter.
    """
    cls = EFFICIENCY_MODELS[check_choice(name, "efficiency model", EFFICIENCY_MODELS)]
    return cls(**params)


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


class TimingEfficiency(_Model):
    """Timing efficiency ε_t(t): 1 for t < t₀, e^(−λ(t − t₀)) after (t in μs).

    COHERENT CsI[Na] 2021 (supplemental material of arXiv:2110.07730 as quoted by third-party
    implementations, **to be verified**): t₀ = 0.52 μs, λ = 0.0494 μs⁻¹.

    Examples
    --------
    >>> te = TimingEfficiency()
    >>> [round(v, 5) for v in te([0.3, 1.52]).tolist()]
    [1.0, 0.9518]
    """

    model_name: ClassVar[str] = "timing"

    t0_us = param.Number(
        0.52,
        bounds=(-1e6, 1e6),
        softbounds=(0.0, 2.0),
        doc="Onset t₀ of the decay in μs.",
    )
    decay_per_us = param.Number(
        0.0494, bounds=(0.0, 1e3), softbounds=(0.0, 0.5), doc="Decay constant λ in μs⁻¹."
    )

    def __call__(self, t_us: ArrayLike) -> Array:
        """ε_t at times ``t_us`` (μs, any shape)."""
        t = as_array(t_us, "t_us")
        # exp of −λ·max(t − t₀, 0): never overflows for t ≪ t₀ (where ε_t = 1 anyway)
        return np.exp(-self.decay_per_us * np.maximum(t - self.t0_us, 0.0))

    def breakpoints_us(self) -> tuple[float, ...]:
        """Kinks of ε_t (for quadrature)."""
        return (float(self.t0_us),)


def timing_fraction(
    pdf: Callable[[Array], ArrayLike] | tuple[ArrayLike, ArrayLike],
    window_us: tuple[float, float] | None = None,
    *,
    efficiency: Callable[[Array], ArrayLike] | None = None,
    support_us: tuple[float, float] | None = None,
) -> float:
    """Fraction of events with arrival-time PDF ``pdf`` accepted by a window and a time efficiency.

    f = ∫_window p(t) ε_t(t) dt / ∫_support p(t) dt.

    Parameters
    ----------
    pdf : callable or (t_us, probability) arrays
        A vectorised density p(t) with t in μs, or a binned PDF: bin centres and probabilities
        (a bin counts when t_min ≤ centre < t_max; the denominator is the sum of all bins).
    window_us : (t_min, t_max), optional
        Accepted window in μs (``None``: no cut; then ``support_us`` is required for a callable).
    efficiency : callable, optional
        ε_t(t), e.g. :class:`TimingEfficiency`.
    support_us : (t_lo, t_hi), optional
        Where a callable PDF lives (may be infinite); the result is normalised by its integral
        there. ``None``: the PDF is taken as normalised (denominator 1).

    Returns
    -------
    float
        Accepted fraction.

    Examples
    --------
    >>> tau = 2.2
    >>> f = timing_fraction(lambda t: np.exp(-t / tau) / tau, (1.0, 3.0))
    >>> round(f, 6) == round(math.exp(-1 / tau) - math.exp(-3 / tau), 6)
    True
    """
    eff = efficiency if efficiency is not None else (lambda t: np.ones_like(t))
    window = _window(window_us) if window_us is not None else None
    if isinstance(pdf, tuple | list):
        if len(pdf) != 2:
            raise CevnsError("a binned time PDF must be a pair (t_us, probability)")
        t = as_array(pdf[0], "t_us")
        p = as_array(pdf[1], "probability", minimum=0.0)
        if t.ndim != 1 or t.shape != p.shape or p.sum() <= 0:
            raise CevnsError("a binned time PDF needs 1-D t_us and probabilities of equal length")
        keep = np.ones_like(t, dtype=bool) if window is None else (t >= window[0]) & (t < window[1])
        w = np.asarray(eff(t), dtype=float)
        return float(np.sum(p * w * keep) / p.sum())
    if not callable(pdf):
        raise CevnsError(f"pdf must be a callable p(t_us) or a pair of arrays, got {pdf!r}")
    if window is None and support_us is None:
        raise CevnsError("give window_us or support_us for a callable time PDF")
    support = _window(support_us, allow_infinite=True) if support_us is not None else None
    lo, hi = window if window is not None else support
    if support is not None:
        lo, hi = max(lo, support[0]), min(hi, support[1])
    kinks = tuple(getattr(efficiency, "breakpoints_us", lambda: ())())

    def integrand(t: float) -> float:
        arr = np.array([t])
        return float(np.asarray(pdf(arr), dtype=float).ravel()[0] * np.asarray(eff(arr)).ravel()[0])

    accepted = _quad(integrand, lo, hi, kinks) if hi > lo else 0.0
    if support is None:
        return accepted
    total = _quad(
        lambda t: float(np.asarray(pdf(np.array([t])), dtype=float).ravel()[0]), *support, ()
    )
    if total <= 0:
        raise CevnsError("the time PDF integrates to zero over support_us")
    return accepted / total


def _window(value: Any, *, allow_infinite: bool = False) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError) as exc:
        raise CevnsError(
            f"a time window must be a pair (t_min, t_max) in μs, got {value!r}"
        ) from exc
    if math.isnan(lo) or math.isnan(hi) or (not allow_infinite and not math.isfinite(lo + hi)):
        raise CevnsError(f"a time window must be finite numbers, got {value!r}")
    if hi <= lo:
        raise CevnsError(f"a time window needs t_min < t_max, got ({lo:g}, {hi:g})")
    return lo, hi


def _quad(f: Callable[[float], float], lo: float, hi: float, kinks: Sequence[float]) -> float:
    cuts = [lo, *sorted(k for k in kinks if lo < k < hi), hi]
    total = 0.0
    for a, b in itertools.pairwise(cuts):
        value, _ = integrate.quad(f, a, b, limit=200, epsabs=1e-13, epsrel=1e-10)
        total += value
    return total


# --------------------------------------------------------------------------------- resolution
class ResolutionModel(_Model):
    """Base class: the distribution of the observed value x for a recoil of mean value μ.

    ``mean`` is in the observable's unit; ``Tee`` (keVee) is passed for models whose shape
    depends on the electron-equivalent energy (Gamma).
    """

    #: Observables the model applies to.
    observables: ClassVar[tuple[str, ...]] = OBSERVABLES
    #: True for integer outcomes (photo-electron counts).
    discrete: ClassVar[bool] = False

    def cdf(self, x: Array, mean: Array, Tee: Array) -> Array:
        """P(X < x) (broadcast); for a continuous distribution the same as P(X ≤ x).

        A degenerate distribution (σ = 0, μ = 0) is a step that is 0 at x = μ, so that the
        interval [lo, hi) holding μ receives it, as in the deterministic case. Discrete models
        return P(X ≤ floor(x)) and are evaluated at integers by the bin code.
        """
        raise TypeError(f"{type(self).__name__} is abstract: a model subclass defines this method")

    def pdf(self, x: Array, mean: Array, Tee: Array) -> Array:
        """Density (probability mass for discrete models) at x (broadcast)."""
        raise TypeError(f"{type(self).__name__} is abstract: a model subclass defines this method")

    def variance(self, mean: ArrayLike, Tee: ArrayLike | None = None) -> Array:
        """Variance of the observed value (observable unit squared)."""
        raise TypeError(f"{type(self).__name__} is abstract: a model subclass defines this method")


class GaussianResolution(ResolutionModel):
    """Gaussian smearing with σ(E) = √(σ₀² + F ε_pair E + a² E + c² E²) (PHYSICS.md §6.4).

    E and σ are in the observable's unit (keV for energies); ε_pair is given in eV and converted
    to keV, so the Fano term is meant for energy observables. LAr 2020 (arXiv:2006.12659):
    σ/E = 0.58/√E[keVee] is ``stochastic=0.58``. A callable ``sigma_function(E)`` replaces the
    formula. At σ = 0 the distribution is a step (CDF) and has no density.

    Examples
    --------
    >>> ge = GaussianResolution(sigma0=0.05, fano=0.11, pair_energy_eV=2.96)
    >>> round(float(ge.sigma(1.0)), 5)
    0.05316
    """

    model_name: ClassVar[str] = "gaussian"

    sigma0 = param.Number(
        0.0, bounds=(0.0, 1e6), softbounds=(0.0, 1.0), doc="Noise term σ₀ (observable's unit)."
    )
    fano = param.Number(0.0, bounds=(0.0, 100.0), softbounds=(0.0, 0.5), doc="Fano factor F.")
    pair_energy_eV = param.Number(
        2.96,
        bounds=(0.0, 1e4),
        inclusive_bounds=(False, True),
        softbounds=(1.0, 30.0),
        doc="Mean energy per charge pair ε_pair in eV (Ge 2.96).",
    )
    stochastic = param.Number(
        0.0,
        bounds=(0.0, 1e3),
        softbounds=(0.0, 2.0),
        doc="Stochastic term a: σ² += a² E (LAr 2020: 0.58 √keVee, i.e. σ/E = 0.58/√E).",
    )
    linear = param.Number(
        0.0, bounds=(0.0, 10.0), softbounds=(0.0, 0.2), doc="Constant term c: σ² += c² E²."
    )
    sigma_function = param.Callable(
        None, allow_None=True, doc="Optional vectorised σ(E); replaces the formula."
    )

    def sigma(self, E: ArrayLike) -> Array:
        """σ at mean observable value(s) ``E`` (negative E treated as 0)."""
        E = np.maximum(np.asarray(E, dtype=float), 0.0)
        if self.sigma_function is not None:
            try:
                s = np.broadcast_to(np.asarray(self.sigma_function(E), dtype=float), E.shape)
            except Exception as exc:
                raise CevnsError(f"sigma_function failed: {exc}") from exc
            if not np.all(np.isfinite(s)) or np.any(s < 0):
                raise CevnsError("sigma_function must return finite, non-negative values")
            return s
        var = (
            self.sigma0**2
            + self.fano * self.pair_energy_eV * 1e-3 * E
            + self.stochastic**2 * E
            + self.linear**2 * E**2
        )
        return np.sqrt(var)

    def cdf(self, x: Array, mean: Array, Tee: Array) -> Array:
        s = self.sigma(mean)
        safe = np.where(s > 0, s, 1.0)
        return np.where(s > 0, special.ndtr((x - mean) / safe), (x > mean).astype(float))

    def pdf(self, x: Array, mean: Array, Tee: Array) -> Array:
        s = self.sigma(mean)
        safe = np.where(s > 0, s, 1.0)
        z = (x - mean) / safe
        return np.where(s > 0, np.exp(-0.5 * z * z) / (math.sqrt(2 * math.pi) * safe), 0.0)

    def variance(self, mean: ArrayLike, Tee: ArrayLike | None = None) -> Array:
        return self.sigma(mean) ** 2


class PoissonResolution(ResolutionModel):
    """Photo-electron counting: P(n | μ) = μⁿ e^(−μ)/n!, μ = LY·T_ee (PHYSICS.md §6.4).

    Examples
    --------
    >>> float(PoissonResolution().variance(11.72))
    11.72
    """

    model_name: ClassVar[str] = "poisson"
    observables: ClassVar[tuple[str, ...]] = ("PE",)
    discrete: ClassVar[bool] = True

    def cdf(self, x: Array, mean: Array, Tee: Array) -> Array:
        n = np.floor(x)
        return np.where(n >= 0, stats.poisson.cdf(np.maximum(n, 0), mean), 0.0)

    def pdf(self, x: Array, mean: Array, Tee: Array) -> Array:
        return stats.poisson.pmf(x, mean)

    def variance(self, mean: ArrayLike, Tee: ArrayLike | None = None) -> Array:
        return np.asarray(mean, dtype=float)


class GammaResolution(ResolutionModel):
    """COHERENT CsI[Na] 2021 PE smearing: Gamma with mean μ = LY·T_ee, shape k = 1 + b₁·T_ee.

    Release form (supplemental material of arXiv:2110.07730, as quoted): a = 0.0749/E_ee,
    b = 9.56·E_ee, P(x) ∝ x^b e^(−a(1+b)x) → shape 1 + b, scale 1/(a(1+b)), mean 1/a. With
    μ = LY·E_ee (LY = 13.35 ≈ 1/0.0749): variance = μ²/k.

    Examples
    --------
    >>> g = GammaResolution()
    >>> round(float(g.variance(13.35, 1.0)), 4)   # μ²/(1 + 9.56)
    16.8771
    """

    model_name: ClassVar[str] = "gamma"
    observables: ClassVar[tuple[str, ...]] = ("PE",)

    shape_per_keVee = param.Number(
        9.56,
        bounds=(0.0, 1e4),
        softbounds=(0.0, 30.0),
        doc="b₁ in shape k = 1 + b₁·T_ee[keVee] (release: b = 9.56·E_ee).",
    )

    def _shape(self, Tee: Array) -> Array:
        return 1.0 + self.shape_per_keVee * np.maximum(np.asarray(Tee, dtype=float), 0.0)

    def cdf(self, x: Array, mean: Array, Tee: Array) -> Array:
        k = self._shape(Tee)
        ok = mean > 0
        rate = np.where(ok, k / np.where(ok, mean, 1.0), 1.0)
        smeared = special.gammainc(k, np.maximum(x, 0.0) * rate)
        return np.where(ok, smeared, (x > 0).astype(float))

    def pdf(self, x: Array, mean: Array, Tee: Array) -> Array:
        k = self._shape(Tee)
        ok = mean > 0
        scale = np.where(ok, mean, 1.0) / k
        return np.where(ok & (x > 0), stats.gamma.pdf(np.maximum(x, 0.0), k, scale=scale), 0.0)

    def variance(self, mean: ArrayLike, Tee: ArrayLike | None = None) -> Array:
        m = np.asarray(mean, dtype=float)
        if Tee is None:
            raise CevnsError("the Gamma resolution's variance needs Tee (keVee)")
        return m**2 / self._shape(np.asarray(Tee, dtype=float))


#: Registry: resolution model name → class.
RESOLUTION_MODELS: dict[str, type[ResolutionModel]] = {
    cls.model_name: cls for cls in (GaussianResolution, PoissonResolution, GammaResolution)
}


def resolution_model(name: str, **params: Any) -> ResolutionModel:
    """Build a registry resolution model by name (``"gaussian"``, ``"poisson"``, ``"gamma"``).

    Raises
    ------
    CevnsError
        Unknown name, unknown or out-of-range parameter.
    """
    cls = RESOLUTION_MODELS[check_choice(name, "resolution model", RESOLUTION_MODELS)]
    return cls(**params)


# ------------------------------------------------------------------------------------ kernels
def bin_probabilities(
    lo: ArrayLike,
    hi: ArrayLike,
    mean: ArrayLike,
    Tee: ArrayLike | None = None,
    *,
    resolution: ResolutionModel | None = None,
    efficiency: EfficiencyModel | None = None,
    cells: tuple[ArrayLike, ArrayLike] | None = None,
) -> Array:
    """P(lo_i ≤ x < hi_i | μ_j) × ε, shape (n_bins, n_T).

    Parameters
    ----------
    lo, hi : array_like, shape (n_bins,)
        Bin limits in the observable's unit; bins must not overlap (``lo`` increasing, each
        ``hi_i ≤ lo_{i+1}``); a bin with hi ≤ lo is empty.
    mean : array_like, shape (n_T,)
        Mean observable value of each recoil.
    Tee : array_like, shape (n_T,), optional
        Electron-equivalent energies (keVee), needed by the Gamma resolution.
    resolution : ResolutionModel, optional
        ``None``: the observed value is ``mean`` (deterministic).
    efficiency : EfficiencyModel, optional
        Applied to the observed value (its ``stage`` is not looked at here).
    cells : (lower, upper) arrays of shape (n_T,), optional
        Without a resolution: spread recoil j uniformly over [lower_j, upper_j] (see
        :func:`node_cells`) instead of putting it wholly into the bin holding μ_j.

    Returns
    -------
    ndarray
        (n_bins, n_T). Continuous resolutions: exact CDF differences, with ε folded on
        sub-intervals (bin-centre cells, or ``_SUB_INTERVALS`` per bin at their midpoints);
        Poisson: CDF differences over the integers in each bin, ε evaluated at each integer.
    """
    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    mu = np.asarray(mean, dtype=float)
    tee = np.zeros_like(mu) if Tee is None else np.asarray(Tee, dtype=float)
    width_ok = hi > lo
    if resolution is None and cells is not None:
        resolution = _NodeCells(
            np.asarray(cells[0], dtype=float), np.asarray(cells[1], dtype=float)
        )
    if resolution is None:
        inside = (lo[:, None] <= mu[None, :]) & (mu[None, :] < hi[:, None]) & width_ok[:, None]
        out = inside.astype(float)
        if efficiency is not None:
            out *= efficiency.applied(mu)[None, :]
        return out
    if resolution.discrete:
        return _discrete_bins(lo, hi, mu, tee, resolution, efficiency)
    if efficiency is None:
        p = _cdf_differences(resolution, lo, hi, mu, tee)
        return np.where(width_ok[:, None], np.maximum(p, 0.0), 0.0)
    a, b, owner = _sub_intervals(lo, hi, efficiency)
    p = _cdf_differences(resolution, a, b, mu, tee)
    mids = 0.5 * (a + b)
    weights = efficiency.applied(mids)
    out = np.zeros((lo.size, mu.size))
    values = np.maximum(p, 0.0) * weights[:, None]
    if owner.size and np.all(owner[1:] >= owner[:-1]):
        # sub-intervals come grouped by bin: one reduceat instead of the slow unbuffered add.at
        starts = np.flatnonzero(np.concatenate(([True], owner[1:] != owner[:-1])))
        out[owner[starts]] = np.add.reduceat(values, starts, axis=0)
    else:
        np.add.at(out, owner, values)
    return out


def _cdf_differences(
    resolution: ResolutionModel, a: Array, b: Array, mu: Array, tee: Array
) -> Array:
    """CDF(b_i | μ_j) − CDF(a_i | μ_j), shape (n_intervals, n_T).

    Adjacent intervals share their limits (b_i = a_{i+1}), so the CDF is evaluated once per
    distinct limit: the same numbers at about half the cost.
    """
    points, inverse = np.unique(np.concatenate((a, b)), return_inverse=True)
    cdf = resolution.cdf(points[:, None], mu[None, :], tee[None, :])
    cdf = np.broadcast_to(cdf, (points.size, mu.size))
    return cdf[inverse[a.size :]] - cdf[inverse[: a.size]]


def _sub_intervals(
    lo: Array, hi: Array, efficiency: EfficiencyModel
) -> tuple[Array, Array, NDArray[np.intp]]:
    """Sub-intervals [a_s, b_s) of the (non-empty) bins and the bin each belongs to."""
    keep = np.flatnonzero(hi > lo)
    if efficiency.evaluation == "bin_centre":
        w, o = float(efficiency.bin_width), float(efficiency.bin_origin)
        first = math.floor((lo[keep].min() - o) / w) if keep.size else 0
        last = math.ceil((hi[keep].max() - o) / w) if keep.size else 0
        if last - first > _MAX_GRID_CELLS:
            raise CevnsError(
                f"the bins span {last - first} efficiency cells of width {w:g}; at most "
                f"{_MAX_GRID_CELLS} are supported"
            )
        grid = o + w * np.arange(first, last + 1)
        points = np.union1d(np.concatenate((lo[keep], hi[keep])), grid)
        a, b = points[:-1], points[1:]
        mid = 0.5 * (a + b)
        owner = np.searchsorted(lo, mid, side="right") - 1
        valid = owner >= 0
        valid[valid] &= mid[valid] < hi[owner[valid]]
        return a[valid], b[valid], owner[valid]
    frac = np.linspace(0.0, 1.0, _SUB_INTERVALS + 1)
    edges = lo[keep, None] + (hi[keep] - lo[keep])[:, None] * frac[None, :]
    a = edges[:, :-1].ravel()
    b = edges[:, 1:].ravel()
    owner = np.repeat(keep, _SUB_INTERVALS)
    return a, b, owner


class _NodeCells(ResolutionModel):
    """Pseudo-resolution: node j's observed value is uniform on its cell [lower_j, upper_j]."""

    model_name: ClassVar[str] = "node_cells"

    def __init__(self, lower: Array, upper: Array) -> None:
        super().__init__()
        self._lower = lower
        self._upper = upper

    def cdf(self, x: Array, mean: Array, Tee: Array) -> Array:
        width = self._upper - self._lower
        safe = np.where(width > 0, width, 1.0)
        frac = np.clip((x - self._lower) / safe, 0.0, 1.0)
        return np.where(width > 0, frac, (x > self._lower).astype(float))


def node_cells(T_keV: ArrayLike, mean: ArrayLike) -> tuple[Array, Array]:
    """Cells of recoil nodes in observable space: between the midpoints to their neighbours.

    The nodes are sorted by T; interior cell boundaries are the observable values at the
    T-midpoints (mapped linearly between the nodes' values), the outer cells are symmetric about
    the first/last node (the lowest one not below 0). A single node gets an empty cell.
    """
    T = np.asarray(T_keV, dtype=float)
    mu = np.asarray(mean, dtype=float)
    order = np.argsort(T, kind="stable")
    Ts, ms = T[order], mu[order]
    if T.size < 2:
        return mu.copy(), mu.copy()
    if np.any(np.diff(Ts) == 0):
        raise CevnsError("T_keV must not repeat a recoil energy for node cells")
    mids = 0.5 * (ms[1:] + ms[:-1])
    first = max(ms[0] - 0.5 * (ms[1] - ms[0]), min(0.0, ms[0]))
    last = ms[-1] + 0.5 * (ms[-1] - ms[-2])
    bounds = np.concatenate(([first], mids, [last]))
    lower = np.empty_like(mu)
    upper = np.empty_like(mu)
    lower[order] = bounds[:-1]
    upper[order] = bounds[1:]
    return lower, upper


def _discrete_bins(
    lo: Array,
    hi: Array,
    mu: Array,
    tee: Array,
    resolution: ResolutionModel,
    efficiency: EfficiencyModel | None,
) -> Array:
    """Integer outcomes n with lo ≤ n < hi: first n = ceil(lo), last n = ceil(hi) − 1."""
    n_first = np.ceil(lo)
    n_last = np.ceil(hi) - 1.0
    nonempty = n_last >= np.maximum(n_first, 0.0)
    if efficiency is None:
        upper = resolution.cdf(n_last[:, None], mu[None, :], tee[None, :])
        lower = resolution.cdf(n_first[:, None] - 1.0, mu[None, :], tee[None, :])
        return np.where(nonempty[:, None], np.maximum(upper - lower, 0.0), 0.0)
    out = np.zeros((lo.size, mu.size))
    if not nonempty.any() or mu.size == 0:
        return out
    mu_max = float(mu.max(initial=0.0))
    tail = math.ceil(mu_max + _POISSON_TAIL_SIGMAS * math.sqrt(mu_max) + 30.0)
    n_lo = int(max(0.0, n_first[nonempty].min()))
    n_hi = int(min(n_last[nonempty].max(), tail))
    if n_hi < n_lo:
        return out
    n = np.arange(n_lo, n_hi + 1, dtype=float)
    pmf = resolution.pdf(n[:, None], mu[None, :], tee[None, :]) * efficiency(n)[:, None]
    owner = np.searchsorted(n_first, n, side="right") - 1
    valid = owner >= 0
    valid[valid] &= n[valid] <= n_last[owner[valid]]
    np.add.at(out, owner[valid], pmf[valid])
    return out


def observed_density(
    x: ArrayLike,
    mean: ArrayLike,
    Tee: ArrayLike | None = None,
    *,
    resolution: ResolutionModel,
    efficiency: EfficiencyModel | None = None,
) -> Array:
    """Smearing kernel K(x_i | μ_j) × ε(x_i), shape (n_x, n_T).

    For a continuous resolution K is a density in x (per observable unit); for Poisson it is the
    probability of the integer count x_i (``x`` must hold integers).
    """
    xs = np.asarray(x, dtype=float)
    mu = np.asarray(mean, dtype=float)
    tee = np.zeros_like(mu) if Tee is None else np.asarray(Tee, dtype=float)
    if resolution.discrete and np.any(xs != np.round(xs)):
        bad = xs[xs != np.round(xs)].flat[0]
        raise CevnsError(f"a Poisson (PE-count) density needs integer x, got {bad:g}")
    kernel = resolution.pdf(xs[:, None], mu[None, :], tee[None, :])
    if efficiency is not None:
        values = efficiency(xs) if resolution.discrete else efficiency.applied(xs)
        kernel = kernel * values[:, None]
    return kernel


def _as_efficiency(value: Any, name: str = "efficiency") -> EfficiencyModel | None:
    """An EfficiencyModel from a model, a plain callable (wrapped) or None."""
    if value is None or isinstance(value, EfficiencyModel):
        return value
    if callable(value):
        return FunctionalEfficiency(function=value)
    raise CevnsError(
        f"{name} must be None, an EfficiencyModel or a callable of the observable, got {value!r}"
    )
