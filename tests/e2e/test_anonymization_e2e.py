"""Anonymization end to end: profiles, and namespaces (the account's, groups', locations')
connected to one by name or holding rules of their own; a connected profile's rules
changed in the order the API accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from e2e_helpers import applied, apply_order, config_folder, no_changes

from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"
CONFIG = """\
accounts:
  - name: Sandbox Hospital
    fields:
      anonymization:
        rules: {patient_name: "s/.*/ANON/"}
        prompt_for_anonymize: true
    anonymization_profiles:
      - name: Research export
        rules:
          patient_name: "s/.*/RESEARCH/"
          patientid: "s/.*/__MD5_HASH__/"
          OTHER_INGRESS_TAGS: "s/.*//"
    groups:
      - name: Radiology
        anonymization: {profile: Research export}
    locations:
      - name: Main Street
        anonymization:
          rules: {study_description: "s/.*//"}
"""
RULES = {
    "patient_name": "s/.*/RESEARCH/",
    "patientid": "s/.*/__MD5_HASH__/",
    "OTHER_INGRESS_TAGS": "s/.*//",
}


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return config_folder(tmp_path / "config", CONFIG)


ANONYMIZATION = ("--allow-dangerous", "anonymization")
"""Changing anonymization that is set is a dangerous change: these applies acknowledge it
(the refusal itself is tested below)."""


def edit(folder: Path, old: str, new: str) -> None:
    path = folder / "account.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def profiles(sandbox: SandboxHandle) -> dict[str, dict]:
    listed = sandbox.ok("/anonymization/list", account_id=sandbox.account_id)
    return {p["name"]: p for p in listed["anonymization_profiles"]}


def namespace(sandbox: SandboxHandle, kind: str, name: str) -> str:
    listed = sandbox.ok(f"/{kind}/list", account_id=sandbox.account_id)[f"{kind}s"]
    return next(o["namespace_id"] for o in listed if o["name"] == name)


def anonymize(sandbox: SandboxHandle, namespace_id: str) -> dict:
    return sandbox.ok("/namespace/anonymize", uuid=namespace_id)


def test_apply_connects_the_profile_by_name_and_plans_nothing_after(
    ambraconf, sandbox: SandboxHandle, config: Path
):
    order = apply_order(ambraconf, config)
    assert order.index("anonymization_profile Research export") < order.index("group Radiology")
    out = applied(ambraconf, config, *ANONYMIZATION)
    assert "3 created, 1 updated" in out
    profile = profiles(sandbox)["Research export"]
    # OTHER_INGRESS_TAGS comes back expanded, which must not show as a change
    assert json.loads(profile["rules"]) != RULES
    radiology = namespace(sandbox, "group", "Radiology")
    assert anonymize(sandbox, radiology)["anonymization_id"] == profile["uuid"]
    assert profile["namespaces"] == [{"uuid": radiology, "name": "Radiology"}]
    street = anonymize(sandbox, namespace(sandbox, "location", "Main Street"))
    assert json.loads(street["rules"]) == {"study_description": "s/.*//"}
    own = sandbox.ok("/account/get", uuid=sandbox.account_id)["namespace_id"]
    assert (
        json.loads(anonymize(sandbox, own)["rules"]),
        anonymize(sandbox, own)["prompt_for_anonymize"],
    ) == ({"patient_name": "s/.*/ANON/"}, 1)
    no_changes(ambraconf, config)


def test_a_connected_profiles_rules_change_by_disconnecting_and_reconnecting(
    ambraconf, sandbox: SandboxHandle, config: Path
):
    applied(ambraconf, config, *ANONYMIZATION)
    # a namespace no file manages is connected too: it is reconnected as well
    other = sandbox.ok("/location/add", account_id=sandbox.account_id, name="Annex")
    profile = profiles(sandbox)["Research export"]["uuid"]
    sandbox.ok("/namespace/anonymize", uuid=other["namespace_id"], anonymization_id=profile)
    edit(config, '"s/.*/RESEARCH/"', '"s/.*/STUDY-__COUNTER-0001__/"')
    plan = ambraconf("plan", str(config)).out
    assert '~ anonymization_profile "Research export"' in plan
    assert 'group "Radiology"' not in plan
    applied(ambraconf, config, *ANONYMIZATION)
    live = profiles(sandbox)["Research export"]
    assert json.loads(live["rules"])["patient_name"] == "s/.*/STUDY-__COUNTER-0001__/"
    assert sorted(ns["name"] for ns in live["namespaces"]) == ["Annex", "Radiology"]
    no_changes(ambraconf, config)


def test_a_group_moves_from_a_profile_to_rules_while_the_profile_changes(
    ambraconf, sandbox: SandboxHandle, config: Path
):
    applied(ambraconf, config, *ANONYMIZATION)
    edit(config, '"s/.*/RESEARCH/"', '"s/.*/R/"')
    edit(
        config,
        "anonymization: {profile: Research export}",
        'anonymization: {rules: {patient_sex: "s/.*//"}}',
    )
    applied(ambraconf, config, *ANONYMIZATION)
    radiology = anonymize(sandbox, namespace(sandbox, "group", "Radiology"))
    assert radiology["anonymization_id"] is None
    assert json.loads(radiology["rules"]) == {"patient_sex": "s/.*//"}
    assert profiles(sandbox)["Research export"]["namespaces"] == []
    no_changes(ambraconf, config)
    # and back to the profile
    edit(
        config,
        'anonymization: {rules: {patient_sex: "s/.*//"}}',
        "anonymization: {profile: Research export}",
    )
    applied(ambraconf, config, *ANONYMIZATION)
    radiology = anonymize(sandbox, namespace(sandbox, "group", "Radiology"))
    assert (radiology["anonymization_id"], json.loads(radiology["rules"])) == (
        profiles(sandbox)["Research export"]["uuid"],
        {},
    )
    no_changes(ambraconf, config)


def test_drift_names_what_changed_outside_and_apply_converges(
    ambraconf, sandbox: SandboxHandle, config: Path
):
    applied(ambraconf, config, *ANONYMIZATION)
    street = namespace(sandbox, "location", "Main Street")
    sandbox.ok("/namespace/anonymize", uuid=street, rules={"study_description": "s/.*/X/"})
    radiology = namespace(sandbox, "group", "Radiology")
    sandbox.ok("/namespace/anonymize", uuid=radiology, anonymization_id="")
    # disconnected, as an apply killed between its disconnect and its set leaves it
    profile_id = profiles(sandbox)["Research export"]["uuid"]
    sandbox.ok("/anonymization/set", uuid=profile_id, rules={"patient_name": "s/.*/R/"})
    run = ambraconf("drift", str(config), "--format", "json")
    assert run.code == 2, run.err
    drifted = {o["address"]: o for a in json.loads(run.out)["accounts"] for o in a["objects"]}
    [rules] = drifted[f"{ACCOUNT}/location/Main Street"]["differences"]
    assert (rules["field"], rules["git"], rules["live"]) == (
        "anonymization.rules",
        {"study_description": "s/.*//"},
        {"study_description": "s/.*/X/"},
    )
    [profile] = drifted[f"{ACCOUNT}/group/Radiology"]["differences"]
    assert (profile["field"], profile["git"], profile["live"]) == (
        "anonymization.profile",
        "Research export",
        None,
    )
    [rules] = drifted[f"{ACCOUNT}/anonymization_profile/Research export"]["differences"]
    assert (rules["field"], rules["live"]) == ("rules", {"patient_name": "s/.*/R/"})
    applied(ambraconf, config, *ANONYMIZATION)
    assert json.loads(profiles(sandbox)["Research export"]["rules"])["patient_name"] == (
        "s/.*/RESEARCH/"
    )
    assert anonymize(sandbox, radiology)["anonymization_id"] == profile_id
    no_changes(ambraconf, config)


def test_export_round_trips_profiles_and_namespaces(
    ambraconf, sandbox: SandboxHandle, config: Path, tmp_path: Path
):
    applied(ambraconf, config, *ANONYMIZATION)
    exported = tmp_path / "exported"
    run = ambraconf("export", "--account", ACCOUNT, "--out", str(exported))
    assert run.code == 0, run.err
    written = yaml.safe_load((exported / "anonymization_profiles.yaml").read_text())
    assert written["accounts"][0]["anonymization_profiles"] == [
        {"name": "Research export", "rules": RULES}
    ]
    groups = yaml.safe_load((exported / "groups.yaml").read_text())["accounts"][0]["groups"]
    assert groups[0]["anonymization"] == {"profile": "Research export"}
    no_changes(ambraconf, exported)


def test_a_pruned_profile_is_deleted_after_the_group_stops_naming_it(
    ambraconf, sandbox: SandboxHandle, config: Path
):
    applied(ambraconf, config, *ANONYMIZATION)
    path = config / "account.yaml"
    text = path.read_text()
    start, end = text.index("    anonymization_profiles:\n"), text.index("    groups:\n")
    path.write_text(text[:start] + "    prune: {anonymization_profiles: true}\n" + text[end:])
    edit(config, "anonymization: {profile: Research export}", "anonymization: {rules: {}}")
    out = applied(ambraconf, config, *ANONYMIZATION)
    assert "1 updated, 1 deleted" in out
    assert profiles(sandbox) == {}
    no_changes(ambraconf, config)


def test_validate_points_at_each_mistake(ambraconf, config: Path):
    edit(config, 'patient_name: "s/.*/RESEARCH/"', 'patient_nmae: "s/.*/RESEARCH/"')
    edit(config, 'patientid: "s/.*/__MD5_HASH__/"', 'patientid: "__MD5_HASH__"')
    edit(config, 'OTHER_INGRESS_TAGS: "s/.*//"', '"(0010,0010)": "s/(//"')
    edit(
        config,
        "anonymization: {profile: Research export}",
        'anonymization: {profile: Research export, rules: {patient_sex: "s/.*//"}}',
    )
    run = ambraconf("validate", str(config))
    assert run.code == 1
    where = f"{config / 'account.yaml'}:"
    profile = "accounts[0].anonymization_profiles[0].rules"
    assert run.out.splitlines()[:-1] == [
        f"{where}10:11: {profile}.patient_nmae: unknown anonymization field 'patient_nmae' "
        "(did you mean 'patient_name'?)",
        f"{where}11:22: {profile}.patientid: expected a substitution like s/.*/ANON/ "
        "(s, pattern, replacement), got '__MD5_HASH__'",
        f"{where}12:11: {profile}[\"(0010,0010)\"]: unknown anonymization field '(0010,0010)': "
        "the API takes no DICOM tags here: OTHER_INGRESS_TAGS stands for them",
        f"{where}15:51: accounts[0].groups[0].anonymization.rules: a namespace takes a "
        "profile or rules, not both (the API refuses both: ONLY_ONE); put the rules in the "
        "profile, or drop the profile",
    ]


def test_a_group_naming_no_profile_is_an_error(ambraconf, config: Path):
    edit(config, "{profile: Research export}", "{profile: Research exports}")
    run = ambraconf("validate", str(config))
    assert run.code == 1
    assert "anonymization profile 'Research exports': no anonymization profile" in run.out


def test_changing_anonymization_that_is_set_is_refused_until_acknowledged(
    ambraconf, sandbox: SandboxHandle, config: Path
):
    applied(ambraconf, config)  # anonymizing where nothing was is not dangerous
    edit(config, '"s/.*/RESEARCH/"', '"s/.*/R/"')
    plan = ambraconf("plan", str(config)).out
    assert plan.startswith("Dangerous changes (1), refused by apply until acknowledged:")
    assert "changes the rules of an anonymization profile" in plan
    run = ambraconf("apply", str(config), "--auto-approve")
    assert run.code == 1
    assert "(anonymization: rules.patient_name)" in run.err
    assert json.loads(profiles(sandbox)["Research export"]["rules"])["patient_name"] == (
        "s/.*/RESEARCH/"
    )
    applied(ambraconf, config, *ANONYMIZATION)
    no_changes(ambraconf, config)
