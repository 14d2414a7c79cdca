"""/terminology/set and /terminology/account/overrides as documented: an upsert keyed by
tag and language, an empty value deleting, NO_VALUE, global tags for sysadmins only, the
value read back as ``val``."""

from __future__ import annotations

from collections.abc import Callable

from ambraconf.sandbox.harness import SandboxHandle

MISSING = "6f1c1f0e-0000-4000-8000-000000000000"


def overrides(sandbox: SandboxHandle, **owner: str) -> list[dict[str, str | None]]:
    return sandbox.ok("/terminology/account/overrides", **owner)["tags"]


def test_set_adds_changes_and_an_empty_value_deletes(sandbox: SandboxHandle, acc: str) -> None:
    sandbox.ok("/terminology/set", account_id=acc, tag="study", language="en", value="Exam")
    sandbox.ok("/terminology/set", account_id=acc, tag="study", language="fr", value="Examen")
    sandbox.ok("/terminology/set", account_id=acc, tag="study", language="en", value="Scan")
    assert overrides(sandbox, account_id=acc) == [
        {"tag": "study", "val": "Scan", "language": "en", "vanity": None},
        {"tag": "study", "val": "Examen", "language": "fr", "vanity": None},
    ]
    sandbox.ok("/terminology/set", account_id=acc, tag="study", language="en", value="")
    assert [t["language"] for t in overrides(sandbox, account_id=acc)] == ["fr"]


def test_an_account_only_sees_its_own_overrides(sandbox: SandboxHandle, acc: str) -> None:
    other = sandbox.ok("/account/add", name="Elsewhere")["uuid"]
    sandbox.ok("/terminology/set", account_id=other, tag="patient", language="en", value="Subject")
    assert overrides(sandbox, account_id=acc) == []
    assert [t["val"] for t in overrides(sandbox, account_id=other)] == ["Subject"]


def test_documented_errors(sandbox: SandboxHandle, acc: str) -> None:
    missing = sandbox.call("/terminology/set", account_id=acc, value="Exam")
    assert (missing.error_type, missing.error_subtype) == ("MISSING_FIELDS", ["tag", "language"])
    no_value = sandbox.call("/terminology/set", account_id=acc, tag="study", language="en")
    assert no_value.error_type == "NO_VALUE"
    unknown = sandbox.call(
        "/terminology/set", account_id=MISSING, tag="study", language="en", value="Exam"
    )
    assert unknown.error_type == "NOT_FOUND"
    assert sandbox.call("/terminology/account/overrides", account_id=MISSING).error_type == (
        "NOT_FOUND"
    )
    assert sandbox.call("/terminology/account/overrides", vanity="nowhere").error_type == (
        "NOT_FOUND"
    )


def test_account_tags_need_account_edit_and_global_ones_a_sysadmin(
    sandbox: SandboxHandle, acc: str, limited_sid: Callable[..., str]
) -> None:
    sid = limited_sid(account_view=1)
    tag = {"tag": "study", "language": "en", "value": "Exam"}
    refused = sandbox.call("/terminology/set", sid=sid, account_id=acc, **tag)
    assert refused.error_type == "NOT_PERMITTED"
    assert sandbox.call("/terminology/set", sid=sid, **tag).error_type == "NOT_SYSADMIN_OR_SUPPORT"
    sandbox.ok("/terminology/set", **tag)  # the admin is a sysadmin: a global tag
    assert overrides(sandbox) == [{"tag": "study", "val": "Exam", "language": "en", "vanity": None}]
    assert overrides(sandbox, account_id=acc) == []


def test_a_vanity_has_overrides_of_its_own(sandbox: SandboxHandle, acc: str) -> None:
    sandbox.ok("/account/set", uuid=acc, vanity="north")
    sandbox.ok("/terminology/set", vanity="north", tag="study", language="en", value="Visit")
    assert overrides(sandbox, vanity="north") == [
        {"tag": "study", "val": "Visit", "language": "en", "vanity": "north"}
    ]
    assert overrides(sandbox, account_id=acc) == []


def test_a_seed_lists_overrides(sandbox: SandboxHandle, acc: str) -> None:
    sandbox.seed(
        {
            "accounts": [
                {
                    "name": "Sandbox Hospital",
                    "terminology": [{"tag": "study", "language": "en", "value": "Exam"}],
                }
            ]
        }
    )
    assert [t["val"] for t in overrides(sandbox, account_id=acc)] == ["Exam"]
