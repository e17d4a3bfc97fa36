"""Issue 14: the edit page says which advice lines, pages and PDFs cite the recommendation, read
from the source so that it cannot drift from the rules; and what cites it follows the edit."""

import io
import tokenize
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from guidelines.reach import REF, SOURCES, all_uses, reach, uses_of

ROOT = Path(settings.BASE_DIR)


def _ref_literals(path: Path) -> set[tuple[str, int]]:
    """Reference literals in a Python file, found by the tokenizer (independently of the index's
    syntax-tree walk): a string token whose whole value is a reference."""
    found = set()
    for token in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
        if token.type == tokenize.STRING:
            value = token.string.strip("\"'")
            if REF.match(value):
                found.add((value, token.start[0]))
    return found


def test_every_reference_in_the_kernel_is_in_the_index():
    indexed = {(use.ref, use.source) for use in all_uses()}
    missing = []
    for path in sorted((ROOT / "clinical").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        for ref, line in _ref_literals(path):
            if (ref, f"{relative}:{line}") not in indexed:
                missing.append(f"{relative}:{line} {ref}")
    # A new kernel module citing the guideline needs a surface in guidelines/reach.SOURCES.
    assert missing == []


def test_the_forms_and_templates_that_cite_are_in_the_index():
    sources = {use.source.split(":")[0] for use in all_uses()}
    assert "patients/forms.py" in sources
    assert "templates/reports/care_plan.html" in sources
    assert "templates/plans/discharge_checklist.html" in sources
    for prefix, _surface in SOURCES:
        assert (ROOT / prefix).exists(), prefix


def test_the_index_names_the_advice_lines_of_a_reference():
    codes = {use.code for use in uses_of("8.4.5-2") if use.surface == "ciwa_advice"}
    assert {"delirium_tremens_physician", "delirium_tremens_diazepam"} <= codes
    surfaces = {use.surface for use in uses_of("8.4.5-2")}
    assert {"ciwa_advice", "treatment_level", "regimens"} <= surfaces


def test_reach_groups_by_surface_with_translated_lines(settings):
    from django.utils import translation

    with translation.override("nb"):
        groups = {group.surface.key: group for group in reach("8.4.5-2")}
    lines = " ".join(groups["ciwa_advice"].lines)
    assert "Delirium tremens: lege må være til stede eller tilkalles nå." in lines
    # The numbers a line fills in at run time are shown as "…", never as "%(mg)s".
    assert "%(" not in lines
    assert "…" in lines


def test_a_reference_nothing_cites_says_so(client, guideline, administrator):
    client.force_login(administrator)
    cited = {use.ref for use in all_uses()}
    from guidelines.models import Recommendation

    uncited = Recommendation.objects.exclude(ref__in=cited).values_list("ref", flat=True).first()
    assert uncited is not None
    html = client.get(reverse("recommendation-edit", args=[uncited])).content.decode()
    assert 'data-testid="reach-none"' in html
    assert f"Ingen rådlinje, skjema eller PDF i applikasjonen siterer {uncited}" in html


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "nb",
            [
                "Hvor 8.4.5-2 siteres",
                "Råd etter en CIWA-Ar-skåring",
                "resultatsiden etter en skåring",
                "Delirium tremens: lege må være til stede eller tilkalles nå.",
                "Forslag til behandlingsnivå",
                "i behandlingsplanen (PDF)",
                "PDF-er laget tidligere beholder teksten",
            ],
        ),
        (
            "en",
            [
                "Where 8.4.5-2 is cited",
                "Advice after a CIWA-Ar score",
                "the result page after a score",
                "Treatment-level proposal",
                "in the care-plan PDF",
                "PDFs generated earlier keep the text",
            ],
        ),
    ],
)
def test_the_edit_page_lists_the_lines_pages_and_pdfs_that_cite_it(
    client, guideline, administrator, language, words
):
    client.force_login(administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("recommendation-edit", args=["8.4.5-2"])).content.decode()
    section = html.split('data-testid="edit-reach"')[1].split("</section>")[0]
    for word in words:
        assert word in section, word
