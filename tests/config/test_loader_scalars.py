"""Scalars keep the type YAML gives them, however often the same text recurs: the loader
remembers how plain text resolves and reuses built numbers, which must never turn a
quoted '1' into a number or lose a value's position."""

from __future__ import annotations

from pathlib import Path

from ambraconf.config.diagnostics import Diagnostics
from ambraconf.config.loader import load_path

TEXT = """\
plain: [1, true, null, 1.5, 2024-01-31, yes, Route 1]
quoted: ['1', 'true', 'null', "1.5", '2024-01-31', "yes", 'Route 1']
again: {one: 1, text: '1', flag: true, word: 'true'}
"""


def test_plain_and_quoted_text_keep_their_types_across_files(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(TEXT, encoding="utf-8")
    diagnostics = Diagnostics()
    documents = load_path(tmp_path, diagnostics).documents
    assert not diagnostics.errors
    assert len(documents) == 2
    for document in documents:
        data = document.data
        assert data["plain"] == [1, True, None, 1.5, "2024-01-31", True, "Route 1"]
        assert [type(v) for v in data["plain"][:4]] == [int, bool, type(None), float]
        assert data["quoted"] == ["1", "true", "null", "1.5", "2024-01-31", "yes", "Route 1"]
        assert all(isinstance(v, str) for v in data["quoted"])
        assert data["again"] == {"one": 1, "text": "1", "flag": True, "word": "true"}
        again = data["again"]
        assert (again.value_mark("text").line, again.value_mark("text").column) == (3, 23)
        assert again.value_mark("text").path == ("again", "text")
        assert again.key_mark("text").path == ("again", "text")
        assert data["plain"].item_mark(6).path == ("plain", 6)
