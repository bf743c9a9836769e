"""Pure domain rules: no I/O, no clock. Callers pass ``today``/``now`` in."""

from __future__ import annotations


class RuleError(ValueError):
    """A value a person typed or imported is not acceptable; ``field`` names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return self.message
