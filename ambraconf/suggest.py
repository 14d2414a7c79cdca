"""'Did you mean' suggestions for misspelt keys, names and enumerated values."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from functools import lru_cache


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate nearest to ``word``, compared case-insensitively, if any is close."""
    return _closest(word, tuple(candidates))


@lru_cache(maxsize=4096)
def _closest(word: str, candidates: tuple[str, ...]) -> str | None:
    """Cached: a big file repeats the same typo thousands of times, and difflib is slow."""
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(candidate.casefold(), candidate)
    matches = difflib.get_close_matches(word.casefold(), list(by_folded), n=1, cutoff=0.6)
    return by_folded[matches[0]] if matches else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` or the empty string, to append to a message."""
    match = closest(word, candidates)
    return f" (did you mean '{match}'?)" if match else ""
