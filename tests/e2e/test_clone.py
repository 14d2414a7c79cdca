"""``ambraconf clone``: the Northshore production account, applied from the example, cloned
into another account gives the same objects under the new names (compared through the
API), in one command that writes the config first; its second run changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.e2e.e2e_helpers import applied, config_folder, no_changes

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "northshore"
PROD, WEST = "Northshore Health", "Northshore West"
GROUPS = ("Cardiology", "Emergency Department", "Neurology", "Oncology", "Orthopedics", "Radiology")
DANGEROUS = ("--allow-dangerous", "phi-sharing", "--allow-dangerous", "custom-code")
"""The example's share rule and custom code, which its files acknowledge with dangerous_ok:
(an export cannot carry the reasons over, so the clone is allowed on the command line)."""
TOKEN = "NORTHSHORE_REPORTING_TOKEN"
SECRETS = (
    "AMBRACONF_WEBHOOK_REPORTING_SYSTEM_NEW_STUDY_AUTH_CUSTOM_AUTHORIZATION",
    "AMBRACONF_WEBHOOK_REPORTING_SYSTEM_REPORT_SIGNED_AUTH_CUSTOM_AUTHORIZATION",
)


@pytest.fixture
def northshore(sandbox, ambraconf, monkeypatch):
    """The example applied, and the new site's account with only its gateway (installed
    under the name the production destinations use; ambraconf never creates gateways)."""
    seed = yaml.safe_load((ROOT / "examples/sandbox/northshore.seed.yaml").read_text())
    seed["accounts"].append({"name": WEST, "nodes": [{"name": "NSH Gateway", "type": "HARVESTER"}]})
    sandbox.seed(seed)
    monkeypatch.setenv(TOKEN, "demo-token")
    applied(ambraconf, EXAMPLE)
    for variable in SECRETS:
        monkeypatch.setenv(variable, "Bearer demo-token")  # the same as production's
    return sandbox


def account_uuid(sandbox, name: str) -> str:
    return next(a["uuid"] for a in sandbox.ok("/account/list")["accounts"] if a["name"] == name)


def differences(out: str) -> dict[tuple[str, str, str], set[str]]:
    plan = json.loads(out)
    return {
        (a["op"], a["kind"], a["name"]): {c["path"] for c in a["changes"]}
        for a in plan["actions"]
        if a["op"] != "noop"
    }


def test_a_clone_is_the_same_objects_under_the_new_names(northshore, ambraconf, tmp_path):
    out = tmp_path / "west"
    run = ambraconf("clone", "--from", PROD, "--to", WEST, "--out", str(out), "--yes", *DANGEROUS)

    assert run.code == 0, run.out + run.err
    assert "Apply complete:" in run.out
    assert "NSH-RAD -> NORTHSHORE-WEST-NSH-RAD" in run.out
    assert f"set these to apply {out}:\n  {SECRETS[0]}" in run.out
    # compared through the API: making the clone like production changes only share codes
    compared = ambraconf("compare", "--from", PROD, "--to", WEST, "--format", "json")
    assert compared.code == 0, compared.out + compared.err
    assert differences(compared.out) == {
        **{("update", "group", g): {"share_code"} for g in GROUPS},
        ("update", "account", WEST): {"share_code"},
    }
    west = account_uuid(northshore, WEST)
    groups = northshore.ok("/group/list", account_id=west)["groups"]
    assert {g["name"]: g["share_code"] for g in groups}["Radiology"] == "NORTHSHORE-WEST-NSH-RAD"
    assert northshore.ok("/account/get", uuid=west)["role_name"] == "Radiology Technologist"
    # the config of the clone is in the files, and plans no changes
    account = yaml.safe_load((out / "account.yaml").read_text())["accounts"][0]
    assert account["name"] == WEST and account["fields"]["share_code"] == "NORTHSHORE-WEST-NSHPROD"
    assert "nodes.yaml" not in {p.name for p in out.iterdir()}
    no_changes(ambraconf, out)


def test_the_second_run_of_a_clone_changes_nothing(northshore, ambraconf, tmp_path):
    out = str(tmp_path / "west")
    first = ambraconf("clone", "--from", PROD, "--to", WEST, "--out", out, "--yes", *DANGEROUS)
    again = ambraconf(
        "clone", "--from", PROD, "--to", WEST, "--out", out, "--yes", "--overwrite",
        "--into-existing",
    )  # fmt: skip

    assert first.code == 0, first.out + first.err
    assert again.code == 0, again.out + again.err
    assert "No changes." in again.out and "Apply complete" not in again.out


def test_users_and_members_are_cloned_by_email(northshore, ambraconf, tmp_path):
    run = ambraconf(
        "clone", "--from", PROD, "--to", WEST, "--out", str(tmp_path / "w"), "--yes", *DANGEROUS
    )

    assert run.code == 0, run.out + run.err
    west = account_uuid(northshore, WEST)
    users = {u["user_email"]: u for u in northshore.ok("/account/user/list", uuid=west)["users"]}
    assert users["a.chen@northshorehealth.org"]["account_alias"] == "Dr Chen"
    assert users["imaging.admin@northshorehealth.org"]["global"] in (1, "1", True)
    radiology = next(
        g["uuid"]
        for g in northshore.ok("/group/list", account_id=west)["groups"]
        if g["name"] == "Radiology"
    )
    emails = {u["user_id"]: email for email, u in users.items()}
    members = northshore.ok("/group/user/list", uuid=radiology)["users"]
    assert {emails[m["user_id"]] for m in members} >= {"a.chen@northshorehealth.org"}


def test_a_share_code_template_names_the_new_codes(northshore, ambraconf, tmp_path):
    run = ambraconf(
        "clone", "--from", PROD, "--to", WEST, "--out", str(tmp_path / "w"), "--dry-run",
        "--share-codes", "W{code}",
    )  # fmt: skip

    assert run.code == 0, run.out + run.err
    assert "NSH-RAD -> WNSH-RAD" in run.out
    assert "Dry run: nothing applied" in run.out
    groups = northshore.ok("/group/list", account_id=account_uuid(northshore, WEST))["groups"]
    assert groups == []


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{account}", "must contain {code}"),
        ("{code}-{site}", "unknown placeholder {site}"),
        ("{code} west", "may hold only letters, digits"),
        ("{code}", "is the code it replaces"),
    ],
)
def test_a_template_that_gives_no_valid_new_codes_is_refused(
    northshore, ambraconf, tmp_path, template, message
):
    out = tmp_path / "w"
    run = ambraconf(
        "clone", "--from", PROD, "--to", WEST, "--out", str(out), "--share-codes", template
    )

    assert run.code == 1
    assert message in run.err and "Traceback" not in run.err
    assert not out.exists()


def test_a_missing_secret_without_a_terminal_stops_before_anything(
    northshore, ambraconf, tmp_path, monkeypatch
):
    monkeypatch.delenv(SECRETS[0])
    out = tmp_path / "w"
    run = ambraconf("clone", "--from", PROD, "--to", WEST, "--out", str(out), "--yes", *DANGEROUS)

    assert run.code == 1
    assert SECRETS[0] in run.err and SECRETS[1] not in run.err
    assert not out.exists()
    assert northshore.ok("/group/list", account_id=account_uuid(northshore, WEST))["groups"] == []


def test_refusals_name_what_is_wrong(northshore, ambraconf, tmp_path):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("someone's work")
    missing = ambraconf(
        "clone", "--from", "Nowhere Clinic", "--to", WEST, "--out", str(tmp_path / "a")
    )
    full = ambraconf("clone", "--from", PROD, "--to", WEST, "--out", str(taken))
    used = ambraconf(
        "clone", "--from", PROD, "--to", "Northshore Health UAT", "--out", str(tmp_path / "b")
    )
    itself = ambraconf("clone", "--from", PROD, "--to", PROD, "--out", str(tmp_path / "c"))

    assert missing.code == 1 and "Nowhere Clinic" in missing.err
    assert full.code == 1 and "is not empty" in full.err and "--overwrite" in full.err
    assert used.code == 1 and "exists and is not empty" in used.err
    assert "--into-existing" in used.err
    assert itself.code == 1 and "is the account cloned" in itself.err
    for run in (missing, full, used, itself):
        assert "Traceback" not in run.err
    assert (taken / "notes.txt").read_text() == "someone's work"


def test_a_new_account_without_the_gateways_is_a_plan_error_and_nothing_is_made(
    northshore, ambraconf, tmp_path
):
    run = ambraconf(
        "clone", "--from", PROD, "--to", "Northshore East", "--out", str(tmp_path / "e"), "--yes",
        *DANGEROUS,
    )  # fmt: skip

    assert run.code == 1
    assert "node 'NSH Gateway' does not exist live in Northshore East" in run.err
    assert f"then run: ambraconf apply {tmp_path / 'e'}" in run.err
    assert (tmp_path / "e" / "destinations.yaml").is_file()
    assert "Northshore East" not in {a["name"] for a in northshore.ok("/account/list")["accounts"]}


SMALL = """accounts:
  - name: Lakeside Imaging
    create: true
    fields:
      share_code: LAKE
      role: Reader
    roles:
      - {name: Reader, permissions: {study_view: true}}
    groups:
      - {name: Radiology, role: Reader, share_code: LAKE-RAD}
    webhooks:
      - name: Reports
        url: https://reports.example.org/hook
        method: POST_JSON
        event: ROUTE_RULE
        auth: {custom: {Authorization: "${env:LAKE_TOKEN}"}}
    routes:
      - name: Share reads
        group: Radiology
        on_upload: true
        conditions: [{lv: modality, op: equals, rv: CT}]
        actions:
          - share_code: LAKE-RAD
          - share_code: ELSEWHERE
