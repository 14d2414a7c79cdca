"""The loader's and interpolation's fast paths give what the plain paths give.

``literal`` containers (no ``$`` below, as the loader saw them) are not walked by
interpolation; containers are copied whole (``replacing``, ``put_all``) rather than put
key by key. Each is checked here against the plain way, values and marks alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ambraconf.config.diagnostics import Diagnostics
from ambraconf.config.interpolate import EnvStr, Interpolator, Variable
from ambraconf.config.loader import _resolve_plain, load_file
from ambraconf.config.positions import LocatedDict, LocatedList, Mark
from ambraconf.config.sources import Sources
from ambraconf.config.templates import expression_paths, interpolated

MARK = Mark("f.yaml", 1, 1)
texts = st.sampled_from(
    ["plain", "a $ sign", "${var:x}", "${var:y}-tail", "$${var:x}", "${env:E}", "${var:nope}"]
)
scalars = st.one_of(st.integers(), st.booleans(), st.none(), texts)
keys = st.sampled_from(["name", "b", "c", "d$"])
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(keys, inner, min_size=1, max_size=4)
    ),
    max_leaves=20,
)


def load(tmp_path: Path, text: str) -> Any:
    file = tmp_path / "doc.yaml"
    file.write_text(text)
    diagnostics = Diagnostics()
    (document,) = load_file(file, "doc.yaml", diagnostics, Sources())
    assert not diagnostics.errors
    return document.data


def holds_dollar(value: Any) -> bool:
    if isinstance(value, str):
        return "$" in value
    if isinstance(value, dict):
        return any(holds_dollar(v) for v in value.values())
    if isinstance(value, list):
        return any(holds_dollar(v) for v in value)
    return False


def containers(value: Any) -> list[Any]:
    found = [value] if isinstance(value, (LocatedDict, LocatedList)) else []
    children = value.values() if isinstance(value, dict) else value
    if not isinstance(value, (dict, list)):
        children = []
    for child in children:
        found.extend(containers(child))
    return found


def located(value: Any) -> Any:
    """Every value with its type and every mark, to compare two trees exactly."""
    if isinstance(value, LocatedDict):
        return (
            "map",
            value.mark,
            [(k, value.key_mark(k), value.value_mark(k), located(v)) for k, v in value.items()],
        )
    if isinstance(value, LocatedList):
        return ("seq", value.mark, [(value.item_mark(i), located(v)) for i, v in enumerate(value)])
    return (type(value), value)


def not_literal(value: Any) -> Any:
    """``value`` with every container's ``literal`` cleared: the plain, walking path."""
    for container in containers(value):
        container.literal = False
    return value


def interpolate(data: Any) -> tuple[Any, list[str]]:
    diagnostics = Diagnostics()
    variables = {"x": Variable("X", MARK), "y": Variable(3, MARK)}
    result = Interpolator(variables, {"E": "env"}, diagnostics).value(data, MARK)
    return result, [str(d) for d in diagnostics.sorted()]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents.filter(lambda d: isinstance(d, (dict, list))))
def test_a_loaded_container_is_literal_exactly_when_no_text_below_holds_a_dollar(
    tmp_path: Path, data: Any
) -> None:
    loaded = load(tmp_path, yaml.safe_dump(data))
    for container in containers(loaded):
        assert container.literal is not holds_dollar(container)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents.filter(lambda d: isinstance(d, (dict, list))))
def test_interpolating_literal_containers_gives_what_walking_them_gives(
    tmp_path: Path, data: Any
) -> None:
    text = yaml.safe_dump(data)
    fast, fast_problems = interpolate(load(tmp_path, text))
    plain, plain_problems = interpolate(not_literal(load(tmp_path, text)))
    assert located(fast) == located(plain)
    assert fast_problems == plain_problems


def test_aliases_and_merges_carry_a_dollar_into_their_container(tmp_path: Path) -> None:
    loaded = load(
        tmp_path,
        "base: &base {url: '${var:x}'}\n"
        "plain: &plain {url: none}\n"
        "merged: {<<: *base, name: a}\n"
        "aliased: [*base]\n"
        "quiet: {<<: *plain, list: [*plain]}\n",
    )
    assert not loaded.literal
    assert not loaded["merged"].literal and not loaded["aliased"].literal
    assert loaded["quiet"].literal and loaded["plain"].literal


def test_a_changed_container_is_no_longer_literal(tmp_path: Path) -> None:
    loaded = load(tmp_path, "a: {b: c}\nl: [1]\n")
    assert loaded["a"].literal and loaded["l"].literal
    loaded["a"].put("d", "${var:x}", MARK, MARK)
    loaded["l"].put("${var:x}", MARK)
    assert not loaded["a"].literal and not loaded["l"].literal
    assert not loaded["a"].replacing({}).literal and not loaded["l"].replacing({}).literal


