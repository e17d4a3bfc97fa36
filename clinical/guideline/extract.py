"""Extract the guideline's graded recommendations and the detox-unit directory as data.

The source is the text extraction of the PDF "Nasjonal faglig retningslinje for avrusning fra
rusmidler og vanedannende legemidler" (Helsedirektoratet, IS-2211, edition for external hearing,
11.11.2014), shipped read-only as ``guidelines/data/source/retningslinje-avrusning-2014.txt``.
Line numbers below ("G 970") are 1-based lines of that file.

Everything here is pure: functions take the source text and return values. ``main()`` is the
only function that touches the file system; it writes ``guidelines/data/guideline.json`` and
``guidelines/data/detox_units.json``, which are committed.
``tests/clinical/test_guideline_extract.py`` re-runs the extractor and compares, so the shipped data
cannot drift from this code.

    python -m clinical.guideline.extract

What the PDF extraction does to the text, and how it is undone:
- Every printed line is followed by a blank line; paragraphs are therefore found by
  structure (numbers, bullets, grade letters), never by blank lines.
- Headings come as "Title 3.3" (number after the title) or "3.2.1 Title". Chapter titles are
  upper case ("8 AVRUSNING FRA ALKOHOL"), sometimes wrapped over two lines, and often placed
  *after* the chapter's first section (e.g. chapter 6 at G 1931, section 6.1 at G 1869).
- Noise: page footers ("Nasjonal faglig retningslinje for avrusning 58"), editorial notes
  ("Merknad [gwe5]: Skal i boks"), "[Overskrift]" placeholders, and hyperlink targets that the
  PDF emitted as lines of their own ("http://www.sovno.no/", "mailto:post@unn.no"), which are
  recognisable by having no trailing space, unlike printed text.
- The evidence grade is a capital A-D at the end of the recommendation's first paragraph,
  either on the same line ("... avrusningsenhet ved behov  C", G 974) or alone on a line
  ("C", G 1098).
"""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "guidelines" / "data"  # shipped with the guidelines app, which loads it
SOURCE_RELATIVE = "guidelines/data/source/retningslinje-avrusning-2014.txt"
SOURCE_PATH = REPO_ROOT / SOURCE_RELATIVE
GUIDELINE_JSON = DATA_DIR / "guideline.json"
DETOX_UNITS_JSON = DATA_DIR / "detox_units.json"

Grade = Literal["A", "B", "C", "D"]
Modal = Literal["skal", "bør", "kan", "må"]

LAST_CHAPTER = 13  # chapter 14 is the appendix ("VEDLEGG"), not part of the guideline proper
MODAL_WORDS: tuple[Modal, ...] = ("skal", "bør", "kan", "må")

# The edition data are printed on the PDF's cover and colophon ("Utgave 11.11.2014 til ekstern
# høring", "IS-2211"), which the text extraction does not contain: the file starts at the
# placeholder "Ikke fullstendig….fullføres etter ekstern høring." (G 1).
EDITION: dict[str, str] = {
    "title": "Nasjonal faglig retningslinje for avrusning fra rusmidler og vanedannende legemidler",
    "publisher": "Helsedirektoratet",
    "code": "IS-2211",
    "status": "Utgave til ekstern høring",
    "date": "2014-11-11",
    "source_file": SOURCE_RELATIVE,
    "note": (
        "code, status and date are printed on the PDF's cover page ('Utgave 11.11.2014 til "
        "ekstern høring', IS-2211), which the text file does not contain. This is the "
        "hearing draft: the text says it is incomplete until after the external hearing "
        "(lines 1, 18) and the hearing period is left blank (line 796)."
    ),
}

# Where a block of recommendations sits under a subsection only because the PDF has no
# heading between them, the block is attached to the section it belongs to. Keyed by the
# line of the block's "Anbefalinger" heading.
# - G 3414: the block recommends FAST, CAGE, AUDIT and CIWA-Ar. It follows the last
#   instrument description (7.3.11 SOWS, G 3368) and a "Vurdering" (G 3376-3408) that
#   compares all the instruments of 7.3; it is 7.3's block, not SOWS's.
BLOCK_SECTION_OVERRIDES: dict[int, str] = {3414: "7.3"}


# --------------------------------------------------------------------------- lines and noise

