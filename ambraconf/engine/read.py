"""Reading live state: every list a plan needs, for every account, in as few requests as
the API allows (one ``/account/list``, then the lists of all accounts bundled together).

Only kinds the config mentions are read, plus the kinds they reference (so names resolve).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ambraconf.api.client import AmbraClient, ListRequest
from ambraconf.config.desired import DesiredAccount
from ambraconf.config.errors import UserError
from ambraconf.engine.live import LiveAccount, LiveObject
from ambraconf.engine.planner import kinds_in_play
from ambraconf.engine.refs import RefIndex
from ambraconf.kinds.codec import ApiMap, Companion
from ambraconf.kinds.spec import KindSpec


class AccountNotFound(UserError):
    """A config names an account the user cannot see."""


@dataclass(frozen=True)
class Catalogue:
    """What the reader knows of kinds: managed specs (the account's first), lookup-only maps."""

    specs: Mapping[str, KindSpec]
    lookups: Mapping[str, ApiMap]

    def api(self, kind: str) -> ApiMap:
        return self.specs[kind].api if kind in self.specs else self.lookups[kind]


def kinds_to_read(desired: DesiredAccount, catalogue: Catalogue) -> list[str]:
    """Kinds the config manages or prunes, and every kind its objects name (so the names
    resolve); nothing else is read."""
    kinds = kinds_in_play(desired, catalogue.specs)
    sources = [(catalogue.specs[k], o.values) for k in kinds for o in desired.of(k)]
    for spec, values in sources:
        for ref in spec.references:
            known = ref.target in catalogue.specs or ref.target in catalogue.lookups
            if known and ref.target not in kinds and any(True for _ in ref.names_in(values)):
                kinds.append(ref.target)
    return kinds


def read_live(
    client: AmbraClient, accounts: Sequence[DesiredAccount], catalogue: Catalogue
) -> dict[str, LiveAccount | None]:
    """Live state per desired account name; None for an account that does not exist but
    the config asks to create."""
    visible = client.list_all("/account/list", "accounts")
    raw_accounts = {a.name: _find_account(a, visible) for a in accounts}
    requests: list[ListRequest] = []
    slots: list[tuple[str, str]] = []
    for desired in accounts:
        raw = raw_accounts[desired.name]
        if raw is None:
            continue
        for kind in kinds_to_read(desired, catalogue):
            api = catalogue.api(kind)
            if api.scope_param is None:
                continue  # the account itself: /account/list has read it
            requests.append(
                ListRequest(api.list_path, api.list_key, api.list_scope(raw["uuid"]), api.paged)
            )
            slots.append((desired.name, kind))
    lists = client.list_many(requests) if requests else []
    by_account: dict[str, dict[str, list[dict]]] = {}
    for (name, kind), items in zip(slots, lists, strict=True):
        by_account.setdefault(name, {})[kind] = items
    live = {
        desired.name: build_account(desired.name, raw, by_account.get(desired.name, {}), catalogue)
        if (raw := raw_accounts[desired.name]) is not None
        else None
        for desired in accounts
    }
    _read_companions(client, accounts, live, catalogue)
    return live


def _read_companions(
    client: AmbraClient,
    accounts: Sequence[DesiredAccount],
    live: Mapping[str, LiveAccount | None],
    catalogue: Catalogue,
) -> None:
    """Fields no list returns (namespace settings): one bundled get per object whose
    config sets them, for all accounts together."""
    calls: list[tuple[str, dict[str, str]]] = []
    targets: list[tuple[LiveObject, Companion, LiveAccount]] = []
    for desired in accounts:
        state = live.get(desired.name)
        if state is None:
            continue
        for kind in kinds_in_play(desired, catalogue.specs):
            spec = catalogue.specs[kind]
            for companion in spec.api.companions:
                wanted = {
                    spec.identity_of(o.values)
                    for o in desired.of(kind)
                    if companion.field in o.values
                }
                pinned = {o.uuid for o in desired.of(kind) if companion.field in o.values}
                for obj in state.of_kind(kind):
                    key = obj.raw.get(companion.key)
                    hit = spec.identity_of(obj.values) in wanted or obj.uuid in pinned
                    if key and hit:
                        calls.append((companion.path, {companion.param: str(key)}))
                        targets.append((obj, companion, state))
    if not calls:
        return
    for (obj, companion, state), result in zip(
        targets, client.bundle(calls, idempotent=True), strict=True
    ):
        obj.values[companion.field] = companion.decode(result.unwrap(), state.names)


def _find_account(desired: DesiredAccount, visible: list[dict]) -> dict | None:
    if desired.uuid:
        matches = [a for a in visible if a.get("uuid") == desired.uuid]
    else:
        matches = [
            a for a in visible if str(a.get("name", "")).casefold() == desired.name.casefold()
        ]
    if len(matches) > 1:
        uuids = ", ".join(a["uuid"] for a in matches)
        raise AccountNotFound(
            f"{len(matches)} accounts you can see are called {desired.name!r} ({uuids})",
            hint=f"pin the account with `uuid:` in the config ({desired.mark})",
        )
    if matches:
        return matches[0]
    if desired.create:
        return None
    what = f"with uuid {desired.uuid}" if desired.uuid else f"called {desired.name!r}"
    names = ", ".join(sorted(repr(a.get("name")) for a in visible)[:10]) or "none"
    raise AccountNotFound(
        f"no account {what} is visible to this user ({desired.mark})",
        hint=f"accounts this user can see: {names}; or set `create: true` to create it",
    )


def build_account(
    name: str, raw: dict, lists: Mapping[str, list[dict]], catalogue: Catalogue
) -> LiveAccount:
    """One account's live state from its raw record and the lists read for it (by kind):
    every listed object named in the reference index, managed kinds decoded to config shape."""
    names = RefIndex(name, account_namespace=raw.get("namespace_id"))
    lists = {
        **{k: [raw] for k, spec in catalogue.specs.items() if spec.api.scope_param is None},
        **lists,
    }
    for kind, items in lists.items():
        api = catalogue.api(kind)
        for item in items:
            if item.get(api.name_field) is None or item.get(api.uuid_field) is None:
                continue
            namespace = item.get("namespace_id") if api.owns_namespace else None
            names.add(kind, str(item[api.name_field]), str(item[api.uuid_field]), namespace)
    live = LiveAccount(name, raw["uuid"], raw, names)
    for kind, items in lists.items():
        if kind not in catalogue.specs:
            continue
        api = catalogue.specs[kind].api
        live.objects[kind] = [
            LiveObject(kind, str(item[api.uuid_field]), item, api.decode(item, names))
            for item in items
        ]
    return live
