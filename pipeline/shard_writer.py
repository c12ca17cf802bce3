"""`ShardWriter`: a unit's rows into its own part files, a row group at a time, files renamed
into place on `commit()` (`pipeline.write` holds the names, schemas and folder rules)."""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.limits import DEFAULT_PART_ROWS
from pipeline.output_folder import DOCUMENT_TABLES, TABLES, check_id, part_name, temp_name
from pipeline.write import (
    ROW_GROUP_CHARS,
    ROW_GROUP_ROWS,
    parquet_writer,
    part_schema,
    table_schemas,
    to_table,
)

#: What building a table raises for a row its schema cannot hold.
UNWRITABLE = (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError)


def _unwritable(table: str, row: Mapping[str, Any], exc: BaseException,
                with_rows: Mapping[str, int] | None = None) -> dict[str, Any]:
    """The errors row for a row of `table` left out (`ShardWriter._table`); `with_rows`: the
    rows per table of its document left out with it (`ShardWriter._storable`)."""
    also = ", ".join(f"{n} {name}" for name, n in (with_rows or {}).items() if n)
    if also:
        head, _, last = also.rpartition(", ")
        also = f", with the document's {f'{head} and {last}' if head else last} rows"
    return {
        "source": row.get("source") if table == "documents" else None,
        "location": None,
        "doc_id": None if row.get("doc_id") is None else str(row.get("doc_id")),
        "stage": "write",
        "error": "unwritable_row",
        "message": f"a {table} row could not be stored and was left out{also}: "
                   f"{type(exc).__name__}: {str(exc)[:300]}",
    }


def _unfit_rows(rows: list[dict[str, Any]],
                schema: pa.Schema) -> list[tuple[dict[str, Any], BaseException]]:  # fmt: skip
    """The rows `schema` cannot hold, each with what building it raised (row by row: for rows
    whose table as a whole could not be built)."""
    unfit: list[tuple[dict[str, Any], BaseException]] = []
    for row in rows:
        try:
            to_table([row], schema)
        except UNWRITABLE as exc:
            unfit.append((row, exc))
    return unfit


def _fits(rows: list[dict[str, Any]], schema: pa.Schema) -> bool:
    """Can `schema` hold every one of `rows`?"""
    try:
        to_table(rows, schema)
    except UNWRITABLE:
        return False
    return True