_BLANK = re.compile(r"^\s*$")
_FOOTER = re.compile(r"^\s*Nasjonal faglig retningslinje for avrusning \d+\s*$")
_EDITORIAL_NOTE = re.compile(r"^\s*Merknad \[[^\]]*\]:")
_PLACEHOLDER = re.compile(r"^\s*(?:\d+\s+)?\[(?:OVERSKRIFT|Overskrift)\]\s*$")
# A hyperlink target emitted by the PDF: a bare URL with no trailing space. Printed URLs in
# running text end with a space like every other printed line (e.g. G 3236).
_LINK_TARGET = re.compile(r"^(?:https?://|mailto:)\S+$")


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the source file; ``number`` is 1-based."""

    number: int
    text: str


def split_lines(source: str) -> list[Line]:
    return [Line(number, text) for number, text in enumerate(source.splitlines(), start=1)]


def is_footer(text: str) -> bool:
    return bool(_FOOTER.match(text))


def is_editorial_note(text: str) -> bool:
    return bool(_EDITORIAL_NOTE.match(text))


def is_link_target(text: str) -> bool:
    return bool(_LINK_TARGET.match(text))


def is_noise(text: str) -> bool:
    """True for lines that are not part of the published text (blank lines included)."""
    return bool(
        _BLANK.match(text)
        or is_footer(text)
        or is_editorial_note(text)
        or _PLACEHOLDER.match(text)
        or is_link_target(text)
    )


def normalise_whitespace(text: str) -> str:
    return " ".join(text.split())


def remove_footers_and_notes(source: str) -> str:
    """The source without page footers and editorial notes, whitespace-normalised.

    Used to check that extracted text appears in the source as published.
    """
    kept = (
        line for line in source.splitlines() if not (is_footer(line) or is_editorial_note(line))
    )
    return normalise_whitespace(" ".join(kept))


def join_lines(parts: Iterable[str]) -> str:
    """Join wrapped lines of one paragraph. Words are never re-joined across lines: in the
    recommendations no word is hyphenated at a line end, and a trailing hyphen elsewhere is as
    often a real one ("rus- og avhengighet") as a break."""
    return normalise_whitespace(" ".join(parts))


# --------------------------------------------------------------------------- headings

_SECTION_NUMBER = r"\d{1,2}(?:\.\d{1,2}){1,2}"
_SECTION_TITLE_FIRST = re.compile(rf"^\s*(?P<title>\S.*?)\s+(?P<number>{_SECTION_NUMBER})\s*$")
_SECTION_NUMBER_FIRST = re.compile(
    rf"^\s*(?P<number>{_SECTION_NUMBER})\s+(?P<title>[A-ZÆØÅ].*?)\s*$"
)
_UPPER = r"A-ZÆØÅ"
_CHAPTER = re.compile(
    rf"^\s*(?P<number>\d{{1,2}})\s+(?P<title>[{_UPPER}][{_UPPER} ,\-–/()]*[{_UPPER}])\s*$"
)
_CHAPTER_CONTINUATION = re.compile(rf"^\s*(?P<title>[/{_UPPER}][{_UPPER} ,\-–/()]*[{_UPPER}])\s*$")


@dataclass(frozen=True, slots=True)
class Chapter:
    """``line_start`` is where the chapter begins: its first section heading or its title,
    whichever comes first. The PDF extraction prints every chapter title after the chapter's
    first section heading (chapter 8's title at G 3559, section 8.1 at G 3533), so the title's
    own line is kept apart as ``title_line``."""

    number: str
    title: str
    line_start: int
    title_line: int


@dataclass(frozen=True, slots=True)
class Section:
    number: str
    chapter: str
    title: str
    line_start: int


def parse_section_heading(text: str) -> tuple[str, str] | None:
    """``(number, title)`` for "Title 3.3" or "3.2.1 Title", else None."""
    match = _SECTION_TITLE_FIRST.match(text) or _SECTION_NUMBER_FIRST.match(text)
    if match is None:
        return None
    return match["number"], normalise_whitespace(match["title"])


def find_chapters(lines: Sequence[Line]) -> list[Chapter]:
    """Upper-case chapter titles ("9 AVRUSNING FRA" + "BENZODIAZEPINER", G 4403-4405)."""
    chapters: list[Chapter] = []
    for index, line in enumerate(lines):
        match = _CHAPTER.match(line.text)
        if match is None:
            continue
        title = match["title"]
        following = _next_content(lines, index + 1)
        if following is not None:
            continuation = _CHAPTER_CONTINUATION.match(following.text)
            if continuation is not None and not _CHAPTER.match(following.text):
                title = f"{title} {continuation['title']}"
        chapters.append(
            Chapter(match["number"], normalise_whitespace(title), line.number, line.number)
        )
    return chapters


def with_section_starts(chapters: Sequence[Chapter], sections: Sequence[Section]) -> list[Chapter]:
    """Move each chapter's ``line_start`` up to its first section heading if that comes first.

    Chapter 12 has no sections: its start stays at its title (G 5671), although its text
    begins with the "Bakgrunn" at G 5615, which carries no chapter marker."""
    firsts: dict[str, int] = {}
    for section in sections:
        firsts[section.chapter] = min(
            firsts.get(section.chapter, section.line_start), section.line_start
        )
    return [
        dataclasses.replace(
            chapter,
            line_start=min(chapter.title_line, firsts.get(chapter.number, chapter.title_line)),
        )
        for chapter in chapters
    ]


def find_sections(lines: Sequence[Line]) -> list[Section]:
    sections: list[Section] = []
    for line in lines:
        heading = parse_section_heading(line.text)
        if heading is not None:
            number, title = heading
            sections.append(Section(number, number.split(".")[0], title, line.number))
    return sections


def _next_content(lines: Sequence[Line], start: int) -> Line | None:
    for line in lines[start:]:
        if not is_noise(line.text):
            return line
    return None


def _in_guideline(number: str) -> bool:
    return 1 <= int(number.split(".")[0]) <= LAST_CHAPTER


# --------------------------------------------------------------------------- grades and modals

_GRADE_START = re.compile(r"^\s*(?P<grade>[ABCD])\s+(?P<text>\S.*)$")
_QUOTED_WORD = re.compile(r"[”\"“](?P<word>[A-Za-zæøåÆØÅ]+)[”\"“]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ”\"“])")


@dataclass(frozen=True, slots=True)
class GradeDefinition:
    grade: Grade
    title: str | None
    definition: str
    line_start: int
    line_end: int


@dataclass(frozen=True, slots=True)
class ModalDefinition:
    word: str
    meaning: str
    line_start: int
    line_end: int


def _section_lines(lines: Sequence[Line], number: str) -> list[Line]:
    """The content lines of a section, up to the next heading of any level."""
    start = next(i for i, line in enumerate(lines) if _heading_number(line.text) == number)
    body: list[Line] = []
    for line in lines[start + 1 :]:
        if _heading_number(line.text) is not None or _CHAPTER.match(line.text):
            break
        if not is_noise(line.text):
            body.append(line)
    return body


def _heading_number(text: str) -> str | None:
    heading = parse_section_heading(text)
    return heading[0] if heading else None


def parse_grades(lines: Sequence[Line]) -> list[GradeDefinition]:
    """The SIGN grades A-D as defined in 2.11 (G 740-782).

    The table has no column of titles; only D opens with a short label ("Gode råd for
    praksis."), so ``title`` is that label for D and None for A-C. ``definition`` is the
    whole published cell, label included.
    """
    grades: list[GradeDefinition] = []
    current: tuple[Grade, list[Line]] | None = None
    for line in _section_lines(lines, "2.11"):
        match = _GRADE_START.match(line.text)
        if match is not None:
            if current is not None:
                grades.append(_grade_definition(*current))
            current = (_as_grade(match["grade"]), [line])
        elif current is not None:
            current[1].append(line)
    if current is not None:
        grades.append(_grade_definition(*current))
    return grades


def _grade_definition(grade: Grade, cell: list[Line]) -> GradeDefinition:
    first = _GRADE_START.match(cell[0].text)
    assert first is not None  # noqa: S101 - the caller matched it
    definition = join_lines([first["text"], *(line.text for line in cell[1:])])
    first_sentence = _SENTENCE_END.split(definition)[0]
    # A label, not a sentence: "Gode råd for praksis." (D); the others open with a clause.
    title = first_sentence.rstrip(".") if len(first_sentence.split()) <= 4 else None
    return GradeDefinition(grade, title, definition, cell[0].number, cell[-1].number)


def _as_grade(letter: str) -> Grade:
    if letter == "A":
        return "A"
    if letter == "B":
        return "B"
    if letter == "C":
        return "C"
    if letter == "D":
        return "D"
    raise ValueError(letter)


def parse_modals(lines: Sequence[Line]) -> list[ModalDefinition]:
    """What "skal", "bør" and "kan" mean, sentence by sentence from 2.13 (G 797-811).

    A sentence belongs to the first quoted word in it: "”Skal” kan brukes som et alternativ
    til ”bør” ..." explains "skal". The closing sentences (not legally binding; document
    deviations) quote no word and apply to all three, so they belong to none.
    """
    body = _section_lines(lines, "2.13")
    text, offsets = _joined_with_offsets(body)
    sentences: dict[str, list[tuple[str, int, int]]] = {}
    position = 0
    for sentence in _SENTENCE_END.split(text):
        start = text.index(sentence, position)
        position = start + len(sentence)
        quoted = _QUOTED_WORD.search(sentence)
        if quoted is None:
            continue
        word = quoted["word"].lower()
        sentences.setdefault(word, []).append(
            (sentence, _line_at(offsets, start), _line_at(offsets, position - 1))
        )
    return [
        ModalDefinition(
            word,
            " ".join(sentence for sentence, _, _ in found),
            min(first for _, first, _ in found),
            max(last for _, _, last in found),
        )
        for word, found in sentences.items()
    ]


def _joined_with_offsets(body: Sequence[Line]) -> tuple[str, list[tuple[int, int]]]:
    """Join lines with single spaces; remember where each line starts in the result."""
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    length = 0
    for line in body:
        part = normalise_whitespace(line.text)
        if not part:
            continue
        if parts:
            length += 1
        offsets.append((length, line.number))
        parts.append(part)
        length += len(part)
    return " ".join(parts), offsets


def _line_at(offsets: Sequence[tuple[int, int]], position: int) -> int:
    number = offsets[0][1]
    for start, line_number in offsets:
        if start > position:
            break
        number = line_number
    return number


# --------------------------------------------------------------------------- recommendations

_BLOCK_HEADING = re.compile(r"^\s*Anbefaling(?:er)?:?\s*$")
_SUBHEADING = re.compile(r"^\s*(?:Bakgrunn|Vurdering)\s*$")
_NUMBERED = re.compile(r"^\s*(?P<number>\d{1,2})\.\s+(?P<text>\S.*?)\s*$")
_BULLET = re.compile(r"^\s*(?:[•\uf0b7]|-(?=\s|$))\s*(?P<text>.*?)\s*$")
_SUB_BULLET = re.compile(r"^\s*o\s+(?P<text>\S.*?)\s*$")
_LETTERED = re.compile(r"^\s*[a-z]\.\s+(?P<text>\S.*?)\s*$")
_GRADE_ONLY = re.compile(r"^\s*(?P<grade>[ABCD])\s*$")
_TRAILING_GRADE = re.compile(r"^(?P<text>.*\S)\s+(?P<grade>[ABCD])\s*$")

# A wrapped line follows the line it continues directly or after one blank line (the
# extraction double-spaces lines); a new paragraph is further away.
_WRAP_GAP = 2

TokenKind = Literal["numbered", "bullet", "sub_bullet", "grade", "text"]


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    line: int
    text: str
    number: int = 0


@dataclass(frozen=True, slots=True)
class Item:
    text: str
    items: tuple[Item, ...] = ()


@dataclass(frozen=True, slots=True)
class Recommendation:
    ref: str
    chapter: str
    section: str
    block: int
    number: int
    grade: Grade | None
    modal: Modal | None
    lead_in: str | None
    text: str
    items: tuple[Item, ...]
    line_start: int
    line_end: int


def classify(text: str) -> Token | None:
    """Classify one line of a recommendation block (line number 0; see :func:`tokenize`).

    "•" and the Symbol-font bullet "\\uf0b7" (and "a.", "b." letters) open an item; "o" opens a
    sub-item of the item above. Returns None for noise.
    """
    if is_noise(text):
        return None
    if match := _NUMBERED.match(text):
        return Token("numbered", 0, match["text"], int(match["number"]))
    if match := _GRADE_ONLY.match(text):
        return Token("grade", 0, match["grade"])
    if match := _SUB_BULLET.match(text):
        return Token("sub_bullet", 0, match["text"])
    if match := _BULLET.match(text):
        return Token("bullet", 0, match["text"])
    if match := _LETTERED.match(text):
        return Token("bullet", 0, match["text"])
    return Token("text", 0, normalise_whitespace(text))


def tokenize(lines: Iterable[Line]) -> list[Token]:
    tokens: list[Token] = []
    for line in lines:
        token = classify(line.text)
        if token is not None:
            tokens.append(dataclasses.replace(token, line=line.number))
    return tokens


def split_trailing_grade(text: str) -> tuple[str, Grade | None]:
    """Split "... ved behov  C" into ("... ved behov", "C").

    Only for statement lines: no statement in the guideline ends in a free-standing capital
    A-D other than its grade."""
    match = _TRAILING_GRADE.match(text)
    if match is None:
        return text, None
    return match["text"], _as_grade(match["grade"])


_MODAL = re.compile(r"(?<!\w)(?P<modal>skal|bør|kan|må)(?!\w)", re.IGNORECASE)
# "som skal avruses", "som ikke kan gi rus": a modal in a relative clause is not the directive.
_RELATIVE_CLAUSE_END = re.compile(r"(?<!\w)som(?:\s+ikke)?\s+$", re.IGNORECASE)


def detect_modal(*texts: str | None) -> Modal | None:
    """The directive verb: the first skal/bør/kan/må in the given texts (lead-in first, then
    the statement), skipping relative clauses: in "Pasienter som skal avruses fra GHB bør
    innlegges" (11.2-1) the directive is "bør"."""
    for text in texts:
        for found in _MODAL.finditer(text or ""):
            if not _RELATIVE_CLAUSE_END.search(text or "", 0, found.start()):
                return _as_modal(found["modal"].lower())
    return None


def _as_modal(word: str) -> Modal:
    for modal in MODAL_WORDS:
        if modal == word:
            return modal
    raise ValueError(word)


@dataclass(slots=True)
class _ItemBuilder:
    parts: list[str]
    children: list[_ItemBuilder] = dataclasses.field(default_factory=list)

    def build(self) -> Item:
        return Item(join_lines(self.parts), tuple(child.build() for child in self.children))


@dataclass(slots=True)
class _RecommendationBuilder:
    number: int
    lead_in: str | None
    statement: list[str]
    line_start: int
    line_end: int
    grade: Grade | None = None
    items: list[_ItemBuilder] = dataclasses.field(default_factory=list)
    # The item that a wrapped text line continues: the last item or sub-item.
    open_item: _ItemBuilder | None = None

    def add_statement(self, token: Token) -> None:
        text, grade = split_trailing_grade(token.text)
        if grade is not None:
            self.set_grade(grade, token.line)
        self.statement.append(text)
        self.line_end = token.line

    def set_grade(self, grade: Grade, line: int) -> None:
        if self.grade is not None:
            raise ValueError(f"line {line}: second grade for recommendation {self.number}")
        self.grade = grade
        self.line_end = line

    def add_item(self, token: Token) -> None:
        if not token.text:  # an empty bullet ("•", G 2556) carries nothing
            return
        item = _ItemBuilder([token.text])
        if token.kind == "sub_bullet":
            if not self.items:
                raise ValueError(f"line {token.line}: sub-item without an item above it")
            self.items[-1].children.append(item)
        else:
            self.items.append(item)
        self.open_item = item
        self.line_end = token.line

    def continue_item(self, token: Token) -> None:
        assert self.open_item is not None  # noqa: S101 - only called when items exist
        self.open_item.parts.append(token.text)
        self.line_end = token.line


@dataclass(frozen=True, slots=True)
class Block:
    """One "Anbefalinger" block: the recommendations and the line it is headed by."""

    heading_line: int
    section: str
    recommendations: tuple[RecommendationDraft, ...]


@dataclass(frozen=True, slots=True)
class RecommendationDraft:
    number: int
    grade: Grade | None
    lead_in: str | None
    text: str
    items: tuple[Item, ...]
    line_start: int
    line_end: int


def parse_block(tokens: Sequence[Token]) -> list[RecommendationDraft]:
    """Parse the tokens after an "Anbefalinger" heading into numbered recommendations.

    A recommendation is its numbered statement (wrapped lines included), its grade, and the
    items (bullets, lettered points, "o" sub-items) that follow. Text after the grade is:
    - more statement if it is a paragraph ending in ":" that introduces items ("Følgende
      forhold bør vektlegges i vurderingen:", G 1437);
    - a lead-in shared by the next recommendations if it ends in ":" and a numbered
      recommendation follows ("Behovet for akutt intervensjon i TSB bør vurderes når:",
      G 1429, completed by 4.2 items 3-7);
    - otherwise the end of the block (running text resumes, e.g. G 4695 after 9.4-2).
    Text after an item continues that item if it is the item's wrapped line; further away it
    is running text and ends the block.
    """
    drafts: list[RecommendationDraft] = []
    current: _RecommendationBuilder | None = None
    lead_in: str | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "numbered":
            if current is not None:
                drafts.append(_finish(current))
            expected = len(drafts) + 1
            if token.number != expected:
                raise ValueError(f"line {token.line}: expected item {expected}, got {token}")
            current = _RecommendationBuilder(token.number, lead_in, [], token.line, token.line)
            current.add_statement(token)
        elif current is None:
            raise ValueError(f"line {token.line}: block does not start with item 1: {token}")
        elif token.kind == "grade":
            current.set_grade(_as_grade(token.text), token.line)
        elif token.kind in ("bullet", "sub_bullet"):
            current.add_item(token)
        elif current.open_item is not None:
            if token.line - current.line_end > _WRAP_GAP:
                break  # running text after the last item (G 2597 after 6.2.2-2)
            current.continue_item(token)  # a wrapped bullet line
        elif current.grade is None:
            current.add_statement(token)  # a wrapped statement line
        else:
            paragraph_end = _paragraph_end(tokens, index)
            paragraph = tokens[index:paragraph_end]
            text = join_lines(t.text for t in paragraph)
            following = tokens[paragraph_end] if paragraph_end < len(tokens) else None
            if text.endswith(":") and following is not None and following.kind == "bullet":
                for part in paragraph:
                    current.add_statement(part)
            elif text.endswith(":") and following is not None and following.kind == "numbered":
                lead_in = text
            else:
                break
            index = paragraph_end
            continue
        index += 1
    if current is not None:
        drafts.append(_finish(current))
    return drafts


def _paragraph_end(tokens: Sequence[Token], start: int) -> int:
    end = start
    while end < len(tokens) and tokens[end].kind == "text":
        end += 1
    return end


def _finish(builder: _RecommendationBuilder) -> RecommendationDraft:
    return RecommendationDraft(
        number=builder.number,
        grade=builder.grade,
        lead_in=builder.lead_in,
        text=join_lines(builder.statement),
        items=tuple(item.build() for item in builder.items),
        line_start=builder.line_start,
        line_end=builder.line_end,
    )


def _block_body(lines: Sequence[Line], heading_index: int) -> list[Line]:
    """Lines after a block heading, up to the next heading, block or Bakgrunn/Vurdering."""
    body: list[Line] = []
    for line in lines[heading_index + 1 :]:
        if (
            parse_section_heading(line.text) is not None
            or _CHAPTER.match(line.text)
            or _BLOCK_HEADING.match(line.text)
            or _SUBHEADING.match(line.text)
        ):
            break
        body.append(line)
    return body


def find_blocks(lines: Sequence[Line]) -> list[Block]:
    """Every "Anbefalinger" block of chapters 1-13, with the section it belongs to.

    The section is the last heading above the block. A chapter title counts only when it
    opens a *new* chapter: the PDF often prints a chapter's title after its first sections
    ("6 GENERELT OM AVRUSNING" at G 1931 follows 6.1.1 at G 1873), and then it must not
    detach the blocks of 6.1.1 from their section. Chapter 12 has no sections; its block
    belongs to "12".
    """
    blocks: list[Block] = []
    current_section: str | None = None
    for index, line in enumerate(lines):
        chapter = _CHAPTER.match(line.text)
        heading = parse_section_heading(line.text)
        if chapter is not None:
            if current_section is None or int(chapter["number"]) > _chapter_of(current_section):
                current_section = chapter["number"]
        elif heading is not None:
            current_section = heading[0]
        elif _BLOCK_HEADING.match(line.text):
            if current_section is None:
                raise ValueError(f"line {line.number}: recommendations before any heading")
            if not _in_guideline(current_section):
                continue
            section = BLOCK_SECTION_OVERRIDES.get(line.number, current_section)
            drafts = parse_block(tokenize(_block_body(lines, index)))
            blocks.append(Block(line.number, section, tuple(drafts)))
    return blocks


def _chapter_of(section: str) -> int:
    return int(section.split(".")[0])


def recommendations_from_blocks(blocks: Sequence[Block]) -> list[Recommendation]:
    """Number the blocks within each section and give every recommendation its reference.

    The first block of a section gives "8.4.3-2"; a second block in the same section (only
    6.2.2: sleep assessment, then sleep medication) gives "6.2.2-B1", "6.2.2-B2", ...
    """
    seen: dict[str, int] = {}
    result: list[Recommendation] = []
    for block in blocks:
        seen[block.section] = seen.get(block.section, 0) + 1
        block_number = seen[block.section]
        if block_number > 2:
            raise ValueError(f"section {block.section} has more than two blocks")
        prefix = "" if block_number == 1 else "B"
        for draft in block.recommendations:
            result.append(
                Recommendation(
                    ref=f"{block.section}-{prefix}{draft.number}",
                    chapter=block.section.split(".")[0],
                    section=block.section,
                    block=block_number,
                    number=draft.number,
                    grade=draft.grade,
                    modal=detect_modal(draft.lead_in, draft.text),
                    lead_in=draft.lead_in,
                    text=draft.text,
                    items=draft.items,
                    line_start=draft.line_start,
                    line_end=draft.line_end,
                )
            )
    return result


# --------------------------------------------------------------------------- guideline document


def extract_guideline(source: str) -> dict[str, Any]:
    """The whole guideline as a JSON-ready dict (see ``guidelines/data/guideline.json``)."""
    lines = split_lines(source)
    sections = [s for s in find_sections(lines) if _in_guideline(s.number)]
    chapters = with_section_starts(
        [c for c in find_chapters(lines) if _in_guideline(c.number)], sections
    )
    recommendations = recommendations_from_blocks(find_blocks(lines))
    return {
        "edition": dict(EDITION),
        "grades": [dataclasses.asdict(grade) for grade in parse_grades(lines)],
        "modals": [dataclasses.asdict(modal) for modal in parse_modals(lines)],
        "chapters": [dataclasses.asdict(chapter) for chapter in chapters],
        "sections": [dataclasses.asdict(section) for section in sections],
        "recommendations": [_recommendation_json(rec) for rec in recommendations],
    }


def _recommendation_json(recommendation: Recommendation) -> dict[str, Any]:
    data = dataclasses.asdict(recommendation)
    data["items"] = [_item_json(item) for item in recommendation.items]
    return data


def _item_json(item: Item) -> dict[str, Any]:
    return {"text": item.text, "items": [_item_json(child) for child in item.items]}


# --------------------------------------------------------------------------- detox units (14.1)

_REGION_HEADING = re.compile(r"^\s*14\.1\.\d+ Oversikt over avrusningsenheter - (?P<name>.+?)\s*$")
_INLINE_FIELD = re.compile(
    r"^\s*(?P<label>Eier|Adresse|Telefon|Internett|Kontaktperson/e-post):\s*(?P<value>.*?)\s*$"
)
_LIST_FIELD = re.compile(
    r"^\s*(?P<label>Type avdeling|Poliklinisk avrusning|Type pasienter|Type rusmidler)"
    r"(?: \(hovedtyngde\))?:\s*$"
)
_BEDS = re.compile(r"(?P<count>\d+)\s+(?:senger|avgiftningsplasser)")
_HEALTH_TRUST = re.compile(r"(?:\bHF|sykehus)$", re.IGNORECASE)

# The appendix lists units under the regions of the 2011 survey. Helse Øst and Helse Sør
# had merged into Helse Sør-Øst (2.5 counts "tolv i Helse Sør-Øst", G 647); "Andre" are
# private units with no region in the text, placed by their address (all in Oslo, Akershus
# or Vestfold, i.e. Helse Sør-Øst's area).
REGIONS: dict[str, str] = {
    "Helse Nord": "Helse Nord",
    "Helse Midt": "Helse Midt",
    "Helse Vest": "Helse Vest",
    "Helse Øst": "Helse Sør-Øst",
    "Helse Sør": "Helse Sør-Øst",
    "Andre": "Helse Sør-Øst",
}
INFERRED_REGIONS = frozenset({"Andre"})

# Which "Type pasienter" answer fills which field; matched against the printed label, which
# varies ("Alkoholproblem" / "Alkohol", "Illegale rusmidler" / "Illegale stoffer").
_PATIENT_FIELDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Alkohol"), "accepts_alcohol"),
    (re.compile(r"^Illegale"), "accepts_illegal_drugs"),
    (re.compile(r"^Legemiddel"), "accepts_medication_dependence"),
    (re.compile(r"^Gravide"), "accepts_pregnant"),
    (re.compile(r"^Øyeblikkelig"), "emergency_admission"),
    (re.compile(r"10-2"), "coercion_10_2_10_3"),
    (re.compile(r"10-4"), "coercion_10_4"),
)
BOOLEAN_FIELDS = (
    "outpatient_detox",
    *(field for _, field in _PATIENT_FIELDS),
)

