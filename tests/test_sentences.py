"""biotab_sentences gives scispacy's pysbd_sentencizer's boundaries, faster."""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language

from pipeline.components.sentences import SentenceSplitter

TEXTS = [
    "Aldara (imiquimod) should be used with caution, e.g. in MS. Dr. Smith agreed.\n\nNext",
    "Twelve of those patients (86%) achieved complete response (P < 0.001). "
    "Relapse was frequent (75%), i.e. in most, vs. 10% in controls (Fig. 2).",
    "Effects of suprofen on the isolated perfused rat kidney . Although suprofen has been "
    "associated with acute renal failure , the mechanism is unknown . In 12 rats , 0 . 5 mg / kg "
    "was given ( n = 6 ) .",
    "",
]


def boundaries(nlp: Language, text: str) -> list[bool]:
    return [t.is_sent_start for t in nlp(text)]


def test_same_boundaries_as_scispacy(seeds_dir: Path) -> None:
    from pipeline.nlp import blank_nlp

    scispacy = blank_nlp()
    scispacy.add_pipe("pysbd_sentencizer")
    ours = blank_nlp()
    ours.add_pipe("biotab_sentences")
    texts = TEXTS + [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.iterdir())]
    for text in texts:
        assert boundaries(ours, text) == boundaries(scispacy, text), text[:60]
    doc = ours(TEXTS[1])
    assert [s.text for s in doc.sents] == [
        "Twelve of those patients (86%) achieved complete response (P < 0.001).",
        "Relapse was frequent (75%), i.e. in most, vs. 10% in controls (Fig. 2).",
    ]


def test_round_trip(blank: Language, tmp_path: Path) -> None:
    splitter = SentenceSplitter(blank, "s")
    splitter.to_disk(tmp_path / "s")
    again = SentenceSplitter(blank, "s").from_disk(tmp_path / "s")
    assert again.spans("One. Two.") == [(0, 4), (5, 9)]
