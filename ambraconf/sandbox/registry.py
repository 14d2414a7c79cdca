"""The emulated kinds, one line each, and the endpoint table built from them.

The order is the order a seed account's objects are created in (docs/sandbox.md):
a kind comes after the kinds its objects name.
"""

from __future__ import annotations

from ambraconf.sandbox import (
    accounts,
    anonymization,
    crud,
    customcodes,
    customfields,
    destinations,
    dictionaries,
    hl7_transforms,
    members,
    namespaces,
    nodes,
    purges,
    roles,
    routes,
    scanners,
    session,
    share_rules,
    sites,
    templates,
    terminology,
    validation_rules,
    webhooks,
)
from ambraconf.sandbox.schema import Endpoint, Kind

KINDS: tuple[Kind, ...] = (
    accounts.ACCOUNT,
    customfields.CUSTOMFIELD,
    customfields.CUSTOMFIELD_MAPPING,
    roles.ROLE,
    members.ACCOUNT_USER,
    nodes.NODE,
    destinations.DESTINATION,
    sites.SITE,
    anonymization.PROFILE,
    namespaces.GROUP,
    namespaces.LOCATION,
    namespaces.NAMESPACE,
    webhooks.WEBHOOK,
    templates.HL7_TEMPLATE,
    hl7_transforms.HL7_TRANSFORM,
    templates.RADREPORT_TEMPLATE,
    validation_rules.VALIDATE,
    routes.ROUTE,
    share_rules.SHARE_RULE,
    terminology.TERMINOLOGY,
    scanners.SCANNER,
    dictionaries.DICTIONARY,
    purges.PURGE,
    customcodes.CUSTOMCODE,
)


def _table() -> dict[str, Endpoint]:
    table = dict(session.ENDPOINTS)
    for kind in KINDS:
        table.update(crud.endpoints(kind))
    return table


ENDPOINTS: dict[str, Endpoint] = _table()