DETOX_SOURCE_NOTE = (
    "Helsedirektoratet's survey of the detox units in TSB (section 2.5, lines 645-653: winter/"
    "spring 2011, compiled autumn 2013, unit details updated January 2014; the appendix tables "
    "say 2011-2012, lines 6018, 6073). The appendix lists 25 unit profiles (lines 6227-7758); "
    "section 2.5 counts 24 units and table 14.1 counts 26. region: the profiles are listed "
    "under Helse Nord, Helse Midt, Helse Vest, Helse Øst, Helse Sør and Andre (listed_under); "
    "Helse Øst and Helse Sør are Helse Sør-Øst as section 2.5 names it, and the four private "
    "'Andre' units are placed in Helse Sør-Øst by their address (an inference, said in their "
    "notes). Yes/no fields: an answer starting 'Ja' is true, 'Nei' or 'Ikke' false, "
    "'Sjelden', 'Meget sjelden' or 'Kun unntaksvis' (accepted, rarely) true, and anything "
    "else null; whenever the printed answer is more than a bare Ja/Nei it is kept in notes. "
    "beds: the beds or places the profile gives for its detox post, null when none is given. "
    "health_trust: the HF named as owner or in the unit's name, null for private owners. "
    "Contact data are as published in 2014 and may be out of date."
)


