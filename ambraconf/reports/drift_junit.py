"""The drift report as JUnit XML, so CI dashboards chart drift like failing tests.

One test suite per account, one test case per object: in sync passes, drifted fails (the
message says what and why), and a live object no file mentions is skipped unless the
report counts it as drift. The report's context (URL, revision, last apply) goes in
suite properties.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from ambraconf.engine.drift import AccountDrift, DriftItem, DriftReport
from ambraconf.reports.drift_text import difference_lines, last_apply, title

MESSAGES = {
    "differs": "differs from git",
    "missing": "is missing live",
    "not_in_git": "is live but in no file",
}


def render(report: DriftReport) -> str:
    c = report.counts()
    root = ET.Element(
        "testsuites",
        name="ambraconf drift",
        tests=str(_total(c)),
        failures=str(len(report.drifted)),
        errors="0",
        skipped=str(sum(_skipped(a) for a in report.accounts)),
        timestamp=report.created_at,
    )
    for account in report.accounts:
        root.append(_suite(account, report))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _suite(account: AccountDrift, report: DriftReport) -> ET.Element:
    c = account.counts()
    suite = ET.Element(
        "testsuite",
        name=account.name,
        tests=str(_total(c)),
        failures=str(c["drifted"]),
        errors="0",
        skipped=str(_skipped(account)),
        timestamp=report.created_at,
    )
    properties = ET.SubElement(suite, "properties")
    context = {
        "url": report.url,
        "login": report.login or "",
        "config_path": report.config_path,
        "config_revision": report.config_revision or "",
        "last_apply": last_apply(account),
    }
    for name, value in context.items():
        ET.SubElement(properties, "property", name=name, value=value)
    for kind in account.kinds():
        for name in account.in_sync.get(kind, []):
            ET.SubElement(suite, "testcase", classname=_classname(account.name, kind), name=name)
        suite.extend(_case(item) for item in account.items if item.kind == kind)
    return suite


def _case(item: DriftItem) -> ET.Element:
    case = ET.Element("testcase", classname=_classname(item.account, item.kind), name=item.name)
    message = f"{title(item.kind)} {item.name!r} {MESSAGES[item.status]}"
    if item.explanation:
        message += f": {item.explanation}"
    if not item.counted:
        ET.SubElement(case, "skipped", message=f"{message} (not counted as drift)")
        return case
    failure = ET.SubElement(case, "failure", type=item.status, message=message)
    lines = [line for d in item.differences for line in difference_lines(d)]
    lines += item.notes
    if item.uuid:
        lines.append(f"uuid: {item.uuid}")
    failure.text = "\n".join(lines)
    return case


def _skipped(account: AccountDrift) -> int:
    return sum(1 for i in account.items if not i.counted)


def _total(counts: dict[str, int]) -> int:
    return sum(counts.get(k, 0) for k in ("in_sync", "differs", "missing", "not_in_git"))


def _classname(account: str, kind: str) -> str:
    return f"{account}.{kind}"
