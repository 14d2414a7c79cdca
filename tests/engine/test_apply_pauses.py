"""Sub-objects that block the object's own write (deployed custom code: IS_DEPLOYED) are
removed before it and restored after: on a replace, the new object is deployed where the
old one was, and the old one deleted last; a change of deployments alone pauses nothing."""

from __future__ import annotations

from typing import Any

from ambraconf.api.client import BundleResult
from ambraconf.engine.apply import Applier
from ambraconf.engine.live import LiveAccount, LiveObject
from ambraconf.engine.plan import Action, FieldChange, Plan
from ambraconf.engine.refs import RefIndex
from ambraconf.kinds import BY_NAME

OWN, CARDIOLOGY = "ns-account", "ns-cardiology"


class Recorder:
    """A server that answers every call; it keeps the calls of each bundle."""

    def __init__(self) -> None:
        self.bundles: list[list[tuple[str, dict[str, str]]]] = []

    def bundle(self, calls: list[Any], **_: Any) -> list[BundleResult]:
        self.bundles.append([(path, dict(params)) for path, params in calls])
        return [BundleResult(path, data={"uuid": "new-code"}) for path, _ in calls]


def live_account() -> LiveAccount:
    names = RefIndex("Acme", account_namespace=OWN)
    names.add("group", "Cardiology", "g-1", CARDIOLOGY)
    deployments = [
        {"uuid": "d-1", "namespace_id": OWN},
        {"uuid": "d-2", "namespace_id": CARDIOLOGY},
    ]
    raw = {"uuid": "old-code", "name": "CT check", "deployments": deployments}
    values = {
        "name": "CT check",
        "code": "pass\n",
        "deploy_to": ["ACCOUNT", {"group": "Cardiology"}],
    }
    account = LiveAccount("Acme", "a-1", {}, names)
    account.objects["customcode"] = [LiveObject("customcode", "old-code", raw, values)]
    return account


def apply(action: Action) -> Recorder:
    client = Recorder()
    result = Applier(client, {"Acme": live_account()}, BY_NAME).apply(Plan("x", actions=[action]))
    assert [o.status for o in result.outcomes] == ["done"]
    return client


def test_a_replace_undeploys_the_old_code_deploys_the_new_where_it_was_and_deletes_the_old():
    desired = {"name": "CT check", "language": "PYTHON", "code": "pass\n"}
    replace = Action(
        "replace",
        "Acme",
        "customcode",
        "CT check",
        "language can only be set when the custom code is created",
        uuid="old-code",
        changes=[FieldChange("language", "OTHER", "PYTHON")],
        desired=desired,
        cause="replaced",
    )
    bundles = apply(replace).bundles
    assert [[path for path, _ in b] for b in bundles] == [
        ["/customcode/undeploy", "/customcode/undeploy"],
        ["/customcode/add"],
        ["/customcode/deploy", "/customcode/deploy"],
        ["/customcode/delete"],
    ]
    assert [p["namespace_id"] for _, p in bundles[2]] == [OWN, CARDIOLOGY]
    assert {p["uuid"] for _, p in bundles[2]} == {"new-code"}
    assert bundles[3][0][1] == {"uuid": "old-code"}


def test_a_change_of_deployments_alone_deploys_and_undeploys_the_difference():
    update = Action(
        "update",
        "Acme",
        "customcode",
        "CT check",
        "managed fields differ",
        uuid="old-code",
        changes=[FieldChange("deploy_to", ["ACCOUNT", {"group": "Cardiology"}], ["ACCOUNT"])],
        desired={"name": "CT check", "deploy_to": ["ACCOUNT"]},
    )
    assert apply(update).bundles == [[("/customcode/undeploy", {"deployment_id": "d-2"})]]
