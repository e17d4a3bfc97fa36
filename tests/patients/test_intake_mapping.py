"""The pure mapping from a stored intake's snapshot to the engine's input (no database)."""

from patients.intake_mapping import intake_to_level_input


def test_an_empty_intake_leaves_every_fact_unknown():
    result = intake_to_level_input({})
    assert result["substances"] == []
    assert result["previous_withdrawal_complications"] is None
    assert result["repeated_overdoses"] is None
    assert all(result[name] is None for name in ("pregnant", "home_support", "in_lar", "audit"))


def test_booleans_are_copied_and_unknown_stays_none():
    result = intake_to_level_input({"pregnant": False, "home_support": True, "in_custody": None})
    assert (result["pregnant"], result["home_support"], result["in_custody"]) == (False, True, None)


def test_substance_rows_become_the_engine_substances():
    snapshot = {
        "substances": [
            {
                "substance": "alcohol",
                "dependent": True,
                "injecting": False,
                "route": "oral",
                "continuous_use_days": 10,
                "description": "øl",
            },
        ]
    }
    assert intake_to_level_input(snapshot)["substances"] == [
        {"substance": "alcohol", "dependent": True, "injecting": False, "continuous_use_days": 10}
    ]


def test_an_injected_route_counts_as_injecting_when_the_question_was_left_open():
    snapshot = {"substances": [{"substance": "opioids", "injecting": None, "route": "injected"}]}
    assert intake_to_level_input(snapshot)["substances"][0]["injecting"] is True


def test_an_unanswered_injecting_question_with_another_route_stays_unknown():
    snapshot = {"substances": [{"substance": "opioids", "injecting": None, "route": "smoked"}]}
    assert intake_to_level_input(snapshot)["substances"][0]["injecting"] is None


def test_electrolyte_disturbance_counts_as_the_engines_dehydration_once():
    snapshot = {
        "previous_withdrawal_complications": ["electrolyte_disturbance", "dehydration", "seizures"]
    }
    assert intake_to_level_input(snapshot)["previous_withdrawal_complications"] == [
        "seizures",
        "dehydration",
    ]


def test_no_complications_asked_is_an_empty_list_not_unknown():
    assert (
        intake_to_level_input({"previous_withdrawal_complications": []})[
            "previous_withdrawal_complications"
        ]
        == []
    )


def test_two_or_more_overdoses_are_repeated_overdoses():
    assert intake_to_level_input({"overdose_count": 2})["repeated_overdoses"] is True
    assert intake_to_level_input({"overdose_count": 1})["repeated_overdoses"] is False
    assert intake_to_level_input({"overdose_count": 0})["repeated_overdoses"] is False


def test_decimal_strings_become_numbers_and_a_blank_preference_is_unknown():
    result = intake_to_level_input({"alcohol_units_per_day": "16.5", "patient_preference": ""})
    assert result["alcohol_units_per_day"] == 16.5
    assert result["patient_preference"] is None
    assert intake_to_level_input({"alcohol_units_per_day": "20.0"})["alcohol_units_per_day"] == 20


def test_the_audit_score_comes_from_the_screening_results():
    assert intake_to_level_input({}, screening={"audit": 24})["audit"] == 24


def test_the_result_is_accepted_by_the_engine_parser():
    from clinical.levels import parse_level_input

    snapshot = {
        "substances": [{"substance": "alcohol", "dependent": True, "injecting": None, "route": ""}],
        "previous_withdrawal_complications": ["electrolyte_disturbance"],
        "alcohol_units_per_day": "12.0",
        "ciwa_ar": 8,
        "overdose_count": 0,
        "pregnant": False,
    }
    parsed = parse_level_input(intake_to_level_input(snapshot))
    assert parsed.previous_withdrawal_complications == ("dehydration",)
    assert parsed.alcohol_units_per_day == 12
