"""A long document's rows leave piece by piece (`pipeline.process.chunked_doc_parts`) and are
held on disk by the writer until its documents row comes (`pipeline.shard_writer.HeldRows`): a
worker's memory does not grow with one document's length, and the rows are those of the
document annotated chunk by chunk and kept whole (or none, when its documents row is left out
or it fails)."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from helpers import read_tables, slow_component
from spacy.language import Language

from pipeline.documents import Document
from pipeline.process import Deadline, Rows, chunked_doc_rows, process_documents
from pipeline.run import run
from pipeline.shard_writer import ShardWriter

SLOW_WORD = "SLOWPIECE"
#: the pieces of `pieces_nlp` (its `max_length`: `process_documents` cuts no longer ones)
PIECE = 10_000


#: sleeps (in small steps, up to 30 s) on a text that holds SLOW_WORD
SLOW = slow_component("test_long_pieces_slow", SLOW_WORD, 30)


def pieces_nlp() -> Language:
    """biotab's blank English pipeline with spaCy's sentencizer, annotating texts in pieces of
    PIECE characters, and sleeping on SLOW_WORD (a factory `run` can name)."""
    from pipeline.nlp import blank_nlp

    nlp = blank_nlp()
    nlp.add_pipe("sentencizer")
    nlp.add_pipe(SLOW)
    nlp.max_length = PIECE
    return nlp


def _word_list(seeds_dir: Path, length: int) -> str:
    """A word list of the seeds' words, one "word." a line (a formulary, an index: a sentence
    row, much bigger than its text, every few characters), about `length` characters long."""
    words = [w.strip(".,;:()") for p in sorted(seeds_dir.iterdir())
             for w in p.read_text(encoding="utf-8").split()]
    lines = [f"{w}." for w in words if w.isalpha()]
    text = "\n".join(lines * (length // len("\n".join(lines)) + 1))[:length]
    return text[: text.rfind("\n")]


def _prose(seeds_dir: Path, length: int) -> str:
    """The seed abstracts, one after another, about `length` characters."""
    seeds = [p.read_text(encoding="utf-8").strip() for p in sorted(seeds_dir.iterdir())]
    text = "\n\n".join(seeds * (length // len("\n\n".join(seeds)) + 1))[:length]
    return text[: text.rfind("\n\n")]


def _peak_of_run(docs: Path, out: Path) -> int:
    """The most Python memory `run` held at once (tracemalloc), the pipeline built first."""
    run([docs], out / "warm", workers=1, quiet=True, nlp_factory=pieces_nlp)
    gc.collect()
    tracemalloc.start()
    try:
        summary = run([docs], out / "measured", workers=1, quiet=True, nlp_factory=pieces_nlp)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.status == "complete" and summary.documents == 1
    assert summary.counts["sentences"] > 6 * PIECE // 10  # (more than the writer's buffer)
    return peak


def test_memory_does_not_grow_with_one_documents_length(tmp_path: Path,
                                                        seeds_dir: Path) -> None:
    """A document's rows were all held until its end (in `process_documents` and in the
    writer's buffers): a word list of 4 times the length took about 4 times the memory (a
    sentence row every 10 characters). The text itself (and its copies, read and hashed) is
    all that may grow."""
    peaks = {}
    for factor in (1, 4):
        docs = tmp_path / f"docs{factor}"
        docs.mkdir()
        (docs / "list.txt").write_text(_word_list(seeds_dir, factor * 6 * PIECE),
                                       encoding="utf-8")
        peaks[factor] = _peak_of_run(docs, tmp_path / f"out{factor}")
    assert peaks[4] < 1.5 * peaks[1], peaks


def test_rows_written_piece_by_piece_are_the_chunked_documents(tmp_path: Path,
                                                               seeds_dir: Path) -> None:
    """The tables hold, in order, the rows the document gives annotated chunk by chunk and
    kept whole (`chunked_doc_rows`), between the rows of the documents around it."""
    text = _prose(seeds_dir, 5 * PIECE)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Imiquimod was applied daily. It helped.\n")
    (docs / "b.txt").write_text(text, encoding="utf-8")
    (docs / "c.txt").write_text("Tacrolimus was used. Pain resolved.\n")
    summary = run([docs], tmp_path / "out", workers=1, quiet=True, nlp_factory=pieces_nlp)
    tables = read_tables(tmp_path / "out")
    doc_ids = [r["doc_id"] for r in tables["documents"]]
    assert summary.status == "complete" and len(doc_ids) == 3
    document = Document(doc_id=doc_ids[1], text=text, source="b.txt", format="txt")
    whole = chunked_doc_rows(pieces_nlp(), document, Deadline(None), PIECE)
    written = [r for r in tables["sentences"] if r["doc_id"] == doc_ids[1]]
    assert len(written) > 5 * PIECE // 200
    assert written == whole.tables["sentences"]
    assert tables["documents"][1]["n_sentences"] == len(written)
    assert [r["doc_id"] for r in tables["sentences"]] == [
        r["doc_id"] for r in tables["documents"] for _ in range(r["n_sentences"])]


@pytest.mark.slow
def test_a_long_document_that_times_out_in_a_later_piece_leaves_no_row(
        tmp_path: Path, seeds_dir: Path) -> None:
    """Its first pieces were handed on before the time ran out in its last: the writer drops
    them with the document, which becomes one errors row; its neighbours are kept."""
    text = _prose(seeds_dir, 3 * PIECE) + f"\n\n{SLOW_WORD}."
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Imiquimod was applied daily.\n")
    (docs / "b.txt").write_text(text, encoding="utf-8")
    (docs / "c.txt").write_text("Tacrolimus was used.\n")
    summary = run([docs], tmp_path / "out", workers=1, quiet=True, doc_timeout_s=3.0,
                  nlp_factory=pieces_nlp)
    tables = read_tables(tmp_path / "out")
    (error,) = tables["errors"]
    assert error["error"] == "timeout" and "test_long_pieces_slow" in error["message"]
    kept = [r["doc_id"] for r in tables["documents"]]
    assert len(kept) == 2 and error["doc_id"] not in kept
    assert [r["doc_id"] for r in tables["sentences"]] == [
        r["doc_id"] for r in tables["documents"] for _ in range(r["n_sentences"])]
    assert summary.counts["sentences"] == len(tables["sentences"]) < 5


def _parts(nlp: Language, text: str, chunk_chars: int) -> list[Rows]:
    document = Document(doc_id="d", text=text, source="d.txt", format="txt")
    return list(process_documents(nlp, [document], chunk_chars=chunk_chars))


def test_the_rows_handed_on_at_once_do_not_grow_with_the_document(seeds_dir: Path) -> None:
    """Counted: the most rows one `Rows` holds is a piece's, at 1x and 8x the text (a
    document's rows came in one `Rows`)."""
    nlp = pieces_nlp()
    most = {}
    for factor in (1, 8):
        parts = _parts(nlp, _word_list(seeds_dir, factor * 2 * PIECE), PIECE)
        assert sum(len(p.tables["documents"]) for p in parts) == 1
        assert all(p.partial for p in parts
                   if any(p.tables.values()) and not p.tables["documents"])
        most[factor] = max(sum(map(len, p.tables.values())) for p in parts)
    assert most[8] <= 1.2 * most[1], most


