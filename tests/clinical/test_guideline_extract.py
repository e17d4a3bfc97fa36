"""The extractor: it reproduces the shipped data, and its helpers on small inline texts."""

from __future__ import annotations

import pytest

from clinical.guideline import extract
from clinical.guideline.extract import (
    DETOX_UNITS_JSON,
    GUIDELINE_JSON,
    SOURCE_PATH,
    Line,
    Token,
    answer_to_bool,
    classify,
    detect_modal,
    find_blocks,
    find_chapters,
    find_sections,
    is_editorial_note,
    is_footer,
    is_link_target,
    is_noise,
    parse_block,
    parse_section_heading,
    parse_unit,
    recommendations_from_blocks,
    remove_footers_and_notes,
    slugify,
    split_trailing_grade,
    tokenize,
    with_section_starts,
)

BULLET = "\uf0b7"  # the Symbol-font bullet the PDF extraction emits


def _lines(*texts: str, start: int = 1, step: int = 2) -> list[Line]:
    """Source lines double-spaced like the extraction: 1, 3, 5, ..."""
    return [Line(start + index * step, text) for index, text in enumerate(texts)]


def _parse(*texts: str) -> list[extract.RecommendationDraft]:
    return parse_block(tokenize(_lines(*texts)))


# --------------------------------------------------------------------------- shipped data


def test_it_reproduces_guideline_json_exactly() -> None:
    source = SOURCE_PATH.read_text(encoding="utf-8")
    expected = GUIDELINE_JSON.read_text(encoding="utf-8")
    assert extract.render_json(extract.extract_guideline(source)) == expected


def test_it_reproduces_detox_units_json_exactly() -> None:
    source = SOURCE_PATH.read_text(encoding="utf-8")
    expected = DETOX_UNITS_JSON.read_text(encoding="utf-8")
    assert extract.render_json(extract.extract_detox_units(source)) == expected


def test_it_renders_json_with_sorted_keys_unescaped_letters_and_a_final_newline() -> None:
    assert extract.render_json({"b": "ø", "a": 1}) == '{\n  "a": 1,\n  "b": "ø"\n}\n'


# --------------------------------------------------------------------------- noise


@pytest.mark.parametrize(
    "text",
    [
        "Nasjonal faglig retningslinje for avrusning 58 ",
        "Nasjonal faglig retningslinje for avrusning 116",
        "  Nasjonal faglig retningslinje for avrusning 7",
    ],
)
def test_it_recognises_a_page_footer(text: str) -> None:
    assert is_footer(text)


@pytest.mark.parametrize(
    "text",
    [
        "Det henvises til utførlig behandling av temaet i Helsedirektoratets ”Nasjonal faglig "
        "retningslinje for ",
        "Nasjonal faglig retningslinje for avrusning fra rusmidler",
        "Nasjonal faglig retningslinje for avrusning",
    ],
)
def test_it_does_not_take_running_text_for_a_footer(text: str) -> None:
    assert not is_footer(text)


@pytest.mark.parametrize(
    "text",
    [
        "Merknad [gwe5]: Skal i boks ",
        "Merknad [g8]: Settes i tekstboks under ",
        "Merknad [gwe10]: I BOKS ",
    ],
)
def test_it_recognises_an_editorial_note(text: str) -> None:
    assert is_editorial_note(text)


def test_it_does_not_take_the_word_merknad_in_running_text_for_a_note() -> None:
    assert not is_editorial_note("En merknad i teksten ")


@pytest.mark.parametrize("text", ["http://www.sovno.no/", "mailto:post@unn.no"])
def test_it_recognises_a_link_target_the_pdf_emitted_as_a_line(text: str) -> None:
    assert is_link_target(text)


@pytest.mark.parametrize(
    "text",
    [
        "http://www.snakkomrus.no/audit/index.html. ",  # printed: ends with a space
        "Internett: http://www.alfabehandling.no/  ",
        "Se også www.sovno.no. ",
    ],
)
def test_it_keeps_a_printed_web_address(text: str) -> None:
    assert not is_link_target(text)


@pytest.mark.parametrize("text", ["", "   ", " [OVERSKRIFT] ", "13 [Overskrift] "])
def test_it_treats_blank_lines_and_placeholders_as_noise(text: str) -> None:
    assert is_noise(text)


def test_it_removes_footers_and_notes_and_normalises_whitespace() -> None:
    source = "\n".join(
        [
            "Første  linje ",
            "",
            "Nasjonal faglig retningslinje for avrusning 58 ",
            "Merknad [x]: boks",
            "andre",
        ]
    )
    assert remove_footers_and_notes(source) == "Første linje andre"


