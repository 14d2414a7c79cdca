"""The compiled walker finds what each reference's own walk finds, in the same order.

Messages list dangling names in the order the references find them, and the planner
orders by them, so the trie (``kinds.refwalk``) must give exactly the per-reference walk
(``Reference.names_in``): same names, same paths, same order, for any values at all.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ambraconf.kinds import ACCOUNT, KINDS
from ambraconf.kinds.refwalk import FoundNames, Walker, walker
from ambraconf.kinds.spec import ANY, KEYS, Reference

SPECS = (ACCOUNT, *KINDS)
FIELDS = sorted({p for s in SPECS for r in s.references for p in r.path if isinstance(p, str)})
"""Every field a reference's path names, so random values reach deep into the paths."""

TEXTS = st.sampled_from(
    [
        "",
        "Referral",
        "customfield:Referral",
        "study.customfield:Priority",
        "{$customfield_h{'Priority'}} and {$customfield_h{'Site'}}",
        "customfield:",
    ]
)
LEAVES = st.one_of(st.none(), TEXTS, st.integers(-2, 3), st.booleans())
KEYS_OF = st.one_of(st.sampled_from([*FIELDS, "other"]), TEXTS)
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(KEYS_OF, inner, max_size=6),
    ),
    max_leaves=40,
)


def shaped(paths: list[tuple[Any, ...]]) -> st.SearchStrategy[Any]:
    """Values along ``paths`` (the rest of some references' paths), often set, sometimes
    not, sometimes of another shape: so that most examples name something."""
    if not any(paths):
        return st.one_of(TEXTS, LEAVES, VALUES)
    steps: dict[Any, list[tuple[Any, ...]]] = {}
    for path in paths:
        if path:
            steps.setdefault(path[0], []).append(path[1:])
    fields = {step: shaped(rest) for step, rest in steps.items() if isinstance(step, str)}
    fields.pop(ANY, None)
    fields.pop(KEYS, None)
    options = []
    if fields:
        options.append(some_of(fields))
    if ANY in steps:
        options.append(st.lists(shaped(steps[ANY]), min_size=1, max_size=3))
        options.append(st.dictionaries(TEXTS, shaped(steps[ANY]), min_size=1, max_size=3))
    if KEYS in steps:
        options.append(st.dictionaries(TEXTS, VALUES, min_size=1, max_size=3))
    indexes = [s for s in steps if isinstance(s, int)]
    if indexes:
        item = shaped([rest for s in indexes for rest in steps[s]])
        options.append(st.lists(item, max_size=max(indexes) + 2))
    return st.one_of(*options, *options, LEAVES)  # mostly the shape the paths walk


def some_of(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """A mapping with one of ``fields`` at least, maybe others."""

    def with_one(field: str) -> st.SearchStrategy[Any]:
        others = {f: value for f, value in fields.items() if f != field}
        return st.fixed_dictionaries({field: fields[field]}, optional=others)

    return st.sampled_from(sorted(fields)).flatmap(with_one)


def objects_of(spec: Any) -> st.SearchStrategy[Any]:
    """An object along its kind's reference paths, or any mapping."""
    return st.one_of(
        shaped([tuple(r.path) for r in spec.references]),
        st.dictionaries(st.sampled_from([*FIELDS, "name"]), VALUES, max_size=8),
    )


OBJECTS = st.sampled_from([s for s in SPECS if s.references]).flatmap(
    lambda spec: st.tuples(st.just(spec), objects_of(spec))
)


def one_by_one(references: tuple[Reference, ...], values: Any) -> list[Any]:
    return [(r, path, name) for r in references for path, name in r.names_in(values)]


@settings(max_examples=1000, deadline=None)
@given(example=OBJECTS)
def test_every_spec_finds_what_its_references_find(example: tuple[Any, Any]) -> None:
    spec, values = example
    assert walker(spec).found(values) == one_by_one(spec.references, values)


STEPS = st.one_of(st.sampled_from(["a", "b", ANY, KEYS]), st.integers(0, 2))
PATHS = st.lists(STEPS, max_size=4).map(tuple)
REFERENCES = st.lists(
    st.builds(
        Reference,
        path=PATHS,
        target=st.just("customfield"),
        pattern=st.sampled_from([None, "customfield:(.+)", "([a-z])"]),
        many=st.booleans(),
    ),
    max_size=6,
).map(tuple)
SMALL = st.recursive(
    st.one_of(st.none(), st.sampled_from(["x", "customfield:y", "ab"]), st.integers(0, 2)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["a", "b", "c", 0]), inner, max_size=3),
    ),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None)
@given(references=REFERENCES, values=SMALL)
def test_any_references_find_what_their_walks_find(
    references: tuple[Reference, ...], values: Any
) -> None:
    """Paths the registry does not have yet too: ``*`` first, ``<keys>`` mid-path, list
    indexes past the end or negative, the same path twice, a value that is no mapping."""
    assert Walker(references).found(values) == one_by_one(references, values)


def test_found_names_walk_each_values_object_once() -> None:
    """Accounts sharing a values object share what was found in it."""
    route = next(s for s in KINDS if s.name == "route")
    values = {"group": "ED", "actions": [{"destination": "PACS"}]}
    found = FoundNames()
    first = found.of(route, values)
    assert found.of(route, values) is first
    assert [(r.target, path, name) for r, path, name in first] == [
        ("group", ("group",), "ED"),
        ("destination", ("actions", 0, "destination"), "PACS"),
    ]
    assert found.of(route, dict(values)) is not first
