"""Which differences a plan reports, and which it must not."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ambraconf.engine.diff import DIFF_LINES, DiffRules, diff_object, md5_hex
from ambraconf.engine.plan import FieldChange
from ambraconf.kinds.compare import same
from ambraconf.kinds.dictionary import ENTRIES
from ambraconf.kinds.members import MEMBER_LIST

ROLE = DiffRules(merged_hashes=frozenset({"permissions", "settings"}))
WEBHOOK = DiffRules(secret_fields=frozenset({"auth"}))


def test_fields_the_config_leaves_out_are_not_managed() -> None:
    live = {"name": "Radiologist", "description": "set by hand", "for_group": True}
    assert diff_object({"name": "Radiologist", "for_group": True}, live, ROLE) == []


def test_merged_hash_is_compared_key_by_key() -> None:
    desired = {"permissions": {"study_view": True, "study_delete": False}}
    live = {"permissions": {"study_view": 1, "study_delete": 1, "account_edit": 1}}
    changes = diff_object(desired, live, ROLE)
    assert [(c.path, c.before, c.after) for c in changes] == [
        ("permissions.study_delete", 1, False)
    ]


def test_flags_and_numbers_compare_by_meaning() -> None:
    assert diff_object({"suspended": False, "delay": 5}, {"suspended": 0, "delay": "5"}, ROLE) == []


def test_list_order_matters_unless_declared_unordered() -> None:
    desired = {"manual_roles": ["A", "B"]}
    live = {"manual_roles": ["B", "A"]}
    assert len(diff_object(desired, live, ROLE)) == 1
    unordered = DiffRules(unordered_lists=frozenset({"manual_roles"}))
    assert diff_object(desired, live, unordered) == []


def test_secret_compared_against_an_md5_digest_and_masked() -> None:
    desired = {"auth": {"sfdc": {"username": "svc", "password": "hunter2"}}}
    live_same = {"auth": {"sfdc": {"username": "svc", "password": md5_hex("hunter2")}}}
    assert diff_object(desired, live_same, WEBHOOK) == []
    live_other = {"auth": {"sfdc": {"username": "svc", "password": md5_hex("old")}}}
    [change] = diff_object(desired, live_other, WEBHOOK)
    assert change.secret
    shown = change.masked()
    assert "hunter2" not in repr(shown) and "hunter2" not in repr(shown.before)


def test_secret_the_api_does_not_report_is_not_a_perpetual_diff() -> None:
    assert diff_object({"auth": {"basic": {"password": "x"}}}, {}, WEBHOOK) == []


def test_json_text_setting_equals_the_mapping_a_config_writes() -> None:
    desired = {"settings": {"ui_json": {"always_show_advanced_search": True}}}
    live = {"settings": {"ui_json": '{"always_show_advanced_search": true}'}}
    assert diff_object(desired, live, ROLE) == []
    live_other = {"settings": {"ui_json": '{"always_show_advanced_search": false}'}}
    assert len(diff_object(desired, live_other, ROLE)) == 1


def test_mapping_against_text_that_is_not_json_is_a_change() -> None:
    desired = {"settings": {"ui_json": {"a": 1}}}
    assert len(diff_object(desired, {"settings": {"ui_json": "not json"}}, ROLE)) == 1
    assert len(diff_object(desired, {"settings": {"ui_json": ""}}, ROLE)) == 1


def test_custom_field_permissions_merge_like_the_hash_they_live_in() -> None:
    rules = DiffRules(
        merged_hashes=frozenset({"permissions", "permissions.study_field_customfields"})
    )
    desired = {"permissions": {"study_field_customfields": {"Priority": "R"}}}
    live = {"permissions": {"study_field_customfields": {"Priority": "R", "Old": "F"}}}
    assert diff_object(desired, live, rules) == []
    live["permissions"]["study_field_customfields"]["Priority"] = "O"
    [change] = diff_object(desired, live, rules)
    assert change.path == "permissions.study_field_customfields.Priority"


def test_a_keyed_list_change_carries_only_the_items_that_differ() -> None:
    rules = DiffRules(keyed_lists={"entries": ENTRIES})
    many = [{"lookup": [f"M{n}"], "replace": [str(n)]} for n in range(500)]
    entries = [*many, {"lookup": ["CT"], "replace": ["old"]}, {"lookup": ["US"]}]
    live = {"entries": entries, "attachments": []}
    # in another order, another case (not case sensitive), one changed, one new
    wanted = [{"lookup": ["ct"], "replace": ["new"]}, *reversed(many), {"lookup": ["XR"]}]
    [change] = diff_object({"entries": wanted, "attachments": []}, live, rules)
    assert change.before == [{"lookup": ["CT"], "replace": ["old"]}, {"lookup": ["US"]}]
    assert change.after == [{"lookup": ["XR"]}, {"lookup": ["ct"], "replace": ["new"]}]
    assert change.note == "1 added, 1 changed, 1 removed; 500 unchanged"
    # a dictionary that adds entries at runtime keeps those the files do not list
    growing = [{"add_if_no_match": True}]
    [change] = diff_object(
        {"entries": wanted, "attachments": growing}, {**live, "attachments": growing}, rules
    )
    assert change.note == "1 added, 1 changed; 500 unchanged"


def test_keys_no_read_returns_are_never_compared() -> None:
    rules = DiffRules(
        partial_items=frozenset({"attachments"}),
        unread_item_keys={"attachments": frozenset({"run_once"})},
    )
    live = {"attachments": [{"group": "Radiology", "sequence": 1}]}
    desired = {"attachments": [{"group": "Radiology", "sequence": 1, "run_once": True}]}
    assert diff_object(desired, live, rules) == []
    desired["attachments"][0]["sequence"] = 2
    assert len(diff_object(desired, live, rules)) == 1


MEMBERS = DiffRules(keyed_lists={"members": MEMBER_LIST})


def test_keyed_items_are_one_change_each_on_the_keys_the_config_sets() -> None:
    live = {
        "members": [
            {"email": "rad@x.example", "role": "User", "event_share": False, "event_node": True},
            {"email": "tech@x.example", "role": "User", "event_share": False},
            {"email": "hand@x.example", "role": "Admin", "event_share": True, "event_node": False},
        ]
    }
    desired = {
        "members": [
            {"email": "RAD@x.example", "role": "Radiologist"},
            {"email": "tech@x.example"},
            {"email": "new@x.example"},
        ]
    }
    changes = diff_object(desired, live, MEMBERS)
    assert [(c.path, c.before, c.after) for c in changes] == [
        (
            "members.RAD@x.example",
            {"email": "rad@x.example", "role": "User"},
            desired["members"][0],
        ),
        ("members.new@x.example", None, {"email": "new@x.example"}),
        (
            "members.hand@x.example",
            {"email": "hand@x.example", "role": "Admin", "event_share": True},
            None,
        ),
    ]
    assert diff_object({"members": live["members"]}, live, MEMBERS) == []


def test_a_long_text_shows_as_digests_and_a_diff_cut_short() -> None:
    rules = DiffRules(long_texts=frozenset({"code"}))
    before = "".join(f"x = {n}\n" for n in range(100))
    after = "".join(f"y = {n}\n" for n in range(100))
    assert diff_object({"code": before}, {"code": before}, rules) == []
    [change] = diff_object({"code": after}, {"code": before}, rules)
    assert change.before.startswith("sha256 ") and change.before.endswith(", 100 lines")
    lines = change.after.splitlines()
    assert lines[0].startswith("sha256 ") and lines[1:3] == ["--- live", "+++ files"]
    assert len(lines) == 1 + DIFF_LINES + 1
    assert lines[-1].endswith("more diff lines")


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 2) | st.sampled_from(["", "0", "1", "x", "[]"]),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.sampled_from("ab"), inner),
    max_leaves=4,
)
FIELDS = st.dictionaries(st.sampled_from(["name", "delay", "options", "permissions"]), JSONISH)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FIELDS, FIELDS, st.sampled_from([DiffRules(), WEBHOOK]))
def test_an_object_setting_no_field_with_a_rule_is_diffed_by_same(
    desired: dict, live: dict, rules: DiffRules
) -> None:
    """Objects whose fields have no rule of their own (most of them) take a shorter way
    through ``diff_object``: the changes are what ``same`` says, field by field."""
    plain = [
        FieldChange(name, live.get(name), want)
        for name, want in desired.items()
        if not same(want, live.get(name))
    ]
    assert diff_object(desired, live, rules) == plain
