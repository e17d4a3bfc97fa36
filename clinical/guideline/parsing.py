"""Chapters, sections, grade and modal definitions and the recommendation blocks of the
guideline text, as plain values (what ``clinical.guideline.extract`` writes to
``guidelines/data/guideline.json``).

Line numbers ("G 970") are 1-based lines of
``guidelines/data/source/retningslinje-avrusning-2014.txt``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from clinical.guideline.lines import (
    Line,
    is_noise,
    join_lines,
    normalise_whitespace,
    split_lines,
)

SOURCE_RELATIVE = "guidelines/data/source/retningslinje-avrusning-2014.txt"


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
