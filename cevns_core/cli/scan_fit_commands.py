"""The data commands: ``scan`` (Δχ² grid of a new-physics model, Asimov or data) and
``fit`` (1-D profile of sin²θ_W or R_n on a data set).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import numpy as np

from ..errors import CevnsError
from .arguments import experiment_from_args, nuclear_overrides, value_grid, whole_number
from .output import emit, write_json

__all__ = ["FIT_PARAMETERS", "axis_flag", "cmd_fit", "cmd_scan", "scan_axes"]


def axis_flag(name: str) -> str:
    return name.replace("_", "-")


def scan_axes(args: argparse.Namespace) -> dict[str, np.ndarray]:
    """The grid options given, or the model's default grid when none is (DESIGN §4)."""
    from ..scans import SCAN_MODELS, default_axes

    axes = {}
    for name in dict.fromkeys(a.name for m in SCAN_MODELS.values() for a in m.axes):
        grid = getattr(args, name, None)
        if grid is None:
            continue
        lo, hi, n = grid
        flag = axis_flag(name)
        n = whole_number(n, f"--{flag}")
        axes[name] = value_grid(lo, hi, n, f"--{flag}", log=getattr(args, f"log_{name}"))
    return axes or default_axes(args.model)


def cmd_scan(args: argparse.Namespace) -> None:
    from ..scans import TextProgress, scan
    from ..statistics import delta_chi2_threshold

    delta_chi2_threshold(args.cl)  # a bad --cl fails before the scan
    exp = experiment_from_args(args)
    data = args.data
    if data is not None and len(data) == 1:
        data = data[0]  # one data set: its own χ² (a list would be a joint likelihood)
    if args.apv_theory is not None:
        data = _with_apv_theory(args.data, args.apv_theory)
    if exp is None and data is None:
        raise CevnsError("give --experiment NAME (Asimov scan) or --data NAME (repeatable)")
    delay = {"auto": 1.0, "always": 0.0}.get(args.progress)
    result = scan(
        exp,
        args.model,
        data=data,
        statistic=args.statistic,
        sigma_signal=args.sigma_signal,
        reference=args.reference,
        method=args.method,
        client=args.scheduler,
        progress=None if delay is None else TextProgress(f"scan {args.model}", delay=delay),
        keep=args.keep,
        dtype=args.dtype,
        **scan_axes(args),
    )
    if args.format == "json":
        write_json(result.as_dict(args.cl))
        return
    names = list(result.axes)
    best = {k: v for k, v in result.best_fit.items() if k != "index"}
    meta = {
        "model": result.model,
        "experiment": result.info["experiment"],
        "data": result.info["data"] or "asimov (no new physics)",
        "statistic": result.info["statistic"],
        "sigma_signal": result.info["sigma_signal"],
        "reference": result.reference,
        "cl": args.cl,
        "delta_chi2_threshold": result.threshold(args.cl),
        "chi2_min": result.chi2_min,
        "chi2_null": result.chi2_null,
        "best_fit": json.dumps(best),
        "path": result.info["path"],
    }
    if args.contour:
        pieces = result.contour(args.cl)
        if len(names) == 1:
            columns = {
                "lo": np.array([iv.lo for iv in pieces]),
                "hi": np.array([iv.hi for iv in pieces]),
                "lo_open": np.array([float(iv.lo_open) for iv in pieces]),
                "hi_open": np.array([float(iv.hi_open) for iv in pieces]),
            }
        else:
            columns = {
                "line": np.concatenate([np.full(a.size, k) for k, (a, _) in enumerate(pieces)])
                if pieces
                else np.zeros(0),
                names[0]: np.concatenate([a for a, _ in pieces]) if pieces else np.zeros(0),
                names[1]: np.concatenate([b for _, b in pieces]) if pieces else np.zeros(0),
            }
        emit(columns, meta, "csv")
        return
    mesh = np.meshgrid(*result.axes.values(), indexing="ij")
    columns = {n: m.ravel() for n, m in zip(names, mesh, strict=True)}
    columns["counts"] = result.counts.ravel()
    columns["chi2"] = result.chi2.ravel()
    columns["delta_chi2"] = result.delta_chi2.ravel()
    emit(columns, meta, "csv")


