"""What people and CI read of a drift report: text, markdown (as HTML), JSON and JUnit."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree as ET

import markdown

from ambraconf.engine.drift import DriftReport, build_report
from ambraconf.engine.plan import Action, FieldChange, Plan
from ambraconf.engine.records import updated
from ambraconf.reports import drift_junit, drift_markdown, drift_text

SECRET = "hunter2"
KIND_ORDER = ("customfield", "role", "group", "webhook", "route")


def route_update(desired_on_share: bool) -> Action:
    return Action(
        "update",
        "Northshore",
        "route",
        "CT | to PACS",
        "managed fields differ",
        uuid="1111",
        changes=[FieldChange("on_share", False, desired_on_share)],
        desired={"name": "CT | to PACS", "on_share": desired_on_share},
    )


def sample_plan(*, route_in_git: bool = True) -> Plan:
    """A plan of one account: a route changed (by hand or in git), a role deleted by hand,
    a webhook whose secret differs, a group in sync, a live role in no file."""
    return Plan(
        url="https://ambra.example/api/v3",
        accounts=["Northshore"],
        created_at="2024-05-01T02:00:00+00:00",
        config_revision="abc1234",
        actions=[
            Action(
                "create",
                "Northshore",
                "role",
                "Radiologist <MD>",
                "not in live state",
                changes=[FieldChange("permissions", None, {"study_view": True})],
                desired={"name": "Radiologist <MD>", "permissions": {"study_view": True}},
            ),
            route_update(route_in_git),
            Action(
                "update",
                "Northshore",
                "webhook",
                "Reports",
                "managed fields differ",
                uuid="2222",
                changes=[
                    FieldChange(
                        "auth",
                        {"basic": {"password": "x"}},
                        {"basic": {"password": SECRET}},
                        secret=True,
                    )
                ],
                desired={"name": "Reports", "auth": {"basic": {"password": SECRET}}},
                secret_fields=("auth",),
            ),
            Action(
                "noop",
                "Northshore",
                "group",
                "Cardiology",
                "matches",
                desired={"name": "Cardiology"},
            ),
        ],
        unmanaged={"Northshore": {"role": ["Old role"]}},
    )


def applied_record():
    """What apply recorded when the route was last applied with on_share true and the role
    and webhook as they are in git now."""
    plan = sample_plan()
    done = {a.address for a in plan.actions}
    return updated(None, plan.actions, done, revision="0ld0001", targeted=False)


def report(**options) -> DriftReport:
    plan = sample_plan(route_in_git=options.pop("route_in_git", True))
    records = {"Northshore": options.pop("record", applied_record())}
    return build_report(
        plan,
        {},
        records,
        login="ci@northshore.example",
        config_path="config/",
        kind_order=KIND_ORDER,
        **options,
    )


def no_drift_report() -> DriftReport:
    plan = Plan(
        url="u",
        accounts=["A"],
        created_at="2024-05-01T02:00:00+00:00",
        actions=[Action("noop", "A", "role", "R", "matches", desired={"name": "R"})],
    )
    return build_report(plan, {}, {"A": None}, login=None, config_path="cfg")


def test_text_names_each_drifted_object_with_its_fields_and_cause() -> None:
    text = drift_text.render(report())
    assert "Drift of config/ at revision abc1234 against https://ambra.example/api/v3" in text
    assert "as ci@northshore.example, 2024-05-01T02:00:00+00:00" in text
    assert "Account Northshore (last apply: revision 0ld0001 at " in text
    assert '+ role "Radiologist <MD>" is missing live' in text
    assert "deleted outside ambraconf since the last apply" in text
    assert '~ route "CT | to PACS" differs [1111]' in text
    assert "on_share: in git true, live false" in text
    assert "changed outside ambraconf since the last apply (the config has not changed)" in text
    assert 'role "Old role"' in text
    assert "In sync: 1 group" in text
    assert text.rstrip().endswith("Drift: 3 objects (2 differ, 1 missing live).")


def test_a_change_in_git_not_yet_applied_is_pending_not_outside() -> None:
    text = drift_text.render(report(route_in_git=False))
    route = text[text.index('route "CT | to PACS"') :]
    assert route.splitlines()[1].strip() == (
        "pending apply of revision abc1234: changed in the config since the last apply"
    )


def test_without_a_record_the_cause_is_unknown_and_said_once() -> None:
    text = drift_text.render(report(record=None))
    assert "no apply recorded, so a difference may be a change made outside ambraconf" in text
    assert "outside ambraconf since" not in text
    assert "pending apply" not in text
    assert {i.cause for i in report(record=None).drifted} == {"unknown"}


def test_secrets_never_appear_in_any_format() -> None:
    r = report()
    for text in (
        drift_text.render(r),
        drift_markdown.render(r),
        drift_junit.render(r),
        json.dumps(r.to_json()),
    ):
        assert SECRET not in text
        assert "(sensitive value)" in text


def test_unmanaged_objects_are_listed_apart_and_count_only_when_asked() -> None:
    assert len(report().drifted) == 3
    assert len(report(include_unmanaged=True).drifted) == 4
    text = drift_text.render(report(include_unmanaged=True))
    assert '? role "Old role" is live but in no file' in text
    assert "Drift: 4 objects (2 differ, 1 missing live, 1 not in git)." in text


def test_no_drift_says_so_everywhere() -> None:
    r = no_drift_report()
    assert not r.has_drift
    assert "No drift: live state matches the configuration (1 objects)." in drift_text.render(r)
    assert "**No drift: live state matches the configuration" in drift_markdown.render(r)
    suites = ET.fromstring(drift_junit.render(r))
    assert suites.get("failures") == "0"
    assert [c.get("name") for c in suites.iter("testcase")] == ["R"]
    assert r.to_json()["drift"] is False


def html_of(text: str) -> ET.Element:
    """The markdown as Python-Markdown renders it, parsed (it must be well-formed)."""
    return ET.fromstring(f"<div>{markdown.markdown(text, extensions=['tables'])}</div>")


def test_markdown_renders_a_summary_table_first_then_folded_details() -> None:
    page = html_of(drift_markdown.render(report()))
    children = [e.tag for e in page]
    assert children.index("table") < children.index("details")
    summary = page.find("table")
    rows = [[cell.text for cell in row] for row in summary.iter("tr")]
    assert rows[0] == ["Account", "Kind", "In sync", "Differs", "Missing live", "Not in git"]
    assert ["Northshore", "role", "0", "0", "1", "1"] in rows
    assert ["Northshore", "route", "0", "1", "0", "0"] in rows
    assert ["Northshore", "group", "1", "0", "0", "0"] in rows
    details = page.findall("details")
    titles = ["".join(d.find("summary").itertext()) for d in details]
    assert "Differs: route CT | to PACS (changed outside ambraconf)" in titles
    assert "Missing live: role Radiologist <MD> (deleted outside ambraconf)" in titles
    assert "Live but in no file: 1 object (not counted as drift)" in titles
    route = details[titles.index("Differs: route CT | to PACS (changed outside ambraconf)")]
    cells = [["".join(c.itertext()) for c in row] for row in route.iter("tr")]
    assert cells == [["Field", "In git", "Live"], ["on_share", "true", "false"]]


def test_markdown_names_the_run_and_the_last_apply() -> None:
    md = drift_markdown.render(report())
    assert md.startswith("## ambraconf drift\n\n**Drift: 3 objects")
    assert "at revision abc1234 against https://ambra.example/api/v3" in md
    assert re.search(r"Last apply: revision 0ld0001 at \d{4}-\d\d-\d\dT[\d:]+\+00:00\.", md)


def test_junit_makes_each_drifted_object_a_failing_test_case() -> None:
    suites = ET.fromstring(drift_junit.render(report()))
    assert suites.tag == "testsuites"
    assert (suites.get("tests"), suites.get("failures"), suites.get("skipped")) == ("5", "3", "1")
    (suite,) = suites.findall("testsuite")
    assert suite.get("name") == "Northshore"
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["config_revision"] == "abc1234"
    assert properties["url"] == "https://ambra.example/api/v3"
    cases = {(c.get("classname"), c.get("name")): c for c in suite.iter("testcase")}
    route = cases[("Northshore.route", "CT | to PACS")]
    failure = route.find("failure")
    assert failure.get("type") == "differs"
    assert "changed outside ambraconf" in failure.get("message")
    assert "on_share: in git true, live false" in failure.text
    assert cases[("Northshore.role", "Radiologist <MD>")].find("failure").get("type") == "missing"
    assert cases[("Northshore.role", "Old role")].find("skipped") is not None
    group = cases[("Northshore.group", "Cardiology")]
    assert list(group) == []


def test_json_is_versioned_and_carries_causes_and_differences() -> None:
    document = json.loads(json.dumps(report().to_json()))
    assert document["format_version"] == 1
    assert document["drift"] is True
    assert document["config_revision"] == "abc1234"
    assert document["summary"] == {
        "in_sync": 1,
        "differs": 2,
        "missing": 1,
        "not_in_git": 1,
        "drifted": 3,
    }
    (account,) = document["accounts"]
    assert account["last_apply"]["revision"] == "0ld0001"
    objects = {o["address"]: o for o in account["objects"]}
    route = objects["Northshore/route/CT | to PACS"]
    assert (route["status"], route["cause"], route["uuid"]) == ("differs", "outside", "1111")
    assert route["differences"] == [
        {"field": "on_share", "git": True, "live": False, "secret": False, "note": None}
    ]
    assert objects["Northshore/role/Old role"]["counted"] is False
    assert account["in_sync"] == {"group": ["Cardiology"]}
    assert list(account["kinds"]) == ["role", "group", "webhook", "route"]


def test_markdown_stays_under_githubs_size_limit_with_the_table_whole() -> None:
    changes = [FieldChange(f"permissions.flag_{n}", False, True) for n in range(20)]
    actions = [
        Action("update", "Big", "role", f"Role {n:04}", "managed fields differ", changes=changes)
        for n in range(400)
    ]
    plan = Plan(url="u", accounts=["Big"], actions=actions, unmanaged={"Big": {"role": ["x"]}})
    big = build_report(plan, {}, {"Big": None}, login=None, config_path="cfg")
    md = drift_markdown.render(big)
    assert len(md) < 65_536
    assert "| Big | role | 0 | 400 | 0 | 1 |" in md
    assert "more objects, left out to keep this under GitHub's size limit" in md
    html_of(md)  # still well-formed
