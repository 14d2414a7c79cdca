"""``ambraconf compare``: the Northshore production and UAT accounts, applied from the
example, differ exactly where examples/northshore/accounts.yaml gives them different
values (variables and each account's own fields, settings and destinations)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.e2e.e2e_helpers import applied

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "northshore"
PROD, UAT = "Northshore Health", "Northshore Health UAT"

GROUPS = ("Cardiology", "Emergency Department", "Neurology", "Oncology", "Orthopedics", "Radiology")
VARIABLE_DIFFERENCES = {
    **{("update", "group", g): {"share_code"} for g in GROUPS},  # share_prefix
    ("update", "route", "CT and MR to PACS"): {"actions"},  # pacs
    ("update", "route", "Cardiology/Echo to cardiology PACS"): {"actions"},  # cardiology_pacs
    ("update", "webhook", "Reporting System - New Study"): {"url", "suspended"},
    ("update", "webhook", "Reporting System - Report Signed"): {"url", "suspended"},
}
"""reporting_url and webhooks_suspended are the webhooks' differences."""
ACCOUNT_DIFFERENCES = {
    ("update", "account", UAT): {
        "password_expire",
        "session_expire",
        "share_code",
        "share_description",
        "settings.disable_duplicate_study_upload",
        "settings.ui_json",
    },
    ("create", "destination", "NSH PACS Main"): set(),
    ("create", "destination", "NSH Cardiology PACS"): set(),
}
"""What the two accounts' entries set differently besides variables."""


@pytest.fixture
def northshore(sandbox, ambraconf, monkeypatch):
    sandbox.seed(yaml.safe_load((ROOT / "examples/sandbox/northshore.seed.yaml").read_text()))
    monkeypatch.setenv("NORTHSHORE_REPORTING_TOKEN", "demo-token")
    applied(ambraconf, EXAMPLE)
    return sandbox


def differences(out: str) -> dict[tuple[str, str, str], set[str]]:
    plan = json.loads(out)
    return {
        (a["op"], a["kind"], a["name"]): {c["path"] for c in a["changes"]}
        if a["op"] != "create"
        else set()
        for a in plan["actions"]
        if a["op"] != "noop"
    }


def test_compare_of_production_and_uat_lists_exactly_their_differences(northshore, ambraconf):
    run = ambraconf("compare", "--from", PROD, "--to", UAT, "--format", "json")

    assert run.code == 0, run.out + run.err
    assert differences(run.out) == {
        **VARIABLE_DIFFERENCES,
        **ACCOUNT_DIFFERENCES,
        ("delete", "destination", "NSH PACS Test"): set(),  # only UAT has it
    }
    assert "uuid" not in {k for a in json.loads(run.out)["actions"] for k in a.get("desired") or {}}


def test_compare_with_a_config_lists_the_same_differences(northshore, ambraconf):
    run = ambraconf(
        "compare", "--from", PROD, "--to", UAT, "--config", str(EXAMPLE), "--format", "json"
    )

    assert run.code == 0, run.out + run.err
    # the config leaves UAT's own destination unmanaged (it does not prune destinations)
    assert differences(run.out) == {**VARIABLE_DIFFERENCES, **ACCOUNT_DIFFERENCES}


def test_text_and_markdown_name_the_fields_and_the_exit_code_says_they_differ(
    northshore, ambraconf
):
    text = ambraconf("compare", "--from", PROD, "--to", UAT, "--detailed-exitcode")
    markdown = ambraconf("compare", "--from", PROD, "--to", UAT, "--format", "markdown")

    assert text.code == 2, text.out + text.err
    assert 'share_code: "NSHUAT-RAD" -> "NSH-RAD"' in text.out
    assert "suspended: true -> false" in text.out
    assert 'aetitle: "NSHPACS"' in text.out  # a create lists what A chose,
    assert "can_search" not in text.out  # not the server defaults every new object gets
    assert markdown.code == 0 and "NSH-RAD" in markdown.out


def test_an_account_compared_with_itself_shows_no_changes(northshore, ambraconf):
    run = ambraconf("compare", "--from", UAT, "--to", UAT, "--detailed-exitcode")

    assert run.code == 0, run.out + run.err
    assert "No changes." in run.out


def test_an_account_that_does_not_exist_is_a_message(northshore, ambraconf):
    run = ambraconf("compare", "--from", PROD, "--to", "Nowhere Clinic")

    assert run.code == 1
    assert "Nowhere Clinic" in run.err and "Traceback" not in run.err


def test_a_second_url_takes_its_credentials_from_the_environment(
    northshore, ambraconf, monkeypatch
):
    monkeypatch.setenv("AMBRA_URL2", northshore.url)
    monkeypatch.setenv("AMBRA_LOGIN2", northshore.admin_login)
    monkeypatch.delenv("AMBRA_PASSWORD2", raising=False)
    unset = ambraconf("compare", "--from", PROD, "--to", UAT)
    monkeypatch.setenv("AMBRA_PASSWORD2", "wrong password")
    wrong = ambraconf("compare", "--from", PROD, "--to", UAT)
    monkeypatch.setenv("AMBRA_PASSWORD2", northshore.admin_password)
    right = ambraconf("compare", "--from", PROD, "--to", UAT, "--format", "json")

    assert unset.code == 1 and "set AMBRA_PASSWORD2" in unset.err
    assert wrong.code == 1 and "Traceback" not in wrong.err
    assert right.code == 0, right.out + right.err
    assert ("update", "webhook", "Reporting System - New Study") in differences(right.out)


def test_a_secret_that_differs_is_a_masked_difference(northshore, ambraconf):
    accounts = northshore.ok("/account/list")["accounts"]
    uat = next(a["uuid"] for a in accounts if a["name"] == UAT)
    hooks = northshore.ok("/webhook/list", account_id=uat)["webhooks"]
    hook = next(h["uuid"] for h in hooks if h["name"] == "Reporting System - New Study")
    auth = {"custom": {"Authorization": "Bearer uat-only-token"}}
    northshore.ok("/webhook/set", uuid=hook, auth=json.dumps(auth))

    run = ambraconf("compare", "--from", PROD, "--to", UAT, "--format", "json")

    assert run.code == 0, run.out + run.err
    assert "auth" in differences(run.out)[("update", "webhook", "Reporting System - New Study")]
    assert "uat-only-token" not in run.out and "demo-token" not in run.out
