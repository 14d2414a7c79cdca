"""An apply that dies or loses answers in the middle of a replace is finished by the next
one: no object left twice, nothing left pointing at a deleted object.

The clinic's custom field Priority is replaced (its ``type`` can only be set on add); its
role and its route name it, so both are set again, and the old field is deleted last. The
sandbox holds, fails or loses chosen requests (``fault_nth`` with ``fault_match``), and a
real apply process is killed with SIGKILL while the sandbox holds its request.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ambraconf.sandbox.harness import SandboxHandle

REPLACED = ("type: select", "type: radio")
"""The edit that makes the clinic's custom field a replace."""


def edit(clinic: Path, old: str, new: str) -> None:
    config = clinic / "clinic.yaml"
    text = config.read_text()
    assert old in text
    config.write_text(text.replace(old, new))


def applied(ambraconf, clinic: Path) -> str:
    run = ambraconf("apply", str(clinic), "--auto-approve")
    assert run.code == 0, run.out + run.err
    return run.out


def assert_no_changes(ambraconf, clinic: Path) -> None:
    run = ambraconf("plan", str(clinic), "--detailed-exitcode")
    assert run.code == 0, run.out + run.err
    assert "No changes." in run.out


def priority_fields(sandbox: SandboxHandle) -> list[dict]:
    fields = sandbox.ok("/customfield/list", account_id=sandbox.account_id)["customfields"]
    return [f for f in fields if f["name"] == "Priority"]


def assert_replaced_once(sandbox: SandboxHandle) -> None:
    """One Priority, the new one, and the role and route that name it point at it."""
    fields = priority_fields(sandbox)
    assert [f["type"] for f in fields] == ["radio"], fields
    uuid = fields[0]["uuid"]
    account = sandbox.account_id
    roles = sandbox.ok("/role/list", account_id=account)["roles"]
    role = next(r for r in roles if r["name"] == "Radiologist")
    assert role["permissions"][f"study_field_customfield_{uuid}"] == "R"
    route = sandbox.ok("/route/list", account_id=account)["routes"][0]
    assert [c["lv"] for c in route["conditions"]] == [f"customfield-{uuid}", "modality"]


