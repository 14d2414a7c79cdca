"""Live state is built only from answers that hold what the documentation promises."""

from __future__ import annotations

import pytest

from ambraconf.engine.read import AccountRead, UnexpectedAnswer, build_account
from ambraconf.engine.workflow import catalogue


def test_a_listed_object_without_its_uuid_is_a_clear_error_not_an_internal_one() -> None:
    read = AccountRead(name="Acme", kinds=["role"], companion=lambda kind, obj: False)
    raw = {"uuid": "a-1", "name": "Acme"}
    with pytest.raises(UnexpectedAnswer, match="/role/list returned an object without its uuid"):
        build_account(read, raw, {"role": [{"name": "Radiologist"}]}, catalogue())
