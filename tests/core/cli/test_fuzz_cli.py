"""Fuzzing the ``cevns`` command line in-process (security issue, item 8).

Every sub-command is run through :func:`cevns_core.cli.main` with argument lists built from a
table of its options: valid values, boundary values and hostile tokens (``nan``, ``inf``,
``1e400``, negative numbers, non-integral or oversized grid sizes, unknown names, empty strings,
unknown flags, missing required options). The contract:

* exit status 0 (success) or 2 (refused), never an exception (a traceback);
* on refusal: nothing on stdout and exactly one stderr line ``cevns: error: ...``;
* on success: nothing on stderr, output of bounded size (the grid caps, 10⁶ points, with a few
  header lines), JSON that a strict parser reads (no NaN/Infinity) and CSV cells that are
  finite numbers — except the fog's documented ``nan`` (floor not reached).

Every option of every sub-command has an entry (``--spec`` with good and malformed spec files:
byte-order mark, UTF-16, Latin-1, truncated, NaN, 10⁴⁰⁰, deep nesting, NUL bytes, a directory);
each scan model runs on a small grid. ``serve`` runs against a stub that validates its options
as the server does and opens no port. Like
``test_fuzz_public``: a fixed list of hostile command lines (independent of the hypothesis seed)
and derandomized hypothesis draws; ``CEVNS_FUZZ_SCALE``/``CEVNS_FUZZ_RANDOM`` for deeper runs.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cevns_core as cc
from cevns_core._validation import MAX_ARRAY_POINTS
from cevns_core.cli import main
from cevns_core.dark_matter.cli_fog import HALO_PRESETS, background_models
from cevns_core.scans import SCAN_MODELS

#: Hostile numbers as command-line tokens.
BAD_NUMBERS = ("nan", "inf", "-inf", "1e400", "-1e400", "1e308", "-1", "0", "1e-300", "abc", "")
#: Hostile grid sizes N (non-integral, non-finite, negative, above the 10⁶ cap).
BAD_COUNTS = ("nan", "inf", "-1", "0", "1.5", "1000001", "1e12", "abc")
BAD_NAMES = ("", "nope", "Cs999", "../../etc/passwd", "\x01", "é" * 500)
#: A header line or two per command, plus the rows of a grid of at most 10⁶ points.
MAX_OUTPUT_LINES = MAX_ARRAY_POINTS + 64


# ------------------------------------------------------------------------------ input files
_FILES = tempfile.TemporaryDirectory(prefix="cevns-fuzz-cli-")  # removed by teardown_module


def teardown_module() -> None:
    _FILES.cleanup()


def _file(name: str, content: bytes) -> str:
    path = Path(_FILES.name) / name
    path.write_bytes(content)
    return str(path)


_SPEC = json.dumps(cc.experiment("conus").to_spec()).encode("utf-8")


def _with_mass(value: bytes) -> bytes:
    changed, n = re.subn(rb'"mass_kg": [^,}]+', b'"mass_kg": ' + value, _SPEC)
    assert n == 1, "the spec holds one detector mass"
    return changed


#: Spec files a user may give: plain, with a UTF-8 byte-order mark, through a symbolic link.
GOOD_SPECS = (_file("spec.json", _SPEC), _file("bom.json", b"\xef\xbb\xbf" + _SPEC))
os.symlink(GOOD_SPECS[0], Path(_FILES.name) / "link.json")
GOOD_SPECS += (str(Path(_FILES.name) / "link.json"),)
#: Malformed spec files: every one must be one 'cevns: error:' line.
BAD_SPECS = (
    "/nonexistent.json",
    "/dev/null",
    _FILES.name,  # a directory
    "",
    "\x01",
    _file("utf16.json", _SPEC.decode("utf-8").encode("utf-16")),
    _file("latin1.json", b'{"version": 1, "name": "caf\xe9"}'),
    _file("empty.json", b""),
    _file("truncated.json", _SPEC[: len(_SPEC) // 2]),
    _file("nan.json", _with_mass(b"NaN")),
    _file("list.json", b"[1, 2, 3]"),
    _file("nul.json", b'{"version": 1}\x00'),
    _file("deep.json", b"[" * 100_000 + b"]" * 100_000),
    _file("bigint.json", _with_mass(b"1" + b"0" * 400)),
    _file("string.json", _with_mass(b'"20"')),
    _file("unknown_key.json", _SPEC[:-1] + b', "nope": 1}'),
)
USERS = _file("users.json", b'{"teacher": "a long password"}')
BAD_USERS = (
    _file("users_list.json", b'["teacher"]'),
    _file("users_empty.json", b"{}"),
    _file("users_bad.json", b'{"teacher": '),
    "/nonexistent/users.json",
)


@dataclass
class Option:
    """A command-line option: its flag and token lists (valid and hostile)."""

    flag: str
    valid: tuple[tuple[str, ...], ...]
    hostile: tuple[tuple[str, ...], ...] = ()
    required: bool = False


def grid(flag: str, *valid: tuple[str, str, str], required: bool = False) -> Option:
    lo, hi, n = valid[0]
    hostile = tuple((b, hi, n) for b in BAD_NUMBERS) + tuple((lo, b, n) for b in BAD_NUMBERS)
    hostile += (*tuple((lo, hi, b) for b in BAD_COUNTS), (hi, lo, n), (lo, hi), ())
    return Option(flag, valid, hostile, required)


def number(flag: str, *valid: str) -> Option:
    return Option(flag, tuple((v,) for v in valid), (*tuple((b,) for b in BAD_NUMBERS), ()))


def name(flag: str, *valid: str, required: bool = False) -> Option:
    return Option(flag, tuple((v,) for v in valid), (*tuple((b,) for b in BAD_NAMES), ()), required)


def switch(flag: str) -> Option:
    return Option(flag, ((),), (("extra",),))


def spec(*, required: bool = True) -> Option:
    return Option(
        "--spec", tuple((p,) for p in GOOD_SPECS), tuple((p,) for p in BAD_SPECS), required
    )


def integer(flag: str, *valid: str) -> Option:
    hostile = ("-1", "0", "1.5", "nan", "abc", "", "9" * 400)
    return Option(flag, tuple((v,) for v in valid), (*tuple((b,) for b in hostile), ()))


def pairs(flag: str, *valid: str) -> Option:
    hostile = ("=", "x", "skin_fm=", "=1", "nope=1", "skin_fm=nan", "s_fm=1e400", "Cs=abc")
    return Option(flag, tuple((v,) for v in valid), tuple((b,) for b in hostile))


@dataclass
class Command:
    """A sub-command: fixed leading words, its options, the examples to draw."""

    words: tuple[str, ...]
    options: list[Option] = field(default_factory=list)
    examples: int = 20
    nan_ok: bool = False  # CSV may hold the documented "nan"


FORMAT = Option("--format", (("csv",), ("json",)), (("xml",), ("",)))
NUCLEAR = [
    pairs("--skin-fm", "0.1", "Cs=0.2", "-0.5"),
    pairs("--rn-fm", "5.0", "I=4.9"),
    pairs("--form-factor-param", "s_fm=0.9"),
]
PHYSICS = pairs("--physics", "zprime_coupling=1e-4", "eps_uV_ee=0.1", "mm_exact=true")
PRESETS = ("coherent_csi_2017", "conus", "ccm", "coherent_lar_2020")
EXPERIMENT = name("--experiment", *PRESETS, required=True)

COMMANDS: dict[str, Command] = {
    "cross-section": Command(
        ("cross-section",),
        [
            name("--isotope", "Cs133", "Ar40", "Xe132", "H1", required=True),
            grid(
                "--energy-MeV",
                ("1", "50", "5"),
                ("1e-9", "1e6", "3"),
                ("10", "10", "1"),
                required=True,
            ),
            name("--form-factor", "helm", "klein_nystrand", "point", "symmetrized_fermi"),
            name("--couplings", "tree", "pdg_nuN", "erler_su"),
            number("--sin2-theta-W", "0.23", "0", "1"),
            name("--kinematics", "full", "no_T_over_E"),
            name("--flavour", "nu_e", "nubar_mu"),
            pairs("--param", "skin_fm=0.2", "s_fm=1.0"),
            switch("--log"),
            FORMAT,
        ],
    ),
    "form-factor": Command(
        ("form-factor",),
        [
            name("--isotope", "Cs133", "Pb208", "Ar40"),
            name("--model", "helm", "klein_nystrand", "point", "harmonic_oscillator"),
            grid("--q-fm", ("0", "1", "11"), ("1e-3", "20", "4")),
            pairs("--param", "s_fm=1.0", "skin_fm=0.1"),
            switch("--log"),
            switch("--list"),
            FORMAT,
        ],
    ),
    "experiments": Command(("experiments",), [FORMAT], examples=4),
    "experiments --json": Command(  # one preset always named: all of them take seconds
        ("experiments", "--json", "--experiment", "conus"),
        [name("--experiment", "texono_2024", "coherent_csi_2017")],
        examples=4,
    ),
    "counts": Command(
        ("counts",),
        [
            EXPERIMENT,
            name("--form-factor", "helm", "point"),
            *NUCLEAR,
            PHYSICS,
            switch("--electron-recoils"),
            name("--electron-binding", "stepping", "free"),
            switch("--json"),
        ],
    ),
    "counts --spec": Command(
        ("counts",),
        [spec(), name("--form-factor", "helm", "point"), PHYSICS, switch("--json")],
        examples=10,
    ),
    "spectrum": Command(
        ("spectrum",),
        [
            EXPERIMENT,
            grid("--recoil-keV", ("0.1", "40", "10"), ("0", "100", "3")),
            name("--form-factor", "helm", "klein_nystrand"),
            *NUCLEAR,
            PHYSICS,
            switch("--log"),
            FORMAT,
        ],
    ),
    "spectrum --spec": Command(
        ("spectrum",),
        [spec(), grid("--recoil-keV", ("0.1", "10", "5")), PHYSICS, FORMAT],
        examples=6,
    ),
    "spec": Command(
        ("spec",),
        [
            EXPERIMENT,
            name("--form-factor", "helm", "klein_nystrand"),
            *NUCLEAR,
            PHYSICS,
            switch("--python"),
        ],
        examples=10,
    ),
    "spec --spec": Command(("spec",), [spec(), *NUCLEAR, switch("--python")], examples=6),
    "band": Command(
        ("band",),
        [
            EXPERIMENT,
            number("--flux-uncertainty", "0.1", "0", "1"),
            number("--quenching-uncertainty", "0.1", "0", "0.5"),
            grid("--recoil-keV", ("0.5", "40", "8")),
            switch("--log"),
            integer("--bins", "5", "40", "1"),
            name("--form-factor", "helm", "klein_nystrand"),
            *NUCLEAR,
            PHYSICS,
            switch("--observed"),
            FORMAT,
        ],
        examples=8,
    ),
    "band --spec": Command(("band",), [spec(), integer("--bins", "5"), FORMAT], examples=4),
    "scan": Command(
        ("scan", "zprime", "--progress", "never"),
        [
            EXPERIMENT,
            grid("--coupling", ("1e-5", "1e-3", "3"), ("1e-6", "1e-2", "2"), required=True),
            grid("--mass-MeV", ("1", "1000", "3"), ("10", "100", "2"), required=True),
            switch("--log-coupling"),
            switch("--log-mass-MeV"),
            number("--cl", "0.9", "0.68", "0.99"),
            name("--reference", "minimum", "sm"),
            name("--statistic", "gaussian", "poisson"),
            number("--sigma-signal", "0.1", "0", "inf"),
            name("--method", "auto", "fast", "kernel", "generic"),
            name("--keep", "bins", "chi2"),
            name("--dtype", "float64", "float32"),
            name("--form-factor", "helm", "klein_nystrand"),
            *NUCLEAR,
            switch("--contour"),
            FORMAT,
        ],
        examples=10,
    ),
    "scan --data": Command(
        ("scan", "nsi_vector_ee", "--progress", "never", "--eps-u", "-0.5", "0.5", "3"),
        [
            Option(
                "--data",
                (("coherent_csi_2017",), ("coherent_lar_2020",)),
                tuple((b,) for b in BAD_NAMES),
                required=True,
            ),
            grid("--eps-u", ("-0.5", "0.5", "3")),
            grid("--eps-d", ("-0.5", "0.5", "2")),
            name("--statistic", "gaussian", "poisson"),
            switch("--contour"),
            FORMAT,
        ],
        examples=6,
    ),
    "fit": Command(
        ("fit", "sin2_theta_W"),
        [
            name("--data", "coherent_csi_2017", required=True),
            grid("--grid", ("0.2", "0.3", "5"), ("0", "1", "3")),
            number("--cl", "0.9", "0.68"),
            name("--statistic", "gaussian", "poisson", "gaussian_coherent"),
            switch("--no-time-cut"),
            FORMAT,
        ],
        examples=8,
    ),
    "fit R_n_fm": Command(
        ("fit", "R_n_fm", "--grid", "4.5", "6", "4"),  # a short grid (the default has 41 points)
        [
            name("--data", "coherent_csi_2017", required=True),
            grid("--grid", ("4.5", "6", "4"), ("3", "8", "3")),
            Option("--nuclei", (("Cs",), ("Cs", "I"), ("I",)), (("Xx",), ("",), ())),
            name("--experiment", "coherent_csi_2017"),
            *NUCLEAR,
            FORMAT,
        ],
        examples=6,
    ),
    "fog": Command(
        ("fog",),
        [
            name("--target", "Xe", "Ge", "Ar", required=True),
            grid("--masses-GeV", ("1", "100", "3"), ("10", "1000", "2"), required=True),
            grid("--exposures-kg-yr", ("1", "1e6", "4"), ("1e-2", "1e3", "3"), required=True),
            number("--threshold-keV", "1", "0.1"),
            number("--E-max-keV", "100", "200"),
            integer("--bins", "10", "20"),
            name("--halo", *sorted(HALO_PRESETS)),
            name("--backgrounds", *background_models()),
            FORMAT,
        ],
        examples=6,
        nan_ok=True,
    ),
}


#: ``cevns serve``: every option, run against a stub of the server (the options are validated as
#: the server does, by ``dashboard.server.server_kwargs`` and ``Limits``, but nothing listens).
SIZES = ("1MB", "500KB", "2MiB", "4096")
BAD_SIZES = ("abc", "-1", "1e400", "1XB", "", "nan")  # "9" * 400: see the xfail test below
SERVE = Command(
    ("serve",),
    [
        integer("--port", "0", "5006", "65535"),
        Option("--port", (("5006",),), (("65536",), ("-1",))),
        name("--address", "127.0.0.1", "::1", "0.0.0.0"),
        name("--allow-websocket-origin", "lab.example.org", "proxy:8080"),
        name("--prefix", "cevns-lab", "/a/b/"),
        switch("--use-xheaders"),
        integer("--num-procs", "1", "2"),
        integer("--num-threads", "0", "4"),
        integer("--unused-session-lifetime", "1000", "60000"),
        integer("--check-unused-sessions", "100", "5000"),
        integer("--session-token-expiration", "1", "300"),
        switch("--reuse-sessions"),
        integer("--spare-pages", "0", "2"),
        switch("--warm"),
        switch("--admin"),
        switch("--no-release-memory"),
        Option(
            "--basic-auth",
            (("a long password",), (USERS,)),
            tuple((b,) for b in BAD_USERS),
        ),
        Option("--cookie-secret", (("x" * 32,),), (("short",), ("",))),
        integer("--max-url-length", "4096", "100000"),
        integer("--max-url-value", "1000", "65536"),
        Option("--max-upload-size", tuple((v,) for v in SIZES), tuple((b,) for b in BAD_SIZES)),
        Option("--max-message-size", tuple((v,) for v in SIZES), tuple((b,) for b in BAD_SIZES)),
        integer("--max-sessions", "1", "200"),
        integer("--max-sessions-per-client", "1", "20"),
        number("--max-page-rate", "0.5", "10"),
        number("--max-request-rate", "5", "100"),
        number("--max-message-rate", "20", "200"),
        number("--login-delay", "0", "1"),
        number("--login-expiry", "1", "24"),
        name("--log-level", "info", "warning"),
    ],
    examples=30,
)


@pytest.fixture(autouse=True)
def _no_server(monkeypatch):
    """``cevns serve`` validates its options as the server does, then returns (no port opened);
    the server's log levels are put back afterwards."""
    try:
        import dashboard.server_cli as server_cli
        from dashboard.server import ServeError, _check_spare_pages, server_kwargs
    except ImportError:
        yield
        return

    def validate_only(
        *,
        num_threads=None,
        limits=None,
        show=False,
        reuse_sessions=False,
        spare_pages=0,
        prewarm_page=False,
        release_memory=False,
        build_pages_off_loop=True,
        **kw,
    ):
        _check_spare_pages(spare_pages, server_kwargs(limits=limits, **kw), build_pages_off_loop)
        if num_threads is not None and num_threads < 0:
            raise ServeError(f"--num-threads must be ≥ 0, got {num_threads}")

    monkeypatch.setattr(server_cli, "serve", validate_only)
    levels = {n: logging.getLogger(n).level for n in ("", "bokeh")}
    yield
    for logger, level in levels.items():
        logging.getLogger(logger).setLevel(level)


