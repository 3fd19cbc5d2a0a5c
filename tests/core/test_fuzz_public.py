"""Fuzzing every public callable of ``cevns_core`` (security issue, item 8).

Every name in ``cevns_core.__all__`` has an entry below: a callable gets a signature table (one
:class:`Arg` per parameter: a strategy of valid values, boundary values and hostile values), a
class that only holds results is listed in ``RESULT_TYPES`` (its instances are checked as the
results of the functions that build them), and exceptions and constants are listed as such. A
new public name without an entry fails :func:`test_every_public_name_has_an_entry`, so future
additions get fuzzed. The main methods that take user input (experiment spectra, source spectra,
detector responses, profiles, scan results, …) have entries of their own.

The contract checked: a call either returns a result whose every number is finite (walked through
arrays, mappings, sequences and dataclasses; the documented exceptions are in ``INFINITE_OK``) or
raises :class:`~cevns_core.CevnsError` (``DivergentCountsError`` included) with a message — never
another exception type, and never a numpy warning (warnings are errors in this suite).

Two kinds of test: ``test_hostile_examples`` runs a fixed list of hostile values (NaN, ±inf,
10**400, 1e-300, negative, wrong types, unknown names, arrays above the size caps) through every
parameter of every entry, the others at their base value — independent of the hypothesis seed;
``test_fuzzed`` draws combinations with hypothesis (derandomized, so CI is reproducible).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import numbers
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import param
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

import cevns_core as cc
from cevns_core._validation import MAX_ARRAY_POINTS
from cevns_core.datasets import _folder
from cevns_core.errors import CevnsError

NAN, INF = math.nan, math.inf
HUGE_INT = 10**400

#: Hostile numbers: non-finite, beyond float range, subnormal, zero, negative.
BAD_NUMBERS: tuple[Any, ...] = (
    NAN,
    INF,
    -INF,
    HUGE_INT,
    -HUGE_INT,
    1e308,
    -1e308,
    1e-300,
    5e-324,
    0.0,
    -0.0,
    -1.0,
    -1e-300,
)
#: Hostile types: strings, None, containers, complex, arbitrary objects.
BAD_TYPES: tuple[Any, ...] = (
    "abc",
    "",
    None,
    [],
    [NAN],
    [[1.0], [1.0, 2.0]],
    1 + 1j,
    object(),
    {"a": 1.0},
    b"1",
    np.array(["x"]),
    np.datetime64("2020-01-01"),
)
#: Hostile names: unknown, empty, near misses, control characters, huge, wrong types.
BAD_NAMES: tuple[Any, ...] = (
    "",
    "nope",
    "Cs999",
    " Cs133",
    "\x00",
    "é" * 3000,
    "../../etc/passwd",
    None,
    1,
    NAN,
    ["Cs133"],
    object(),
    b"Cs133",
)
BAD_FLAGS: tuple[Any, ...] = ("yes", 2, NAN, [], object())
BAD_INTEGERS: tuple[Any, ...] = (0, -1, 10**12, HUGE_INT, 1.5, NAN, INF, "3", None, object())
BAD_OBJECTS: tuple[Any, ...] = (None, "abc", 1.0, NAN, object(), [1.0])

#: Arrays above the size cap, refused before any work (their shapes: a flat array and a grid).
OVERSIZE = (np.ones(MAX_ARRAY_POINTS + 1), np.ones((2, MAX_ARRAY_POINTS // 2 + 1)))


# ------------------------------------------------------------------------------ argument kinds
@dataclass
class Arg:
    """One parameter: its base value, a strategy of valid values and a list of hostile ones."""

    base: Any
    valid: st.SearchStrategy
    hostile: tuple[Any, ...]


def _floats(lo: float, hi: float) -> st.SearchStrategy:
    inner = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    return st.one_of(st.sampled_from([lo, hi]), inner)


def number(lo: float, hi: float, base: float | None = None) -> Arg:
    return Arg(lo if base is None else base, _floats(lo, hi), BAD_NUMBERS + BAD_TYPES)


def capped(arg: Arg) -> Arg:
    """A parameter whose size the function caps (its work grows faster than the input):
    arrays above the cap are among the hostile values."""
    return dataclasses.replace(arg, hostile=arg.hostile + OVERSIZE)


def opt(arg: Arg, base: Any = None) -> Arg:
    """The same parameter with None allowed (and the base value, by default)."""
    return Arg(base, st.none() | arg.valid, arg.hostile)


def array(lo: float, hi: float, base: Any = None, *, size: int = 6) -> Arg:
    elements = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    valid = st.one_of(
        _floats(lo, hi),
        arrays(
            np.float64,
            array_shapes(min_dims=1, max_dims=2, min_side=0, max_side=size),
            elements=elements,
        ),
        st.lists(elements, min_size=1, max_size=size),
    )
    hostile = BAD_NUMBERS + BAD_TYPES + (np.array([lo, NAN]), np.array([lo, -INF]))
    return Arg([lo, hi] if base is None else base, valid, hostile)


def grid(lo: float, hi: float, base: Any = None, *, size: int = 6) -> Arg:
    """A 1-D grid of at least two values (scan axes, profile grids)."""
    elements = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    valid = st.lists(elements, min_size=2, max_size=size, unique=True).map(sorted).map(np.array)
    hostile = BAD_NUMBERS + BAD_TYPES + (np.array([lo, NAN]), [lo], [hi, lo, hi])
    return Arg(np.linspace(lo, hi, 3) if base is None else base, valid, hostile)


def choice(options: Any, base: Any = None) -> Arg:
    options = list(options)
    return Arg(options[0] if base is None else base, st.sampled_from(options), BAD_NAMES)


def flag(base: bool = False) -> Arg:
    return Arg(base, st.booleans(), BAD_FLAGS)


def integer(lo: int, hi: int, base: int | None = None) -> Arg:
    return Arg(lo if base is None else base, st.integers(lo, hi), BAD_INTEGERS)


def instance(*factories: Callable[[], Any], none: bool = False) -> Arg:
    """Fresh objects (models are mutable: each call gets its own)."""
    valid = st.sampled_from(factories).map(lambda make: make())
    if none:
        valid = st.none() | valid
    return Arg(_Fresh(factories[0]), valid, BAD_OBJECTS)


def mapping(keys: Any, value: Arg, *, none: bool = True) -> Arg:
    valid = st.dictionaries(st.sampled_from(list(keys)), value.valid, max_size=3)
    if none:
        valid = st.none() | valid
    key = next(iter(keys))
    hostile = ({"nope": 1.0}, {key: NAN}, {key: "abc"}, {key: -INF}, [1.0], "abc", 1.0)
    return Arg(None if none else {}, valid, hostile)


def fixed(value: Any, *hostile: Any) -> Arg:
    return Arg(value, st.just(value), hostile)


@dataclass(frozen=True)
class _Fresh:
    """A base value built at call time."""

    make: Callable[[], Any]


def _resolve(value: Any) -> Any:
    return value.make() if isinstance(value, _Fresh) else value


# ------------------------------------------------------------------------------ shared inputs
def _exp(name: str) -> Callable[[], Any]:
    return lambda: cc.experiment(name)


def _source(name: str) -> Callable[[], Any]:
    return lambda: cc.experiment(name).source


def _detector(name: str) -> Callable[[], Any]:
    return lambda: cc.experiment(name).detector


def _tabulated() -> cc.TabulatedSource:
    return cc.TabulatedSource(E_MeV=[1.0, 5.0, 10.0], spectra={"nu_e": [1e10, 2e10, 1e9]})


FAST_PRESETS = ("coherent_csi_2017", "conus", "ccm", "coherent_lar_2020")
SOURCES = instance(
    _source("coherent_csi_2017"),
    _source("conus"),
    _source("xenon_1t_floor"),
    _tabulated,
    cc.Chromium51,
    cc.SupernovaBurst,
)
DETECTORS = instance(*(_detector(n) for n in FAST_PRESETS))
EXPERIMENTS = instance(*(_exp(n) for n in FAST_PRESETS))
SELF_SOURCES, SELF_DETECTORS, SELF_EXPERIMENTS = (
    dataclasses.replace(a, hostile=()) for a in (SOURCES, DETECTORS, EXPERIMENTS)
)
ISOTOPES = choice(["Cs133", "Ar40", "Xe132", "Ge72", "Na23", "H1", "Pb208", "C12"])
TARGETS = choice(["CsI", "Ar", "Xe", "Ge", "NaI", "Cs133", "CaWO4"])
DM_TARGETS = choice(["Xe", "Ge", "Ar", "CsI"])
FORM_FACTORS = choice([m for m in cc.form_factor_models() if m != "moment_expansion"])
FLAVOURS = opt(choice(cc.FLAVOURS))
PHYSICS = instance(
    cc.StandardModel,
    lambda: cc.NewPhysics(eps_uV_ee=0.1),
    lambda: cc.NewPhysics(zprime_coupling=1e-4, zprime_mass_MeV=10.0),
    none=True,
)
ENERGIES = array(0.0, 1e4, [1.0, 30.0, 300.0])
RECOILS = array(0.0, 1e3, [0.1, 1.0, 10.0])
MOMENTA = array(0.0, 50.0, [0.0, 0.5, 1.0])
FRACTION = number(0.0, 1.0, 0.5)
CL = number(0.0, 1.0, 0.9)
DATASETS = choice(cc.dataset_names())
SIN2 = number(0.0, 1.0, 0.238)
RADIUS = opt(array(3.0, 8.0, 5.0), 5.0)
SKIN = opt(array(-1.0, 2.0, 0.1))
SIGMA = opt(number(0.0, 10.0, 0.1))
STATISTICS = opt(choice(["gaussian", "poisson", "gaussian_coherent"]))
#: presets with a published block, by name or as an Experiment (either is accepted)
_PUBLISHED_PRESETS = ("conus_plus_2025", "coherent_csi_2017", "texono_2024", "xenonnt_b8_2026")
PUBLISHED = Arg(
    _PUBLISHED_PRESETS[0],
    st.sampled_from(_PUBLISHED_PRESETS)
    | st.sampled_from(_PUBLISHED_PRESETS).map(lambda n: cc.experiment(n)),
    BAD_NAMES + BAD_OBJECTS,
)


#: published-style star-formation and core-collapse inputs (tests/core/sources/test_supernova.py)
DSNB_RATE = {
    "ccsn_rate_local_per_Mpc3_yr": 1e-4,
    "sfr_a": 3.4,
    "sfr_b": -0.3,
    "sfr_c": -3.5,
    "sfr_B": 5000.0,
    "sfr_C": 9.0,
    "sfr_eta": -10.0,
}


_FILES = tempfile.TemporaryDirectory(prefix="cevns-fuzz-")  # removed by teardown_module


def teardown_module() -> None:
    _FILES.cleanup()


def _form_factor_file() -> str:
    path = Path(_FILES.name) / "table.csv"
    if not path.exists():
        cc.form_factor_table("ar40_charge_fb_devries1987").to_csv(path)
    return str(path)


def _dataset_file() -> str:
    path = Path(_FILES.name) / "dataset.json"
    if not path.exists():
        meta = json.loads(_folder().joinpath("coherent_csi_2017.json").read_text(encoding="utf-8"))
        shutil.copy(str(_folder().joinpath(meta["file"])), Path(_FILES.name) / meta["file"])
        path.write_text(json.dumps(meta), encoding="utf-8")
    return str(path)


BAD_PATHS = ("/nonexistent.csv", "/", "/dev/null", "/etc/hostname", "", None, 1.0, "\x00", b"/etc")


@functools.cache  # results are not changed by their methods: one object serves every call
def _profile() -> cc.Profile1D:
    grid_ = np.linspace(0.15, 0.35, 21)
    return cc.Profile1D("sin2_theta_W", grid_, 50.0 * (grid_ - 0.24) ** 2 + 3.0)


@functools.cache
def _csi_2021() -> cc.Likelihood:
    return cc.Likelihood("coherent_csi_2021")


@functools.cache
def _scan_1d() -> cc.ScanResult:
    return cc.scan(cc.experiment("coherent_csi_2017"), "nsi_vector_ee", eps_u=np.linspace(-1, 1, 9))


@functools.cache
def _scan_2d() -> cc.ScanResult:
    return cc.scan(
        cc.experiment("coherent_csi_2017"),
        "zprime",
        coupling=np.geomspace(1e-5, 1e-3, 4),
        mass_MeV=np.geomspace(1.0, 1e3, 4),
    )


# ------------------------------------------------------------------------------ the table
@dataclass
class Entry:
    """How to call one public callable: its parameters by name, and how often to fuzz it."""

    call: Callable[..., Any]
    args: dict[str, Arg] = field(default_factory=dict)
    examples: int = 25
    #: result paths allowed to be infinite, with the reason (documented behaviour)
    infinite_ok: dict[str, str] = field(default_factory=dict)


OPEN_END = "an interval open at the grid end: its error or limit is documented as inf"
IMPOSSIBLE_DATA = "χ² = inf where a bin has counts but no nuisance values give a prediction > 0"
FREE_NUISANCE = "sigma_signal = inf means a free normalisation (statistics module docstring)"


def this(*factories: Callable[[], Any]) -> Arg:
    """The instance a method is called on (valid objects only: a float has no methods)."""
    return dataclasses.replace(instance(*factories), hostile=())


def method(name: str) -> Callable[..., Any]:
    def call(self: Any, **kwargs: Any) -> Any:
        return getattr(self, name)(**kwargs)

    call.__name__ = name
    return call


def _param_entry(
    cls: type[param.Parameterized],
    then: str | None = None,
    base: dict[str, Any] | None = None,
    infinite_ok: dict[str, str] | None = None,
    **args: Arg,
) -> Entry:
    """A model constructor: every declared number gets its bounds and the hostile values."""
    table: dict[str, Arg] = {}
    for key, p in cls.param.objects("existing").items():
        if key == "name" or p.constant or p.precedence == -1:
            continue
        default = p.default
        if isinstance(p, param.Boolean):
            table[key] = flag(bool(default))
        elif isinstance(p, param.Integer):
            lo, hi = p.bounds or (0, 100)
            table[key] = integer(
                int(lo if lo is not None else 0), int(hi if hi is not None else 100), default
            )
        elif isinstance(p, param.Number):
            lo, hi = p.bounds or (None, None)
            lo = -1e6 if lo is None else lo
            hi = 1e6 if hi is None else hi
            table[key] = (
                opt(number(lo, hi, default), default) if p.allow_None else number(lo, hi, default)
            )
        elif isinstance(p, param.Selector) and not isinstance(p, param.ClassSelector):
            objects = (
                list(p.objects) if not isinstance(p.objects, dict) else list(p.objects.values())
            )
            if objects:
                table[key] = choice(objects, default)
    table.update(args)

    def call(**kwargs: Any) -> Any:
        kwargs = {k: v for k, v in kwargs.items() if v is not _SKIP}
        obj = cls(**kwargs)
        return getattr(obj, then)() if then else obj

    call.__name__ = cls.__name__
    base = base or {}
    table = {
        k: dataclasses.replace(
            a, base=base.get(k, _SKIP), valid=st.just(base.get(k, _SKIP)) | a.valid
        )
        for k, a in table.items()
    }
    return Entry(call, table, examples=20, infinite_ok=infinite_ok or {})


_SKIP = object()  # a constructor keyword left out (its default)

TABLE: dict[str, Entry] = {
    # ---- nuclei, materials, form factors
    "isotope": Entry(cc.isotope, {"name": ISOTOPES}),
    "isotopes_of": Entry(cc.isotopes_of, {"symbol": choice(["Cs", "Xe", "Ge", "H", "U"])}),
    "natural_isotopes": Entry(cc.natural_isotopes, examples=1),
    "material": Entry(
        cc.material, {"name_or_formula": choice([*cc.material_names(), "H2O", "CsI", "C6H6"])}
    ),
    "material_names": Entry(cc.material_names, {"include_aliases": flag()}),
    "target_material": Entry(cc.target_material, {"name": TARGETS}),
    "form_factor": Entry(
        lambda model, q_fm, iso: cc.form_factor(model, q_fm, iso),
        {"model": FORM_FACTORS, "q_fm": MOMENTA, "iso": ISOTOPES},
    ),
    "form_factor_model": Entry(cc.form_factor_model, {"name": FORM_FACTORS, "iso": ISOTOPES}),
    "form_factor_models": Entry(cc.form_factor_models, examples=1),
    "form_factor_table": Entry(cc.form_factor_table, {"name": choice(cc.form_factor_tables())}),
    "form_factor_tables": Entry(
        cc.form_factor_tables, {"iso": opt(choice(["Ar40", "Ge72", "Cs133"]))}
    ),
    "load_form_factor_table": Entry(
        cc.load_form_factor_table,
        {"path": Arg(_Fresh(_form_factor_file), st.builds(_form_factor_file), BAD_PATHS)},
    ),
    "model_parameters": Entry(cc.model_parameters, {"name": FORM_FACTORS}),
    "nucleon_form_factors": Entry(
        cc.nucleon_form_factors,
        {
            "q_fm": MOMENTA,
            "iso": ISOTOPES,
            "model": FORM_FACTORS,
            "skin_fm": number(-1.0, 2.0, 0.1),
            "R_n_fm": opt(number(3.0, 8.0)),
        },
    ),
    "weak_form_factor": Entry(
        cc.weak_form_factor,
        {
            "q_fm": MOMENTA,
            "isotope_name": ISOTOPES,
            "model": FORM_FACTORS,
            "skin_fm": number(-1.0, 2.0, 0.1),
            "flavour": FLAVOURS,
        },
    ),
    "compare_nuclear_models": Entry(
        cc.compare_nuclear_models,
        {
            "iso": ISOTOPES,
            "models": fixed(["helm", "klein_nystrand"], [], ["nope"], "helm", {"a": 1.0}, [None]),
            "reference": FORM_FACTORS,
            "q_fm": opt(array(0.0, 5.0)),
            "E_MeV": opt(array(0.1, 300.0)),
        },
    ),
    # ---- weak charges, cross sections
    "nucleon_couplings": Entry(
        cc.nucleon_couplings,
        {
            "scheme": choice(["tree", "erler_su", "flavour"]),
            "sin2_theta_W": SIN2,
            "flavour": FLAVOURS,
            "q_MeV": array(0.0, 1e3, 0.0),
        },
    ),
    "weak_charge_half": Entry(
        cc.weak_charge_half,
        {
            "Z": integer(0, 120, 55),
            "N": integer(0, 200, 78),
            "g_p": array(-1.0, 1.0, 0.0229),
            "g_n": array(-1.0, 1.0, -0.5),
            "F_p": array(-1.0, 1.0, 1.0),
            "F_n": array(-1.0, 1.0, 1.0),
        },
    ),
    "weak_charge_pdg": Entry(
        cc.weak_charge_pdg,
        {
            "Z": integer(0, 120, 55),
            "N": integer(0, 200, 78),
            "g_p": array(-1.0, 1.0, 0.0229),
            "g_n": array(-1.0, 1.0, -0.5),
            "F_p": array(-1.0, 1.0, 1.0),
            "F_n": array(-1.0, 1.0, 1.0),
        },
    ),
    "differential_cross_section": Entry(
        cc.differential_cross_section,
        {
            "E_MeV": capped(ENERGIES),
            "T_keV": capped(RECOILS),
            "isotope_name": ISOTOPES,
            "physics": PHYSICS,
            "form_factor": FORM_FACTORS,
        },
    ),
    "total_cross_section": Entry(
        cc.total_cross_section,
        {
            "E_MeV": capped(ENERGIES),
            "isotope_name": ISOTOPES,
            "physics": PHYSICS,
            "form_factor": FORM_FACTORS,
        },
    ),
    "dsigma_dcos_theta_nu": Entry(
        cc.dsigma_dcos_theta_nu,
        {
            "E_MeV": capped(ENERGIES),
            "cos_theta_nu": capped(array(-1.0, 1.0, 0.5)),
            "isotope_name": ISOTOPES,
            "approximation": flag(),
        },
    ),
    "dsigma_dOmega_nu": Entry(
        cc.dsigma_dOmega_nu,
        {
            "E_MeV": capped(ENERGIES),
            "cos_theta_nu": capped(array(-1.0, 1.0, 0.5)),
            "isotope_name": ISOTOPES,
        },
    ),
    "dsigma_dOmega_recoil": Entry(
        cc.dsigma_dOmega_recoil,
        {
            "E_MeV": capped(ENERGIES),
            "cos_theta_r": capped(array(0.0, 1.0, 0.5)),
            "isotope_name": ISOTOPES,
        },
    ),
    "flux_averaged_cross_section": Entry(
        cc.flux_averaged_cross_section,
        {
            "source": SOURCES,
            "target": TARGETS,
            "physics": PHYSICS,
            "form_factor": FORM_FACTORS,
            "flavour": FLAVOURS,
        },
        examples=10,
    ),
    # ---- spectra and counts
    "recoil_spectrum": Entry(
        cc.recoil_spectrum,
        {
            "source": SOURCES,
            "target": TARGETS,
            "T_keV": capped(RECOILS),
            "physics": PHYSICS,
            "mass_kg": number(1e-30, 1e9, 1.0),
        },
        examples=15,
    ),
    "binned_counts": Entry(
        cc.binned_counts,
        {
            "source": SOURCES,
            "detector": DETECTORS,
            "bin_edges": capped(grid(0.0, 100.0)),
            "exposure": number(0.0, 1e9, 1.0),
            "physics": PHYSICS,
        },
        examples=15,
    ),
    "experiment": Entry(cc.experiment, {"name": choice(cc.experiment_names())}, examples=10),
    "experiment_names": Entry(cc.experiment_names, examples=1),
    "detector_preset": Entry(
        cc.detector_preset,
        {"name": choice(["coherent_csi_2017", "coherent_csi_2021", "coherent_lar_2020"])},
    ),
    "uncertainty_band": Entry(
        cc.uncertainty_band,
        {
            "exp": EXPERIMENTS,
            "T_keV": capped(opt(array(0.0, 100.0))),
            "bin_edges": capped(opt(grid(0.0, 100.0))),
            "flux_uncertainty": FRACTION,
            "quenching_uncertainty": FRACTION,
            "models": fixed(("helm", "klein_nystrand"), (), ("nope",), "helm", None),
        },
        examples=6,
    ),
    "quenching_model": Entry(cc.quenching_model, {"name": choice(["lindhard", "constant"])}),
    "electron_recoil_spectrum": Entry(
        cc.electron_recoil_spectrum,
        {
            "source": SOURCES,
            "target": TARGETS,
            "T_keV": capped(RECOILS),
            "physics": PHYSICS,
            "binding": choice(["stepping", "free"]),
            "mass_kg": number(1e-30, 1e9, 1.0),
        },
        examples=15,
    ),
    "electron_scattering_cross_section": Entry(
        cc.electron_scattering_cross_section,
        {
            "E_MeV": capped(ENERGIES),
            "T_keV": capped(RECOILS),
            "flavour": choice(cc.FLAVOURS),
            "physics": PHYSICS,
            "target": opt(choice(["Xe", "Ge", "Ar"])),
        },
    ),
    "electron_scattering_total_cross_section": Entry(
        cc.electron_scattering_total_cross_section,
        {
            "E_MeV": capped(ENERGIES),
            "flavour": choice(cc.FLAVOURS),
            "target": opt(choice(["Xe", "Ge"])),
            "T_min_keV": number(0.0, 1e3, 0.0),
        },
    ),
    "atomic_shells": Entry(cc.atomic_shells, {"element": choice(["Xe", "Ge", "H", "U"])}),
    "effective_electrons": Entry(
        cc.effective_electrons,
        {
            "element": choice(["Xe", "Ge", "H"]),
            "T_keV": RECOILS,
            "binding": choice(["stepping", "free"]),
        },
    ),
    # ---- statistics and fits
    "delta_chi2_threshold": Entry(
        cc.delta_chi2_threshold,
        {
            "cl": opt(number(0.0, 1.0, 0.9), 0.9),
            "dof": integer(1, 5, 1),
            # σ = 40: the coverage erf(40/√2) rounds to 1 (the level was inf)
            "sigma": Arg(
                None, st.none() | _floats(0.0, 100.0), (*BAD_NUMBERS, *BAD_TYPES, 40.0, 38.0)
            ),
        },
    ),
    "asimov_data": Entry(
        cc.asimov_data,
        {"prediction": array(0.0, 1e6, [1.0, 2.0]), "background": array(0.0, 1e6, 0.0)},
    ),
    "gaussian_chi2": Entry(
        cc.gaussian_chi2,
        {
            "observed": array(0.0, 1e6, [10.0, 12.0]),
            "signal": array(0.0, 1e6, [9.0, 11.0]),
            "backgrounds": opt(array(0.0, 1e6)),
            "sigma_signal": SIGMA,
            "sigma_backgrounds": SIGMA,
        },
    ),
    "poisson_chi2": Entry(
        cc.poisson_chi2,
        {
            "observed": array(0.0, 1e6, [10.0, 12.0]),
            "signal": array(0.0, 1e6, [9.0, 11.0]),
            "backgrounds": opt(array(0.0, 1e6)),
            "sigma_signal": SIGMA,
            "sigma_backgrounds": SIGMA,
            "method": choice(["newton", "minuit"]),
        },
        infinite_ok={"": IMPOSSIBLE_DATA},
    ),
    "confidence_intervals": Entry(
        cc.confidence_intervals,
        {
            "grid": grid(-5.0, 5.0, np.linspace(-1, 1, 5)),
            "chi2": fixed(
                np.array([4.0, 1.0, 0.0, 1.0, 4.0]), [NAN] * 5, [1.0], -np.ones(5), "abc"
            ),
            "cl": CL,
            "dof": integer(1, 3, 1),
        },
    ),
    "directional_spectrum": Entry(
        cc.directional_spectrum,
        {
            "exp": EXPERIMENTS,
            "T_keV": grid(1e-3, 50.0, np.linspace(0.5, 5.0, 4)),
            "cos_theta_r": grid(-1.0, 1.0, np.linspace(0.1, 0.9, 3)),
            "exact": flag(True),
        },
        examples=8,
    ),
    "neutron_skin_systematics": Entry(cc.neutron_skin_systematics, {"iso": ISOTOPES}, examples=8),
    "signal_uncertainty": Entry(
        cc.signal_uncertainty,
        {"experiment": EXPERIMENTS, "default": number(0.0, 1.0, 0.1)},
        examples=8,
    ),
    "dataset_names": Entry(cc.dataset_names, examples=1),
    "cell_dataset_names": Entry(cc.cell_dataset_names, examples=1),
    "load_cell_dataset": Entry(
        cc.load_cell_dataset, {"name": choice(cc.cell_dataset_names())}, examples=3
    ),
    "published_results": Entry(cc.published_results, {"experiment": PUBLISHED}, examples=8),
    "published_comparison": Entry(
        cc.published_comparison,
        {"experiment": PUBLISHED, "with_counts": flag(True)},
        examples=6,
    ),
    "load_dataset": Entry(cc.load_dataset, {"name": DATASETS, "full_range": flag()}, examples=5),
    "load_dataset_file": Entry(
        cc.load_dataset_file,
        {
            "path": Arg(_Fresh(_dataset_file), st.builds(_dataset_file), BAD_PATHS),
            "full_range": flag(),
        },
        examples=4,
    ),
    "dataset_chi2": Entry(
        cc.dataset_chi2,
        {
            "dataset": fixed("coherent_csi_2017", "nope", None),
            "signal": fixed(np.full(12, 10.0), [1.0], np.full(12, NAN), np.full(12, -1.0), "abc"),
            "statistic": STATISTICS,
            "sigma_signal": SIGMA,
        },
        examples=10,
        infinite_ok={"": IMPOSSIBLE_DATA},
    ),
    "predict_signal": Entry(
        cc.predict_signal,
        {
            "experiment": opt(choice(["coherent_csi_2017"])),
            "dataset": fixed("coherent_csi_2017", "nope", None),
            "physics": PHYSICS,
            "time_cut": flag(True),
        },
        examples=8,
    ),
    "profile_1d": Entry(
        cc.profile_1d,
        {
            "experiment": fixed(None, "nope"),
            "dataset": fixed("coherent_csi_2017", "nope"),
            "make_physics": fixed(
                lambda v: cc.StandardModel(sin2_theta_W=v), None, "abc", lambda v: 1.0
            ),
            "grid": capped(grid(0.1, 0.4)),
        },
        examples=5,
    ),
    "fit_sin2_theta_w": Entry(
        cc.fit_sin2_theta_w,
        {
            "dataset": DATASETS,
            "grid": capped(grid(0.0, 1.0, base=np.linspace(0.2, 0.3, 4))),
            "sigma_signal": SIGMA,
        },
        examples=5,
        infinite_ok={".info.sigma_signal": FREE_NUISANCE},
    ),
    "fit_neutron_radius": Entry(
        cc.fit_neutron_radius,
        {
            "dataset": choice(["coherent_csi_2017"]),
            "grid": capped(grid(3.0, 8.0, base=np.linspace(4, 6, 4))),
            "sigma_signal": SIGMA,
        },
        examples=5,
        infinite_ok={".info.sigma_signal": FREE_NUISANCE},
    ),
    "fit_parameter": Entry(
        cc.fit_parameter,
        {
            "name": choice(["r2_e", "mu_nu"]),
            "dataset": choice(["coherent_csi_2017"]),
            # a short grid (the default one is covered by tests/core/test_fits_new_physics.py)
            "grid": grid(0.0, 1e-30, base=np.linspace(0.0, 1e-30, 3), size=4),
        },
        examples=3,
    ),
    "likelihood_names": Entry(cc.likelihood_names, examples=1),
    "energy_time_names": Entry(cc.energy_time_names, examples=1),
    "load_energy_time": Entry(
        cc.load_energy_time,
        {"name": choice(cc.energy_time_names()), "steady_state": choice(["smoothed", "raw"])},
        examples=4,
    ),
    "fit_signal_count": Entry(
        cc.fit_signal_count,
        {
            "lik": fixed("coherent_csi_2021", "nope", None, 1.0),
            "scale": capped(opt(array(0.0, 3.0), np.linspace(0.5, 1.5, 5))),
            "cl": number(0.0, 1.0, 0.68),
        },
        examples=3,
        infinite_ok={".minus": OPEN_END, ".plus": OPEN_END},
    ),
    "fit_overview": Entry(
        cc.fit_overview,
        {"likelihood": instance(lambda: cc.Likelihood("coherent_csi_2021")), "physics": PHYSICS},
        examples=3,
    ),
    "named_results": Entry(
        cc.named_results,
        {"keys": fixed(["coherent_csi2021_cevns_count"], ["nope"], "abc", [None], 1.0)},
        examples=1,
    ),
    "scan": Entry(
        lambda experiment, model, **kw: cc.scan(
            experiment, model, **{k: v for k, v in kw.items() if v is not None}
        ),
        {
            "experiment": instance(_exp("coherent_csi_2017")),
            "model": fixed("nsi_vector_ee", "nope", None),
            "eps_u": grid(-2.0, 2.0),
            "eps_d": capped(opt(grid(-2.0, 2.0))),
            "reference": choice(["minimum", "sm"]),
        },
        examples=6,
    ),
    "scan_models": Entry(cc.scan_models, examples=1),
    # ---- electroweak observables
    "apv_chi2": Entry(
        cc.apv_chi2, {"sin2_theta_W": SIN2, "R_n_Cs_fm": RADIUS, "theory": choice(cc.APV_THEORIES)}
    ),
    "apv_sin2_theta_w": Entry(
        cc.apv_sin2_theta_w,
        {
            "theory": choice(cc.APV_THEORIES),
            "R_n_Cs_fm": opt(number(3.0, 8.0)),
            "skin_fm": opt(number(-1.0, 2.0)),
        },
    ),
    "apv_weak_charge_experimental": Entry(
        cc.apv_weak_charge_experimental, {"theory": choice(cc.APV_THEORIES), "without_skin": flag()}
    ),
    "apv_weak_charge_theory": Entry(
        cc.apv_weak_charge_theory, {"sin2_theta_W": SIN2, "R_n_fm": RADIUS, "skin_fm": SKIN}
    ),
    "crex_chi2": Entry(cc.crex_chi2, {"R_n_fm": RADIUS, "skin_fm": SKIN}),
    "prex2_chi2": Entry(cc.prex2_chi2, {"R_n_fm": RADIUS, "skin_fm": SKIN}),
    "external_chi2": Entry(
        lambda terms, **params: cc.external_chi2(terms, **params),
        {
            "terms": fixed(["prex2"], ["nope"], "abc", [None], None),
            "R_n_Pb208_fm": array(3.0, 8.0, 5.8),
        },
    ),
    "external_term": Entry(cc.external_term, {"name": choice(cc.EXTERNAL_TERMS)}),
    "external_term_names": Entry(cc.external_term_names, examples=1),
    "measurement_points": Entry(
        cc.measurement_points, {"groups": fixed(None, ["nope"], "abc", [None])}
    ),
    "pves_measurement": Entry(cc.pves_measurement, {"name": choice(["prex2", "crex"])}),
    "pves_weak_form_factor": Entry(
        cc.pves_weak_form_factor,
        {
            "q_fm": capped(MOMENTA),
            "isotope_name": choice(["Pb208", "Ca48"]),
            "R_n_fm": capped(RADIUS),
            "sin2_theta_W": SIN2,
        },
    ),
    "running_curve": Entry(
        cc.running_curve,
        {
            "mu_min_GeV": number(1e-6, 1e3, 1e-4),
            "mu_max_GeV": number(1e-3, 1e5, 1e4),
            "n": integer(2, 500, 10),
        },
    ),
    "sin2_theta_w_measurements": Entry(cc.sin2_theta_w_measurements, examples=1),
    "sin2_theta_w_msbar": Entry(cc.sin2_theta_w_msbar, {"mu_GeV": array(0.0, 1e5, 1.0)}),
    "workbench_points": Entry(
        cc.workbench_points,
        {
            "apv_theories": fixed(("dzuba2012",), ("nope",), "abc", None),
            "cevns_datasets": fixed((), ("nope",), "abc", None),
        },
        examples=1,
    ),
    # ---- dark matter
    "wimp_recoil_spectrum": Entry(
        cc.wimp_recoil_spectrum,
        {
            "target": DM_TARGETS,
            "E_keV": capped(array(0.0, 500.0, [1.0, 10.0])),
            "mass_GeV": capped(array(0.1, 1e4, 50.0)),
            "sigma_cm2": capped(array(0.0, 1e-30, 1e-45)),
        },
    ),
    "discovery_limit": Entry(
        cc.discovery_limit,
        {
            "target": DM_TARGETS,
            "masses_GeV": capped(array(1.0, 1e4, [10.0, 100.0], size=3)),
            "exposures_kg_yr": capped(array(1e-3, 1e6, [1.0], size=3)),
            "threshold_keV": number(1e-3, 50.0, 1.0),
            "n_bins": integer(1, 60, 20),
        },
        examples=4,
        infinite_ok={
            ".sigma_cm2": "no discovery is possible where the neutrino background saturates"
        },
    ),
    "exclusion_limit": Entry(
        cc.exclusion_limit,
        {
            "target": DM_TARGETS,
            "masses_GeV": capped(array(1.0, 1e4, [10.0, 100.0], size=3)),
            "exposures_kg_yr": capped(array(1e-3, 1e6, [1.0], size=3)),
            "threshold_keV": number(1e-3, 50.0, 1.0),
            "cl": number(0.5, 1.0, 0.9),
        },
        examples=4,
    ),
    "neutrino_fog": Entry(
        cc.neutrino_fog,
        {
            "target": DM_TARGETS,
            "masses_GeV": capped(array(1.0, 1e3, [10.0, 100.0], size=3)),
            "exposures_kg_yr": capped(grid(1e-3, 1e6, base=np.geomspace(1, 1e3, 4))),
            "threshold_keV": number(1e-3, 10.0, 1.0),
        },
        examples=3,
        infinite_ok={
            ".n_map": "NaN outside the exposures computed (NeutrinoFog docstring)",
            ".floor_cm2": "NaN where the floor is not reached on the exposure grid (documented)",
            ".floor_exposure_kg_yr": "NaN where the floor is not reached (documented)",
            ".gradient_index": "inf where σ(MT) stops falling (gradient_index docstring)",
            ".limits.sigma_cm2": "as for discovery_limit",
        },
    ),
}

# classes whose constructor takes user input
TABLE.update(
    {
        "Detector": _param_entry(cc.Detector),
        "NewPhysics": _param_entry(cc.NewPhysics),
        "StandardModel": _param_entry(cc.StandardModel),
        "NuclearModel": _param_entry(cc.NuclearModel, isotope=ISOTOPES),
        "PionDecayAtRest": _param_entry(cc.PionDecayAtRest, "integrated"),
        "Reactor": _param_entry(cc.Reactor, "integrated"),
        "Chromium51": _param_entry(cc.Chromium51, "integrated"),
        "Solar": _param_entry(cc.Solar, "integrated"),
        "SupernovaBurst": _param_entry(cc.SupernovaBurst, "integrated"),
        "DiffuseSupernovaBackground": _param_entry(
            cc.DiffuseSupernovaBackground, "integrated", base=DSNB_RATE
        ),
        "StandardHaloModel": _param_entry(cc.StandardHaloModel),
        "Source": _param_entry(cc.Source),
        "Experiment": _param_entry(
            cc.Experiment,
            "counts",
            base={"source": _Fresh(_source("conus")), "detector": _Fresh(_detector("conus"))},
            source=SOURCES,
            detector=DETECTORS,
            physics=PHYSICS,
            form_factor=FORM_FACTORS,
        ),
        "TabulatedSource": Entry(
            lambda **kw: cc.TabulatedSource(**kw).integrated(),
            {
                "E_MeV": fixed(
                    [1.0, 5.0, 10.0],
                    [1.0],
                    [5.0, 1.0, 3.0],
                    [1.0, NAN, 3.0],
                    [1.0, 2.0, HUGE_INT],
                    "abc",
                    [],
                ),
                "spectra": fixed(
                    {"nu_e": [1.0, 2.0, 1.0]},
                    {"nu_e": [1.0, -2.0, 1.0]},
                    {"nope": [1.0, 2.0, 1.0]},
                    {"nu_e": [1.0, NAN, 1.0]},
                    {"nu_e": [1e308, 1e308, 1e308]},
                    {},
                    "abc",
                ),
                "interpolation": choice(["linear", "loglog"]),
            },
        ),
        "Likelihood": Entry(
            cc.Likelihood,
            {
                "datasets": choice(cc.likelihood_names()),
                "shared": fixed(("sns_flux",), ("nope",), "abc", None),
            },
            examples=4,
        ),
        "DataSetLikelihood": Entry(
            cc.DataSetLikelihood,
            {
                "name": choice(cc.likelihood_names()),
                "steady_state": choice(["smoothed", "raw"]),
                "shape_nuisances": flag(True),
            },
            examples=4,
        ),
    }
)

#: public functions of sub-packages that take user input ("package.function")
_U2 = mapping(("e", "mu", "tau"), number(0.0, 0.3, 0.1), none=False)
_U2 = dataclasses.replace(_U2, base={"e": 0.1}, hostile=(*_U2.hostile, {"e4": 0.1}, None))
TABLE.update(
    {
        "scans.scan_models": Entry(cc.scans.scan_models, examples=1),
        "scans.default_axes": Entry(cc.scans.default_axes, {"model": choice(cc.scan_models())}),
        "scans.scan_combined": Entry(
            lambda experiments, model, eps_u: cc.scans.scan_combined(
                experiments, model, eps_u=eps_u
            ),
            {
                "experiments": Arg(
                    _Fresh(lambda: [cc.experiment("coherent_csi_2017"), cc.experiment("conus")]),
                    st.just(None).map(lambda _: [cc.experiment("coherent_csi_2017")]),
                    ([], None, [None], "abc", [1.0], [cc.experiment("conus"), "nope"]),
                ),
                "model": fixed("nsi_vector_ee", "nope", None, 1.0),
                "eps_u": grid(-1.0, 1.0, size=4),
            },
            examples=3,
        ),
        "scans.combine_scans": Entry(
            cc.scans.combine_scans,
            {
                "results": fixed(
                    (_scan_1d(), _scan_1d()), (), None, [None], "abc", (_scan_1d(), _scan_2d())
                )
            },
            examples=1,
        ),
        "physics.oscillation_phase": Entry(
            cc.physics.oscillation_phase,
            {"dm2_eV2": array(0.0, 1e3, 1.0), "L_m": array(0.0, 1e5, 20.0), "E_MeV": ENERGIES},
        ),
        "physics.pmns_matrix": Entry(
            cc.physics.pmns_matrix,
            {
                "sin2_theta12": FRACTION,
                "sin2_theta13": FRACTION,
                "sin2_theta23": FRACTION,
                "delta_cp_deg": number(-360.0, 360.0, 197.0),
            },
        ),
        "physics.sterile_probabilities": Entry(
            cc.physics.sterile_probabilities,
            {
                "flavour": choice(cc.FLAVOURS),
                "E_MeV": ENERGIES,
                "L_m": opt(number(0.0, 1e5, 20.0), 20.0),
                "dm2_eV2": number(0.0, 1e3, 1.0),
                "U2": _U2,
                "spread_m": number(0.0, 1e3, 0.0),
                "profile": choice(["gaussian", "uniform"]),
            },
        ),
        "physics.sterile_survival_probability": Entry(
            cc.physics.sterile_survival_probability,
            {
                "flavour": choice(cc.FLAVOURS),
                "E_MeV": ENERGIES,
                "L_m": opt(number(0.0, 1e5, 20.0), 20.0),
                "dm2_eV2": number(0.0, 1e3, 1.0),
                "U2": _U2,
                "spread_m": number(0.0, 1e3, 0.0),
            },
        ),
        "physics.sterile_transition_probability": Entry(
            cc.physics.sterile_transition_probability,
            {
                "flavour_in": choice(cc.FLAVOURS),
                "flavour_out": choice([*cc.FLAVOURS, "sterile"]),
                "E_MeV": ENERGIES,
                "L_m": opt(number(0.0, 1e5, 20.0), 20.0),
                "dm2_eV2": number(0.0, 1e3, 1.0),
                "U2": _U2,
            },
        ),
    }
)

#: the main methods that take user input ("Class.method")
TABLE.update(
    {
        "Source.spectrum": Entry(
            method("spectrum"), {"self": SELF_SOURCES, "E_MeV": ENERGIES, "flavour": FLAVOURS}
        ),
        "Source.integrated": Entry(
            method("integrated"),
            {"self": SELF_SOURCES, "flavour": FLAVOURS, "moment": integer(0, 3)},
        ),
        "Source.mean_energy_MeV": Entry(
            method("mean_energy_MeV"), {"self": SELF_SOURCES, "flavour": FLAVOURS}
        ),
        "Experiment.recoil_spectrum": Entry(
            method("recoil_spectrum"), {"self": SELF_EXPERIMENTS, "T_keV": capped(RECOILS)}
        ),
        "Experiment.spectrum": Entry(
            method("spectrum"), {"self": SELF_EXPERIMENTS, "T_keV": capped(RECOILS)}
        ),
        "Experiment.observed_counts": Entry(
            method("observed_counts"),
            {"self": SELF_EXPERIMENTS, "bin_edges": capped(grid(0.0, 100.0))},
            examples=15,
        ),
        "Experiment.analysis_bins": Entry(
            method("analysis_bins"), {"self": SELF_EXPERIMENTS, "n_bins": integer(1, 1000, 40)}
        ),
        "Experiment.time_spectrum": Entry(
            method("time_spectrum"),
            {"self": this(_exp("coherent_csi_2017")), "t_edges_us": grid(0.0, 20.0)},
        ),
        "Experiment.energy_time_counts": Entry(
            method("energy_time_counts"),
            {
                "self": this(_exp("coherent_csi_2017")),
                "bin_edges": capped(grid(0.0, 60.0)),
                "t_edges_us": grid(0.0, 20.0),
            },
            examples=10,
        ),
        "Experiment.copy": Entry(
            lambda self, **kw: self.copy(**kw).counts(),
            {
                "self": SELF_EXPERIMENTS,
                "skin_fm": number(-1.0, 2.0, 0.1),
                "form_factor": FORM_FACTORS,
            },
            examples=10,
        ),
        "Experiment.from_spec": Entry(
            lambda spec: cc.Experiment.from_spec(spec).counts(),
            {
                "spec": fixed(
                    cc.experiment("conus").to_spec(),
                    {},
                    {"version": 99},
                    "abc",
                    None,
                    {"source": None},
                    [1.0],
                )
            },
            examples=1,
        ),
        "Detector.accepts": Entry(method("accepts"), {"self": SELF_DETECTORS, "T_keV": RECOILS}),
        "Detector.observable_value": Entry(
            method("observable_value"), {"self": SELF_DETECTORS, "T_keV": RECOILS}
        ),
        "Detector.recoil_from_observable": Entry(
            method("recoil_from_observable"),
            {"self": SELF_DETECTORS, "value": array(0.0, 1e3, [1.0, 10.0])},
        ),
        "Detector.electron_equivalent_keV": Entry(
            method("electron_equivalent_keV"), {"self": SELF_DETECTORS, "T_keV": RECOILS}
        ),
        "Detector.response_matrix": Entry(
            method("response_matrix"),
            {"self": SELF_DETECTORS, "T_keV": RECOILS, "bin_edges": grid(0.0, 100.0)},
        ),
        "Detector.recoil_bin_edges": Entry(
            method("recoil_bin_edges"), {"self": SELF_DETECTORS, "bin_edges": grid(0.0, 100.0)}
        ),
        "Material.from_elements": Entry(
            cc.Material.from_elements,
            {
                "amounts": fixed(
                    {"Cs": 1.0, "I": 1.0},
                    {},
                    {"Xx": 1.0},
                    {"Cs": NAN},
                    {"Cs": -1.0},
                    {"Cs": HUGE_INT},
                    {"Cs": 0.0},
                    "abc",
                ),
                "by": choice(["atoms", "mass"]),
            },
        ),
        "Material.nuclei_per_kg": Entry(
            lambda self, name: self.nuclei_per_kg(name),
            {"self": this(lambda: cc.material("CsI")), "name": choice(["Cs133", "I127"])},
        ),
        "Material.above_abundance": Entry(
            method("above_abundance"),
            {"self": this(lambda: cc.material("Xe")), "min_abundance": number(0.0, 1.0, 0.1)},
        ),
        "NuclearModel.F_p": Entry(
            method("F_p"),
            {"self": this(lambda: cc.NuclearModel(isotope="Pb208", skin_fm=0.2)), "q_fm": MOMENTA},
        ),
        "NuclearModel.rho_n": Entry(
            method("rho_n"),
            {
                "self": this(lambda: cc.NuclearModel(isotope="Pb208", skin_fm=0.2)),
                "r_fm": array(0.0, 50.0, 1.0),
            },
        ),
        "StandardHaloModel.eta": Entry(
            method("eta"), {"self": this(cc.StandardHaloModel), "v_min_kms": array(0.0, 1e4, 300.0)}
        ),
        "Profile1D.errors": Entry(
            method("errors"),
            {"self": this(_profile), "cl": CL, "dof": integer(1, 3, 1)},
            infinite_ok={"[1]": OPEN_END, "[2]": OPEN_END},
        ),
        "Profile1D.interval": Entry(method("interval"), {"self": this(_profile), "cl": CL}),
        "Profile1D.upper_limit": Entry(
            method("upper_limit"),
            {"self": this(_profile), "cl": CL, "one_sided": flag()},
            infinite_ok={"": OPEN_END},
        ),
        "ScanResult.contour": Entry(
            method("contour"), {"self": this(_scan_1d, _scan_2d), "cl": CL}, examples=10
        ),
        "ScanResult.threshold": Entry(
            method("threshold"), {"self": this(_scan_1d, _scan_2d), "cl": CL}, examples=10
        ),
        "ScanResult.as_dict": Entry(
            method("as_dict"), {"self": this(_scan_1d), "cl": CL}, examples=10
        ),
        "Likelihood.chi2": Entry(
            method("chi2"),
            {
                "self": this(_csi_2021),
                "signal": fixed(
                    np.zeros(99),
                    [1.0],
                    np.full(99, NAN),
                    np.full(99, -1.0),
                    "abc",
                    np.full(99, 1e308),
                ),
            },
            examples=1,
            infinite_ok={"": IMPOSSIBLE_DATA},
        ),
        "FormFactorTable.form_factor": Entry(
            method("form_factor"),
            {
                "self": this(lambda: cc.form_factor_table("ar40_charge_fb_devries1987")),
                "q_fm": MOMENTA,
                "beyond": choice(["error", "zero", "extrapolate"]),
                "scale": number(0.5, 2.0, 1.0),
            },
        ),
        "FormFactorTable.density": Entry(
            method("density"),
            {
                "self": this(lambda: cc.form_factor_table("ar40_charge_fb_devries1987")),
                "r_fm": array(0.0, 50.0, 1.0),
                "scale": number(0.5, 2.0, 1.0),
            },
        ),
        "CellDataset.predicted_signal": Entry(
            method("predicted_signal"),
            {
                "self": this(lambda: cc.load_cell_dataset("xenonnt_s2only_2026")),
                "experiment": Arg(
                    _Fresh(_exp("xenonnt_s2only_2026")),
                    st.sampled_from([_exp("xenonnt_s2only_2026"), _exp("conus")]).map(
                        lambda make: make()
                    ),
                    BAD_OBJECTS,
                ),
            },
            examples=4,
        ),
        "NuclearModelComparison.ratio": Entry(
            method("ratio"),
            {
                "self": this(
                    lambda: cc.compare_nuclear_models("Cs133", ["klein_nystrand"], "helm")
                ),
                "quantity": choice(["F_p", "F_n", "F_W"]),
            },
        ),
    }
)

#: classes that hold results: built by the functions above, whose results are walked
RESULT_TYPES = {
    "CellDataset",
    "Counts",
    "Dataset",
    "DirectionalSpectrum",
    "ElectronRecoilSpectrum",
    "ExternalTerm",
    "FormFactorTable",
    "Isotope",
    "LimitResult",
    "Material",
    "NeutrinoFog",
    "NuclearModelComparison",
    "Profile1D",
    "ScanResult",
    "UncertaintyBand",
}
EXCEPTIONS = {"CevnsError", "CevnsWarning", "DivergentCountsError"}
CONSTANTS = {
    "FLAVOURS",
    "SOURCE_TYPES",
    "APV_THEORIES",
    "EXTERNAL_TERMS",
    "REVIEW_NUCLEAR_CHOICE",
    "electroweak",
}


# ------------------------------------------------------------------------------ the contract
def _walk(value: Any, path: str, seen: set[int], found: list[str]) -> None:
    """Collect the paths of non-finite numbers inside a result."""
    if id(value) in seen or isinstance(value, str | bytes | bool | np.bool_ | type(None)):
        return
    if isinstance(value, numbers.Number):
        if isinstance(value, numbers.Complex) and not math.isfinite(abs(complex(value))):
            found.append(path)
        return
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "fc" and not np.all(np.isfinite(value)):
            found.append(path)
        elif value.dtype.kind == "O":
            for i, item in enumerate(value.flat):
                _walk(item, f"{path}[{i}]", seen, found)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _walk(item, f"{path}.{key}", seen, found)
    elif isinstance(value, list | tuple | set | frozenset):
        for i, item in enumerate(value):
            _walk(item, f"{path}[{i}]", seen, found)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _walk(getattr(value, f.name), f"{path}.{f.name}", seen, found)


def _check(name: str, entry: Entry, kwargs: dict[str, Any]) -> str | None:
    """Call ``entry``; None when the contract holds, else what went wrong."""
    try:
        result = entry.call(**kwargs)
    except CevnsError as exc:
        if not str(exc).strip():
            return "CevnsError without a message"
        return None
    except Exception as exc:  # the contract: nothing but CevnsError escapes
        return f"{type(exc).__name__}: {str(exc)[:200]}"
    found: list[str] = []
    _walk(result, "result", set(), found)
    bad = [p for p in found if not any(p.startswith(f"result{k}") for k in entry.infinite_ok)]
    if bad:
        return f"non-finite values at {', '.join(bad[:5])}"
    return None


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray) and value.size > 8:
        return f"array(shape={value.shape})"
    text = repr(value)
    return text if len(text) < 80 else text[:77] + "..."


def _base(entry: Entry) -> dict[str, Any]:
    return {k: _resolve(a.base) for k, a in entry.args.items() if a.base is not _SKIP}


def _clean(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if v is not _SKIP}


# ------------------------------------------------------------------------------ the tests
def test_every_public_name_has_an_entry():
    listed = set(TABLE) | RESULT_TYPES | EXCEPTIONS | CONSTANTS
    missing = sorted(n for n in cc.__all__ if n not in listed)
    assert not missing, f"public names without a fuzzing entry in {__name__}: {missing}"
    stale = sorted(n for n in listed if "." not in n and n not in cc.__all__)
    assert not stale, f"entries for names that are no longer public: {stale}"


@pytest.mark.parametrize("name", sorted(TABLE))
def test_base_call_is_valid_and_finite(name):
    """The table's base values are a valid call (so the fuzzing starts from working inputs)."""
    entry = TABLE[name]
    result = entry.call(**_base(entry))
    found: list[str] = []
    _walk(result, "result", set(), found)
    assert [
        p for p in found if not any(p.startswith(f"result{k}") for k in entry.infinite_ok)
    ] == []


