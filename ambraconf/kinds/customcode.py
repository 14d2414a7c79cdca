"""Custom code (``/customcode/*``): Python that Ambra runs on studies, and where it runs.

The code belongs in git: ``code_file:`` names a file of the repository (relative to the
YAML file), or ``code:`` holds it inline. ``type`` and ``language`` only the add takes (a
change is a replace); each has one documented value, sent when the config leaves it out.
``deploy_to`` lists the namespaces it runs in (ACCOUNT, ``{group: X}``, ``{location: X}``),
kept by ``/customcode/deploy`` and ``/customcode/undeploy``. Deployed code cannot be set
or deleted (IS_DEPLOYED), so apply undeploys it first and deploys it again after.

``/customcode/list`` also returns code other accounts share with this one: only the
account's own (``account_id``) is managed, so shared code is never changed or pruned.
``zip`` (base64) is sent on create and never compared: get shows only ``has_zip``, and the
content (``/customcode/zip``) is a file stream per object.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from ambraconf.kinds.apimap import ApiMap, Call, Hook, Lock
from ambraconf.kinds.base import (
    OWN_NAMESPACE,
    JsonObject,
    Name,
    ObjectModel,
    Problem,
    Text,
    one_of,
    problem_error,
)
from ambraconf.kinds.codec import Names
from ambraconf.kinds.danger import Danger
from ambraconf.kinds.route import OtherNamespace, namespace_id, namespace_name
from ambraconf.kinds.spec import ANY, FileField, KindSpec, Reference
from ambraconf.kinds.wiring import Api

TYPES = ("AI_CUSTOM_VALIDATION_CODE",)
LANGUAGES = ("PYTHON",)
DEPLOY, UNDEPLOY = "/customcode/deploy", "/customcode/undeploy"


class CustomCode(ObjectModel):
    """Custom code (``/customcode/add``) and the namespaces it is deployed to."""

    name: Annotated[Name, Api()]
    type: Annotated[
        Annotated[str, one_of(TYPES, "type")] | None, Api(add_only=True, add_default=TYPES[0])
    ] = Field(None, description=f"Type of code (default {TYPES[0]}); a change is a replace.")
    language: Annotated[
        Annotated[str, one_of(LANGUAGES, "language")] | None,
        Api(add_only=True, add_default=LANGUAGES[0]),
    ] = Field(None, description=f"Language (default {LANGUAGES[0]}); a change is a replace.")
    code: Annotated[Text, Api()] = Field(
        description="The code; or code_file: a file of the repository holding it."
    )
    settings: Annotated[JsonObject | None, Api()] = Field(None, description="A hash of settings.")
    zip: Annotated[Text | None, Api(compare=False)] = Field(
        None, description="A base64 ZIP file, sent on create only (the API never shows it)."
    )
    deploy_to: list[OtherNamespace] | None = Field(
        None, description="Where it runs: {group: X}, {location: X}, ACCOUNT."
    )

    @model_validator(mode="after")
    def _deployed_once(self) -> CustomCode:
        """A namespace runs the code once (the API answers ALREADY to a second deploy)."""
        seen: list[Any] = []
        problems: list[Problem] = []
        for index, ref in enumerate(self.deploy_to or []):
            plain = ref if isinstance(ref, str) else ref.model_dump(exclude_none=True)
            key = _namespace_order(plain)
            if key in seen:
                problems.append((("deploy_to", index), "this namespace is listed twice"))
            seen.append(key)
        if problems:
            raise problem_error(problems, "customcode")
        return self


def _deployments(raw: dict[str, Any]) -> list[dict[str, Any]]:
    found = raw.get("deployments")
    return [d for d in found if isinstance(d, dict)] if isinstance(found, list) else []


def _decode_deployments(raw: dict[str, Any], values: dict[str, Any], names: Names) -> None:
    """Where it is deployed, the account first, then groups and locations by name: the
    API's order (most recent first) would change an export each time code is redeployed."""
    found = [namespace_name(names, d.get("namespace_id")) for d in _deployments(raw)]
    values["deploy_to"] = sorted(found, key=_namespace_order)


def _namespace_order(ref: dict[str, str] | str) -> tuple[int, str]:
    if isinstance(ref, dict):
        kind, name = next(iter(ref.items()))
        return (1 if kind == "group" else 2, name.casefold())
    return (0, "") if ref == OWN_NAMESPACE else (3, ref)


def _deploy(
    desired: dict[str, Any], raw: dict[str, Any], uuid: str, names: Names
) -> list[tuple[str, dict[str, str]]]:
    """Deploy where the config says and it is not; undeploy where it is and the config no
    longer says (only when the config lists ``deploy_to`` at all)."""
    if desired.get("deploy_to") is None:
        return []
    wanted = [namespace_id(names, ref) for ref in desired["deploy_to"]]
    live = {str(d.get("namespace_id")): str(d.get("uuid")) for d in _deployments(raw)}
    calls = [(UNDEPLOY, {"deployment_id": d}) for n, d in live.items() if n not in wanted]
    new = [n for n in dict.fromkeys(wanted) if n not in live]
    return calls + [(DEPLOY, {"uuid": uuid, "namespace_id": n}) for n in new]


def _deployed(raw: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for d in _deployments(raw) if d.get("uuid")]


def _undeploy(deployment: dict[str, Any]) -> Call:
    return (UNDEPLOY, {"deployment_id": str(deployment["uuid"])})


API = ApiMap(
    list_path="/customcode/list",
    list_key="customcodes",
    add_path="/customcode/add",
    set_path="/customcode/set",
    delete_path="/customcode/delete",
    owner_field="account_id",
    unordered_lists=frozenset({"deploy_to"}),
    hooks=(
        Hook(
            ("deploy_to",),
            decode=_decode_deployments,
            after_write=_deploy,
            paths=(DEPLOY, UNDEPLOY),
        ),
    ),
    locks=(
        Lock(
            by=_deployed,
            release=_undeploy,
            managed=("deploy_to",),
            deletes=True,
            note="deployments pause: the API refuses to change or delete deployed code "
            "(IS_DEPLOYED), so apply undeploys it first and, unless it deletes it, deploys it "
            "again after",
            paths=(UNDEPLOY,),
        ),
    ),
)

SPEC = KindSpec(
    api=API,
    name="customcode",
    key="customcodes",
    title="custom code",
    model=CustomCode,
    identity=("name",),
    # code runs on every study of the namespaces it is deployed to: new code, changed code
    # (redeployed) and new deployments are reviewed
    dangers=(
        Danger(
            "custom-code",
            "deploys code that runs on every study of its namespaces",
            ops=frozenset({"create", "replace"}),
            fields={"code": "any", "settings": "any", "deploy_to": "added"},
        ),
    ),
    references=(
        Reference(("deploy_to", ANY, "group"), "group", label="deploy_to group"),
        Reference(("deploy_to", ANY, "location"), "location", label="deploy_to location"),
    ),
    files=(FileField("code_file", "code", ".py"),),
    defaults={"type": TYPES[0], "language": LANGUAGES[0]},
)