# --------------------------------------------------------------------------- headings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Mandat 1.1", ("1.1", "Mandat")),
        (" Akutt rusbehandling – anbefalinger 4.2", ("4.2", "Akutt rusbehandling – anbefalinger")),
        ("3.2.1 Poliklinisk avrusning ", ("3.2.1", "Poliklinisk avrusning")),
        (" 7.3.10 OWS ", ("7.3.10", "OWS")),
        (
            "Internasjonal litteratur om avrusning  1.7",
            ("1.7", "Internasjonal litteratur om avrusning"),
        ),
    ],
)
def test_it_reads_a_section_heading_either_way_round(text: str, expected: tuple[str, str]) -> None:
    assert parse_section_heading(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "14.3 gir en oversikt over andelen nye innsatte, hvor mange som har et definert ",
        "Opiate Withdrawal Scale), se kapitel 7.2.11. ",
        "Nasjonal faglig retningslinje for avrusning 58 ",
        "1. Det bør ved de enkelte HF-ene være et tilbud ",
        "8 AVRUSNING FRA ALKOHOL ",
    ],
)
def test_it_does_not_take_running_text_for_a_section_heading(text: str) -> None:
    assert parse_section_heading(text) is None


def test_it_joins_a_chapter_title_wrapped_over_two_lines() -> None:
    lines = _lines("9 AVRUSNING FRA ", "BENZODIAZEPINER ", " Dette kapitlet gir anbefalinger ")
    assert [(c.number, c.title) for c in find_chapters(lines)] == [
        ("9", "AVRUSNING FRA BENZODIAZEPINER")
    ]


def test_it_does_not_join_running_text_to_a_chapter_title() -> None:
    lines = _lines("12 AVRUSNING AV GRAVIDE ", " om typen og graden av abstinensene ")
    assert [c.title for c in find_chapters(lines)] == ["AVRUSNING AV GRAVIDE"]


@pytest.mark.parametrize("text", ["13 [Overskrift] ", "41 [Overskrift] ", "4 2 2 7 7 4 26 100 % "])
def test_it_does_not_take_placeholders_or_table_rows_for_chapters(text: str) -> None:
    assert find_chapters(_lines(text)) == []


def test_it_starts_a_chapter_at_its_first_section_when_the_title_comes_later() -> None:
    lines = _lines(" Virkningsmekanismer 8.1", "8 AVRUSNING FRA ALKOHOL ", "8.1.1 Grader ")
    (chapter,) = with_section_starts(find_chapters(lines), find_sections(lines))
    assert (chapter.line_start, chapter.title_line) == (1, 3)


def test_it_starts_a_chapter_at_its_title_when_that_comes_first() -> None:
    lines = _lines("12 AVRUSNING AV GRAVIDE ", " Virkningsmekanismer 13.1")
    (chapter,) = with_section_starts(find_chapters(lines), find_sections(lines))
    assert (chapter.line_start, chapter.title_line) == (1, 1)


def test_it_gives_each_section_its_chapter() -> None:
    sections = find_sections(_lines("  Mandat 1.1", "10.4.1 Poliklinisk avrusning "))
    assert [(s.number, s.chapter, s.line_start) for s in sections] == [
        ("1.1", "1", 1),
        ("10.4.1", "10", 3),
    ]


# --------------------------------------------------------------------------- grade letters


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("... ved behov  C ", ("... ved behov", "C")),
        ("skal vurderes i psykisk helsevern  A ", ("skal vurderes i psykisk helsevern", "A")),
        ("Hyppighet av skåring  B ", ("Hyppighet av skåring", "B")),
        (
            "Pasienten bør gis multivitamintabletter D",
            ("Pasienten bør gis multivitamintabletter", "D"),
        ),
    ],
)
def test_it_splits_a_grade_letter_off_the_end_of_a_statement(
    text: str, expected: tuple[str, str]
) -> None:
    assert split_trailing_grade(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "gis vitamin B1",  # a vitamin, not a grade
        "Alvorlighetsgrad E",  # E is no grade
        "hepatitt c",  # lower case
        "CIWA-AR kan benyttes til",
        "C",  # a lone letter is a grade line, not a statement with a grade
    ],
)
def test_it_leaves_a_statement_without_a_trailing_grade_alone(text: str) -> None:
    assert split_trailing_grade(text) == (text, None)