@dataclass(frozen=True, slots=True)
class DetoxUnit:
    slug: str
    name: str
    region: str
    listed_under: str
    owner: str | None
    health_trust: str | None
    address: str | None
    phone: str | None
    email: str | None
    web: str | None
    department_types: tuple[str, ...]
    outpatient_detox: bool | None
    accepts_alcohol: bool | None
    accepts_illegal_drugs: bool | None
    accepts_medication_dependence: bool | None
    accepts_pregnant: bool | None
    emergency_admission: bool | None
    coercion_10_2_10_3: bool | None
    coercion_10_4: bool | None
    main_substances: str | None
    beds: int | None
    notes: str | None
    line_start: int
    line_end: int


def answer_to_bool(answer: str) -> bool | None:
    """A unit's printed answer as yes/no; None when it is neither."""
    folded = answer.strip().lower()
    if folded.startswith("ja"):
        return True
    if folded.startswith(("nei", "ikke")):
        return False
    # "Sjelden, da kun gravide", "Meget sjelden", "Kun unntaksvis – frivillige innleggelser":
    # the unit does take such patients, rarely. Table 14.1 counts them so (G 6129, 6141).
    if folded.startswith(("sjelden", "meget sjelden", "kun unntaksvis")):
        return True
    return None


def slugify(name: str) -> str:
    folded = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    ascii_only = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")