COMMANDS["serve"] = SERVE


# ------------------------------------------------------------------------------ the contract
def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as exc:  # --help: argparse prints and exits 0
            status = exc.code if isinstance(exc.code, int) else 2
    return status, out.getvalue(), err.getvalue()


def _reject_constant(token: str) -> float:
    raise AssertionError(f"JSON output holds {token}")


def _finite_cells(text: str, nan_ok: bool) -> None:
    for row in csv.reader(io.StringIO(text)):
        if not row or row[0].startswith("#"):
            continue
        for cell in row:
            try:
                value = float(cell)
            except ValueError:
                continue  # a header or a label
            assert math.isfinite(value) or (nan_ok and math.isnan(value)), f"CSV cell {cell!r}"


def check(argv: list[str], *, nan_ok: bool = False) -> int:
    """Run one command line and assert the contract; returns the exit status."""
    status, out, err = run(argv)
    shown = " ".join(repr(a) if " " in a or not a else a for a in argv)[:300]
    assert "Traceback" not in err, f"cevns {shown}: traceback\n{err}"
    assert status in (0, 2), f"cevns {shown}: exit status {status}"
    if status == 2:
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("cevns: error: "), (
            f"cevns {shown}: stderr must be one 'cevns: error:' line, got {err!r}"
        )
        assert out == "", f"cevns {shown}: output before the error"
        return status
    assert err == "", f"cevns {shown}: stderr on success: {err!r}"
    assert out.count("\n") <= MAX_OUTPUT_LINES, f"cevns {shown}: {out.count(chr(10))} lines"
    if "--python" in argv or "--list" in argv:
        return status
    stripped = out.lstrip()
    if stripped.startswith(("{", "[")):
        json.loads(out, parse_constant=_reject_constant)
    else:
        _finite_cells(out, nan_ok)
    return status


