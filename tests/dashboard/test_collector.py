"""The served dashboard's garbage collector: start-up objects frozen, full collections rarer,
cycles made afterwards still collected. Run in a fresh interpreter (freezing is process-wide)."""

from __future__ import annotations

import json
import subprocess
import sys

_SNIPPET = r"""
import gc, json, weakref
from dashboard.collector import THRESHOLDS, tune_collector

before = gc.get_threshold()
frozen = tune_collector()

class Node:
    pass

a, b = Node(), Node()
a.other, b.other = b, a  # a cycle made after the freeze
alive = weakref.ref(a)
del a, b
gc.collect()
print(json.dumps({"before": before, "after": gc.get_threshold(), "thresholds": THRESHOLDS,
                  "frozen": frozen, "freeze_count": gc.get_freeze_count(),
                  "cycle_collected": alive() is None}))
"""


def test_tune_collector_freezes_start_up_and_raises_the_full_collection_threshold() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _SNIPPET], capture_output=True, text=True, timeout=120, check=True
    )
    result = json.loads(out.stdout)
    # CPython's defaults (gc module documentation): (700, 10, 10)
    assert result["before"] == [700, 10, 10]
    assert result["after"] == result["thresholds"] == [700, 10, 1000]
    assert result["frozen"] == result["freeze_count"] > 1000  # the interpreter's own objects
    assert result["cycle_collected"]
