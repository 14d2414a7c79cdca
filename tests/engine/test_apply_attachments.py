"""A field locked while others are attached (a connected anonymization profile's rules):
detach, set, attach again; and attached again even when the set fails or apply is stopped,
so no namespace is left without its profile."""

from __future__ import annotations

from typing import Any

from ambraconf.api.client import BundleResult
from ambraconf.api.errors import ApiError
from ambraconf.engine.apply import Applier, Stop
from ambraconf.engine.live import LiveAccount, LiveObject
from ambraconf.engine.plan import Action, FieldChange, Plan
from ambraconf.engine.refs import RefIndex
from ambraconf.kinds import BY_NAME

OLD = {"patient_name": "s/.*/A/"}
NEW = {"patient_name": "s/.*/B/"}


class Server:
    """Answers every call, refusing the paths in ``refuse``; may request a stop while the
    first bundle is on its way (a Ctrl-C)."""

    def __init__(self, stop: Stop | None = None, refuse: tuple[str, ...] = ()) -> None:
        self.stop = stop
        self.refuse = refuse
        self.bundles: list[list[tuple[str, dict[str, str]]]] = []

    def bundle(self, calls: list[Any], **_: Any) -> list[BundleResult]:
        if self.stop is not None:
            self.stop.request()
        self.bundles.append(list(calls))
        return [
            BundleResult(path, error=ApiError(path, status=412, error_type="NOT_HASH"))
            if path in self.refuse
            else BundleResult(path, data={})
            for path, _ in calls
        ]


def profile_change(**change: Any) -> tuple[Plan, dict[str, LiveAccount]]:
    raw = {
        "uuid": "p-1",
        "name": "Research",
        "rules": OLD,
        "namespaces": [{"uuid": "ns-1", "name": "Radiology"}, {"uuid": "ns-2", "name": "Annex"}],
    }
    live = LiveAccount("Acme", "a-1", {}, RefIndex("Acme"))
    live.objects["anonymization_profile"] = [
        LiveObject("anonymization_profile", "p-1", raw, {"name": "Research", "rules": OLD})
    ]
    action = Action(
        "update",
        "Acme",
        "anonymization_profile",
        "Research",
        "managed fields differ",
        uuid="p-1",
        changes=[FieldChange(**{"path": "rules", "before": OLD, "after": NEW, **change})],
        desired={"name": "Research", "rules": NEW},
    )
    return Plan("http://x", actions=[action]), {"Acme": live}


def connections(bundle: list[tuple[str, dict[str, str]]]) -> list[tuple[str, str]]:
    return [(p["uuid"], p["anonymization_id"]) for path, p in bundle if "anonymization_id" in p]


def test_a_connected_profile_is_detached_set_and_attached_again() -> None:
    plan, live = profile_change()
    server = Server()
    result = Applier(server, live, BY_NAME).apply(plan)
    assert [o.status for o in result.outcomes] == ["done"]
    detach, set_rules, attach = server.bundles
    assert connections(detach) == [("ns-1", ""), ("ns-2", "")]
    assert [path for path, _ in set_rules] == ["/anonymization/set"]
    assert connections(attach) == [("ns-1", "p-1"), ("ns-2", "p-1")]


def test_a_rename_alone_leaves_the_namespaces_connected() -> None:
    plan, live = profile_change(path="name", before="Old", after="Research")
    server = Server()
    Applier(server, live, BY_NAME).apply(plan)
    assert [[path for path, _ in bundle] for bundle in server.bundles] == [["/anonymization/set"]]


def test_a_failed_set_attaches_the_namespaces_again() -> None:
    plan, live = profile_change()
    server = Server(refuse=("/anonymization/set",))
    result = Applier(server, live, BY_NAME).apply(plan)
    [outcome] = result.outcomes
    assert (outcome.status, outcome.error_type) == ("failed", "NOT_HASH")
    assert connections(server.bundles[-1]) == [("ns-1", "p-1"), ("ns-2", "p-1")]


def test_a_stop_after_detaching_attaches_again_before_ending() -> None:
    plan, live = profile_change()
    stop = Stop()
    server = Server(stop=stop)
    result = Applier(server, live, BY_NAME, stop=stop).apply(plan)
    # the detach in flight, then the attach again: never the set
    assert [{path for path, _ in bundle} for bundle in server.bundles] == [
        {"/namespace/anonymize"},
        {"/namespace/anonymize"},
    ]
    assert connections(server.bundles[-1]) == [("ns-1", "p-1"), ("ns-2", "p-1")]
    [outcome] = result.outcomes
    assert outcome.status == "failed"
    assert "interrupted before its set call was sent" in (outcome.error or "")
    assert result.interrupted
