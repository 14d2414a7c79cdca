"""Terminology overrides: the account's own words for the UI's terms (``/terminology/*``).

An override is a ``tag`` in a ``language`` (ISO 639-1) with the account's ``value``; the API
keeps no uuid for one. ``/terminology/set`` writes it (an upsert) and deletes it when the
value is empty, and ``/terminology/account/overrides`` lists the account's in one unpaged
read, with the value under ``val``. So the kind is named by its key parameters
(``ApiMap.key_params``), its add, set and delete are all that one set, and a delete sends the
empty value (``delete_params``). A tag without an account or vanity is global and needs a
sysadmin: ambraconf writes overrides of the account only, and not those of its vanity.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from ambraconf.kinds.apimap import ApiMap
from ambraconf.kinds.base import Name, ObjectModel, pattern_text, problem_error
from ambraconf.kinds.spec import KindSpec
from ambraconf.kinds.wiring import Api

Language = Annotated[str, pattern_text(r"[a-z]{2}", "an ISO 639-1 language code such as en")]
Value = Annotated[
    str,
    pattern_text(
        r"[\s\S]*\S[\s\S]*",
        "a value (an empty one deletes the tag: leave the override out and prune instead)",
    ),
]


class TerminologyOverride(ObjectModel):
    """One override: what the UI calls ``tag`` in ``language``, for this account."""

    language: Annotated[Language, Api()] = Field(description="ISO 639-1 code: en, fr, de...")
    tag: Annotated[Name, Api()] = Field(description="The terminology tag (study, patient...).")
    value: Annotated[Value, Api(read_as="val")] = Field(description="The account's word for it.")

    @model_validator(mode="before")
    @classmethod
    def _no_pin(cls, data: Any) -> Any:
        """An override has no uuid to pin, and its key is its identity: a new tag or
        language is another override (prune removes the old one)."""
        if isinstance(data, dict):
            problems = [
                (
                    (key,),
                    f"a terminology override is known by its language and tag: {key} "
                    "does not apply",
                )
                for key in ("uuid", "renamed_from")
                if data.get(key) is not None
            ]
            if problems:
                raise problem_error(problems, "terminology override")
        return data


API = ApiMap(
    list_path="/terminology/account/overrides",
    list_key="tags",
    add_path="/terminology/set",
    set_path="/terminology/set",
    delete_path="/terminology/set",
    paged=False,
    key_params=("tag", "language"),
    delete_params=(("value", ""),),
)

SPEC = KindSpec(
    api=API,
    name="terminology",
    key="terminology",
    title="terminology override",
    model=TerminologyOverride,
    identity=("language", "tag"),
)
