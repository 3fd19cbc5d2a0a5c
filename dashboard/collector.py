"""CPython's garbage collector set for a served dashboard: start-up objects frozen, full
collections rare.

A page is some 35,000 container objects (Bokeh models and their property values, Panel and
param objects), and the imported libraries with the pre-warmed caches some 260,000 more. With
CPython's default thresholds (700, 10, 10), building 20 pages in a row as 20 people open the page
together ran five full collections, each walking every object of the start-up and of every page
open so far: 1.5 s of 15 s of CPU, a tenth of each page's cost (``benchmarks/profile_page.py``
and the load benchmark measure it). :func:`tune_collector`, called by ``cevns serve`` once the
page is pre-warmed and before ``--num-procs`` forks,

* freezes the objects alive at that point (``gc.freeze``): no collection looks at them again,
  and, as the Python documentation advises before a fork, the collector no longer writes to
  them, so the forked workers keep sharing their memory pages with the parent;
* raises the third threshold (:data:`THRESHOLDS`) so that a full collection waits for 1000
  collections of the middle generation instead of 10: the young generations are still collected
  as often as before, and the collection run once no session is left
  (:class:`dashboard.memory.ReleaseWhenIdle`) frees what the ended sessions left in cycles.
"""

from __future__ import annotations

import gc

__all__ = ["THRESHOLDS", "tune_collector"]

#: ``gc.set_threshold`` values: CPython's first two, a full collection 100 times rarer.
THRESHOLDS = (700, 10, 1000)


def tune_collector(thresholds: tuple[int, int, int] = THRESHOLDS) -> int:
    """Collect, freeze what is alive and set ``thresholds``; the number of objects frozen."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*thresholds)
    return gc.get_freeze_count()
