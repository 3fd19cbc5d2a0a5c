"""The ``cevns fog`` command: the neutrino floor of a target (O'Hare's n = 2 definition).

Prints, per WIMP mass, the floor cross section and the exposure where it is reached (CSV with
units in the header, or JSON that also holds the discovery limits and the gradient index on the
mass × exposure grid). Registered by :func:`add_fog_command` from :mod:`cevns_core.cli`.

Example::

    cevns fog --target Xe --masses-GeV 1 1000 20 --format json
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from typing import Any

import numpy as np

from ..errors import CevnsError
from .backgrounds import background_models
from .fog import neutrino_fog
from .halo import HALO_PRESETS, StandardHaloModel

__all__ = ["add_fog_command"]


def _grid(values: list[float], name: str, minimum: int) -> np.ndarray:
    lo, hi, n = values
    whole = math.isfinite(n) and n == int(n)  # int(nan) raised ValueError
    if not whole or n < minimum or not (0 < lo < hi) or not math.isfinite(hi):
        raise CevnsError(
            f"--{name} needs 0 < LO < HI and an integer N ≥ {minimum}, got {lo:g} {hi:g} {n:g}"
        )
    if n > 10_000:
        raise CevnsError(f"--{name}: N = {n:g} points is more than the limit of 10000")
    return np.geomspace(lo, hi, int(n))


def _finite_or_none(values: np.ndarray) -> list[Any]:
    """JSON has no NaN: a floor not reached is null."""
    return [float(v) if np.isfinite(v) else None for v in np.ravel(values)]


def _cmd_fog(args: argparse.Namespace) -> None:
    masses = _grid(args.masses_GeV, "masses-GeV", 1)
    exposures = _grid(args.exposures_kg_yr, "exposures-kg-yr", 3)
    fog = neutrino_fog(
        args.target,
        masses,
        exposures,
        threshold_keV=args.threshold_keV,
        E_max_keV=args.E_max_keV,
        n_bins=args.bins,
        halo=StandardHaloModel.preset(args.halo),
        backgrounds=args.backgrounds,
    )
    meta = {
        "target": args.target,
        "definition": "neutrino floor: sigma where the gradient index n = -(dln sigma/dln MT)^-1 "
        "of the 3-sigma discovery limit reaches 2 (O'Hare, PRL 127 (2021) 251802)",
        "threshold_keV": args.threshold_keV,
        "E_max_keV": args.E_max_keV,
        "n_bins": args.bins,
        "halo": args.halo,
        "backgrounds": args.backgrounds,
    }
    if args.format == "json":
        payload = {
            **meta,
            "mass_GeV": masses.tolist(),
            "exposure_kg_yr": exposures.tolist(),
            "floor_cm2": _finite_or_none(fog.floor_cm2),
            "floor_exposure_kg_yr": _finite_or_none(fog.floor_exposure_kg_yr),
            "discovery_limit_cm2": [_finite_or_none(row) for row in fog.limits.sigma_cm2],
            "gradient_index": [_finite_or_none(row) for row in fog.gradient_index],
        }
        json.dump(payload, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return
    for key, value in meta.items():
        sys.stdout.write(f"# {key}: {value}\n")
    sys.stdout.write("# nan: the floor is not reached within the exposure grid\n")
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["mass_GeV", "floor_cm2", "floor_exposure_kg_yr"])
    for row in zip(masses, fog.floor_cm2, fog.floor_exposure_kg_yr, strict=True):
        writer.writerow([f"{x:.10g}" for x in row])


def add_fog_command(sub: Any) -> None:
    """Add ``fog`` to the sub-commands of the ``cevns`` parser."""
    fog = sub.add_parser(
        "fog", help="neutrino floor of a dark-matter target (O'Hare 2021 definition)"
    )
    fog.add_argument("--target", required=True, help="material, e.g. Xe, Ar, Ge, NaI, CaWO4")
    grids = {
        "--masses-GeV": ("masses_GeV", [0.1, 1e4, 100], "WIMP masses (log grid, GeV)"),
        "--exposures-kg-yr": (
            "exposures_kg_yr",
            [1e-2, 1e13, 50],
            "exposures (log grid, kg·yr)",
        ),
    }
    for flag, (dest, default, text) in grids.items():
        fog.add_argument(
            flag,
            nargs=3,
            type=float,
            default=default,
            metavar=("LO", "HI", "N"),
            dest=dest,
            help=f"{text}; default {default[0]:g} {default[1]:g} {default[2]:g}",
        )
    fog.add_argument("--threshold-keV", type=float, default=1e-4, dest="threshold_keV")
    fog.add_argument("--E-max-keV", type=float, default=200.0, dest="E_max_keV")
    fog.add_argument("--bins", type=int, default=50, help="logarithmic recoil bins (50)")
    fog.add_argument("--halo", choices=sorted(HALO_PRESETS), default="baxter2021")
    fog.add_argument("--backgrounds", choices=background_models(), default="ohare2021")
    fog.add_argument("--format", choices=("csv", "json"), default="csv")
    fog.set_defaults(func=_cmd_fog)
