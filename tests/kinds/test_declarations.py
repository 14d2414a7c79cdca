"""The registry refuses a kind whose declaration disagrees with itself or with the API docs.

Each kind's fields are declared once, on its model (``Api`` annotations) or in a hook; the
check runs when ``ambraconf.kinds`` is imported. These tests break every field of every
kind, one at a time, on either side, and expect the check to name it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

import pytest
from pydantic import Field, create_model

from ambraconf.kinds import ACCOUNT, KINDS, KindSpec
from ambraconf.kinds.apimap import Hook
from ambraconf.kinds.declarations import check_registry, kind_problems, registry_problems
from ambraconf.kinds.wiring import Api, DeclarationError

ALL = (ACCOUNT, *KINDS)
WIRED = [(spec, f.name) for spec in ALL for f in spec.api.fields]
HOOKED = [
    (spec, index, field)
    for spec in ALL
    for index, hook in enumerate(spec.api.hooks)
    for field in hook.fields
]


def redeclare(
    spec: KindSpec, field: str, api: Api | None = None, *, optional: bool = False
) -> KindSpec:
    """``spec`` with ``field`` re-declared on a subclass of its model: without its ``Api``
    annotation, or with ``api`` instead; ``optional`` lets it be left out. ``field`` is the
    YAML key, which may be an alias (an account user's ``global``, a Python keyword)."""
    attribute, info = next(
        (n, i) for n, i in spec.model.model_fields.items() if (i.alias or n) == field
    )
    annotation: Any = info.annotation | None if optional else info.annotation
    if api is not None:
        annotation = Annotated[annotation, api]
    default = Field(None if optional or not info.is_required() else ..., alias=info.alias)
    model = create_model(
        spec.model.__name__, __base__=spec.model, **{attribute: (annotation, default)}
    )
    return replace(spec, model=model)


def test_the_registered_kinds_agree_with_the_documentation() -> None:
    assert registry_problems(ALL) == []


@pytest.mark.parametrize(("spec", "field"), WIRED, ids=[f"{s.name}.{f}" for s, f in WIRED])
def test_a_field_without_its_api_mapping_is_refused(spec: KindSpec, field: str) -> None:
    broken = redeclare(spec, field)
    assert field not in {f.name for f in broken.api.fields}
    assert f"field {field!r} has no API mapping" in "\n".join(kind_problems(broken))


@pytest.mark.parametrize(
    ("spec", "index", "field"), HOOKED, ids=[f"{s.name}.{f}" for s, _, f in HOOKED]
)
def test_a_field_its_hook_forgets_is_refused(spec: KindSpec, index: int, field: str) -> None:
    hooks = list(spec.api.hooks)
    hooks[index] = replace(hooks[index], fields=tuple(f for f in hooks[index].fields if f != field))
    broken = replace(spec, api=replace(spec.api, hooks=tuple(hooks)))
    assert f"field {field!r} has no API mapping" in "\n".join(kind_problems(broken))


@pytest.mark.parametrize("spec", ALL, ids=[s.name for s in ALL])
def test_a_hook_naming_a_field_the_model_lacks_is_refused(spec: KindSpec) -> None:
    hooks = (*spec.api.hooks, Hook(("no_such_field",)))
    broken = replace(spec, api=replace(spec.api, hooks=hooks))
    assert "names field 'no_such_field', which the model does not have" in "\n".join(
        kind_problems(broken)
    )


def test_a_parameter_the_endpoint_does_not_take_is_refused() -> None:
    role = next(k for k in KINDS if k.name == "role")
    broken = redeclare(role, "for_group", Api("for_groups"))
    problems = "\n".join(kind_problems(broken))
    assert "/role/add takes no parameter 'for_groups'" in problems
    assert "/role/set takes no parameter 'for_groups'" in problems


def test_a_set_only_field_the_add_does_take_is_fine_but_one_the_set_lacks_is_not() -> None:
    customfield = next(k for k in KINDS if k.name == "customfield")
    # object is add-only: declared as settable, /customfield/set (which lacks it) is named
    broken = redeclare(customfield, "object", Api())
    assert "/customfield/set takes no parameter 'object'" in "\n".join(kind_problems(broken))


def test_an_undocumented_endpoint_is_refused() -> None:
    role = next(k for k in KINDS if k.name == "role")
    broken = replace(role, api=replace(role.api, delete_path="/role/remove"))
    assert kind_problems(broken) == ["endpoint /role/remove is not in the API documentation"]


def test_a_lock_must_bring_its_holders_back_one_way() -> None:
    code = next(k for k in KINDS if k.name == "customcode")
    [lock] = code.api.locks
    both = replace(code, api=replace(code.api, locks=(replace(lock, restore=lambda h, u: h),)))
    assert kind_problems(both) == [
        "a lock brings its holders back by restore or by managed fields: give one"
    ]
    unwritten = replace(code, api=replace(code.api, locks=(replace(lock, managed=("code",)),)))
    assert kind_problems(unwritten) == [
        "lock: managed field 'code' is written by no hook's after_write, so nothing restores it"
    ]


def test_a_kind_never_created_or_deleted_cannot_have_add_only_fields() -> None:
    node = next(k for k in KINDS if k.name == "node")
    broken = redeclare(node, "facility_name", Api(add_only=True), optional=True)
    assert kind_problems(broken) == [
        "add-only fields facility_name: a change to one is a replace, but the kind has no add "
        "or no delete (ambraconf never makes or removes one)"
    ]


def test_a_required_add_parameter_never_sent_is_refused() -> None:
    template = next(k for k in KINDS if k.name == "hl7_template")
    broken = replace(template, api=replace(template.api, scope_param=None))
    assert "/hl7/template/add requires account_id, but nothing sends it" in kind_problems(broken)
    optional_name = redeclare(template, "name", Api(), optional=True)
    assert "/hl7/template/add requires name, but the model lets name be left out" in (
        kind_problems(optional_name)
    )


def test_two_kinds_with_one_name_or_key_are_refused_at_import() -> None:
    role = next(k for k in KINDS if k.name == "role")
    with pytest.raises(DeclarationError, match="two kinds have the name 'role'"):
        check_registry((*ALL, role))
    with pytest.raises(DeclarationError, match="two kinds have the key 'roles'"):
        check_registry((*ALL, replace(role, name="role2")))


def test_exact_is_declared_on_both_the_model_and_the_kind() -> None:
    role = next(k for k in KINDS if k.name == "role")
    assert "exact: ExactHash declared" not in "\n".join(kind_problems(role))
    broken = replace(role, exact={})
    assert "exact: the model takes it (ExactObject) but the kind declares no ExactHash" in (
        kind_problems(broken)
    )
    stray = replace(role, exact={**role.exact, "settings.x": role.exact["permissions"]})
    assert "exact names 'settings.x', which is not one of its merged_hashes" in kind_problems(stray)


DANGEROUS = [spec for spec in ALL if spec.dangers]


@pytest.mark.parametrize("spec", DANGEROUS, ids=lambda s: s.name)
def test_a_danger_must_name_a_field_of_the_kind_and_a_known_class(spec: KindSpec) -> None:
    from ambraconf.kinds.danger import Danger

    broken = replace(
        spec,
        dangers=(
            *spec.dangers,
            Danger("phi-sharing", "x", fields={"no_such_field.key": "on"}),
            Danger("fun", "y", ops=frozenset({"create"})),
        ),
    )
    problems = kind_problems(broken)
    assert "danger names field 'no_such_field', which the model does not have" in problems
    assert any(p.startswith("danger 'fun' is not a class of dangerous change") for p in problems)


PREVIEWED = [spec for spec in ALL if spec.preview is not None]


@pytest.mark.parametrize("spec", PREVIEWED, ids=[s.name for s in PREVIEWED])
def test_a_preview_must_call_a_documented_endpoint_with_its_parameters(spec: KindSpec) -> None:
    assert spec.preview is not None
    elsewhere = replace(spec, preview=replace(spec.preview, path="/purge/preview"))
    assert "preview endpoint /purge/preview is not in the API documentation" in kind_problems(
        elsewhere
    )
    misnamed = replace(spec, preview=replace(spec.preview, params={"dry": "1"}))
    assert f"preview: {spec.preview.path} takes no parameter 'dry'" in kind_problems(misnamed)


def test_only_a_field_the_set_takes_may_be_deferred() -> None:
    companion = next(r for r in ACCOUNT.references if r.path[0] == "namespace_settings")
    broken = replace(ACCOUNT, references=(replace(companion, deferrable=True),))
    assert kind_problems(broken) == [
        f"reference {companion.describe!r} is deferrable, but its field 'namespace_settings' "
        "is not one the set endpoint takes, so no later set could send it"
    ]
    deferred = {r.path[0] for r in ACCOUNT.references if r.deferrable}
    assert deferred == {"role", "customfields", "settings"}


def test_share_code_paths_must_name_model_fields() -> None:
    group = next(k for k in KINDS if k.name == "group")
    assert kind_problems(replace(group, share_codes=(("share_cod",),))) == [
        "share_codes names field 'share_cod', which the model does not have"
    ]
