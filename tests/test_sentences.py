"""biotab_sentences gives scispacy's pysbd_sentencizer's boundaries, faster."""

from __future__ import annotations

import itertools
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


def _capped(max_chars: int) -> Language:
    from pipeline.nlp import blank_nlp

    nlp = blank_nlp()
    nlp.add_pipe("biotab_sentences", config={"max_sentence_chars": max_chars})
    return nlp


def test_long_sentence_split_at_semicolon_then_comma_then_space(seeds_dir: Path) -> None:
    # seed text with its sentence punctuation removed: one sentence for pysbd
    seed = sorted(seeds_dir.iterdir())[0].read_text(encoding="utf-8")
    words = seed.replace(".", " ").replace("?", " ").replace("!", " ").split()
    text = " ".join(words)
    cap = 200
    doc = _capped(cap)(text)
    sents = list(doc.sents)
    assert len(sents) >= len(text) // cap
    for sent in sents:
        assert len(sent.text) <= cap
        # never inside a token: every sentence starts at a token's start after whitespace
        # or punctuation
        assert sent.start == 0 or text[sent.start_char - 1] in " ;,"
    # with semicolons in reach, every cut falls right after one
    clauses = "; ".join(" ".join(words[i : i + 12]) for i in range(0, len(words), 12))
    doc = _capped(cap)(clauses)
    for sent in list(doc.sents)[:-1]:
        assert sent.text.rstrip().endswith(";"), sent.text[-20:]
        assert len(sent.text) <= cap


def test_cap_keeps_short_sentences_and_long_token(seeds_dir: Path) -> None:
    seed = sorted(seeds_dir.iterdir())[1].read_text(encoding="utf-8")
    uncapped = _capped(10_000)(seed)
    capped = _capped(max(len(s.text) for s in uncapped.sents) + 1)(seed)
    assert [s.start for s in capped.sents] == [s.start for s in uncapped.sents]
    token = "A" * 500
    doc = _capped(100)(f"see {token} and then more words")
    assert [s.text.strip() for s in doc.sents][1] == token


def test_long_text_segmented_in_blocks_with_exact_offsets(seeds_dir: Path) -> None:
    seeds = [p.read_text(encoding="utf-8").strip() for p in sorted(seeds_dir.iterdir())]
    text = "\n\n".join(seeds * 4)
    splitter = SentenceSplitter(_capped(300), "s", max_sentence_chars=300)
    spans = splitter.spans(text)
    assert len(text) > 2 * 300
    assert all(a < b <= c for (a, b), (c, _) in itertools.pairwise(spans))
    whole = [text[a:b].strip() for a, b in spans]
    assert "".join("".join(s.split()) for s in whole) == "".join(text.split())
    # sentences away from block ends are the ones pysbd finds in the paragraph alone
    first = splitter.spans(seeds[0][:500])[:-1]
    assert len(first) >= 2
    assert [text[a:b] for a, b in spans[: len(first)]] == [seeds[0][a:b] for a, b in first]
