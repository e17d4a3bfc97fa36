from clinical.guideline.diff import Segment, Version, version_diff, word_diff


def test_word_diff_marks_a_changed_dose_and_keeps_the_rest():
    segments = word_diff("gis 600-900 mg som engangsdose", "gis 600 mg som engangsdose")
    assert segments == [
        Segment("equal", "gis "),
        Segment("delete", "600-900"),
        Segment("insert", "600"),
        Segment("equal", " mg som engangsdose"),
    ]


def test_joining_the_kept_and_inserted_segments_gives_the_new_text():
    before, after = "Det bør gis tiamin", "Det skal alltid gis tiamin i.m."
    segments = word_diff(before, after)
    assert "".join(s.text for s in segments if s.op != "delete") == after
    assert "".join(s.text for s in segments if s.op != "insert") == before


def test_version_diff_reports_grade_and_item_changes():
    before = Version("Tekst", [{"text": "A", "items": []}], "C")
    after = Version("Tekst", [{"text": "A", "items": []}, {"text": "B", "items": []}], "B")
    diff = version_diff(before, after)
    assert diff.grade_changed
    assert (diff.grade_before, diff.grade_after) == ("C", "B")
    assert not diff.text_changed
    assert diff.items_changed
    assert Segment("insert", "\nB") in diff.items


def test_identical_versions_have_no_changes():
    version = Version("Tekst", [], "A")
    assert not version_diff(version, version).changed