class HeldRows:
    """The rows of one document that came before its documents row (a long document's parts,
    `pipeline.process.Rows.partial`), pickled part by part into an unnamed temporary file (in
    `$TMPDIR`; gone when closed or when the process ends), so that they take no memory while
    the document's later parts are annotated."""

    def __init__(self) -> None:
        # closed by `close` (the writer calls it when the document ends, or on abort)
        self.file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self.doc_ids: set[Any] = set()
        self.counts: Counter[str] = Counter()

    def add(self, tables: Mapping[str, list[dict[str, Any]]]) -> None:
        for name, rows in tables.items():
            self.counts[name] += len(rows)
            self.doc_ids.update(row.get("doc_id") for row in rows)
        pickle.dump(dict(tables), self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def parts(self) -> Iterator[dict[str, list[dict[str, Any]]]]:
        """The parts held, in the order they came, one in memory at a time."""
        self.file.flush()
        self.file.seek(0)
        while True:
            try:
                yield pickle.load(self.file)  # this process's own file
            except EOFError:
                return

    def close(self) -> None:
        self.file.close()


class ShardWriter:
    """Streams the rows of one shard into its part files, one `ParquetWriter` per table.

    Rows are buffered per table and written as a row group every `row_group_rows` rows (or
    `row_group_chars` characters of text), so memory stays flat however big the shard is; a part
    file holds at most `max_file_rows` rows, then part n + 1 starts. `commit()` closes the files
    and renames them to their final names; `abort()` deletes them. `run_id`: the run's, recorded
    in each file's metadata (`pipeline.write.part_schema`).
    """

    def __init__(
        self,
        out: Path,
        shard_id: str,
        *,
        row_group_rows: int = ROW_GROUP_ROWS,
        row_group_chars: int = ROW_GROUP_CHARS,
        max_file_rows: int = DEFAULT_PART_ROWS,
        run_id: str | None = None,
    ) -> None:
        check_id(shard_id)
        self.out = Path(out)
        self.shard_id = shard_id
        # (the run id in each file's metadata: whose leftovers they are, `part_schema`)
        self.schemas = {t: part_schema(t, run_id) for t in table_schemas()}
        self.row_group_rows = row_group_rows
        self.row_group_chars = row_group_chars
        self.max_file_rows = max_file_rows
        self.buffers: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
        self.buffer_chars: dict[str, int] = dict.fromkeys(TABLES, 0)
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.file_rows: dict[str, int] = dict.fromkeys(TABLES, 0)
        self.part_no: dict[str, int] = dict.fromkeys(TABLES, 0)
        self.pending: list[tuple[Path, Path]] = []  # (temp, final) of closed part files
        self.counts: dict[str, int] = dict.fromkeys(TABLES, 0)
        self.token = f"{os.getpid()}-{os.urandom(4).hex()}"
        self.held: HeldRows | None = None

    def add(self, tables: Mapping[str, list[dict[str, Any]]], *, partial: bool = False) -> None:
        """Buffer rows of whole documents (a batch's `pipeline.process.Rows`: every row of a
        document comes in one call), or, `partial`, rows of one document whose documents row
        comes in a later call (a long document's parts: held on disk, `HeldRows`). The next
        call that is not partial ends that document: its rows are stored before that call's
        when that call holds the document's documents row and its schema can hold it, and left
        out otherwise (an errors row of a document that failed, or `_storable`'s)."""
        if partial:
            if self.held is None:
                self.held = HeldRows()
            self.held.add(tables)
            # the rows held are written with the next documents row of theirs: one document's
            if len(self.held.doc_ids - {None}) > 1:
                raise ValueError("parts of several documents held at once: "
                                 f"{sorted(map(str, self.held.doc_ids - {None}))}")
            return
        held, self.held = self.held, None
        if held is None:
            self._buffer(self._storable(tables))
            return
        try:
            kept = self._storable(tables, held)
            if held.doc_ids & {row.get("doc_id") for row in kept.get("documents") or []}:
                for part in held.parts():
                    self._buffer(part)
            self._buffer(kept)
        finally:
            held.close()

    def _buffer(self, tables: Mapping[str, list[dict[str, Any]]]) -> None:
        """Buffer storable rows, writing a row group of a table whose buffer is full."""
        for name, rows in tables.items():
            if not rows:
                continue
            buf = self.buffers[name]
            buf.extend(rows)
            self.counts[name] += len(rows)
            self.buffer_chars[name] += sum(len(r.get("text") or "") for r in rows)
            if len(buf) >= self.row_group_rows or self.buffer_chars[name] >= self.row_group_chars:
                self._flush(name)

    def _storable(self, tables: Mapping[str, list[dict[str, Any]]],
                  held: HeldRows | None = None) -> Mapping[str, list[dict[str, Any]]]:
        """`tables` without the documents whose documents row its schema cannot hold: their
        rows in every other table go too (`held`: those of the document whose parts came
        before, counted), so that no table holds rows of a document the documents table lacks;
        one errors row per document says what was left out. (The documents rows are checked
        here, before any of a document's rows is buffered; a table's rows are built again when
        written.)"""
        documents = tables.get("documents") or []
        if not documents:
            return tables
        schema = self.schemas["documents"]
        if _fits(documents, schema):
            return tables
        bad = {row.get("doc_id"): (row, exc) for row, exc in _unfit_rows(documents, schema)}
        kept = {name: [r for r in rows if r.get("doc_id") not in bad] if name in
                DOCUMENT_TABLES else list(rows) for name, rows in tables.items()}
        for doc_id, (row, why) in bad.items():
            left = {name: sum(r.get("doc_id") == doc_id for r in tables.get(name) or [])
                    + (held.counts[name] if held is not None and doc_id in held.doc_ids else 0)
                    for name in DOCUMENT_TABLES if name != "documents"}
            kept.setdefault("errors", []).append(_unwritable("documents", row, why, left))
        return kept

    def _flush(self, name: str) -> None:
        rows = self.buffers[name]
        while rows:
            room = self.max_file_rows - self.file_rows[name]
            chunk, rows = rows[:room], rows[room:]
            writer = self.writers.get(name)
            if writer is None:
                final = self.out / name / part_name(self.shard_id, self.part_no[name])
                tmp = final.with_name(temp_name(final.name, self.token))
                tmp.parent.mkdir(parents=True, exist_ok=True)
                writer = parquet_writer(tmp, name, self.schemas[name])
                self.writers[name] = writer
                self.pending.append((tmp, final))
            table = self._table(name, chunk)
            writer.write_table(table)
            self.file_rows[name] += table.num_rows
            if self.file_rows[name] >= self.max_file_rows:
                self._close(name)
        self.buffers[name] = []
        self.buffer_chars[name] = 0

    def _table(self, name: str, chunk: list[dict[str, Any]]) -> pa.Table:
        """The chunk as a table of its schema; a row the schema cannot hold (a value out of
        its column's range or type, from a component's bug or a user's own component) is left
        out with an errors row naming its document, instead of failing every document of the
        shard. (The errors table's own rows are the shard's to fail.)"""
        schema = self.schemas[name]
        try:
            return to_table(chunk, schema)
        except UNWRITABLE:
            if name == "errors":
                raise
        unfit = _unfit_rows(chunk, schema)
        for row, exc in unfit:
            self.counts[name] -= 1
            # (written after: `errors` is the last of TABLES, which `commit` flushes in order)
            self.buffers["errors"].append(_unwritable(name, row, exc))
            self.counts["errors"] += 1
        left_out = {id(row) for row, _ in unfit}
        return to_table([row for row in chunk if id(row) not in left_out], schema)

    def _close(self, name: str) -> None:
        writer = self.writers.pop(name, None)
        if writer is not None:
            writer.close()
        self.file_rows[name] = 0
        self.part_no[name] += 1

    def commit(self) -> dict[str, int]:
        """Write what is buffered, close every file and rename it; returns rows per table."""
        if self.held is not None:
            self.held.close()
            self.held = None
            raise ValueError("a document's parts came without its end (pipeline.process.Rows)")
        for name in TABLES:
            if self.buffers[name]:
                self._flush(name)
            self._close(name)
        # Not flushed to disk (fsync): a unit's files live until the group that merges them is
        # committed, and that group's parts are flushed before its marker
        # (`units.commit_group`). Flushing each unit's files cost about 8 ms a file on the
        # benchmark machine, most of a small unit's writing, and made deleting them after the
        # merge slow too. After a host crash, a finished unit whose files did not reach the
        # disk whole is redone on resume (`units.drop_lost_units`).
        for tmp, final in self.pending:
            os.replace(tmp, final)
        self.pending = []
        return dict(self.counts)

    def abort(self) -> None:
        if self.held is not None:
            self.held.close()
            self.held = None
        for writer in self.writers.values():
            with contextlib.suppress(Exception):
                writer.close()
        self.writers = {}
        for tmp, _ in self.pending:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        self.pending = []
