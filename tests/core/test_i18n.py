import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "nb" / "LC_MESSAGES" / "django.po"
SOURCE_DIRS = ("detox", "guidelines", "patients", "scoring", "templates")


def _all_nb_catalogues() -> list[Path]:
    return [CATALOGUE, *sorted(ROOT.glob("*/locale/nb/LC_MESSAGES/django.po"))]


def test_pages_are_norwegian_by_default(client, nurse):
    client.force_login(nurse)
    page = client.get(reverse("ward-board")).content.decode()
    assert '<html lang="nb">' in page
    assert "Avdelingstavle" in page
    assert "Sykepleier" in page


def test_language_switcher_turns_the_page_english_and_back(client, nurse):
    client.force_login(nurse)
    client.post(reverse("set_language"), {"language": "en", "next": reverse("ward-board")})
    page = client.get(reverse("ward-board")).content.decode()
    assert '<html lang="en">' in page
    assert "Ward board" in page
    assert "Nurse" in page
    client.post(reverse("set_language"), {"language": "nb", "next": reverse("ward-board")})
    assert "Avdelingstavle" in client.get(reverse("ward-board")).content.decode()


@pytest.mark.parametrize("path", _all_nb_catalogues(), ids=lambda p: str(p.relative_to(ROOT)))
def test_norwegian_catalogues_have_no_untranslated_or_fuzzy_entries(path):
    catalogue = polib.pofile(str(path))
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def test_every_user_facing_string_has_a_norwegian_translation(tmp_path):
    """Extract every marked string from the code and templates (as makemessages does) and look each
    one up in the project's bokmål catalogues (the project-wide one and the apps' own)."""
    if not shutil.which("xgettext"):
        pytest.skip("GNU gettext (xgettext) is not installed; CI installs it")
    for name in SOURCE_DIRS:
        shutil.copytree(
            ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("locale", "*.pyc")
        )
    (tmp_path / "locale").mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "detox.settings.test",
    }
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "nb", "--no-location"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    extracted = {e.msgid for e in polib.pofile(str(tmp_path / "locale/nb/LC_MESSAGES/django.po"))}
    translated: set[str] = set()
    for path in _all_nb_catalogues():
        translated |= {e.msgid for e in polib.pofile(str(path)).translated_entries()}
    assert sorted(extracted - translated - {""}) == []


def test_a_browser_asking_for_english_still_gets_norwegian_until_the_user_chooses(client, nurse):
    client.force_login(nurse)
    page = client.get(reverse("ward-board"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Avdelingstavle" in page