def _unit_region_lines(lines: Sequence[Line]) -> list[tuple[str, list[Line]]]:
    """The appendix 14.1.3-14.1.8, as (region heading, its content lines)."""
    regions: list[tuple[str, list[Line]]] = []
    for line in lines:
        match = _REGION_HEADING.match(line.text)
        if match is not None:
            regions.append((match["name"], []))
        elif regions and parse_section_heading(line.text) is not None:
            break  # 14.2, the prisons
        elif regions and not is_noise(line.text):
            regions[-1][1].append(line)
    return regions


def _split_units(content: Sequence[Line]) -> list[list[Line]]:
    """A region's lines, one list per unit. A unit opens with its name: the lines just above
    its "Eier:" line that are at most two source lines apart (the name may wrap, G 7274-7276);
    the previous unit's last line is further up (at least five lines)."""
    owner_indexes = [i for i, line in enumerate(content) if line.text.lstrip().startswith("Eier:")]
    starts: list[int] = []
    for owner_index in owner_indexes:
        start = owner_index - 1
        while start > 0 and content[start].number - content[start - 1].number <= 2:
            start -= 1
        starts.append(start)
    if not starts or starts[0] != 0:
        first = content[0].number if content else "?"
        raise ValueError(f"line {first}: text before the first unit of a region")
    ends = [*starts[1:], len(content)]
    return [list(content[start:end]) for start, end in zip(starts, ends, strict=True)]


