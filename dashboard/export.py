"""Export what a view shows: its data as CSV/JSON, an HTML report, a Python script.

Nothing is computed here: the tables are the results layer's arrays (:mod:`dashboard.results`,
the same cached records the plots draw), laid out as columns with their units.

* :class:`Table` — named columns with units and the parameters that produced them;
  :func:`to_csv` (``#`` comment lines with the parameters, then a header ``name [unit]``) and
  :func:`to_json` (``{"parameters", "columns": [{"name", "unit", "values"}]}``);
* :func:`recoil_spectrum_table` / :func:`observed_table` / :func:`counts_table` — the Recoil
  spectra tab's dN/dT, observed spectrum and counts;
* :func:`python_script` — a short script using only :mod:`cevns_core` that rebuilds the
  experiment from its spec and reproduces the counts and the recoil spectrum of the current
  choices;
* :func:`html_report` — a self-contained HTML page (inline JS/CSS, nothing from a CDN) of a
  Panel object with a table of the parameters by their human labels (:func:`parameter_rows`).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cevns_core.experiment import to_python

from . import results
from .labels import flavour_label, with_unit
from .parameters import STATE_ENTRIES, choices, declaration, editor_model
from .validation import InvalidValue

__all__ = [
    "Table",
    "bokeh_report",
    "counts_table",
    "html_report",
    "observed_table",
    "parameter_rows",
    "python_script",
    "recoil_spectrum_table",
    "to_csv",
    "to_json",
]


@dataclass
class Table:
    """Columns (equal length) with units, and the parameters (spec) they were computed for."""

    title: str
    columns: dict[str, np.ndarray]
    units: dict[str, str]
    parameters: dict[str, Any] = field(default_factory=dict)

    def header(self, name: str) -> str:
        """``name [unit]`` (``name`` when dimensionless)."""
        unit = self.units.get(name, "")
        return f"{name} [{unit}]" if unit else name


def _number(v: float) -> str:
    return repr(float(v)) if math.isfinite(v) else ("nan" if math.isnan(v) else str(float(v)))


def to_csv(table: Table) -> str:
    """CSV text: ``# title``, ``# parameters: <json>`` comment lines, header with units, rows."""
    out = io.StringIO()
    out.write(f"# {table.title}\n")
    out.write(f"# parameters: {json.dumps(table.parameters, sort_keys=True)}\n")
    writer = csv.writer(out, lineterminator="\n")
    names = list(table.columns)
    writer.writerow([table.header(n) for n in names])
    for row in zip(*(np.asarray(table.columns[n], dtype=float) for n in names), strict=True):
        writer.writerow([_number(v) for v in row])
    return out.getvalue()


def to_json(table: Table) -> str:
    """JSON text: title, parameters and the columns with their units."""
    columns = [
        {
            "name": n,
            "unit": table.units.get(n, ""),
            "values": [float(v) if math.isfinite(v) else None for v in np.asarray(c, dtype=float)],
        }
        for n, c in table.columns.items()
    ]
    return json.dumps(
        {"title": table.title, "parameters": table.parameters, "columns": columns}, indent=1
    )


def read_csv(text: str) -> dict[str, np.ndarray]:
    """Columns of a CSV written by :func:`to_csv` (header names with units as keys)."""
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    rows = list(csv.reader(lines))
    return {h: np.array([float(r[i]) for r in rows[1:]]) for i, h in enumerate(rows[0])}


def _flavours(values: dict[str, Any]) -> dict[str, Any]:
    """Per-flavour values keyed by the flavours' printable names (νₑ, ν̄μ …)."""
    return {flavour_label(f): v for f, v in values.items()}