"""


def test_a_new_account_is_created_with_its_default_role_in_one_apply(
    sandbox, ambraconf, tmp_path, monkeypatch
):
    monkeypatch.setenv("LAKE_TOKEN", "lake-token")
    sandbox.seed(
        {"accounts": [{"name": "Other", "groups": [{"name": "X", "share_code": "ELSEWHERE"}]}]}
    )
    applied(ambraconf, config_folder(tmp_path / "lake", SMALL))
    variable = "AMBRACONF_WEBHOOK_REPORTS_AUTH_CUSTOM_AUTHORIZATION"
    monkeypatch.setenv(variable, "river-token")
    out = tmp_path / "river"

    run = ambraconf(
        "clone",
        "--from",
        "Lakeside Imaging",
        "--to",
        "Riverside Imaging",
        "--out",
        str(out),
        "--yes",
    )

    assert run.code == 0, run.out + run.err
    assert "Apply complete: 5 created" in run.out
    assert "account user 'admin@sandbox.local' is left out" in run.err
    assert "role is set at the end of the apply" in run.out
    river = account_uuid(sandbox, "Riverside Imaging")
    assert sandbox.ok("/account/get", uuid=river)["role_name"] == "Reader"
    routes = yaml.safe_load((out / "routes.yaml").read_text())["accounts"][0]["routes"]
    assert routes[0]["actions"] == [
        {"share_code": "RIVERSIDE-IMAGING-LAKE-RAD"},
        {"share_code": "ELSEWHERE"},  # another account's code is kept
    ]
    assert "${env:" + variable + "}" in (out / "webhooks.yaml").read_text()
    assert "river-token" not in run.out + run.err
    compared = ambraconf(
        "compare", "--from", "Lakeside Imaging", "--to", "Riverside Imaging", "--format", "json"
    )
    assert differences(compared.out) == {
        ("update", "account", "Riverside Imaging"): {"share_code"},
        ("update", "group", "Radiology"): {"share_code"},
        ("update", "route", "Radiology/Share reads"): {"actions"},
        ("update", "webhook", "Reports"): {"auth"},
    }


def test_on_a_terminal_a_missing_secret_is_asked_for_without_echo(
    northshore, ambraconf, tmp_path, monkeypatch
):
    from ambraconf.cli import clone as clone_module
    from ambraconf.cli import confirm as confirm_module

    monkeypatch.delenv(SECRETS[1])
    asked = []

    def prompt(text, **options):
        asked.append((text, options.get("hide_input")))
        return "Bearer demo-token"

    monkeypatch.setattr(confirm_module, "on_terminal", lambda: True)
    monkeypatch.setattr(clone_module.click, "prompt", prompt)
    out = tmp_path / "w"
    run = ambraconf("clone", "--from", PROD, "--to", WEST, "--out", str(out), "--yes", *DANGEROUS)

    assert run.code == 0, run.out + run.err
    assert [(text.split(" ")[0], hidden) for text, hidden in asked] == [(SECRETS[1], True)]
    assert "demo-token" not in run.out + run.err + "".join(
        p.read_text() for p in out.glob("*.yaml")
    )
    no_changes_with = ambraconf("compare", "--from", PROD, "--to", WEST, "--format", "json")
    assert ("update", "webhook", "Reporting System - Report Signed") not in differences(
        no_changes_with.out
    )


def test_the_new_account_may_be_on_another_server(northshore, ambraconf, tmp_path, monkeypatch):
    monkeypatch.setenv("AMBRA_URL2", northshore.url)
    monkeypatch.setenv("AMBRA_LOGIN2", northshore.admin_login)
    monkeypatch.delenv("AMBRA_PASSWORD2", raising=False)
    out = tmp_path / "w"
    unset = ambraconf("clone", "--from", PROD, "--to", WEST, "--out", str(out), "--yes", *DANGEROUS)
    monkeypatch.setenv("AMBRA_PASSWORD2", northshore.admin_password)
    right = ambraconf("clone", "--from", PROD, "--to", WEST, "--out", str(out), "--yes", *DANGEROUS)

    assert unset.code == 1 and "set AMBRA_PASSWORD2" in unset.err
    assert right.code == 0, right.out + right.err
    assert "Apply complete:" in right.out