@pytest.mark.parametrize(("text", "grade"), [("C", "C"), ("  B ", "B"), (" A  ", "A"), ("D", "D")])
def test_it_reads_a_grade_alone_on_its_line(text: str, grade: str) -> None:
    assert classify(text) == Token("grade", 0, grade)


@pytest.mark.parametrize("text", ["E", "c", "AB", "C."])
def test_it_does_not_read_other_short_lines_as_grades(text: str) -> None:
    token = classify(text)
    assert token is not None
    assert token.kind != "grade"


# --------------------------------------------------------------------------- line kinds


@pytest.mark.parametrize(
    ("text", "kind", "content"),
    [
        ("1. Det bør gis valproinsyre ", "numbered", "Det bør gis valproinsyre"),
        (" 10. Helseforetaket bør ", "numbered", "Helseforetaket bør"),
        (f"{BULLET} Ikke injeksjonsbruk ", "bullet", "Ikke injeksjonsbruk"),
        ("• Redusere mengden kaffe", "bullet", "Redusere mengden kaffe"),
        ("a. Rusmiddel- og legemiddelforbruket ", "bullet", "Rusmiddel- og legemiddelforbruket"),
        ("o Alvorlige intoksikasjoner", "sub_bullet", "Alvorlige intoksikasjoner"),
        (" o Skader eller sykdom ", "sub_bullet", "Skader eller sykdom"),
        ("med å holde på søvnen? ", "text", "med å holde på søvnen?"),
        ("om vedkommende har selvmordstanker", "text", "om vedkommende har selvmordstanker"),
    ],
)
def test_it_classifies_each_kind_of_line(text: str, kind: str, content: str) -> None:
    token = classify(text)
    assert token is not None
    assert (token.kind, token.text) == (kind, content)


def test_it_numbers_a_numbered_line() -> None:
    token = classify(" 10. Helseforetaket bør ")
    assert token is not None
    assert token.number == 10


def test_it_skips_noise_when_tokenizing_and_keeps_line_numbers() -> None:
    lines = [Line(1, "1. Tekst C"), Line(2, ""), Line(3, "Merknad [a]: boks"), Line(4, "o Under")]
    assert [(t.kind, t.line) for t in tokenize(lines)] == [("numbered", 1), ("sub_bullet", 4)]


# --------------------------------------------------------------------------- recommendation blocks


def test_it_reads_a_numbered_statement_with_its_grade() -> None:
    (rec,) = _parse(
        "1. Fysisk aktivitet bør tilbys rutinemessig, tilpasset pasientens tilstand  C "
    )
    assert (rec.number, rec.text, rec.grade) == (
        1,
        "Fysisk aktivitet bør tilbys rutinemessig, tilpasset pasientens tilstand",
        "C",
    )


def test_it_joins_a_wrapped_statement_and_takes_the_grade_from_its_own_line() -> None:
    (rec,) = _parse("1. Ved innsettelse bør behovet ", "vurderes umiddelbart ", " C ")
    assert (rec.text, rec.grade) == ("Ved innsettelse bør behovet vurderes umiddelbart", "C")
    assert (rec.line_start, rec.line_end) == (1, 5)


def test_it_leaves_the_grade_null_when_there_is_none() -> None:
    (rec,) = _parse("1. Medikamentell behandling ved ulike CIWA-nivåer: ", f"{BULLET} CIWA over 15")
    assert rec.grade is None


def test_it_nests_o_lines_under_the_bullet_above() -> None:
    (rec,) = _parse(
        "1. Følgende forhold: C",
        f"{BULLET} Endring i forbruk",
        "o Ute av kontroll",
        "o Nye rusmidler",
        f"{BULLET} Kjent avhengighet",
    )
    assert rec.items == (
        extract.Item(
            "Endring i forbruk",
            (extract.Item("Ute av kontroll"), extract.Item("Nye rusmidler")),
        ),
        extract.Item("Kjent avhengighet"),
    )


def test_it_refuses_an_o_line_with_no_bullet_above() -> None:
    with pytest.raises(ValueError, match="sub-item without an item"):
        _parse("1. Følgende forhold: C", "o Ute av kontroll")


def test_it_continues_a_bullet_with_its_wrapped_line() -> None:
    (rec,) = _parse(
        "1. Hyppighet  B", f"{BULLET} Hvis pasienten har CIWA over 10 bør ", "skåring foretas"
    )
    assert rec.items == (extract.Item("Hvis pasienten har CIWA over 10 bør skåring foretas"),)


