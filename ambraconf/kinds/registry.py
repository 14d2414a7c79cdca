"""The registry: every kind ambraconf manages, in the order objects are usually created.

Adding a kind is one module in this package and one line in ``KINDS``.
"""

from __future__ import annotations

from ambraconf.kinds import (
    account,
    account_user,
    anonymization,
    customcode,
    customfield,
    destination,
    dictionary,
    group,
    hl7_template,
    hl7_transform,
    location,
    node,
    purge_rule,
    radreport_template,
    role,
    route,
    scanner,
    share_rule,
    site,
    terminology,
    validation_rule,
    webhook,
)
from ambraconf.kinds.account import account_models
from ambraconf.kinds.declarations import check_registry
from ambraconf.kinds.spec import KindSpec

KINDS: tuple[KindSpec, ...] = (
    customfield.SPEC,
    role.SPEC,
    account_user.SPEC,
    node.SPEC,
    destination.SPEC,
    site.SPEC,
    anonymization.SPEC,
    group.SPEC,
    location.SPEC,
    webhook.SPEC,
    validation_rule.SPEC,
    route.SPEC,
    hl7_template.SPEC,
    hl7_transform.SPEC,
    dictionary.SPEC,
    radreport_template.SPEC,
    share_rule.SPEC,
    terminology.SPEC,
    scanner.SPEC,
    purge_rule.SPEC,
    customcode.SPEC,
)

ACCOUNT: KindSpec = account.SPEC
"""The account itself: a kind like the others, holding the kinds above in the config."""

AccountHead, Account, SharedBlock = account_models(KINDS)

BY_NAME: dict[str, KindSpec] = {k.name: k for k in (ACCOUNT, *KINDS)}
BY_KEY: dict[str, KindSpec] = {k.key: k for k in KINDS}


def kind(name: str) -> KindSpec:
    """The spec of kind ``name`` ("role"); KeyError for kinds ambraconf does not manage."""
    return BY_NAME[name]


check_registry((ACCOUNT, *KINDS))
