"""Reading live state, for plan, drift and export alike, in as few requests as the API allows.

One ``/account/list``; one round of bundles with the lists of every kind of every account
asked for and, for a plan, the record of each account's last apply; one round with the
fields no list returns (namespace settings, a group's members), only when some object
wants them. A round's chunks go the client's ``concurrency`` at a time (``api.client``).
The callers differ only in what they ask of each account (``AccountRead``): a plan reads
the kinds its config mentions and the kinds those name, and companions of the objects whose
config sets them; export reads every kind asked for, the kinds they name, and every
companion.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from typing import Any

from ambraconf.api.client import AmbraClient, BundleResult, Call, ListRequest
from ambraconf.config.desired import DesiredAccount
from ambraconf.config.errors import UserError
from ambraconf.config.positions import Mark
from ambraconf.engine import records
from ambraconf.engine.live import LiveAccount, LiveObject
from ambraconf.engine.planner import kinds_in_play
from ambraconf.engine.records import ApplyRecord
from ambraconf.engine.refs import RefIndex
from ambraconf.kinds.apimap import ApiMap, Companion
from ambraconf.kinds.codec import as_flag
from ambraconf.kinds.spec import KindSpec


class AccountNotFound(UserError):
    """A config names an account the user cannot see."""


class UnexpectedAnswer(UserError):
    """The API answered without what its documentation promises (an object without its
    uuid): nothing can be planned safely on it."""


@dataclass(frozen=True)
class Catalogue:
    """What the reader knows of kinds: their specs, the account's first."""

    specs: Mapping[str, KindSpec]

    def api(self, kind: str) -> ApiMap:
        return self.specs[kind].api


@dataclass(frozen=True)
class AccountRead:
    """What to read of one account.

    ``name`` finds it (any letter case; a uuid works too), unless ``uuid`` pins it;
    ``create`` lets it be missing (the result is then None); ``mark`` is where a config
    names it, for messages. ``kinds`` are listed, all accounts' in one bundle.
    ``companion(kind, obj)`` says whose companion fields to read. ``live_name`` names the
    result by the account's live name (export), not by ``name`` (a config's spelling).
    """

    name: str
    kinds: Sequence[str]
    companion: Callable[[str, LiveObject], bool]
    uuid: str | None = None
    create: bool = False
    mark: Mark | None = None
    live_name: bool = False


def read_live(
    client: AmbraClient,
    accounts: Sequence[DesiredAccount],
    catalogue: Catalogue,
    *,
    with_records: bool = True,
) -> tuple[dict[str, LiveAccount | None], dict[str, ApplyRecord | None]]:
    """What a plan of ``accounts`` needs, per desired account name: live state (None for
    an account that does not exist but the config asks to create) and, ``with_records``,
    the record of the last apply to each account that exists (None where there is none)."""
    return _gathered([plan_read(a, catalogue) for a in accounts], client, catalogue, with_records)


def read_live_each(
    client: AmbraClient,
    accounts: Sequence[DesiredAccount],
    catalogue: Catalogue,
    *,
    with_records: bool = True,
) -> Generator[LiveRead, None, None]:
    """``read_live``, one account at a time as soon as all of it is in: a plan of hundreds
    of accounts plans each while the lists of the next are still on their way, and the
    raw rows of an account need not wait for the others'. Accounts come in no promised
    order (the ones to create first, those waiting for companion reads last); close the
    iterator (``contextlib.closing``) when not reading it to its end."""
    reads = [plan_read(a, catalogue) for a in accounts]
    return _read_each(client, reads, catalogue, with_records)


def read_snapshot(
    client: AmbraClient, account: str, kinds: Sequence[str], catalogue: Catalogue
) -> LiveAccount:
    """Every object of ``kinds`` of the account called (or with uuid) ``account``, with the
    kinds they name, so references come out as names: what export writes."""
    holders = [catalogue.specs[k] for k in kinds]
    named = {r.target for spec in holders for r in spec.references if r.target in catalogue.specs}
    named |= {k for spec in holders for c in spec.api.companions for k in c.reads}
    read = AccountRead(
        name=account,
        kinds=[k for k in catalogue.specs if k in kinds or k in named],
        companion=lambda kind, obj: kind in kinds,
        live_name=True,
    )
    live = read_accounts(client, [read], catalogue)[account]
    assert live is not None  # only an AccountRead with create may be missing
    return live


