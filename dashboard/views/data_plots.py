"""HoloViews elements of "data beside the prediction": no physics, only the core's numbers drawn.

* :func:`projection_plot` — one axis of a data set (energy, arrival time, F90): observed counts
  with their 68 % Poisson intervals as points with error bars, the best fit (nuisances
  profiled) as a solid step line, its backgrounds as a shaded step area and the Standard-Model
  prediction at nominal nuisances dashed;
* :func:`residual_plot` — below it: data − best fit with the data's error bars, and
  SM − best fit dashed (how far the nominal prediction lies from the fit);
* :func:`projection_columns`, :func:`residual_columns` — the Bokeh column data of the layers of
  those two plots that a new fit of the same data set changes (a redraw writes only these), and
  :func:`counts_range`, :func:`residual_range` — their vertical ranges;
* :func:`pulls_plot` — the fitted nuisances in units of their prior widths, with the ±1σ band;
* :func:`running_plot` — the MS-bar running of sin²θ_W with the measurements and the
  workbench's determinations as points with error bars (CDG Figs. 5–6).

Inputs are the plain dicts of ``cevns_core.likelihood.data_fit`` and of
:func:`dashboard.datafits.running_points`.
"""

from __future__ import annotations

from typing import Any

import holoviews as hv
import numpy as np

from ..palette import NEW_PHYSICS_COLOR, SM_COLOR, series_color
from ._base import PLOT_HEIGHT

__all__ = [
    "DATA_COLOR",
    "FIT_COLOR",
    "RESIDUAL_HEIGHT",
    "counts_range",
    "projection_columns",
    "projection_plot",
    "pulls_plot",
    "residual_columns",
    "residual_plot",
    "residual_range",
    "running_plot",
    "steps",
]

DATA_COLOR = "#222222"
FIT_COLOR = "#0072B2"
BACKGROUND_COLOR = "#BBBBBB"
#: Height of a residual panel in px.
RESIDUAL_HEIGHT = 150

COUNTS = hv.Dimension("counts", label="Events per bin")
RESIDUAL = hv.Dimension("residual", label="Data − fit")


