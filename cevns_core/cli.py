"""The ``cevns`` command line (DESIGN.md §4).

Every command prints machine-readable output (CSV with units in the header, or JSON) on stdout;
errors print one line to stderr and exit with status 2 (bad input, or a request the machine
has not the memory for); JSON output writes NaN and ±inf (an open interval's error) as null.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import numpy as np

from .cross_sections import KINEMATICS, total_cross_section
from .errors import CevnsError
from .form_factors import form_factor, form_factor_models
from .weak_charges import COUPLING_SCHEMES, StandardModel

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr, and which reads every negative
    number as a value (argparse's own pattern misses ``-1.2e-30``, ``-inf``: it took them for
    options, so a grid starting at a negative value in exponent notation was refused)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(
            r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-(inf|infinity|nan)$", re.IGNORECASE
        )

    def error(self, message: str) -> NoReturn:
        raise CevnsError(f"{self.prog}: {message}")


def _grid(lo: float, hi: float, n: int, name: str, *, log: bool) -> np.ndarray:
    if not (np.isfinite(lo) and np.isfinite(hi)) or n < 1 or (n > 1 and hi <= lo):
        raise CevnsError(f"{name} needs LO < HI (finite) and N ≥ 1, got {lo:g} {hi:g} {n}")
    if n > 1_000_000:
        raise CevnsError(f"{name}: N = {n} points is more than the limit of 1000000")
    if log:
        if lo <= 0:
            raise CevnsError(f"{name}: a logarithmic grid needs LO > 0, got {lo:g}")
        return np.geomspace(lo, hi, n)
    return np.linspace(lo, hi, n)


def _parse_params(items: Sequence[str]) -> dict[str, Any]:
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


def _plain(value: Any) -> Any:
    """JSON-safe data: NaN and ±inf (not JSON) become null, numpy numbers plain numbers."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    return value


def _json(payload: Any, **options: Any) -> None:
    """Write ``payload`` as JSON on stdout (an open interval's inf, a NaN: null)."""
    json.dump(_plain(payload), sys.stdout, indent=1, allow_nan=False, **options)
    sys.stdout.write("\n")


def _whole(n: float, flag: str) -> int:
    """The N of a (LO, HI, N) grid option: a finite whole number (N = nan raised ValueError)."""
    if not np.isfinite(n) or n != int(n):
        raise CevnsError(f"{flag}: N must be an integer, got {n:g}")
    return int(n)


def _emit(columns: dict[str, np.ndarray], meta: dict[str, Any], fmt: str) -> None:
    if fmt == "json":
        payload = {**meta, **{k: np.asarray(v).tolist() for k, v in columns.items()}}
        _json(payload)
        return
    writer = csv.writer(sys.stdout, lineterminator="\n")
    for key, value in meta.items():
        sys.stdout.write(f"# {key}: {value}\n")
    writer.writerow(columns)
    for row in zip(*columns.values(), strict=True):
        writer.writerow([f"{x:.10g}" for x in row])


def _cmd_cross_section(args: argparse.Namespace) -> None:
    E = _grid(*args.energy_MeV, "--energy-MeV", log=args.log)
    physics = StandardModel(couplings=args.couplings, sin2_theta_W=args.sin2_theta_W)
    sigma = total_cross_section(
        E,
        args.isotope,
        physics,
        args.form_factor,
        kinematics=args.kinematics,
        flavour=args.flavour,
        form_factor_params=_parse_params(args.param),
    )
    meta = {
        "isotope": args.isotope,
        "form_factor": args.form_factor,
        "couplings": args.couplings,
        "sin2_theta_W": args.sin2_theta_W,
        "kinematics": args.kinematics,
    }
    _emit({"E_MeV": E, "sigma_cm2": sigma}, meta, args.format)


def _cmd_form_factor(args: argparse.Namespace) -> None:
    q = _grid(*args.q_fm, "--q-fm", log=args.log)
    values = form_factor(args.model, q, args.isotope, **_parse_params(args.param))
    meta = {"isotope": args.isotope, "model": args.model}
    _emit({"q_fm": q, "F": values}, meta, args.format)


