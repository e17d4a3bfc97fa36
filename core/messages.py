"""Rendering the clinical kernel's message ids in the reader's language, in one place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext


def render_message(msgid: str, params: Mapping[str, Any] | None = None) -> str:
    """``msgid`` translated into the active language, with ``params`` filled in.

    A msgid without parameters is returned as translated: a literal ``%`` in it stays as it is.
    """
    text = gettext(msgid)
    return text % dict(params) if params else text