def _rows(doc_id: str, n: int, **documents_row: Any) -> dict[str, list[dict[str, Any]]]:
    sentences = [{"doc_id": doc_id, "sent_idx": i, "start_char": i, "end_char": i + 1,
                  "text": "x"} for i in range(n)]
    if not documents_row:
        return {"sentences": sentences}
    return {"documents": [{"doc_id": doc_id, "source": "in.jsonl", "format": "jsonl",
                           "text": "x" * n, "n_chars": n, "sha256": "0" * 64,
                           **documents_row}], "sentences": []}


def test_the_writer_keeps_a_documents_parts_only_with_its_documents_row(
        tmp_path: Path) -> None:
    """Parts held until the document's end: stored before its documents row, dropped with an
    errors row of the document (a timeout) or with a documents row its schema cannot hold
    (counted in the unwritable_row message)."""
    timeout = {"source": "in.jsonl", "doc_id": "c", "stage": "tag", "error": "timeout",
               "message": "too slow"}
    w = ShardWriter(tmp_path, "s.000000000.abc", row_group_rows=2)
    w.add(_rows("a", 1, n_sentences=1) | {"sentences": _rows("a", 1)["sentences"]})
    for doc_id, end in (("b", {"n_sentences": 5}), ("c", None), ("d", {"n_chars": 2**40}),
                        ("e", {"n_sentences": 5})):
        w.add(_rows(doc_id, 2), partial=True)
        w.add(_rows(doc_id, 3), partial=True)
        w.add(_rows(doc_id, 5, **end) if end else {"errors": [timeout]})
    counts = w.commit()
    tables = read_tables(tmp_path)
    assert [r["doc_id"] for r in tables["documents"]] == ["a", "b", "e"]
    assert [r["doc_id"] for r in tables["sentences"]] == ["a"] + ["b"] * 5 + ["e"] * 5
    assert [r["sent_idx"] for r in tables["sentences"]][1:6] == [0, 1, 0, 1, 2]
    assert [(r["doc_id"], r["error"]) for r in tables["errors"]] == [
        ("c", "timeout"), ("d", "unwritable_row")]
    assert "with the document's 5 sentences rows" in tables["errors"][1]["message"]
    assert counts == {"documents": 3, "sentences": 11, "mentions": 0, "outcomes": 0,
                      "errors": 2}


def test_parts_without_their_end_fail_the_commit(tmp_path: Path) -> None:
    w = ShardWriter(tmp_path, "s.000000000.abc")
    w.add(_rows("a", 2), partial=True)
    with pytest.raises(ValueError, match="without its end"):
        w.commit()
    w.abort()


def test_parts_of_two_documents_are_refused(tmp_path: Path) -> None:
    """Held parts are written with the next documents row: parts of a second document before
    the first one's end would have been written with (or dropped with) the wrong document."""
    w = ShardWriter(tmp_path, "s.000000000.abc")
    w.add(_rows("a", 2), partial=True)
    with pytest.raises(ValueError, match="parts of several documents"):
        w.add(_rows("b", 2), partial=True)
    w.abort()
