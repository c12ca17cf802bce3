from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from pipeline.components.sections import SectionTagger
from pipeline.rules import RuleError


@pytest.fixture(scope="module")
def tagger(blank: Language) -> SectionTagger:
    return SectionTagger(blank, "biotab_sections")


def sections(blank: Language, tagger: SectionTagger, text: str) -> list[tuple[str | None, str]]:
    doc = tagger(blank(text))
    return [(s._.section, s.text.strip()) for s in doc.sents]


def test_inline_and_chained_headings(blank: Language, tagger: SectionTagger) -> None:
    text = (
        "Efficacy of lenalidomide in refractory CLE\n"
        "Abstract: Introduction: Cutaneous lupus erythematosus is chronic. It relapses.\n"
        "Abstract: Results: One patient discontinued treatment. Twelve responded. "
        "Conclusion: Lenalidomide appears safe."
    )
    got = sections(blank, tagger, text)
    assert got[0][0] == "Title"
    assert [s for s, _ in got[1:]] == [
        "Background", "Background", "Results", "Results", "Conclusion"
    ]


def test_all_caps_and_standalone_headings(blank: Language, tagger: SectionTagger) -> None:
    text = (
        "OBJECTIVES: To assess the effect of methotrexate in adults with psoriasis.\n"
        "METHODS: We enrolled 40 patients in an open trial.\n"
        "RESULTS\nTwelve patients responded to treatment.\n"
        "PMID: 23217273\n"
    )
    got = sections(blank, tagger, text)
    # Known headings are canonicalized (OBJECTIVES -> Background); a metadata label is not one,
    # and as the document's last line it is back matter
    assert [s for s, _ in got] == ["Background", "Methods", "Results", "Results", None]
    got = sections(blank, tagger, text + "Two relapsed within a year.\n")
    assert [s for s, _ in got][3:] == ["Results", "Results", "Results"]
    doc = sections(blank, tagger, "PRIMARY ENDPOINTS: The rate of complete response at week 12.")
    assert doc[0][0] == "Primary Endpoints"


def test_guideline_headings_of_seed(
    blank: Language, tagger: SectionTagger, seeds_dir: Path
) -> None:
    text = (seeds_dir / "000_9662ce3457697b4f.txt").read_text(encoding="utf-8")
    got = sections(blank, tagger, text)
    assert got[0] == ("Guidelines", "From the Guidelines")
    research = [t for s, t in got if s == "Research"]
    assert research[0] == "From the Research"
    # A title-like line inside the article opens its own section.
    sub = "Disease-Modifying Therapies for Multiple Sclerosis"
    assert (sub, sub) in got
    assert any(s == sub and "fingolimod" in t for s, t in got)


def test_round_trip_and_bad_rules(blank: Language, tagger: SectionTagger, tmp_path: Path) -> None:
    custom = tmp_path / "custom.jsonl"
    custom.write_text('{"section": "Zebra", "variants": ["zebra findings"]}\n', encoding="utf-8")
    words = tmp_path / "words.txt"  # caption words other than the shipped ones
    words.write_text("photograph\nsketch\n", encoding="utf-8")
    SectionTagger(blank, "s", rules_path=str(custom), caption_words_path=str(words)).to_disk(
        tmp_path / "sections")
    words.unlink()
    again = SectionTagger(blank, "s").from_disk(tmp_path / "sections")  # shipped rules first
    saved = (tmp_path / "sections" / "section_caption_words.txt").read_text(encoding="utf-8")
    assert saved.endswith("photograph\nsketch\n") and "image\n" not in saved
    assert again.caption_words == ("photograph", "sketch") != tagger.caption_words
    page = ("Treatment of alopecia\n\nDupilumab was given weekly.\n\nSketch of the scalp after "
            "treatment\n\nHair grew back within nine months.\n")
    assert [s for s, _ in sections(blank, again, page)] == ["Title", None, None, None]
    assert [s for s, _ in sections(blank, tagger, page)][2] == "Sketch of the scalp after treatment"
    text = "Zebra findings: Twelve patients responded. Results: One relapsed."
    assert sections(blank, again, text)[0][0] == "Zebra"
    assert sections(blank, tagger, text)[0][0] != "Zebra"
    # "Results" is no heading of the saved rules: the Zebra section goes on
    assert sections(blank, again, text)[-1][0] == "Zebra"
    assert sections(blank, tagger, text)[-1][0] == "Results"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"section": "Results", "variant": ["results"]}\n', encoding="utf-8")
    with pytest.raises(RuleError, match=r"bad.jsonl:1: missing key 'variants'"):
        SectionTagger(blank, "s", rules_path=str(bad))
    bad.write_text('{"section": "Results", "variants": []}\n', encoding="utf-8")
    with pytest.raises(RuleError, match="non-empty list"):
        SectionTagger(blank, "s", rules_path=str(bad))


