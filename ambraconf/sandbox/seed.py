"""Seeding: the default sandbox, and seed files (YAML or JSON) that load more.

A seed is a hash with ``users`` and ``accounts``; each account lists its objects
by kind as the parameters their add call takes, referring to each other by name
(see docs/sandbox.md for the format). Everything except users goes through the
API's own handlers as the sysadmin, so a seed obeys exactly the rules a client
does, and a mistake in a seed file is reported with the API's error.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import yaml

from ambraconf.sandbox.api import Api
from ambraconf.sandbox.protocol import wire_value
from ambraconf.sandbox.registry import KINDS
from ambraconf.sandbox.schema import Kind, SeedError, Seeding
from ambraconf.sandbox.store import Row

DEFAULT_ACCOUNT = "Sandbox Hospital"
DEFAULT_USER = ("user@sandbox.local", "sandbox")
ACCOUNT = next(kind for kind in KINDS if kind.name == "account")
assert ACCOUNT.seed is not None, "the account kind says how a seed sets its own fields"
ACCOUNT_SEED: Seeding = ACCOUNT.seed
# What an account's seed entry sets on the account itself (``name`` is who it is).
ACCOUNT_KEYS = (ACCOUNT.accepts("set") | set(ACCOUNT_SEED.refs) | set(ACCOUNT_SEED.params)) - {
    "name"
}
# The objects an account's seed entry lists, in the order of the registry.
PARTS: tuple[tuple[Kind, Seeding], ...] = tuple(
    (kind, kind.seed) for kind in KINDS if kind.seed is not None and kind is not ACCOUNT
)


def default_seed(admin_login: str, admin_password: str) -> dict[str, Any]:
    """The fresh sandbox: a sysadmin, a plain user, one account with a gateway node."""
    return {
        "users": [
            {
                "email": admin_login,
                "password": admin_password,
                "name": "Sandbox Admin",
                "sysadmin": True,
            },
            {"email": DEFAULT_USER[0], "password": DEFAULT_USER[1], "name": "Sandbox User"},
        ],
        "accounts": [
            {
                "name": DEFAULT_ACCOUNT,
                "members": [{"email": DEFAULT_USER[0], "role": "User"}],
                "nodes": [{"name": "Sandbox Gateway", "type": "HARVESTER"}],
            }
        ],
    }


def read_seed_file(path: str | Path) -> dict[str, Any]:
    """A seed from a .json, .yaml or .yml file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SeedError(f"cannot read seed file {path}: {error.strerror}") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as error:
        raise SeedError(f"seed file {path} is not valid: {error}") from None
    if not isinstance(data, dict):
        raise SeedError(f"seed file {path} must hold a mapping with users and accounts")
    return data


