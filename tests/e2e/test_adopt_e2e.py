"""``ambraconf adopt`` against the sandbox: the Northshore example applied, changed by hand
in Ambra, adopted back into its files: exactly the lines of the changed values edit, every
other byte stays, and the next plan shows only what adopt said it left."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from tests.e2e.e2e_helpers import applied

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "northshore"
PROD, UAT = "Northshore Health", "Northshore Health UAT"


@pytest.fixture
def northshore(sandbox, ambraconf, monkeypatch, tmp_path) -> Path:
    """A copy of the example, applied to both of its accounts."""
    sandbox.seed(yaml.safe_load((ROOT / "examples/sandbox/northshore.seed.yaml").read_text()))
    monkeypatch.setenv("NORTHSHORE_REPORTING_TOKEN", "demo-token")
    folder = tmp_path / "northshore"
    shutil.copytree(EXAMPLE, folder)
    applied(ambraconf, folder)
    return folder


def account_id(sandbox, name: str) -> str:
    return next(a["uuid"] for a in sandbox.ok("/account/list")["accounts"] if a["name"] == name)


def uuid_of(sandbox, account: str, kind: str, name: str) -> str:
    items = sandbox.ok(f"/{kind}/list", account_id=account_id(sandbox, account))[f"{kind}s"]
    return next(i["uuid"] for i in items if i["name"] == name)


def set_live(sandbox, accounts: tuple[str, ...], kind: str, name: str, **fields: object) -> None:
    """An out-of-band change through the API, as someone would make it in the web UI."""
    for account in accounts:
        sandbox.ok(f"/{kind}/set", uuid=uuid_of(sandbox, account, kind, name), **fields)


def texts(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*.yaml"))}


def changed_lines(before: dict[str, str], after: dict[str, str]) -> dict[str, list[tuple]]:
    """Per file, the lines that differ (old, new): files keep their number of lines, and
    every other line (comments included) must be byte for byte the same."""
    assert before.keys() == after.keys()
    found = {}
    for name, text in before.items():
        old, new = text.splitlines(keepends=True), after[name].splitlines(keepends=True)
        assert len(old) == len(new), name
        lines = [(a.strip(), b.strip()) for a, b in zip(old, new, strict=True) if a != b]
        if lines:
            found[name] = lines
    return found


def plan_changes(ambraconf, folder: Path) -> dict[tuple[str, str, str], set[str]]:
    run = ambraconf("plan", str(folder), "--format", "json")
    assert run.code == 0, run.out + run.err
    return {
        (a["account"], a["kind"], a["name"]): {c["path"] for c in a["changes"]}
        for a in json.loads(run.out)["actions"]
        if a["op"] != "noop"
    }


def change_by_hand(sandbox) -> None:
    both = (PROD, UAT)
    set_live(sandbox, both, "role", "Radiologist", permissions=json.dumps({"study_share": 0}))
    set_live(sandbox, both, "group", "Radiology", must_approve=1)
    conditions = [{"lv": "modality", "op": "in", "rv": ["CT", "MR", "PT"]}]
    set_live(sandbox, both, "route", "CT and MR to PACS", conditions=json.dumps(conditions))
    set_live(sandbox, both, "webhook", "Reporting System - New Study", retry=0)
    # the top-level variable webhooks_suspended, which only production reads (UAT has its
    # own): both of its uses changed alike
    for hook in ("Reporting System - New Study", "Reporting System - Report Signed"):
        set_live(sandbox, (PROD,), "webhook", hook, suspended=1)
    # in one account only, so not adopted:
    set_live(sandbox, (PROD,), "webhook", "Reporting System - New Study", url="https://x.org/n")
    set_live(sandbox, (PROD,), "role", "Cardiologist", description="Reads echo")
    sandbox.ok("/account/set", uuid=account_id(sandbox, PROD), session_expire=45)


def test_adopt_edits_only_the_lines_of_the_changed_values(northshore, sandbox, ambraconf):
    before = texts(northshore)
    change_by_hand(sandbox)

    run = ambraconf("adopt", str(northshore))

    assert run.code == 2, run.out + run.err  # some drift was not adopted
    assert changed_lines(before, texts(northshore)) == {
        "accounts.yaml": [
            ("webhooks_suspended: false", "webhooks_suspended: true"),
            ("session_expire: 30", "session_expire: 45"),
        ],
        "shared/roles.yaml": [("study_share: true", "study_share: false")],
        "shared/groups.yaml": [("must_approve: false", "must_approve: true")],
        "shared/routes.yaml": [
            ("- {lv: modality, op: in, rv: [CT, MR]}", "- {lv: modality, op: in, rv: [CT, MR, PT]}")
        ],
        "shared/webhooks.yaml": [("retry: true", "retry: false")],
    }
    assert "+++ b/" in run.out or "+++ " in run.out  # the diff of each file is shown
    assert f"{PROD}/webhook/Reporting System - New Study suspended = true (variable " in run.out
    assert plan_changes(ambraconf, northshore) == {
        (PROD, "webhook", "Reporting System - New Study"): {"url"},
        (PROD, "role", "Cardiologist"): {"description"},
    }
    assert "Adopted 11 values into 5 files; 2 differences not adopted." in run.out
    left = run.out.split("Not adopted (still drift):")[1]
    assert "url: comes from variable reporting_url at " in left
    assert "it is also part of a text at " in left  # ${var:reporting_url}/reports
    assert f"{PROD}/role/Cardiologist description: written once at " in left
    assert f"{UAT}/role/Cardiologist would change too" in left


def test_a_second_adopt_writes_nothing_and_still_reports_what_is_left(
    northshore, sandbox, ambraconf
):
    change_by_hand(sandbox)
    ambraconf("adopt", str(northshore))
    adopted = texts(northshore)

    run = ambraconf("adopt", str(northshore))

    assert run.code == 2
    assert texts(northshore) == adopted
    assert "--- " not in run.out  # no diff
    assert run.out.endswith("No values adopted; 2 differences not adopted.\n")


def test_dry_run_shows_the_diff_and_writes_nothing(northshore, sandbox, ambraconf):
    before = texts(northshore)
    sandbox.ok("/account/set", uuid=account_id(sandbox, PROD), session_expire=45)

    run = ambraconf("adopt", str(northshore), "--dry-run")

    assert run.code == 0, run.out + run.err
    assert "-      session_expire: 30\n+      session_expire: 45\n" in run.out
    assert "Would adopt 1 value into 1 file (dry run: nothing written)." in run.out
    as_json = ambraconf("adopt", str(northshore), "--dry-run", "--format", "json")
    document = json.loads(as_json.out)
    assert (as_json.code, document["dry_run"], document["complete"]) == (0, True, True)
    [adopted] = document["adopted"]
    assert (adopted["address"], adopted["field"], adopted["value"]) == (
        f"{PROD}/account/{PROD}",
        "session_expire",
        45,
    )
    assert "+      session_expire: 45\n" in document["files"][0]["diff"]
    assert texts(northshore) == before


def test_account_and_target_choose_what_is_adopted(northshore, sandbox, ambraconf):
    sandbox.ok("/account/set", uuid=account_id(sandbox, PROD), session_expire=45)
    sandbox.ok("/account/set", uuid=account_id(sandbox, UAT), session_expire=60)
    set_live(sandbox, (PROD, UAT), "group", "Radiology", must_approve=1)

    run = ambraconf("adopt", str(northshore), "--account", UAT, "--target", f"account/{UAT}")

    assert run.code == 0, run.out + run.err
    assert plan_changes(ambraconf, northshore) == {
        (PROD, "account", PROD): {"session_expire"},
        (PROD, "group", "Radiology"): {"must_approve"},
        (UAT, "group", "Radiology"): {"must_approve"},
    }


def test_a_key_the_files_leave_out_is_added_to_its_mapping(northshore, sandbox, ambraconf):
    """Front Desk is an exact role: a permission granted by hand is drift, and its
    adoption is a new key under the role's permissions, indented like its siblings."""
    before = texts(northshore)["shared/roles.yaml"]
    set_live(sandbox, (PROD, UAT), "role", "Front Desk", permissions=json.dumps({"study_share": 1}))

    run = ambraconf("adopt", str(northshore))

    assert run.code == 0, run.out + run.err
    after = texts(northshore)["shared/roles.yaml"]
    # after the last key of the permissions (the custom field flags, the file's last lines)
    assert after == before + "          study_share: true\n"
    assert plan_changes(ambraconf, northshore) == {}


