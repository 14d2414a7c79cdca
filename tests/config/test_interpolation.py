"""${env:...} and ${var:...}: substitution, types, escapes, and where errors land."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from ambraconf.config.diagnostics import Diagnostics
from ambraconf.config.interpolate import EnvStr, Interpolator, Variable
from ambraconf.config.positions import Mark

MARK = Mark("f.yaml", 1, 1)
names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)
scalars = st.one_of(st.booleans(), st.integers(), st.text(alphabet="abc XYZ-_.", max_size=12))
plain = st.text().filter(lambda t: "$" not in t)


def interpolator(variables: dict, env: dict | None = None) -> tuple[Interpolator, Diagnostics]:
    diagnostics = Diagnostics()
    table = {k: Variable(v, MARK) for k, v in variables.items()}
    return Interpolator(table, env or {}, diagnostics), diagnostics


@given(plain)
def test_text_without_dollar_is_unchanged(text: str) -> None:
    interp, diagnostics = interpolator({})
    assert interp.text(text, MARK) == text
    assert not len(diagnostics)


@given(plain, plain)
def test_double_dollar_escapes(before: str, after: str) -> None:
    interp, diagnostics = interpolator({})
    assert interp.text(f"{before}$${{var:x}}{after}", MARK) == f"{before}${{var:x}}{after}"
    assert not len(diagnostics)


@given(names, scalars)
def test_a_lone_variable_keeps_its_type(name: str, value: object) -> None:
    interp, _ = interpolator({name: value})
    result = interp.text(f"${{var:{name}}}", MARK)
    assert result == value and type(result) is type(value)


@given(names, scalars, plain, plain)
def test_embedded_variables_become_text(name: str, value: object, before: str, after: str) -> None:
    assume(before or after)
    interp, _ = interpolator({name: value})
    text = "true" if value is True else "false" if value is False else str(value)
    assert interp.text(f"{before}${{var:{name}}}{after}", MARK) == f"{before}{text}{after}"


def test_env_values_are_marked_as_from_the_environment() -> None:
    interp, _ = interpolator({}, {"TOKEN": "s3cret"})
    value = interp.text("Bearer ${env:TOKEN}", MARK)
    assert value == "Bearer s3cret" and isinstance(value, EnvStr)
    assert not isinstance(interp.text("Bearer plain", MARK), EnvStr)


def test_errors_name_the_problem() -> None:
    interp, diagnostics = interpolator({"pacs": "P"})
    interp.text("${var:pcas}", MARK)
    interp.text("${ev:HOME}", Mark("f.yaml", 2, 1))
    interp.text("${var:pacs", Mark("f.yaml", 3, 1))
    messages = [str(d) for d in diagnostics]
    assert "unknown variable 'pcas' (did you mean 'pacs'?)" in messages[0]
    assert (
        "cannot interpolate '${ev:HOME}'" in messages[1]
        and "did you mean '${env:...}'" in messages[1]
    )
    assert "unterminated '${'" in messages[2]
