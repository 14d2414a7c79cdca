"""Reading all of one account, whatever a config says: what ``export`` writes out.

``read_live`` reads only what a config mentions. Export has no config, so it reads every
kind asked for, the managed kinds those name (so references come out as names), then the
lookups (destinations, nodes, users...) that the objects actually name, and the companion
fields (namespace settings) of every object that has them. Four requests or so in all,
however large the account.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ambraconf.api.client import AmbraClient, ListRequest
from ambraconf.config.errors import UserError
from ambraconf.engine.live import LiveAccount
from ambraconf.engine.read import Catalogue, build_account
from ambraconf.kinds.spec import KindSpec


def read_snapshot(
    client: AmbraClient, account: str, kinds: Sequence[str], catalogue: Catalogue
) -> LiveAccount:
    """The live state of the account called (or with uuid) ``account``: every object of
    ``kinds`` (names of managed kinds, and ``account`` for its fields and settings)."""
    raw = find_account(client.list_all("/account/list", "accounts"), account)
    holders = [catalogue.specs[kind] for kind in kinds]
    first = [k for k in catalogue.specs if k in kinds or k in _targets(holders, catalogue.specs)]
    lists = _read_lists(client, raw["uuid"], first, catalogue)
    live = build_account(raw["name"], raw, lists, catalogue)
    lookups = [k for k in catalogue.lookups if k in _named_lookups(live, holders, catalogue)]
    if lookups:
        lists.update(_read_lists(client, raw["uuid"], lookups, catalogue))
        live = build_account(raw["name"], raw, lists, catalogue)
    _read_companions(client, live, holders)
    return live


def find_account(visible: Sequence[dict], wanted: str) -> dict:
    """The one visible account whose uuid is ``wanted`` or whose name is (any letter case)."""
    matches = [a for a in visible if a.get("uuid") == wanted] or [
        a for a in visible if str(a.get("name", "")).casefold() == wanted.casefold()
    ]
    if len(matches) == 1:
        return matches[0]
    if matches:
        uuids = ", ".join(str(a.get("uuid")) for a in matches)
        raise UserError(
            f"{len(matches)} accounts you can see are called {wanted!r} ({uuids})",
            hint="name the account by its uuid instead",
        )
    names = ", ".join(sorted(repr(a.get("name")) for a in visible)[:10]) or "none"
    raise UserError(
        f"no account {wanted!r} is visible to this user", hint=f"accounts you can see: {names}"
    )


def _targets(holders: Iterable[KindSpec], specs: Mapping[str, KindSpec]) -> set[str]:
    return {ref.target for spec in holders for ref in spec.references if ref.target in specs}


def _values(live: LiveAccount, spec: KindSpec) -> list[dict]:
    return [o.values for o in live.of_kind(spec.name)]


def _named_lookups(
    live: LiveAccount, holders: Iterable[KindSpec], catalogue: Catalogue
) -> set[str]:
    """Lookup kinds some object actually names: read those, and no others (an instance may
    not offer every lookup list, and each costs a request)."""
    return {
        ref.target
        for spec in holders
        for ref in spec.references
        if ref.target in catalogue.lookups
        and any(value for values in _values(live, spec) for _, value in ref.names_in(values))
    }


def _read_lists(
    client: AmbraClient, account_uuid: str, kinds: Sequence[str], catalogue: Catalogue
) -> dict[str, list[dict]]:
    listed = [k for k in kinds if catalogue.api(k).scope_param is not None]
    requests = [
        ListRequest(
            catalogue.api(k).list_path,
            catalogue.api(k).list_key,
            catalogue.api(k).list_scope(account_uuid),
            catalogue.api(k).paged,
        )
        for k in listed
    ]
    return dict(zip(listed, client.list_many(requests), strict=True)) if requests else {}


def _read_companions(client: AmbraClient, live: LiveAccount, holders: Iterable[KindSpec]) -> None:
    """Fields no list returns (a group's namespace settings): one bundled call per object."""
    targets = [
        (obj, companion)
        for spec in holders
        for companion in spec.api.companions
        for obj in live.of_kind(spec.name)
        if obj.raw.get(companion.key)
    ]
    if not targets:
        return
    calls = [(c.path, {c.param: str(obj.raw[c.key])}) for obj, c in targets]
    for (obj, companion), result in zip(
        targets, client.bundle(calls, idempotent=True), strict=True
    ):
        obj.values[companion.field] = companion.decode(result.unwrap(), live.names)
