"""Apply reports only what it did: an update that no call carries is a failure, not a count."""

from __future__ import annotations

from typing import Any

from ambraconf.api.client import BundleResult
from ambraconf.engine.apply import Applier
from ambraconf.engine.live import LiveAccount
from ambraconf.engine.plan import Action, FieldChange, Plan
from ambraconf.engine.refs import RefIndex
from ambraconf.kinds import BY_NAME


class NoCalls:
    """A client that fails the test if apply sends anything."""

    def bundle(self, calls: list[Any], **_: Any) -> list[Any]:
        raise AssertionError(f"nothing should be sent, got {calls}")


def test_an_update_with_no_field_to_send_fails_instead_of_counting_as_updated() -> None:
    # a change to a field the role kind does not wire: no set could carry it
    action = Action(
        "update",
        "Acme",
        "role",
        "Radiologist",
        "managed fields differ",
        uuid="r-1",
        changes=[FieldChange("colour", "red", "blue")],
        desired={"name": "Radiologist", "colour": "blue"},
    )
    live = {"Acme": LiveAccount("Acme", "a-1", {}, RefIndex("Acme"))}
    result = Applier(NoCalls(), live, BY_NAME).apply(Plan("http://x", actions=[action]))
    [outcome] = result.outcomes
    assert outcome.status == "failed"
    assert "internal error" in (outcome.error or "") and "colour" in (outcome.error or "")
    assert result.summary() == "Apply failed: 0 created, 0 updated, 0 deleted; 1 failed, 0 skipped"


class AnswersWithoutUuid:
    """A server whose add says OK and leaves out the new object's uuid."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def bundle(self, calls: list[Any], **_: Any) -> list[BundleResult]:
        self.sent.extend(path for path, _ in calls)
        return [BundleResult(path, data={}) for path, _ in calls]


def test_an_add_answered_without_a_uuid_fails_and_sends_nothing_that_needs_it() -> None:
    action = Action(
        "create",
        "Acme",
        "role",
        "Radiologist",
        "not in live state",
        changes=[FieldChange("description", None, "Reads")],
        desired={"name": "Radiologist", "description": "Reads"},  # description: a set after
        cause="created",
    )
    live = {"Acme": LiveAccount("Acme", "a-1", {}, RefIndex("Acme"))}
    client = AnswersWithoutUuid()
    result = Applier(client, live, BY_NAME).apply(Plan("http://x", actions=[action]))
    [outcome] = result.outcomes
    assert outcome.status == "failed"
    assert "without the new object's uuid" in (outcome.error or "")
    assert client.sent == ["/role/add"]
    assert result.summary().startswith("Apply failed: 0 created")
