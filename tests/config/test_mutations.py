"""Mutated example configurations never make validation raise: whatever a user's editor
leaves in a file (a scalar replaced by odd text, a number or a tag, a key deleted or written
twice, deep nesting, aliases) comes back as diagnostics, never an exception (which the CLI
would print as "Internal error")."""

from __future__ import annotations

import copy
import shutil
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ambraconf.config.validate import validate_path
from ambraconf.reports.registry import render

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = {
    "northshore": ROOT / "examples" / "northshore",
    "clinic": ROOT / "tests" / "e2e" / "clinic",
}
ENV = {"NORTHSHORE_REPORTING_TOKEN": "secret"}
TAGS = ("!!int", "!!float", "!!bool", "!!null", "!!str", "!!map", "!!seq", "!!binary")
TAGS += ("!!timestamp", "!!set", "!!omap", "!foo", "!", "!!python/object:os.system")

words = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=20)
numbers = st.one_of(
    st.integers(), st.floats(allow_nan=True), st.integers(1, 6000).map(lambda n: "9" * n)
)
plain = st.one_of(words, numbers, st.booleans(), st.none())
# raw YAML written in place of a value: tagged text, flow collections, anchors and aliases
raw = st.one_of(
    st.builds(
        "{} {}".format,
        st.sampled_from(TAGS),
        st.one_of(
            st.sampled_from(["abc", "1", "1.5", "0x1F", "yes", "~", "2024-01-31", "[a]", "{a: 1}"]),
            st.integers().map(str),
        ),
    ),
    st.sampled_from(["&a {study_view: true}", "&a [x, y]", "&a Radiologist", "*a", "<<: *a"]),
    st.sampled_from(["*nowhere", "'unterminated", "{a: [1, 2}", "{a: 1, a: 2}"]),
)


@dataclass(frozen=True)
class Mutation:
    """One change: ``what`` to do at the ``where``-th place of the document."""

    what: str
    where: int
    payload: Any = None


mutations = st.one_of(
    st.builds(Mutation, st.just("replace"), st.integers(0), plain),
    st.builds(Mutation, st.just("raw"), st.integers(0), raw),
    st.builds(Mutation, st.just("delete"), st.integers(0)),
    st.builds(Mutation, st.just("nest"), st.integers(0), st.integers(1, 100)),
    st.builds(Mutation, st.just("duplicate line"), st.integers(0)),
    st.builds(Mutation, st.just("delete line"), st.integers(0)),
)


def _places(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value below ``data`` (the root excluded)."""
    children: list[tuple[Any, Any]] = []
    if isinstance(data, dict):
        children = list(data.items())
    elif isinstance(data, list):
        children = list(enumerate(data))
    out = []
    for key, value in children:
        out.append((*path, key))
        out.extend(_places(value, (*path, key)))
    return out


def _mutate(data: Any, change: Mutation, raws: list[str]) -> Any:
    places = _places(data)
    if not places:
        return data
    *parent_path, last = places[change.where % len(places)]
    parent = data
    for part in parent_path:
        parent = parent[part]
    if change.what == "delete":
        del parent[last]
    elif change.what == "nest":
        value: Any = parent[last]
        for depth in range(change.payload):
            value = [value] if depth % 2 else {"a": value}
        parent[last] = value
    elif change.what == "raw":
        raws.append(change.payload)
        parent[last] = f"__raw{len(raws) - 1}__"  # put in as text after dumping
    else:
        parent[last] = change.payload
    return data


def _write(data: Any, changes: list[Mutation], file: Path) -> None:
    raws: list[str] = []
    for change in changes:
        if not change.what.endswith("line"):
            data = _mutate(data, change, raws)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    for index, snippet in enumerate(raws):
        text = text.replace(f"__raw{index}__", snippet)
    lines = text.splitlines(keepends=True)
    for change in changes:
        if change.what.endswith("line") and lines:
            at = change.where % len(lines)
            lines[at : at + 1] = [lines[at]] * (2 if change.what == "duplicate line" else 0)
    file.write_text("".join(lines), encoding="utf-8")


def _files(example: Path) -> list[Path]:
    return sorted(p.relative_to(example) for p in example.rglob("*.yaml"))


@pytest.mark.parametrize("name", sorted(EXAMPLES))
@settings(
    max_examples=50,
    deadline=timedelta(seconds=10),  # a guard against hangs, not a speed test
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(choice=st.integers(0), changes=st.lists(mutations, min_size=1, max_size=4))
def test_a_mutated_example_is_diagnosed_never_raised(
    name: str, choice: int, changes: list[Mutation]
) -> None:
    example = EXAMPLES[name]
    files = _files(example)
    target = files[choice % len(files)]
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / name
        for file in files:
            (config / file).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(example / file, config / file)
        original = yaml.safe_load((example / target).read_text(encoding="utf-8"))
        _write(copy.deepcopy(original), changes, config / target)
        result = validate_path(config, env=ENV)
    for fmt in ("text", "json"):  # what the CLI prints of it renders too
        assert render(result, fmt).parts
    for diagnostic in result.diagnostics:
        text = str(diagnostic)
        assert "Internal error" not in text and "Traceback" not in text, text
        if diagnostic.severity == "error" and diagnostic.file is not None:
            assert diagnostic.line is not None, text  # a place in the file, not only its name


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_examples_are_valid_unmutated(name: str) -> None:
    """The property above starts from valid configs, so its errors come from the mutations."""
    assert validate_path(EXAMPLES[name], env=ENV).ok
