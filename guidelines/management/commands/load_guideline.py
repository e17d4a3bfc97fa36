"""Load the shipped guideline and detox-unit directory; safe to run again after every release."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from guidelines.loading import DATA_DIR, guideline_load, read_shipped_data


class Command(BaseCommand):
    help = (
        "Load guidelines/data/guideline.json and detox_units.json. Idempotent; a shipped revision "
        "never overwrites an administrator's edit: such conflicts are reported (exit status 0)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir", type=Path, default=DATA_DIR, help="Folder holding the two JSON files."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        shipped = read_shipped_data(options["data_dir"])
        report = guideline_load(data=shipped.guideline, units=shipped.units, now=timezone.now())
        for line in report.lines():
            if line.startswith(("CONFLICT", "NOT SHIPPED")):
                self.stderr.write(self.style.WARNING(line))
            else:
                self.stdout.write(line)
