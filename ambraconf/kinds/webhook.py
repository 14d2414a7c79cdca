"""Webhook: an HTTP call Ambra makes on an event (or on a schedule, or from a route)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from pydantic import Field, model_validator
from pydantic.json_schema import JsonDict

from ambraconf.facts import WEBHOOK_EVENTS, WEBHOOK_METHODS
from ambraconf.kinds.apimap import ApiMap, Hook
from ambraconf.kinds.base import (
    UUID_RE,
    Flag,
    Integer,
    Model,
    Name,
    ObjectModel,
    Text,
    TextOrList,
    WebUrl,
    exactly_one,
    one_of,
    problem_error,
    secret_paths,
)
from ambraconf.kinds.codec import Names, json_text, parse_json_text
from ambraconf.kinds.spec import ANY, KindSpec, Reference
from ambraconf.kinds.wiring import Api

SECRET: JsonDict = {"secret": True}


class BasicAuth(Model):
    username: Text
    password: Text = Field(json_schema_extra=SECRET)


class SfdcAuth(Model):
    """Salesforce username-password OAuth."""

    client_id: Text
    client_secret: Text = Field(json_schema_extra=SECRET)
    username: Text
    password: Text = Field(json_schema_extra=SECRET)


class SfdcJwtAuth(Model):
    """Salesforce JWT; ``private_key`` is the PEM text."""

    iss: Text
    sub: Text
    aud: Text
    private_key: Text = Field(json_schema_extra=SECRET)
    salesforce_url: WebUrl


class TokenFromWebhook(Model):
    """Take the access token from what another (manual) webhook returns."""

    webhook: Name = Field(description="The other webhook, by name (API: webhook_id).")


class WebhookAuth(Model):
    """The ``auth`` JSON: exactly one authentication type. Write secrets as ${env:NAME}."""

    basic: BasicAuth | None = None
    sfdc: SfdcAuth | None = None
    sfdc_jwt: SfdcJwtAuth | None = None
    token_from_webhook: TokenFromWebhook | None = None
    custom: dict[str, Text] | None = Field(
        None, description="HTTP headers to send.", json_schema_extra=SECRET
    )

    @model_validator(mode="after")
    def _one_type(self) -> WebhookAuth:
        problem = exactly_one(self.__dict__, type(self).model_fields, "auth")
        if problem:
            raise problem_error([((), problem)], "auth")
        return self


class Webhook(ObjectModel):
    """A webhook (``/webhook/add``, ``/webhook/set``)."""

    name: Annotated[Name, Api()]
    event: Annotated[str, one_of(WEBHOOK_EVENTS, "webhook event"), Api()] = Field(
        description="When it fires."
    )
    url: Annotated[WebUrl, Api()]
    method: Annotated[str, one_of(WEBHOOK_METHODS, "webhook method"), Api()]
    node: Annotated[Name | None, Api("node_id", ref="node")] = Field(
        None, description="Gateway node to proxy through, by name."
    )
    suspended: Annotated[Flag | None, Api()] = None
    parameters: dict[str, Any] | None = Field(
        None, description="Parameter name to value; study.<field> values are filled in."
    )
    retry: Annotated[Flag | None, Api()] = None
    sid_user: Annotated[Text | None, Api("sid_user_id", ref="account_user")] = Field(
        None,
        description="Email of the account user to generate a sid as (sid_user_id); "
        "the user may be one no file lists.",
    )
    filter_field: TextOrList | None = None
    filter_regexp: TextOrList | None = None
    once: Annotated[Flag | None, Api()] = None
    by_uid: Annotated[Flag | None, Api()] = None
    by_accession_number: Annotated[Flag | None, Api()] = None
    by_webhook_event: Annotated[Flag | None, Api()] = None
    delay: Annotated[Integer | None, Api()] = Field(None, ge=0, description="Seconds.")
    max_age: Annotated[Integer | None, Api()] = Field(
        None, ge=0, description="Days (by study_date)."
    )
    auth: WebhookAuth | None = Field(None, json_schema_extra=SECRET)
    cron: Annotated[Text | None, Api()] = Field(
        None, description="Cron timing for CRON events: 0 9 * * mon-fri"
    )

    @model_validator(mode="after")
    def _documented_rules(self) -> Webhook:
        """The API's INVALID_CRON, NOT_WITH_CRON and INCOMPLETE_FILTER, caught before a call."""
        problems = []
        if self.event == "CRON" and not self.cron:
            problems.append((("cron",), "a CRON webhook needs 'cron' (e.g. '0 9 * * mon-fri')"))
        if self.cron and self.event != "CRON":
            problems.append((("cron",), f"'cron' applies only to CRON webhooks, not {self.event}"))
        if self.event == "CRON":
            problems.extend(
                ((key,), f"'{key}' cannot be used with a CRON webhook")
                for key in ("delay", "retry")
                if getattr(self, key)
            )
        if (self.filter_field is None) != (self.filter_regexp is None):
            missing = "filter_regexp" if self.filter_regexp is None else "filter_field"
            problems.append(((missing,), "filter_field and filter_regexp go together"))
        elif isinstance(self.filter_field, list) != isinstance(self.filter_regexp, list) or (
            isinstance(self.filter_field, list)
            and len(self.filter_field) != len(self.filter_regexp or [])
        ):
            problems.append(
                (
                    ("filter_regexp",),
                    "filter_field and filter_regexp must both be single values "
                    "or lists of the same length",
                )
            )
        if problems:
            raise problem_error(problems, "webhook")
        return self


