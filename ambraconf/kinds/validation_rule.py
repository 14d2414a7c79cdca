"""Validation rule: DICOM tag checks that score a study (``/validate/*``).

Routes name a rule by name (``validate: <name>`` in a condition, API
``lv: validate-<UUID>``), so a rule made in UAT carries to production.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from ambraconf.kinds.apimap import ApiMap
from ambraconf.kinds.base import (
    Model,
    Name,
    ObjectModel,
    Problem,
    Text,
    one_of,
    pattern_text,
    problem_error,
)
from ambraconf.kinds.spec import KindSpec
from ambraconf.kinds.wiring import Api

CHECKS = ("exists", "not_empty", "match", "not_match", "unique", "identical")
REGEXP_CHECKS = ("match", "not_match")
RANGE_CHECKS = ("unique", "identical")
RANGES = ("study", "series")
MAX_REGEXP_CONDITIONS = 10
"""/validate/add: "A validate can not have more than 10 regular expression conditions"."""

_TAG = r"\([0-9A-F]{4},[0-9A-F]{4}\)"
DicomTag = Annotated[str, pattern_text(_TAG, "a DICOM tag like (0010,0020), upper case hex")]


class ValidationCondition(Model):
    """One check on one DICOM tag, for each image of the study."""

    tag: DicomTag = Field(description="The DICOM tag, (XXXX,XXXX).")
    check: Annotated[str, one_of(CHECKS, "check")]
    regexp: Text | None = Field(None, description="The regular expression of match and not_match.")
    range: Annotated[str, one_of(RANGES, "range")] | None = Field(
        None, description="Where unique and identical compare: study or series."
    )

    @model_validator(mode="after")
    def _operands(self) -> ValidationCondition:
        """A match needs its expression and a unique/identical check its range: the
        documentation gives them no default."""
        problems: list[Problem] = []
        if self.check in REGEXP_CHECKS and not self.regexp:
            problems.append(((), f"check '{self.check}' needs a regexp"))
        if self.check in RANGE_CHECKS and self.range is None:
            problems.append(((), f"check '{self.check}' needs a range: study or series"))
        if problems:
            raise problem_error(problems, "condition")
        return self


class ValidationRule(ObjectModel):
    """A validation rule (``/validate/add``); set re-sends name and conditions together."""

    name: Annotated[Name, Api(resend=True)]
    conditions: Annotated[list[ValidationCondition], Api(codec="json", resend=True)] = Field(
        description="The checks; at most 10 of them match or not_match."
    )

    @model_validator(mode="after")
    def _regexp_limit(self) -> ValidationRule:
        regexps = [i for i, c in enumerate(self.conditions) if c.check in REGEXP_CHECKS]
        if len(regexps) > MAX_REGEXP_CONDITIONS:
            first_extra = regexps[MAX_REGEXP_CONDITIONS]
            message = (
                f"a validation rule takes at most {MAX_REGEXP_CONDITIONS} regular expression "
                f"conditions (match, not_match); this one has {len(regexps)}"
            )
            raise problem_error([(("conditions", first_extra), message)], "validation rule")
        return self


API = ApiMap(
    list_path="/validate/list",
    list_key="validates",
    add_path="/validate/add",
    set_path="/validate/set",
    delete_path="/validate/delete",
)

SPEC = KindSpec(
    api=API,
    name="validation_rule",
    key="validation_rules",
    title="validation rule",
    model=ValidationRule,
    identity=("name",),
)