def test_a_member_changed_by_hand_is_adopted_in_its_list(northshore, sandbox, ambraconf):
    for account in (PROD, UAT):
        users = sandbox.ok("/account/user/list", uuid=account_id(sandbox, account))["users"]
        user = next(u for u in users if u.get("user_email") == "s.okafor@northshorehealth.org")
        sandbox.ok(
            "/group/user/add",
            uuid=uuid_of(sandbox, account, "group", "Cardiology"),
            user_id=user["user_id"],
            event_new_report=0,
            event_upload=1,
        )
    before = texts(northshore)

    run = ambraconf("adopt", str(northshore))

    assert run.code == 0, run.out + run.err
    old = "- {email: s.okafor@northshorehealth.org, event_new_report: true}"
    new = "- {email: s.okafor@northshorehealth.org, event_new_report: false}"
    assert changed_lines(before, texts(northshore)) == {"shared/groups.yaml": [(old, new)]}
    assert plan_changes(ambraconf, northshore) == {}


def test_an_edit_of_the_files_not_applied_yet_is_never_undone(northshore, sandbox, ambraconf):
    accounts = northshore / "accounts.yaml"
    accounts.write_text(accounts.read_text().replace("session_expire: 30", "session_expire: 35"))
    sandbox.ok("/account/set", uuid=account_id(sandbox, PROD), session_expire=45)
    before = texts(northshore)

    run = ambraconf("adopt", str(northshore))

    assert run.code == 2, run.out + run.err
    assert f"{PROD}/account/{PROD}: changed in the files since the last apply" in run.out
    assert texts(northshore) == before


