"""Extract the documented tables ambraconf checks against into ``ambraconf/facts/*.json``.

The reference documentation lives outside the project (``../shared/reference``) and is not
shipped; the facts it states (permission names and defaults, account settings and their
types, enumerations of route and webhook values) are. Run this when the reference changes:

    python tools/extract_facts.py ../shared/reference
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "ambraconf" / "facts"
ROLE_COLUMNS = ("Admin", "User", "PHR", "Anonymous")
NAME = r"[a-zA-Z_0-9{}.>-]+"


def permissions(global_md: str) -> list[dict]:
    """Rows of the permissions table: `name | Admin | User | PHR | Anonymous | description`."""
    section = global_md[
        global_md.index("Permissions A role") : global_md.index("Schedules Objects")
    ]
    rows: list[dict] = []
    field_names: list[str] = []
    for raw in section.splitlines():
        line = raw.strip().removeprefix("↳").strip()
        if re.fullmatch(r"study_field_[a-z_A-Z]+", line):
            field_names.append(line)
            continue
        cells = [c.strip() for c in line.split("|")]
        if field_names and len(cells) == 6 and cells[0] == "":
            for name in field_names:
                if name != "study_field_customfield_UUID":
                    rows.append(_permission(name, "field", cells[1:5], cells[5]))
            field_names = []
            continue
        if len(cells) != 6 or not re.fullmatch(NAME, cells[0]) or not cells[0][0].isalpha():
            continue
        if cells[0] in {"Flag", "Value"}:
            continue
        name = cells[0].rstrip(">")
        if name == "setting_{SETTING_NAME}":
            continue
        kind = "json" if all(c == "" for c in cells[1:5]) else "flag"
        rows.append(_permission(name, kind, cells[1:5], cells[5]))
    return rows


def _permission(name: str, kind: str, values: list[str], description: str) -> dict:
    def value(text: str) -> int | str | None:
        if kind == "json":
            return None
        if kind == "field":
            return text
        return 1 if text.startswith("1") else 0  # one row of the table reads "09"

    return {
        "name": name,
        "kind": kind,
        "defaults": {role: value(v) for role, v in zip(ROLE_COLUMNS, values, strict=True)},
        "description": description.strip(),
    }


SETTINGS_START = "Account settings Account setting"
SETTINGS_END = "Study AI questions"
SETTING_ROW = re.compile(rf"^({NAME}) \| ")
SETTING_CELLS = re.compile(
    rf"^({NAME}) \| (Flag|Text|Number) \|([^|]*)\|" + r"(( [01]? \|){4,5})(.*)$"
)


def account_settings(global_md: str) -> list[dict]:
    """Rows of the account settings table: name | type | default | 5 flags | description.

    A row is any line of the table that starts with a setting name and a cell; one this
    cannot read stops the extraction with the row in the message, instead of leaving a
    documented setting out of the facts (validate would then call it unknown).
    """
    start = global_md.index(SETTINGS_START)
    section = global_md[start : global_md.index(SETTINGS_END, start)]
    body = section[section.index("---|") :].splitlines()[1:]
    rows = []
    for line in body:
        if not SETTING_ROW.match(line):
            continue  # a description running on over several lines
        match = SETTING_CELLS.match(line)
        if not match:
            raise SystemExit(f"account settings table: cannot read this row:\n{line}")
        name, typ, default, flags, _, description = match.groups()
        # A few rows have four flag columns, two an empty one; missing or empty reads as 0.
        unauth, user, namespace, node, role = ([*flags.split("|")[:-1], "0"])[:5]
        rows.append(
            {
                "name": name,
                "type": typ.lower(),
                "default": default.strip(),
                "unauthenticated": unauth.strip() == "1",
                "user_override": user.strip() == "1",
                "namespace_override": namespace.strip() == "1",
                "node_override": node.strip() == "1",
                "role_override": role.strip() == "1",
                "description": description.strip(),
            }
        )
    return rows


def _between(text: str, start: str, end: str) -> list[str]:
    body = text[text.index(start) + len(start) : text.index(end, text.index(start))]
    return [line.strip() for line in body.splitlines() if line.strip()]


def _enum(description: str) -> list[str]:
    found = re.search(r"\(([A-Za-z_|]+)\)", description)
    if found is None:
        raise ValueError(f"no (a|b|c) list of values in {description!r}")
    return found.group(1).split("|")


def enumerations(endpoints: dict[str, dict], global_md: str) -> dict[str, Any]:
    """Documented value lists for route conditions and actions, webhooks, custom fields, and
    the study fields with their DICOM tags."""
    route_notes = endpoints["/route/add"]["notes"]
    lvs = _between(route_notes, "The available left values are", "customfield-CUSTOMFIELD_UUID")
    ops = _between(route_notes, "The available operators are", "rv - right value")
    transforms = _between(route_notes, "The available transformations are", "- how many")
    actions_text = route_notes[
        route_notes.index("Actions - A list") : route_notes.index("Options - A hash")
    ]
    actions = re.findall(r"^([a-z_0-9]+) - ", actions_text, re.M)
    options_text = route_notes[route_notes.index("Options - A hash") :]
    options = re.findall(r"^([a-z_0-9]+) - ", options_text, re.M)
    webhook_notes = endpoints["/webhook/add"]["notes"]
    events = re.findall(r"^([A-Z][A-Z0-9_]+) - ", webhook_notes, re.M)
    auth_text = webhook_notes[webhook_notes.index("The auth fields is") :]
    auth_types = re.findall(r"^(\w+) -$", auth_text, re.M) + re.findall(
        r"^(\w+) - (?:Get|a hash)", auth_text, re.M
    )
    params = {p["name"]: p["description"] for p in endpoints["/webhook/add"]["parameters"]}
    cf_params = {p["name"]: p["description"] for p in endpoints["/customfield/add"]["parameters"]}
    dest = {p["name"]: p["description"] for p in endpoints["/destination/add"]["parameters"]}
    schedule = global_md[global_md.index("Schedules Objects") : global_md.index("Account settings")]
    study = {p["name"]: p["description"] for p in endpoints["/study/set"]["parameters"]}
    return {
        "route_condition_lvs": [v for v in lvs if re.fullmatch(r"[a-z_]+", v)],
        "route_condition_ops": ops,
        "route_lv_transforms": [t for t in transforms if t != ","],
        "route_action_kinds": actions,
        "route_options": options,
        "webhook_events": events,
        "webhook_methods": _enum(params["method"]),
        "webhook_auth_types": auth_types,
        "customfield_objects": _enum(cf_params["object"]),
        "customfield_types": _enum(cf_params["type"]),
        "destination_types": re.findall(r"[A-Z]{3,}", dest["type"].split("Defaults")[0]),
        "schedule_keys": re.findall(r"^\s+\* (\w+) - ", schedule, re.M),
        "schedule_timezones": re.findall(r"^\s+\* ([A-Z][A-Za-z]+/[A-Za-z_]+)\s*$", schedule, re.M),
        # "_patient_name_ • DICOM tag (0010,0010)": the study fields a DICOM tag fills, which
        # /namespace/study/defaults lists in its ``fields`` hash "with the DICOM tag as the value"
        "study_dicom_fields": {
            name: found.group(1)
            for name, text in study.items()
            if (found := re.match(r"DICOM tag (\([0-9A-F]{4},[0-9A-F]{4}\))", text))
        },
    }


CONDITIONAL = re.compile(r"\(opional\)|\(required if [^)]*\)|\bfor [A-Z]{3,} destinations\b")
"""Descriptions that make a parameter the JSON marks required conditional: the typo
"(opional)", "(required if FOLDER type)", "uuid of the destination for LINKED destinations"
(api-notes §3.11). A kind's model checks those per case; the table lists them as optional."""