@dataclass(slots=True)
class _UnitFields:
    inline: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    lists: dict[str, list[list[str]]] = dataclasses.field(default_factory=dict)


def _collect_fields(unit_lines: Sequence[Line]) -> _UnitFields:
    fields = _UnitFields()
    open_inline: list[str] | None = None
    open_list: list[list[str]] | None = None
    for line in unit_lines:
        if match := _INLINE_FIELD.match(line.text):
            open_inline = fields.inline.setdefault(match["label"], [])
            open_inline.append(match["value"])
            open_list = None
        elif match := _LIST_FIELD.match(line.text):
            open_list = fields.lists.setdefault(match["label"], [])
            open_inline = None
        elif open_list is not None:
            token = classify(line.text)
            if token is None:
                continue
            if token.kind in ("bullet", "sub_bullet"):
                open_list.append([token.text])
            elif open_list:
                open_list[-1].append(token.text)  # a wrapped answer
            else:
                open_list.append([token.text])
        elif open_inline is not None:
            open_inline.append(line.text.strip())  # a wrapped address or web address
    return fields


def _inline_value(fields: _UnitFields, label: str, *, separator: str = " ") -> str | None:
    parts = [part.strip() for part in fields.inline.get(label, []) if part.strip()]
    if not parts:
        return None
    return normalise_whitespace(separator.join(parts))