def _cmd_experiments(args: argparse.Namespace) -> None:
    from .experiment import experiment_table

    if args.experiment and not args.json:
        raise CevnsError("--experiment selects presets for --json; the table lists them all")
    if args.json:
        from . import experiment, experiment_names
        from .published import published_comparison

        names = args.experiment or experiment_names()
        payload = []
        for name in names:
            exp = experiment(name)
            row = exp.summary()
            comparison = published_comparison(exp)
            row["expected_events"] = comparison["counts"]
            row["published"] = {
                "reference": comparison["reference"],
                "results": comparison["results"],
            }
            payload.append(row)
        _json(payload)
        return
    rows = experiment_table()
    if args.format == "json":
        _json(rows)
        return
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(rows[0].keys())
    for row in rows:
        writer.writerow(["" if v is None else v for v in row.values()])


def _add_nuclear_options(parser: argparse.ArgumentParser) -> None:
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


def _per_nucleus(items: Sequence[str], flag: str) -> float | dict[str, float] | None:
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


def nuclear_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """Experiment keywords from the nuclear options (``--skin-fm``, ``--rn-fm``, …)."""
    overrides: dict[str, Any] = {}
    skin = _per_nucleus(args.skin_fm, "--skin-fm")
    if skin is not None:
        overrides["skin_fm"] = skin
    radius = _per_nucleus(args.rn_fm, "--rn-fm")
    if radius is not None:
        overrides["R_n_fm"] = radius
    if args.form_factor_param:
        overrides["form_factor_params"] = _parse_params(args.form_factor_param)
    return overrides


def _add_physics_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--physics",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a Standard-Model or new-physics parameter of NewPhysics, e.g. zprime_coupling=1e-4 "
        "(repeatable; true/false for switches)",
    )


def _add_experiment_choice(parser: argparse.ArgumentParser) -> None:
    """``--experiment NAME`` or ``--spec FILE.json`` (one of them)."""
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--experiment", help="preset name (see `cevns experiments`)")
    which.add_argument(
        "--spec", metavar="FILE.json", help="an experiment spec (as written by `cevns spec`)"
    )


def _physics_params(items: Sequence[str]) -> dict[str, Any]:
    params = _parse_params(items)
    for key, value in params.items():
        if isinstance(value, str) and value.lower() in ("true", "false"):
            params[key] = value.lower() == "true"
    return params


def _experiment(args: argparse.Namespace):
    from .experiment import Experiment, experiment, read_spec

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
    extra = _physics_params(getattr(args, "physics", []))
    if extra:
        from . import NewPhysics  # the package's re-export (wherever the class lives)

        spec = exp.to_spec()["physics"]
        overrides["physics"] = NewPhysics(**{**(spec["params"] if spec else {}), **extra})
    if overrides:
        try:
            exp.param.update(**overrides)
        except (ValueError, TypeError) as exc:
            raise CevnsError(f"invalid option for {exp.name}: {exc}") from exc
    return exp


def _cmd_counts(args: argparse.Namespace) -> None:
    exp = _experiment(args)
    if args.electron_binding is not None and not args.electron_recoils:
        raise CevnsError("--electron-binding needs --electron-recoils")
    if args.electron_recoils:
        binding = args.electron_binding or exp.electron_binding
        exp = exp.copy(electron_recoils=True, electron_binding=binding)
    counts = exp.counts()
    if args.json:
        payload = {"experiment": exp.name, "form_factor": exp.form_factor, **counts.as_dict()}
        payload["published"] = exp.published
        _json(payload)
        return
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["component", "events"])
    writer.writerow(["total", f"{counts.total:.6g}"])
    for key, value in {
        **(counts.by_channel or {}),
        **counts.by_flavour,
        **counts.by_isotope,
    }.items():
        writer.writerow([key, f"{value:.6g}"])


