"""Machine-readable output of the commands: CSV with a ``# key: value`` header, or JSON
with NaN and ±inf written as null.
"""

from __future__ import annotations

import csv
import json
import sys
from typing import Any

import numpy as np

__all__ = ["emit", "plain", "write_json"]


def plain(value: Any) -> Any:
    """JSON-safe data: NaN and ±inf (not JSON) become null, numpy numbers plain numbers."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    return value


def write_json(payload: Any, **options: Any) -> None:
    """Write ``payload`` as JSON on stdout (an open interval's inf, a NaN: null)."""
    json.dump(plain(payload), sys.stdout, indent=1, allow_nan=False, **options)
    sys.stdout.write("\n")


def emit(columns: dict[str, np.ndarray], meta: dict[str, Any], fmt: str) -> None:
    if fmt == "json":
        payload = {**meta, **{k: np.asarray(v).tolist() for k, v in columns.items()}}
        write_json(payload)
        return
    writer = csv.writer(sys.stdout, lineterminator="\n")
    for key, value in meta.items():
        sys.stdout.write(f"# {key}: {value}\n")
    writer.writerow(columns)
    for row in zip(*columns.values(), strict=True):
        writer.writerow([f"{x:.10g}" for x in row])