def _list_values(fields: _UnitFields, label: str) -> list[str]:
    values = (join_lines(parts) for parts in fields.lists.get(label, []))
    return [value for value in values if value]


def parse_unit(unit_lines: Sequence[Line], listed_under: str) -> DetoxUnit:
    """One unit profile (name, "Eier:", contact lines, then four bulleted lists)."""
    owner_index = next(
        i for i, line in enumerate(unit_lines) if line.text.lstrip().startswith("Eier:")
    )
    name = join_lines(line.text for line in unit_lines[:owner_index])
    fields = _collect_fields(unit_lines[owner_index:])
    notes: list[str] = []

    answers: dict[str, bool | None] = dict.fromkeys(BOOLEAN_FIELDS)
    outpatient = " ".join(_list_values(fields, "Poliklinisk avrusning")) or None
    if outpatient is not None:
        answers["outpatient_detox"] = answer_to_bool(outpatient)
        _note_answer(notes, "Poliklinisk avrusning", outpatient)
    for entry in _list_values(fields, "Type pasienter"):
        label, _, answer = entry.rpartition(":")
        label, answer = label.strip(), answer.strip()
        field = next((f for pattern, f in _PATIENT_FIELDS if pattern.search(label)), None)
        if field is None:
            raise ValueError(f"{name}: unknown patient type {entry!r}")
        answers[field] = answer_to_bool(answer)
        _note_answer(notes, label, answer)

    departments = _list_values(fields, "Type avdeling")
    substances = _list_values(fields, "Type rusmidler")
    phone = _inline_value(fields, "Telefon")
    if phone is not None and len(re.sub(r"\D", "", phone)) not in (5, 8):
        # Norwegian numbers have 8 digits (5 for some service numbers); "75 12 52 7"
        # (G 6728) has 7 and is kept as printed.
        notes.append(f"Telefon as printed, not a complete number: {phone}")
    if listed_under in INFERRED_REGIONS:
        notes.append(
            f"Listed under '{listed_under}' (private); region {REGIONS[listed_under]} is "
            "inferred from the address, the text names none"
        )
    owner = _inline_value(fields, "Eier")
    return DetoxUnit(
        slug=slugify(name),
        name=name,
        region=REGIONS[listed_under],
        listed_under=listed_under,
        owner=owner,
        health_trust=_health_trust(owner, name),
        address=_inline_value(fields, "Adresse"),
        phone=phone,
        email=_inline_value(fields, "Kontaktperson/e-post"),
        # A web address wrapped over two lines was broken inside the URL (G 6786-6788).
        web=_inline_value(fields, "Internett", separator=""),
        department_types=tuple(departments),
        outpatient_detox=answers["outpatient_detox"],
        accepts_alcohol=answers["accepts_alcohol"],
        accepts_illegal_drugs=answers["accepts_illegal_drugs"],
        accepts_medication_dependence=answers["accepts_medication_dependence"],
        accepts_pregnant=answers["accepts_pregnant"],
        emergency_admission=answers["emergency_admission"],
        coercion_10_2_10_3=answers["coercion_10_2_10_3"],
        coercion_10_4=answers["coercion_10_4"],
        main_substances="; ".join(substances) or None,
        beds=_detox_beds(departments),
        notes=" | ".join(notes) or None,
        line_start=unit_lines[0].number,
        line_end=unit_lines[-1].number,
    )