def test_it_continues_a_sub_item_with_its_wrapped_line() -> None:
    (rec,) = _parse(
        "1. Forhold: C", f"{BULLET} Type", "o Fare for skader som følge av", "manglende søvn"
    )
    assert rec.items[0].items == (extract.Item("Fare for skader som følge av manglende søvn"),)


def test_it_ends_the_block_at_running_text_after_the_last_bullet() -> None:
    lines = [
        Line(1, "1. Prinsipper bør følges:  C"),
        Line(3, f"{BULLET} Unngå søvn på dagtid"),
        Line(5, "som er vanlig."),  # two lines down: the bullet's wrapped line
        Line(11, "Behandling av søvnvansker med legemidler"),  # six lines down: running text
    ]
    (rec,) = parse_block(tokenize(lines))
    assert rec.items == (extract.Item("Unngå søvn på dagtid som er vanlig."),)
    assert rec.line_end == 5


def test_it_drops_an_empty_bullet() -> None:
    (rec,) = _parse("1. Kartlegg:  C", f"{BULLET} Søvn", "•  ")
    assert rec.items == (extract.Item("Søvn"),)


def test_it_keeps_a_paragraph_that_introduces_bullets_in_the_statement() -> None:
    (rec,) = _parse(
        "1. Rusmiddelinntaket utgjør en fare  C ",
        "Følgende forhold bør vektlegges i vurderingen: ",
        f"{BULLET} Type rusmidler",
    )
    assert (
        rec.text
        == "Rusmiddelinntaket utgjør en fare Følgende forhold bør vektlegges i vurderingen:"
    )
    assert rec.items == (extract.Item("Type rusmidler"),)


def test_it_gives_a_lead_in_to_every_following_recommendation() -> None:
    first, second, third = _parse(
        "1. Pasienten bør mottas av spesialist C ",
        "Behovet for akutt intervensjon i TSB bør vurderes når: ",
        "2. Pasienten bruker rusmidler og er gravid  C ",
        "3. Rusmiddelinntaket utgjør en fare  C ",
    )
    assert first.lead_in is None
    assert (
        second.lead_in == third.lead_in == "Behovet for akutt intervensjon i TSB bør vurderes når:"
    )
    assert (first.text, second.text) == (
        "Pasienten bør mottas av spesialist",
        "Pasienten bruker rusmidler og er gravid",
    )


def test_it_ends_the_block_at_a_paragraph_after_the_grade() -> None:
    (rec,) = _parse(
        "1. Karbamazepin og valproinsyre kan brukes i tillegg  D ",
        " Antallet sprøytebrukere ble i Norge i 2005 anslått ",
        "2. Not a recommendation of this block",
    )
    assert rec.text == "Karbamazepin og valproinsyre kan brukes i tillegg"
    assert rec.line_end == 1


def test_it_ends_the_block_at_a_colon_paragraph_followed_by_nothing() -> None:
    (rec,) = _parse("1. Pasienten bør informeres  C ", "Se følgende: ")
    assert rec.text == "Pasienten bør informeres"


def test_it_refuses_a_block_that_skips_a_number() -> None:
    with pytest.raises(ValueError, match="expected item 2"):
        _parse("1. En  C", "3. Tre  C")


def test_it_refuses_a_block_that_does_not_start_with_item_1() -> None:
    with pytest.raises(ValueError, match="does not start with item 1"):
        _parse("Tekst før anbefalingene", "1. En  C")


def test_it_refuses_a_second_grade_for_one_recommendation() -> None:
    with pytest.raises(ValueError, match="second grade"):
        _parse("1. En  C", "B")


# --------------------------------------------------------------------------- blocks and references


def test_it_assigns_a_block_to_the_last_heading_above_it() -> None:
    lines = _lines("8.4.3 Krampeprofylakse ", "Anbefalinger: ", "1. Det bør gis valproinsyre  A ")
    (block,) = find_blocks(lines)
    assert block.section == "8.4.3"


def test_it_ignores_a_chapter_title_printed_after_its_first_section() -> None:
    lines = _lines(
        " Psykososial behandling 6.1",
        "6.1.1 Helhetlig perspektiv på avrusning ",
        "6 GENERELT OM AVRUSNING ",
        "Anbefalinger ",
        "1. Behandlingen bør innrettes  C ",
    )
    (block,) = find_blocks(lines)
    assert block.section == "6.1.1"


