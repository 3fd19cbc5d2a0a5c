"""A wheel is a complete install: built from the sources (``pip wheel . --no-deps``), installed in
a fresh virtual environment without network, it carries every data file, the dashboard's CSS and
favicon, and serves the page with them from a directory that is not the checkout.

The fresh environment sees the already-installed dependencies (numpy, panel, …) through a ``.pth``
file naming this environment's site-packages; such a path line does not run the ``.pth`` files
there, so the editable install of the checkout does not leak in (checked).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
import setuptools

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read()


def _run(*argv: str | Path, cwd: Path, env: dict[str, str]) -> str:
    out = subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=180
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    return out.stdout


def _files(folder: Path) -> set[str]:
    return {
        p.relative_to(ROOT).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.mark.ui
def test_wheel_installs_in_a_clean_venv_and_serves_the_page_with_its_css(tmp_path: Path) -> None:
    assert int(setuptools.__version__.split(".")[0]) >= 77, (
        "building the wheel offline (--no-build-isolation) needs setuptools>=77 (test extras)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PANEL_BASIC_AUTH")}
    # 1. the wheel, built from a copy of the sources (no build/ or egg-info in the checkout)
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for package in ("cevns_core", "dashboard"):
        shutil.copytree(
            ROOT / package, src / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    dist = tmp_path / "dist"
    _run(
        sys.executable, "-m", "pip", "wheel", src, "--no-deps", "--no-build-isolation",
        "--no-index", "-w", dist, cwd=tmp_path, env=env,
    )  # fmt: skip
    (wheel,) = dist.glob("cevns_workbench-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    needed = _files(ROOT / "cevns_core" / "data") | _files(ROOT / "dashboard" / "static")
    assert needed and not needed - shipped, sorted(needed - shipped)
    # 2. a fresh venv with only the wheel; dependencies seen through a path line in a .pth file
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path, env=env)
    python = venv / "bin" / "python"
    _run(
        sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
        wheel, cwd=tmp_path, env=env,
    )  # fmt: skip
    purelib = _run(
        python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        cwd=tmp_path, env=env,
    ).strip()  # fmt: skip
    outer = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    Path(purelib, "dependencies.pth").write_text("\n".join(outer) + "\n", encoding="utf-8")
    probe = (
        "import json, sys, cevns_core, dashboard\n"
        "print(json.dumps({'core': cevns_core.__file__, 'dashboard': dashboard.__file__,\n"
        "    'editable': sorted(m for m in sys.modules if m.startswith('__editable__'))}))\n"
    )
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    where = json.loads(_run(python, "-c", probe, cwd=run_dir, env=env).splitlines()[-1])
    assert where["core"].startswith(purelib) and where["dashboard"].startswith(purelib)
    assert where["editable"] == []  # the checkout's editable finder did not leak in
    # 3. serve the page from the venv (its `cevns` script), outside the checkout
    port = _free_port()
    base = f"http://{HOST}:{port}"
    proc = subprocess.Popen(
        [str(venv / "bin" / "cevns"), "serve", "--port", str(port), "--log-level", "warning"],
        cwd=run_dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(f"{base}/liveness")[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            assert proc.poll() is None, proc.communicate()[1][-2000:]
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        status, body = _get(f"{base}/cevns")
        page = body.decode("utf-8")
        assert status == 200
        # the stylesheet (inline, pn.extension(global_css=...)) and the favicon (a data URI)
        css = (ROOT / "dashboard" / "static" / "dashboard.css").read_text(encoding="utf-8")
        assert "--cevns-accent: #1f6f8b;" in css and "--cevns-accent: #1f6f8b;" in page
        icon = re.search(r'<link rel="icon" href="data:image/svg\+xml;base64,([^"]+)"', page)
        assert icon is not None, "no favicon link in the page"
        favicon = (ROOT / "dashboard" / "static" / "favicon.svg").read_bytes()
        assert base64.b64decode(icon.group(1)) == favicon
        # the page's own static stylesheets are served by the installed packages
        sheet = re.search(r'href="(static/extensions/panel/[^"]+\.css[^"]*)"', page)
        assert sheet is not None and _get(f"{base}/{sheet.group(1)}")[0] == 200
        health = json.loads(_get(f"{base}/health")[1])
        assert health["status"] == "ok" and health["pid"] == proc.pid
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate(timeout=30)
