"""Start-up of the served dashboard: the pre-warm asked for before listening, its option, the
sizing help of ``cevns serve``, and the page attached to its document in one pass (the pre-warm
itself: ``test_prewarm.py``).

Behaviour only (what happens, in which order): the speed itself is measured by
``benchmarks/bench_first_page.py``, never here.
"""

from __future__ import annotations

from typing import Any

import panel as pn
import pytest
from bokeh.document import Document
from panel.io.state import set_curdoc

from cevns_core import cli as cevns_cli
from dashboard import server, server_cli
from dashboard.app import create_app


@pytest.fixture(autouse=True)
def _reset_panel_state():
    yield
    pn.state.reset()


def test_serve_prewarms_before_listening_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    monkeypatch.setattr(server, "prewarm", lambda app, **kw: events.append("prewarm"))
    monkeypatch.setattr(
        server, "_serve_in_thread", lambda *args, **kwargs: events.append("listen") or "thread"
    )

    def app() -> Any:
        return pn.pane.Markdown("page")

    port = 0
    assert server.serve(app, threaded=True, port=port, environ={}, prewarm_page=True) == "thread"
    assert events == ["prewarm", "listen"]
    events.clear()
    server.serve(app, threaded=True, port=port, environ={})  # programmatic default: off
    assert events == ["listen"]


def test_prewarm_option_is_on_by_default_and_passed_on(monkeypatch: pytest.MonkeyPatch) -> None:
    parser = server.add_serve_arguments(__import__("argparse").ArgumentParser())
    assert parser.parse_args([]).prewarm is True
    assert parser.parse_args(["--no-prewarm"]).prewarm is False
    seen: dict[str, Any] = {}
    monkeypatch.setattr(server_cli, "serve", lambda **kwargs: seen.update(kwargs))
    server_cli.run(parser.parse_args(["--num-procs", "2"]))
    assert seen["prewarm_page"] is True and seen["num_procs"] == 2
    server_cli.run(parser.parse_args(["--no-prewarm"]))
    assert seen["prewarm_page"] is False


def test_serve_help_says_how_to_size_a_server(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cevns_cli.main(["serve", "--help"])
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps the lines
    assert "Sizing a server for N people" in text
    for needle in ("--num-procs", "--max-sessions", "MB", "cores", "--no-prewarm"):
        assert needle in text, needle


def test_page_attached_to_its_document_in_one_pass() -> None:
    """The template adds its roots with the model graph frozen: every model of every root
    still belongs to the document once it is attached."""
    doc = Document()
    with set_curdoc(doc):
        page = create_app()
        page.server_doc(doc)
    assert len(doc.roots) > 5
    reachable = {model.id for root in doc.roots for model in root.references()}
    assert reachable and reachable <= {model.id for model in doc.models}
    assert all(doc.get_model_by_id(model_id) is not None for model_id in reachable)
