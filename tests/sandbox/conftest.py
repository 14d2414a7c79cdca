"""Helpers for the sandbox conformance suite: common objects and a limited user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ambraconf.sandbox.harness import SandboxHandle

LIMITED_LOGIN = "limited@sandbox.local"
LIMITED_PASSWORD = "limited1"


@pytest.fixture
def acc(sandbox: SandboxHandle) -> str:
    """The seeded account's uuid."""
    return sandbox.account_id


@pytest.fixture
def node_id(sandbox: SandboxHandle, acc: str) -> str:
    """The seeded gateway node of the account."""
    return sandbox.ok("/node/list", account_id=acc)["nodes"][0]["uuid"]


@pytest.fixture
def limited_sid(sandbox: SandboxHandle, acc: str) -> Callable[..., str]:
    """A sid for a non-sysadmin member whose account role holds exactly ``permissions``.

    The role starts from all-zero flags so only what is granted is allowed.
    """

    def make(**permissions: Any) -> str:
        stock = sandbox.ok("/role/get", uuid=_user_role(sandbox, acc))["permissions"]
        flags = {name: 0 for name, value in stock.items() if isinstance(value, int)}
        role = sandbox.ok(
            "/role/add", account_id=acc, name="Limited", permissions={**flags, **permissions}
        )["uuid"]
        sandbox.seed({"users": [{"email": LIMITED_LOGIN, "password": LIMITED_PASSWORD}]})
        user = sandbox.ok("/account/user/add", uuid=acc, email=LIMITED_LOGIN, role_id=role)["uuid"]
        assert user
        return sandbox.login(LIMITED_LOGIN, LIMITED_PASSWORD)

    return make


def _user_role(sandbox: SandboxHandle, acc: str) -> str:
    roles = sandbox.ok("/role/list", account_id=acc)["roles"]
    return next(r["uuid"] for r in roles if r["name"] == "User")