PARAM_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*(?:\{[^}]*\}[A-Za-z0-9_\-]*)*")


def _parameter_names(raw: str) -> list[str]:
    """The names in one documented parameter cell: ``(user_id || email)`` names two,
    ``-- The rest of the fields ... -- completed`` one, ``customfield-{CUSTOMFIELD_UUID}`` a
    family (kept with its braces: the table says "any name of this shape")."""
    text = raw.split("=>")[0].split(" - ")[0]
    text = re.sub(r"--.*?--", "", text).replace("*", " ")
    text = text.replace("'{", "{").replace("}'", "}")
    words = [w for w in PARAM_WORD.findall(text) if w not in ("Filters", "Pagination", "optional")]
    return [w for w in words if not w[0].isupper() or "{" in w]


def endpoint_table(endpoints: dict[str, dict]) -> dict[str, dict]:
    """Every documented endpoint: its parameters (required ones apart), permission and
    error codes. Kinds are checked against it at import; the sandbox lists its coverage
    against it."""
    table: dict[str, dict] = {}
    for url, entry in sorted(endpoints.items()):
        parameters: list[str] = []
        required: list[list[str]] = []
        for param in entry["parameters"]:
            names = [n for n in _parameter_names(param["name"]) if n != "sid"]
            parameters.extend(n for n in names if n not in parameters)
            if not param["optional"] and names and not CONDITIONAL.search(param["description"]):
                required.append(names)
        table[url] = {
            "parameters": parameters,
            "required": required,
            "permission": entry.get("permission") or "",
            "errors": sorted({e["code"] for e in entry.get("errors") or [] if e.get("code")}),
        }
    return table


def main(reference: str) -> None:
    ref = Path(reference)
    global_md = (ref / "ambra-api-v3-global.md").read_text()
    endpoints = {
        e["url"]: e for e in json.loads((ref / "ambra-api-v3.json").read_text())["endpoints"]
    }
    outputs = {
        "permissions.json": permissions(global_md),
        "account_settings.json": account_settings(global_md),
        "enumerations.json": enumerations(endpoints, global_md),
        "endpoints.json": endpoint_table(endpoints),
    }
    for name, data in outputs.items():
        (OUT / name).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        print(f"wrote {OUT / name}: {len(data)} entries")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference")
