"""Issue 12, item 1: text of the record never steers the care-plan renderer.

Two layers, each tested on its own: a patient's name reaches the PDF only as escaped HTML text
(never CSS), so a name full of CSS cannot hide a section or add a ``url()``; and WeasyPrint's URL
fetcher serves only the app's static files and ``data:`` URLs, so even a document that asked for
``http://`` or ``file:///etc/passwd`` gets neither. "No fetch" is checked twice: by recording every
URL WeasyPrint asks for, and by a socket listening on 127.0.0.1 that must receive no connection.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from weasyprint.urls import URLFetcher

from patients.models import Patient
from plans import care_plan as renderer
from plans import services
from plans.care_plan import care_plan_document, html_to_pdf
from tests.factories import make_unit
from tests.plans.test_care_plan_pdf import NoQueue, pdf_text
from tests.plans.test_plan_cast import FIXED_NOW, accept_alprazolam_taper, benzodiazepine_outpatient

SECTIONS = [
    "Behandlingsplan",
    "Pasient og forløp",
    "Sammendrag av innkomstsamtalen",
    "Behandlingsnivå",
    "Legemiddelplan",
    "Nedtrappingskalender",
    "Overvåkingsplan",
    "Skåringsforløp",
    "Utskrivning og overdoseforebygging",
    "Signaturer",
    "Vedlegg: anbefalinger som siteres",
]
# {url} is a URL on a local socket that must never be reached.
HOSTILE_NAMES = [
    "Css\r}}body{background:url({url})}",
    "Css\f}#medication{display:none}",
    "Css\f}}#medication,#discharge{display:none}body{background:url({url})}",
    'Css\n"}}body{background:url({url})}',
    'Css\\"}}body{background:url({url})}',
    "Css'\r}}@import url({url});#appendix{display:none}",
    "Css\r}}body{background:url(file:///etc/passwd)}html{content:url({url})}",
    "Css\x0b\r}}#level{display:none}",
]


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A socket on 127.0.0.1 that records whether anything connected to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    yield server
    server.close()


def url_of(server: socket.socket) -> str:
    host, port = server.getsockname()
    return f"http://{host}:{port}/x"


def assert_no_connection(server: socket.socket) -> None:
    try:
        connection, _address = server.accept()
    except BlockingIOError:
        return
    connection.close()
    pytest.fail("the renderer connected to the local socket (server-side request)")


@pytest.fixture
def asked(monkeypatch) -> list[str]:
    """Every URL WeasyPrint asks its fetcher for (whichever fetcher the code gives it)."""
    urls: list[str] = []
    original = URLFetcher.__call__

    def recording(self, url):
        urls.append(url)
        return original(self, url)

    monkeypatch.setattr(URLFetcher, "__call__", recording)
    return urls


def is_static_or_data(url: str) -> bool:
    if url.startswith("data:"):
        return True
    if not url.startswith("file://"):
        return False
    path = Path(url.removeprefix("file://")).resolve()
    roots = [Path(str(root)).resolve() for root in settings.STATICFILES_DIRS]
    return any(path.is_relative_to(root) for root in roots)


@pytest.mark.parametrize("template", HOSTILE_NAMES)
def test_a_hostile_name_neither_hides_a_section_nor_fetches_anything(
    db, clinician, nurse, tmp_path, listener, asked, template
):
    name = template.replace("{url}", url_of(listener))
    unit = make_unit(name="Avrusning Vest", staff=[clinician, nurse])
    episode = benzodiazepine_outpatient(unit=unit, clinician=clinician)
    accept_alprazolam_taper(episode, clinician)
    # Stored as it came (an import, or a row older than today's name validation): the renderer
    # must be safe whatever the database holds.
    Patient.objects.filter(pk=episode.patient_id).update(family_name=name)
    episode.patient.refresh_from_db()
    care_plan = services.care_plan_request(
        episode=episode, user=clinician, task=NoQueue(), now=FIXED_NOW
    )

    pdf = care_plan_document(episode, care_plan=care_plan, now=FIXED_NOW)

    text = pdf_text(pdf, tmp_path)
    for heading in SECTIONS:
        assert heading in text, f"{heading!r} is missing from the PDF"
    assert "Startdose 60 mg oksazepam" in text  # the medication section's content too
    assert "Side 1 av" in text  # the page footer still prints
    assert text.count("Behandlingsplan · Kari Css") >= 2  # the running header, on every page
    assert [url for url in asked if not is_static_or_data(url)] == []
    assert_no_connection(listener)


# --- The URL fetcher on its own ---------------------------------------------------------------


def test_the_fetcher_serves_the_apps_static_files():
    response = renderer.make_url_fetcher()(renderer.static_base_url() + "css/print.css")
    body = response.read()
    response.close()
    assert b"@page" in body
    assert response.content_type == "text/css"


def test_the_fetcher_serves_data_urls():
    response = renderer.make_url_fetcher()("data:text/plain;charset=utf-8,hei%20p%C3%A5%20deg")
    assert response.read().decode() == "hei på deg"
    response.close()


@pytest.mark.parametrize(
    "url",
    [
        "{url}",
        "https://example.org/x.css",
        "ftp://127.0.0.1/x",
        "file:///etc/passwd",
        "file://otherhost/etc/passwd",
        "{static}../../../../../../etc/passwd",
        "{static}%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "{static}css/../../../../../../../../etc/hostname",
        "{static}no-such-file.css",
        "gopher://127.0.0.1/x",
    ],
)
def test_the_fetcher_refuses_everything_else_and_logs_it(listener, caplog, url):
    url = url.replace("{url}", url_of(listener)).replace("{static}", renderer.static_base_url())
    with (
        caplog.at_level(logging.WARNING, logger="plans.care_plan"),
        pytest.raises(ValueError, match="refused"),
    ):
        renderer.make_url_fetcher()(url)
    assert [r for r in caplog.records if "refused" in r.getMessage()], "the refusal is not logged"
    assert_no_connection(listener)


def test_the_refusal_is_logged_without_raw_control_characters(caplog):
    with (
        caplog.at_level(logging.WARNING, logger="plans.care_plan"),
        pytest.raises(ValueError, match="refused"),
    ):
        renderer.make_url_fetcher()("http://127.0.0.1:9/x\r\nFAKE LOG LINE")
    (message,) = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert "\r" not in message
    assert "\n" not in message
    assert "\\r\\nFAKE LOG LINE" in message


def test_a_document_that_asks_for_outside_resources_gets_none(tmp_path, listener, caplog):
    """The second layer alone: even HTML that names outside URLs gets nothing, and each refusal
    is logged."""
    outside = url_of(listener)
    html = (
        "<!DOCTYPE html><html><head>"
        f'<link rel="stylesheet" href="{outside}.css">'
        f"<style>@import url({outside}/i.css); body {{ background: url({outside}/b.png) }}</style>"
        "</head><body><h1>Behandlingsplan</h1>"
        '<img src="file:///etc/passwd"><img src="../../../../../../etc/passwd">'
        f'<img src="{outside}/i.png"></body></html>'
    )
    with caplog.at_level(logging.WARNING, logger="plans.care_plan"):
        pdf = html_to_pdf(html)
    assert "Behandlingsplan" in pdf_text(pdf, tmp_path)
    assert_no_connection(listener)
    refused = " ".join(r.getMessage() for r in caplog.records if r.name == "plans.care_plan")
    assert "file:///etc/passwd" in refused
    assert f"{outside}/i.png" in refused
