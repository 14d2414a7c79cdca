"""'Did you mean' suggestions for misspelt keys, names and enumerated values."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# Suggestions one validation run computes afresh (repeats come from the cache for free).
# Each costs a difflib pass over every candidate, about a millisecond against the
# permissions table: a file of 50,000 distinct unknown keys would spend a minute on
# suggestions nobody reads (the CLI shows the first 200 errors).
SUGGESTIONS_PER_RUN = 1_000

_CACHE_MAX = 4096
_cache: dict[tuple[str, tuple[str, ...]], str | None] = {}
_budget: ContextVar[list[int] | None] = ContextVar("suggestion_budget", default=None)


@contextmanager
def suggestion_budget(limit: int | None = None) -> Iterator[None]:
    """Within this block at most ``limit`` (``SUGGESTIONS_PER_RUN``) new suggestions are
    worked out; past that a word gets none (its message is still given, without one)."""
    token = _budget.set([SUGGESTIONS_PER_RUN if limit is None else limit])
    try:
        yield
    finally:
        _budget.reset(token)


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate nearest to ``word``, compared case-insensitively, if any is close."""
    key = (word, tuple(candidates))
    if key in _cache:  # a big file repeats the same typo thousands of times
        return _cache[key]
    budget = _budget.get()
    if budget is not None:
        if budget[0] <= 0:
            return None
        budget[0] -= 1
    match = _closest(*key)
    if len(_cache) < _CACHE_MAX:
        _cache[key] = match
    return match


def _closest(word: str, candidates: tuple[str, ...]) -> str | None:
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(candidate.casefold(), candidate)
    matches = difflib.get_close_matches(word.casefold(), list(by_folded), n=1, cutoff=0.6)
    return by_folded[matches[0]] if matches else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` or the empty string, to append to a message."""
    match = closest(word, candidates)
    return f" (did you mean '{match}'?)" if match else ""