def _cmd_spectrum(args: argparse.Namespace) -> None:
    exp = _experiment(args)
    if args.recoil_keV is None:
        top = exp.max_recoil_keV()
        T = np.linspace(top / 200.0, top, 200)
    else:
        T = _grid(*args.recoil_keV, "--recoil-keV", log=args.log)
    spectrum = exp.spectrum(T)
    columns = {"T_keV": T, "dN_dT_per_keV": spectrum.total}
    for flavour, values in spectrum.by_flavour().items():
        columns[f"dN_dT_{flavour}_per_keV"] = values
    meta = {"experiment": exp.name, "form_factor": exp.form_factor, "unit": "events/keVnr"}
    _emit(columns, meta, args.format)


def _cmd_spec(args: argparse.Namespace) -> None:
    exp = _experiment(args)
    if args.python:
        sys.stdout.write(exp.to_python())
        return
    _json(exp.to_spec(), ensure_ascii=False)


def _cmd_band(args: argparse.Namespace) -> None:
    from .experiment import uncertainty_band

    exp = _experiment(args)
    T = None if args.recoil_keV is None else _grid(*args.recoil_keV, "--recoil-keV", log=args.log)
    if args.bins is not None and args.bins < 1:
        raise CevnsError(f"--bins must be at least 1, got {args.bins}")
    edges = None if args.bins is None else exp.analysis_bins(args.bins)
    band = uncertainty_band(
        exp,
        T,
        edges,
        flux_uncertainty=args.flux_uncertainty,
        quenching_uncertainty=args.quenching_uncertainty,
    )
    spectrum = exp.recoil_spectrum(band.T_keV)
    counts = exp.observed_counts(band.bin_edges).total
    meta = {
        "experiment": exp.name,
        "flux_uncertainty": band.flux,
        "quenching_uncertainty": args.quenching_uncertainty,
        "models": " ".join(band.models),
        "skipped": "; ".join(band.skipped),
        "width": "relative half-width (flux ⊕ form factor ⊕ quenching)",
    }
    recoil = {
        "T_keV": band.T_keV,
        "dN_dT_per_keV": spectrum,
        "relative_width": band.recoil,
        "form_factor": band.form_factor_recoil,
    }
    observed = {
        "bin_lo": band.bin_edges[:-1],
        "bin_hi": band.bin_edges[1:],
        "counts": counts,
        "relative_width": band.observed,
        "form_factor": band.form_factor_observed,
        "quenching": band.quenching_observed,
    }
    if args.format == "json":
        payload = {
            **meta,
            "models": list(band.models),
            "skipped": list(band.skipped),
            "observable": exp.detector.observable,
            "recoil": {k: np.asarray(v).tolist() for k, v in recoil.items()},
            "observed": {k: np.asarray(v).tolist() for k, v in observed.items()},
        }
        _json(payload)
        return
    if args.observed:
        _emit(observed, {**meta, "unit": exp.detector.observable}, "csv")
    else:
        _emit(recoil, {**meta, "unit": "events/keVnr"}, "csv")


def _scan_axes(args: argparse.Namespace) -> dict[str, np.ndarray]:
    """The grid options given, or the model's default grid when none is (DESIGN §4)."""
    from .scans import SCAN_MODELS, default_axes

    axes = {}
    for name in dict.fromkeys(a.name for m in SCAN_MODELS.values() for a in m.axes):
        grid = getattr(args, name, None)
        if grid is None:
            continue
        lo, hi, n = grid
        flag = _axis_flag(name)
        n = _whole(n, f"--{flag}")
        axes[name] = _grid(lo, hi, n, f"--{flag}", log=getattr(args, f"log_{name}"))
    return axes or default_axes(args.model)


def _axis_flag(name: str) -> str:
    return name.replace("_", "-")


def _cmd_scan(args: argparse.Namespace) -> None:
    from .scans import TextProgress, scan
    from .statistics import delta_chi2_threshold

    delta_chi2_threshold(args.cl)  # a bad --cl fails before the scan
    exp = _experiment(args)
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
        **_scan_axes(args),
    )
    if args.format == "json":
        _json(result.as_dict(args.cl))
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
        _emit(columns, meta, "csv")
        return
    mesh = np.meshgrid(*result.axes.values(), indexing="ij")
    columns = {n: m.ravel() for n, m in zip(names, mesh, strict=True)}
    columns["counts"] = result.counts.ravel()
    columns["chi2"] = result.chi2.ravel()
    columns["delta_chi2"] = result.delta_chi2.ravel()
    _emit(columns, meta, "csv")


