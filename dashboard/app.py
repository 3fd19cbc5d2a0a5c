"""The page: template, sidebar widgets generated from the session state, one tab per view.

Serve with ``python -m dashboard`` (``make serve``) or ``panel serve dashboard/app.py``; in a
notebook, ``create_app()`` displays inline (templates have ``_repr_mimebundle_``).

The sidebar (:mod:`dashboard.sidebar`) is generated from the state's table of parameters, whose
declarations are the core models' (bounds, docs, labels, units). The URL carries the whole view
(:mod:`dashboard.urlstate`: ``?exp=conus&thr=0.2&np={"zprime_coupling":1e-4}&tab=constraints``
…): it is read when the page is built — problems become one notification shown once the page
exists — and rewritten on every change, so the theme switch (a reload) keeps everything.

No network at run time: the Fast design asks for the Open Sans web font from Google Fonts; the
template is given a local font stack instead (``font_url`` empty, ``font`` system fonts), so the
page requests nothing outside the server.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import panel as pn
import param

from dashboard.auth import login_badge
from dashboard.errors import begin_page, handle_exception, notify_warnings
from dashboard.figure_export import export_buttons
from dashboard.formulas import tab_formula
from dashboard.learn import learn_panel
from dashboard.page_scripts import load_mathjax_only_for_tex
from dashboard.sidebar import editor_widgets, sidebar
from dashboard.state import SessionState
from dashboard.text import shown_value
from dashboard.theme import Fast
from dashboard.tools import tools_card
from dashboard.tour import LessonGuide, lesson_bar
from dashboard.urlstate import apply_query, sync
from dashboard.views import TABS, SpectraView, TabView, building_page
from dashboard.viewstate import tab_keys

__all__ = [
    "ASSETS",
    "FONT",
    "THEMES",
    "TITLE",
    "Template",
    "create_app",
    "editor_widgets",
    "requested_theme",
    "sidebar",
]

TITLE = "CEvNS workbench"
#: Static files (CSS, favicon), shipped inside the package (package data of the wheel).
ASSETS = Path(__file__).resolve().parent / "static"
#: A system font stack: nothing is fetched from a font CDN.
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def _tolerant_query_parsing() -> None:
    """Let Panel's Location keep a query value it cannot parse as text, instead of failing.

    Panel parses the page's query itself and turns digit-only values into ``int``; Python
    refuses more than 4300 digits, so ``?thr=`` + 5000 digits raised inside Panel and the page
    answered HTTP 500. With the value kept as text, the dashboard's validator refuses it with a
    notification (too long). (``cevns serve`` also refuses over-long query values before Panel
    sees them.)
    """
    import urllib.parse

    from panel.io import location

    original = location.parse_query
    if getattr(original, "tolerant", False):
        return

    def parse_query(query: str) -> dict[str, Any]:
        try:
            return original(query)
        except ValueError:
            return dict(urllib.parse.parse_qsl(query[1:]))

    parse_query.tolerant = True  # type: ignore[attr-defined]
    location.parse_query = parse_query


_tolerant_query_parsing()
load_mathjax_only_for_tex()  # KaTeX typesets the formulas: no 1.7 MB MathJax per page
pn.extension(
    "filedropper",  # the configuration upload's script, whatever the first document holds
    notifications=True,
    exception_handler=handle_exception,
    throttled=True,
    global_css=[
        css.read_text(encoding="utf-8") for css in [ASSETS / "dashboard.css"] if css.is_file()
    ],
)


#: Themes of the page (``?theme=``); anything else falls back to the default with a notification.
THEMES = ("default", "dark")


class Template(pn.template.FastListTemplate):
    """The Fast list template, refusing unknown ``?theme=`` values instead of raising."""

    @staticmethod
    def _get_theme_from_query_args() -> str | None:
        theme = requested_theme()
        return theme if theme in THEMES else None

    def server_doc(self, doc: Any = None, title: str | None = None, location: Any = True) -> Any:
        """Attach the page to ``doc`` with the document's model graph frozen meanwhile.

        The template adds about 15 roots; unfrozen, Bokeh walks every model of the document
        again for each (about a third of a page build); frozen, once at the end (as Panel does
        for a single root).
        """
        document = doc if doc is not None else pn.state.curdoc
        if document is None:
            return super().server_doc(doc, title=title, location=location)
        roots = len(pn.state._fake_roots)
        with document.models.freeze():
            served = super().server_doc(document, title=title, location=location)
        # Panel (1.9) lists the template's fake root in ``state._fake_roots`` but never records
        # it where its session-end clean-up looks (``_refs``): one entry per page ever served
        # stayed, searched on every change of every page. Recorded, it goes with the session.
        if len(pn.state._fake_roots) > roots:
            self._refs.setdefault(document, pn.state._fake_roots[-1])
        return served


def requested_theme() -> str | None:
    """The ``?theme=`` of the current request (as Panel reads it), or None."""
    args = pn.state.session_args if isinstance(pn.state.session_args, dict) else {}
    raw = args.get("theme")
    if not raw:
        return None
    return raw[0].decode("utf-8", "replace").strip("'").strip('"')


def create_app(state: SessionState | None = None) -> pn.viewable.Viewable:
    """Build a fresh page for one session (a new :class:`SessionState` unless one is given).

    Never raises: a failure while building the page is logged and shown as a short message (no
    traceback, no server paths).
    """
    try:
        return _build_app(state)
    except Exception:
        logging.getLogger("dashboard").exception("building the page failed")
        return pn.pane.HTML(
            f"<h2>{TITLE}</h2><p>The page could not be built. Reload it; if this persists, "
            "tell the server's administrator (the details are in the server log).</p>"
        )


def _request_args() -> dict[str, Any]:
    args = pn.state.session_args
    return args if isinstance(args, dict) else {}


def _build_app(state: SessionState | None) -> Template:
    state = SessionState() if state is None else state
    begin_page()  # notifications raised while the page is built are shown once it exists
    served = pn.state.curdoc is not None and pn.state.curdoc.session_context is not None
    if served:  # the URL first: the views are built with the options it restores
        problems = apply_query(state, _request_args())
        if problems:
            notify_warnings([problems], duration=20000, limit=1500)
    keys = tab_keys()
    active = keys.index(state.tab)
    # the Recoil spectra view always (the export card and lessons use it), the shown tab's, and
    # every other tab's only once it is first shown: a page costs one tab, not eight
    built: dict[int, TabView] = {}
    with building_page():  # the shown tab's first results are part of the page
        for index in sorted({keys.index(SpectraView.TAB), active}):
            built[index] = TABS[index][1](state=state, shown=index == active)
    tabs = pn.Tabs(
        *[(title, built.get(i) or _unbuilt_tab()) for i, (title, _) in enumerate(TABS)],
        dynamic=True,
        sizing_mode="stretch_width",
        active=active,
    )

    def view_at(index: int) -> TabView:
        """The view of tab ``index``, built (and put in its tab) on first use."""
        if index not in built:
            built[index] = TABS[index][1](state=state, shown=index == tabs.active)
            tabs[index] = (TABS[index][0], built[index])
        return built[index]

    def on_tab(event: param.parameterized.Event) -> None:
        if state.tab != keys[event.new]:  # first: the URL follows at once
            state.tab = keys[event.new]
        view = view_at(event.new)
        for index, other in built.items():
            other.set_shown(index == event.new)  # hidden tabs do no work
        activate = getattr(view, "activate", None)
        if activate is not None:  # e.g. the experiments table starts computing its counts
            activate()

    def on_state_tab(event: param.parameterized.Event) -> None:
        if tabs.active != keys.index(event.new):
            tabs.active = keys.index(event.new)

    tabs.param.watch(on_tab, "active")
    state.param.watch(on_state_tab, "tab")
    activate = getattr(built[active], "activate", None)
    if activate is not None:
        activate()
    spectra = built[keys.index(SpectraView.TAB)]
    guide = LessonGuide(state)
    extras = [
        learn_panel(state, tabs, [title for title, _ in TABS], guide),
        tools_card(state, spectra, lambda: view_at(tabs.active)),
    ]
    theme = requested_theme()
    if theme is not None and theme not in THEMES:
        notify_warnings(
            [
                f"Unknown theme {shown_value(theme)} in the URL: the default theme is shown "
                f"(themes: {', '.join(THEMES)})."
            ]
        )
    template = Template(
        title=TITLE,
        sidebar=[*sidebar(state), *extras],
        main=[
            lesson_bar(state, guide, export_buttons()),
            tab_formula(tabs, [title for title, _ in TABS], guide),
            tabs,
        ],
        header=[badge] if (badge := login_badge()) is not None else [],  # with --basic-auth
        accent="#1f6f8b",
        font=FONT,
        font_url="",
        design=Fast,
        sidebar_width=320,
        main_layout=None,
        **({"favicon": str(ASSETS / "favicon.svg")} if (ASSETS / "favicon.svg").is_file() else {}),
    )
    if served and pn.state.location is not None:
        keep = {"theme": theme} if theme in THEMES else {}
        write = sync(state, pn.state.location, keep)
        pn.state.onload(write)  # the canonical address, once the browser has reported its own
    return template


def _unbuilt_tab() -> pn.viewable.Viewable:
    """The content of a tab whose view is built when the tab is first shown."""
    return pn.Column(sizing_mode="stretch_width")


def spec_json(state: SessionState) -> str:
    """The state's spec as JSON (for export)."""
    return json.dumps(state.spec(), indent=2, sort_keys=True)


if __name__.startswith("bokeh"):
    create_app().servable()