def test_it_assigns_a_block_to_a_chapter_without_sections() -> None:
    lines = _lines(
        " Strategi ved avrusning fra flere rusmidler 11.5",
        "12 AVRUSNING AV GRAVIDE ",
        "Anbefalinger ",
        "1. Kvinner bør alltid spørres  C ",
    )
    (block,) = find_blocks(lines)
    assert block.section == "12"


def test_it_ends_a_block_at_a_bakgrunn_heading() -> None:
    lines = _lines(
        " Strategi ved avrusning fra flere rusmidler 11.5",
        "Anbefalinger ",
        "1. Ved avhengighet bør pasienten innlegges.  C ",
        " Bakgrunn ",
        "2. Not part of the block",
    )
    (block,) = find_blocks(lines)
    assert len(block.recommendations) == 1


def test_it_skips_blocks_of_the_appendix() -> None:
    lines = _lines("14.1.1 Innledning ", "Anbefalinger ", "1. En  C ")
    assert find_blocks(lines) == []


def test_it_refers_to_a_second_block_in_a_section_with_b() -> None:
    lines = _lines(
        "6.2.2 Søvnforstyrrelser ",
        "Anbefalinger ",
        "1. Søvnvansker bør kartlegges C ",
        "Anbefalinger: ",
        "1. Ved legemiddelbehandling bør trimipramin forsøkes først  C ",
    )
    recs = recommendations_from_blocks(find_blocks(lines))
    assert [(r.ref, r.block, r.number) for r in recs] == [("6.2.2-1", 1, 1), ("6.2.2-B1", 2, 1)]


def test_it_refuses_a_third_block_in_one_section() -> None:
    lines = _lines("6.2.2 Søvnforstyrrelser ", *(["Anbefalinger ", "1. En  C "] * 3))
    with pytest.raises(ValueError, match="more than two blocks"):
        recommendations_from_blocks(find_blocks(lines))


# --------------------------------------------------------------------------- modal verbs


@pytest.mark.parametrize(
    ("texts", "modal"),
    [
        (("Krampeprofylakse bør tilbys:",), "bør"),
        (("Pasienten skal tas i mot uten unødig opphold",), "skal"),
        (("FAST og CAGE kan benyttes",), "kan"),
        (("Ved innleggelsen må det sikres",), "må"),
        (("Pasienter som skal avruses fra GHB bør innlegges",), "bør"),
        (("preparater som ikke kan gi rus",), None),
        (("Hos de fleste er LAR det beste tilbudet",), None),
        (("Kanskje skalle måke børste",), None),  # words that merely begin like a modal
        (("Behovet bør vurderes når:", "Pasienten bruker rusmidler og er gravid"), "bør"),
        ((None, "Pasienten skal vurderes"), "skal"),
        (("BØR gis",), "bør"),
    ],
)
def test_it_detects_the_directive_verb(texts: tuple[str | None, ...], modal: str | None) -> None:
    assert detect_modal(*texts) == modal


# --------------------------------------------------------------------------- detox units


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Ja", True),
        ("ja", True),
        ("Ja (ikke tvang § 10-3)", True),
        ("Ja, men sjelden", True),
        ("Nei", False),
        ("nei", False),
        ("Nei, i hovedsak ikke", False),
        ("Nei. Gir ikke tilbud om medikamentkrevende avrusning poliklinisk.", False),
        ("Ikke i målgruppe", False),
        ("Ikke planlagt", False),
        ("Sjelden, da kun gravide", True),
        ("Meget sjelden", True),
        ("Kun unntaksvis – frivillige innleggelser.", True),
        ("I egne poliklinikker, ikke knyttet til døgnenheten", None),
        ("", None),
    ],
)
def test_it_reads_a_units_answer_as_yes_no_or_null(answer: str, expected: bool | None) -> None:
    assert answer_to_bool(answer) is expected


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Sigma Nord", "sigma-nord"),
        (
            "Østsiden – senter for utredning og behandling",
            "ostsiden-senter-for-utredning-og-behandling",
        ),
        (
            "ARA, Seksjon for avgiftning og utredning Bærum",
            "ara-seksjon-for-avgiftning-og-utredning-baerum",
        ),
        ("Ålesund Behandlingssenter", "alesund-behandlingssenter"),
        ("Seksjon IR (illegale rusmidler)", "seksjon-ir-illegale-rusmidler"),
    ],
)
def test_it_makes_a_stable_ascii_slug(name: str, slug: str) -> None:
    assert slugify(name) == slug


