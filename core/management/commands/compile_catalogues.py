"""Compile every gettext catalogue (.po → .mo) with polib, so setup needs no GNU gettext."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SKIP_DIRS = {".venv", "node_modules", "staticfiles", ".git"}


def project_catalogues(base_dir: Path) -> list[Path]:
    found = []
    for po in sorted(base_dir.rglob("locale/*/LC_MESSAGES/*.po")):
        if not SKIP_DIRS.intersection(po.relative_to(base_dir).parts):
            found.append(po)
    return found


class Command(BaseCommand):
    help = "Compile the project's .po catalogues to .mo files (pure Python, no msgfmt needed)."

    def handle(self, *args: Any, **options: Any) -> None:
        catalogues = project_catalogues(Path(settings.BASE_DIR))
        if not catalogues:
            raise CommandError("No catalogues found under locale/*/LC_MESSAGES/.")
        for po_path in catalogues:
            catalogue = polib.pofile(str(po_path))
            catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
            self.stdout.write(f"compiled {po_path.relative_to(settings.BASE_DIR)}")