@pytest.mark.parametrize("name", sorted(n for n in TABLE if TABLE[n].args))
def test_hostile_examples(name):
    """Every hostile value in every parameter, the others at their base value."""
    entry = TABLE[name]
    failures = []
    for key, arg in entry.args.items():
        for value in arg.hostile:
            kwargs = {**_base(entry), key: value}
            problem = _check(name, entry, kwargs)
            if problem:
                failures.append(f"{key}={_describe(value)}: {problem}")
    assert not failures, f"{name}:\n  " + "\n  ".join(failures)


#: Deeper runs (e.g. nightly): CEVNS_FUZZ_SCALE=10 multiplies the examples, CEVNS_FUZZ_RANDOM=1
#: draws new ones each run instead of the fixed (derandomized) sequence.
SCALE = max(1, int(os.environ.get("CEVNS_FUZZ_SCALE", "1")))
FUZZ = settings(
    deadline=None,
    derandomize=not os.environ.get("CEVNS_FUZZ_RANDOM"),
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
    database=None,
)


@pytest.mark.parametrize(
    "name", sorted(n for n in TABLE if TABLE[n].args and TABLE[n].examples > 1)
)
def test_fuzzed(name):
    """Random valid values with up to two hostile ones mixed in."""
    entry = TABLE[name]
    keys = list(entry.args)

    @settings(FUZZ, max_examples=entry.examples * SCALE)
    @given(data=st.data())
    def fuzz(data):
        hostile = data.draw(
            st.lists(st.sampled_from(keys), max_size=2, unique=True), label="hostile"
        )
        kwargs = {}
        for key in keys:
            arg = entry.args[key]
            if key in hostile and arg.hostile:
                kwargs[key] = data.draw(st.sampled_from(arg.hostile), label=key)
            else:
                kwargs[key] = data.draw(arg.valid, label=key)
        problem = _check(name, entry, _clean(kwargs))
        shown = ", ".join(f"{k}={_describe(v)}" for k, v in kwargs.items() if v is not _SKIP)
        assert problem is None, f"{name}({shown}): {problem}"

    fuzz()
