"""The registry's import-time check: every kind agrees with itself and with the API docs.

A field the model has but nothing sends, a hook naming a field the model lacks, an
endpoint or parameter the documentation does not have, a required add parameter never
sent: each of these once passed validate and made a plan show ``~ update`` forever. They
are refused here, when the package is imported, with every problem listed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ambraconf.facts import ENDPOINTS, EndpointFact, parameter_matches
from ambraconf.kinds.apimap import ApiMap
from ambraconf.kinds.base import META_FIELDS
from ambraconf.kinds.danger import CHANGES
from ambraconf.kinds.spec import KindSpec
from ambraconf.kinds.wiring import DeclarationError


def check_registry(kinds: Sequence[KindSpec]) -> None:
    """Raise ``DeclarationError`` listing every problem of ``kinds``; nothing if none."""
    problems = registry_problems(kinds)
    if problems:
        raise DeclarationError("kind declarations disagree:\n  " + "\n  ".join(problems))


def registry_problems(
    kinds: Sequence[KindSpec], endpoints: Mapping[str, EndpointFact] = ENDPOINTS
) -> list[str]:
    problems = [*_duplicates(kinds, "name"), *_duplicates(kinds, "key")]
    registered = {spec.name for spec in kinds}
    problems += [
        f"{spec.name}: a reference names kind {ref.target!r}, which is not registered"
        for spec in kinds
        for ref in spec.references
        if ref.target not in registered
    ]
    for spec in kinds:
        problems.extend(f"{spec.name}: {p}" for p in kind_problems(spec, endpoints))
    return problems


def _duplicates(kinds: Sequence[KindSpec], attribute: str) -> list[str]:
    seen: set[str] = set()
    repeated = []
    for spec in kinds:
        value = getattr(spec, attribute)
        if value in seen:
            repeated.append(f"two kinds have the {attribute} {value!r}")
        seen.add(value)
    return repeated


def kind_problems(spec: KindSpec, endpoints: Mapping[str, EndpointFact] = ENDPOINTS) -> list[str]:
    """What is wrong with one kind's declaration (empty: nothing)."""
    api = spec.api
    model_fields = {info.alias or name for name, info in spec.model.model_fields.items()}
    own = model_fields - META_FIELDS
    wired = {f.name for f in api.fields}
    problems = [
        f"field {f!r} has no API mapping: annotate it with Api(...) or list it in a Hook"
        for f in sorted(own - wired - api.hooked)
    ]
    problems += [
        f"field {f!r} is both wired (Api) and handled by a hook" for f in sorted(wired & api.hooked)
    ]
    named = {
        "hook or companion": api.hooked | {c.field for c in api.companions},
        "identity": set(spec.identity),
        "unique": set(spec.unique),
        "merged_hashes": {h.split(".")[0] for h in api.merged_hashes},
        "unordered_lists": set(api.unordered_lists),
        "partial_items": set(api.partial_items),
        "keyed_lists": set(api.keyed_lists),
        "reference": {r.path[0] for r in spec.references},
        "danger": {path.split(".")[0] for d in spec.dangers for path in d.fields},
        "locks": {f for lock in api.locks for f in (*(lock.fields or ()), *lock.managed)},
        "share_codes": {p[0] for p in (*spec.share_codes, *spec.share_code_refs)},
    }
    for what, fields in named.items():
        problems += [
            f"{what} names field {f!r}, which the model does not have"
            for f in sorted(fields - model_fields)
        ]
    exact_model = "exact" in spec.model.model_fields
    if bool(spec.exact) != exact_model:
        problems.append(
            "exact: the model takes it (ExactObject) but the kind declares no ExactHash"
            if exact_model
            else "exact: ExactHash declared, but the model does not take exact (ExactObject)"
        )
    problems += [
        f"exact names {path!r}, which is not one of its merged_hashes"
        for path in sorted(set(spec.exact) - api.merged_hashes)
    ]
    if api.add_only and not (api.add_path and api.delete_path):
        problems.append(
            f"add-only fields {', '.join(sorted(api.add_only))}: a change to one is a replace, "
            "but the kind has no add or no delete (ambraconf never makes or removes one)"
        )
    problems += [
        f"danger {d.change!r} is not a class of dangerous change ({', '.join(CHANGES)})"
        for d in spec.dangers
        if d.change not in CHANGES
    ]
    encoded = {f for hook in api.hooks if hook.encode for f in hook.fields}
    problems += [
        f"reference {r.describe!r} is deferrable, but its field {r.path[0]!r} is not one "
        "the set endpoint takes, so no later set could send it"
        for r in spec.references
        if r.deferrable and (not api.set_path or r.path[0] not in (wired - api.hooked) | encoded)
    ]
    problems += _lock_problems(api)
    problems += _endpoint_problems(api, endpoints)
    problems += _required_problems(spec, endpoints)
    problems += _preview_problems(spec, endpoints)
    return problems


