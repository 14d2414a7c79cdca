"""The kind registry: each kind declared once, so adding one cannot shadow another."""

from __future__ import annotations

from collections import Counter

from ambraconf.sandbox import crud, session
from ambraconf.sandbox.registry import ENDPOINTS, KINDS


def test_kind_names_and_seed_keys_are_unique() -> None:
    names = Counter(kind.name for kind in KINDS)
    keys = Counter(kind.seed.key for kind in KINDS if kind.seed is not None)
    assert [name for name, n in names.items() if n > 1] == []
    assert [key for key, n in keys.items() if n > 1] == []


def test_no_endpoint_is_served_twice() -> None:
    paths = Counter(list(session.ENDPOINTS))
    for kind in KINDS:
        paths.update(list(crud.endpoints(kind)))
    assert [path for path, n in paths.items() if n > 1] == []
    assert set(paths) == set(ENDPOINTS)
