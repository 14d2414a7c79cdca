"""A stop requested while a bundle is in flight (Ctrl-C): that bundle's answers count,
nothing more is sent, and every action says whether it was done, half done or not started."""

from __future__ import annotations

from typing import Any

from ambraconf.api.client import BundleResult
from ambraconf.engine.apply import Applier, Stop
from ambraconf.engine.live import LiveAccount
from ambraconf.engine.plan import Action, FieldChange, Plan
from ambraconf.engine.refs import RefIndex
from ambraconf.kinds import BY_NAME


class StoppedInFlight:
    """A server that answers every call; the stop is requested while the first bundle is
    on its way, as a Ctrl-C would be."""

    def __init__(self, stop: Stop) -> None:
        self.stop = stop
        self.bundles: list[list[str]] = []

    def bundle(self, calls: list[Any], **_: Any) -> list[BundleResult]:
        self.stop.request()
        self.bundles.append([path for path, _ in calls])
        return [BundleResult(path, data={"uuid": f"new-{n}"}) for n, (path, _) in enumerate(calls)]


def test_a_stop_lets_the_bundle_in_flight_finish_and_starts_nothing_more() -> None:
    new_role = Action(
        "create",
        "Acme",
        "role",
        "Radiologist",
        "not in live state",
        changes=[FieldChange("description", None, "Reads")],
        desired={"name": "Radiologist", "description": "Reads"},
        cause="created",
    )
    updated_role = Action(
        "update",
        "Acme",
        "role",
        "Typist",
        "managed fields differ",
        uuid="r-2",
        changes=[FieldChange("description", "Types", "Types reports")],
        desired={"name": "Typist", "description": "Types reports"},
    )
    group = Action(
        "create",
        "Acme",
        "group",
        "Cardiology",
        "not in live state",
        level=1,
        depends_on=[new_role.address],
        desired={"name": "Cardiology", "role": "Radiologist"},
        cause="created",
    )
    live = {"Acme": LiveAccount("Acme", "a-1", {}, RefIndex("Acme"))}
    stop = Stop()
    client = StoppedInFlight(stop)
    plan = Plan("http://x", actions=[new_role, updated_role, group])
    result = Applier(client, live, BY_NAME, stop=stop).apply(plan)

    assert client.bundles == [["/role/add", "/role/set"]]  # the first bundle only
    by_name = {o.action.name: o for o in result.outcomes}
    assert by_name["Typist"].status == "done"
    assert by_name["Radiologist"].status == "failed"
    assert "interrupted before its set call was sent" in (by_name["Radiologist"].error or "")
    assert by_name["Cardiology"].status == "not started"
    assert result.interrupted
    assert result.summary() == (
        "Apply interrupted: 0 created, 1 updated, 0 deleted; 1 failed, 0 skipped, 1 not started"
    )


def test_a_stop_before_the_apply_sends_nothing() -> None:
    action = Action(
        "delete", "Acme", "role", "Old", "pruned", uuid="r-9", desired=None, cause="pruned"
    )
    live = {"Acme": LiveAccount("Acme", "a-1", {}, RefIndex("Acme"))}
    stop = Stop()
    stop.request()
    client = StoppedInFlight(stop)
    result = Applier(client, live, BY_NAME, stop=stop).apply(Plan("http://x", actions=[action]))
    assert client.bundles == []
    assert [o.status for o in result.outcomes] == ["not started"]
    assert result.summary().startswith("Apply interrupted: 0 created, 0 updated, 0 deleted;")