def _note_answer(notes: list[str], label: str, answer: str) -> None:
    if answer.strip().lower() not in ("ja", "nei"):
        notes.append(f"{label}: {answer}")


def _health_trust(owner: str | None, name: str) -> str | None:
    candidates = [*(owner or "").split(","), *name.split(",")]
    for candidate in (c.strip() for c in candidates):
        if _HEALTH_TRUST.search(candidate):
            return candidate
    return None


def _detox_beds(departments: Sequence[str]) -> int | None:
    """Beds of the detox post: "Avrusningspost med 2 senger", "8 avgiftningsplasser"."""
    for department in departments:
        match = _BEDS.search(department)
        if match is not None and re.search(r"avrusning|avgiftning", department, re.IGNORECASE):
            return int(match["count"])
    return None


def extract_detox_units(source: str) -> dict[str, Any]:
    """The directory of detox units in appendix 14.1 (see ``detox_units.json``)."""
    lines = split_lines(source)
    units = [
        parse_unit(unit_lines, region)
        for region, content in _unit_region_lines(lines)
        for unit_lines in _split_units(content)
    ]
    return {
        "source": {
            "section": "14.1",
            "collected": "2011–2012",
            "updated": "2014-01",
            "note": DETOX_SOURCE_NOTE,
        },
        "units": [dataclasses.asdict(unit) for unit in units],
    }


# --------------------------------------------------------------------------- output


def render_json(data: Any) -> str:
    """The committed format: keys sorted, UTF-8 characters as they are, indent 2."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def iter_outputs(source: str) -> Iterator[tuple[Path, str]]:
    yield GUIDELINE_JSON, render_json(extract_guideline(source))
    yield DETOX_UNITS_JSON, render_json(extract_detox_units(source))


def main() -> None:
    source = SOURCE_PATH.read_text(encoding="utf-8")
    for path, content in iter_outputs(source):
        path.write_text(content, encoding="utf-8")
        print(f"wrote {path.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