# ------------------------------------------------------------------------- the spectra tab
def recoil_spectrum_table(spec: dict[str, Any], n_points: int = 200, log_x: bool = False) -> Table:
    """dN/dT of the Recoil spectra tab: total, per flavour and per isotope (events/keVnr)."""
    sp = results.spectrum(spec, n_points, log_x)
    unit = "events/keVnr"
    columns: dict[str, np.ndarray] = {"T": sp.T_keV, "dN/dT total": sp.total}
    units = {"T": "keVnr", "dN/dT total": unit}
    for name, values in [*_flavours(sp.by_flavour()).items(), *sp.by_isotope().items()]:
        columns[f"dN/dT {name}"] = values
        units[f"dN/dT {name}"] = unit
    return Table("Recoil spectrum dN/dT (over the exposure)", columns, units, spec)


def observed_table(spec: dict[str, Any], n_bins: int = 40) -> Table:
    """Expected counts per bin of the detector's observable (with the detector response)."""
    obs = results.observed(spec, n_bins)
    edges = obs.bin_edges
    columns: dict[str, np.ndarray] = {
        "bin low": edges[:-1],
        "bin high": edges[1:],
        "counts total": obs.total,
    }
    units = {"bin low": obs.unit, "bin high": obs.unit, "counts total": "events"}
    for name, values in [*_flavours(obs.by_flavour()).items(), *obs.by_isotope().items()]:
        columns[f"counts {name}"] = values
        units[f"counts {name}"] = "events"
    return Table(f"Observed spectrum (counts per {obs.unit} bin)", columns, units, spec)


def counts_table(spec: dict[str, Any]) -> Table:
    """Expected events above threshold and of every recoil: total, per flavour, per isotope."""
    c = results.counts(spec)
    names = ["total", *_flavours(c.observed_by_flavour), *c.observed_by_isotope]
    observed = [c.observed_total, *c.observed_by_flavour.values(), *c.observed_by_isotope.values()]
    every = [c.all_total, *c.all_by_flavour.values(), *c.all_by_isotope.values()]
    columns = {
        "index": np.arange(len(names), dtype=float),
        "above threshold": np.array(observed),
        "all recoils": np.array(every),
    }
    return Table(
        "Expected events; rows: " + ", ".join(names),
        columns,
        {"above threshold": "events", "all recoils": "events"},
        spec,
    )


# ------------------------------------------------------------------------- Python script
def python_script(spec: dict[str, Any], n_points: int = 200, log_x: bool = False) -> str:
    """ "Copy as Python": the core's script of the experiment spec (``cevns_core.experiment.
    to_python``: rebuilds the experiment with ``cc.Experiment.from_spec`` and prints the counts),
    plus the tab's dN/dT at the plotted recoil energies.

    It prints ``total: <events above threshold>`` and the breakdown, then ``T_keVnr,dNdT_...``
    rows; it leaves ``exp``, ``counts``, ``T`` and ``spectrum`` (events/keVnr) defined.
    """
    script = to_python(spec)
    script = script.replace(
        "import cevns_core as cc\n", "import numpy as np\n\nimport cevns_core as cc\n", 1
    )
    space = "geomspace" if log_x else "linspace"
    lowest = f"exp.max_recoil_keV() * {results.RECOIL_FLOOR!r}"
    lines = [
        "# dN/dT over the exposure (events/keVnr), no detector response, at the plotted energies",
        f"T = np.{space}({lowest}, exp.max_recoil_keV(), {int(n_points)})",
        "spectrum = exp.recoil_spectrum(T)",
        "",
        "if __name__ == '__main__':",
        "    print('T_keVnr,dNdT_events_per_keVnr')",
        "    for t, y in zip(T, spectrum):",
        "        print(f'{float(t)!r},{float(y)!r}')",
        "",
    ]
    return script + "\n" + "\n".join(lines)


# ------------------------------------------------------------------------- HTML report
def _value_text(value: Any, unit: str = "", titles: dict[str, Any] | None = None) -> str:
    if titles:
        value = next((t for t, v in titles.items() if v == value), value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.6g}" + (f" {unit}" if unit else "")
    if isinstance(value, list | tuple):
        return ", ".join(_value_text(v) for v in value)
    return f"{value}" + (f" {unit}" if unit and isinstance(value, int) else "")


