"""Rendering the clinical kernel's message ids in the reader's language, in one place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext

from clinical.regimens import DRUG_NAMES

# Parameters that carry drug codes ("oxazepam") or a list of them ("alprazolam, oxazepam"):
# shown in the reader's language ("oksazepam"), the stored code unchanged.
DRUG_PARAMS = frozenset({"drug", "taper_drug"})
DRUG_LIST_PARAMS = frozenset({"drugs"})


def drug_name(code: str) -> str:
    """A drug code or name in the active language: ``oxazepam`` → ``oksazepam`` in Norwegian."""
    return gettext(DRUG_NAMES.get(code, code)) if code else code


def _localised(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
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