_FIT_PARAMETERS = ("sin2_theta_W", "R_n_fm")


def _with_apv_theory(data: list[str] | None, theory: str) -> list[Any]:
    """The data sets with the APV term built for another atomic theory (--apv-theory)."""
    from .electroweak import external_term

    if not data or "apv_cs133" not in data:
        raise CevnsError("--apv-theory needs --data apv_cs133")
    term = external_term("apv_cs133", theory=theory)
    return [term if d == "apv_cs133" else d for d in data]


def _cmd_fit(args: argparse.Namespace) -> None:
    from . import fits

    grid = None
    if args.grid is not None:
        lo, hi, n = args.grid
        grid = _grid(lo, hi, _whole(n, "--grid"), "--grid", log=False)
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
    exp = _experiment(args)
    if exp is None and nuclear_overrides(args):  # the data set's own preset, with the choice
        from .datasets import load_dataset
        from .experiment import experiment
        from .likelihood import energy_time_names, load_energy_time

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
            f"unknown fit parameter {args.parameter!r}; choose one of: {', '.join(_FIT_PARAMETERS)}"
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
        _json(payload, default=str)
        return
    meta = {
        "parameter": profile.parameter,
        "data": profile.info.get("dataset") or "+".join(profile.info.get("datasets", [])),
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
    _emit(columns, meta, "csv")


#: Why ``cevns serve`` cannot run (the dashboard package is missing), or None.
_NO_DASHBOARD: str | None = None


def _cmd_serve(args: argparse.Namespace) -> None:
    if _NO_DASHBOARD is not None:
        raise CevnsError(_NO_DASHBOARD)
    try:
        from dashboard.server import run  # the dashboard (and Panel) only when serving
    except ImportError as exc:
        raise CevnsError(_no_dashboard(exc)) from None
    try:
        run(args)
    except KeyboardInterrupt:  # Ctrl-C: a normal way to stop the server
        pass


def _no_dashboard(exc: ImportError) -> str:
    return (
        f"cevns serve needs the dashboard, which cannot be imported ({exc}); every other "
        "command works without it. Install the full package (pip install cevns-workbench) "
        "with its dependencies (panel, holoviews, bokeh)"
    )


def _add_serve_parser(sub: Any) -> None:
    """``cevns serve``: the dashboard's options, found lazily (the CLI works without it)."""
    global _NO_DASHBOARD
    try:
        from dashboard.server import add_serve_arguments  # argparse only: no Panel import
    except ImportError as exc:
        _NO_DASHBOARD = _no_dashboard(exc)
        sv = sub.add_parser("serve", help="serve the dashboard (not installed here)")
        sv.add_argument("options", nargs=argparse.REMAINDER, help="the server's options")
        sv.set_defaults(func=_cmd_serve)
        return
    _NO_DASHBOARD = None
    sv = sub.add_parser(
        "serve",
        help="serve the dashboard (http://127.0.0.1:5006/cevns by default)",
        description="Serve the dashboard at http://ADDRESS:PORT[/PREFIX]/cevns.",
    )
    add_serve_arguments(sv)
    sv.set_defaults(func=_cmd_serve)


def _build_parser() -> _Parser:
    parser = _Parser(prog="cevns", description="CEvNS workbench command line.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    xs = sub.add_parser("cross-section", help="total CEvNS cross section σ(E) in cm²")
    xs.add_argument("--isotope", required=True, help="target nucleus, e.g. Cs133")
    xs.add_argument(
        "--energy-MeV",
        nargs=3,
        type=float,
        required=True,
        metavar=("LO", "HI", "N"),
        dest="energy_MeV",
        help="neutrino energy grid in MeV",
    )
    xs.add_argument("--form-factor", default="helm", help="nuclear model (see form-factor --list)")
    xs.add_argument("--couplings", default="tree", choices=COUPLING_SCHEMES)
    xs.add_argument(
        "--sin2-theta-W",
        type=float,
        default=StandardModel.sin2_theta_W,
        dest="sin2_theta_W",
        help="weak mixing angle for tree-level couplings",
    )
    xs.add_argument("--kinematics", default="full", choices=KINEMATICS)
    xs.add_argument("--flavour", default=None, help="neutrino flavour (for flavour couplings)")
    xs.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="nuclear-model parameter, e.g. skin_fm=0.2 (repeatable)",
    )
    xs.add_argument("--log", action="store_true", help="logarithmic energy grid")
    xs.add_argument("--format", choices=("csv", "json"), default="csv")
    xs.set_defaults(func=_cmd_cross_section)

    ff = sub.add_parser("form-factor", help="nuclear form factor F(q)")
    ff.add_argument("--isotope", default="Cs133", help="nucleus, e.g. Ar40")
    ff.add_argument("--model", default="helm", help="form-factor model name")
    ff.add_argument(
        "--q-fm",
        nargs=3,
        type=float,
        default=(0.0, 1.0, 11),
        dest="q_fm",
        metavar=("LO", "HI", "N"),
        help="momentum-transfer grid in fm⁻¹",
    )
    ff.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="model parameter, e.g. s_fm=1.0 (repeatable)",
    )
    ff.add_argument("--log", action="store_true", help="logarithmic q grid")
    ff.add_argument("--format", choices=("csv", "json"), default="csv")
    ff.add_argument("--list", action="store_true", help="list the model names and exit")
    ff.set_defaults(func=_cmd_form_factor)

    ex = sub.add_parser("experiments", help="list the experiment presets")
    ex.add_argument("--format", choices=("csv", "json"), default="csv")
    ex.add_argument(
        "--json",
        action="store_true",
        help="JSON with our expected events and each preset's published numbers beside ours "
        "(computes every preset: a few seconds)",
    )
    ex.add_argument(
        "--experiment",
        action="append",
        default=[],
        metavar="NAME",
        help="with --json: only this preset (repeatable)",
    )
    ex.set_defaults(func=_cmd_experiments)

    co = sub.add_parser("counts", help="expected CEvNS events of an experiment preset or spec")
    _add_experiment_choice(co)
    co.add_argument("--form-factor", default=None, help="nuclear model name (default: helm)")
    _add_nuclear_options(co)
    _add_physics_option(co)
    co.add_argument(
        "--electron-recoils",
        action="store_true",
        help="add ν–e scattering (electron recoils in keVee through the same response); the "
        "output gains the channels cevns and electron",
    )
    co.add_argument(
        "--electron-binding",
        choices=("stepping", "free"),
        default=None,
        help="atomic binding of the target electrons for --electron-recoils (default stepping)",
    )
    co.add_argument("--json", action="store_true", help="JSON output with the breakdown")
    co.set_defaults(func=_cmd_counts)

    sp = sub.add_parser("spectrum", help="nuclear-recoil spectrum dN/dT of an experiment")
    _add_experiment_choice(sp)
    sp.add_argument(
        "--recoil-keV",
        nargs=3,
        type=float,
        default=None,
        dest="recoil_keV",
        metavar=("LO", "HI", "N"),
        help="recoil grid in keVnr (default: 200 points)",
    )
    sp.add_argument("--form-factor", default=None, help="nuclear model name (default: helm)")
    _add_nuclear_options(sp)
    _add_physics_option(sp)
    sp.add_argument("--log", action="store_true", help="logarithmic recoil grid")
    sp.add_argument("--format", choices=("csv", "json"), default="csv")
    sp.set_defaults(func=_cmd_spectrum)

    _add_spec_parsers(sub)
    _add_scan_parsers(sub)
    _add_serve_parser(sub)

    from .dark_matter.cli_fog import add_fog_command  # self-contained: cevns fog

    add_fog_command(sub)
    return parser