def plan_read(desired: DesiredAccount, catalogue: Catalogue) -> AccountRead:
    """A plan reads the kinds the config manages or prunes and every kind its objects name
    (so the names resolve), and the companions of the objects whose config sets them."""
    kinds = kinds_in_play(desired, catalogue.specs)
    targets = list(kinds)
    for kind in kinds:
        spec = catalogue.specs[kind]
        # looked for until each is found, only those naming kinds not read anyway
        unread = {id(ref) for ref in spec.references if ref.target not in targets}
        naming: set[int] = set()
        for obj in desired.of(kind) if unread else ():
            naming.update(id(ref) for ref, _, _ in desired.found_names.of(spec, obj.values))
            if unread <= naming:
                break
        for ref in spec.references:
            if ref.target not in targets and id(ref) in naming:
                targets.append(ref.target)
        for extra in catalogue.specs[kind].api.companions:
            if any(extra.field in o.values for o in desired.of(kind)):
                targets += [k for k in extra.reads if k not in targets]

    wanted: dict[str, tuple[set[tuple[str, ...]], set[str | None]]] = {}
    for kind in kinds:
        spec = catalogue.specs[kind]
        setting = [
            o for o in desired.of(kind) if any(c.field in o.values for c in spec.api.companions)
        ]
        wanted[kind] = ({o.identity for o in setting}, {o.uuid for o in setting if o.uuid})

    def companion(kind: str, obj: LiveObject) -> bool:
        keys, pinned = wanted.get(kind, (set(), set()))
        return catalogue.specs[kind].identity_of(obj.values) in keys or obj.uuid in pinned

    return AccountRead(
        name=desired.name,
        kinds=targets,
        companion=companion,
        uuid=desired.uuid,
        create=desired.create,
        mark=desired.mark,
    )


def read_accounts(
    client: AmbraClient, reads: Sequence[AccountRead], catalogue: Catalogue
) -> dict[str, LiveAccount | None]:
    """Live state per ``AccountRead.name``."""
    return _gathered(reads, client, catalogue, with_records=False)[0]


@dataclass(frozen=True)
class LiveRead:
    """One account as read: its ``AccountRead``, its live state (None when it may be
    created and is not there) and the record of the last apply to it (None where there is
    none, or records were not asked for: ``has_record`` tells)."""

    read: AccountRead
    live: LiveAccount | None
    record: ApplyRecord | None = None
    has_record: bool = False


def _gathered(
    reads: Sequence[AccountRead], client: AmbraClient, catalogue: Catalogue, with_records: bool
) -> tuple[dict[str, LiveAccount | None], dict[str, ApplyRecord | None]]:
    """Every account of ``reads`` read, by name in the order of ``reads``, and the records
    of those that exist (``with_records``)."""
    with closing(_read_each(client, reads, catalogue, with_records)) as each:
        done = {one.read.name: one for one in each}
    live = {r.name: done[r.name].live for r in reads}
    applied = {r.name: done[r.name].record for r in reads if done[r.name].has_record}
    return live, applied


def _read_each(
    client: AmbraClient, reads: Sequence[AccountRead], catalogue: Catalogue, with_records: bool
) -> Generator[LiveRead, None, None]:
    """Each account of ``reads`` as soon as it can be planned: those to create at once
    (nothing of them to read), the others once their lists and record are in, except
    those with objects wanting a companion read, which wait for that second round."""
    visible = client.list_all("/account/list", "accounts")
    found = [(read, find_account(visible, read)) for read in reads]
    yield from (LiveRead(read, None) for read, raw in found if raw is None)
    present = [(read, raw) for read, raw in found if raw is not None]
    gets = [records.get_call(str(raw["uuid"])) for _, raw in present] if with_records else []
    seen = visible_index(visible, catalogue)
    waiting: list[LiveRead] = []
    wanted: list[Wanted] = []
    for (read, raw), lists, got in _lists_each(client, present, gets, catalogue):
        state = build_account(read, raw, lists, catalogue, visible, seen)
        record = records.from_result(got) if got is not None else None
        one = LiveRead(read, state, record, has_record=got is not None)
        companions = _companions_of(read, state, catalogue)
        if companions:
            waiting.append(one)
            wanted += companions
        else:
            yield one
    _read_companions(client, wanted)
    yield from waiting


