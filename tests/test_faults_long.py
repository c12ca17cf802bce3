"""Long documents and slow ones: chunks past `nlp.max_length` with exact offsets, capped sentence
length, and the per-document time limit (signal in the main thread, deadline in other threads)."""

from __future__ import annotations

import itertools
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import spacy
from helpers import slow_component
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.components.sentences import DEFAULT_MAX_SENTENCE_CHARS
from pipeline.documents import Document, ErrorRecord
from pipeline.process import (
    DEFAULT_CHUNK_CHARS,
    MAX_CHUNK_TOKENS,
    Rows,
    batches,
    chunk_bounds,
    needs_chunks,
    process_documents,
    time_limit,
    token_estimate,
)

SLOW_WORD = "Sluggish"


#: sleeps two seconds (in small steps) on a document that holds SLOW_WORD
SLOW = slow_component("test_slow_on_word", SLOW_WORD, 2)


@Language.component("test_after_slow")
def _after_slow(doc: Doc) -> Doc:
    return doc


def _document(doc_id: str, text: str) -> Document:
    return Document(doc_id=doc_id, text=text, source="test.txt", format="txt", location=doc_id)


def _all_rows(nlp: Language, records: list[Document | ErrorRecord], **kwargs: Any) -> Rows:
    out = Rows()
    for rows in process_documents(nlp, records, **kwargs):
        out.extend(rows)
    return out


@pytest.fixture
def small_max_length(full_nlp: Language) -> Iterator[Language]:
    saved = full_nlp.max_length
    full_nlp.max_length = 4000
    try:
        yield full_nlp
    finally:
        full_nlp.max_length = saved


def _long_text(seeds_dir: Path) -> str:
    seeds = [p.read_text(encoding="utf-8").strip() for p in sorted(seeds_dir.iterdir())]
    unpunctuated = " ".join(seeds[0].replace(".", " ").split())
    return "\n\n".join([*seeds, unpunctuated * 4, *seeds])


def test_chunk_bounds_cover_the_text(seeds_dir: Path) -> None:
    text = _long_text(seeds_dir)
    bounds = chunk_bounds(text, 1000)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
    assert all(0 < end - start <= 1000 for start, end in bounds)
    # cut between words, never inside one
    assert all(text[end - 1].isspace() for _, end in bounds[:-1])