def _add_spec_parsers(sub: Any) -> None:
    """``cevns spec`` (the experiment spec as JSON, or its Python script) and ``cevns band``."""
    sp = sub.add_parser(
        "spec",
        help="the experiment spec as JSON (the whole set-up; --python: a script)",
        description="Print the spec of an experiment (preset or spec file, with the options "
        "applied): the JSON that `--spec FILE` reads back, or with --python a script that "
        "rebuilds it and prints its counts.",
    )
    _add_experiment_choice(sp)
    sp.add_argument("--form-factor", default=None, help="nuclear model name (default: helm)")
    _add_nuclear_options(sp)
    _add_physics_option(sp)
    sp.add_argument("--python", action="store_true", help="a runnable Python script instead")
    sp.set_defaults(func=_cmd_spec)

    bd = sub.add_parser(
        "band",
        help="uncertainty band of the spectra: flux ⊕ form-factor spread ⊕ quenching",
        description="Relative half-widths of the band of dN/dT (CSV default) and of the "
        "observed counts per bin (--observed; JSON has both).",
    )
    _add_experiment_choice(bd)
    bd.add_argument("--form-factor", default=None, help="nuclear model name (default: helm)")
    _add_nuclear_options(bd)
    _add_physics_option(bd)
    bd.add_argument(
        "--flux-uncertainty", type=float, default=0.10, help="relative flux uncertainty (0.10)"
    )
    bd.add_argument(
        "--quenching-uncertainty",
        type=float,
        default=0.10,
        help="relative quenching uncertainty: Q scaled by 1 ± u (0.10)",
    )
    bd.add_argument(
        "--recoil-keV",
        nargs=3,
        type=float,
        default=None,
        dest="recoil_keV",
        metavar=("LO", "HI", "N"),
        help="recoil grid in keVnr (default: 200 points up to T_max)",
    )
    bd.add_argument("--log", action="store_true", help="logarithmic recoil grid")
    bd.add_argument("--bins", type=int, default=None, help="observable bins (default 40)")
    bd.add_argument("--observed", action="store_true", help="CSV of the observed bins")
    bd.add_argument("--format", choices=("csv", "json"), default="csv")
    bd.set_defaults(func=_cmd_band)