def test_nothing_to_adopt(northshore, ambraconf):
    run = ambraconf("adopt", str(northshore))

    assert (run.code, run.out.strip()) == (
        0,
        "Nothing to adopt: live state matches the configuration.",
    )


def test_an_unknown_account_is_an_error(northshore, ambraconf):
    run = ambraconf("adopt", str(northshore), "--account", "Nowhere")

    assert run.code == 1
    assert "the config has no account 'Nowhere'" in run.err
    assert "Traceback" not in run.err
    targeted = ambraconf("adopt", str(northshore), "--target", "role/Nobody", "--format", "json")
    assert targeted.code == 1
    assert "no object matches --target role/Nobody" in json.loads(targeted.out)["error"]["message"]


def test_a_read_only_file_is_an_error_and_nothing_is_written(northshore, sandbox, ambraconf):
    before = texts(northshore)
    sandbox.ok("/account/set", uuid=account_id(sandbox, PROD), session_expire=45)
    set_live(sandbox, (PROD, UAT), "group", "Radiology", must_approve=1)
    (northshore / "shared" / "groups.yaml").chmod(0o444)

    run = ambraconf("adopt", str(northshore))

    assert run.code == 1
    assert "shared/groups.yaml: permission denied; nothing was written" in run.err
    assert "Traceback" not in run.err
    assert texts(northshore) == before


SPREAD = {
    "account.yaml": """\
variables:
  ehr: https://ehr.example
accounts:
  - name: Sandbox Hospital
    fields:
      session_expire: 30        # minutes
    roles:
      - name: Radiologist
        description: Reads ${env:SITE_WORD} studies
    webhooks:
      - name: Notify EHR
        event: ROUTE_RULE
        url: ${var:ehr}/hook
        method: POST_JSON
""",
    "groups.yaml": """\
# the account's groups, in a file of their own
accounts:
  - name: Sandbox Hospital
    groups:
      - name: Cardiology
        must_approve: false
""",
}


def test_an_account_in_two_files_and_values_made_by_interpolation(
    sandbox, ambraconf, monkeypatch, tmp_path
):
    monkeypatch.setenv("SITE_WORD", "all")
    folder = tmp_path / "spread"
    folder.mkdir()
    for name, text in SPREAD.items():
        (folder / name).write_text(text)
    applied(ambraconf, folder)
    account = sandbox.account_id
    group = next(g for g in sandbox.ok("/group/list", account_id=account)["groups"])
    sandbox.ok("/group/set", uuid=group["uuid"], must_approve=1)
    sandbox.ok("/account/set", uuid=account, session_expire=60)
    roles = sandbox.ok("/role/list", account_id=account)["roles"]
    role = next(r for r in roles if r["name"] == "Radiologist")
    sandbox.ok("/role/set", uuid=role["uuid"], description="Reads some studies")
    hook = sandbox.ok("/webhook/list", account_id=account)["webhooks"][0]
    sandbox.ok("/webhook/set", uuid=hook["uuid"], url="https://ehr.example/v2/hook")
    before = texts(folder)

    run = ambraconf("adopt", str(folder))

    assert run.code == 2, run.out + run.err
    assert changed_lines(before, texts(folder)) == {
        "account.yaml": [
            ("session_expire: 30        # minutes", "session_expire: 60        # minutes")
        ],
        "groups.yaml": [("must_approve: false", "must_approve: true")],
    }
    left = run.out.split("Not adopted (still drift):")[1]
    assert "role/Radiologist description: comes from environment variable SITE_WORD at " in left
    assert "webhook/Notify EHR url: comes from variable ehr at " in left
    assert "('${var:ehr}/hook')" in left