def kill_apply_at(
    sandbox: SandboxHandle,
    clinic: Path,
    match: str,
    timing: str,
    *options: str,
    nth: int = 1,
) -> None:
    """Run ``apply`` in its own process; the sandbox holds the ``nth`` request carrying a
    call that matches ``match`` (before running it, or after it committed), and the
    process is killed with SIGKILL while it waits for the answer."""
    sandbox.configure(
        fault_nth=nth, fault_match=match, fault_kinds=["hang"], fault_timings=[timing]
    )
    env = {
        **os.environ,
        "AMBRA_URL": sandbox.url,
        "AMBRA_LOGIN": sandbox.admin_login,
        "AMBRA_PASSWORD": sandbox.admin_password,
    }
    env.pop("AMBRA_SID", None)
    command = "from ambraconf.cli import main; main()"
    process = subprocess.Popen(
        [sys.executable, "-c", command, "apply", str(clinic), "--auto-approve", *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        held = f"hang-{timing}"
        guard = time.monotonic() + 60  # a guard against a hung test, not a measurement
        while not sandbox.stats()["faults"].get(held) and process.poll() is None:
            assert time.monotonic() < guard, "apply never reached the held request"
            time.sleep(0.05)
        assert process.poll() is None, process.communicate()[1]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    finally:
        process.kill()
        sandbox.configure(fault_nth=0)  # lets the held request go
    assert process.returncode == -signal.SIGKILL


@pytest.mark.parametrize(
    ("match", "timing"),
    [
        ("/customfield/add$", "before"),  # the old field recorded as retiring, nothing added
        ("/customfield/add$", "after"),  # the new field added, its answer never read
        ("/route/set$", "before"),  # the role points at the new field, the route not yet
        ("/customfield/delete$", "before"),  # all re-pointed, the old field still there
        ("/customfield/delete$", "after"),  # the old field deleted, the record not updated
    ],
)
def test_an_apply_killed_during_a_replace_is_finished_by_the_next(
    ambraconf, with_pacs: SandboxHandle, clinic: Path, match: str, timing: str
) -> None:
    applied(ambraconf, clinic)
    edit(clinic, *REPLACED)

    kill_apply_at(with_pacs, clinic, match, timing, "--rate", "1000")

    applied(ambraconf, clinic)
    assert_no_changes(ambraconf, clinic)
    assert_replaced_once(with_pacs)


def test_after_a_kill_between_add_and_delete_the_plan_finishes_the_replace(
    ambraconf, with_pacs: SandboxHandle, clinic: Path
) -> None:
    applied(ambraconf, clinic)
    edit(clinic, *REPLACED)
    kill_apply_at(with_pacs, clinic, "/route/set$", "before", "--rate", "1000")
    assert len(priority_fields(with_pacs)) == 2

    plan = ambraconf("plan", str(clinic))
    assert plan.code == 0, plan.out + plan.err
    assert '- delete (1): customfield "Study/Priority (old, ' in plan.out
    assert "the old custom field of a replace an earlier apply did not finish" in plan.out
    assert "re-pointed to the new customfield 'Study/Priority'" in plan.out


def test_a_lost_add_answer_in_a_replace_still_ends_with_one_object_pointed_at(
    ambraconf, with_pacs: SandboxHandle, clinic: Path
) -> None:
    applied(ambraconf, clinic)
    edit(clinic, *REPLACED)
    with_pacs.configure(
        fault_nth=1, fault_match="/customfield/add$", fault_kinds=["500"], fault_timings=["after"]
    )

    out = applied(ambraconf, clinic)

    assert with_pacs.stats()["faults"] == {"500-after": 1}
    assert "Apply complete: 0 created, 2 updated, 1 replaced, 0 deleted." in out
    assert_replaced_once(with_pacs)
    assert_no_changes(ambraconf, clinic)


def test_the_old_object_stays_until_what_names_it_points_at_the_new_one(
    ambraconf, with_pacs: SandboxHandle, clinic: Path
) -> None:
    applied(ambraconf, clinic)
    edit(clinic, *REPLACED)
    with_pacs.configure(
        fault_rate=1.0, fault_match="/route/set$", fault_kinds=["503"], fault_timings=["before"]
    )

    failed = ambraconf("apply", str(clinic), "--auto-approve")

    assert failed.code == 1, failed.out + failed.err
    assert "the old one" in failed.err and "is kept until what names it points" in failed.err
    route = with_pacs.ok("/route/list", account_id=with_pacs.account_id)["routes"][0]
    live = {f"customfield-{f['uuid']}" for f in priority_fields(with_pacs)}
    assert len(live) == 2  # the route still names the old field, which still exists
    assert route["conditions"][0]["lv"] in live

    with_pacs.configure(fault_rate=0.0)
    applied(ambraconf, clinic)
    assert_replaced_once(with_pacs)
    assert_no_changes(ambraconf, clinic)


def test_a_replace_whose_old_object_could_not_be_deleted_is_finished_by_the_next_apply(
    ambraconf, with_pacs: SandboxHandle, clinic: Path
) -> None:
    applied(ambraconf, clinic)
    edit(clinic, *REPLACED)
    with_pacs.configure(
        fault_rate=1.0,
        fault_match="/customfield/delete$",
        fault_kinds=["503"],
        fault_timings=["before"],
    )

    failed = ambraconf("apply", str(clinic), "--auto-approve")

    assert failed.code == 1, failed.out + failed.err
    assert len(priority_fields(with_pacs)) == 2
    with_pacs.configure(fault_rate=0.0)
    rerun = applied(ambraconf, clinic)
    assert "Apply complete: 0 created, 2 updated, 1 deleted." in rerun  # re-pointed first
    assert_replaced_once(with_pacs)
    assert_no_changes(ambraconf, clinic)


TECHNOLOGIST = "      - name: Technologist\n        description: Runs the scanners\n"
SWAPPED = (
    "      - name: Radiologist\n        description: Reads studies\n",
    "      - name: Technologist\n        renamed_from: Radiologist\n"
    "        description: Reads studies\n",
)
SWAPPED_BACK = (
    TECHNOLOGIST,
    "      - name: Radiologist\n        renamed_from: Technologist\n"
    "        description: Runs the scanners\n",
)


def role_uuids(sandbox: SandboxHandle) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for role in sandbox.ok("/role/list", account_id=sandbox.account_id)["roles"]:
        found.setdefault(role["name"], []).append(role["uuid"])
    return found


def swap_ready(ambraconf, with_pacs: SandboxHandle, clinic: Path) -> dict[str, list[str]]:
    """The clinic with a second role, applied; then the config swaps the two names."""
    edit(clinic, "    groups:\n", "      " + TECHNOLOGIST.strip(" ") + "    groups:\n")
    applied(ambraconf, clinic)
    before = role_uuids(with_pacs)
    edit(clinic, *SWAPPED_BACK)
    edit(clinic, *SWAPPED)
    return before


def assert_swapped(sandbox: SandboxHandle, before: dict[str, list[str]]) -> None:
    after = role_uuids(sandbox)
    assert after["Radiologist"] == before["Technologist"]
    assert after["Technologist"] == before["Radiologist"]
    groups = sandbox.ok("/group/list", account_id=sandbox.account_id)["groups"]
    assert [g["role_id"] for g in groups] == after["Radiologist"]  # the group follows the name


def test_a_name_swap_is_applied_once_and_then_left_alone(
    ambraconf, with_pacs: SandboxHandle, clinic: Path
) -> None:
    before = swap_ready(ambraconf, with_pacs, clinic)

    out = applied(ambraconf, clinic)

    assert "Apply complete: 0 created, 3 updated, 0 deleted." in out  # two renames, the group
    assert_swapped(with_pacs, before)
    assert_no_changes(ambraconf, clinic)  # the swap is not made again


def test_an_apply_killed_in_the_middle_of_a_swap_is_finished_by_the_next(
    ambraconf, with_pacs: SandboxHandle, clinic: Path
) -> None:
    before = swap_ready(ambraconf, with_pacs, clinic)

    # one call per bundle: the first rename is made, the second never sent
    kill_apply_at(with_pacs, clinic, "/role/set$", "before", "--bundle-size", "1", nth=2)
    halfway = role_uuids(with_pacs)
    assert len(halfway.get("Radiologist", [])) == 2 or len(halfway.get("Technologist", [])) == 2

    applied(ambraconf, clinic)
    assert_swapped(with_pacs, before)
    assert_no_changes(ambraconf, clinic)