def _add_scan_parsers(sub: Any) -> None:
    from .scans import REFERENCES, SCAN_MODELS

    sc = sub.add_parser("scan", help="Δχ² scan of a new-physics model (1-D profile or 2-D grid)")
    sc.add_argument("model", help=f"scan model: {', '.join(sorted(SCAN_MODELS))}")
    sc.add_argument(
        "--experiment",
        default=None,
        help="preset name (see `cevns experiments`); optional with --data (each data set's own)",
    )
    for name in dict.fromkeys(a.name for m in SCAN_MODELS.values() for a in m.axes):
        doc = next(a.doc for m in SCAN_MODELS.values() for a in m.axes if a.name == name)
        sc.add_argument(
            f"--{_axis_flag(name)}",
            nargs=3,
            type=float,
            default=None,
            dest=name,
            metavar=("LO", "HI", "N"),
            help=f"grid of {name}: {doc}",
        )
        sc.add_argument(
            f"--log-{_axis_flag(name)}",
            action="store_true",
            dest=f"log_{name}",
            help=f"logarithmic {name} grid",
        )
    sc.add_argument("--cl", type=float, default=0.9, help="confidence level (default 0.9)")
    sc.add_argument(
        "--data",
        action="append",
        default=None,
        help="data set to fit (default: Asimov, no new physics); repeat for a joint likelihood "
        "(SNS flux shared), e.g. --data coherent_csi_2021 --data coherent_lar_2020_3d",
    )
    sc.add_argument(
        "--apv-theory",
        default=None,
        choices=("dzuba2012", "sahoo2021", "porsev2010"),
        help="with --data apv_cs133: the atomic-theory PNC amplitude (default dzuba2012)",
    )
    sc.add_argument("--statistic", default=None, help="gaussian, poisson, gaussian_coherent")
    sc.add_argument(
        "--sigma-signal", type=float, default=None, dest="sigma_signal", help="σ_α (fraction)"
    )
    sc.add_argument(
        "--reference",
        choices=REFERENCES,
        default="minimum",
        help="Δχ² relative to the minimum (default) or to the SM",
    )
    sc.add_argument("--method", choices=("auto", "fast", "kernel", "generic"), default="auto")
    sc.add_argument(
        "--keep",
        choices=("bins", "chi2"),
        default="bins",
        help="chi2: keep only χ² and totals (large grids; the output is the same)",
    )
    sc.add_argument(
        "--dtype", choices=("float64", "float32"), default="float64", help="storage of χ²"
    )
    sc.add_argument("--form-factor", default=None, help="nuclear model (default: the preset's)")
    _add_nuclear_options(sc)
    sc.add_argument("--scheduler", default=None, help="Dask scheduler address (optional)")
    sc.add_argument(
        "--contour", action="store_true", help="CSV of the contour lines (1-D: intervals)"
    )
    sc.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="progress bar on stderr (auto: scans longer than 1 s)",
    )
    sc.add_argument("--format", choices=("csv", "json"), default="csv")
    sc.set_defaults(func=_cmd_scan)

    ft = sub.add_parser("fit", help="1-D Δχ² fit of a parameter to a data set")
    ft.add_argument("parameter", help=f"fit parameter: {', '.join(_FIT_PARAMETERS)}")
    ft.add_argument(
        "--data",
        required=True,
        action="append",
        help="data set, e.g. coherent_csi_2017; repeat it for a joint fit (--data "
        "coherent_csi_2021 --data coherent_lar_2020_3d: one likelihood, SNS flux shared)",
    )
    ft.add_argument(
        "--nuclei",
        nargs="+",
        default=None,
        help="R_n_fm only: fit R_n of these nuclei (e.g. Cs), the others unchanged",
    )
    ft.add_argument(
        "--apv-theory",
        default=None,
        choices=("dzuba2012", "sahoo2021", "porsev2010"),
        help="with --data apv_cs133: the atomic-theory PNC amplitude (default dzuba2012)",
    )
    ft.add_argument(
        "--neutron-radius",
        default=None,
        help="sin2_theta_W on likelihood data: R_n of every target in fm, or 'free' (profiled)",
    )
    ft.add_argument("--experiment", default=None, help="preset (default: the data set's)")
    _add_nuclear_options(ft)
    ft.add_argument(
        "--grid", nargs=3, type=float, default=None, metavar=("LO", "HI", "N"), help="values"
    )
    ft.add_argument("--cl", type=float, default=0.9, help="confidence level (default 0.9)")
    ft.add_argument(
        "--statistic", default=None, help="default: the data set's (one 1-D data set only)"
    )
    ft.add_argument(
        "--no-time-cut", action="store_true", help="no arrival-time acceptance (as PKK)"
    )
    ft.add_argument("--format", choices=("csv", "json"), default="csv")
    ft.set_defaults(func=_cmd_fit)


def _int_counts(args: argparse.Namespace) -> None:
    for name in ("energy_MeV", "q_fm", "recoil_keV"):
        grid = getattr(args, name, None)
        if grid is not None:
            lo, hi, n = grid
            setattr(args, name, (lo, hi, _whole(n, f"--{name.replace('_', '-')}")))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status."""
    parser = _build_parser()
    try:
        words = list(sys.argv[1:] if argv is None else argv)
        if _NO_DASHBOARD is not None and words[:1] == ["serve"] and "--help" not in words:
            raise CevnsError(_NO_DASHBOARD)  # whatever the server options: they need it
        args = parser.parse_args(argv)
        if getattr(args, "list", False):
            sys.stdout.write("\n".join(form_factor_models()) + "\n")
            return 0
        _int_counts(args)
        command: Callable[[argparse.Namespace], None] = args.func
        command(args)
    except CevnsError as exc:
        sys.stderr.write(f"cevns: error: {' '.join(str(exc).splitlines())}\n")
        return 2
    except MemoryError:  # a request within every limit that this machine still cannot hold
        sys.stderr.write("cevns: error: not enough memory for this request; use smaller grids\n")
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