DICTIONARY = """\
accounts:
  - name: Sandbox Hospital
    customfields:
      - {name: Body Part, object: Study}
    dictionaries:
      - name: Modalities
        object: Study
        lookup: [modality]
        replace: [study_description, "customfield:Body Part"]
        entries_exact: true               # live entries the files lack are drift
        entries:                          # by lookup
          - {lookup: [CT], replace: [Computed tomography, CHEST]}
          - {lookup: [MR], replace: [Magnetic resonance, HEAD]}
"""


def test_dictionary_entries_are_adopted_one_by_one(sandbox, ambraconf, tmp_path):
    folder = tmp_path / "dictionary"
    folder.mkdir()
    (folder / "account.yaml").write_text(DICTIONARY)
    applied(ambraconf, folder)
    [found] = sandbox.ok("/dictionary/list", account_id=sandbox.account_id)["dictionaries"]
    add = {"uuid": found["uuid"]}
    sandbox.ok("/dictionary/entry/add", **add, lookup=["CT"], replace=["CT scan", "CHEST"])
    sandbox.ok("/dictionary/entry/add", **add, lookup=["US"], replace=["Ultrasound", "ABDOMEN"])

    run = ambraconf("adopt", str(folder))

    assert run.code == 0, run.out + run.err
    assert (folder / "account.yaml").read_text() == DICTIONARY.replace(
        "[Computed tomography, CHEST]", "[CT scan, CHEST]"
    ) + "          - {lookup: [US], replace: [Ultrasound, ABDOMEN]}\n"
    assert plan_changes(ambraconf, folder) == {}


def test_a_text_kept_in_a_file_of_its_own_is_not_written_into_the_yaml(
    northshore, sandbox, ambraconf
):
    codes = sandbox.ok("/customcode/list", account_id=account_id(sandbox, PROD))["customcodes"]
    code = next(c for c in codes if c["name"] == "CT protocol check")
    for deployment in code["deployments"]:
        sandbox.ok("/customcode/undeploy", deployment_id=deployment["uuid"])
    sandbox.ok("/customcode/set", uuid=code["uuid"], code="def check(study):\n    return 1\n")
    for deployment in code["deployments"]:
        sandbox.ok("/customcode/deploy", uuid=code["uuid"], namespace_id=deployment["namespace_id"])
    before = texts(northshore)

    run = ambraconf("adopt", str(northshore), "--account", PROD)

    assert run.code == 2, run.out + run.err
    assert "code: its text is kept in the file that code_file: names; edit that file" in run.out
    assert texts(northshore) == before


def test_new_appends_a_live_only_object_to_the_account_s_own_list(northshore, sandbox, ambraconf):
    prod = account_id(sandbox, PROD)
    [node] = sandbox.ok("/node/list", account_id=prod)["nodes"]
    sandbox.ok(
        "/destination/add",
        account_id=prod,
        node_id=node["uuid"],
        name="NSH Mammo PACS",
        aetitle="NSHMAMMO",
        address="10.20.0.12",
        port=104,
    )
    before = texts(northshore)

    without = ambraconf("adopt", str(northshore), "--dry-run")
    run = ambraconf("adopt", str(northshore), "--new")

    assert without.code == 0, without.out + without.err  # destinations are not pruned
    assert "Nothing to adopt" in without.out
    assert run.code == 2, run.out + run.err
    assert f"{PROD}/destination/NSH Mammo PACS: new object at " in run.out
    no_list = "only live, and the account has no users: list of its own to add it to"
    assert f"{UAT}/account_user/admin@sandbox.local: {no_list}" in run.out
    accounts = texts(northshore)["accounts.yaml"]
    last = "        port: 104\n"
    assert accounts == before["accounts.yaml"].replace(
        last + "    prune:",
        last
        + "      - name: NSH Mammo PACS\n        node: NSH Gateway\n        aetitle: NSHMAMMO\n"
        + "        address: 10.20.0.12\n        port: 104\n    prune:",
    )
    assert {k: v for k, v in texts(northshore).items() if k != "accounts.yaml"} == {
        k: v for k, v in before.items() if k != "accounts.yaml"
    }
    assert plan_changes(ambraconf, northshore) == {}
