import datetime as dt

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from guidelines.citations import citation_dicts
from guidelines.models import Recommendation


def render(source, **context):
    return Template("{% load citations %}" + source).render(Context(context))


def test_citation_dicts_attach_grade_text_and_url_in_the_order_given(guideline):
    citations = citation_dicts(["8.4.3-2", "8.3.3-1"])
    assert [c["ref"] for c in citations] == ["8.4.3-2", "8.3.3-1"]
    valproate = citations[0]
    assert valproate["grade"] == "A"
    assert valproate["exists"] is True
    assert valproate["url"] == "/guidelines/r/8.4.3-2/"
    assert valproate["text"].startswith("Det bør gis valproinsyre")
    assert valproate["grade_label"]


def test_citation_text_includes_the_items(guideline):
    [inpatient] = citation_dicts(["8.3.3-1"])
    assert "• Det er risiko for alvorlige avrusningsreaksjoner" in inpatient["text"]


def test_an_unknown_reference_is_returned_as_missing_not_an_error(guideline):
    [missing] = citation_dicts(["99.9-9"])
    assert missing == {
        "ref": "99.9-9",
        "grade": None,
        "grade_label": missing["grade_label"],
        "text": "",
        "url": "",
        "exists": False,
    }


def test_the_ungraded_recommendation_has_grade_none(guideline):
    assert citation_dicts(["8.4.6-3"])[0]["grade"] is None


def test_citation_dicts_drop_duplicates_and_read_no_query_once_loaded(
    guideline, django_assert_num_queries
):
    citation_dicts(["4.1-1"])  # this process has read the guideline
    with django_assert_num_queries(0):
        citations = citation_dicts(["8.4.3-2", "8.4.3-2", "4.1-1", "1.1-1"])
    assert [c["ref"] for c in citations] == ["8.4.3-2", "4.1-1", "1.1-1"]


def test_an_administrators_edit_reaches_the_citation(guideline):
    assert citation_dicts(["8.4.3-2"])[0]["grade"] == "A"
    recommendation = Recommendation.objects.get(ref="8.4.3-2")
    recommendation.grade = "B"
    recommendation.save()  # as the admin and the guideline editor save it
    assert citation_dicts(["8.4.3-2"])[0]["grade"] == "B"


def test_cite_renders_a_link_with_the_grade_badge_and_the_text_as_tooltip(guideline):
    html = render('{% cite "8.3.3-1" %}')
    assert '<a class="citation" href="/guidelines/r/8.3.3-1/"' in html
    assert 'class="grade-badge grade-B"' in html
    assert 'role="tooltip"' in html
    assert "Avrusning i døgninstitusjon bør finne sted når" in html
    # The tooltip is tied to the link, for keyboard and screen-reader users.
    tip_id = html.split('aria-describedby="')[1].split('"')[0]
    assert f'id="{tip_id}"' in html


def test_cite_escapes_the_text(guideline):
    recommendation = Recommendation.objects.get(ref="8.4.3-2")
    recommendation.text = "<script>x</script>"
    recommendation.save()
    html = render('{% cite "8.4.3-2" %}')
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>" not in html


def test_cite_of_an_unknown_reference_renders_plain_text(guideline):
    html = render('{% cite "99.9-9" %}')
    assert "99.9-9" in html
    assert "<a " not in html


def test_cite_many_renders_each_citation_with_unique_tooltip_ids(guideline):
    html = render("{% cite_many refs %}", refs=["8.4.3-1", "8.4.3-2", "8.4.3-3"])
    assert html.count('class="citation"') == 3
    ids = [part.split('"')[0] for part in html.split('id="')[1:]]
    assert len(ids) == len(set(ids)) == 3


@pytest.mark.parametrize("count", [1, 40])
def test_many_citations_on_a_page_cost_one_query(guideline, count):
    refs = list(Recommendation.objects.values_list("ref", flat=True)[:count])
    request = RequestFactory().get("/")
    template = Template(
        "{% load citations %}{% for ref in refs %}{% cite ref %}{% endfor %}{% cite_many refs %}"
    )
    with CaptureQueriesContext(connection) as queries:
        html = template.render(Context({"refs": refs, "request": request}))
    assert len(queries) == 1
    assert html.count('class="citation"') == 2 * count


def test_later_pages_cite_from_the_rows_already_loaded(guideline, django_assert_num_queries):
    render('{% cite "8.3.3-1" %}')
    with django_assert_num_queries(0):
        html = render('{% cite "8.3.3-1" %}{% cite "8.4.3-2" %}')
    assert html.count('class="citation"') == 2


def test_an_edit_reaches_the_next_page_that_cites_it(guideline, administrator):
    from guidelines.services import recommendation_update

    assert "grade-B" in render('{% cite "8.3.3-1" %}')
    recommendation = Recommendation.objects.get(ref="8.3.3-1")
    recommendation_update(
        recommendation=recommendation,
        text="Ny tekst fra fagansvarlig.",
        items=recommendation.items,
        grade="A",
        user=administrator,
        reason="test",
        now=dt.datetime(2026, 11, 25, tzinfo=dt.UTC),
    )
    html = render('{% cite "8.3.3-1" %}')
    assert "grade-A" in html
    assert "Ny tekst fra fagansvarlig." in html


def test_loading_a_new_release_reaches_the_citations(guideline, revised):
    from guidelines.loading import guideline_load

    render('{% cite "8.3.3-1" %}')
    data = revised({"8.3.3-1": {"text": "Teksten i neste utgave."}})
    guideline_load(data=data, now=dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC))
    assert "Teksten i neste utgave." in render('{% cite "8.3.3-1" %}')
