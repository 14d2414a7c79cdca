"""The documented tables, as the validator and the sandbox see them."""

from __future__ import annotations

from ambraconf import facts


def test_default_roles_follow_the_permissions_table() -> None:
    assert facts.PERMISSIONS["account_edit"].defaults == {
        "Admin": 1,
        "User": 0,
        "PHR": 0,
        "Anonymous": 0,
    }
    assert facts.PERMISSIONS["study_view"].defaults["Anonymous"] == 1
    # indented sub-permissions in the table are permissions of their own
    assert facts.PERMISSIONS["study_share_email"].defaults["PHR"] == 1


def test_study_field_permissions_take_letters() -> None:
    fact = facts.permission_fact("study_field_modality")
    assert fact is not None and fact.kind == "field"
    custom = facts.permission_fact("study_field_customfield_0b3c6d5e-1f2a-4b3c-8d9e-0a1b2c3d4e5f")
    assert custom is not None and custom.kind == "field"
    assert facts.permission_fact("study_field_customfield_not-a-uuid") is None


def test_unknown_permission_has_no_fact() -> None:
    assert facts.permission_fact("study_veiw") is None
    assert facts.permission_fact("setting_ui_json") is not None


def test_account_settings_keep_their_types() -> None:
    assert facts.ACCOUNT_SETTINGS["ui_json"].type == "text"
    assert facts.ACCOUNT_SETTINGS["ui_json"].namespace_override
    assert facts.ACCOUNT_SETTINGS["allow_phr_upload"].type == "flag"
    assert len(facts.ACCOUNT_SETTINGS) > 300


def test_route_and_webhook_enumerations() -> None:
    assert {"equals", "in", "contains"} <= facts.ROUTE_CONDITION_OPS
    assert facts.is_route_condition_lv("modality")
    assert facts.is_route_condition_lv("hl7_OBR_5_2")
    assert not facts.is_route_condition_lv("modalty")
    assert "webhook" in facts.ROUTE_ACTION_KINDS
    assert {"STUDY_SYNC", "CRON", "ROUTE_RULE"} <= facts.WEBHOOK_EVENTS
    assert {"POST", "GET", "POST_JSON", "PUT", "GET_JSON"} == facts.WEBHOOK_METHODS
    assert "Study" in facts.CUSTOMFIELD_OBJECTS and "picker" in facts.CUSTOMFIELD_TYPES
    assert "US/Eastern" in facts.SCHEDULE_TIMEZONES and "invert" in facts.SCHEDULE_KEYS


def test_table_separators_are_not_permissions() -> None:
    assert all(name[0].isalpha() for name in facts.PERMISSIONS)
