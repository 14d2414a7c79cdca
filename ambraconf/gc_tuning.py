"""Keeping CPython's cyclic garbage collector out of the way of bulk work.

Loading a large configuration or reading a large live state builds hundreds of thousands
of long-lived containers at once (source marks, located mappings, models, live objects):
some 500,000 for a 10,000-object account. With the default young-generation threshold
(700 allocations) the collector runs thousands of times meanwhile and, in its full
collections, walks the whole growing heap again and again, only to find nothing to free:
a third of the client CPU time of a 10,000-object plan (issue 8, see benchmarks/).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

BULK_THRESHOLD = 100_000
"""Young-generation threshold while bulk work runs: collections stay cheap (a young
collection visits at most this many objects) and full ones become rare."""


@contextmanager
def bulk_allocations() -> Iterator[None]:
    """Raise the collector's young-generation threshold for the duration of the block.

    The collector stays enabled (garbage cycles are still freed, later and in larger
    batches) and the thresholds are restored on exit. Nested uses, and a process that
    already raised the threshold or turned automatic collection off, are left alone.
    """
    young, *older = gc.get_threshold()
    if young == 0 or young >= BULK_THRESHOLD:
        yield
        return
    gc.set_threshold(BULK_THRESHOLD, *older)
    try:
        yield
    finally:
        gc.set_threshold(young, *older)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Automatic collection off for the duration of the block; on exit, everything alive
    is frozen (``gc.freeze``) and the collector turned back on.

    For bulk work that makes long-lived data and next to no garbage cycles: validating a
    config, and reading live state and planning on it (a full collection right after a
    plan of 10,000 objects, or of 50 accounts, finds 5 unreachable objects). Validating the
    500-account benchmark config spent 2.2 s of its 7.9 s CPU in collections that found
    nothing; paused and then frozen, the config is never walked again, by the plan's
    collections either. Raising the threshold (``bulk_allocations``)
    still let the middle generation run once such a plan had made a million containers,
    visiting every one of them: a quarter of the plan's CPU time, for nothing. Merely
    turning the collector back on would run that same collection at the next allocation;
    frozen, the plan and the live state it was made from are never walked again. They are
    still freed when the last reference to them goes, as everything is; only a garbage
    cycle among them would be kept, and a plan makes next to none. A collector that is off
    already is left off, and nothing is frozen then.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
