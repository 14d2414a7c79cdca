"""Cloning an account: the config of B is the export of A under B's name, written to be
reviewed and kept in git, then planned and applied like any config (docs/clone.md).

An export is already a config that recreates the account exactly; what a copy into
another account needs on top is small and lives here, with no kind named:

- the account entry names B (``compare`` renames its export the same way), with
  ``create: true`` when B does not exist yet;
- values the API keeps unique across every account (``KindSpec.share_codes``: a
  verbatim copy fails with ``DUP_SHARE_CODE``) are rewritten by a template, and the
  values that name one of A's (``KindSpec.share_code_refs``: a route's share action)
  follow them, so B's routes share into B's own groups;
- kinds ambraconf never creates (gateway nodes) are left out: B has its own gateways.

Object names are kept as they are, even when they embed A's name: identity is by name,
so the same names make the same objects, and a clone renamed by guesswork would not be
the same objects. The files are there to be edited before an apply when a site wants
other names.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ambraconf.config.errors import UserError
from ambraconf.engine.compare import retarget
from ambraconf.engine.export import ACCOUNT_FILE, Export, Placeholder, export_account
from ambraconf.engine.live import LiveAccount
from ambraconf.engine.session import ApplyRun
from ambraconf.kinds.spec import KindSpec, fold, walk

DEFAULT_SHARE_CODES = "{account}-{code}"
"""A's code behind B's slug: ``NSH-RAD`` of a clone into "Northshore West" becomes
``NORTHSHORE-WEST-NSH-RAD``, which no other account has unless it was cloned the same way."""
PLACEHOLDERS = ("code", "account")
_SHARE_CODE = re.compile(r"[A-Za-z0-9._-]+")
"""What a rewritten share code may hold. The API documents no length or character set
for share codes; the template is ambraconf's, so its results are held to the characters
existing codes use (letters, digits, ``-``, ``_``, ``.``): a code people type and read out."""


@dataclass
class Clone:
    """The clone of ``source`` as the config of ``target``: the export to write, the share
    codes rewritten (A's code to B's, in A's spelling), and whether B is to be created."""

    source: str
    target: str
    export: Export
    share_codes: dict[str, str] = field(default_factory=dict)
    create: bool = False


def slug(name: str) -> str:
    """``Northshore West`` → ``NORTHSHORE-WEST``: an account name as ``{account}`` in a
    share code template."""
    return re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-")


def default_out(target: str) -> Path:
    """Where a clone is written unless told: ``./northshore-west``."""
    return Path(slug(target).lower() or "clone")


def cloned_kinds(kinds: Sequence[str], specs: Mapping[str, KindSpec]) -> list[str]:
    """The kinds a clone copies: those ambraconf creates (not gateway nodes)."""
    return [k for k in kinds if specs[k].api.add_path]


def make_clone(
    live: LiveAccount,
    target: str,
    kinds: Sequence[str],
    specs: Mapping[str, KindSpec],
    *,
    template: str = DEFAULT_SHARE_CODES,
    create: bool = False,
    creator: str | None = None,
) -> Clone:
    """The clone of the live account ``live`` into ``target``: ``live``'s share codes are
    rewritten in place, then it is exported (server defaults left out, secrets as
    placeholders) and renamed. Raises ``UserError`` for a template that does not give
    every code a valid, distinct new one.

    When the target is to be created (``create``), the user who creates it (``creator``,
    the session's login) is left out of its users: the account's add makes them a member
    (an add of the membership would answer ``ALREADY_EXISTS``); a later clone into the
    account, which exists then, lists them with their role in the source account."""
    codes = _rewrite_share_codes(live, specs, template, target)
    notes = _leave_out_creator(live, specs, creator) if create and creator else []
    exported = export_account(live, cloned_kinds(kinds, specs), specs)
    exported.notes[:0] = notes
    retarget(exported, target)
    if create:
        _mark_create(exported, target)
    return Clone(live.name, target, exported, codes, create)


def check_template(template: str) -> None:
    """A template names ``{code}`` (else every code would be the same) and nothing but
    ``{code}`` and ``{account}``."""
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
    except ValueError as exc:
        raise UserError(f"--share-codes {template!r}: {exc}") from None
    unknown = sorted(fields - set(PLACEHOLDERS))
    if unknown or "code" not in fields:
        raise UserError(
            f"--share-codes {template!r}: "
            + (f"unknown placeholder {{{unknown[0]}}}" if unknown else "it must contain {code}"),
            hint="use {code} (the source account's code) and {account} (the target's slug), "
            f"e.g. {DEFAULT_SHARE_CODES!r}",
        )


def check_out(folder: Path, *, overwrite: bool) -> None:
    """A clone is written into a new or empty directory, unless ``overwrite``: a clone
    over someone's files would mix with them (every YAML file of a config is read)."""
    if not overwrite and folder.is_dir() and any(folder.iterdir()):
        raise UserError(
            f"{folder} is not empty", hint="clone into a new directory, or add --overwrite"
        )


def check_target(
    existing: LiveAccount | None,
    source: LiveAccount,
    specs: Mapping[str, KindSpec],
    *,
    into_existing: bool,
    other_server: bool,
) -> None:
    """The target is new, empty, or ``into_existing`` says to merge the clone into it;
    never the account cloned."""
    if existing is None:
        return
    if existing.uuid == source.uuid and not other_server:
        raise UserError(
            f"{existing.name!r} is the account cloned", hint="give another account to --to"
        )
    held = held_objects(existing, specs)
    if held and not into_existing:
        shown = ", ".join(held[:5]) + (f" and {len(held) - 5} more" if len(held) > 5 else "")
        raise UserError(
            f"the account {existing.name!r} exists and is not empty: it has {shown}",
            hint="clone into a new or empty account, or add --into-existing to merge the "
            "clone into it (its own objects are left alone)",
        )


def held_objects(live: LiveAccount, specs: Mapping[str, KindSpec]) -> list[str]:
    """What the existing account ``live`` holds that a clone would mix with (``kind
    'name'``). Its own fields, its users (a new account has its creator) and its gateways
    (installed for the new site before its config is cloned; ambraconf never creates
    them) do not count, nor do the stock objects every account has."""
    found = []
    for kind in cloned_kinds(list(specs), specs):
        spec = specs[kind]
        if spec.holds_others or spec.exists_outside:
            continue
        for obj in live.of_kind(kind):
            if not spec.is_stock(obj.raw, obj.values.get(spec.name_key)):
                found.append(f"{spec.title} {spec.display(obj.values)!r}")
    return found


def _rewrite_share_codes(
    live: LiveAccount, specs: Mapping[str, KindSpec], template: str, target: str
) -> dict[str, str]:
    """Rewrite ``live``'s share codes, and what names them, in place; A's codes (as A
    spells them) to B's. Codes compare case-insensitively, as the API's uniqueness does."""
    check_template(template)
    codes: dict[str, tuple[str, str]] = {}
    for spec, values in _objects(live, specs):
        for path in spec.share_codes:
            for _, code in walk(values, path):
                if isinstance(code, str) and code:
                    new = template.format(code=code, account=slug(target))
                    codes.setdefault(fold(code), (code, new))
    check_codes(list(codes.values()), template)
    for spec, values in _objects(live, specs):
        for path in (*spec.share_codes, *spec.share_code_refs):
            for concrete, code in list(walk(values, path)):
                if isinstance(code, str) and fold(code) in codes:
                    _set(values, concrete, codes[fold(code)][1])
    return dict(codes.values())


def _leave_out_creator(live: LiveAccount, specs: Mapping[str, KindSpec], creator: str) -> list[str]:
    """Take ``creator``'s membership out of ``live`` (see ``make_clone``); the note why."""
    notes = []
    for spec in specs.values():
        if spec.exists_outside is None:
            continue
        objects = live.objects.get(spec.name, [])
        mine = [o for o in objects if fold(o.values.get(spec.name_key)) == fold(creator)]
        for obj in mine:
            objects.remove(obj)
            notes.append(
                f"{spec.title} {creator!r} is left out: creating the account makes you its "
                "member (with the role Ambra gives its creator)"
            )
    return notes


def check_codes(codes: Sequence[tuple[str, str]], template: str) -> None:
    """Every new code valid, distinct from the others and from the code it replaces."""
    problems = []
    seen: dict[str, str] = {}
    for old, new in codes:
        if not _SHARE_CODE.fullmatch(new):
            problems.append(f"{new!r} (for {old!r}) may hold only letters, digits, -, _ and .")
        elif fold(new) == fold(old):
            problems.append(f"{new!r} is the code it replaces")
        elif fold(new) in seen:
            problems.append(f"{new!r} is given to both {seen[fold(new)]!r} and {old!r}")
        seen.setdefault(fold(new), old)
    if problems:
        raise UserError(
            f"--share-codes {template!r} does not give valid new share codes: "
            + "; ".join(problems),
            hint="share codes are unique across every account: give a template with {code} "
            "and a prefix or suffix, e.g. '{account}-{code}'",
        )


def _objects(live: LiveAccount, specs: Mapping[str, KindSpec]) -> list[tuple[KindSpec, Any]]:
    return [
        (spec, obj.values)
        for spec in specs.values()
        if spec.share_codes or spec.share_code_refs
        for obj in live.of_kind(spec.name)
    ]


def _set(values: Any, path: tuple[Any, ...], new: Any) -> None:
    parent = values
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = new


def _mark_create(exported: Export, target: str) -> None:
    """``create: true`` on the account entry of ``account.yaml`` (added if A's fields and
    settings are all at server defaults), right after its name."""
    head = next((f for f in exported.files if f.name == ACCOUNT_FILE), None)
    if head is None:
        bare = Export(exported.account)
        retarget(bare, target)
        head = bare.files[0]
        exported.files.insert(0, head)
    entry = head.document["accounts"][0]
    head.document["accounts"][0] = {"name": target, "create": True, **entry}


@dataclass
class CloneRun:
    """A clone and where it went: the files ``written`` into ``out`` (``strays``: YAML
    files that were there before, which the config read back includes), and the apply of
    them (``run.plan`` is the plan; with ``dry_run`` nothing was applied)."""

    clone: Clone
    out: Path
    written: list[Path]
    strays: list[Path]
    run: ApplyRun
    dry_run: bool = False


class MissingSecrets(UserError):
    """Secrets the cloned objects need that neither the environment nor a prompt gave."""


def secret_values(
    clone: Clone,
    environ: Mapping[str, str],
    ask: Callable[[Placeholder], str | None] | None,
) -> dict[str, str]:
    """The value of every secret placeholder of the clone: from ``environ``, else from
    ``ask`` (a prompt on a terminal); ``MissingSecrets`` names every one still missing,
    before anything is written or applied."""
    values, missing = {}, []
    for placeholder in clone.export.placeholders:
        value = environ.get(placeholder.variable) or (ask(placeholder) if ask else None)
        if value:
            values[placeholder.variable] = value
        else:
            missing.append(placeholder)
    if missing:
        names = "; ".join(f"{p.variable} ({p.kind} {p.name!r}, {p.path})" for p in missing)
        raise MissingSecrets(
            f"the clone needs secrets that are not set: {names}",
            hint="set them in the environment (the API never returns a secret, so they "
            "cannot be copied), or run clone on a terminal to be asked; nothing was written "
            "or changed",
        )
    return values
