"""The garbage collector, set for a server: the start-up heap left alone, fewer young scans.

After start-up the heap holds the schema, the models, the routes and the pool: tens of
thousands of objects that live as long as the process. Left to itself, the collector
scans them again at every full collection, and a request allocates enough container
objects (rows, models, GraphQL results) to set off several young collections each.
Frozen (``gc.freeze``), they are out of its sight; with a larger first threshold it runs
once every few requests instead of several times in each. Reference counting frees
almost everything a request makes anyway: the collector is only there for cycles.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Allocations (less deallocations) before a young collection; then how many young
# collections before a middle one, and middle ones before a full one (CPython: 700, 10, 10).
SERVER_THRESHOLDS = (50_000, 20, 10)


_serving = 0  # apps inside settled_heap (tests run several in one process)
_before: tuple[int, ...] = ()  # the thresholds the first of them found


@contextmanager
def settled_heap() -> Iterator[None]:
    """While serving: what start-up built frozen, the server's thresholds; then as before.

    The first app to start sets them and the last to stop puts back what the first found,
    in whatever order several apps in one process start and stop.
    """
    global _serving, _before
    if not _serving:
        _before = gc.get_threshold()
        gc.collect()
        gc.freeze()
        gc.set_threshold(*SERVER_THRESHOLDS)
    _serving += 1
    try:
        yield
    finally:
        _serving -= 1
        if not _serving:
            gc.set_threshold(*_before)
            gc.unfreeze()
