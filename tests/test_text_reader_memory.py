"""A txt file's reader holds a document's text once while the document is annotated (C's
finding, session 42): before, the suspended reader kept the file's chunks and their joined
bytes alive beside the decoded text, three copies of a long document."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

from pipeline.ingest.schema import Document
from pipeline.ingest.text import read_text


def test_a_suspended_reader_holds_no_copy_of_the_bytes(tmp_path: Path) -> None:
    size = 4_000_000
    path = tmp_path / "long.txt"
    path.write_bytes(b"Aspirin reduced pain in most patients " * (size // 38))
    gc.collect()
    tracemalloc.start()
    try:
        reader = read_text(path, str(path), "long")
        doc = next(reader)  # the reader is suspended here while the document is annotated
        gc.collect()
        held, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(doc, Document) and len(doc.text) > 0.99 * size
    # the text (one byte a character) and small change; before: text + bytes + chunks
    assert held < 1.5 * size, held
    assert list(reader) == []
