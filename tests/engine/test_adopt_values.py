"""engine.adopt_values and adopt_edits.field_keys: which innermost values adopt writes."""

from __future__ import annotations

from ambraconf.engine.adopt_edits import field_keys
from ambraconf.engine.adopt_values import leaves


def test_only_the_innermost_differing_values_are_written():
    want = {"study_view": True, "study_field_customfields": {"Priority": "R", "Ward": "O"}}
    have = {"study_view": True, "study_field_customfields": {"Priority": "O", "Ward": "O"}}

    assert leaves(want, have) == [(("study_field_customfields", "Priority"), "O")]


def test_a_list_of_another_length_is_written_whole_and_one_of_the_same_item_by_item():
    assert leaves(["CT", "MR"], ["CT", "MR", "PT"]) == [((), ["CT", "MR", "PT"])]
    conditions = [{"lv": "modality", "rv": ["CT"]}, {"lv": "study_description", "rv": "X"}]
    live = [{"lv": "modality", "rv": ["CT"]}, {"lv": "study_description", "rv": "Y"}]
    assert leaves(conditions, live) == [((1, "rv"), "Y")]


def test_unordered_lists_pair_equal_items_first():
    assert leaves(["a", "b", "c"], ["c", "a", "b"], unordered=True) == []
    assert leaves(["a", "b"], ["b", "x"], unordered=True) == [((0,), "x")]


def test_partial_mappings_ignore_live_keys_the_files_leave_out():
    member = {"email": "a@x.org", "event_share": True}
    live = {"email": "a@x.org", "event_share": False, "event_upload": False, "role": None}

    assert leaves(member, live, partial=True) == [(("event_share",), False)]
    assert leaves(member, live) == [(("event_share",), False), (("event_upload",), False)]


def test_a_value_live_no_longer_has_is_removed():
    assert leaves({"url": "https://x"}, {}) == [(("url",), None)]


def test_a_dotted_path_is_split_on_the_keys_the_values_have():
    values = {"permissions": {"study_field_customfields": {"Dr. Notes": "R"}}}

    assert field_keys("permissions.study_field_customfields.Dr. Notes", values) == (
        "permissions",
        "study_field_customfields",
        "Dr. Notes",
    )
    assert field_keys("permissions.study_share", values) == ("permissions", "study_share")
    assert field_keys("members.a@x.org", {"members": []}) == ("members", "a@x.org")
