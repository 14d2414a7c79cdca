"""What the apply record and the lock keep of an apply in flight, for the next one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from ambraconf.engine.lock import Lock
from ambraconf.engine.plan import Action
from ambraconf.engine.records import ApplyRecord, renamed, retiring


def record(**fields: dict[str, str]) -> ApplyRecord:
    return ApplyRecord(None, "", True, "00", **fields)


def retired_delete(uuid: str) -> Action:
    return Action("delete", "A", "role", f"R (old, {uuid})", "", uuid=uuid, cause="retired")


def test_retiring_keeps_what_is_still_to_delete() -> None:
    before = record(retiring={"u1": "role/R", "u2": "role/S"})
    actions = [
        retired_delete("u1"),
        Action("replace", "A", "role", "T", "", uuid="u3", cause="replaced"),
        Action("replace", "A", "role", "V", "", uuid="u4", cause="replaced"),
    ]

    after = retiring(before, actions, {"u4"}, targeted=False)

    # u2 was not set aside (gone, or alone with its name); u4's delete was answered
    assert after == {"u1": "role/R (old, u1)", "u3": "role/T"}
    assert retiring(before, actions, {"u1", "u3", "u4"}, targeted=True) == {"u2": "role/S"}


def test_renamed_pins_the_objects_the_config_renames() -> None:
    actions = [
        Action("update", "A", "role", "B", "", uuid="ua", cause="renamed", renamed_from="A"),
        Action("noop", "A", "role", "C", "", uuid="ub", cause="matches", renamed_from="B"),
        Action("replace", "A", "role", "D", "", uuid="uc", cause="replaced", renamed_from="X"),
        Action("update", "A", "role", "E", "", uuid="ud", cause="changed"),
    ]
    before = record(renamed={"role/Gone": "uz"})

    assert renamed(before, actions, targeted=False) == {"role/B": "ua", "role/C": "ub"}
    assert renamed(before, actions, targeted=True)["role/Gone"] == "uz"


def lock(holder: str) -> Lock:
    now = datetime.now(UTC)
    return Lock(holder, "t", now.isoformat(), (now + timedelta(hours=1)).isoformat())


def test_a_lock_whose_process_on_this_machine_ended_is_not_held() -> None:
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    here, now = socket.gethostname(), datetime.now(UTC)

    gone = int(ended.stdout)

    assert not lock(f"ci@{here} pid {gone} (GitHub Actions run 7)").live_at(now)
    assert lock(f"ci@{here} pid {os.getpid()}").live_at(now)  # running
    assert lock(f"ci@elsewhere pid {gone}").live_at(now)  # cannot tell: held
    assert lock("someone").live_at(now)  # no machine or process named: held
