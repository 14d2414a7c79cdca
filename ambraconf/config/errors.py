"""The error type users see: a message they can act on, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix (bad input, bad credentials, unreachable server).

    The CLI prints ``str(error)`` and exits with ``exit_code``; tracebacks only with ``--debug``.
    """

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    def __str__(self) -> str:
        message = super().__str__()
        return f"{message}\n  hint: {self.hint}" if self.hint else message
