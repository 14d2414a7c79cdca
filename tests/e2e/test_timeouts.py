"""The command's deadline (``--timeout``, ``Connection(timeout=...)``) passing during an
apply: nothing more is sent, the result says what was done and what was not started, the
apply is still recorded and its lock released; a rerun converges.

The deadline's clock is moved on by the test (once level 1 is done) instead of waiting, so
the test is exact about where the apply stopped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ambraconf import library
from ambraconf.api import Deadline
from ambraconf.engine import session
from ambraconf.engine.session import Connection
from ambraconf.sandbox.harness import SandboxHandle


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The clock of every command's deadline from now on: ``clock[0]`` seconds."""
    now = [0.0]
    monkeypatch.setattr(
        session, "Deadline", lambda seconds: Deadline(seconds, clock=lambda: now[0])
    )
    return now


@pytest.mark.usefixtures("ambraconf")  # for the sandbox's credentials in the environment
def test_an_apply_past_its_deadline_stops_reports_and_a_rerun_converges(
    with_pacs: SandboxHandle, clinic: Path, clock: list[float]
) -> None:
    lines: list[str] = []

    def progress(line: str) -> None:
        lines.append(line)
        if line.startswith("Level 2/"):
            clock[0] = 61.0  # level 1 took a minute, say

    run = library.apply(clinic, progress=progress, connection=Connection(rate=1000, timeout=60))

    assert run.timed_out == "apply stopped: the command's time limit of 60 s (--timeout) ran out"
    assert not run.ok
    assert run.result is not None and run.result.interrupted
    done = [o for o in run.result.outcomes if o.status == "done"]
    assert done and all(o.action.level == run.result.outcomes[0].action.level for o in done)
    refused = run.result.failed
    assert refused and all("not sent: the command's time limit" in (o.error or "") for o in refused)
    assert run.result.not_started
    assert run.result.summary().startswith("Apply interrupted: ")
    assert lines == ["Level 1/4: 2 to create", "Level 2/4: 1 to create"]  # no level 3
    assert run.warnings == []  # recorded and unlocked within the finishing allowance

    clock[0] = 0.0  # a fresh command: its own deadline, 60 s from the start again
    rerun = library.apply(clinic, connection=Connection(rate=1000, timeout=60))
    assert rerun.ok and rerun.timed_out is None, rerun.result and rerun.result.summary()
    assert not library.plan(clinic, connection=Connection(rate=1000)).has_changes


@pytest.mark.usefixtures("ambraconf")
def test_the_time_spent_at_the_prompt_does_not_count(
    with_pacs: SandboxHandle, clinic: Path, clock: list[float]
) -> None:
    def slow_reader(plan: object) -> bool:
        clock[0] += 3600.0  # an hour reading the plan before typing yes
        return True

    run = library.apply(clinic, confirm=slow_reader, connection=Connection(rate=1000, timeout=60))

    assert run.timed_out is None
    assert run.ok, run.result and run.result.summary()
