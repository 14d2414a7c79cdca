"""An account the config asks to create: only a sysadmin may, and everything goes into it."""

from __future__ import annotations

from pathlib import Path

import pytest

NEW = """accounts:
  - name: Lakeside Imaging
    create: true
    fields:
      session_expire: 60
    roles:
      - {name: Reader, permissions: {study_view: true}}
    groups:
      - {name: Radiology, role: Reader}
      - {name: Front Desk, role: User}
"""


def write(tmp_path: Path) -> Path:
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "a.yaml").write_text(NEW)
    return folder


def test_sysadmin_creates_the_account_with_its_objects(ambraconf, sandbox, tmp_path):
    folder = write(tmp_path)
    plan = ambraconf("plan", str(folder))
    assert plan.code == 0, plan.err
    assert '+ account "Lakeside Imaging"' in plan.out
    run = ambraconf("apply", str(folder), "--auto-approve")
    assert run.code == 0, run.out + run.err
    assert "Apply complete: 4 created" in run.out
    [account] = [
        a for a in sandbox.ok("/account/list")["accounts"] if a["name"] == "Lakeside Imaging"
    ]
    assert str(account["session_expire"]) == "60"
    groups = sandbox.ok("/group/list", account_id=account["uuid"])["groups"]
    assert {g["name"]: g["role_name"] for g in groups} == {
        "Radiology": "Reader",
        "Front Desk": "User",
    }
    again = ambraconf("plan", str(folder), "--detailed-exitcode")
    assert again.code == 0, again.out + again.err


def test_a_user_who_is_not_a_sysadmin_is_stopped_before_any_change(
    ambraconf, sandbox, tmp_path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("AMBRA_LOGIN", sandbox.user_login)
    monkeypatch.setenv("AMBRA_PASSWORD", sandbox.user_password)
    run = ambraconf("apply", str(write(tmp_path)), "--auto-approve")
    assert run.code == 1
    assert "only a sysadmin can create it" in run.err
    names = [a["name"] for a in sandbox.ok("/account/list")["accounts"]]
    assert "Lakeside Imaging" not in names


WITH_DEFAULT_ROLE = NEW.replace(
    "      session_expire: 60\n", "      session_expire: 60\n      role: Reader\n"
)


def test_a_new_account_gets_a_default_role_made_with_it_in_one_apply(ambraconf, sandbox, tmp_path):
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "a.yaml").write_text(WITH_DEFAULT_ROLE)

    plan = ambraconf("plan", str(folder))
    run = ambraconf("apply", str(folder), "--auto-approve")

    assert plan.code == 0, plan.out + plan.err
    assert "role is set at the end of the apply, once the role 'Reader' exists" in plan.out
    assert run.code == 0, run.out + run.err
    assert "Apply complete: 4 created" in run.out
    [account] = [
        a for a in sandbox.ok("/account/list")["accounts"] if a["name"] == "Lakeside Imaging"
    ]
    got = sandbox.ok("/account/get", uuid=account["uuid"])
    assert got["role_name"] == "Reader"
    again = ambraconf("plan", str(folder), "--detailed-exitcode")
    assert again.code == 0, again.out + again.err


def test_a_default_role_that_exists_is_sent_with_the_new_account(ambraconf, sandbox, tmp_path):
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "a.yaml").write_text(NEW.replace("      session_expire: 60\n", "      role: User\n"))

    plan = ambraconf("plan", str(folder))
    run = ambraconf("apply", str(folder), "--auto-approve")

    assert "set at the end of the apply" not in plan.out
    assert run.code == 0, run.out + run.err
    [account] = [
        a for a in sandbox.ok("/account/list")["accounts"] if a["name"] == "Lakeside Imaging"
    ]
    assert sandbox.ok("/account/get", uuid=account["uuid"])["role_name"] == "User"


def test_a_default_role_that_fails_leaves_the_account_failed_and_the_next_apply_sets_it(
    ambraconf, sandbox, tmp_path
):
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "a.yaml").write_text(WITH_DEFAULT_ROLE)
    sandbox.configure(
        fault_rate=1.0, fault_match="^/role/add$", fault_kinds=["500"], fault_timings=["before"]
    )

    failed = ambraconf("apply", str(folder), "--auto-approve")
    sandbox.configure(fault_rate=0.0, fault_match="")
    again = ambraconf("apply", str(folder), "--auto-approve")

    assert failed.code == 1
    assert "Lakeside Imaging/account/Lakeside Imaging: created without role" in failed.err
    assert again.code == 0, again.out + again.err
    [account] = [
        a for a in sandbox.ok("/account/list")["accounts"] if a["name"] == "Lakeside Imaging"
    ]
    assert sandbox.ok("/account/get", uuid=account["uuid"])["role_name"] == "Reader"


WITH_NAMES_MADE_WITH_IT = """accounts:
  - name: Lakeside Imaging
    create: true
    fields:
      role: Reader
      customfields: {Region: North}
    settings:
      default_query_owner_namespace: {group: Radiology}
    customfields:
      - {name: Region, object: Account, type: text}
    roles:
      - {name: Reader, permissions: {study_view: true}}
    groups:
      - {name: Radiology, role: Reader}
"""


def test_custom_field_values_and_settings_naming_objects_made_with_it_are_set_last(
    ambraconf, sandbox, tmp_path
):
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "a.yaml").write_text(WITH_NAMES_MADE_WITH_IT)

    run = ambraconf("apply", str(folder), "--auto-approve")

    assert run.code == 0, run.out + run.err
    assert "customfields is set at the end of the apply" in run.out
    assert "settings is set at the end of the apply" in run.out
    again = ambraconf("plan", str(folder), "--detailed-exitcode")
    assert again.code == 0, again.out + again.err


@pytest.mark.parametrize("role", ["Reader", "Admin"])
def test_a_config_listing_its_creator_sets_their_membership(ambraconf, sandbox, tmp_path, role):
    """The account's add makes its creator a member (as Admin): a config that lists them
    sets that membership (or finds it as wanted) instead of adding it, which the API
    refuses with ALREADY_EXISTS."""
    folder = write(tmp_path)
    listed = NEW + f"    users:\n      - {{email: {sandbox.admin_login}, role: {role}}}\n"
    (folder / "a.yaml").write_text(listed)
    plan = ambraconf("plan", str(folder))
    assert plan.code == 0, plan.err
    assert "which makes you a member as Admin" in plan.out
    assert f'account_user "{sandbox.admin_login}"' in plan.out
    assert "+ account_user" not in plan.out
    run = ambraconf("apply", str(folder), "--auto-approve")
    assert run.code == 0, run.out + run.err
    [account] = [
        a for a in sandbox.ok("/account/list")["accounts"] if a["name"] == "Lakeside Imaging"
    ]
    users = sandbox.ok("/account/user/list", uuid=account["uuid"])["users"]
    assert [(u["user_email"], u["role_name"]) for u in users] == [(sandbox.admin_login, role)]
    again = ambraconf("plan", str(folder), "--detailed-exitcode")
    assert again.code == 0, again.out + again.err