def parameter_rows(values: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) rows of the state values (:meth:`SessionState.values` or a spec's,
    :func:`dashboard.spec.values_from_spec`): human labels and units, choices by their titles,
    the parameter sets (source, form factor, new physics) one row per parameter."""
    rows: list[tuple[str, str]] = []
    for entry in STATE_ENTRIES:
        if entry.name not in values or entry.widget == "none":
            continue
        value = values[entry.name]
        if entry.widget == "editor":
            cls = editor_model(entry.name, values)
            for key, item in value.items():
                label = with_unit(*_core(cls, key))
                rows.append((f"{entry.human}: {label}", _value_text(item)))
            continue
        options = choices(entry.name) if hasattr(declaration(entry.name), "objects") else None
        rows.append((entry.title, _value_text(value, "", options)))
    return rows


def _core(cls: Any, key: str) -> tuple[str, str]:
    from .labels import core_label, core_unit

    return core_label(cls, key), core_unit(cls, key)


def html_report(obj: Any, title: str, parameters: Any) -> str:
    """A self-contained HTML page: ``obj`` (a Panel/HoloViews object) and a parameter table.

    ``parameters``: (label, value) rows, the state's values, or a core spec (shown through the
    state's labels when the dashboard can show it). Saved with ``embed=True`` and INLINE Bokeh
    resources: the page loads nothing from a CDN.
    """
    import panel as pn
    from bokeh.resources import INLINE

    if isinstance(parameters, dict) and "format" in parameters:  # a core spec
        from .spec import values_from_spec

        try:
            parameters = values_from_spec(parameters)
        except InvalidValue:
            parameters = [(k, json.dumps(v)) for k, v in _flatten(parameters).items()]
    if isinstance(parameters, dict):
        parameters = parameter_rows(parameters)
    rows = "".join(f"<tr><td>{_escape(k)}</td><td>{_escape(v)}</td></tr>" for k, v in parameters)
    table = pn.pane.HTML(
        f"<h3>Parameters</h3><table border='1' cellpadding='3'>{rows}</table>",
        sizing_mode="stretch_width",
    )
    page = pn.Column(
        pn.pane.Markdown(f"# {_escape(title)}"), obj, table, sizing_mode="stretch_width"
    )
    buffer = io.StringIO()
    page.save(buffer, embed=True, resources=INLINE, title=title)
    # Panel's page template links its favicons on a CDN: drop them (nothing from the network)
    text = re.sub(r"<link[^>]*href=[\"']https?://[^>]*>", "", buffer.getvalue())
    # ... and, inside a page with a design (the served page's Fast), its web components: the
    # report is plain Bokeh and Panel, inline
    text = re.sub(r"<script[^>]*src=[\"']https?://[^>]*>\s*</script>", "", text)
    return _inline_stylesheets(text)


#: A Bokeh model in the saved document that loads one of Panel's stylesheets from its CDN.
_CDN_SHEET = re.compile(
    r'\{"type":"object","name":"ImportedStyleSheet","id":"([^"]+)",'
    r'"attributes":\{"url":"https?://cdn\.holoviz\.org/panel/[^/"]+/dist/([^"?]+)(?:\?[^"]*)?"\}\}'
)


def _inline_stylesheets(text: str) -> str:
    """Panel's component stylesheets, which a saved page still loads from Panel's CDN, made
    inline from the installed Panel's own files (the report then needs no network)."""
    from pathlib import Path

    import panel as pn

    dist = Path(pn.__file__).resolve().parent / "dist"

    def inline(match: re.Match[str]) -> str:
        path = (dist / match.group(2)).resolve()
        css = (
            path.read_text(encoding="utf-8") if path.is_relative_to(dist) and path.is_file() else ""
        )
        css_json = json.dumps(css).replace("</", "<\\/")
        return (
            f'{{"type":"object","name":"InlineStyleSheet","id":"{match.group(1)}",'
            f'"attributes":{{"css":{css_json}}}}}'
        )

    return _CDN_SHEET.sub(inline, text)