Listed = tuple[tuple[AccountRead, dict], dict[str, list[dict]], BundleResult | None]
"""An account read and its raw record, its lists by kind, and its get's result."""


def _lists_each(
    client: AmbraClient,
    present: Sequence[tuple[AccountRead, dict]],
    gets: Sequence[Call],
    catalogue: Catalogue,
) -> Generator[Listed, None, None]:
    """Each account of ``present`` with its lists (by kind) and its get's result (``gets``
    are one per account, or none), all accounts in one round, each handed on as soon as
    all of it is in. A kind without an owner (the account itself) is not listed per
    account: ``/account/list`` read it."""
    requests: list[ListRequest] = []
    slots: list[tuple[int, str]] = []
    lists: list[dict[str, list[dict]]] = [{} for _ in present]
    for number, (read, raw) in enumerate(present):
        for kind in read.kinds:
            api = catalogue.api(kind)
            if api.scope_param is None:
                continue
            scope = api.list_scope(str(raw["uuid"]))
            requests.append(ListRequest(api.list_path, api.list_key, scope, api.paged))
            slots.append((number, kind))
    outstanding = [0] * len(present)
    for number, _ in slots:
        outstanding[number] += 1
    got: list[BundleResult | None] = [None] * len(present)
    unanswered = [bool(gets)] * len(present)
    for number in range(len(present)):
        if not outstanding[number] and not unanswered[number]:
            yield present[number], lists[number], None
    with closing(client.read_each(requests, gets)) as arrivals:
        for arrival in arrivals:
            if arrival.result is not None:
                number = arrival.index
                got[number], unanswered[number] = arrival.result, False
            else:
                number, kind = slots[arrival.index]
                lists[number][kind] = arrival.items
                outstanding[number] -= 1
            if not outstanding[number] and not unanswered[number]:
                done, lists[number] = lists[number], {}
                yield present[number], done, got[number]


Wanted = tuple[LiveObject, Companion, LiveAccount]
"""A live object that wants a companion read, the companion, and the object's account."""


def _companions_of(read: AccountRead, state: LiveAccount, catalogue: Catalogue) -> list[Wanted]:
    """The objects of one account that want a companion read, with the companion."""
    return [
        (obj, companion, state)
        for kind, spec in catalogue.specs.items()
        for companion in spec.api.companions
        for obj in state.of_kind(kind)
        if obj.raw.get(companion.key) and read.companion(kind, obj)
    ]


def _read_companions(client: AmbraClient, targets: Sequence[Wanted]) -> None:
    """Fields no list returns (a group's namespace settings): one get per object that
    wants them, for all accounts together; sets of sub-objects (a group's members) are
    lists, one per object: the gets and the lists' pages in one round of bundles."""
    gets = [t for t in targets if t[1].list_key is None]
    lists = [(obj, c, state, c.list_key) for obj, c, state in targets if c.list_key]
    if not gets and not lists:
        return
    calls: list[Call] = [(c.path, {c.param: str(obj.raw[c.key])}) for obj, c, _ in gets]
    requests = [
        ListRequest(c.path, key, {c.param: str(obj.raw[c.key])}) for obj, c, _, key in lists
    ]
    listed, got = client.read_many(requests, calls)
    for (obj, companion, state), result in zip(gets, got, strict=True):
        reply = result.unwrap()
        obj.raw[companion.field] = reply
        obj.values[companion.field] = companion.decode(reply, state.names)
    for (obj, companion, state, key), items in zip(lists, listed, strict=True):
        obj.values[companion.field] = companion.decode({key: items}, state.names)