def test_seed_front_matter_title_and_back_matter(
    blank: Language, tagger: SectionTagger, seeds_dir: Path
) -> None:
    text = (seeds_dir / "004_f42307a9e4e55ef1.txt").read_text(encoding="utf-8")
    got = sections(blank, tagger, text)
    # the citation counts above the title are in no section; the title labels itself only
    assert got[0] == (None, got[0][1]) and got[0][1].startswith("Web of Science")
    title = "Efficacy and safety of lenalidomide for refractory cutaneous lupus erythematosus"
    assert got[1] == ("Title", title)
    # the author lines are not under the title
    authors = [s for s, t in got if "Hospital Universitari Vall d'Hebron" in t]
    assert len(authors) == 4 and set(authors) == {None}
    conclusion = next(i for i, (s, t) in enumerate(got) if t.startswith("Conclusion:"))
    assert got[conclusion][0] == "Conclusion"
    assert [s for s, _ in got[conclusion - 3 : conclusion]] == ["Results"] * 3
    # the licence (Catalan) and the record page's lines after it are back matter
    assert got[conclusion + 1][1].startswith("Rights:")
    assert {s for s, _ in got[conclusion + 1 :]} == {None}
    assert len(got) - conclusion > 10


def test_licence_at_abstract_end_and_at_page_start(blank: Language, tagger: SectionTagger) -> None:
    abstract = (
        "Lenalidomide in refractory cutaneous lupus\n"
        "BACKGROUND: Thalidomide has proven its efficacy. METHODS: We enrolled 15 patients. "
        "RESULTS: Twelve patients responded. CONCLUSIONS: Lenalidomide appears safe. "
        "Arthritis Res Ther; 14(6); 265-73. Copyright \u00a9 2012 Elsevier Ltd. All rights "
        "reserved."
    )
    got = sections(blank, tagger, abstract)
    assert [s for s, _ in got] == [
        "Title", "Background", "Methods", "Results", "Conclusion", None, None, None
    ]
    # a licence phrase inside a line of prose, with prose after it, is no back matter
    prose = abstract.replace("Twelve patients", "Lenalidomide, licensed under an orphan "
                             "designation, was given. Twelve patients")
    got = sections(blank, tagger, prose.split(" Arthritis")[0])
    assert [s for s, _ in got][3:] == ["Results", "Results", "Conclusion"]
    # a licence line before the body is no back matter: the body after it keeps its sections
    page = (
        "Dupilumab for alopecia areata\n"
        "\u00a9 2020 The Authors. Published under a Creative Commons licence.\n"
        "Results\n"
        "Nine months after starting treatment with dupilumab, the patient grew pigmented hair "
        "on about 60% of her head, and no adverse reactions other than xerophthalmia were noted.\n"
    )
    got = sections(blank, tagger, page)
    assert got[-1][0] == "Results"
    # a licence line followed by a paragraph of prose is not trailing either
    page = page.replace("Results\n", "") + "Results\nShort end.\n"
    assert sections(blank, tagger, page)[-1][0] == "Results"


