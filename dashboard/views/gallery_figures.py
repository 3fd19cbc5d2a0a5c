"""The gallery's drawings: each review figure of :mod:`dashboard.gallery`, drawn live by the core.

:func:`draw` returns the HoloViews object of a figure with the figure's own set-up (presets and
grids fixed here, independent of the sidebar). Numbers come from the cached results
(:mod:`dashboard.results`, :mod:`dashboard.physics_results`); published points and bands are the
core's shipped tables (``cc.named_results``, ``cc.measurement_points``, PKK Table II via
``cevns_core.fits.published_limits``, O'Hare's floor). Slow figures (scans, fits) run off the
event loop in the gallery view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import holoviews as hv
import numpy as np

import cevns_core as cc
from cevns_core.fits import published_limits

from .. import physics_results as pr
from .. import results
from ..labels import form_factor_label, preset_title
from ..palette import NEW_PHYSICS_COLOR, SM_COLOR, flavour_color, isotope_color, series_color
from ..spec import preset_spec
from ..viewstate import N_SQUARED_NUCLEI
from . import physics_plots as pp
from .physics_plots import E_DIM, T_DIM, curve, dim, overlay

__all__ = ["DRAWINGS", "draw"]

HELM = {"form_factor": "helm", "form_factor_params": {}, "skin_fm": 0.0, "R_n_fm": None}
POINT = {**HELM, "form_factor": "point"}
SIGMA = dim("sigma_cm2", "σ", "cm²")


def _spec(name: str, **changes: Any) -> dict[str, Any]:
    spec = preset_spec(name)
    for key, value in changes.items():
        spec[key] = {**spec[key], **value}
    return spec


# ---------------------------------------------------------------------------- PKK
def pkk_2ul() -> hv.Overlay:
    energies = (10.0, 30.0, 50.0, 80.0, 120.0, 150.0)
    helm = results.differential_cross_sections("Cs133", energies, HELM, None, "nu_mu")
    point = results.differential_cross_sections("Cs133", (50.0, 120.0), POINT, None, "nu_mu")
    ydim = dim("dsdT", "dσ/dT", "cm²/keV")
    layers = [
        curve(*helm[E], T_DIM, ydim, f"{E:g} MeV", series_color(i), positive=True)
        for i, E in enumerate(energies)
    ]
    for E in (50.0, 120.0):
        i = energies.index(E)
        layers.append(curve(*point[E], T_DIM, ydim, f"{E:g} MeV, F = 1", series_color(i),
                            line_dash="dashed", positive=True))  # fmt: skip
    return overlay(layers, "dσ/dT of ¹³³Cs", logy=True, ylim=(1e-44, 1e-36))


def pkk_2ur() -> hv.Overlay:
    angles = (0.0, 30.0, 60.0, 90.0, 120.0, 150.0, 180.0)
    c = results.angular_cross_sections("Cs133", angles, 0.5, 150.0, HELM, None, "nu_mu")
    ydim = dim("dsdcos", "dσ/dcos θ_ν", "cm²")
    layers = [
        curve(c.x, y, E_DIM, ydim, k, series_color(i)) for i, (k, y) in enumerate(c.curves.items())
    ]
    return overlay(layers, "dσ/dcos θ_ν of ¹³³Cs", legend_position="right")


def pkk_2b() -> hv.Layout:
    nuclei = ("Ar40", "Ge72", "Cs133")
    helm = results.total_cross_sections(nuclei, 0.5, 150.0, HELM, None, "nu_mu")
    point = results.total_cross_sections(nuclei, 0.5, 150.0, POINT, None, "nu_mu")
    return pp.sigma_ff_plots(helm, point, nuclei)


def pkk_3() -> hv.Layout:
    models = ("helm", "symmetrized_fermi", "klein_nystrand", "harmonic_oscillator")
    q_dim = dim("q_fm", "Momentum transfer q", "fm⁻¹")
    r_dim = dim("r_fm", "r", "fm")
    F_dim = dim("F", "|F(q)|")
    rho_dim = dim("rho", "ρ(r)", "fm⁻³")
    ff, rho = [], []
    for nucleus, dash in (("Ar40", "solid"), ("Ti48", "dashed")):
        out = results.form_factor_curves(nucleus, models, "helm", {}, 0.0, None, 3.0)
        for i, m in enumerate(models):
            label = f"{nucleus}, {form_factor_label(m)}"
            y = np.abs(np.asarray(out["F_p"].curves[m]))
            ff.append(curve(out["F_p"].x, y, q_dim, F_dim, label, series_color(i),
                            line_dash=dash, positive=True))  # fmt: skip
            if m in out["rho_p"].curves:
                rho.append(curve(out["rho_p"].x, out["rho_p"].curves[m], r_dim, rho_dim, label,
                                 series_color(i), line_dash=dash))  # fmt: skip
    left = overlay(rho, "Proton densities: ⁴⁰Ar solid, ⁴⁸Ti dashed", yformatter="%.1e")
    right = overlay(ff, "Form factors: ⁴⁰Ar solid, ⁴⁸Ti dashed", logy=True, ylim=(1e-5, 1.5))
    return (left + right).opts(shared_axes=False)


def pkk_4() -> hv.Overlay:
    nuclei = ("C12", "Na23", "Ar40", "Ge72", "Cs133", "Pb208")
    c = results.total_cross_sections(nuclei, 0.5, 150.0, HELM, None, "nu_mu")
    layers = [
        curve(c.x, c.curves[n], E_DIM, SIGMA, n, isotope_color(n), positive=True) for n in nuclei
    ]
    return overlay(layers, "Total CEvNS cross sections, light to heavy", logy=True,
                   legend_position="right")  # fmt: skip


def _recoil_curves(specs: list[tuple[str, dict[str, Any]]], ydim: hv.Dimension, scale=1.0):
    layers = []
    for i, (label, spec) in enumerate(specs):
        sp = results.spectrum(spec, 200, True)
        layers.append(curve(sp.T_keV, np.asarray(sp.total) * scale, T_DIM, ydim, label,
                            series_color(i), positive=True))  # fmt: skip
    return layers


def pkk_5l() -> hv.Overlay:
    names = ("coherent_csi_2017", "coherent_ge", "coherent_lar_2020", "coherent_nai")
    ydim = dim("dNdT", "dN/dT", "events/keVnr")
    layers = _recoil_curves([(preset_title(n), preset_spec(n)) for n in names], ydim)
    return overlay(layers, "COHERENT detectors: every recoil, over each exposure", logx=True,
                   logy=True, legend_position="right")  # fmt: skip


REACTOR_TARGETS = ("Si", "Ge", "Ar", "NaI", "CsI", "Xe")


def _reactor_spec(material: str, **source: float) -> dict[str, Any]:
    return _spec(
        "conus",
        source={"params": {**preset_spec("conus")["source"]["params"], **source}},
        detector={"material": material},
        exposure={"mass_kg": 1.0, "live_time_days": 1.0},
    )


def pkk_5r() -> hv.Overlay:
    ydim = dim("dNdT", "dN/dT", "events/(kg·day·keVnr)")
    specs = [(m, _reactor_spec(m, thermal_power_GW=4.0, distance_m=20.0)) for m in REACTOR_TARGETS]
    return overlay(_recoil_curves(specs, ydim), "Reactor, 4 GW at 20 m: 1 kg of each target",
                   logx=True, logy=True, legend_position="right")  # fmt: skip


def pkk_6l() -> hv.Overlay:
    return pp.quenching_plot(
        pr.quenching_curves(("Si28", "Ar40", "Ge72", "Xe132", "Na23", "Cs133"), None)
    )


def pkk_6r() -> hv.Overlay:
    # flux 10¹³ cm⁻² s⁻¹: the CONUS reactor (3.9 GW) at the distance that gives it (∝ 1/L²)
    conus = preset_spec("conus")
    flux = cc.Experiment.from_spec(conus).source.integrated()
    distance = conus["source"]["params"]["distance_m"] * float(np.sqrt(flux / 1e13))
    items = []
    for material in ("Ge", "Si"):
        spec = _reactor_spec(material, distance_m=distance)
        iso = "Ge72" if material == "Ge" else "Si28"
        spec["detector"] = {**spec["detector"], "quenching": {
            "model": "lindhard", "A": float(cc.isotope(iso).A), "Z": float(cc.isotope(iso).Z),
            "k": None}}  # fmt: skip
        items.append((material, pr.threshold_counts(spec)))
    return pp.threshold_plot(items, "Events above threshold at a reactor (1 kg·day, 10¹³ cm⁻² s⁻¹)")


def _published_interval(key: str, scale: float = 1.0) -> list[tuple[float, float, str]]:
    entry = published_limits().get(key)
    if entry is None:
        return []
    if "interval" in entry:
        lo, hi = entry["interval"]
    elif "upper_limit" in entry:
        lo, hi = 0.0, entry["upper_limit"]
    else:
        return []
    return [(lo * scale, hi * scale, f"PKK Table II ({entry['cl']})")]


CSI = "coherent_csi_2017"


def _scan1(model: str, axis: str, values: np.ndarray, preset: str = CSI) -> pr.Scan:
    return pr.scan(preset_spec(preset), model, {axis: values.tolist()})


def pkk_7r() -> hv.Overlay:
    s = _scan1("rn_sin2w", "sin2_theta_W", np.linspace(0.1, 0.4, 121))
    return pp.scan_1d_plot([("COHERENT CsI (2017), Asimov", s)], "Δχ² versus sin²θ_W",
                           _published_interval("sin2_theta_W_coherent_only"))  # fmt: skip


def pkk_9() -> hv.Overlay:
    s = _scan1("rn_sin2w", "R_n_fm", np.linspace(3.0, 8.0, 101))
    return pp.scan_1d_plot([("COHERENT CsI (2017), Asimov", s)], "Δχ² versus R_n of CsI",
                           _published_interval("R_n_fm_coherent_only"))  # fmt: skip


def pkk_10() -> hv.Overlay:
    x = np.linspace(-1.0, 1.0, 161)
    items = [("νₑ (εᵘⱽₑₑ)", _scan1("nsi_vector_ee", "eps_u", x)),
             ("νμ (εᵘⱽμμ)", _scan1("nsi_vector_mumu", "eps_u", x))]  # fmt: skip
    return pp.scan_1d_plot(items, "Δχ² versus vector NSI εᵘⱽ",
                           _published_interval("eps_uV_ee"))  # fmt: skip


def _scan2(model: str, a0: np.ndarray, a1: np.ndarray, preset: str = CSI) -> pr.Scan:
    from cevns_core.scans import SCAN_MODELS

    names = [a.name for a in SCAN_MODELS[model].axes]
    return pr.scan(preset_spec(preset), model, {names[0]: a0.tolist(), names[1]: a1.tolist()})


def pkk_11() -> hv.Overlay:
    eps = np.linspace(-1.0, 1.0, 81)
    items = [("νₑ, 90 % CL", _scan2("nsi_vector_ee", eps, eps)),
             ("νμ, 90 % CL", _scan2("nsi_vector_mumu", eps, eps))]  # fmt: skip
    return pp.scan_2d_plot(items, "Vector NSI: 90 % CL regions (COHERENT CsI, Asimov)")


def pkk_12() -> hv.Overlay:
    g, m = np.geomspace(1e-6, 1e-2, 80), np.geomspace(1.0, 1e4, 80)
    items = [("Vector Z′, 90 % CL", _scan2("zprime", g, m)),
             ("Scalar, 90 % CL", _scan2("scalar", g, m))]  # fmt: skip
    return pp.scan_2d_plot(items, "Light mediators excluded above the curves (COHERENT CsI)",
                           logx=True, logy=True)  # fmt: skip


def pkk_13() -> hv.Layout:
    mu = _scan1("magnetic_moment", "mu_e_muB", np.linspace(0.0, 1e-8, 101))
    r2 = _scan1("charge_radius", "r2_e_cm2", np.linspace(-1e-30, 5e-31, 101))
    left = pp.scan_1d_plot([("COHERENT CsI (2017)", mu)], "Δχ² versus μ_νe",
                           _published_interval("mu_nu_e_1e-10_muB", 1e-10))  # fmt: skip
    right = pp.scan_1d_plot([("COHERENT CsI (2017)", r2)], "Δχ² versus ⟨r²_νe⟩",
                            _published_interval("r2_e_1e-32_cm2", 1e-32))  # fmt: skip
    return (left + right).opts(shared_axes=False)


def pkk_14() -> hv.Overlay:
    lam = np.geomspace(1e-11, 1e-9, 25)
    items = [("CONUS, 90 % CL", _scan2("tmm_12", lam, lam, "conus"))]
    return pp.scan_2d_plot(items, "Transition moments (|Λ₃| = 0, phases 0)", logx=True, logy=True)


def pkk_15() -> hv.Overlay:
    r2 = np.linspace(-1e-30, 5e-31, 81)
    items = [("COHERENT CsI, 90 % CL", _scan2("charge_radius", r2, r2))]
    return pp.scan_2d_plot(items, "Charge radii: 90 % CL region")


def pkk_16() -> hv.Overlay:
    items = [
        (
            "COHERENT CsI, 90 % CL",
            _scan2("sterile_emu", np.geomspace(0.1, 100.0, 60), np.geomspace(1e-3, 1.0, 60)),
        )
    ]
    return pp.scan_2d_plot(items, "3+1 sterile neutrino: 90 % CL contour (COHERENT CsI, Asimov)",
                           mass_on_x=False, logx=True, logy=True)  # fmt: skip


def pkk_17() -> hv.Layout:
    return pp.astro_plots(pr.astro_backgrounds("Ge"), "germanium")


# ---------------------------------------------------------------------------- Pandey
def pandey_1() -> hv.Overlay:
    f = results.source_flux(preset_spec(CSI)["source"])
    ydim = dim("flux", "dΦ/dE", "cm⁻² s⁻¹ MeV⁻¹")
    layers = [curve(f.E_MeV, y, E_DIM, ydim, cc.flavours.flavour_label(k), flavour_color(k))
              for k, y in f.flux.items()]  # fmt: skip
    top = max(float(np.max(y)) for y in f.flux.values())
    for flavour, E, _intensity, _label in f.lines:
        layers.append(curve([E, E], [0.0, top * 1.1], E_DIM, ydim,
                            f"{cc.flavours.flavour_label(flavour)} line ({E:.4g} MeV)",
                            flavour_color(flavour), line_dash="dashed"))  # fmt: skip
    return overlay(layers, "π-DAR neutrino spectra at COHERENT", legend_position="right")


def pandey_2() -> hv.Overlay:
    t = results.timing(preset_spec(CSI)["source"])
    tdim, ydim = dim("t_us", "Arrival time t", "μs"), dim("pdf", "Probability density", "μs⁻¹")
    layers = [curve(t.t_us, y, tdim, ydim, cc.flavours.flavour_label(k), flavour_color(k))
              for k, y in t.pdf.items()]  # fmt: skip
    return overlay(layers, "π-DAR arrival times")


_PANDEY_MODELS = ("klein_nystrand", "klein_nystrand_adapted", "symmetrized_fermi",
                  "harmonic_oscillator", "ar40_charge_fb_devries1987")  # fmt: skip


def pandey_4() -> hv.Overlay:
    data = pr.nuclear_differences("Ar40", _PANDEY_MODELS, "helm")
    return pp.nuclear_plots(data, "Ar40", "helm")[0]


def pandey_5() -> hv.Overlay:
    data = pr.nuclear_differences("Ar40", _PANDEY_MODELS, "helm")
    return pp.nuclear_plots(data, "Ar40", "helm")[1]


def pandey_7() -> hv.Overlay:
    c = results.total_cross_sections(("Ar40",), 0.5, 100.0, HELM, None, "nu_mu")
    layers = [curve(c.x, c.curves["Ar40"], E_DIM, SIGMA, "CEvNS on ⁴⁰Ar", isotope_color("Ar40"),
                    positive=True)]  # fmt: skip
    return overlay(layers, "CEvNS cross section of argon", logy=True, legend_position="right")


# ---------------------------------------------------------------------------- CDG
def cdg_3() -> hv.Overlay:
    source = preset_spec(CSI)["source"]
    d = results.flux_averaged_vs_N(source, N_SQUARED_NUCLEI, HELM, None)
    ndim = dim("N", "Neutron number N")
    ydim = dim("sigma_avg", "⟨σ⟩ flux-averaged", "10⁻⁴⁰ cm²")
    layers = [
        hv.Scatter(
            (d["N"], np.asarray(d["point"]) * 1e40), ndim, ydim, label="Point nucleus (N²)"
        ).opts(color=SM_COLOR, size=7, marker="square", tools=["hover"]),
        hv.Scatter(
            (d["N"], np.asarray(d["model"]) * 1e40), ndim, ydim, label="Helm form factor"
        ).opts(color=NEW_PHYSICS_COLOR, size=7, tools=["hover"]),
    ]
    rows = []
    for preset, nuclei in ((CSI, ("Cs133", "I127")), ("coherent_lar_2020", ("Ar40",))):
        pub = cc.experiment(preset).published
        ratio = pub["observed"] / pub["predicted"]
        unc = pub.get("observed_uncertainty")
        if unc is None:
            unc = float(
                np.hypot(pub["observed_uncertainty_stat"], pub["observed_uncertainty_syst"])
            )
        avg = results.flux_averaged_vs_N(preset_spec(preset)["source"], nuclei, HELM, None)
        sigma = float(np.mean(avg["model"])) * 1e40 * ratio
        rows.append((float(np.mean(avg["N"])), sigma, sigma * unc / pub["observed"]))
    layers.append(hv.ErrorBars(rows, ndim, [ydim, "err"], label="COHERENT (measured / predicted)")
                  .opts(color="black", line_width=2))  # fmt: skip
    measured = hv.Scatter([(r[0], r[1]) for r in rows], ndim, ydim, label="COHERENT CsI, LAr")
    layers.append(measured.opts(color="black", size=9))
    return overlay(layers, "Flux-averaged CEvNS cross section versus N (π-DAR)",
                   legend_position="right")  # fmt: skip


def cdg_4() -> hv.Overlay:
    cat = dim("what", "Determination")
    rdim = dim("R_n", "Neutron rms radius R_n", "fm")
    points, bars, ours, our_bars = [], [], [], []
    for entry in cc.named_results(["cdg_rn_csi", "pkk_rn_csi2017", "cdg_rn_ar"]):
        name = entry["quantity"].split(",")[-1].strip()
        nucleus = "Ar" if "40Ar" in entry["quantity"] else "CsI"
        label = name if name.startswith(nucleus) else f"{nucleus} {name}"
        mine = entry["ours"]
        if "upper_limit" in entry:
            points.append((label, entry["upper_limit"]))
            bars.append((label, entry["upper_limit"], entry["upper_limit"], 0.0))
            ours.append((label, mine["best_fit"]))
            our_bars.append((label, mine["best_fit"], 0.0, mine["upper_limit"] - mine["best_fit"]))
        else:
            points.append((label, entry["value"]))
            bars.append((label, entry["value"], entry["minus"], entry["plus"]))
            ours.append((label, mine["value"]))
            our_bars.append((label, mine["value"], mine["minus"], mine["plus"]))
    layers = [
        hv.ErrorBars(bars, cat, [rdim, "neg", "pos"], label="Published").opts(
            color=SM_COLOR, line_width=3),
        hv.Scatter(points, cat, rdim, label="Published (upper bound: bar down to 0)").opts(
            color=SM_COLOR, size=10, marker="square"),
        hv.ErrorBars(our_bars, cat, [rdim, "neg", "pos"], label="This package").opts(
            color=NEW_PHYSICS_COLOR, line_width=1.5),
        hv.Scatter(ours, cat, rdim, label="This package (same data)").opts(
            color=NEW_PHYSICS_COLOR, size=8),
    ]  # fmt: skip
    return overlay(layers, "Neutron radii from COHERENT: published and refitted",
                   legend_position="right")  # fmt: skip


SIN2_GROUPS = {
    "low_energy": "Low-energy measurements",
    "collider": "Colliders",
    "cevns": "CEvNS (+ APV)",
    "workbench": "APV, this package",
}


def _sin2_layers(groups: list[str], with_ours: bool) -> list[Any]:
    mu = dim("mu_GeV", "Scale μ", "GeV")
    s2 = dim("sin2", "sin²θ_W(μ)")
    x, y = cc.running_curve()
    layers = [curve(x, y, mu, s2, "Standard Model (MS-bar)", SM_COLOR)]
    points = cc.measurement_points(groups)
    if with_ours:
        points = points + cc.workbench_points()
    for i, group in enumerate(dict.fromkeys(p["group"] for p in points)):
        rows = [(p["mu_GeV"], p["value"], p["err_minus"], p["err_plus"]) for p in points
                if p["group"] == group]  # fmt: skip
        title = SIN2_GROUPS.get(group, group)
        layers.append(
            hv.ErrorBars(rows, mu, [s2, "neg", "pos"], label=title).opts(color=series_color(i))
        )
        layers.append(hv.Scatter([r[:2] for r in rows], mu, s2, label=title).opts(
            color=series_color(i), size=8, tools=["hover"]))  # fmt: skip
    return layers


def cdg_5() -> hv.Overlay:
    return overlay(_sin2_layers(["low_energy", "collider", "cevns"], False),
                   "Running weak mixing angle", logx=True, ylim=(0.224, 0.246),
                   legend_position="right")  # fmt: skip


def cdg_6() -> hv.Overlay:
    return overlay(_sin2_layers(["low_energy", "cevns"], True), "Low-energy sin²θ_W",
                   logx=True, ylim=(0.18, 0.28), legend_position="right")  # fmt: skip


#: Drawing of every gallery figure, by key.
DRAWINGS: dict[str, Callable[[], Any]] = {
    name: fn for name, fn in globals().items() if name.startswith(("pkk_", "pandey_", "cdg_"))
    and callable(fn)
}  # fmt: skip


def draw(key: str) -> Any:
    """The HoloViews object of gallery figure ``key``."""
    return DRAWINGS[key]()