def _lock_problems(api: ApiMap) -> list[str]:
    """A lock's holders come back one way: its ``restore``, or the hook whose
    ``after_write`` writes its ``managed`` fields (else they would stay released)."""
    written = {f for hook in api.hooks if hook.after_write for f in hook.fields}
    problems = []
    for lock in api.locks:
        if (lock.restore is None) == (not lock.managed):
            problems.append(
                "a lock brings its holders back by restore or by managed fields: give one"
            )
        problems += [
            f"lock: managed field {f!r} is written by no hook's after_write, so nothing restores it"
            for f in lock.managed
            if f not in written
        ]
    return problems


def _preview_problems(spec: KindSpec, endpoints: Mapping[str, EndpointFact]) -> list[str]:
    """A preview calls a documented endpoint with parameters it takes."""
    preview = spec.preview
    if preview is None:
        return []
    fact = endpoints.get(preview.path)
    if fact is None:
        return [f"preview endpoint {preview.path} is not in the API documentation"]
    return [
        f"preview: {preview.path} takes no parameter {param!r}"
        for param in (preview.param, *preview.params)
        if not fact.takes(param)
    ]


def _paths(api: ApiMap) -> list[str]:
    paths = [api.list_path, api.add_path, api.set_path, api.delete_path]
    paths += [p for c in api.companions for p in (c.path, *c.paths)]
    paths += [p for hook in api.hooks for p in hook.paths]
    paths += [p for lock in api.locks for p in lock.paths]
    return [p for p in paths if p]


def _endpoint_problems(api: ApiMap, endpoints: Mapping[str, EndpointFact]) -> list[str]:
    problems = [
        f"endpoint {p} is not in the API documentation"
        for p in _paths(api)
        if p not in endpoints and p not in api.undocumented
    ]
    add, set_ = endpoints.get(api.add_path), endpoints.get(api.set_path)
    for field in api.fields:
        if add is not None and not field.set_only and not add.takes(field.api_name):
            problems.append(
                f"field {field.name!r}: {api.add_path} takes no parameter {field.api_name!r} "
                "(mark it set_only, or fix its API name)"
            )
        if (
            set_ is not None
            and not field.add_only
            and field.compare
            and not set_.takes(field.api_name)
        ):
            problems.append(
                f"field {field.name!r}: {api.set_path} takes no parameter {field.api_name!r} "
                "(mark it add_only, or fix its API name)"
            )
    sent_by_hooks = {p for hook in api.hooks for p in hook.params}
    writes = [e for e in (add, set_) if e is not None]
    problems += [
        f"a hook sends {param!r}, which neither {api.add_path} nor {api.set_path} takes"
        for param in sorted(sent_by_hooks)
        if writes and not any(e.takes(param) for e in writes)
    ]
    return problems


def _required_problems(spec: KindSpec, endpoints: Mapping[str, EndpointFact]) -> list[str]:
    """Every parameter the documented add requires is sent by a field the model requires,
    by a hook, or by the add's scope and defaults."""
    api = spec.api
    add = endpoints.get(api.add_path)
    if add is None:
        return []
    required_fields = {
        info.alias or name for name, info in spec.model.model_fields.items() if info.is_required()
    }
    always = {f.api_name for f in api.fields if not f.set_only and f.name in required_fields}
    always |= {p for hook in api.hooks for p in hook.params}
    always |= {f.api_name for f in api.fields if f.add_default is not None}
    if api.scope_param:
        always.add(api.scope_param)
    problems = []
    for group in add.required:
        if not any(parameter_matches(sent, name) for name in group for sent in always):
            sent_optional = sorted(
                f.name for f in api.fields if any(parameter_matches(f.api_name, n) for n in group)
            )
            why = (
                f"the model lets {', '.join(sent_optional)} be left out"
                if sent_optional
                else "nothing sends it"
            )
            problems.append(f"{api.add_path} requires {' or '.join(group)}, but {why}")
    return problems