def _base(command: Command) -> list[str]:
    argv = list(command.words)
    for option in command.options:
        if option.required:
            argv += [option.flag, *option.valid[0]]
    return argv


# ------------------------------------------------------------------------------ the tests
#: Command lines of the issue and other fixed hostile cases.
HOSTILE_LINES = [
    ["cross-section", "--isotope", "Cs133", "--energy-MeV", "10", "50", "nan"],
    ["cross-section", "--isotope", "Cs133", "--energy-MeV", "10", "50", "1000001"],
    ["cross-section", "--isotope", "Cs133", "--energy-MeV", "1e-300", "1", "3"],
    ["cross-section", "--isotope", "Cs133", "--energy-MeV", "1", "1e308", "3"],
    ["cross-section", "--isotope", "Cs133", "--energy-MeV", "1", "50", "3", "--param", "x=nan"],
    ["form-factor", "--q-fm", "0", "1", "inf"],
    ["spectrum", "--experiment", "conus", "--recoil-keV", "0", "1", "1000000"],
    ["band", "--experiment", "conus", "--bins", "100000000"],
    ["band", "--experiment", "conus", "--flux-uncertainty", "nan"],
    [
        "scan",
        "zprime",
        "--experiment",
        "coherent_csi_2017",
        "--progress",
        "never",
        "--coupling",
        "1e-5",
        "1e-3",
        "1000000",
        "--mass-MeV",
        "1",
        "1000",
        "1000000",
    ],
    [
        "scan",
        "zprime",
        "--experiment",
        "coherent_csi_2017",
        "--progress",
        "never",
        "--coupling",
        "1e-5",
        "1e-3",
        "3",
        "--mass-MeV",
        "1",
        "1000",
        "3",
        "--cl",
        "1e400",
    ],
    ["fit", "sin2_theta_W", "--data", "coherent_csi_2017", "--grid", "0", "1", "nan"],
    ["fit", "sin2_theta_W", "--data", "coherent_csi_2017", "--grid", "0", "1", "100000"],
    ["fog", "--target", "Xe", "--masses-GeV", "1", "10", "nan"],
    [
        "fog",
        "--target",
        "Xe",
        "--masses-GeV",
        "1",
        "1e4",
        "10000",
        "--exposures-kg-yr",
        "1",
        "1e6",
        "10000",
    ],
    [
        "scan",
        "zprime",
        "--experiment",
        "conus",
        "--progress",
        "never",
        "--coupling",
        "1e-5",
        "1e-3",
        "2",
        "--mass-MeV",
        "1",
        "10",
        "2",
        "--scheduler",
        "nope://x",
    ],
    ["experiments", "--experiment", "conus"],  # --experiment selects presets of --json only
    ["counts", "--experiment", "conus", "--electron-binding", "free"],
    ["fit", "sin2_theta_W", "--data", "coherent_csi_2017", "--nuclei", "Cs"],
    ["counts", "--experiment", "conus", "--spec", GOOD_SPECS[0]],
    *(["counts", "--spec", path] for path in BAD_SPECS),
    ["counts", "--spec", "/nonexistent.json"],
    ["counts", "--spec", "/dev/null"],
    ["counts"],
    ["serve", "--port", "abc"],
    ["serve", "--nope"],
    ["nope"],
    [],
]


