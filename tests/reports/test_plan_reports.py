"""What a reviewer reads: the plan as text and as markdown."""

from __future__ import annotations

from ambraconf.engine.plan import Action, FieldChange, Plan
from ambraconf.reports import plan_markdown, plan_text


def sample_plan() -> Plan:
    return Plan(
        url="http://127.0.0.1:8765/api/v3",
        accounts=["Northshore"],
        actions=[
            Action(
                "create",
                "Northshore",
                "role",
                "Radiologist",
                "not in live state",
                changes=[FieldChange("permissions", None, {"study_view": True})],
            ),
            Action(
                "update",
                "Northshore",
                "route",
                "CT | to PACS",
                "managed fields differ",
                uuid="1111",
                changes=[FieldChange("suspended", True, False)],
            ),
            Action(
                "update",
                "Northshore",
                "webhook",
                "Reports",
                "managed fields differ",
                changes=[
                    FieldChange("auth", None, {"basic": {"password": "hunter2"}}, secret=True)
                ],
            ),
            Action("noop", "Northshore", "group", "Cardiology", "matches"),
        ],
        unmanaged={"Northshore": {"role": ["Old role"]}},
    )


def test_text_has_symbols_changes_and_terraform_summary() -> None:
    text = plan_text.render(sample_plan())
    assert '+ role "Radiologist"' in text
    assert '~ route "CT | to PACS" [1111]' in text
    assert "suspended: true -> false" in text
    assert "Unmanaged live objects (left alone): 1 role" in text
    assert text.rstrip().endswith("Plan: 1 to create, 2 to update, 0 to delete.")
    assert "Cardiology" not in text


def test_text_is_plain_unless_coloured() -> None:
    assert "\x1b[" not in plan_text.render(sample_plan())
    assert "\x1b[" in plan_text.render(sample_plan(), colour=True)


def test_secrets_never_appear_in_any_rendering() -> None:
    plan = sample_plan()
    assert "hunter2" not in plan_text.render(plan)
    assert "hunter2" not in plan_markdown.render(plan)
    assert "hunter2" not in str(plan.to_json())


def test_markdown_has_a_summary_table_and_folded_details() -> None:
    md = plan_markdown.render(sample_plan())
    assert "| Northshore | 1 | 2 | 0 | 0 | 1 |" in md
    assert "<details><summary>Update route <code>CT | to PACS</code> in Northshore</summary>" in md
    assert "| `suspended` | `true` | `false` |" in md


def test_no_changes_says_so() -> None:
    plan = Plan(url="u", accounts=["A"], actions=[Action("noop", "A", "role", "R", "matches")])
    assert "No changes. Live state matches the configuration." in plan_text.render(plan)
    assert "**No changes.**" in plan_markdown.render(plan)
    assert plan.to_json()["format_version"] == 1


def test_markdown_stays_under_githubs_comment_limit() -> None:
    actions = [
        Action(
            "create",
            "Big",
            "role",
            f"Role {n}",
            "not in live state",
            changes=[FieldChange("description", None, "x" * 300)],
        )
        for n in range(1000)
    ]
    md = plan_markdown.render(Plan(url="u", accounts=["Big"], actions=actions))
    assert len(md) < 65_536
    assert "| Big | 1000 | 0 | 0 | 0 | 0 |" in md
    assert "more changes, left out to keep this under GitHub's comment size" in md


def one_update(*changes: FieldChange) -> Plan:
    action = Action("update", "A", "customfield", "Study/Priority", "managed fields differ")
    action.changes = list(changes)
    return Plan(url="u", accounts=["A"], actions=[action])


def test_a_mapping_replaced_whole_is_shown_key_by_key_only_where_it_changes() -> None:
    before = {"values": ["STAT", "Routine"], "hint": "Pick one", "validate": "^[A-Z]+$"}
    after = {"values": ["STAT", "Routine"], "hint": "Pick one, please", "show_when": {"X": ["Y"]}}
    plan = one_update(FieldChange("options", before, after))
    text = plan_text.render(plan)
    assert 'options.hint: "Pick one" -> "Pick one, please"' in text
    assert 'options.show_when: (absent) -> {"X": ["Y"]}' in text
    assert 'options.validate: "^[A-Z]+$" -> (absent)' in text
    assert "options.values" not in text
    md = plan_markdown.render(plan)
    assert '| `options.hint` | `"Pick one"` | `"Pick one, please"` |' in md
    assert "options.values" not in md