def test_captions_and_alt_texts_are_no_headings(
    blank: Language, tagger: SectionTagger, seeds_dir: Path
) -> None:
    text = (seeds_dir / "003_ec63e1dfcf8193dd.txt").read_text(encoding="utf-8")
    got = sections(blank, tagger, text)
    assert "My default image" not in {s for s, _ in got}
    # the image's alt text stays in the section it stands in, and so do the sentences after it
    section = "Alopecia due to atopic dermatitis"
    assert ("Alopecia due to atopic dermatitis", "My default image") in got
    after = next(s for s, t in got if t.startswith("Telogen effluvium is a form"))
    assert after == section
    # a link to the site's videos is no heading either; real headings still are
    assert "Watch the most interesting videos on our channel in Youtube" not in {
        s for s, _ in got
    }
    assert "An unexpected effect of dupilumab" in {s for s, _ in got}
    # an "image"/"photo" line in another page
    page = ("Treatment of alopecia\n\nDupilumab was given weekly.\n\nPhotograph of the scalp "
            "after treatment\n\nHair grew back within nine months.\n")
    assert [s for s, _ in sections(blank, tagger, page)] == [
        "Title", None, None, None
    ]
    # a caption word inside a compound is none
    heading = "Video-assisted thoracoscopic surgery"
    got = sections(blank, tagger, page.replace("Photograph of the scalp after treatment", heading))
    assert [s for s, _ in got] == ["Title", None, heading, heading]


