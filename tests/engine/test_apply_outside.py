"""Apply adds identities kept outside the account (grid users) before anything else, and
undoes those adds when one of them does not exist."""

from __future__ import annotations

from typing import Any

import pytest

from ambraconf.api.client import BundleResult
from ambraconf.api.errors import ApiError
from ambraconf.engine.apply import Applier, MissingOutside
from ambraconf.engine.live import LiveAccount
from ambraconf.engine.plan import Action, FieldChange, Plan
from ambraconf.engine.refs import RefIndex
from ambraconf.kinds import BY_NAME


class Grid:
    """A server on whose grid only ``tech@`` exists, and that refuses every delete."""

    def __init__(self) -> None:
        self.bundles: list[list[tuple[str, dict[str, str]]]] = []

    def bundle(self, calls: list[Any], **_: Any) -> list[BundleResult]:
        self.bundles.append(list(calls))
        return [self._answer(path, params) for path, params in calls]

    def _answer(self, path: str, params: dict[str, str]) -> BundleResult:
        if path == "/account/user/add" and params.get("email") != "tech@x.example":
            return BundleResult(path, error=ApiError(path, status=412, error_type="USER_NOT_FOUND"))
        if path.endswith("/delete"):
            return BundleResult(path, error=ApiError(path, status=412, error_type="NOT_PERMITTED"))
        return BundleResult(path, data={"uuid": f"u-{params.get('email', 'role')}"})


def user(email: str) -> Action:
    return Action(
        "create",
        "Acme",
        "account_user",
        email,
        "not in live state",
        changes=[FieldChange("email", None, email)],
        desired={"email": email},
    )


def test_a_missing_user_stops_apply_and_the_undo_that_failed_is_named() -> None:
    role = Action(
        "create",
        "Acme",
        "role",
        "Night",
        "not in live state",
        changes=[FieldChange("name", None, "Night")],
        desired={"name": "Night"},
    )
    grid = Grid()
    live = {"Acme": LiveAccount("Acme", "a-1", {}, RefIndex("Acme"))}
    plan = Plan("http://x", actions=[role, user("tech@x.example"), user("ghost@x.example")])
    with pytest.raises(MissingOutside) as stopped:
        Applier(grid, live, BY_NAME).apply(plan)
    message = str(stopped.value)
    assert "could not undo the add of Acme/account_user/tech@x.example" in message
    assert "no such account user (USER_NOT_FOUND) to add: 'ghost@x.example' (Acme)" in message
    # the users went alone, before the role of the same level; the undo named the user
    # within its account, as /account/user/delete takes it
    adds, undo = grid.bundles
    assert [path for path, _ in adds] == ["/account/user/add", "/account/user/add"]
    assert undo == [("/account/user/delete", {"user_id": "u-tech@x.example", "uuid": "a-1"})]