def test_a_long_list_is_shown_item_by_item() -> None:
    kept = {"lv": "modality", "op": "in", "rv": ["CT", "MR", "PT", "NM"]}
    old = {"lv": "study_description", "op": "contains", "rv": "ECHO"}
    new = {"lv": "study_description", "op": "contains", "rv": "ECHOCARDIOGRAM"}
    plan = one_update(FieldChange("conditions", [kept, old], [kept, new]))
    lines = [line.strip() for line in plan_text.render(plan).splitlines()]
    at = lines.index("conditions (1 item unchanged):")
    assert lines[at + 1 : at + 3] == [
        '- {"lv": "study_description", "op": "contains", "rv": "ECHO"}',
        '+ {"lv": "study_description", "op": "contains", "rv": "ECHOCARDIOGRAM"}',
    ]
    md = plan_markdown.render(plan)
    assert (
        '| `conditions`<br>(1 item unchanged) | <code>- {"lv": "study_description", "op": '
        '"contains", "rv": "ECHO"}</code> | <code>+ {"lv": "study_description", "op": '
        '"contains", "rv": "ECHOCARDIOGRAM"}</code> |'
    ) in md


def test_texts_of_several_lines_keep_their_lines_and_nothing_is_cut() -> None:
    body = "MSH|^~\\&|AMBRA\nPID|||{{patientid}}\nOBR|1|" + "x" * 300
    action = Action("create", "A", "hl7_template", "ORU", "not in live state")
    action.changes = [FieldChange("body", None, body), FieldChange("name", None, "ORU")]
    plan = Plan(url="u", accounts=["A"], actions=[action])
    text = plan_text.render(plan)
    assert "      body: |-\n        MSH|^~\\&|AMBRA\n        PID|||{{patientid}}\n" in text
    assert "OBR|1|" + "x" * 300 + "\n" in text
    md = plan_markdown.render(plan)
    assert (
        "| `body` | (new) | <code>&#124;-</code><br><code>&nbsp;&nbsp;MSH&#124;^~&#92;&amp;&#124;"
        "AMBRA</code><br>"
    ) in md
    assert "x" * 300 in md
    assert "..." not in text + md


def review_plan() -> Plan:
    """Actions in apply order (levels), as the planner makes them."""

    def create(kind: str, name: str) -> Action:
        return Action("create", "A", kind, name, "not in live state", cause="created")

    return Plan(
        url="u",
        accounts=["A"],
        actions=[
            create("webhook", "Notify EHR"),
            create("customfield", "Study/Priority"),
            Action("update", "A", "group", "Cardiology", "managed fields differ", uuid="g1"),
            Action(
                "replace", "A", "role", "Radiologist", "a field set only on add changed", uuid="r1"
            ),
            Action("delete", "A", "route", "Old route", "pruned", uuid="o1"),
        ],
    )


def test_text_plan_starts_with_the_names_deletes_and_replaces_first() -> None:
    lines = plan_text.render(review_plan()).splitlines()
    assert lines[:5] == [
        "Plan: 2 to create, 1 to update, 1 to replace, 1 to delete.",
        '  - delete (1): route "Old route"',
        '  -/+ replace (1): role "Radiologist"',
        '  + create (2): customfield "Study/Priority", webhook "Notify EHR"',
        '  ~ update (1): group "Cardiology"',
    ]
    details = lines[lines.index("Account A") + 1 :]
    heads = [line for line in details if line.startswith("  ") and not line.startswith("   ")]
    assert heads == [
        '  - route "Old route" [o1]  (pruned)',
        '  -/+ role "Radiologist" [r1]  (a field set only on add changed)',
        '  + customfield "Study/Priority"',  # a plain create says nothing more than its +
        '  ~ group "Cardiology" [g1]  (managed fields differ)',
        '  + webhook "Notify EHR"',
    ]


def test_deletes_and_replaces_are_highlighted_in_colour() -> None:
    text = plan_text.render(review_plan(), colour=True)
    assert "\x1b[31m\x1b[1m  - delete (1): route" in text
    assert '  + create (2): customfield "Study/Priority"' in text  # not highlighted


def test_markdown_shows_deletes_and_replaces_unfolded_first() -> None:
    md = plan_markdown.render(review_plan())
    assert "**Delete (1): route <code>Old route</code>**" in md
    assert (
        "Create (2): customfield <code>Study/Priority</code>, webhook <code>Notify EHR</code>" in md
    )
    assert "#### Delete route <code>Old route</code> in A" in md
    assert "#### Replace role <code>Radiologist</code> in A" in md
    assert "<summary>Delete" not in md and "<summary>Replace" not in md
    order = [
        md.index(title)
        for title in (
            "#### Delete route",
            "#### Replace role",
            "<summary>Create customfield",
            "<summary>Update group",
            "<summary>Create webhook",
        )
    ]
    assert order == sorted(order)
    assert "Not in live state" not in md


def test_the_json_plan_keeps_apply_order() -> None:
    plan = review_plan()
    plan_text.render(plan)
    assert [a["name"] for a in plan.to_json()["actions"]] == [
        "Notify EHR",
        "Study/Priority",
        "Cardiology",
        "Radiologist",
        "Old route",
    ]