def test_chunks_are_bounded_by_tokens_too(seeds_dir: Path) -> None:
    """A text of one-character tokens ("((((...aspirin...))))") is cut by its tokens, not its
    characters (the model's memory grows with a Doc's tokens); real text only by its
    characters."""
    dense = "(" * 60_000 + "aspirin" + ")" * 60_000
    assert needs_chunks(dense, 200_000)  # shorter than a chunk, yet too many tokens
    bounds = chunk_bounds(dense, 200_000)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(dense) and len(bounds) >= 3
    assert all(token_estimate(dense, a, b) <= MAX_CHUNK_TOKENS for a, b in bounds)
    real = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(seeds_dir.iterdir()))
    real = ((real + "\n\n") * (DEFAULT_CHUNK_CHARS // len(real) + 1))[:DEFAULT_CHUNK_CHARS]
    assert len(real) > MAX_CHUNK_TOKENS and not needs_chunks(real, DEFAULT_CHUNK_CHARS)
    assert chunk_bounds(real, 100_000) == chunk_bounds(real, 100_000, max_tokens=10**9)


@pytest.mark.parametrize(
    "text",
    [
        "aspirin\n" * 40_000,  # a word list, one word a line
        "ibuprofen\t12\tmg\n" * 15_000,  # a table flattened to tab-separated text
        "a  b\n\n" * 20_000,  # double spaces and blank lines
    ],
)
def test_whitespace_tokens_count_towards_the_chunk_limit(text: str) -> None:
    """spaCy makes a token of every run of whitespace but the single space after a token; a
    word list has twice the tokens of its words, and its chunks must stay under the limit as
    the tokenizer counts."""
    tokenizer = spacy.blank("en").tokenizer
    sample = text[:5_000]
    assert token_estimate(sample) == len(tokenizer(sample))
    assert needs_chunks(text, DEFAULT_CHUNK_CHARS)
    bounds = chunk_bounds(text, DEFAULT_CHUNK_CHARS)
    assert all(len(tokenizer(text[a:b])) <= MAX_CHUNK_TOKENS for a, b in bounds)


def test_batches_are_bounded_by_documents_and_characters(seeds_dir: Path) -> None:
    """Seed abstracts (their real lengths) and an error record: no batch holds more than
    `batch_size` records, none more than `batch_chars` characters unless it is one document
    alone, and every record comes out once, in order."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.iterdir())]
    records: list[Document | ErrorRecord] = [
        _document(f"d{i}", text) for i, text in enumerate(texts * 3)]
    records.insert(4, ErrorRecord(source="bad.jsonl", stage="ingest", error="bad_json",
                                  message="line 5", location="line 5"))
    records.append(_document("long", " ".join(texts)))
    cap = 2 * max(len(t) for t in texts)
    got = list(batches(records, 4, cap))
    assert [r for b in got for r in b] == records
    chars = [sum(len(r.text) for r in b if isinstance(r, Document)) for b in got]
    assert all(len(b) <= 4 for b in got) and len(got) > len(records) / 4
    assert all(c <= cap or len(b) == 1 for b, c in zip(got, chars, strict=True))
    assert got[-1] == [records[-1]] and chars[-1] > cap  # too long for any batch: alone
    n = len(records)
    assert [len(b) for b in batches(records, 4, 10**9)] == [4] * (n // 4) + [n % 4] * (n % 4 > 0)


@pytest.mark.slow
def test_document_over_max_length_in_chunks(
    small_max_length: Language, seeds_dir: Path
) -> None:
    nlp = small_max_length
    text = _long_text(seeds_dir)
    assert len(text) > 3 * nlp.max_length
    rows = _all_rows(nlp, [_document("long", text), _document("short", "Aspirin.")])
    tables = rows.tables
    assert not tables["errors"]
    assert [r["doc_id"] for r in tables["documents"]] == ["long", "short"]
    sentences = [r for r in tables["sentences"] if r["doc_id"] == "long"]
    assert tables["documents"][0]["n_sentences"] == len(sentences)
    assert [r["sent_idx"] for r in sentences] == list(range(len(sentences)))
    spans = [(r["start_char"], r["end_char"]) for r in sentences]
    for row, (start, end) in zip(sentences, spans, strict=True):
        assert row["text"] == text[start:end]
        assert end - start <= DEFAULT_MAX_SENTENCE_CHARS
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    mentions = [r for r in tables["mentions"] if r["doc_id"] == "long"]
    assert mentions and [r["mention_id"] for r in mentions] == list(range(len(mentions)))
    for m in mentions:
        assert m["text"] == text[m["start_char"] : m["end_char"]]
        start, end = spans[m["sent_idx"]]
        assert start <= m["start_char"] < m["end_char"] <= end
    outcomes = [r for r in tables["outcomes"] if r["doc_id"] == "long"]
    assert outcomes
    assert len({r["outcome_id"] for r in outcomes}) == len(outcomes)
    for o in outcomes:
        assert o["text"] == text[o["start_char"] : o["end_char"]]
        start, end = spans[o["sent_idx"]]
        assert start <= o["start_char"] < o["end_char"] <= end
    # the same mentions as the seeds alone give, found again at the seeds' offsets
    first_seed = text[: text.index("\n\n")]
    alone = _all_rows(nlp, [_document("seed", first_seed)]).tables["mentions"]
    found = {(m["start_char"], m["end_char"], m["label"]) for m in mentions}
    assert alone and {(m["start_char"], m["end_char"], m["label"]) for m in alone} <= found


def _slow_nlp(*, then: bool = False) -> Language:
    from pipeline.nlp import blank_nlp

    nlp = blank_nlp()
    nlp.add_pipe("biotab_sentences")
    nlp.add_pipe(SLOW)
    if then:
        nlp.add_pipe("test_after_slow")
    return nlp


def _batch() -> list[Document | ErrorRecord]:
    return [
        _document("fast-1", "Aspirin was given. Pain resolved."),
        _document("slow", f"The {SLOW_WORD} one. It takes long."),
        _document("fast-2", "Ibuprofen was given."),
    ]


def _check_timed_out(rows: Rows) -> None:
    assert [r["doc_id"] for r in rows.tables["documents"]] == ["fast-1", "fast-2"]
    (error,) = rows.tables["errors"]
    assert (error["doc_id"], error["error"], error["stage"]) == ("slow", "timeout", "tag")
    assert "test_slow_on_word" in error["message"]
    assert len(rows.tables["sentences"]) == 3


@pytest.mark.slow
def test_time_limit_in_main_thread() -> None:
    nlp = _slow_nlp()
    # the slow component runs last: the slow document is cut off only if the limit interrupted
    # it (the batch, then the document alone), which `_check_timed_out` checks
    rows = _all_rows(nlp, _batch(), doc_timeout_s=0.5)
    _check_timed_out(rows)
    # without a limit the slow document is kept
    rows = _all_rows(nlp, _batch()[1:2], doc_timeout_s=None)
    assert [r["doc_id"] for r in rows.tables["documents"]] == ["slow"]


def test_a_time_limit_the_timer_refuses_leaves_the_alarm_handler_as_it_was() -> None:
    before = signal.getsignal(signal.SIGALRM)
    with pytest.raises((OverflowError, ValueError, OSError)), time_limit(1e300):
        pass
    assert signal.getsignal(signal.SIGALRM) is before


@pytest.mark.slow
def test_time_limit_in_worker_thread() -> None:
    """Where no signal can be used (Dask threads), the deadline is checked between components."""
    nlp = _slow_nlp(then=True)
    result: list[Rows] = []
    worker = threading.Thread(
        target=lambda: result.append(_all_rows(nlp, _batch(), doc_timeout_s=0.5))
    )
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive()
    _check_timed_out(result[0])


def test_chunk_chars_below_max_length(seeds_dir: Path) -> None:
    from pipeline.nlp import blank_nlp

    nlp = blank_nlp()
    nlp.add_pipe("biotab_sentences")
    seeds = [p.read_text(encoding="utf-8").strip() for p in sorted(seeds_dir.iterdir())]
    text = "\n\n".join(seeds * 2)
    # every chunk can end at a blank line
    chunk_chars = max(map(len, seeds)) + 2
    whole = _all_rows(nlp, [_document("d", text)]).tables["sentences"]
    chunked = _all_rows(nlp, [_document("d", text)], chunk_chars=chunk_chars).tables
    sentences = chunked["sentences"]
    assert chunked["documents"][0]["n_sentences"] == len(sentences)
    assert len(text) > 3 * chunk_chars
    assert [r["sent_idx"] for r in sentences] == list(range(len(sentences)))
    assert all(r["text"] == text[r["start_char"] : r["end_char"]] for r in sentences)
    # chunks ending at blank lines give the sentences of the unchunked text
    assert [r["text"] for r in sentences] == [r["text"] for r in whole]


def _rows_in_worker(timeout: float) -> Rows:
    return _all_rows(_slow_nlp(), _batch(), doc_timeout_s=timeout)


def test_time_limit_in_pool_worker() -> None:
    """A process-pool worker (as `biotab run`'s local engine uses) interrupts the slow component."""
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(1) as pool:
        rows = pool.apply(_rows_in_worker, (0.5,))
    # the slow component is the last one: only an interruption can give the timeout row
    _check_timed_out(rows)