FIT_PARAMETERS = ("sin2_theta_W", "R_n_fm")


def _with_apv_theory(data: list[str] | None, theory: str) -> list[Any]:
    """The data sets with the APV term built for another atomic theory (--apv-theory)."""
    from ..electroweak import external_term

    if not data or "apv_cs133" not in data:
        raise CevnsError("--apv-theory needs --data apv_cs133")
    term = external_term("apv_cs133", theory=theory)
    return [term if d == "apv_cs133" else d for d in data]


def cmd_fit(args: argparse.Namespace) -> None:
    from .. import fits

    grid = None
    if args.grid is not None:
        lo, hi, n = args.grid
        grid = value_grid(lo, hi, whole_number(n, "--grid"), "--grid", log=False)
    options = {"statistic": args.statistic, "time_cut": not args.no_time_cut}
    # one --data: that data set; several: their joint likelihood (shared SNS flux)
    data = args.data[0] if len(args.data) == 1 else list(args.data)
    if args.apv_theory is not None:
        data = _with_apv_theory(args.data, args.apv_theory)
    radius = args.neutron_radius
    if radius is not None and args.parameter != "sin2_theta_W":
        raise CevnsError("--neutron-radius applies to the sin2_theta_W fit only")
    if radius is not None and radius != "free":
        try:
            radius = float(radius)
        except ValueError:
            raise CevnsError(
                f"--neutron-radius must be a value in fm or 'free', got {radius!r}"
            ) from None
    exp = experiment_from_args(args)
    if exp is None and nuclear_overrides(args):  # the data set's own preset, with the choice
        from ..datasets import load_dataset
        from ..experiment import experiment
        from ..likelihood import energy_time_names, load_energy_time

        if not isinstance(data, str):
            raise CevnsError("nuclear options apply to one --data; give one data set")
        preset = (
            load_energy_time(data).experiment
            if data in energy_time_names()
            else load_dataset(data).experiment
        )
        exp = experiment(preset, **nuclear_overrides(args))
    if args.nuclei and args.parameter != "R_n_fm":
        raise CevnsError("--nuclei applies to the R_n_fm fit only")
    if args.parameter == "sin2_theta_W":
        extra = {} if radius is None else {"neutron_radius": radius}
        profile = fits.fit_sin2_theta_w(data, experiment=exp, grid=grid, **options, **extra)
    elif args.parameter == "R_n_fm":
        extra = {"nuclei": args.nuclei} if args.nuclei else {}
        profile = fits.fit_neutron_radius(data, experiment=exp, grid=grid, **options, **extra)
    else:
        raise CevnsError(
            f"unknown fit parameter {args.parameter!r}; choose one of: {', '.join(FIT_PARAMETERS)}"
            " (other parameters: `cevns scan MODEL --data NAME` with one axis)"
        )
    best, minus, plus = profile.errors(args.cl)
    interval = profile.interval(args.cl)
    if args.format == "json":
        payload = profile.as_dict()
        payload.update(
            {
                "cl": args.cl,
                "errors": {"best_fit": best, "minus": minus, "plus": plus},
                "interval": interval.as_dict(),
            }
        )
        write_json(payload, default=str)
        return
    meta = {
        "parameter": profile.parameter,
        "data": profile.info.get("dataset")
        or "+".join([*profile.info.get("datasets", []), *profile.info.get("external", [])]),
        "experiment": profile.info.get("experiment"),
        "statistic": profile.info.get("statistic"),
        "cl": args.cl,
        "best_fit": best,
        "minus": minus,
        "plus": plus,
        "chi2_min": profile.chi2_min,
    }
    columns = {
        profile.parameter: profile.grid,
        "chi2": profile.chi2,
        "delta_chi2": profile.delta_chi2,
    }
    emit(columns, meta, "csv")
