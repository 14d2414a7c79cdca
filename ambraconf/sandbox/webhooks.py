"""Webhooks: events, methods, URL, cron, filters, auth, and secrets returned as MD5.

Webhook names are not unique; parameters and auth are replaced whole on set.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import urlparse

from ambraconf.facts import WEBHOOK_AUTH_TYPES, WEBHOOK_EVENTS, WEBHOOK_METHODS
from ambraconf.sandbox.context import Call
from ambraconf.sandbox.protocol import ApiError
from ambraconf.sandbox.schema import REQUIRED, Field, Kind, Ref, Seeding, flags
from ambraconf.sandbox.store import Row

CRON_FIELD = re.compile(r"[\w*/,\-]+")
CUSTOMFIELD_FILTER = re.compile(r"customfield-(.+)")
AUTH_KEYS = {
    "sfdc": ("client_id", "client_secret", "username", "password"),
    "sfdc_jwt": ("iss", "sub", "aud", "private_key", "salesforce_url"),
}
AUTH_ERRORS = {"sfdc": "SFDC", "sfdc_jwt": "SFDC_JWT", "custom": "CUSTOM"}
SECRETS = {"sfdc": "password", "sfdc_jwt": "private_key", "basic": "password"}


def check(call: Call, kind: Kind, doc: dict[str, Any], old: Row | None, account: Row) -> None:
    """The documented validations of /webhook/add and /webhook/set on the resulting hook."""
    if doc["event"] not in WEBHOOK_EVENTS:
        raise ApiError("INVALID_EVENT", doc["event"])
    if doc["method"] not in WEBHOOK_METHODS:
        raise ApiError("INVALID_METHOD", doc["method"])
    url = urlparse(doc["url"] or "")
    if url.scheme not in ("http", "https") or not url.netloc:
        raise ApiError("INVALID_URL", doc["url"])
    if doc.get("parameters") is not None and not isinstance(doc["parameters"], dict):
        raise ApiError("NOT_HASH", "parameters")
    _check_auth(call, doc.get("auth"), account)
    if doc["event"] == "CRON":
        fields = (doc.get("cron") or "").split()
        if len(fields) != 5 or not all(CRON_FIELD.fullmatch(f) for f in fields):
            raise ApiError("INVALID_CRON", doc.get("cron"))
        if doc.get("delay") or doc.get("retry"):
            raise ApiError("NOT_WITH_CRON")
    _check_filter(call, doc, account)
    node_id = doc.get("node_id")
    if node_id:
        node = call.lookup("node", node_id)
        if node is None or node.account_id != account.uuid:
            raise ApiError("NODE_NOT_FOUND")
    user_id = doc.get("sid_user_id")
    if user_id:
        if call.lookup("user", user_id) is None:
            raise ApiError("SID_USER_NOT_FOUND")
        if call.membership(account.uuid, user_id) is None:
            raise ApiError("SID_USER_NOT_IN_ACCOUNT")


def _check_auth(call: Call, auth: Any, account: Row) -> None:
    if auth is None:
        return
    if not isinstance(auth, dict) or len(auth) != 1 or next(iter(auth)) not in WEBHOOK_AUTH_TYPES:
        raise ApiError("NOT_HASH", "auth")
    kind, details = next(iter(auth.items()))
    if not isinstance(details, dict):
        raise ApiError(f"{AUTH_ERRORS.get(kind, '')}_NOT_HASH".lstrip("_"), "auth")
    absent = [key for key in AUTH_KEYS.get(kind, ()) if not details.get(key)]
    if absent:
        raise ApiError(f"{AUTH_ERRORS[kind]}_MISSING_FIELDS", absent)
    if kind == "basic" and not (details.get("username") and details.get("password")):
        raise ApiError("NOT_HASH", "auth")
    if kind == "token_from_webhook":
        source = call.lookup("webhook", details.get("webhook_id"))
        if source is None or source.account_id != account.uuid:
            raise ApiError("NOT_FOUND", "webhook_id")


def _check_filter(call: Call, doc: dict[str, Any], account: Row) -> None:
    """filter_field and filter_regexp come together, as text or as two equal JSON arrays."""
    field, regexp = doc.get("filter_field") or "", doc.get("filter_regexp") or ""
    if bool(field) != bool(regexp):
        raise ApiError("INCOMPLETE_FILTER")
    if not field:
        return
    fields, regexps = _maybe_list(field), _maybe_list(regexp)
    if len(fields) != len(regexps):
        raise ApiError("INCOMPLETE_FILTER")
    for name in fields:
        found = CUSTOMFIELD_FILTER.fullmatch(name)
        if found:
            target = call.lookup("customfield", found.group(1))
            if target is None or target.account_id != account.uuid:
                raise ApiError("INVALID_FILTER_FIELD", name)
    for pattern in regexps:
        try:
            re.compile(pattern)
        except re.error:
            raise ApiError("INVALID_REGEXP", pattern) from None


def _maybe_list(text: str) -> list[str]:
    if text.startswith("["):
        try:
            value = json.loads(text)
        except ValueError:
            return [text]
        if isinstance(value, list):
            return [str(v) for v in value]
    return [text]


def masked_auth(auth: Any) -> Any:
    """Get never returns a secret: the sfdc password, jwt key and basic password as MD5."""
    if not isinstance(auth, dict):
        return auth
    shown = json.loads(json.dumps(auth))
    for kind, secret in SECRETS.items():
        details = shown.get(kind)
        if isinstance(details, dict) and isinstance(details.get(secret), str):
            details[secret] = hashlib.md5(details[secret].encode()).hexdigest()
    return shown


def present(call: Call, row: Row, out: dict[str, Any]) -> None:
    out["auth"] = masked_auth(row.doc.get("auth"))
    out["last_error"] = None


WEBHOOK = Kind(
    "webhook",
    "/webhook",
    "webhooks",
    [
        Field("name", add=REQUIRED, ci=True),
        Field("event", add=REQUIRED),
        Field("url", add=REQUIRED),
        Field("method", add=REQUIRED),
        Field("node_id"),
        Field("parameters", "json", default={}),
        Field("sid_user_id"),
        Field("filter_field"),
        Field("filter_regexp"),
        *flags("suspended", "retry", "once", "by_uid", "by_accession_number", "by_webhook_event"),
        Field("delay", "int"),
        Field("max_age", "int"),
        Field("auth", "json"),
        Field("cron"),
    ],
    paged=False,
    account_missing="ACCOUNT_NOT_FOUND",
    readonly=("last_error",),
    seed=Seeding(
        "webhooks",
        refs={"node": Ref("node_id", "node"), "sid_user": Ref("sid_user_id", "user")},
    ),
    check=check,
    present=present,
)
