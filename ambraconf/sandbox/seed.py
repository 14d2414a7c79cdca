"""Seeding: the default sandbox, and seed files (YAML or JSON) that load more.

A seed is a hash with ``users`` and ``accounts``; each account lists its objects
by kind as the parameters their add call takes, referring to each other by name
(see docs/sandbox.md for the format). Everything except users goes through the
API's own handlers as the sysadmin, so a seed obeys exactly the rules a client
does, and a mistake in a seed file is reported with the API's error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from ambraconf.sandbox.api import Api
from ambraconf.sandbox.protocol import wire_value

DEFAULT_ACCOUNT = "Sandbox Hospital"
DEFAULT_USER = ("user@sandbox.local", "sandbox")
ACCOUNT_PARTS = (
    "customfields",
    "roles",
    "members",
    "nodes",
    "destinations",
    "groups",
    "locations",
    "webhooks",
    "hl7_templates",
    "radreport_templates",
    "routes",
)
NAMED_REFERENCES = {
    "role": ("role_id", "role"),
    "global_role": ("global_role_id", "role"),
    "node": ("node_id", "node"),
    "group": ("group_id", "group"),
    "location": ("location_id", "location"),
}
ACTION_REFERENCES = {
    "destination": "destination",
    "destination_hl7_orm": "destination",
    "webhook": "webhook",
}


class SeedError(ValueError):
    """A seed that cannot be loaded; the message names the object and the API's error."""


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
                store.insert("user", doc)

    def _call(self, path: str, params: dict[str, Any], what: str) -> dict[str, Any]:
        wire = {name: wire_value(value) for name, value in params.items() if value is not None}
        status, reply = self.api.call(path, {**wire, "sid": self.sid})
        if status != 200:
            detail = reply.get("error_type"), reply.get("error_subtype")
            raise SeedError(f"seed: {what}: {path} answered {status} {detail}")
        return reply

    def _account(self, spec: dict[str, Any]) -> None:
        if not isinstance(spec, dict) or not spec.get("name"):
            raise SeedError(f"a seed account needs a name: {spec!r}")
        unknown = set(spec) - {"name", *ACCOUNT_PARTS} - _ACCOUNT_FIELDS
        if unknown:
            raise SeedError(f"account {spec['name']}: unknown key(s) {', '.join(sorted(unknown))}")
        found = self.api.store.find_ci("account", "name", spec["name"])
        uuid = (
            found[0].uuid
            if found
            else self._call("/account/add", {"name": spec["name"]}, spec["name"])["uuid"]
        )
        names = _Names(self, uuid)
        what = f"account {spec['name']}"
        for part in ACCOUNT_PARTS:
            for item in spec.get(part) or []:
                if not isinstance(item, dict):
                    raise SeedError(f"{what}: {part} entries must be mappings: {item!r}")
                getattr(self, f"_{part}")(
                    uuid, dict(item), names, f"{what}: {part} {item.get('name', '')}"
                )
        settings = {k: v for k, v in spec.items() if k in _ACCOUNT_FIELDS}
        if settings:
            self._call("/account/set", {"uuid": uuid, **names.resolve(settings)}, what)

    def _simple(self, path: str, uuid: str, item: dict[str, Any], names: _Names, what: str) -> str:
        return self._call(path, {"account_id": uuid, **names.resolve(item)}, what)["uuid"]

    def _customfields(self, uuid: str, item: dict[str, Any], names: _Names, what: str) -> None:
        self._simple("/customfield/add", uuid, item, names, what)

    def _roles(self, uuid: str, item: dict[str, Any], names: _Names, what: str) -> None:
        self._simple("/role/add", uuid, item, names, what)

    def _nodes(self, uuid: str, item: dict[str, Any], names: _Names, what: str) -> None:
        self._simple("/node/add", uuid, item, names, what)

    def _destinations(self, uuid: str, item: dict[str, Any], names: _Names, what: str) -> None:
        self._simple("/destination/add", uuid, item, names, what)

    def _webhooks(self, uuid: str, item: dict[str, Any], names: _Names, what: str) -> None:
        if "sid_user" in item:
            item["sid_user_id"] = names.user(item.pop("sid_user"))
        self._simple("/webhook/add", uuid, item, names, what)

    def _hl7_templates(self, uuid: str, item: dict[str, Any], names: _Names, what: str) -> None:
        self._simple("/hl7/template/add", uuid, item, names, what)

    def _radreport_templates(
        self, uuid: str, item: dict[str, Any], names: _Names, what: str
    ) -> None:
        active = item.pop("active", False)
        template = self._simple("/radreport/template/add", uuid, item, names, what)
        if active:
            self._call("/radreport/template/activate", {"uuid": template}, what)

    def _members(self, uuid: str, item: dict[str, Any], names: _Names, what: str) -> None:
        self._call("/account/user/add", {"uuid": uuid, **names.resolve(item)}, what)

    def _groups(self, uuid: str, item: dict[str, Any], names: _Names, what: str) -> None:
        self._owner("group", uuid, item, names, what)

    def _locations(self, uuid: str, item: dict[str, Any], names: _Names, what: str) -> None:
        self._owner("location", uuid, item, names, what)

    def _owner(self, kind: str, uuid: str, item: dict[str, Any], names: _Names, what: str) -> None:
        users = item.pop("members", None) or []
        owner = self._simple(f"/{kind}/add", uuid, item, names, what)
        for member in users:
            params = names.resolve({k: v for k, v in member.items() if k != "email"})
            params["user_id"] = names.user(member.get("email", ""))
            self._call(f"/{kind}/user/add", {"uuid": owner, **params}, what)

    def _routes(self, uuid: str, item: dict[str, Any], names: _Names, what: str) -> None:
        params = names.resolve(item)
        if not any(k in params for k in ("account_id", "group_id", "location_id", "namespace_id")):
            params["account_id"] = uuid
        params["conditions"] = [names.condition(c) for c in item.get("conditions") or []]
        params["actions"] = [names.action(a) for a in item.get("actions") or []]
        self._call("/route/add", params, what)