def steps(edges: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) of a histogram outline: flat over each bin, vertical at the edges."""
    edges = np.asarray(edges, dtype=float)
    return np.repeat(edges, 2)[1:-1], np.repeat(np.asarray(values, dtype=float), 2)


def _axis(p: dict[str, Any], key: str) -> hv.Dimension:
    return hv.Dimension(key, label=p["title"], unit=p["unit"] or None)


def _centres(edges: np.ndarray) -> np.ndarray:
    edges = np.asarray(edges, dtype=float)
    return 0.5 * (edges[1:] + edges[:-1])


def _opts(title: str, x_range: tuple[float, float], height: int, **kw: Any) -> dict[str, Any]:
    options = {
        "title": title,
        "responsive": True,
        "min_height": height,
        "height": height,
        "show_grid": True,
        "framewise": True,
        "toolbar": "right",
        "xlim": x_range,
        "fontscale": 0.95,
    }
    options.update(kw)
    return options


LEGEND = {"label_text_font_size": "8pt", "background_fill_alpha": 0.7, "spacing": 0}
#: Room above (and, for residuals, below) the drawn values, as a fraction of their span.
PADDING = 0.1


def counts_range(p: dict[str, Any]) -> tuple[float, float]:
    """Vertical range of :func:`projection_plot`: from 0 to the highest error bar or line, plus
    :data:`PADDING` (fixed by us, so an in-place redraw sets the same range a new plot has)."""
    tops = [np.asarray(p["observed"]) + np.asarray(p["error_high"]), p["expected"], p["sm"]]
    top = max(float(np.max(t, initial=0.0)) for t in tops)
    return 0.0, (top if top > 0 else 1.0) * (1.0 + PADDING)


def _residuals(p: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """(data − best fit, the core's ``residual``; SM − best fit) of a projection."""
    return np.asarray(p["residual"]), np.asarray(p["sm"]) - np.asarray(p["expected"])


def residual_range(p: dict[str, Any]) -> tuple[float, float]:
    """Vertical range of :func:`residual_plot`: every error bar, the SM line and 0, padded."""
    residual, sm = _residuals(p)
    values = np.concatenate(
        [residual - np.asarray(p["error_low"]), residual + np.asarray(p["error_high"]), sm, [0.0]]
    )
    low, high = float(values.min()), float(values.max())
    pad = PADDING * (high - low) if high > low else 1.0
    return low - pad, high + pad


def projection_plot(p: dict[str, Any], key: str, title: str, *, legend: bool = True) -> hv.Overlay:
    """Data with error bars, best fit, its backgrounds and the SM on one axis (see module)."""
    x = _axis(p, key)
    edges = np.asarray(p["edges"])
    centres = _centres(edges)
    layers = []
    bx, by = steps(edges, p["background"])
    layers.append(
        hv.Area((bx, by), x, COUNTS, label="Backgrounds (best fit)").opts(
            color=BACKGROUND_COLOR, alpha=0.45, line_alpha=0
        )
    )
    sx, sy = steps(edges, p["sm"])
    layers.append(
        hv.Curve((sx, sy), x, COUNTS, label="Standard Model (nominal)").opts(
            color=SM_COLOR, line_dash="dashed", line_width=2
        )
    )
    fx, fy = steps(edges, p["expected"])
    layers.append(
        hv.Curve((fx, fy), x, COUNTS, label="Best fit").opts(color=FIT_COLOR, line_width=2)
    )
    error = hv.Dimension("error_low", label="−1σ"), hv.Dimension("error_high", label="+1σ")
    layers.append(
        hv.ErrorBars(
            (centres, p["observed"], p["error_low"], p["error_high"]),
            x,
            [COUNTS, *error],
            label="Data",
        ).opts(color=DATA_COLOR, line_width=1.5)
    )
    layers.append(
        hv.Scatter((centres, p["observed"]), x, COUNTS, label="Data").opts(
            color=DATA_COLOR, size=6, tools=["hover"]
        )
    )
    return hv.Overlay(layers).opts(
        **_opts(
            title,
            (float(edges[0]), float(edges[-1])),
            PLOT_HEIGHT,
            ylim=counts_range(p),
            legend_position="right",
            legend_opts=LEGEND,
            show_legend=legend,
        )
    )


def projection_columns(p: dict[str, Any], key: str) -> list[dict[str, np.ndarray] | None]:
    """The Bokeh column data of :func:`projection_plot`'s layers (in its order) that a new fit
    of the same data set changes; None for the data's layers, which stay.

    The columns are those HoloViews draws the layers with (an Area as one closed outline; a
    Curve by its dimensions' names); the dashboard writes them into the figures in place.
    """
    edges = np.asarray(p["edges"], dtype=float)
    bx, by = steps(edges, p["background"])
    sx, sy = steps(edges, p["sm"])
    fx, fy = steps(edges, p["expected"])
    return [
        {"x": np.append(bx, bx[::-1]), "y": np.append(np.zeros_like(by), by[::-1])},
        {key: sx, COUNTS.name: sy},
        {key: fx, COUNTS.name: fy},
        None,
        None,
    ]


def residual_plot(p: dict[str, Any], key: str, *, legend: bool = True) -> hv.Overlay:
    """Data − best fit with the data's errors, and SM − best fit (dashed)."""
    x = _axis(p, key)
    edges = np.asarray(p["edges"])
    centres = _centres(edges)
    residual, sm = _residuals(p)
    sx, sy = steps(edges, sm)
    zero = hv.HLine(0.0).opts(color=FIT_COLOR, line_width=1.5)
    layers = [
        hv.Curve((sx, sy), x, RESIDUAL, label="SM − best fit").opts(
            color=SM_COLOR, line_dash="dashed", line_width=2
        ),
        hv.ErrorBars(
            (centres, residual, p["error_low"], p["error_high"]),
            x,
            [RESIDUAL, "error_low", "error_high"],
        ).opts(color=DATA_COLOR, line_width=1.5),
        hv.Scatter((centres, residual), x, RESIDUAL, label="Data − best fit").opts(
            color=DATA_COLOR, size=5, tools=["hover"]
        ),
        zero,
    ]
    return hv.Overlay(layers).opts(
        **_opts(
            f"Residuals: {p['title'].lower()}",
            (float(edges[0]), float(edges[-1])),
            RESIDUAL_HEIGHT,
            ylim=residual_range(p),
            legend_position="right",
            legend_opts=LEGEND,
            show_legend=legend,
        )
    )


def residual_columns(p: dict[str, Any], key: str) -> list[dict[str, np.ndarray] | None]:
    """The Bokeh column data of :func:`residual_plot`'s layers (in its order) that a new fit
    changes (every one but the zero line; see :func:`projection_columns`)."""
    edges = np.asarray(p["edges"], dtype=float)
    centres = _centres(edges)
    residual, sm = _residuals(p)
    sx, sy = steps(edges, sm)
    return [
        {key: sx, RESIDUAL.name: sy},
        {
            "base": centres,
            "lower": residual - np.asarray(p["error_low"]),
            "upper": residual + np.asarray(p["error_high"]),
        },
        {key: centres, RESIDUAL.name: residual},
        None,
    ]


NUISANCE = hv.Dimension("nuisance", label="Nuisance")
PULL = hv.Dimension("pull", label="Fitted value / prior width")


def pulls_plot(nuisances: list[dict[str, Any]]) -> hv.Overlay:
    """Fitted nuisances in units of their prior σ (free nuisances left out), ±1 band.

    Rows are numbered as in the nuisance table (``"3. Beam-related neutrons"``).
    """
    rows = [(i, n) for i, n in enumerate(nuisances, 1) if n.get("pull") is not None]
    names = [f"{i}. {n['label']}" for i, n in rows][::-1]  # first row on top
    pulls = [float(n["pull"]) for _, n in rows][::-1]
    height = max(PLOT_HEIGHT, 80 + 22 * len(rows))
    reach = max([2.0, *(abs(p) + 0.5 for p in pulls)])
    points = hv.Scatter((pulls, names), PULL, NUISANCE, label="Pull").opts(
        color=FIT_COLOR, size=9, tools=["hover"]
    )
    return hv.Overlay(
        [
            hv.VSpan(-1.0, 1.0).opts(color="#59A14F", alpha=0.15),
            hv.VLine(0.0).opts(color=SM_COLOR, line_dash="dashed"),
            points,
        ]
    ).opts(
        title="Fitted nuisances (band: ±1 prior width)",
        responsive=True,
        min_height=height,
        height=height,
        show_grid=True,
        xlim=(-reach, reach),
        xlabel=PULL.pprint_label,
        ylabel="",
        show_legend=False,
        toolbar="right",
        framewise=True,
        fontscale=0.9,
    )


MU = hv.Dimension("mu_GeV", label="Momentum transfer μ", unit="GeV")
SIN2 = hv.Dimension("sin2", label="sin²θ_W (MS-bar)")
#: Colours of the measurement groups of the running plot.
GROUP_COLORS = {
    "low_energy": series_color(0),
    "collider": series_color(4),
    "cevns": series_color(1),
    "workbench": NEW_PHYSICS_COLOR,
}
GROUP_LABELS = {
    "low_energy": "Low-energy measurements",
    "collider": "Colliders (Z pole)",
    "cevns": "CEvNS + APV (published)",
    "workbench": "This workbench (APV, CEvNS fits)",
}


def running_plot(data: dict[str, Any], *, show_workbench: bool = True) -> hv.Overlay:
    """The MS-bar running of sin²θ_W with the measurements as points with errors (CDG 5–6)."""
    layers = [
        hv.Curve((data["mu_GeV"], data["sin2"]), MU, SIN2, label="Standard Model (MS-bar)").opts(
            color=SM_COLOR, line_width=2
        )
    ]
    points = list(data["measurements"]) + (list(data["workbench"]) if show_workbench else [])
    label_dim = hv.Dimension("label", label="Measurement")
    for group, name in GROUP_LABELS.items():
        rows = [p for p in points if p["group"] == group]
        if not rows:
            continue
        mu = np.array([p["mu_GeV"] for p in rows])
        if group == "workbench":  # side by side where they share a scale (the APV theories)
            mu = mu * np.array([1.0 + 0.25 * i for i in range(len(rows))]) ** _same(mu)
        value = np.array([p["value"] for p in rows])
        lo = np.array([p["err_minus"] for p in rows])
        hi = np.array([p["err_plus"] for p in rows])
        color = GROUP_COLORS[group]
        layers.append(
            hv.ErrorBars((mu, value, lo, hi), MU, [SIN2, "err_minus", "err_plus"]).opts(
                color=color, line_width=1.5
            )
        )
        layers.append(
            hv.Scatter(
                (mu, value, [p["label"] for p in rows]), MU, [SIN2, label_dim], label=name
            ).opts(color=color, size=8, tools=["hover"])
        )
    return hv.Overlay(layers).opts(
        title="Running of the weak mixing angle",
        logx=True,
        responsive=True,
        min_height=PLOT_HEIGHT + 90,
        height=PLOT_HEIGHT + 90,
        show_grid=True,
        legend_position="right",
        xlim=(1e-4, 1e4),
        ylim=(0.15, 0.40),
        toolbar="right",
        framewise=True,
        fontscale=0.95,
    )


def _same(mu: np.ndarray) -> np.ndarray:
    """1 where a point shares its scale with an earlier one (spread those), else 0."""
    out = np.zeros(mu.shape)
    for i in range(1, mu.size):
        out[i] = float(np.any(np.isclose(mu[:i], mu[i])))
    return out