class Seeder:
    """Loads a seed through the API as a sysadmin of the sandbox."""

    def __init__(self, api: Api, admin_login: str) -> None:
        self.api = api
        self.admin_login = admin_login
        self.sid = ""

    def load(self, seed: dict[str, Any]) -> None:
        unknown = set(seed) - {"users", "accounts"}
        if unknown:
            raise SeedError(f"unknown seed section(s): {', '.join(sorted(unknown))}")
        for user in seed.get("users") or []:
            self._user(user)
        admin = self.api.store.find_ci("user", "email", self.admin_login)
        if not admin:
            raise SeedError(f"the seed has no sysadmin user {self.admin_login}")
        self.sid = self.api.sessions.open(admin[0].uuid)
        try:
            for account in seed.get("accounts") or []:
                self._account(account)
        finally:
            self.api.sessions.close(self.sid)

    def _user(self, user: dict[str, Any]) -> None:
        if not isinstance(user, dict) or not user.get("email") or not user.get("password"):
            raise SeedError(f"a seed user needs email and password: {user!r}")
        store = self.api.store
        doc = {
            "email": user["email"],
            "password": str(user["password"]),
            "name": user.get("name") or user["email"],
            "sysadmin": bool(user.get("sysadmin")),
        }
        with store.transaction():
            existing = store.find_ci("user", "email", user["email"])
            if existing:
                existing[0].doc.update(doc)
                store.update(existing[0])
            else:
                store.insert("user", {**doc, "namespace_id": str(uuid.uuid4())})

    def call(self, path: str, params: dict[str, Any], what: str) -> dict[str, Any]:
        wire = {name: wire_value(value) for name, value in params.items() if value is not None}
        status, reply = self.api.call(path, {**wire, "sid": self.sid})
        if status != 200:
            detail = reply.get("error_type"), reply.get("error_subtype")
            raise SeedError(f"seed: {what}: {path} answered {status} {detail}")
        return reply

    def _account(self, spec: dict[str, Any]) -> None:
        if not isinstance(spec, dict) or not spec.get("name"):
            raise SeedError(f"a seed account needs a name: {spec!r}")
        unknown = set(spec) - {"name", *(seed.key for _, seed in PARTS)} - ACCOUNT_KEYS
        if unknown:
            raise SeedError(f"account {spec['name']}: unknown key(s) {', '.join(sorted(unknown))}")
        found = self.api.store.find_ci(ACCOUNT.name, "name", spec["name"])
        uuid = (
            found[0].uuid
            if found
            else self.call(f"{ACCOUNT.path}/add", {"name": spec["name"]}, spec["name"])["uuid"]
        )
        what = f"account {spec['name']}"
        for kind, seed in PARTS:
            for item in spec.get(seed.key) or []:
                if not isinstance(item, dict):
                    raise SeedError(f"{what}: {seed.key} entries must be mappings: {item!r}")
                context = _Context(self, uuid, f"{what}: {seed.key} {item.get('name', '')}")
                context.add(kind, seed, dict(item))
        own = {k: v for k, v in spec.items() if k in ACCOUNT_KEYS}
        if own:
            params = _Context(self, uuid, what).resolved(ACCOUNT_SEED, own)
            self.call(f"{ACCOUNT.path}/set", {"uuid": uuid, **params}, what)


class _Context:
    """One seed entry being loaded in an account: its names resolve there (a SeedContext)."""

    def __init__(self, seeder: Seeder, account_id: str, what: str) -> None:
        self.seeder = seeder
        self.account_id = account_id
        self.what = what

    def add(self, kind: Kind, seed: Seeding, item: dict[str, Any]) -> None:
        """The entry's add call with names resolved, then the calls its ``then`` keys make."""
        later = {key: item.pop(key) for key in seed.then if key in item}
        params = self.resolved(seed, item)
        if seed.prepare is not None:
            params = seed.prepare(self, params)
        if not any(name in params for name in kind.scope_params):
            params[kind.scope_params[0]] = self.account_id
        reply = self.call(f"{kind.path}/{seed.verb}", params)
        for key, value in later.items():
            seed.then[key](self, reply["uuid"], value)

    def resolved(self, seed: Seeding, item: dict[str, Any]) -> dict[str, Any]:
        """The entry with each name in ``seed.refs`` replaced by its object's uuid."""
        params = {}
        for key, value in item.items():
            ref = seed.refs.get(key)
            if ref is None:
                params[key] = value
            elif ref.kind == "user":
                params[ref.param] = self.user(value)
            else:
                params[ref.param] = self.uuid(ref.kind, value)
        return params

    def call(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        return self.seeder.call(path, params, self.what)

    def named(self, kind: str, name: str) -> Row | None:
        found = self.seeder.api.store.find_ci(kind, "name", str(name), account_id=self.account_id)
        return found[0] if found else None

    def uuid(self, kind: str, name: str) -> str:
        found = self.named(kind, name)
        if found is None:
            raise SeedError(f"seed: no {kind} named {name!r} in this account")
        return found.uuid

    def user(self, email: str) -> str:
        found = self.seeder.api.store.find_ci("user", "email", email)
        if not found:
            raise SeedError(f"seed: no user {email!r}")
        return found[0].uuid

    def row(self, kind: str, uuid: str) -> Row | None:
        return self.seeder.api.store.get(kind, uuid)

    def account(self, name: str) -> str:
        found = self.seeder.api.store.find_ci(ACCOUNT.name, "name", name)
        if not found:
            raise SeedError(f"seed: no account named {name!r}")
        return found[0].uuid

    def save(self, row: Row) -> None:
        self.seeder.api.store.update(row)
