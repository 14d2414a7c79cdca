"""The error type users see: a message they can act on, never a traceback."""

from __future__ import annotations

from ambraconf.config.diagnostics import Diagnostic


class UserError(Exception):
    """Something the user can fix (bad input, bad credentials, unreachable server).

    The CLI prints ``str(error)`` and exits with ``exit_code``; tracebacks only with ``--debug``.
    ``code`` names the kind of problem for programs (the Action, ``--format json``), so they
    can tell, say, a stale saved plan from a failed login without reading the message.
    """

    exit_code = 1
    code = "error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    @property
    def message(self) -> str:
        """What is wrong, without the hint."""
        return super().__str__()

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class InvalidConfig(UserError):
    """A configuration with errors; carries every diagnostic so callers can show them all."""

    code = "invalid_config"

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        errors = [d for d in diagnostics if d.severity == "error"]
        noun = "error" if len(errors) == 1 else "errors"
        lines = [f"the configuration has {len(errors)} {noun}:", *(str(d) for d in errors)]
        super().__init__("\n".join(lines))  # every error is listed: nothing more to point to
        self.diagnostics = diagnostics
