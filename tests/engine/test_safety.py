"""The safety threshold: too much of a kind, or of an account, at once needs --force."""

from __future__ import annotations

import pytest

from ambraconf.engine.live import LiveAccount, LiveObject
from ambraconf.engine.plan import Action, Plan
from ambraconf.engine.refs import RefIndex
from ambraconf.engine.safety import UnsafePlan, check_thresholds

SMALL_KINDS = {"group": 3, "location": 3, "route": 3, "webhook": 3}


def account(counts: dict[str, int]) -> LiveAccount:
    live = LiveAccount("Acme", "a-1", {}, RefIndex("Acme"))
    for kind, count in counts.items():
        live.objects[kind] = [LiveObject(kind, f"{kind}-{n}", {}) for n in range(count)]
    return live


def deletes(counts: dict[str, int]) -> Plan:
    actions = [
        Action("delete", "Acme", kind, f"{kind} {n}", "pruned", uuid=f"{kind}-{n}", cause="pruned")
        for kind, count in counts.items()
        for n in range(count)
    ]
    return Plan("http://x", actions=actions, accounts=["Acme"])


def test_deleting_most_of_an_account_of_small_kinds_is_refused() -> None:
    with pytest.raises(UnsafePlan, match="Acme: 8 of its 12 live objects would be"):
        check_thresholds(
            deletes({"group": 2, "location": 2, "route": 2, "webhook": 2}),
            {"Acme": account(SMALL_KINDS)},
        )


def test_a_small_share_of_the_account_goes_through() -> None:
    check_thresholds(deletes({"group": 1, "route": 1}), {"Acme": account(SMALL_KINDS)})


def test_a_kind_over_the_share_is_named_once() -> None:
    live = {"Acme": account({"role": 20, "group": 20})}
    with pytest.raises(UnsafePlan) as refused:
        check_thresholds(deletes({"role": 15}), live)
    assert str(refused.value).count("Acme:") == 1
    assert "15 of 20 live role objects" in str(refused.value)