def put_copy(mapping: LocatedDict, changes: dict[str, Any]) -> LocatedDict:
    out = LocatedDict(mapping.mark)
    for key, value, key_mark, value_mark in mapping.located_items():
        out.put(key, changes.get(key, value), key_mark, value_mark)
    return out


@given(st.data())
def test_replacing_is_a_copy_put_key_by_key(data: st.DataObject) -> None:
    mapping = LocatedDict(MARK)
    for index, key in enumerate(data.draw(st.lists(keys, unique=True, max_size=4))):
        mapping.put(key, index, Mark("k.yaml", index, 1), Mark("v.yaml", index, 2))
    changes = {k: "new" for k in data.draw(st.sets(st.sampled_from(sorted(mapping) or ["x"])))}
    changes = {k: v for k, v in changes.items() if k in mapping}
    copy = mapping.replacing(changes)
    assert located(copy) == located(put_copy(mapping, changes))
    assert list(copy) == list(mapping) and copy is not mapping


@given(st.lists(st.integers(), max_size=6), st.data())
def test_list_replacing_marks_and_put_all_match_put_item_by_item(
    items: list[int], data: st.DataObject
) -> None:
    sequence = LocatedList(MARK)
    for index, item in enumerate(items):
        sequence.put(item, Mark("f.yaml", index + 2, 3))
    indexes = data.draw(st.sets(st.integers(0, len(items) - 1))) if items else set()
    changes = {i: -1 for i in indexes}
    expected = LocatedList(MARK)
    for index, item in enumerate(sequence):
        expected.put(changes.get(index, item), sequence.item_mark(index))
    assert located(sequence.replacing(changes)) == located(expected)
    assert sequence.marks() == [sequence.item_mark(i) for i in range(len(sequence))]
    combined = LocatedList(MARK)
    combined.put_all(sequence, sequence.marks())
    assert located(combined) == located(sequence)


def test_a_lone_expression_is_resolved_to_the_value_or_its_environment_text() -> None:
    diagnostics = Diagnostics()
    variables = {"x": Variable("X", MARK), "s": Variable(EnvStr("secret"), MARK)}
    interpolator = Interpolator(variables, {"E": "env"}, diagnostics)
    assert type(interpolator.text("${var:x}", MARK)) is str
    assert type(interpolator.text("${var:s}", MARK)) is EnvStr
    assert type(interpolator.text(EnvStr("${var:x}"), MARK)) is EnvStr
    assert interpolator.text("${env:E}", MARK) == EnvStr("env")
    assert interpolator.text("${var:nope}", MARK) == "${var:nope}"
    assert [d.message for d in diagnostics.errors] == ["unknown variable 'nope'"]


@given(st.text(max_size=12) | st.sampled_from(["Route 0042", "yes", "~", "", "1e3", "<<", "0o7"]))
def test_a_plain_scalar_resolves_to_the_tag_the_resolver_gives(text: str) -> None:
    loader = yaml.CSafeLoader("")
    try:
        expected = loader.resolve(yaml.ScalarNode, text, (True, False))
        assert _resolve_plain(loader, text, (True, False)) == expected
    finally:
        loader.dispose()


def test_a_copy_shares_marks_until_either_side_is_put_into() -> None:
    mapping = LocatedDict(MARK)
    mapping.put("a", 1, Mark("f.yaml", 2, 1), Mark("f.yaml", 2, 4))
    copy = mapping.replacing({"a": 2})
    copy.put("b", 3, Mark("g.yaml", 1, 1), Mark("g.yaml", 1, 4))
    mapping.replacing({}).put("c", 4, MARK, MARK)
    assert list(mapping.key_marks) == list(mapping.value_marks) == ["a"]
    assert copy.value_mark("b") == Mark("g.yaml", 1, 4) and copy.value_mark("a") == Mark(
        "f.yaml", 2, 4
    )
    sequence = LocatedList(MARK)
    sequence.put(1, Mark("f.yaml", 3, 1))
    other = sequence.replacing({0: 5})
    sequence.put(2, Mark("f.yaml", 4, 1))
    other.put_all([6], [Mark("h.yaml", 1, 1)])
    assert sequence.marks() == [Mark("f.yaml", 3, 1), Mark("f.yaml", 4, 1)]
    assert other.marks() == [Mark("f.yaml", 3, 1), Mark("h.yaml", 1, 1)]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(keys, documents, min_size=1, max_size=4))
def test_a_template_copy_is_what_interpolating_it_whole_gives(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    template = load(tmp_path, yaml.safe_dump(data))
    variables = {"x": Variable("X", MARK), "y": Variable(3, MARK)}
    copies = []
    for whole in (False, True):
        diagnostics = Diagnostics()
        interpolator = Interpolator(variables, {"E": "env"}, diagnostics)
        at = ("routes", 0)
        copy = (
            interpolator.value(template, template.mark, at)
            if whole
            else interpolated(template, expression_paths(template), interpolator, at)
        )
        copies.append((located(copy), [str(d) for d in diagnostics.sorted()]))
    assert copies[0] == copies[1]
