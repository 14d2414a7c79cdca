"""Purge rule: which studies (or HL7 messages) of the account are deleted, every night.

"The account purge rules are automatically run every night" (``/purge/run``): a rule is the
one configuration that deletes studies, so its review in git is worth most. A rule is
(account, name). ``object`` (Study or Hl7) only the add takes: a change is a replace.
``namespaces`` are named as routes name theirs (``{group: X}``, ``{location: X}``,
``ACCOUNT``) and travel as a JSON array of namespace uuids; ``study_status_tags`` must be
among the account's ``study_status_tags`` setting when the files set it. ``global`` is left
out of the model: only a sysadmin may make a rule global, on a site that supports it, so a
file that writes it is refused as an unknown key. ``namespaces_names`` is read-only.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from ambraconf.kinds.apimap import ApiMap, Hook
from ambraconf.kinds.base import (
    Flag,
    Integer,
    Name,
    ObjectModel,
    Problem,
    Text,
    one_of,
    problem_error,
)
from ambraconf.kinds.codec import Names, json_text, parse_json_text
from ambraconf.kinds.danger import Danger
from ambraconf.kinds.route import OtherNamespace, namespace_id, namespace_name
from ambraconf.kinds.spec import ANY, KindSpec, Preview, Reference, SettingValues
from ambraconf.kinds.wiring import Api

OBJECTS = ("Study", "Hl7")
DAYS_OLD_HOW = {"U": "updated", "C": "created", "S": "study date"}
ONE_OF_FLAGS = ("thin", "archive", "skinny")
"""/purge/add: "You can set either the skinny, thin or archive flag, not multiple"
(ONLY_ONE_FLAG)."""
HL7_FIELDS = frozenset({"name", "days_old", "days_old_how", "object", "suspended", "max_deletes"})
"""/purge/add: "The following parameters are applicable to Hl7 objects: account_id, name,
days_old, object, suspended, max_deletes and global" (``global`` is not managed), and
``days_old_how``, which the add's parameter list requires of every rule."""
META_KEYS = frozenset(ObjectModel.model_fields)
_HL7_LISTED = ", ".join(sorted(HL7_FIELDS))


class PurgeRule(ObjectModel):
    """A purge rule (``/purge/add``); Study rules by default."""

    name: Annotated[Name, Api()]
    object: Annotated[Annotated[str, one_of(OBJECTS, "object")] | None, Api(add_only=True)] = Field(
        None, description="What is purged: Study (the default) or Hl7."
    )
    days_old: Annotated[Integer, Api()] = Field(
        description="Purge what is at least this many days old (greater than zero)."
    )
    days_old_how: Annotated[Annotated[str, one_of(DAYS_OLD_HOW, "days_old_how")], Api()] = Field(
        description="Days counted from the U(pdated), C(reated) or S(tudy) date."
    )
    namespaces: list[OtherNamespace] | None = Field(
        None, description="Limit the rule to these: {group: X}, {location: X}, ACCOUNT."
    )
    modalities: Annotated[list[Text] | None, Api(codec="json")] = Field(
        None, description="Limit the rule to studies of these modalities."
    )
    minors: Annotated[Flag | None, Api()] = Field(
        None, description="Apply to minors (the study created before the patient was 21)."
    )
    adults: Annotated[Flag | None, Api()] = Field(None, description="Apply to adults.")
    thin: Annotated[Flag | None, Api()] = Field(None, description="Make studies thin instead.")
    archive: Annotated[Flag | None, Api()] = Field(None, description="Archive studies instead.")
    skinny: Annotated[Flag | None, Api()] = Field(
        None, description="Delete the images, keep the attachments (needs a coverpage)."
    )
    owned_phr: Annotated[Flag | None, Api()] = Field(
        None, description="Apply to owned PHR namespaces."
    )
    shared_from_phr: Annotated[Flag | None, Api()] = Field(
        None, description="Delete the copy in the PHR namespace a study was shared from too."
    )
    suspended: Annotated[Flag | None, Api()] = Field(
        None, description="Not applied: create rules suspended first."
    )
    max_deletes: Annotated[Integer | None, Api()] = Field(
        None, gt=0, description="At most this many purges per run."
    )
    study_status_tags: Annotated[list[Text] | None, Api(codec="csv")] = Field(
        None, description="Purge only studies with these status tags (the account's own)."
    )

    @model_validator(mode="after")
    def _documented_rules(self) -> PurgeRule:
        problems: list[Problem] = []
        if self.days_old <= 0:  # a bound on the field is lost under Integer's own validator
            problems.append((("days_old",), "must be greater than zero (GT_ZERO)"))
        given = [f for f in ONE_OF_FLAGS if getattr(self, f)]
        if len(given) > 1:
            message = f"only one of {', '.join(ONE_OF_FLAGS)} may be set (ONLY_ONE_FLAG)"
            problems.extend(((f,), message) for f in given[1:])
        if self.object == "Hl7":
            problems.extend(
                ((f,), f"'{f}' does not apply to an Hl7 rule (it takes {_HL7_LISTED})")
                for f in sorted(self.model_fields_set - HL7_FIELDS - META_KEYS)
            )
        if problems:
            raise problem_error(problems, "purge rule")
        return self