_ACCOUNT_FIELDS = frozenset(
    {
        "settings",
        "vanity",
        "password_expire",
        "session_expire",
        "must_approve",
        "must_approve_upload",
        "must_approve_harvest",
        "must_approve_move",
        "no_share",
        "can_request",
        "share_code",
        "share_description",
        "share_settings",
        "share_via_gateway",
        "hl7_template",
        "search_threshold",
        "css",
        "vendor",
        "role",
    }
)


class _Names:
    """Resolves names used in a seed to the uuids of objects of one account."""

    def __init__(self, seeder: Seeder, account_id: str) -> None:
        self.seeder = seeder
        self.account_id = account_id

    def uuid(self, kind: str, name: str) -> str:
        store = self.seeder.api.store
        found = store.find_ci(kind, "name", str(name), account_id=self.account_id)
        if not found:
            raise SeedError(f"seed: no {kind} named {name!r} in this account")
        return found[0].uuid

    def user(self, email: str) -> str:
        found = self.seeder.api.store.find_ci("user", "email", email)
        if not found:
            raise SeedError(f"seed: no user {email!r}")
        return found[0].uuid

    def resolve(self, item: dict[str, Any]) -> dict[str, Any]:
        """``role: Name`` → ``role_id``, ``node`` → ``node_id``, ``group``/``location`` → ids."""
        params = {}
        for key, value in item.items():
            if key in NAMED_REFERENCES:
                field, kind = NAMED_REFERENCES[key]
                params[field] = self.uuid(kind, value)
            elif key == "email" or key not in ("conditions", "actions", "members"):
                params[key] = value
        return params

    def condition(self, condition: dict[str, Any]) -> dict[str, Any]:
        """``lv: customfield:Name`` → ``customfield-<uuid>``."""
        lv = str(condition.get("lv", ""))
        if lv.startswith("customfield:"):
            return {
                **condition,
                "lv": f"customfield-{self.uuid('customfield', lv[len('customfield:') :])}",
            }
        return condition

    def action(self, action: dict[str, Any]) -> dict[str, Any]:
        """Destination, webhook and namespace actions may name their target."""
        resolved = {}
        for key, value in action.items():
            if key in ACTION_REFERENCES:
                resolved[key] = self._name_or_uuid(ACTION_REFERENCES[key], value)
            elif key == "first_working_destination" and isinstance(value, list):
                resolved[key] = [self._name_or_uuid("destination", v) for v in value]
            elif key == "namespace" and value not in ("PERSONAL", "GROUP", "LOCATION"):
                resolved[key] = self._namespace(value)
            else:
                resolved[key] = value
        return resolved

    def _name_or_uuid(self, kind: str, value: str) -> str:
        if self.seeder.api.store.get(kind, value) is not None:
            return value
        return self.uuid(kind, value)

    def _namespace(self, value: str) -> str:
        store = self.seeder.api.store
        if store.get("namespace", value) is not None:
            return value
        for kind in ("group", "location"):
            found = store.find_ci(kind, "name", value, account_id=self.account_id)
            if found:
                return found[0].doc["namespace_id"]
        raise SeedError(f"seed: no group or location named {value!r} for a namespace action")
