"""The page: template, sidebar widgets bound to the session state, one tab per view.

Serve with ``python -m dashboard`` (``make serve``) or ``panel serve dashboard/app.py``.
"""

from __future__ import annotations

import panel as pn

from dashboard.errors import handle_exception
from dashboard.state import SessionState
from dashboard.views import CrossSectionView, FormFactorView

__all__ = ["TITLE", "create_app", "sidebar"]

TITLE = "CEvNS workbench"

pn.extension(notifications=True, exception_handler=handle_exception)


def sidebar(state: SessionState) -> list[pn.viewable.Viewable]:
    """Widgets generated from the state's parameters."""
    return [
        pn.pane.Markdown("**Target isotopes**", margin=(10, 10, 0, 10)),
        pn.widgets.CheckBoxGroup.from_param(state.param.isotopes, label="Target isotopes"),
        pn.widgets.Select.from_param(state.param.form_factor_model, label="Form-factor model"),
        pn.widgets.FloatInput.from_param(
            state.param.E_min_MeV, label="E_ν min (MeV)", step=1.0, format="0.0[00]"
        ),
        pn.widgets.FloatInput.from_param(
            state.param.E_max_MeV, label="E_ν max (MeV)", step=1.0, format="0.0[00]"
        ),
        pn.widgets.Checkbox.from_param(state.param.log_y, label="log σ axis"),
    ]


def create_app(state: SessionState | None = None) -> pn.template.FastListTemplate:
    """Build a fresh page for one session (a new :class:`SessionState` unless one is given)."""
    state = SessionState() if state is None else state
    tabs = pn.Tabs(
        ("Cross sections", CrossSectionView(state=state)),
        ("Form factors", FormFactorView(state=state)),
        dynamic=False,
        sizing_mode="stretch_width",
    )
    return pn.template.FastListTemplate(
        title=TITLE,
        sidebar=sidebar(state),
        main=[tabs],
        accent="#1f6f8b",
    )


if __name__.startswith("bokeh"):
    create_app().servable()