def _decode_namespaces(raw: dict[str, Any], values: dict[str, Any], names: Names) -> None:
    uuids = parse_json_text(raw.get("namespaces"))
    if isinstance(uuids, list):
        values["namespaces"] = [namespace_name(names, u) for u in uuids]


def _encode_namespaces(desired: dict[str, Any], params: dict[str, str], names: Names) -> None:
    if desired.get("namespaces") is not None:
        params["namespaces"] = json_text([namespace_id(names, n) for n in desired["namespaces"]])


API = ApiMap(
    list_path="/purge/list",
    list_key="purges",
    add_path="/purge/add",
    set_path="/purge/set",
    delete_path="/purge/delete",
    unordered_lists=frozenset({"namespaces", "modalities", "study_status_tags"}),
    hooks=(
        Hook(
            ("namespaces",),
            decode=_decode_namespaces,
            encode=_encode_namespaces,
            params=("namespaces",),
        ),
    ),
)

DRY_RUN = Preview(
    "/purge/run",
    "rule_id",
    {"dry_run": "1"},
    queued="dry run queued of the rule as saved in Ambra, before this change: Ambra mails "
    "what it would purge to the users subscribed to the account's purge notification "
    "(the API returns no count)",
    unsaved="none: /purge/run runs only saved rules; apply the rule with suspended: true, "
    "and the change that lifts suspended gets a dry run of the saved rule",
    offer="not asked for: plan --preview queues a dry run (/purge/run dry_run) of the saved "
    "rule, whose result Ambra mails",
)
"""/purge/run takes a saved rule (``rule_id``) and ``dry_run``; it "queues a purging job and
the results are emailed", and evaluates the rule as saved, so a change's own values are
not what it runs."""

SPEC = KindSpec(
    api=API,
    name="purge_rule",
    key="purge_rules",
    title="purge rule",
    model=PurgeRule,
    identity=("name",),
    defaults={"object": "Study"},
    dangers=(
        Danger(
            "study-deletion",
            "a purge rule deletes the studies it matches, every night",
            ops=frozenset({"create", "replace"}),
            # what makes a live rule match more, or delete what it only thinned, archived
            # or made skinny, or run at all
            fields={
                "days_old": "lower",
                "days_old_how": "any",
                "namespaces": "added",
                "modalities": "any",
                "minors": "on",
                "adults": "on",
                "owned_phr": "on",
                "shared_from_phr": "on",
                "study_status_tags": "any",
                "thin": "off",
                "archive": "off",
                "skinny": "off",
                "suspended": "off",
                "max_deletes": "higher",
            },
        ),
    ),
    references=(
        Reference(("namespaces", ANY, "group"), "group", label="namespaces group"),
        Reference(("namespaces", ANY, "location"), "location", label="namespaces location"),
    ),
    setting_values=(
        SettingValues(("study_status_tags", ANY), "study_status_tags", "study status tag"),
    ),
    preview=DRY_RUN,
)
