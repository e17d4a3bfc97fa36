"""The national detox guideline as data: its edition, chapters, sections and graded recommendations,
the grade and modal-verb definitions, and the detox-unit directory of its appendix 14.1.

The rows come from ``guidelines/data/*.json`` through ``guidelines/loading.py`` (run by a data
migration and the ``load_guideline`` command). Administrators may edit a recommendation's text,
items and grade, only through ``guidelines/services.py``; every version is kept in its history
(django-simple-history) with who, when and why.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinical.guideline.text import Item, plain_text
from guidelines.directory import CAPABILITIES as UNIT_CAPABILITIES


class Grade(models.TextChoices):
    """Strength of a recommendation (guideline 2.11)."""

    A = "A", _("Grade A")
    B = "B", _("Grade B")
    C = "C", _("Grade C")
    D = "D", _("Grade D")


class Modal(models.TextChoices):
    """The directive verb of a recommendation (guideline 2.13); the guideline's own words."""

    SKAL = "skal", "skal"
    BOR = "bør", "bør"
    KAN = "kan", "kan"
    MA = "må", "må"


class Edition(models.Model):
    """The published guideline the shipped text belongs to (e.g. IS-2211, 2014)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200)
    status = models.CharField(_("status"), max_length=200, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    source_file = models.CharField(_("source file"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The detox-unit directory (appendix 14.1): when its data was collected and updated.
    directory_section = models.CharField(_("directory section"), max_length=20, blank=True)
    directory_collected = models.CharField(_("directory collected"), max_length=40, blank=True)
    directory_updated = models.CharField(_("directory updated"), max_length=40, blank=True)
    directory_note = models.TextField(_("directory note"), blank=True)
    loaded_at = models.DateTimeField(_("loaded at"))

    class Meta:
        ordering = ["-date", "code"]
        verbose_name = _("guideline edition")
        verbose_name_plural = _("guideline editions")

    def __str__(self) -> str:
        return f"{self.code} ({self.date:%Y})" if self.date else self.code

    @property
    def directory_updated_display(self) -> str:
        """The month the directory was updated, in words: "januar 2014" for "2014-01"."""
        try:
            month = dt.date.fromisoformat(f"{self.directory_updated}-01")
        except ValueError:
            return self.directory_updated
        return date_format(month, "F Y")

    @property
    def directory_period(self) -> str:
        """The years the directory's data spans, e.g. "2011–2014" (collected 2011, updated 2014)."""
        first = self.directory_collected[:4]
        last = self.directory_updated[:4] or self.directory_collected[-4:]
        if not first:
            return ""
        return first if first == last else f"{first}–{last}"


class GradeDefinition(models.Model):
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, unique=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    definition = models.TextField(_("definition"))
    line_start = models.PositiveIntegerField(_("first line"))
    line_end = models.PositiveIntegerField(_("last line"))

    class Meta:
        ordering = ["grade"]
        verbose_name = _("grade definition")
        verbose_name_plural = _("grade definitions")

    def __str__(self) -> str:
        return self.grade


class ModalDefinition(models.Model):
    word = models.CharField(_("word"), max_length=10, choices=Modal.choices, unique=True)
    meaning = models.TextField(_("meaning"))
    line_start = models.PositiveIntegerField(_("first line"))
    line_end = models.PositiveIntegerField(_("last line"))

    class Meta:
        ordering = ["line_start"]
        verbose_name = _("modal verb definition")
        verbose_name_plural = _("modal verb definitions")

    def __str__(self) -> str:
        return self.word


def _readable_title(title: str) -> str:
    # Chapter titles are printed in capitals ("AVRUSNING FRA ALKOHOL"); pages show them in
    # sentence case, the stored title stays as published.
    return title.capitalize() if title.isupper() else title


class Chapter(models.Model):
    number = models.CharField(_("number"), max_length=10, unique=True)
    title = models.CharField(_("title"), max_length=300)
    line_start = models.PositiveIntegerField(_("first line"))

    class Meta:
        ordering = ["line_start"]
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")

    def __str__(self) -> str:
        return f"{self.number} {self.display_title}"

    @property
    def display_title(self) -> str:
        return _readable_title(self.title)


