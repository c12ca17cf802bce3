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
    # Known headings are canonicalized (OBJECTIVES -> Background); a metadata label is not one.
    assert [s for s, _ in got] == ["Background", "Methods", "Results", "Results", "Results"]
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
    SectionTagger(blank, "s", rules_path=str(custom)).to_disk(tmp_path / "sections")
    again = SectionTagger(blank, "s").from_disk(tmp_path / "sections")  # shipped rules first
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
