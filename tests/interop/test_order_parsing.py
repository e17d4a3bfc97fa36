"""Reading the draft orders: the drug, the single dose and the daily dose, or nothing."""

from fractions import Fraction

import pytest

from interop.order_select import OrderInputError, selected_orders


def context(*dosages, concept=None, selections=("MedicationRequest/a",)):
    order = {
        "resourceType": "MedicationRequest",
        "id": "a",
        "status": "draft",
        "intent": "order",
        "subject": {"reference": "Patient/1"},
        "medicationCodeableConcept": concept or {"text": "Oksazepam 15 mg"},
    }
    if dosages:
        order["dosageInstruction"] = list(dosages)
    return {
        "selections": list(selections),
        "draftOrders": {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": order}],
        },
    }


def dosage(value, unit="mg", **repeat):
    found: dict[str, object] = {"doseAndRate": [{"doseQuantity": {"value": value, "unit": unit}}]}
    if repeat:
        found["timing"] = {"repeat": repeat}
    return found


@pytest.mark.parametrize(
    ("given", "per_day"),
    [
        (dosage(10, frequency=3, period=1, periodUnit="d"), Fraction(30)),
        (dosage(10, frequency=1, period=8, periodUnit="h"), Fraction(30)),
        # Every other day: the day it is given holds the whole 10 mg (the bounds are per day;
        # an average of 5 would pass a dose that is over them on the days it is given).
        (dosage(10, frequency=1, period=2, periodUnit="d"), Fraction(10)),
        (dosage(10, frequency=1, frequencyMax=3, period=1, periodUnit="d"), Fraction(30)),
        (dosage(10, frequency=1, period=1, periodUnit="h", count=2), Fraction(20)),
        (dosage(10, frequency=1, period=1, periodUnit="wk"), None),
        (dosage(10), None),
    ],
)
def test_the_daily_dose_needs_a_frequency_per_day_or_hour(given, per_day):
    (order,) = selected_orders(context(given))
    assert order.order.dose_mg == Fraction(10)
    assert order.order.mg_per_day == per_day


def test_a_dose_not_in_mg_is_not_read():
    (order,) = selected_orders(context(dosage(1, unit="g", frequency=1, periodUnit="d")))
    assert (order.order.dose_mg, order.order.mg_per_day) == (None, None)


def test_the_atc_code_wins_over_the_text_and_an_unselected_order_is_not_read():
    concept = {"coding": [{"system": "http://www.whocc.no/atc", "code": "N07BC02"}], "text": "x"}
    (order,) = selected_orders(context(concept=concept))
    assert order.order.drug == "methadone"
    assert selected_orders(context(selections=["MedicationRequest/other"])) == []


@pytest.mark.parametrize(
    "bad",
    [
        {"selections": "MedicationRequest/a", "draftOrders": {}},
        {"selections": ["MedicationRequest/a"]},
        {"selections": ["MedicationRequest/a"], "draftOrders": {"resourceType": "Patient"}},
    ],
)
def test_unreadable_context_is_refused(bad):
    with pytest.raises(OrderInputError):
        selected_orders(bad)