def test_web_boilerplate_lines_are_no_headings(
    blank: Language, tagger: SectionTagger, seeds_dir: Path
) -> None:
    from pipeline.ingest.text_title import is_metadata

    text = (seeds_dir / "003_ec63e1dfcf8193dd.txt").read_text(encoding="utf-8")
    got = sections(blank, tagger, text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # the page's furniture and attribution lines, as text_metadata.jsonl's patterns see them
    boilerplate = [line for line in lines[1:] if is_metadata(line)]
    assert "Adapted from Medscape" in boilerplate and "Add a comment" in boilerplate
    names = {s for s, _ in got}
    assert not names & set(boilerplate)
    # they end the page: no section, rather than the article's last one
    assert [s for s, t in got if t in boilerplate] == [None] * len(boilerplate)
    last_prose = next(i for i in range(len(got) - 1, -1, -1) if got[i][1] not in boilerplate)
    assert got[last_prose][0] is not None
    # the article's own headings still head sections
    headings = [line for line in lines[1:] if line in names]
    assert "An unexpected effect of dupilumab" in headings and len(headings) >= 4


def test_boilerplate_line_inside_the_page(blank: Language, tagger: SectionTagger) -> None:
    page = (
        "Dupilumab for alopecia areata\n\n"
        "Results\n\nHair grew back within nine months of weekly dupilumab injections.\n\n"
        "Share this article\n\n"
        "No adverse reactions other than xerophthalmia were noted during the treatment.\n\n"
        "Reprinted with permission from JAMA Dermatology\n"
    )
    got = sections(blank, tagger, page)
    # mid-page furniture heads nothing (the sentences after it stay in Results); the trailing
    # attribution is back matter
    assert [s for s, _ in got] == ["Title", "Results", "Results", "Results", "Results", None]
    # a heading made of the same words, not the whole line, still is one
    got = sections(blank, tagger, page.replace("Share this article", "Share of responders"))
    assert got[3] == ("Share of responders", "Share of responders")


@pytest.mark.parametrize("last_line", [
    "A depth of 30 reads per base was enough to call copy-number changes.",  # a "metric"
    "The response rate matched the phase 3 trials (N Engl J Med 2016;375:2335-48).",  # citation
])
def test_a_last_line_of_prose_holding_a_figure_or_citation_keeps_its_section(
    blank: Language, tagger: SectionTagger, last_line: str
) -> None:
    """Only page furniture (banner, link, credit lines) ends a document as back matter: a
    sentence of the article that a metadata pattern finds something in stays in its section."""
    page = ("Low-pass sequencing of tumour DNA\n\nMethods\nWe sequenced 48 tumours at low depth.\n"
            f"\nConclusion\n{last_line}\n")
    got = sections(blank, tagger, page)
    assert got[-1] == ("Conclusion", last_line)
    # the same page ending with a credit line: that line alone is back matter
    got = sections(blank, tagger, page + "\nAdapted from Medscape\n")
    assert got[-2:] == [("Conclusion", last_line), (None, "Adapted from Medscape")]


@pytest.mark.parametrize("tail", [
    "Published in: Arthritis research & therapy\nVol. 14, Issue 6\n"
    "Arthritis Res Ther. 2012;14(6):R265.\nDOI: 10.1186/ar4111\n",
    "Cancer Prev Res; 9(5); 349-56.\n",
    "Received: 3 May 2015; Accepted: 10 June 2015\n",
    "Web of Science: 51 citations, Scopus: 60 citations\n",
    "PMID: 23217273\n",
])
def test_trailing_metadata_lines_are_back_matter(blank: Language, tagger: SectionTagger,
                                                 tail: str) -> None:
    """Lines about the article that end it (a citation, dates, an identifier: the metadata
    patterns cover part of each, and they hold few lower-case words) are in no section, however
    many sentences a line splits into."""
    body = ("Efficacy of tocilizumab in refractory arthritis\n\nMethods\nWe enrolled 40 patients."
            "\n\nResults\nTwelve patients responded.\n\n")
    got = sections(blank, tagger, body + tail)
    n_tail = sum(1 for s, t in got if t in tail)
    assert n_tail >= tail.count("\n")
    assert [s for s, _ in got[-n_tail:]] == [None] * n_tail
    assert got[-n_tail - 1] == ("Results", "Twelve patients responded.")


def test_old_mac_line_endings_are_read_as_newlines(tmp_path: Path, blank: Language,
                                                   tagger: SectionTagger) -> None:
    """A text file whose lines end in a lone CR (classic Mac OS) got no "Title" section: the
    components look for "\\n". Ingest reads a lone CR as "\\n", one character for one, so the
    offsets are those into the text as written; a CRLF file is kept as it is."""
    from pipeline.documents import Document
    from pipeline.ingest import ingest

    lines = ["Aspirin in migraine: a randomized trial", "", "Background",
             "Migraine is common", "", "Results", "Relief in 52% with aspirin.", ""]
    for name, end in (("lf", "\n"), ("cr", "\r"), ("crlf", "\r\n")):
        (tmp_path / f"{name}.txt").write_bytes(end.join(lines).encode())
    docs = {d.doc_id: d for d in ingest([tmp_path]) if isinstance(d, Document)}
    assert docs["cr"].text == docs["lf"].text
    assert docs["crlf"].text == "\r\n".join(lines)
    assert docs["cr"].title == docs["lf"].title == lines[0]
    expected = sections(blank, tagger, docs["lf"].text)
    assert expected[0] == ("Title", lines[0]) and expected[1] == ("Background", "Background")
    assert sections(blank, tagger, docs["cr"].text) == expected


def test_a_long_run_of_digits_and_commas_costs_linear_time(tagger: SectionTagger) -> None:
    """'1,1,1,...': the metric pattern of the metadata rules ('51 citations') started a number
    again at every digit after a comma, quadratic (11.5 s on 20,000 characters; helper R's
    review). A number now starts only after no word character, comma or point. The run is one
    sentence after a title sentence (the tagger reads each sentence after the title whole;
    biotab_sentences now cuts at 3,000 characters, which hid the quadratic pass: then 0.15 s a
    sentence, linear in their number). The regex's steps cannot be counted: best CPU time of 5
    runs at each size (`cpu_growth`; wall clock measured the shared machine's load), 16x the
    text under 64x the time (quadratic: ~256x)."""
    from collections.abc import Callable

    from cpu_growth import assert_linear_cpu

    from pipeline.nlp import blank_nlp

    nlp = blank_nlp()

    def prepare(chars: int) -> Callable[[], object]:
        doc = nlp.make_doc("A title.\n" + ("1," * chars)[:chars])
        for token in doc:
            token.is_sent_start = token.i in (0, 4)
        assert [s.text for s in doc.sents] == ["A title.\n", doc.text[9:]]
        return lambda: tagger(doc)

    assert_linear_cpu(prepare, 1_250)


def test_a_heading_with_a_character_that_folds_to_ascii(blank: Language,
                                                        tagger: SectionTagger) -> None:  # fmt: skip
    """The case-insensitive heading regex matches "Reſults" ("ſ" is "s" to it), whose lower case
    is no key of the headings table: the heading it is, no KeyError."""
    got = sections(blank, tagger, "Re\u017fults: Twelve of 40 patients responded.")
    assert got[0][0] == "Results"
