"""The README's preset-count table is what ``tools/preset_counts_table.py`` computes: both
columns (the reviews' F_n = F_p convention and the package defaults) of every row."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _script():
    spec = importlib.util.spec_from_file_location(
        "preset_counts_table", ROOT / "tools" / "preset_counts_table.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_table_matches_the_script():
    script = _script()
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    header = "| preset | ours, F_n = F_p | ours, defaults | published | note |"
    start = lines.index(header) + 2
    rows = {}
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        rows[cells[0].split(" / ")[0].strip("`")] = (cells[1], cells[2])
    assert list(rows) == script.NAMES
    for name, (review, defaults) in rows.items():
        assert review == script._cell(name, True), name
        assert defaults == script._cell(name, False), name
    # the convention matters where q is large: CsI 2021 drops by ≈ 4.5 % with the defaults
    assert float(rows["coherent_csi_2021"][1]) / float(rows["coherent_csi_2021"][0]) < 0.96


def test_readme_lists_every_preset_with_its_source():
    # the README's preset table names every preset of cc.experiment_names() with a source cell
    import re

    import cevns_core as cc

    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index("| preset | what | source |") + 2
    listed = {}
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        for name in re.findall(r"`([a-z0-9_]+)`", cells[0]):
            listed[name] = cells[2]
    assert set(cc.experiment_names()) <= set(listed)
    assert all(listed[name] for name in cc.experiment_names())
    # each published analysis cites its paper (arXiv) or, for νGeN, the seminar it comes from
    for name in ("conus_plus_2025", "xenonnt_b8_2024", "pandax4t_b8_2024", "coherent_ge_mini"):
        assert "arXiv:" in listed[name], name
    assert "seminar" in listed["nugen_2025"]
