from pathlib import Path

import polib
from django.conf import settings
from django.urls import reverse

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "nb" / "LC_MESSAGES" / "django.po"


def test_pages_are_norwegian_by_default(client, nurse):
    client.force_login(nurse)
    page = client.get(reverse("start-nurse")).content.decode()
    assert '<html lang="nb">' in page
    assert "Avdelingstavle" in page
    assert "Sykepleier" in page


def test_language_switcher_turns_the_page_english_and_back(client, nurse):
    client.force_login(nurse)
    client.post(reverse("set_language"), {"language": "en", "next": reverse("start-nurse")})
    page = client.get(reverse("start-nurse")).content.decode()
    assert '<html lang="en">' in page
    assert "Ward board" in page
    assert "Nurse" in page
    client.post(reverse("set_language"), {"language": "nb", "next": reverse("start-nurse")})
    assert "Avdelingstavle" in client.get(reverse("start-nurse")).content.decode()


def test_norwegian_catalogue_is_complete():
    catalogue = polib.pofile(str(CATALOGUE))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_a_browser_asking_for_english_still_gets_norwegian_until_the_user_chooses(client, nurse):
    client.force_login(nurse)
    page = client.get(
        reverse("start-nurse"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    ).content.decode()
    assert "Avdelingstavle" in page
