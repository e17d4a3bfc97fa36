import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guidelines.models import DetoxUnit

HOME = reverse("guideline-home")


def page(client, url, **params):
    response = client.get(url, params)
    return response, response.content.decode()


def result_refs(html):
    return re.findall(r'<h4 id="rec-([^"]+)"', html)


@pytest.mark.parametrize("role", ["clinician", "nurse", "administrator"])
def test_every_role_may_browse_the_guideline(client, make_user, guideline, role):
    client.force_login(make_user(role))
    response, html = page(client, HOME)
    assert response.status_code == 200
    assert "AVRUSNING FRA ALKOHOL".capitalize() in html
    assert "8.4.3 Krampeprofylakse" in html


def test_a_user_without_a_role_may_not(client, make_user, guideline):
    client.force_login(make_user(None))
    assert client.get(HOME).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, guideline):
    response = client.get(reverse("recommendation-detail", args=["8.4.3-2"]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_home_page_names_the_edition(client, nurse, guideline):
    client.force_login(nurse)
    _response, html = page(client, HOME)
    assert "IS-2211" in html
    assert "Nasjonal faglig retningslinje for avrusning" in html


def test_search_lists_the_hits_with_the_matching_words_marked(client, nurse, guideline):
    client.force_login(nurse)
    _response, html = page(client, HOME, q="valproinsyre")
    assert "8.4.3-2" in result_refs(html)
    assert "<mark>valproinsyre</mark>" in html


def test_filter_by_grade(client, nurse, guideline):
    client.force_login(nurse)
    _response, html = page(client, HOME, grade="A")
    refs = result_refs(html)
    assert len(refs) == 10
    assert "8.4.3-2" in refs


def test_filter_ungraded(client, nurse, guideline):
    client.force_login(nurse)
    _response, html = page(client, HOME, grade="none")
    assert result_refs(html) == ["8.4.6-3"]


def test_browse_by_chapter_and_section(client, nurse, guideline):
    client.force_login(nurse)
    _response, html = page(client, HOME, chapter="12")
    assert result_refs(html) == [f"12-{n}" for n in range(1, 8)]
    _response, html = page(client, HOME, section="8.4")
    refs = result_refs(html)
    assert "8.4.3-2" in refs
    assert all(ref.startswith("8.4.") for ref in refs)


def test_an_unknown_filter_value_is_a_400_naming_it(client, nurse, guideline):
    client.force_login(nurse)
    response, html = page(client, HOME, grade="Z")
    assert response.status_code == 400
    assert "Z" in html
    response, _html = page(client, HOME, section="99.9")
    assert response.status_code == 400


def test_the_list_costs_the_same_queries_for_seven_rows_as_for_all(client, nurse, guideline):
    client.force_login(nurse)
    client.get(HOME, {"chapter": "12"})  # warm the session
    counts = []
    for params in ({"chapter": "12"}, {"section": "8"}, {"q": "bør"}):
        with CaptureQueriesContext(connection) as queries:
            client.get(HOME, params)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 12


def test_detail_shows_text_grade_badge_context_and_neighbours(client, clinician, guideline):
    client.force_login(clinician)
    response, html = page(client, reverse("recommendation-detail", args=["8.4.3-2"]))
    assert response.status_code == 200
    assert "Det bør gis valproinsyre 600-900 mg" in html
    assert 'class="grade-badge grade-A"' in html
    assert "8.4.3 Krampeprofylakse" in html
    assert 'rel="prev" href="/guidelines/r/8.4.3-1/"' in html
    assert 'rel="next" href="/guidelines/r/8.4.3-3/"' in html
    assert "IS-2211" in html
    assert "4071–4073" in html
    # The grade is explained, with the guideline's own definition.
    assert "randomisert, kontrollert studie" in html


def test_detail_of_an_unknown_reference_is_404(client, nurse, guideline):
    client.force_login(nurse)
    assert client.get(reverse("recommendation-detail", args=["99.9-9"])).status_code == 404


def test_detail_shows_the_items_nested(client, nurse, guideline):
    client.force_login(nurse)
    _response, html = page(client, reverse("recommendation-detail", args=["4.2-4"]))
    assert html.count('<ul class="recommendation-items">') >= 2
    assert "Alvorlige intoksikasjoner" in html
    assert "Behovet for akutt intervensjon i TSB bør vurderes når:" in html


def test_only_administrators_see_the_edit_link(client, nurse, administrator, guideline):
    url = reverse("recommendation-detail", args=["8.4.3-2"])
    edit = reverse("recommendation-edit", args=["8.4.3-2"])
    client.force_login(nurse)
    assert edit not in client.get(url).content.decode()
    client.force_login(administrator)
    assert edit in client.get(url).content.decode()


def test_the_grades_page_defines_a_to_d_and_the_verbs(client, nurse, guideline):
    client.force_login(nurse)
    response, html = page(client, reverse("grades"))
    assert response.status_code == 200
    for grade in "ABCD":
        assert f'id="grade-{grade}"' in html
    assert "Gode råd for praksis" in html
    assert "forbeholdes sterke anbefalinger" in html  # bør
    assert "8.4.6-3" in html  # the ungraded one


def test_the_units_page_shows_all_units_and_the_data_age(client, nurse, guideline):
    client.force_login(nurse)
    response, html = page(client, reverse("detox-units"))
    assert response.status_code == 200
    assert html.count('data-testid="unit"') == 25
    assert "2011–2014" in html
    assert "Sigma Nord" in html


def test_the_units_page_filters_by_region_and_capability(client, nurse, guideline):
    client.force_login(nurse)
    _response, html = page(client, reverse("detox-units"), region="Helse Nord")
    assert html.count('data-testid="unit"') == 4
    _response, html = page(
        client, reverse("detox-units"), emergency_admission="on", accepts_pregnant="on"
    )
    expected = DetoxUnit.objects.filter(emergency_admission=True, accepts_pregnant=True)
    assert 0 < expected.count() < 25
    assert html.count('data-testid="unit"') == expected.count()


def test_the_units_page_rejects_an_unknown_region(client, nurse, guideline):
    client.force_login(nurse)
    response, _html = page(client, reverse("detox-units"), region="Helse Mars")
    assert response.status_code == 400


def test_the_units_page_costs_the_same_queries_for_4_units_as_for_25(client, nurse, guideline):
    client.force_login(nurse)
    url = reverse("detox-units")
    client.get(url)
    counts = []
    for params in ({"region": "Helse Nord"}, {}):
        with CaptureQueriesContext(connection) as queries:
            client.get(url, params)
        counts.append(len(queries))
    assert counts[0] == counts[1]