def bokeh_report(figures: list[Any], html: str, title: str, parameters: Any) -> str:
    """A self-contained HTML page of Bokeh ``figures`` (standalone figures, e.g. a tab's
    :meth:`figures`), an HTML fragment (``html``: e.g. the counts table) and the parameter
    table (as :func:`html_report`).

    Plain Bokeh with INLINE resources: it loads nothing from the network, and, unlike saving a
    Panel object, it touches none of Panel's global resource settings (saving a Panel object
    inside a served session made the live page load its stylesheets from Panel's CDN).
    """
    from bokeh.embed import file_html
    from bokeh.layouts import column
    from bokeh.models import Div
    from bokeh.resources import INLINE

    if isinstance(parameters, dict):
        parameters = parameter_rows(parameters)
    rows = "".join(f"<tr><td>{_escape(k)}</td><td>{_escape(v)}</td></tr>" for k, v in parameters)
    layout = column(
        Div(text=f"<h1>{_escape(title)}</h1>", sizing_mode="stretch_width"),
        *figures,
        Div(text=html, sizing_mode="stretch_width"),
        Div(
            text=f"<h3>Parameters</h3><table border='1' cellpadding='3'>{rows}</table>",
            sizing_mode="stretch_width",
        ),
        sizing_mode="stretch_width",
    )
    return file_html(layout, INLINE, title)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v:
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


# ------------------------------------------------------------------------- any tab's plots
def view_plots(view: Any) -> list[Any]:
    """What a tab view shows: the current frame of each HoloViews pane, the data of each
    live Bokeh figure (:class:`dashboard.views._live.PlotData`)."""
    import holoviews as hv
    import panel as pn

    from .views._live import LiveFigure

    out = []
    for value in vars(view).values():
        for item in value.values() if isinstance(value, dict) else [value]:
            if isinstance(item, LiveFigure):
                obj = item.data
            elif isinstance(item, pn.pane.HoloViews):
                obj = item.object
                if isinstance(obj, hv.DynamicMap):
                    obj = obj.last if obj.last is not None else obj[()]
            else:
                continue
            if obj is not None:
                out.append(obj)
    return out


def _series(obj: Any) -> list[tuple[str, Any]]:
    """(title, element) of every data element of a HoloViews object (overlays flattened)."""
    import holoviews as hv

    if isinstance(obj, hv.Overlay | hv.NdOverlay | hv.Layout | hv.NdLayout | hv.HoloMap):
        return [s for el in obj.values() for s in _series(el)]
    if isinstance(obj, hv.Element) and len(obj):
        title = obj.label or obj.group or type(obj).__name__
        return [(title, obj)]
    return []


def plot_tables(objs: list[Any], parameters: dict[str, Any]) -> list[Table]:
    """One :class:`Table` per plotted series (columns: the element's dimensions, with units)."""
    from .views._live import PlotData

    tables = []
    for obj in objs:
        if isinstance(obj, PlotData):
            tables += [
                Table(title, columns, units, parameters)
                for title, columns, units in obj.tables()
                if len(next(iter(columns.values())))
            ]
            continue
        plot_title = ""
        try:
            plot_title = str(obj.opts.get().kwargs.get("title", ""))
        except Exception:  # options not set: no title
            plot_title = ""
        for label, el in _series(obj):
            columns: dict[str, np.ndarray] = {}
            units: dict[str, str] = {}
            for dim in el.dimensions():
                try:
                    values = np.asarray(el.dimension_values(dim), dtype=float)
                except (TypeError, ValueError):
                    continue  # text columns (labels) are not data
                name = dim.label or dim.name
                columns[name] = values
                units[name] = dim.unit or ""
            if columns:
                title = f"{plot_title} — {label}" if plot_title else label
                tables.append(Table(title, columns, units, parameters))
    return tables


def tables_to_csv(tables: list[Table]) -> str:
    """Several tables in one CSV text, one block per series (blank line between blocks)."""
    return "\n".join(to_csv(t) for t in tables)


def tables_to_json(tables: list[Table]) -> str:
    """Several tables as a JSON list (see :func:`to_json`)."""
    return "[\n" + ",\n".join(to_json(t) for t in tables) + "\n]"
