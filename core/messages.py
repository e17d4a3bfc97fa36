"""Rendering the clinical kernel's message ids in the reader's language, in one place."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language, gettext

from clinical.regimens import DRUG_NAMES

# Parameters that carry drug codes ("oxazepam") or a list of them ("alprazolam, oxazepam"):
# shown in the reader's language ("oksazepam"), the stored code unchanged.
DRUG_PARAMS = frozenset({"drug", "taper_drug"})
DRUG_LIST_PARAMS = frozenset({"drugs"})


def drug_name(code: str) -> str:
    """A drug code or name in the active language: ``oxazepam`` → ``oksazepam`` in Norwegian."""
    return gettext(DRUG_NAMES.get(code, code)) if code else code


# The kernel writes Oslo times as "29.03.2026 03:30" or "03:30" (``clinical.schedule.format_oslo``)
# in parameters named ``*_local``; pages show them in the language's one format (detox/formats):
# Norwegian "29.03.2026 kl. 03.30" / "03.30", English "2026-03-29 03:30" / "03:30".
_KERNEL_DATETIME = re.compile(r"\b(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2})\b")
_KERNEL_TIME = re.compile(r"\b(\d{2}):(\d{2})\b")


def local_time_text(value: str) -> str:
    """A kernel time text in the active language's format (the CET/CEST suffix is kept)."""
    if (get_language() or "nb").startswith("en"):
        return _KERNEL_DATETIME.sub(r"\3-\2-\1 \4:\5", value)
    value = _KERNEL_DATETIME.sub(r"\1.\2.\3 kl. \4:\5", value)
    return _KERNEL_TIME.sub(r"\1.\2", value)


def _localised(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if key.endswith("_local"):
        return local_time_text(value)
    if key in DRUG_PARAMS:
        return drug_name(value)
    if key in DRUG_LIST_PARAMS:
        return ", ".join(drug_name(part) for part in value.split(", "))
    return value


def render_message(msgid: str, params: Mapping[str, Any] | None = None) -> str:
    """``msgid`` translated into the active language, with ``params`` filled in.

    Drug codes among the parameters are named in the active language. A msgid without
    parameters is returned as translated: a literal ``%`` in it stays as it is.
    """
    text = gettext(msgid)
    if not params:
        return text
    return text % {key: _localised(key, value) for key, value in params.items()}