#: Command lines at the edges that may succeed or be refused (within the contract either way).
EDGE_LINES = [
    ["form-factor", "--q-fm", "0", "1e308", "3"],
    ["cross-section", "--isotope", "H1", "--energy-MeV", "1e-9", "1e6", "3", "--log"],
    ["counts", "--experiment", "conus", "--physics", "mu_nu_e_muB=1e-10"],
    ["counts", "--experiment", "ccm", "--physics", "mu_nu_e_muB=1e-10"],  # no threshold: ∞
    ["spectrum", "--experiment", "conus", "--recoil-keV", "0", "1e9", "3"],
    ["fit", "sin2_theta_W", "--data", "coherent_csi_2017", "--grid", "0.2", "0.21", "3"],
]


@pytest.mark.parametrize("argv", HOSTILE_LINES, ids=lambda a: " ".join(a)[:60] or "empty")
def test_hostile_command_lines(argv):
    assert check(argv) == 2


@pytest.mark.parametrize("argv", EDGE_LINES, ids=lambda a: " ".join(a)[:60])
def test_edge_command_lines(argv):
    check(argv)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_base_command_line_works(name):
    command = COMMANDS[name]
    assert check(_base(command), nan_ok=command.nan_ok) == 0


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_hostile_option_is_refused_cleanly(name):
    """Each hostile token of each option on the base command line (valid or refused, but
    within the contract)."""
    command = COMMANDS[name]
    base = _base(command)
    for option in command.options:
        for tokens in option.hostile:
            argv = list(command.words) + [
                t
                for other in command.options
                if other.required and other is not option
                for t in (other.flag, *other.valid[0])
            ]
            check([*argv, option.flag, *tokens], nan_ok=command.nan_ok)
        if option.required:  # the option left out
            missing = [t for t in base if t not in (option.flag, *option.valid[0])]
            assert check(missing, nan_ok=command.nan_ok) == 2


