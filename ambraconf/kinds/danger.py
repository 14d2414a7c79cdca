"""Changes that are dangerous by their meaning, not by their number.

A purge rule deletes studies every night; a weaker anonymization lets protected health
information leave a namespace; deployed custom code runs on every study; one permission
turned on lets a role share or download every patient's images. None of these is a big
plan, so no threshold catches them. Each kind declares, next to its fields, which of its
changes are dangerous (``KindSpec.dangers``): plan lists them first, and apply refuses them
unless they are acknowledged by class (``--allow-dangerous``) or by object
(``dangerous_ok:`` in the files), whatever ``--force`` says.

A declaration is data: the operations that are dangerous as such (creating a purge rule)
and, per field path, the turn of a live object's value that is (``permissions.study_share``
turned ``on``, ``days_old`` made ``lower``): only what exists can be widened or weakened,
so a new role is not dangerous for the permissions it starts with. Paths are shell-style
patterns over the dotted path of a value inside the object (``permissions.study_share*``);
a pattern naming a mapping covers every key below it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

CHANGES: Mapping[str, str] = {
    "study-deletion": "deletes studies (purge rules, delete permissions)",
    "anonymization": "removes or weakens anonymization",
    "phi-sharing": "widens who can see, share or export protected health information",
    "custom-code": "deploys code that runs on every study",
}
"""The classes of dangerous change, as ``--allow-dangerous`` takes them, with what they mean."""

Turn = Literal["on", "off", "any", "changed", "lower", "higher", "added", "removed"]
"""How a value's change is dangerous: a flag turned ``on`` or ``off``, ``any`` change, a
value that was set ``changed`` or removed (setting one where there was none is not), a
number made ``lower`` or ``higher``, items ``added`` to or ``removed`` from a list."""

Op = Literal["create", "update", "replace", "delete"]


@dataclass(frozen=True)
class Danger:
    """One class of dangerous change of a kind: ``ops`` dangerous whatever they carry (a
    new purge rule), ``fields`` the paths whose ``Turn`` is; ``what`` says why, for the
    reviewer, in the plan."""

    change: str
    what: str
    ops: frozenset[Op] = frozenset()
    fields: Mapping[str, Turn] = field(default_factory=dict)


def turned(prefix: str, names: Iterable[str], turn: Turn) -> dict[str, Turn]:
    """``{prefix.name: turn}`` for each name: a table of settings or permissions as paths."""
    return {f"{prefix}.{name}": turn for name in names}


PHI_SHARING_PERMISSIONS = (
    "study_share",
    "study_share_*",
    "study_download",
    "study_download_iso",
    "study_push",
    "study_manual_route",
    "study_move",
    "link_direct",
    "link_edit",
    "link_edit_pin",
    "filter_share",
)
"""Role permissions that, turned on, let the role's users share, download, push, move or
link studies (the permissions table's "Can they share the study ...", "download the study",
"push the study to a destination", "view and copy the direct link to the study" ...)."""

STUDY_DELETING_PERMISSIONS = (
    "study_delete",
    "study_delete_image",
    "case_delete",
    "hl7_message_delete",
    "purge_edit",
)
"""Role permissions that, turned on, let the role's users delete studies, images, cases and
HL7 messages, or edit the purge rules that delete studies every night."""

PHI_SHARING_SETTINGS = (
    "expose_patient_portal",
    "allow_portal_pin_to_dup_addresses",
    "disable_csrf_on_links",
    "link_sticky_anon_users",
)
"""Account and namespace settings that, turned on, open studies to more people: a publicly
visible patient portal, portal pins sent to shared addresses, links without their CSRF
cookie, anonymous link users kept across sessions."""

ANONYMIZING_SETTINGS = (
    "anonymize_at_ingress",
    "use_other_ingress_tags_server_side",
)
"""Settings that, turned off, stop anonymization rules from being applied (at ingress by
the uploader or gateway, and server side for the other ingress tags)."""


def settings_dangers(prefix: str) -> tuple[Danger, ...]:
    """The dangers of a settings hash at ``prefix`` (an account's ``settings``, a
    namespace's ``namespace_settings``): the same table wherever a setting is set."""
    return (
        Danger(
            "phi-sharing",
            "turns on a setting that opens studies to more people",
            fields=turned(prefix, PHI_SHARING_SETTINGS, "on"),
        ),
        Danger(
            "anonymization",
            "turns off a setting that applies anonymization rules",
            fields=turned(prefix, ANONYMIZING_SETTINGS, "off"),
        ),
    )
