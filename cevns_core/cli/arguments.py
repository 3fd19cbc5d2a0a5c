"""Argument parsing shared by the commands: the one-line-error parser, grids, NAME=VALUE
options, the nuclear and new-physics options, and the experiment they select.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from typing import Any, NoReturn

import numpy as np

from ..errors import CevnsError

__all__ = [
    "CommandParser",
    "add_experiment_choice",
    "add_nuclear_options",
    "add_physics_option",
    "experiment_from_args",
    "nuclear_overrides",
    "parse_params",
    "per_nucleus",
    "physics_params",
    "value_grid",
    "whole_grid_sizes",
    "whole_number",
]


class CommandParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr, and which reads every negative
    number as a value (argparse's own pattern misses ``-1.2e-30``, ``-inf``: it took them for
    options, so a grid starting at a negative value in exponent notation was refused)."""

    #: Why ``cevns serve`` cannot run here (the dashboard cannot be imported), or None.
    serve_unavailable: str | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(
            r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-(inf|infinity|nan)$", re.IGNORECASE
        )

    def error(self, message: str) -> NoReturn:
        raise CevnsError(f"{self.prog}: {message}")


def value_grid(lo: float, hi: float, n: int, name: str, *, log: bool) -> np.ndarray:
    if not (np.isfinite(lo) and np.isfinite(hi)) or n < 1 or (n > 1 and hi <= lo):
        raise CevnsError(f"{name} needs LO < HI (finite) and N ≥ 1, got {lo:g} {hi:g} {n}")
    if n > 1_000_000:
        raise CevnsError(f"{name}: N = {n} points is more than the limit of 1000000")
    if log:
        if lo <= 0:
            raise CevnsError(f"{name}: a logarithmic grid needs LO > 0, got {lo:g}")
        return np.geomspace(lo, hi, n)
    return np.linspace(lo, hi, n)


def whole_number(n: float, flag: str) -> int:
    """The N of a (LO, HI, N) grid option: a finite whole number (N = nan raised ValueError)."""
    if not np.isfinite(n) or n != int(n):
        raise CevnsError(f"{flag}: N must be an integer, got {n:g}")
    return int(n)


def parse_params(items: Sequence[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise CevnsError(f"--param expects NAME=VALUE, got {item!r}")
        try:
            params[key] = float(value)
        except ValueError:
            params[key] = value
    return params


def physics_params(items: Sequence[str]) -> dict[str, Any]:
    params = parse_params(items)
    for key, value in params.items():
        if isinstance(value, str) and value.lower() in ("true", "false"):
            params[key] = value.lower() == "true"
    return params


def per_nucleus(items: Sequence[str], flag: str) -> float | dict[str, float] | None:
    """``["0.2"]`` → 0.2; ``["Cs=0.3", "I=0.2"]`` → {"Cs": 0.3, "I": 0.2}; [] → None."""
    if not items:
        return None
    common, per = None, {}
    for item in items:
        key, sep, value = item.rpartition("=")
        try:
            number = float(value)
        except ValueError:
            raise CevnsError(f"{flag} expects FM or NUCLEUS=FM, got {item!r}") from None
        if sep:
            per[key] = number
        else:
            common = number
    if common is not None and per:
        raise CevnsError(f"{flag}: give one value for every nucleus or NUCLEUS=FM values, not both")
    return per if per else common


def add_experiment_choice(parser: argparse.ArgumentParser) -> None:
    """``--experiment NAME`` or ``--spec FILE.json`` (one of them)."""
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--experiment", help="preset name (see `cevns experiments`)")
    which.add_argument(
        "--spec", metavar="FILE.json", help="an experiment spec (as written by `cevns spec`)"
    )


def add_nuclear_options(parser: argparse.ArgumentParser) -> None:
    """The nuclear choice of an experiment: neutron skin or radius and model parameters."""
    parser.add_argument(
        "--skin-fm",
        action="append",
        default=[],
        metavar="FM|NUCLEUS=FM",
        help="neutron skin R_n − R_p in fm, for every nucleus or one isotope/element "
        "(e.g. 0.2, or Cs=0.3 I=0.25; repeatable)",
    )
    parser.add_argument(
        "--rn-fm",
        action="append",
        default=[],
        metavar="FM|NUCLEUS=FM",
        help="neutron rms radius in fm (overrides the skin), for every nucleus or one "
        "isotope/element (repeatable)",
    )
    parser.add_argument(
        "--form-factor-param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter of the form-factor model, e.g. s_fm=0.9 (repeatable)",
    )


def add_physics_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--physics",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a Standard-Model or new-physics parameter of NewPhysics, e.g. zprime_coupling=1e-4 "
        "(repeatable; true/false for switches)",
    )


def nuclear_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """Experiment keywords from the nuclear options (``--skin-fm``, ``--rn-fm``, …)."""
    overrides: dict[str, Any] = {}
    skin = per_nucleus(args.skin_fm, "--skin-fm")
    if skin is not None:
        overrides["skin_fm"] = skin
    radius = per_nucleus(args.rn_fm, "--rn-fm")
    if radius is not None:
        overrides["R_n_fm"] = radius
    if args.form_factor_param:
        overrides["form_factor_params"] = parse_params(args.form_factor_param)
    return overrides


def experiment_from_args(args: argparse.Namespace):
    from ..experiment import Experiment, experiment, read_spec

    name = getattr(args, "experiment", None)
    path = getattr(args, "spec", None)
    overrides = nuclear_overrides(args)
    if getattr(args, "form_factor", None) is not None:
        overrides["form_factor"] = args.form_factor
    if path is not None:
        exp = Experiment.from_spec(read_spec(path))
    elif name is not None:
        exp = experiment(name)
    else:
        return None
    extra = physics_params(getattr(args, "physics", []))
    if extra:
        from .. import NewPhysics  # the package's re-export (wherever the class lives)

        spec = exp.to_spec()["physics"]
        overrides["physics"] = NewPhysics(**{**(spec["params"] if spec else {}), **extra})
    if overrides:
        try:
            exp.param.update(**overrides)
        except (ValueError, TypeError) as exc:
            raise CevnsError(f"invalid option for {exp.name}: {exc}") from exc
    return exp


def whole_grid_sizes(args: argparse.Namespace) -> None:
    for name in ("energy_MeV", "q_fm", "recoil_keV"):
        grid = getattr(args, name, None)
        if grid is not None:
            lo, hi, n = grid
            setattr(args, name, (lo, hi, whole_number(n, f"--{name.replace('_', '-')}")))
