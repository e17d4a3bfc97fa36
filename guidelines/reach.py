"""Where each recommendation is cited: the advice lines, pages and PDFs that show it.

The guideline's editors need to know what an edit reaches (issue 14). Rather than a list kept by
hand, which would drift from the code, the index is read from the source: every reference literal
(``"8.4.5-2"``) in the clinical kernel, the intake form and the templates, with the advice line or
message it is attached to. Each source file belongs to a *surface* (the CIWA-Ar advice, the
treatment-level proposal, the care-plan PDF, ...) that says on which pages and PDFs its lines are
shown. A test checks that every reference literal in those files is in the index, so a new rule is
listed on the edit page the moment it is written.

What follows an edit: every citation shows the recommendation's *current* grade and text beside
the line that cites it (``guidelines/citations.py``), on the pages, in the APIs and in PDFs
generated after the save. The advice lines' own wording is the application's (translated
messages in the kernel); it does not change with an edit, and the edit page says so.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

REF: Final = re.compile(r"^\d+(?:\.\d+)*-\d+$")
_TEMPLATE_REF: Final = re.compile(r"""["'](\d+(?:\.\d+)*-\d+)["']""")
_CODE: Final = re.compile(r"^[a-z][a-z0-9_]+$")
_PLACEHOLDER: Final = re.compile(r"%\((\w+)\)[sdf]")


@dataclass(frozen=True)
class Surface:
    """Where a group of lines is shown."""

    key: str
    label: Promise
    shown_on: tuple[Promise, ...]
    in_pdf: bool = False


_CIWA = Surface(
    "ciwa_advice",
    _("Advice after a CIWA-Ar score"),
    (_("the result page after a score"), _("the medication administration view"), _("CDS Hooks")),
)
_OPIOID = Surface(
    "opioid_advice",
    _("Advice after a COWS or SOWS score"),
    (_("the result page after a score"), _("CDS Hooks")),
)
_SCORING = Surface(
    "scoring",
    _("Score bands, scoring intervals and treatment tiers"),
    (_("the ward board"), _("the result page after a score"), _("the handover")),
)
_SCALES = Surface(
    "scales", _("The scales and screening instruments"), (_("the scoring and screening forms"),)
)
_LEVEL = Surface(
    "treatment_level",
    _("Treatment-level proposal"),
    (_("the treatment-level page"), _("the treatment-level API"), _("CDS Hooks")),
    in_pdf=True,
)
_REGIMENS = Surface(
    "regimens",
    _("Medication plan proposals"),
    (_("the medication plan page"), _("the medication plan API")),
    in_pdf=True,
)
_TAPERS = Surface(
    "tapers",
    _("Taper schedules and their warnings"),
    (_("the taper page"), _("the taper API")),
    in_pdf=True,
)
_DISCHARGE = Surface(
    "discharge",
    _("Discharge checklist and overdose prevention"),
    (_("the discharge checklist"), _("the handover"), _("CDS Hooks")),
    in_pdf=True,
)
_ORDERS = Surface(
    "order_check",
    _("Checks of medication orders from the hospital record"),
    (_("CDS Hooks"),),
)
_UNITS = Surface("units", _("The detox units directory"), (_("the detox units page"),))
_INTAKE = Surface("intake", _("Intake form"), (_("the intake form"),))
_CARE_PLAN = Surface("care_plan", _("Care-plan PDF"), (), in_pdf=True)

# Source file (relative to the project root) or folder prefix → its surface; first match wins.
SOURCES: Final[tuple[tuple[str, Surface], ...]] = (
    ("clinical/advice/", _CIWA),
    ("clinical/opioid_advice.py", _OPIOID),
    ("clinical/scoring.py", _SCORING),
    ("clinical/instruments/", _SCALES),
    ("clinical/levels/", _LEVEL),
    ("clinical/regimens/", _REGIMENS),
    ("clinical/tapers/", _TAPERS),
    ("clinical/discharge.py", _DISCHARGE),
    ("clinical/order_check.py", _ORDERS),
    ("clinical/guideline/detox_units.py", _UNITS),
    ("patients/forms.py", _INTAKE),
    ("plans/care_plan.py", _CARE_PLAN),
    ("templates/reports/", _CARE_PLAN),
    ("templates/plans/discharge_checklist.html", _DISCHARGE),
    ("templates/patients/intake_form.html", _INTAKE),
)
SURFACES: Final[Mapping[str, Surface]] = {surface.key: surface for _p, surface in SOURCES}


@dataclass(frozen=True)
class Use:
    """One place that cites ``ref``: the line's code and message where the source gives them."""

    ref: str
    surface: str
    source: str  # "clinical/advice/cautions.py:303"
    code: str = ""
    message: str = ""  # the English msgid, "" when the place has none (a template, a table)


def _surface_of(path: str) -> Surface | None:
    for prefix, surface in SOURCES:
        if path == prefix or (prefix.endswith("/") and path.startswith(prefix)):
            return surface
    return None


def _module_globals(path: str) -> Mapping[str, object]:
    """The module's names, for resolving message constants (kernel modules only: pure, cheap)."""
    if not path.startswith("clinical/"):
        return {}
    dotted = path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    return vars(importlib.import_module(dotted))


def _message_of(node: ast.AST, names: Mapping[str, object]) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value:
        return node.value
    if isinstance(node, ast.Name):
        value = names.get(node.id)
        return value if isinstance(value, str) and " " in value else ""
    if isinstance(node, ast.Call) and node.args:  # gettext_noop("..."), _("...")
        return _message_of(node.args[0], names)
    return ""


def _children(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.Call):
        return [*node.args, *(keyword.value for keyword in node.keywords)]
    if isinstance(node, ast.Tuple | ast.List):
        return list(node.elts)
    if isinstance(node, ast.Dict):
        return [value for value in node.values if value is not None]
    return []


def _describe(holder: ast.AST, names: Mapping[str, object]) -> tuple[str, str]:
    """The code (a snake_case string) and message (a msgid) among a call's or tuple's parts."""
    code = message = ""
    for child in _children(holder):
        if not message:
            message = _message_of(child, names)
        value = child.value if isinstance(child, ast.Constant) else None
        if not code and isinstance(value, str) and _CODE.match(value):
            code = value
    return code, message


def _python_uses(path: str, text: str) -> Iterator[Use]:
    surface = _surface_of(path)
    if surface is None:
        return
    tree = ast.parse(text)
    names = _module_globals(path)
    parents: dict[ast.AST, ast.AST] = {}
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            parents[child] = parent
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if not REF.match(node.value):
            continue
        code = message = ""
        holder: ast.AST | None = parents.get(node)
        # The nearest enclosing call, tuple or dict entry that names a message (three levels up:
        # the refs tuple, the call or row holding it, a wrapping row).
        for _level in range(3):
            if holder is None:
                break
            code, message = _describe(holder, names)
            if message:
                break
            holder = parents.get(holder)
        yield Use(node.value, surface.key, f"{path}:{node.lineno}", code, message)


def _template_uses(path: str, text: str) -> Iterator[Use]:
    surface = _surface_of(path)
    if surface is None:
        return
    for number, line in enumerate(text.splitlines(), start=1):
        for found in _TEMPLATE_REF.finditer(line):
            yield Use(found.group(1), surface.key, f"{path}:{number}")


@cache
def all_uses() -> tuple[Use, ...]:
    """Every citing place, read once per process from the source files."""
    root = Path(settings.BASE_DIR)
    uses: list[Use] = []
    for prefix, _surface in SOURCES:
        start = root / prefix
        files = sorted(start.rglob("*")) if prefix.endswith("/") else [start]
        for file in files:
            relative = file.relative_to(root).as_posix()
            if file.suffix == ".py":
                uses.extend(_python_uses(relative, file.read_text(encoding="utf-8")))
            elif file.suffix == ".html":
                uses.extend(_template_uses(relative, file.read_text(encoding="utf-8")))
    return tuple(uses)


def uses_of(ref: str) -> tuple[Use, ...]:
    return tuple(use for use in all_uses() if use.ref == ref)


@dataclass(frozen=True)
class SurfaceUses:
    """The edit page's view: a surface, where it is shown, and its lines citing the ref."""

    surface: Surface
    lines: tuple[str, ...]  # the lines' messages in the active language ("…" for the numbers)
    places: int


def _readable(message: str) -> str:
    text = gettext(message)
    return _PLACEHOLDER.sub("…", text).replace("%%", "%")


def reach(ref: str) -> list[SurfaceUses]:
    """What an edit of ``ref`` reaches, grouped by surface in ``SOURCES`` order."""
    found = uses_of(ref)
    groups = []
    for key in dict.fromkeys(surface.key for _p, surface in SOURCES):
        here = [use for use in found if use.surface == key]
        if not here:
            continue
        lines = tuple(dict.fromkeys(_readable(use.message) for use in here if use.message))
        groups.append(SurfaceUses(SURFACES[key], lines, len(here)))
    return groups
