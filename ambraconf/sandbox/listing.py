"""List calls: ``filter.FIELD.CONDITION``, ``sort_by``, ``page.*`` and ``fields.*``.

Filtering and sorting run in Python over the listed objects, which is plain and
fast enough for tens of thousands of rows; a list without filters or sort reads
only the requested page from the store. Invalid filters and sorts answer with
the documented INVALID_FIELD / INVALID_CONDITION / INVALID_SORT_FIELD /
INVALID_SORT_ORDER errors.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ambraconf.sandbox.protocol import UUID_RE, ApiError, Params, parse_integer
from ambraconf.sandbox.store import Row, Store

DEFAULT_ROWS = 100
MAX_ROWS = 5000
CONDITIONS = frozenset(
    {
        "equals",
        "equals_or_null",
        "not_equals",
        "not_equals_or_null",
        "like",
        "gt",
        "ge",
        "lt",
        "le",
        "in",
        "in_or_null",
    }
)
ORDERS = {"gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le}
CUSTOMFIELD_KEY = re.compile(rf"customfield-({UUID_RE.pattern})")


@dataclass
class ListSource:
    """What a list endpoint offers to the pager.

    ``count`` and ``page`` serve the common case (no filter, no sort) straight from the
    store; ``everything`` is used when objects have to be filtered or sorted first.
    ``fields`` are the names a filter or sort may use; ``ci`` those compared without case.
    """

    count: Callable[[], int]
    page: Callable[[int, int], list[dict[str, Any]]]
    everything: Callable[[], list[dict[str, Any]]]
    fields: frozenset[str]
    ci: frozenset[str] = frozenset({"name"})


def stored(
    store: Store,
    kind: str,
    show: Callable[[Row], dict[str, Any]],
    fields: frozenset[str],
    ci: frozenset[str],
    *,
    account_id: str | None = None,
    parent_id: str | None = None,
) -> ListSource:
    """A list of one kind's stored objects (of an account or a parent)."""

    def read(**page: Any) -> list[dict[str, Any]]:
        rows = store.rows(kind, account_id=account_id, parent_id=parent_id, **page)
        return [show(row) for row in rows]

    return ListSource(
        count=lambda: store.count(kind, account_id=account_id, parent_id=parent_id),
        page=lambda offset, rows: read(limit=rows, offset=offset),
        everything=read,
        fields=fields,
        ci=ci,
    )


@dataclass(frozen=True)
class Clause:
    expression: str
    field: str
    condition: str
    value: str


def paged_list(params: Params, key: str, source: ListSource) -> dict[str, Any]:
    """The documented paged list answer: ``{key: [...], page: {more, rows, number}}``."""
    rows, number = page_params(params)
    clauses = filter_clauses(params, source.fields)
    order = sort_order(params, source.fields)
    offset = (number - 1) * rows
    if not clauses and not order:
        total = source.count()
        items = source.page(offset, rows) if offset < total else []
    else:
        selected = [item for item in source.everything() if matches(item, clauses, source.ci)]
        sort_items(selected, order, source.ci)
        total = len(selected)
        items = selected[offset : offset + rows]
    more = 1 if offset + len(items) < total else 0
    return {key: items, "page": {"more": more, "rows": rows, "number": number}}


def page_params(params: Params) -> tuple[int, int]:
    """``page.rows`` (default 100, capped at 5000 and echoed) and ``page.number`` (from 1)."""
    rows = parse_integer("page.rows", params.get("page.rows") or "")
    number = parse_integer("page.number", params.get("page.number") or "")
    rows = DEFAULT_ROWS if rows is None else rows
    number = 1 if number is None else number
    if rows < 1:
        raise ApiError("INVALID_INTEGER", "page.rows")
    if number < 1:
        raise ApiError("INVALID_INTEGER", "page.number")
    return min(rows, MAX_ROWS), number


def filter_clauses(params: Params, fields: frozenset[str]) -> list[Clause]:
    """Every ``filter.FIELD.CONDITION`` parameter, checked against the object's fields."""
    clauses = []
    for name, value in params.raw.items():
        if not name.startswith("filter.") or name == "filter.tz":
            continue
        expression = name[len("filter.") :]
        field, _, condition = expression.rpartition(".")
        if not field or condition not in CONDITIONS:
            raise ApiError("INVALID_CONDITION", expression)
        if field not in fields and not CUSTOMFIELD_KEY.fullmatch(field):
            raise ApiError("INVALID_FIELD", expression)
        clauses.append(Clause(expression, field, condition, value))
    if params.filled("filter_id"):
        raise ApiError("FILTER_NOT_FOUND", params.get("filter_id"))
    return clauses


