import datetime as dt
from collections import Counter

from django.core.management import call_command

from guidelines.loading import guideline_load
from guidelines.models import (
    Chapter,
    DetoxUnit,
    Edition,
    GradeDefinition,
    ModalDefinition,
    Recommendation,
    Section,
)
from guidelines.services import recommendation_update
from tests.guidelines.conftest import rec

LATER = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


def test_the_migration_loads_every_recommendation_with_its_grade(db):
    # No loader call here: what `migrate` (the data migration) put in the test database.
    assert Recommendation.objects.count() == 115
    grades = Counter(Recommendation.objects.values_list("grade", flat=True))
    assert grades == {"A": 10, "B": 14, "C": 84, "D": 6, "": 1}
    assert rec("8.4.6-3").grade == ""


def test_the_load_brings_chapters_sections_definitions_and_units(guideline):
    assert Chapter.objects.count() == 13
    assert sorted(GradeDefinition.objects.values_list("grade", flat=True)) == ["A", "B", "C", "D"]
    assert {"skal", "bør", "kan"} <= set(ModalDefinition.objects.values_list("word", flat=True))
    assert Section.objects.get(number="8.4.3").title == "Krampeprofylakse"
    assert DetoxUnit.objects.count() == 25
    edition = Edition.objects.get()
    assert edition.code == "IS-2211"
    assert edition.directory_period == "2011–2014"


def test_each_recommendation_keeps_its_place_text_items_and_line_span(guideline):
    valproate = rec("8.4.3-2")
    assert valproate.section.number == "8.4.3"
    assert valproate.section.chapter.number == "8"
    assert (valproate.block, valproate.number, valproate.modal) == (1, 2, "bør")
    assert valproate.text.startswith("Det bør gis valproinsyre 600-900 mg")
    assert (valproate.line_start, valproate.line_end) == (4071, 4073)
    assert rec("4.2-4").items[1]["items"][0]["text"] == "Alvorlige intoksikasjoner"


def test_a_lead_in_stays_with_the_items_that_complete_it(guideline):
    assert rec("4.2-3").lead_in == "Behovet for akutt intervensjon i TSB bør vurderes når:"
    assert rec("4.2-1").lead_in == ""


def test_the_second_block_of_6_2_2_has_its_own_references(guideline):
    second = rec("6.2.2-B1")
    assert (second.section.number, second.block, second.number) == ("6.2.2", 2, 1)
    assert rec("6.2.2-1").block == 1


def test_chapter_12_recommendations_sit_in_a_chapter_level_section(guideline):
    assert rec("12-1").section.number == "12"
    assert rec("12-1").section.chapter.number == "12"


def test_every_recommendation_starts_with_one_history_version(guideline):
    valproate = rec("8.4.3-2")
    assert valproate.history.count() == 1
    assert valproate.history.get().history_type == "+"
    assert valproate.history.get().history_change_reason == "Shipped with IS-2211"


def test_loading_again_changes_nothing_and_duplicates_nothing(guideline, shipped):
    before = (Recommendation.objects.count(), Recommendation.history.count())
    report = guideline_load(data=shipped.guideline, units=shipped.units, now=LATER)
    assert (report.created, report.updated, report.conflicts) == ([], [], [])
    assert report.unchanged == 115
    assert (Recommendation.objects.count(), Recommendation.history.count()) == before
    assert Chapter.objects.count() == 13
    assert DetoxUnit.objects.count() == 25
    assert (report.units_created, report.units_updated) == (0, 0)


def test_a_revision_replaces_unedited_text_with_a_new_version(guideline, revised):
    data = revised({"8.4.3-2": {"text": "Det bør gis valproinsyre 600 mg", "grade": "B"}})
    report = guideline_load(data=data, now=LATER)
    assert report.updated == ["8.4.3-2"]
    assert report.conflicts == []
    valproate = rec("8.4.3-2")
    assert (valproate.text, valproate.grade, valproate.version) == (
        "Det bør gis valproinsyre 600 mg",
        "B",
        2,
    )
    assert not valproate.is_edited
    assert valproate.history.first().history_change_reason == "Shipped with IS-2211"
    assert "600 mg" in valproate.search_text


def test_a_revision_never_overwrites_an_administrators_edit_and_reports_it(
    guideline, revised, administrator
):
    valproate = rec("8.4.3-2")
    recommendation_update(
        recommendation=valproate,
        text="Lokal tekst fra fagansvarlig",
        items=[],
        grade="A",
        user=administrator,
        reason="Lokal presisering",
        now=LATER,
    )
    data = revised({"8.4.3-2": {"text": "Ny tekst fra Helsedirektoratet"}})

    report = guideline_load(data=data, now=LATER)

    assert [(c.ref, c.fields) for c in report.conflicts] == [("8.4.3-2", ("text",))]
    assert rec("8.4.3-2").text == "Lokal tekst fra fagansvarlig"
    assert any("CONFLICT 8.4.3-2" in line for line in report.lines())
    # Still reported on the next run: the conflict is not forgotten.
    again = guideline_load(data=data, now=LATER)
    assert [c.ref for c in again.conflicts] == ["8.4.3-2"]


def test_an_edit_that_already_matches_the_revision_is_no_conflict(
    guideline, revised, administrator
):
    recommendation_update(
        recommendation=rec("8.4.3-2"),
        text="Rettet tekst",
        items=[],
        grade="A",
        user=administrator,
        reason="Rettelse",
        now=LATER,
    )
    report = guideline_load(data=revised({"8.4.3-2": {"text": "Rettet tekst"}}), now=LATER)
    assert report.conflicts == []
    assert not rec("8.4.3-2").is_edited
    # The administrator stays the last to have changed the text.
    assert rec("8.4.3-2").changed_by == administrator


def test_an_edit_survives_a_revision_of_other_recommendations(guideline, revised, administrator):
    recommendation_update(
        recommendation=rec("8.4.3-1"),
        text="Endret av fagansvarlig",
        items=[],
        grade="A",
        user=administrator,
        reason="Lokal endring",
        now=LATER,
    )
    report = guideline_load(data=revised({"8.4.3-2": {"grade": "B"}}), now=LATER)
    assert report.conflicts == []
    assert rec("8.4.3-1").text == "Endret av fagansvarlig"


def test_a_new_edition_takes_over_the_unedited_recommendations(guideline, revised):
    guideline_load(data=revised({}, edition_code="IS-9999"), now=LATER)
    assert rec("8.4.3-2").edition.code == "IS-9999"
    assert Edition.objects.count() == 2


def test_the_command_loads_and_reports(guideline, capsys):
    call_command("load_guideline")
    out = capsys.readouterr().out
    assert "0 recommendations created, 0 updated, 115 unchanged, 0 conflicts" in out


def test_loading_the_guideline_alone_keeps_the_unit_directory_dates(guideline, revised):
    guideline_load(data=revised({}), now=LATER)
    assert Edition.objects.get().directory_period == "2011–2014"


def test_a_recommendation_missing_from_a_revision_is_kept_and_reported(guideline, revised):
    data = revised({})
    data["recommendations"] = [r for r in data["recommendations"] if r["ref"] != "13.1-10"]
    report = guideline_load(data=data, now=LATER)
    assert report.not_shipped == ["13.1-10"]
    assert Recommendation.objects.filter(ref="13.1-10").exists()