class Section(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    chapter = models.ForeignKey(
        Chapter, on_delete=models.PROTECT, related_name="sections", verbose_name=_("chapter")
    )
    title = models.CharField(_("title"), max_length=300)
    line_start = models.PositiveIntegerField(_("first line"))

    class Meta:
        ordering = ["line_start"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return f"{self.number} {self.display_title}"

    @property
    def display_title(self) -> str:
        return _readable_title(self.title)


# The filter value that asks for recommendations without a grade (8.4.6-3).
UNGRADED = "none"


class RecommendationQuerySet(models.QuerySet["Recommendation"]):
    def for_listing(self) -> RecommendationQuerySet:
        """What every list shows (ref, section, chapter, edition) in one query."""
        return self.select_related("section__chapter", "edition", "changed_by")

    def browse(
        self, *, grade: str = "", chapter: str = "", section: str = "", q: str = ""
    ) -> RecommendationQuerySet:
        """The pages' and the API's filters; a section includes its subsections (8.4 → 8.4.3)."""
        queryset = self
        if grade == UNGRADED:
            queryset = queryset.filter(grade="")
        elif grade:
            queryset = queryset.filter(grade=grade)
        if chapter:
            queryset = queryset.filter(section__chapter__number=chapter)
        if section:
            queryset = queryset.filter(
                models.Q(section__number=section)
                | models.Q(section__number__startswith=f"{section}.")
            )
        if q:
            queryset = queryset.search(q)
        return queryset

    def search(self, query: str) -> RecommendationQuerySet:
        """Full-text search: PostgreSQL's Norwegian configuration there, a substring match on
        SQLite. See ``guidelines/search.py``."""
        from guidelines.search import filter_recommendations

        return filter_recommendations(self, query)


class Recommendation(models.Model):
    """One numbered recommendation, cited by its stable ``ref`` such as ``8.4.3-2``."""

    ref = models.CharField(_("reference"), max_length=20, unique=True)
    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, related_name="recommendations", verbose_name=_("edition")
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="recommendations", verbose_name=_("section")
    )
    # A section may hold more than one "Anbefalinger" block (6.2.2 has two, both numbered from 1).
    block = models.PositiveSmallIntegerField(_("block"), default=1)
    number = models.PositiveSmallIntegerField(_("number"))
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, blank=True)
    modal = models.CharField(_("directive verb"), max_length=10, choices=Modal.choices, blank=True)
    # The sentence a recommendation completes (4.2 items 3-7 share one).
    lead_in = models.TextField(_("lead-in"), blank=True)
    text = models.TextField(_("text"))
    items = models.JSONField(_("items"), default=list, blank=True)
    line_start = models.PositiveIntegerField(_("first line"))
    line_end = models.PositiveIntegerField(_("last line"))
    # The text as last shipped: an administrator's edit is any difference from it, and a later
    # shipped revision never overwrites such an edit (guidelines/loading.py reports a conflict).
    shipped_text = models.TextField(_("shipped text"))
    shipped_items = models.JSONField(_("shipped items"), default=list, blank=True)
    shipped_grade = models.CharField(
        _("shipped grade"), max_length=1, choices=Grade.choices, blank=True
    )
    # Lead-in, text and items flattened and case-folded, for search on either database.
    search_text = models.TextField(_("search text"), editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    changed_at = models.DateTimeField(_("last changed"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )

    history = HistoricalRecords(
        excluded_fields=[
            "search_text",
            "shipped_text",
            "shipped_items",
            "shipped_grade",
            "changed_at",
            "changed_by",
        ]
    )

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["line_start"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(
                fields=["section", "block", "number"], name="one_recommendation_per_place"
            ),
        ]

    def __str__(self) -> str:
        return self.ref

    def get_absolute_url(self) -> str:
        return reverse("recommendation-detail", kwargs={"ref": self.ref})

    @property
    def item_list(self) -> list[Item]:
        items: list[Item] = self.items
        return items

    @property
    def full_text(self) -> str:
        return plain_text(lead_in=self.lead_in, text=self.text, items=self.item_list)

    @property
    def is_edited(self) -> bool:
        """True when the text, items or grade differ from what was shipped."""
        return (self.text, self.items, self.grade) != (
            self.shipped_text,
            self.shipped_items,
            self.shipped_grade,
        )


class DetoxUnit(models.Model):
    """A detox unit as profiled in the guideline's appendix 14.1 (data from 2011–2014).

    Yes/no capabilities are null where the source does not say.
    """

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(_("health region"), max_length=100)
    listed_under = models.CharField(_("listed under"), max_length=100, blank=True)
    health_trust = models.CharField(_("health trust"), max_length=200, blank=True)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=100, blank=True)
    email = models.CharField(_("e-mail"), max_length=200, blank=True)
    web = models.CharField(_("web site"), max_length=200, blank=True)
    outpatient_detox = models.BooleanField(_("outpatient detox"), null=True)
    accepts_alcohol = models.BooleanField(_("accepts alcohol"), null=True)
    accepts_illegal_drugs = models.BooleanField(_("accepts illegal drugs"), null=True)
    accepts_medication_dependence = models.BooleanField(
        _("accepts medication dependence"), null=True
    )
    accepts_pregnant = models.BooleanField(_("accepts pregnant patients"), null=True)
    emergency_admission = models.BooleanField(_("emergency admission"), null=True)
    coercion_10_2_10_3 = models.BooleanField(_("coercion under §§ 10-2/10-3"), null=True)
    coercion_10_4 = models.BooleanField(_("coercion under § 10-4"), null=True)
    main_substances = models.TextField(_("main substances"), blank=True)
    department_types = models.JSONField(_("departments"), default=list, blank=True)
    beds = models.PositiveSmallIntegerField(_("beds"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    line_start = models.PositiveIntegerField(_("first line"))
    line_end = models.PositiveIntegerField(_("last line"))

    # The yes/no capabilities, in the order pages and filters show them.
    CAPABILITIES = UNIT_CAPABILITIES

    class Meta:
        ordering = ["region", "name"]
        verbose_name = _("detox unit")
        verbose_name_plural = _("detox units")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def capability_labels(cls) -> list[tuple[str, Any]]:
        """(field name, translated label) for each capability."""
        return [
            (name, cast("models.Field[Any, Any]", cls._meta.get_field(name)).verbose_name)
            for name in cls.CAPABILITIES
        ]
