"""The ``cevns`` argument parser: one sub-command per command, with its options."""

from __future__ import annotations

from typing import Any

from ..cross_sections import KINEMATICS
from ..weak_charges import COUPLING_SCHEMES, StandardModel
from .arguments import (
    CommandParser,
    add_experiment_choice,
    add_nuclear_options,
    add_physics_option,
)
from .physics_commands import (
    cmd_band,
    cmd_counts,
    cmd_cross_section,
    cmd_experiments,
    cmd_form_factor,
    cmd_spec,
    cmd_spectrum,
)
from .scan_fit_commands import FIT_PARAMETERS, axis_flag, cmd_fit, cmd_scan
from .serve_command import add_serve_parser

__all__ = ["add_scan_parsers", "add_spec_parsers", "build_parser"]


def build_parser() -> CommandParser:
    """The parser of every ``cevns`` command (``serve_unavailable``: why serve cannot run)."""
    parser = CommandParser(prog="cevns", description="CEvNS workbench command line.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=CommandParser)

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
    xs.set_defaults(func=cmd_cross_section)

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
    ff.set_defaults(func=cmd_form_factor)

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
    ex.set_defaults(func=cmd_experiments)

    co = sub.add_parser("counts", help="expected CEvNS events of an experiment preset or spec")
    add_experiment_choice(co)
    co.add_argument("--form-factor", default=None, help="nuclear model name (default: helm)")
    add_nuclear_options(co)
    add_physics_option(co)
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
    co.set_defaults(func=cmd_counts)

    sp = sub.add_parser("spectrum", help="nuclear-recoil spectrum dN/dT of an experiment")
    add_experiment_choice(sp)
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
    add_nuclear_options(sp)
    add_physics_option(sp)
    sp.add_argument("--log", action="store_true", help="logarithmic recoil grid")
    sp.add_argument("--format", choices=("csv", "json"), default="csv")
    sp.set_defaults(func=cmd_spectrum)

    add_spec_parsers(sub)
    add_scan_parsers(sub)
    parser.serve_unavailable = add_serve_parser(sub)

    from ..dark_matter.cli_fog import add_fog_command  # self-contained: cevns fog

    add_fog_command(sub)
    return parser


def add_spec_parsers(sub: Any) -> None:
    """``cevns spec`` (the experiment spec as JSON, or its Python script) and ``cevns band``."""
    sp = sub.add_parser(
        "spec",
        help="the experiment spec as JSON (the whole set-up; --python: a script)",
        description="Print the spec of an experiment (preset or spec file, with the options "
        "applied): the JSON that `--spec FILE` reads back, or with --python a script that "
        "rebuilds it and prints its counts.",
    )
    add_experiment_choice(sp)
    sp.add_argument("--form-factor", default=None, help="nuclear model name (default: helm)")
    add_nuclear_options(sp)
    add_physics_option(sp)
    sp.add_argument("--python", action="store_true", help="a runnable Python script instead")
    sp.set_defaults(func=cmd_spec)

    bd = sub.add_parser(
        "band",
        help="uncertainty band of the spectra: flux ⊕ form-factor spread ⊕ quenching",
        description="Relative half-widths of the band of dN/dT (CSV default) and of the "
        "observed counts per bin (--observed; JSON has both).",
    )
    add_experiment_choice(bd)
    bd.add_argument("--form-factor", default=None, help="nuclear model name (default: helm)")
    add_nuclear_options(bd)
    add_physics_option(bd)
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
    bd.set_defaults(func=cmd_band)


def add_scan_parsers(sub: Any) -> None:
    from ..scans import REFERENCES, SCAN_MODELS

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
            f"--{axis_flag(name)}",
            nargs=3,
            type=float,
            default=None,
            dest=name,
            metavar=("LO", "HI", "N"),
            help=f"grid of {name}: {doc}",
        )
        sc.add_argument(
            f"--log-{axis_flag(name)}",
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
    add_nuclear_options(sc)
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
    sc.set_defaults(func=cmd_scan)

    ft = sub.add_parser("fit", help="1-D Δχ² fit of a parameter to a data set")
    ft.add_argument("parameter", help=f"fit parameter: {', '.join(FIT_PARAMETERS)}")
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
    add_nuclear_options(ft)
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
    ft.set_defaults(func=cmd_fit)
