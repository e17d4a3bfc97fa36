"""Issue 14, words and formats: what the data is, the way back from errors, dates, drug names."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from plans.care_plan import care_plan_context, care_plan_html
from tests.factories import make_unit
from tests.plans.test_plan_cast import benzodiazepine_outpatient


def get(client, url, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    return response, response.content.decode()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nb", ["høringsutkastet av 11.11.2014 (IS-2211)", "ikke en endelig publisert"]),
        ("en", ["consultation draft (høringsutkast) of 2014-11-11 (IS-2211)", "not a final"]),
    ],
)
def test_the_guideline_page_and_footer_say_it_is_the_consultation_draft(
    client, nurse, guideline, language, words
):
    client.force_login(nurse)
    response, html = get(client, reverse("guideline-home"), language)
    assert response.status_code == 200
    edition_note = html.split('class="edition-note"')[1].split("</p>")[0]
    footer = html.split('class="site-footer"')[1]
    for part in (edition_note, footer):
        for word in words:
            assert word in part
    assert "as published" not in html.lower()
    assert "Text as published" not in html


@pytest.mark.parametrize(
    ("language", "draft", "published"),
    [
        ("nb", "høringsutkastet til retningslinjen", "publisert i"),
        ("en", "the guideline's consultation draft (høringsutkast)", "as published"),
    ],
)
@pytest.mark.parametrize(
    ("url_name", "marker"), [("grades", 'class="lead"'), ("detox-units", 'data-testid="data-age"')]
)
def test_the_grades_and_units_pages_quote_the_draft_not_a_published_guideline(
    client, nurse, guideline, language, draft, published, url_name, marker
):
    """Audit: the grades page said its definitions were "quoted as published" and the units page
    "As published in the guideline's appendix": the text is the consultation draft of
    11.11.2014 (IS-2211), as the guideline page and the footer say."""
    client.force_login(nurse)
    response, html = get(client, reverse(url_name), language)
    assert response.status_code == 200
    note = html.split(marker)[1].split("</p>")[0 if url_name == "grades" else 1]
    assert draft in note
    assert "not a final published guideline" in note or "ikke en endelig publisert" in note
    assert published not in html.lower().replace("ikke en endelig publisert", "")


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("nb", "Retningslinjeteksten er høringsutkastet av 11.11.2014 (IS-2211)"),
        ("en", "The guideline text is the consultation draft (høringsutkast) of 2014-11-11"),
    ],
)
def test_the_care_plan_says_it_is_the_consultation_draft(clinician, guideline, language, sentence):
    unit = make_unit(name="Avrusning Vest", staff=[clinician])
    episode = benzodiazepine_outpatient(unit=unit, clinician=clinician)
    with translation.override(language):
        html = care_plan_html(care_plan_context(episode, now=timezone.now()))
    assert sentence in html


@pytest.mark.parametrize(
    ("language", "back"), [("nb", "Tilbake til startsiden"), ("en", "Back to the start page")]
)
def test_the_403_page_has_a_way_back(client, make_user, guideline, language, back):
    client.force_login(make_user(None))
    response, html = get(client, reverse("guideline-home"), language)
    assert response.status_code == 403
    assert f'<a href="{reverse("home")}">{back}</a>' in html
    assert 'class="site-footer"' in html


@pytest.mark.parametrize(
    ("language", "title", "back"),
    [
        ("nb", "Fant ikke siden", "Tilbake til startsiden"),
        ("en", "Not found", "Back to the start page"),
    ],
)
def test_an_unknown_recommendation_gives_the_apps_404_page(
    client, nurse, guideline, language, title, back
):
    client.force_login(nurse)
    response, html = get(client, reverse("recommendation-detail", args=["99.9-9"]), language)
    assert response.status_code == 404
    assert f"<h1>{title}</h1>" in html
    assert f'<a href="{reverse("home")}">{back}</a>' in html
    assert 'class="site-footer"' in html
