"""Which changes are dangerous: each turn of a value read from the field changes, as plan
computes them, against the registered kinds' declarations."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from ambraconf.engine.danger import DangerousPlan, check_acknowledged, mark
from ambraconf.engine.plan import Action, FieldChange, Plan
from ambraconf.kinds import BY_NAME
from ambraconf.kinds.danger import Danger


def marked(op: str, kind: str, *changes: FieldChange, ok: dict | None = None) -> Action:
    action = Action(op, "North", kind, "Radiologist", "test", changes=list(changes))
    mark([action], BY_NAME, ok or {})
    return action


def classes(action: Action) -> list[tuple[str, list[str]]]:
    return [(h.change, h.paths) for h in action.hazards]


def test_a_permission_turned_on_in_a_live_role_widens_phi_sharing() -> None:
    action = marked("update", "role", FieldChange("permissions.study_share_email", False, True))
    assert classes(action) == [("phi-sharing", ["permissions.study_share_email"])]


def test_a_permission_turned_off_is_not_dangerous() -> None:
    assert not marked("update", "role", FieldChange("permissions.study_share", True, False)).hazards


def test_a_new_role_is_not_dangerous_for_what_it_starts_with() -> None:
    change = FieldChange("permissions", None, {"study_share": True, "study_delete": True})
    assert not marked("create", "role", change).hazards


def test_a_replace_is_read_value_by_value_like_an_update() -> None:
    change = FieldChange("permissions", {"study_delete": False}, {"study_delete": True})
    assert classes(marked("replace", "role", change)) == [
        ("study-deletion", ["permissions.study_delete"])
    ]


def test_anonymization_turned_off_in_a_namespace_is_dangerous() -> None:
    change = FieldChange("namespace_settings.anonymize_at_ingress", "1", "0")
    assert classes(marked("update", "group", change)) == [
        ("anonymization", ["namespace_settings.anonymize_at_ingress"])
    ]
    unset = FieldChange("namespace_settings.anonymize_at_ingress", None, "0")
    assert not marked("update", "group", unset).hazards  # nothing was on


def test_a_secret_change_is_never_read() -> None:
    change = FieldChange("permissions.study_share", False, True, secret=True)
    assert not marked("update", "role", change).hazards


def test_dangerous_ok_acknowledges_the_named_object_with_its_reason() -> None:
    change = FieldChange("permissions.study_push", False, True)
    action = marked("update", "role", change, ok={"roles": {"radiologist": "CHG-7"}})
    assert action.hazards[0].acknowledged == "CHG-7"  # names match without case
    other = marked("update", "role", change, ok={"roles": {"Referrer": "CHG-7"}})
    assert other.hazards[0].acknowledged is None


@pytest.mark.parametrize(
    ("turn", "before", "after", "dangerous"),
    [
        ("lower", 30, 7, True),
        ("lower", 7, 30, False),
        ("higher", 10, 100, True),
        ("higher", 100, None, True),  # a cap removed
        ("added", ["CT"], ["CT", "MR"], True),
        ("added", ["CT", "MR"], ["CT"], False),
        ("removed", ["CT", "MR"], ["CT"], True),
        ("any", "a", "b", True),
        ("changed", None, "s/.*/X/", False),  # set where nothing was
        ("changed", "s/.*/X/", None, True),  # removed
        ("changed", "s/.*/X/", "s/.*/Y/", True),
    ],
)
def test_each_turn(turn: str, before: Any, after: Any, dangerous: bool) -> None:
    spec = BY_NAME["role"]
    probe = Danger("study-deletion", "probe", fields={"description": turn})
    action = Action("update", "North", "role", "R", "test")
    action.changes = [FieldChange("description", before, after)]
    mark([action], {"role": replace(spec, dangers=(probe,))}, {})
    assert bool(action.hazards) is dangerous


def test_an_operation_declared_dangerous_is_so_whatever_it_carries() -> None:
    spec = replace(
        BY_NAME["role"], dangers=(Danger("custom-code", "new", ops=frozenset({"create"})),)
    )
    action = Action("create", "North", "role", "R", "test")
    mark([action], {"role": spec}, {})
    assert classes(action) == [("custom-code", [])]


def test_apply_refuses_what_no_one_acknowledged_and_lets_a_named_class_through() -> None:
    action = marked("update", "role", FieldChange("permissions.study_share", False, True))
    plan = Plan("https://ambra.example", [action], accounts=["North"])
    with pytest.raises(DangerousPlan) as refused:
        check_acknowledged(plan, ())
    assert "North/role/Radiologist: grants a permission that shares" in str(refused.value)
    assert "--allow-dangerous phi-sharing" in (refused.value.hint or "")
    check_acknowledged(plan, ("phi-sharing",))
    with pytest.raises(DangerousPlan):
        check_acknowledged(plan, ("custom-code",))
