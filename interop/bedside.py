"""The bedside questions the ward form asks with a withdrawal scale, as Questionnaire items.

The ward form (``scoring.forms.AssessmentForm``) asks with every withdrawal scale whether the
patient is drowsy or sedated (8.3.1, G 3771–3773: no sedative then), and with CIWA-Ar the breath
alcohol and whether the patient has delirium tremens now (8.4.5-2: the DT protocol, not the
CIWA-Ar table). A QuestionnaireResponse carries them as these items, which are not scored: no
``answerOption`` and no ordinal value, and they never reach the scale's items (the total).

The form's checkboxes are always shown, so an unticked box is the nurse's "no". An item absent
from a QuestionnaireResponse says only that the EHR did not ask it, and reading it as "not
drowsy" would let the advice propose a sedative, so the yes/no items are required (a 422 naming
the item); breath alcohol is optional, as in the form (not measured).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

from django.utils.translation import gettext_noop

from clinical.instruments import Instrument
from scoring.models import CIWA_AR_CODE
from scoring.services import BREATH_ALCOHOL_MAX


@dataclass(frozen=True)
class BedsideItem:
    link_id: str
    # The field's name on the stored score, in the ward form and in the service's refusals.
    field: str
    # The keyword of ``scoring.services.assessment_record`` that takes the answer.
    keyword: str
    type: Literal["boolean", "decimal"]
    label: str  # the ward form's label (a msgid of the scoring catalogue)
    ciwa_only: bool
    required: bool

    def applies_to(self, instrument: Instrument) -> bool:
        if instrument.kind != "withdrawal":
            return False
        return not self.ciwa_only or instrument.code == CIWA_AR_CODE


BREATH_ALCOHOL_MIN: Final = Decimal(0)
BREATH_ALCOHOL_DECIMALS: Final = 2  # as the form's field and the stored column

# In the ward form's order.
BEDSIDE_ITEMS: Final[tuple[BedsideItem, ...]] = (
    BedsideItem(
        "breath-alcohol",
        "breath_alcohol_permille",
        "breath_alcohol",
        "decimal",
        gettext_noop("Breath alcohol (‰)"),
        ciwa_only=True,
        required=False,
    ),
    BedsideItem(
        "current-delirium",
        "current_delirium",
        "current_delirium",
        "boolean",
        gettext_noop("The patient has delirium tremens now"),
        ciwa_only=True,
        required=True,
    ),
    BedsideItem(
        "drowsy",
        "drowsy",
        "drowsy",
        "boolean",
        gettext_noop("The patient is drowsy or sedated"),
        ciwa_only=False,
        required=True,
    ),
)
BY_FIELD: Final = {item.field: item for item in BEDSIDE_ITEMS}


def bedside_items(instrument: Instrument) -> tuple[BedsideItem, ...]:
    return tuple(item for item in BEDSIDE_ITEMS if item.applies_to(instrument))


__all__ = ["BEDSIDE_ITEMS", "BREATH_ALCOHOL_MAX", "BY_FIELD", "BedsideItem", "bedside_items"]