def sort_order(params: Params, fields: frozenset[str]) -> list[tuple[str, bool]]:
    """``sort_by=name-asc,created-desc`` as [(field, descending)]."""
    order = []
    for token in (params.get("sort_by") or "").split(","):
        token = token.strip()
        if not token:
            continue
        field, _, direction = token.rpartition("-")
        known = field in fields or bool(CUSTOMFIELD_KEY.fullmatch(field))
        if direction not in ("asc", "desc"):
            if known:
                raise ApiError("INVALID_SORT_ORDER", field)
            raise ApiError("INVALID_SORT_FIELD", token)
        if not known:
            raise ApiError("INVALID_SORT_FIELD", field)
        order.append((field, direction == "desc"))
    return order


def value_of(item: dict[str, Any], field: str) -> Any:
    """A field of a listed object; ``customfield-UUID`` reads its custom field value."""
    found = CUSTOMFIELD_KEY.fullmatch(field)
    if found:
        for entry in item.get("customfields") or []:
            if entry.get("uuid") == found.group(1):
                return entry.get("value")
        return None
    return item.get(field)


def matches(item: dict[str, Any], clauses: Iterable[Clause], ci: frozenset[str]) -> bool:
    return all(_holds(value_of(item, c.field), c, c.field in ci) for c in clauses)


def _holds(actual: Any, clause: Clause, ci: bool) -> bool:
    condition, wanted = clause.condition, clause.value
    if condition in ("in", "in_or_null"):
        try:
            options = json.loads(wanted)
        except ValueError:
            raise ApiError("INVALID_CONDITION", clause.expression) from None
        if not isinstance(options, list):
            raise ApiError("INVALID_CONDITION", clause.expression)
        if actual is None:
            return condition == "in_or_null"
        return any(_equal(actual, str(option), ci) for option in options)
    if actual is None:
        return condition in ("equals_or_null", "not_equals_or_null")
    if condition in ("equals", "equals_or_null"):
        return _equal(actual, wanted, ci)
    if condition in ("not_equals", "not_equals_or_null"):
        return not _equal(actual, wanted, ci)
    if condition == "like":
        return _like(wanted, ci).fullmatch(_text(actual)) is not None
    left, right = _ordered(actual, ci), _ordered(wanted, ci)
    if type(left) is not type(right):
        left, right = str(left), str(right)
    return bool(ORDERS[condition](left, right))


def _text(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _equal(actual: Any, wanted: str, ci: bool) -> bool:
    left, right = _ordered(actual, ci), _ordered(wanted, ci)
    if type(left) is not type(right):
        return _text(actual) == wanted
    return left == right


def _ordered(value: Any, ci: bool) -> float | str:
    """A comparable form: numbers as numbers, other text as text (lowered when citext)."""
    text = _text(value)
    try:
        return float(text)
    except ValueError:
        return text.lower() if ci else text


def _like(pattern: str, ci: bool) -> re.Pattern[str]:
    regex = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    return re.compile(regex, re.IGNORECASE | re.DOTALL if ci else re.DOTALL)


def sort_items(
    items: list[dict[str, Any]], order: list[tuple[str, bool]], ci: frozenset[str]
) -> None:
    """Stable multi-key sort; nulls last ascending and first descending, as in PostgreSQL."""
    for field, descending in reversed(order):

        def key(item: dict[str, Any], field: str = field) -> tuple[int, int, Any]:
            value = value_of(item, field)
            if value is None:
                return (1, 0, 0)
            ordered = _ordered(value, field in ci)
            return (0, 0, ordered) if isinstance(ordered, float) else (0, 1, ordered)

        items.sort(key=key, reverse=descending)


def limit_fields(
    params: Params, response: dict[str, Any], object_name: str | None, list_key: str | None
) -> dict[str, Any]:
    """Apply ``fields.OBJECT`` to the returned objects and ``fields._top`` to the top level."""
    wanted = _field_list(params, f"fields.{object_name}") if object_name else None
    if wanted is not None:
        if list_key and isinstance(response.get(list_key), list):
            response[list_key] = [
                {k: v for k, v in item.items() if k in wanted} if isinstance(item, dict) else item
                for item in response[list_key]
            ]
        elif not list_key:
            response = {k: v for k, v in response.items() if k == "status" or k in wanted}
    top = _field_list(params, "fields._top")
    if top is not None:
        response = {k: v for k, v in response.items() if k == "status" or k in top}
    return response


def _field_list(params: Params, name: str) -> set[str] | None:
    if name not in params:
        return None
    try:
        value = json.loads(params.get(name) or "")
    except ValueError:
        raise ApiError("INVALID_JSON", name) from None
    if not isinstance(value, list):
        raise ApiError("INVALID_JSON", name)
    return {str(v) for v in value}
