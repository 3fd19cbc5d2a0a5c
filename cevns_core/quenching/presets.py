"""Published quenching models of data releases and the preset files they are read from.

The numbers (and their ±1σ variants) live in ``data/detectors/<preset>.txt`` (``key = values``
lines, see ``data/SOURCES.md``); :mod:`cevns_core.detector` reads its other preset numbers from
the same files through the helpers here.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from .._validation import check_choice
from ..errors import CevnsError
from .base import QuenchingModel
from .polynomial import (
    ConstantQuenching,
    ElectronEquivalentPolynomialQuenching,
    PolynomialQuenching,
)

__all__ = ["QUENCHING_PRESETS", "quenching_preset", "quenching_preset_variants"]


#: Presets shipped in ``data/detectors/`` (one parameter file per data release).
QUENCHING_PRESETS: tuple[str, ...] = ("coherent_csi_2017", "coherent_csi_2021", "coherent_lar_2020")


@cache
def _preset_file(name: str) -> dict[str, tuple[str, ...]]:
    """Read ``data/detectors/<name>.txt``: ``key = v1 v2 ...`` lines, '#' comments."""
    text = files("cevns_core").joinpath("data", "detectors", f"{name}.txt").read_text("utf-8")
    values: dict[str, tuple[str, ...]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        key, sep, rest = line.partition("=")
        if not sep or not key.strip() or not rest.split():
            raise CevnsError(f"malformed line {number} in data/detectors/{name}.txt: {raw!r}")
        values[key.strip()] = tuple(rest.split())
    return values


def _preset_values(name: str) -> dict[str, tuple[str, ...]]:
    return _preset_file(check_choice(name, "detector preset", QUENCHING_PRESETS))


def _preset_numbers(name: str, key: str) -> tuple[float, ...]:
    """The numbers stored under ``key`` in a preset file."""
    return tuple(float(v) for v in _preset_values(name)[key])


def _variants(name: str, prefix: str) -> tuple[str, ...]:
    keys = _preset_values(name)
    return tuple(k[len(prefix) :] for k in keys if k.startswith(prefix))


def quenching_preset_variants(name: str) -> tuple[str, ...]:
    """Variant names of a quenching preset (``"nominal"`` first, then the ±1σ variations).

    Examples
    --------
    >>> quenching_preset_variants("coherent_lar_2020")
    ('nominal', 'a_plus_1sigma', 'a_minus_1sigma', 'b_plus_1sigma', 'b_minus_1sigma')
    """
    return _variants(name, "quenching.")


def quenching_preset(name: str, variant: str = "nominal") -> QuenchingModel:
    """The published quenching model of a data release.

    * ``"coherent_csi_2017"`` — constant 0.0878 ± 0.0166 (``coherent_parameters.yaml`` of the
      arXiv:1708.01294 data release); variants ``plus_1sigma`` / ``minus_1sigma``;
    * ``"coherent_csi_2021"`` — T_ee(T) polynomial in MeV (``scintRespCoefficients.txt`` of
      arXiv:2110.07730); variants ``syst0_plus_1sigma``, ``syst0_minus_1sigma``,
      ``syst1_plus_1sigma``, ``syst1_minus_1sigma`` (the two systematic models of the release);
    * ``"coherent_lar_2020"`` — Q = 0.246(6) + 0.00078(9)·T[keVnr] (``LArParametersAnlA.yaml``
      of arXiv:2006.12659); variants move a or b by ±1σ, one at a time (the release gives no
      correlation).

    Raises
    ------
    CevnsError
        Unknown preset or variant.

    Examples
    --------
    >>> round(float(quenching_preset("coherent_csi_2017").quenching_factor(10.0)), 4)
    0.0878
    """
    kind = _preset_values(name)["quenching_model"][0]
    label = f"variant of quenching preset {name!r}"
    variant = check_choice(variant, label, quenching_preset_variants(name))
    coeffs = _preset_numbers(name, f"quenching.{variant}")
    if kind == "constant":
        return ConstantQuenching(value=coeffs[0])
    if kind == "polynomial":
        return PolynomialQuenching(coefficients=coeffs)
    return ElectronEquivalentPolynomialQuenching(coefficients=coeffs, energy_unit="MeV")