_STUDY = (("object", "Study"),)
CUSTOMFIELD_TEXT = (
    # (field, how the config names a Study custom field, how the API does)
    ("parameters", r"study\.customfield:(.+)", "study.customfield-{}"),
    ("filter_field", r"customfield:(.+)", "customfield-{}"),
)
_API_CUSTOMFIELD = re.compile(rf"(study\.)?customfield-({UUID_RE})")


def _texts(value: Any, change: Callable[[str], str]) -> Any:
    """``change`` applied to every text of a parameter hash, a list or one text."""
    if isinstance(value, dict):
        return {k: _texts(v, change) for k, v in value.items()}
    if isinstance(value, list):
        return [_texts(v, change) for v in value]
    return change(value) if isinstance(value, str) else value


def _customfields_by_name(text: str, names: Names) -> str:
    """``study.customfield-<UUID>`` as the config writes it: ``study.customfield:<name>``."""
    match = _API_CUSTOMFIELD.fullmatch(text)
    if match is None:
        return text
    name = names.name("customfield", match.group(2))
    return f"{match.group(1) or ''}customfield:{name}" if name else text


def _customfields_by_uuid(field: str, text: str, names: Names) -> str:
    pattern, api = next((p, a) for f, p, a in CUSTOMFIELD_TEXT if f == field)
    match = re.fullmatch(pattern, text)
    return api.format(names.uuid("customfield", match.group(1))) if match else text


def _decode_webhook(raw: dict[str, Any], values: dict[str, Any], names: Names) -> None:
    if "parameters" in raw:
        values["parameters"] = parse_json_text(raw["parameters"])
    for key in ("filter_field", "filter_regexp"):
        if key in raw:
            value = raw[key]
            if isinstance(value, str) and value.startswith("["):
                value = parse_json_text(value)
            values[key] = value if value is None or isinstance(value, str | list) else str(value)
    for field, _, _ in CUSTOMFIELD_TEXT:
        if values.get(field) is not None:
            values[field] = _texts(values[field], lambda t: _customfields_by_name(t, names))
    auth = parse_json_text(raw.get("auth"))
    if isinstance(auth, dict):
        token = auth.get("token_from_webhook")
        if isinstance(token, dict) and token.get("webhook_id"):
            webhook_id = str(token["webhook_id"])
            auth = {
                "token_from_webhook": {"webhook": names.name("webhook", webhook_id) or webhook_id}
            }
        values["auth"] = auth


def _encode_webhook(desired: dict[str, Any], params: dict[str, str], names: Names) -> None:
    desired = dict(desired)
    for field, _, _ in CUSTOMFIELD_TEXT:
        if desired.get(field) is not None:
            desired[field] = _texts(
                desired[field], partial(_customfields_by_uuid, field, names=names)
            )
    if desired.get("parameters") is not None:
        params["parameters"] = json_text(desired["parameters"])
    for key in ("filter_field", "filter_regexp"):
        value = desired.get(key)
        if value is not None:
            params[key] = json_text(value) if isinstance(value, list) else str(value)
    auth = desired.get("auth")
    if auth is not None:
        token = auth.get("token_from_webhook")
        if token:
            auth = {"token_from_webhook": {"webhook_id": names.uuid("webhook", token["webhook"])}}
        params["auth"] = json_text(auth)


API = ApiMap(
    list_path="/webhook/list",
    list_key="webhooks",
    add_path="/webhook/add",
    set_path="/webhook/set",
    delete_path="/webhook/delete",
    paged=False,
    hooks=(
        Hook(
            ("parameters", "filter_field", "filter_regexp", "auth"),
            decode=_decode_webhook,
            encode=_encode_webhook,
            params=("parameters", "filter_field", "filter_regexp", "auth"),
        ),
    ),
)

SPEC = KindSpec(
    api=API,
    name="webhook",
    key="webhooks",
    title="webhook",
    model=Webhook,
    identity=("name",),
    secret_fields=secret_paths(Webhook),
    references=(
        Reference(("node",), "node"),
        Reference(("sid_user",), "account_user", label="sid_user"),
        *(
            Reference(path, "customfield", where=_STUDY, pattern=pattern, label=field)
            for field, pattern, _ in CUSTOMFIELD_TEXT
            for path in ((field, ANY), (field,))
        ),
        Reference(
            ("auth", "token_from_webhook", "webhook"),
            "webhook",
            cycle="token_from_webhook",
            label="auth.token_from_webhook",
        ),
    ),
)
