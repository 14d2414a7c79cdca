"""`ambraconf drift` against the sandbox: out-of-band changes, pending applies, every format."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

import markdown
from e2e_helpers import applied

from ambraconf.engine.records import key
from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"
ROLE = f"{ACCOUNT}/role/Radiologist"
ROUTE = f"{ACCOUNT}/route/Cardiology/STAT to PACS"
WEBHOOK = f"{ACCOUNT}/webhook/Notify EHR"
LOCUM = f"{ACCOUNT}/role/Locum"


def uuid_of(sandbox: SandboxHandle, endpoint: str, key_: str, name: str) -> str:
    items = sandbox.ok(endpoint, account_id=sandbox.account_id)[key_]
    return next(i["uuid"] for i in items if i["name"] == name)


def change_by_hand(sandbox: SandboxHandle) -> None:
    """A field edited, an object deleted and one added, as someone would in the web UI."""
    role = uuid_of(sandbox, "/role/list", "roles", "Radiologist")
    sandbox.ok("/role/set", uuid=role, description="Reads everything")
    sandbox.ok("/route/delete", uuid=uuid_of(sandbox, "/route/list", "routes", "STAT to PACS"))
    sandbox.ok("/role/add", account_id=sandbox.account_id, name="Locum")


def drift_json(ambraconf, clinic: Path, *args: str) -> tuple[int, dict]:
    run = ambraconf("drift", str(clinic), "--format", "json", *args)
    assert run.code in (0, 2), run.err
    return run.code, json.loads(run.out)


def objects(report: dict) -> dict[str, dict]:
    return {o["address"]: o for a in report["accounts"] for o in a["objects"]}


def git(folder: Path, *args: str) -> str:
    command = ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    return subprocess.run([*command, *args], check=True, capture_output=True, text=True).stdout


def test_no_drift_after_apply_is_exit_0_and_every_format_says_so(
    ambraconf, with_pacs, clinic: Path
):
    applied(ambraconf, clinic)
    text = ambraconf("drift", str(clinic))
    assert text.code == 0, text.err
    assert "No drift: live state matches the configuration (6 objects)." in text.out
    assert "Account Sandbox Hospital (last apply: " in text.out
    code, report = drift_json(ambraconf, clinic)
    assert (code, report["drift"], report["summary"]["drifted"]) == (0, False, 0)
    junit = ambraconf("drift", str(clinic), "--format", "junit")
    assert junit.code == 0
    suites = ET.fromstring(junit.out)
    assert (suites.get("tests"), suites.get("failures")) == ("6", "0")
    md = ambraconf("drift", str(clinic), "--format", "markdown")
    assert md.code == 0
    assert "**No drift: live state matches the configuration" in md.out


def test_out_of_band_changes_are_exactly_what_every_format_reports(
    ambraconf, with_pacs, clinic: Path
):
    applied(ambraconf, clinic)
    change_by_hand(with_pacs)

    code, report = drift_json(ambraconf, clinic)
    assert code == 2
    found = {a: (o["status"], o["cause"], o["counted"]) for a, o in objects(report).items()}
    assert found == {
        ROLE: ("differs", "outside", True),
        ROUTE: ("missing", "outside", True),
        LOCUM: ("not_in_git", None, False),
    }
    assert objects(report)[ROLE]["differences"] == [
        {"field": "description", "git": "Reads studies", "live": "Reads everything"}
        | {"secret": False, "note": None}
    ]
    assert report["url"] == with_pacs.url
    assert report["login"] == with_pacs.admin_login
    assert report["accounts"][0]["last_apply"]["complete"] is True

    text = ambraconf("drift", str(clinic))
    assert text.code == 2
    assert '~ role "Radiologist" differs' in text.out
    assert 'description: in git "Reads studies", live "Reads everything"' in text.out
    assert '+ route "Cardiology/STAT to PACS" is missing live' in text.out
    assert "deleted outside ambraconf since the last apply" in text.out
    assert '    role "Locum"' in text.out
    assert "Drift: 2 objects (1 differs, 1 missing live)." in text.out

    junit = ambraconf("drift", str(clinic), "--format", "junit")
    assert junit.code == 2
    cases = list(ET.fromstring(junit.out).iter("testcase"))
    failed = {(c.get("classname"), c.get("name")) for c in cases if c.find("failure") is not None}
    skipped = {c.get("name") for c in cases if c.find("skipped") is not None}
    assert failed == {
        (f"{ACCOUNT}.role", "Radiologist"),
        (f"{ACCOUNT}.route", "Cardiology/STAT to PACS"),
    }
    assert skipped == {"Locum"}

    md = ambraconf("drift", str(clinic), "--format", "markdown")
    assert md.code == 2
    page = ET.fromstring(f"<div>{markdown.markdown(md.out, extensions=['tables'])}</div>")
    titles = {"".join(d.find("summary").itertext()) for d in page.iter("details")}
    assert titles == {
        "Differs: role Radiologist (changed outside ambraconf)",
        "Missing live: route Cardiology/STAT to PACS (deleted outside ambraconf)",
        "Live but in no file: 1 object (not counted as drift)",
    }


def test_live_objects_in_no_file_count_as_drift_only_when_asked(ambraconf, with_pacs, clinic: Path):
    applied(ambraconf, clinic)
    with_pacs.ok("/role/add", account_id=with_pacs.account_id, name="Locum")
    run = ambraconf("drift", str(clinic))
    assert run.code == 0
    assert "live objects are in no file" in run.out
    counted = ambraconf("drift", str(clinic), "--include-unmanaged")
    assert counted.code == 2
    assert '? role "Locum" is live but in no file' in counted.out


def test_a_change_merged_in_git_but_not_applied_is_pending_not_outside(
    ambraconf, with_pacs, clinic: Path
):
    git(clinic, "init", "-q")
    git(clinic, "add", "-A")
    git(clinic, "commit", "-qm", "clinic")
    first = git(clinic, "rev-parse", "--short", "HEAD").strip()
    applied(ambraconf, clinic)
    config = clinic / "clinic.yaml"
    config.write_text(
        config.read_text().replace("https://ehr.example/hook", "https://ehr2.example")
    )
    git(clinic, "commit", "-qam", "new EHR address")
    second = git(clinic, "rev-parse", "--short", "HEAD").strip()
    change_by_hand(with_pacs)

    code, report = drift_json(ambraconf, clinic)
    assert code == 2
    assert report["config_revision"] == second
    assert report["accounts"][0]["last_apply"]["revision"] == first
    found = objects(report)
    assert (found[WEBHOOK]["cause"], found[ROLE]["cause"]) == ("pending", "outside")
    assert found[WEBHOOK]["explanation"] == (
        f"pending apply of revision {second}: changed in the config since the last apply"
    )
    text = ambraconf("drift", str(clinic)).out
    assert f"(last apply: revision {first} at " in text

    applied(ambraconf, clinic)
    code, report = drift_json(ambraconf, clinic)
    assert code == 0  # Locum is still live and in no file, but that is not drift
    assert report["accounts"][0]["last_apply"]["revision"] == second


def test_apply_records_revision_and_digests_never_secrets(
    ambraconf, with_pacs, clinic: Path, monkeypatch
):
    monkeypatch.setenv("EHR_PASSWORD", "correct horse battery")
    config = clinic / "clinic.yaml"
    config.write_text(
        config.read_text().replace(
            "        parameters:\n",
            "        auth: {basic: {username: ambra, password: '${env:EHR_PASSWORD}'}}\n"
            "        parameters:\n",
        )
    )
    applied(ambraconf, clinic)
    stored = with_pacs.ok("/setting/get", key=key(with_pacs.account_id))["value"]
    record = json.loads(stored)
    assert "correct horse battery" not in stored
    assert record["version"] == 1
    assert record["complete"] is True
    assert set(record["objects"]) == {
        f"account/{ACCOUNT}",
        "customfield/Study/Priority",
        "role/Radiologist",
        "group/Cardiology",
        "webhook/Notify EHR",
        "route/Cardiology/STAT to PACS",
    }
    code, report = drift_json(ambraconf, clinic)
    assert code == 0
    monkeypatch.setenv("EHR_PASSWORD", "rotated in git")
    code, report = drift_json(ambraconf, clinic)
    webhook = objects(report)[WEBHOOK]
    assert (code, webhook["cause"]) == (2, "pending")
    assert webhook["differences"][0]["git"] == "(sensitive value)"
    assert "rotated" not in json.dumps(report) and "correct horse" not in json.dumps(report)


def test_a_partial_apply_records_only_what_was_done(ambraconf, with_pacs, clinic: Path):
    with_pacs.ok("/location/add", account_id=with_pacs.account_id, name="Taken", share_code="CARD")
    config = clinic / "clinic.yaml"
    config.write_text(
        config.read_text().replace(
            "        role: Radiologist\n", "        role: Radiologist\n        share_code: CARD\n"
        )
    )
    assert ambraconf("apply", str(clinic), "--auto-approve").code == 1
    code, report = drift_json(ambraconf, clinic)
    assert code == 2
    assert report["accounts"][0]["last_apply"]["complete"] is False
    found = objects(report)
    group, route = found[f"{ACCOUNT}/group/Cardiology"], found[ROUTE]
    assert (group["status"], group["cause"]) == ("missing", "pending")
    assert group["explanation"] == "pending apply of the current config: not applied yet"
    assert (route["status"], route["cause"]) == ("missing", "pending")
    assert set(found) == {f"{ACCOUNT}/group/Cardiology", ROUTE}
    assert "(partial)" in ambraconf("drift", str(clinic)).out


def test_without_an_apply_record_the_cause_is_unknown(ambraconf, with_pacs, clinic: Path):
    applied(ambraconf, clinic)
    with_pacs.ok("/setting/set", key=key(with_pacs.account_id), value="__DELETE__")
    change_by_hand(with_pacs)
    code, report = drift_json(ambraconf, clinic)
    assert code == 2
    assert report["accounts"][0]["last_apply"] is None
    assert {o["cause"] for o in objects(report).values() if o["counted"]} == {"unknown"}
    text = ambraconf("drift", str(clinic)).out
    assert "(no apply recorded, so a difference may be a change made outside ambraconf" in text


def test_output_writes_the_report_and_prints_the_summary(
    ambraconf, with_pacs, clinic: Path, tmp_path: Path
):
    applied(ambraconf, clinic)
    change_by_hand(with_pacs)
    target = tmp_path / "drift.xml"
    run = ambraconf("drift", str(clinic), "--format", "junit", "--output", str(target))
    assert run.code == 2
    assert run.out.strip() == (
        f"Drift: 2 objects (1 differs, 1 missing live). Wrote the junit report to {target}."
    )
    assert ET.parse(target).getroot().get("failures") == "2"


def test_errors_are_messages_with_exit_1(ambraconf, with_pacs, clinic: Path, tmp_path: Path):
    missing = ambraconf("drift", str(tmp_path / "nowhere"))
    assert missing.code == 1
    assert "Traceback" not in missing.err
    unknown = ambraconf("drift", str(clinic), "--account", "Elsewhere")
    assert unknown.code == 1
    assert "the config has no account 'Elsewhere'" in unknown.err
    unwritable = ambraconf("drift", str(clinic), "--output", str(tmp_path / "no" / "r.txt"))
    assert unwritable.code == 1
    assert "cannot write the report" in unwritable.err