SCALE = max(1, int(os.environ.get("CEVNS_FUZZ_SCALE", "1")))
FUZZ = settings(
    deadline=None,
    derandomize=not os.environ.get("CEVNS_FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_fuzzed_command_lines(name):
    command = COMMANDS[name]

    @settings(FUZZ, max_examples=command.examples * SCALE)
    @given(data=st.data())
    def fuzz(data):
        argv = list(command.words)
        for option in command.options:
            use = option.required or data.draw(st.booleans(), label=f"use {option.flag}")
            if not use:
                continue
            hostile = option.hostile and data.draw(
                st.sampled_from([False, False, False, True]), label=f"hostile {option.flag}"
            )
            pool = option.hostile if hostile else option.valid
            argv += [option.flag, *data.draw(st.sampled_from(pool), label=option.flag)]
        if data.draw(st.sampled_from([False] * 9 + [True]), label="unknown flag"):
            argv.append(data.draw(st.sampled_from(["--nope", "-x", "--", "extra"])))
        check(argv, nan_ok=command.nan_ok)

    fuzz()


@pytest.mark.parametrize("model", sorted(SCAN_MODELS))
def test_every_scan_model_on_a_small_grid(model):
    """Each scan model through the command line on a 2 × 2 grid (a 1-D profile: one axis) of its
    default ranges, then its axes with hostile tokens."""
    from cevns_core.scans import default_axes

    axes = default_axes(model)
    argv = ["scan", model, "--experiment", "conus", "--progress", "never", "--format", "json"]
    for k, (axis, values) in enumerate(axes.items()):
        lo, hi = f"{float(np.min(values)):.6g}", f"{float(np.max(values)):.6g}"
        argv += [f"--{axis.replace('_', '-')}", lo, hi, "2" if k == 0 else "3"]
    assert check(argv) == 0
    first = f"--{next(iter(axes)).replace('_', '-')}"
    at = argv.index(first)
    for tokens in (("nan", "1", "2"), ("1", "0", "2"), ("0", "1", "1e9"), ("1e400", "1", "2")):
        assert check([*argv[:at], first, *tokens, *argv[at + 4 :]]) == 2


def test_negative_numbers_in_exponent_notation_are_values():
    """argparse took ``-1.2e-30`` for an option (its pattern knows only -1 and -1.5): the
    charge-radius grid of the catalogue could not be given on the command line."""
    argv = ["cross-section", "--isotope", "Cs133", "--energy-MeV", "-1e1", "1", "3"]
    status, out, err = run(argv)
    assert status == 2 and err == "cevns: error: E_MeV must lie in (0, inf), got -10\n"
    status, out, _ = run([*argv[:4], "1e1", "2e1", "2"])
    assert status == 0
    rows = [line.split(",") for line in out.splitlines()[-2:]]
    assert [float(E) for E, _ in rows] == [10.0, 20.0]
    # the same numbers as the Python API (the CLI prints 10 significant digits)
    expected = cc.total_cross_section(np.array([10.0, 20.0]), "Cs133")
    np.testing.assert_allclose([float(s) for _, s in rows], expected, rtol=1e-9)


def test_serve_size_beyond_the_float_range_is_refused():
    assert check(["serve", "--max-upload-size", "9" * 400]) == 2
