"""The physics commands: ``cross-section``, ``form-factor``, ``experiments``, ``counts``,
``spectrum``, ``spec`` and ``band`` (DESIGN.md §4).
"""

from __future__ import annotations

import argparse
import csv
import sys

import numpy as np

from ..cross_sections import total_cross_section
from ..errors import CevnsError
from ..form_factors import form_factor
from ..weak_charges import StandardModel
from .arguments import experiment_from_args, parse_params, value_grid
from .output import emit, write_json

__all__ = [
    "cmd_band",
    "cmd_counts",
    "cmd_cross_section",
    "cmd_experiments",
    "cmd_form_factor",
    "cmd_spec",
    "cmd_spectrum",
]


def cmd_cross_section(args: argparse.Namespace) -> None:
    E = value_grid(*args.energy_MeV, "--energy-MeV", log=args.log)
    physics = StandardModel(couplings=args.couplings, sin2_theta_W=args.sin2_theta_W)
    sigma = total_cross_section(
        E,
        args.isotope,
        physics,
        args.form_factor,
        kinematics=args.kinematics,
        flavour=args.flavour,
        form_factor_params=parse_params(args.param),
    )
    meta = {
        "isotope": args.isotope,
        "form_factor": args.form_factor,
        "couplings": args.couplings,
        "sin2_theta_W": args.sin2_theta_W,
        "kinematics": args.kinematics,
    }
    emit({"E_MeV": E, "sigma_cm2": sigma}, meta, args.format)


def cmd_form_factor(args: argparse.Namespace) -> None:
    q = value_grid(*args.q_fm, "--q-fm", log=args.log)
    values = form_factor(args.model, q, args.isotope, **parse_params(args.param))
    meta = {"isotope": args.isotope, "model": args.model}
    emit({"q_fm": q, "F": values}, meta, args.format)


def cmd_experiments(args: argparse.Namespace) -> None:
    from ..experiment import experiment_table

    if args.experiment and not args.json:
        raise CevnsError("--experiment selects presets for --json; the table lists them all")
    if args.json:
        from .. import experiment, experiment_names
        from ..published import published_comparison

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
        write_json(payload)
        return
    rows = experiment_table()
    if args.format == "json":
        write_json(rows)
        return
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(rows[0].keys())
    for row in rows:
        writer.writerow(["" if v is None else v for v in row.values()])


def cmd_counts(args: argparse.Namespace) -> None:
    exp = experiment_from_args(args)
    if args.electron_binding is not None and not args.electron_recoils:
        raise CevnsError("--electron-binding needs --electron-recoils")
    if args.electron_recoils:
        binding = args.electron_binding or exp.electron_binding
        exp = exp.copy(electron_recoils=True, electron_binding=binding)
    counts = exp.counts()
    if args.json:
        payload = {"experiment": exp.name, "form_factor": exp.form_factor, **counts.as_dict()}
        payload["published"] = exp.published
        write_json(payload)
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


def cmd_spectrum(args: argparse.Namespace) -> None:
    exp = experiment_from_args(args)
    if args.recoil_keV is None:
        top = exp.max_recoil_keV()
        T = np.linspace(top / 200.0, top, 200)
    else:
        T = value_grid(*args.recoil_keV, "--recoil-keV", log=args.log)
    spectrum = exp.spectrum(T)
    columns = {"T_keV": T, "dN_dT_per_keV": spectrum.total}
    for flavour, values in spectrum.by_flavour().items():
        columns[f"dN_dT_{flavour}_per_keV"] = values
    meta = {"experiment": exp.name, "form_factor": exp.form_factor, "unit": "events/keVnr"}
    emit(columns, meta, args.format)


def cmd_spec(args: argparse.Namespace) -> None:
    exp = experiment_from_args(args)
    if args.python:
        sys.stdout.write(exp.to_python())
        return
    write_json(exp.to_spec(), ensure_ascii=False)


def cmd_band(args: argparse.Namespace) -> None:
    from ..experiment import uncertainty_band

    exp = experiment_from_args(args)
    T = (
        None
        if args.recoil_keV is None
        else value_grid(*args.recoil_keV, "--recoil-keV", log=args.log)
    )
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
        write_json(payload)
        return
    if args.observed:
        emit(observed, {**meta, "unit": exp.detector.observable}, "csv")
    else:
        emit(recoil, {**meta, "unit": "events/keVnr"}, "csv")