def find_account(visible: Sequence[dict], read: AccountRead) -> dict | None:
    """The one visible account ``read`` means, None if it may be created, else an error.

    A pinned uuid is matched alone; a name is tried as a uuid first, then by name in any
    letter case (export takes either)."""
    wanted = read.uuid or read.name
    matches = [a for a in visible if a.get("uuid") == wanted]
    if not matches and not read.uuid:
        matches = [a for a in visible if str(a.get("name", "")).casefold() == read.name.casefold()]
    where = f" ({read.mark})" if read.mark else ""
    if len(matches) > 1:
        uuids = ", ".join(str(a.get("uuid")) for a in matches)
        raise AccountNotFound(
            f"{len(matches)} accounts you can see are called {read.name!r} ({uuids})",
            hint=f"pin the account with `uuid:` in the config{where}"
            if read.mark
            else "name the account by its uuid instead",
        )
    if matches:
        return matches[0]
    if read.create:
        return None
    what = (
        f"with uuid {read.uuid}" if read.uuid else f"{'called ' if read.mark else ''}{read.name!r}"
    )
    names = ", ".join(repr(n) for n in sorted(str(a.get("name")) for a in visible)[:10]) or "none"
    raise AccountNotFound(
        f"no account {what} is visible to this user{where}",
        hint=f"accounts this user can see: {names}; or set `create: true` to create it"
        if read.mark
        else f"accounts you can see: {names}",
    )


def visible_index(visible: Sequence[dict], catalogue: Catalogue) -> RefIndex:
    """The accounts the user can see, by name, for every kind that holds others: one index
    for all the accounts of a read (``RefIndex.visible``)."""
    index = RefIndex("")
    for kind, spec in catalogue.specs.items():
        if spec.holds_others:
            for other in visible:
                if other.get("uuid") is not None and other.get("name"):
                    index.add(kind, str(other["name"]), str(other["uuid"]))
    return index


def build_account(
    read: AccountRead,
    raw: dict,
    lists: Mapping[str, list[dict]],
    catalogue: Catalogue,
    visible: Sequence[dict] = (),
    seen: RefIndex | None = None,
) -> LiveAccount:
    """One account's live state from its raw record and the lists read for it (by kind):
    every listed object named in the reference index, managed kinds decoded to config shape.
    The account itself is an object of its kind, from its own record; the other accounts
    the user can see (``visible``) are named in the index too, so that a reference to an
    account (a share rule with a partner organisation) resolves by name. Objects a list
    returns from other accounts (shared custom code) are left out. ``seen``: the index of
    ``visible`` (``visible_index``), where the caller has made it once for all accounts."""
    _uuid_of("/account/list", "uuid", raw.get("uuid") if isinstance(raw, dict) else None, raw)
    name = str(raw.get("name")) if read.live_name else read.name
    names = RefIndex(
        name,
        account_namespace=raw.get("namespace_id"),
        account_id=str(raw["uuid"]),
        visible=seen if seen is not None else visible_index(visible, catalogue),
    )
    owned = {
        k: [i for i in items if catalogue.api(k).owns(i, str(raw["uuid"]))]
        for k, items in lists.items()
    }
    lists = {
        **{k: [raw] for k, spec in catalogue.specs.items() if spec.api.scope_param is None},
        **owned,
    }
    uuids = {
        kind: [catalogue.api(kind).uuid_of(i) if isinstance(i, dict) else None for i in items]
        for kind, items in lists.items()
    }
    for kind, items in lists.items():
        api = catalogue.api(kind)
        for item, uuid in zip(items, uuids[kind], strict=True):
            if item.get(api.name_field) is None or uuid is None:
                continue
            namespace = item.get("namespace_id") if api.owns_namespace else None
            names.add(kind, str(item[api.name_field]), uuid, namespace)
            for flag in api.flagged:
                if as_flag(item.get(flag)):
                    names.flag(kind, str(item[api.name_field]), flag)
    live = LiveAccount(name, str(raw["uuid"]), raw, names)
    for kind, items in lists.items():
        if kind not in catalogue.specs:
            continue
        api = catalogue.specs[kind].api
        live.objects[kind] = [
            LiveObject(kind, _listed_uuid(api, item, uuid), item, api.decode(item, names))
            for item, uuid in zip(items, uuids[kind], strict=True)
        ]
    return live


def _listed_uuid(api: ApiMap, item: Any, uuid: str | None) -> str:
    return _uuid_of(api.list_path, " and ".join(api.key_params) or api.uuid_field, uuid, item)


def _uuid_of(path: str, field: str, uuid: Any, item: Any) -> str:
    if uuid in (None, ""):
        raise UnexpectedAnswer(
            f"{path} returned an object without its {field}: {str(item)[:200]}",
            hint="the API's answer is not what its documentation describes; nothing was "
            "changed. Try again, or report it to Ambra support",
        )
    return str(uuid)