UNIT = [
    "Salten DPS korttidsenhet rus ",
    "Eier: Helse Nord RHF, Nordlandssykehuset HF ",
    "Adresse: Postboks 1480, ",
    "8092 Bodø ",
    "Telefon: 75 50 17 2 ",
    "Internett: http://www.example.no/rus-og-",
    "avhengighet_/side.aspx  ",
    "Kontaktperson/e-post: postmottak@nlsh.no ",
    "Type avdeling: ",
    f"{BULLET} To enheter ",
    "o Enhet avgiftning, til sammen 30 senger ",
    "Poliklinisk avrusning: ",
    f"{BULLET} Ikke planlagt ",
    "Type pasienter: ",
    f"{BULLET} Alkoholproblem: Ja ",
    f"{BULLET} Illegale stoffer: ja ",
    f"{BULLET} Legemiddelavhengighet: Ja ",
    f"{BULLET} Gravide som skal avruses: Ja, men ",
    "sjelden ",
    f"{BULLET} Øyeblikkelig hjelp: Nei ",
    f"{BULLET} Pasienter etter §§ 10-2 og 10-3: Nei ",
    f"{BULLET} Pasienter etter: § 10-4: Ikke målgruppe ",
    "Type rusmidler (hovedtyngde): ",
    f"{BULLET} Cannabis ",
    f"{BULLET} Opiater ",
]


def _unit(listed_under: str = "Helse Nord") -> extract.DetoxUnit:
    return parse_unit(_lines(*UNIT, start=100), listed_under)


def test_it_reads_a_units_contact_data() -> None:
    unit = _unit()
    assert (unit.name, unit.owner, unit.health_trust) == (
        "Salten DPS korttidsenhet rus",
        "Helse Nord RHF, Nordlandssykehuset HF",
        "Nordlandssykehuset HF",
    )
    assert (unit.address, unit.email) == ("Postboks 1480, 8092 Bodø", "postmottak@nlsh.no")


def test_it_rejoins_a_web_address_broken_over_two_lines_without_a_space() -> None:
    assert _unit().web == "http://www.example.no/rus-og-avhengighet_/side.aspx"


def test_it_reads_every_patient_type_whatever_its_label() -> None:
    unit = _unit()
    assert (
        unit.accepts_alcohol,
        unit.accepts_illegal_drugs,
        unit.accepts_medication_dependence,
        unit.accepts_pregnant,
        unit.emergency_admission,
        unit.coercion_10_2_10_3,
        unit.coercion_10_4,
        unit.outpatient_detox,
    ) == (True, True, True, True, False, False, False, False)


def test_it_keeps_every_answer_that_is_more_than_ja_or_nei_in_the_notes() -> None:
    notes = _unit().notes
    assert notes is not None
    assert "Poliklinisk avrusning: Ikke planlagt" in notes
    assert "Gravide som skal avruses: Ja, men sjelden" in notes
    assert "Pasienter etter: § 10-4: Ikke målgruppe" in notes
    assert "Alkoholproblem" not in notes


def test_it_flags_a_phone_number_with_a_digit_missing() -> None:
    unit = _unit()
    assert unit.phone == "75 50 17 2"
    assert unit.notes is not None
    assert "not a complete number" in unit.notes


def test_it_counts_the_beds_of_the_detox_post() -> None:
    assert _unit().beds == 30


def test_it_lists_department_types_and_main_substances() -> None:
    unit = _unit()
    assert unit.department_types == ("To enheter", "Enhet avgiftning, til sammen 30 senger")
    assert unit.main_substances == "Cannabis; Opiater"


def test_it_maps_the_old_regions_to_helse_sor_ost() -> None:
    assert _unit("Helse Øst").region == _unit("Helse Sør").region == "Helse Sør-Øst"


def test_it_says_when_a_private_units_region_is_inferred() -> None:
    unit = _unit("Andre")
    assert unit.region == "Helse Sør-Øst"
    assert unit.notes is not None
    assert "inferred from the address" in unit.notes


def test_it_cites_the_units_line_span() -> None:
    unit = _unit()
    assert (unit.line_start, unit.line_end) == (100, 100 + 2 * (len(UNIT) - 1))


def test_it_refuses_an_unknown_patient_type() -> None:
    lines = [*UNIT, f"{BULLET} Spilleavhengighet: Ja "]
    lines.insert(lines.index("Type rusmidler (hovedtyngde): "), lines.pop())
    with pytest.raises(ValueError, match="unknown patient type"):
        parse_unit(_lines(*lines), "Helse Nord")
