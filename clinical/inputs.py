"""One way for every engine to say "bad input": field errors and the exception that carries them.

Each engine validates its whole input and raises ``ClinicalInputError`` (or a subclass named for
the engine) with one ``FieldError`` per problem. ``message`` is a msgid marked with
``clinical.messages.gettext_noop``; the web layer renders it in the reader's language and turns
the exception into the same 400 body everywhere (``core.exceptions``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One input problem, addressed to a field such as ``substances[0].dose_mg``."""

    field: str
    message: str
    # ``field`` is the name of the bad input here, so the dataclass helper is spelt out.
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    refs: tuple[str, ...] = ()
    allowed: tuple[Any, ...] | None = None
    code: str = "invalid"

    @property
    def text(self) -> str:
        """The message in English (the msgid filled in)."""
        return self.message % dict(self.params) if self.params else self.message

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "field": self.field,
            "message": self.text,
            "code": self.code,
            "msgid": self.message,
            "params": dict(self.params),
            "refs": list(self.refs),
        }
        if self.allowed is not None:
            body["allowed"] = list(self.allowed)
        return body


class ClinicalInputError(ValueError):
    """The input was rejected; ``field_errors`` names each bad field and what is allowed."""

    def __init__(self, field_errors: Sequence[FieldError]) -> None:
        self.field_errors = tuple(field_errors)
        super().__init__("; ".join(f"{e.field}: {e.text}" for e in self.field_errors))

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [error.to_dict() for error in self.field_errors]
