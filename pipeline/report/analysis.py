"""What the report shows, computed from the tables (no HTML here).

The counting (the summary's mentions per label, the top concepts, the drug x disease pairs) is
DuckDB SQL over the mentions: the run's Parquet parts (`Mentions.of_files`), which DuckDB reads
in pieces and spills to disk when it must, so the report's memory does not grow with the run; or
a DataFrame (`Mentions.of_frame`, and every function taking a DataFrame), for tables already
in memory. A concept's name and surface forms are its most frequent ones, ties going to the one
written first.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.labels import DISEASE, DRUG
from pipeline.report.markup import str_col

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

#: The columns of the mentions the counting reads; a table written before one existed reads
#: it as null.
MENTION_COLUMNS = ("doc_id", "label", "text", "concept_id", "concept_name", "negated",
                   "is_generic")

# One row per mention: its document, label, concept key (the concept_id, else "text:" and the
# lower-cased text), name (the concept's name, else the lower-cased text), surface form,
# negation, whether it is a class word ("cytokines": `is_generic`), and its place in the table.
_KEYED = """
CREATE TEMP VIEW keyed AS
SELECT doc_id AS doc, label, coalesce(text, '') AS form,
       CASE WHEN coalesce(concept_id, '') <> '' THEN concept_id
            ELSE 'text:' || lower(coalesce(text, '')) END AS key,
       CASE WHEN coalesce(concept_name, '') <> '' THEN concept_name
            ELSE lower(coalesce(text, '')) END AS name,
       coalesce(negated, false) AS neg,
       coalesce(is_generic, false) AS generic,
       rn
FROM raw
"""


class Mentions:
    """A DuckDB connection with the view `keyed` over a run's mentions (see `_KEYED`)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, columns: Sequence[str]) -> None:
        """`con` has a relation `source` with `columns`, among them `rn`, each row's place in
        the table."""
        self.con = con
        have = set(columns)
        select = ", ".join(c if c in have else f"NULL AS {c}" for c in MENTION_COLUMNS)
        con.execute(f"CREATE TEMP VIEW raw AS SELECT {select}, rn FROM source")
        con.execute(_KEYED)

    @classmethod
    def of_files(cls, files: Sequence[Path]) -> Mentions:
        """The mentions in these Parquet parts (none: no mentions)."""
        import duckdb

        con = duckdb.connect()
        if files:
            # a row's place: its part's (in the parts' order, their sorted paths) and its row's
            # in the part, with no sort of the whole table
            con.execute(f"CREATE TEMP VIEW source AS SELECT * EXCLUDE (filename, file_row_number), "
                        f"{_place(files)} AS rn FROM read_parquet({_paths(files)}, "
                        "union_by_name = true, filename = true, file_row_number = true)")
        else:
            con.execute("CREATE TEMP TABLE source (doc_id VARCHAR, label VARCHAR, rn BIGINT)")
        columns = [row[0] for row in con.execute("DESCRIBE source").fetchall()]
        return cls(con, columns)

    @classmethod
    def of_frame(cls, mentions: pd.DataFrame) -> Mentions:
        """The mentions in a DataFrame (`pipeline.load(OUT)["mentions"]`)."""
        import duckdb

        con = duckdb.connect()
        frame = mentions.copy()
        for name in ("doc_id", "label", "text", "concept_id", "concept_name"):
            if name in frame.columns:  # object columns of None and str read as VARCHAR
                frame[name] = str_col(frame, name)
        for name in ("negated", "is_generic"):
            if name in frame.columns:
                frame[name] = frame[name].astype("boolean")
        frame["rn"] = range(len(frame))
        con.register("source", frame)
        return cls(con, list(frame.columns))

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, list(params)).fetchall()

    def close(self) -> None:
        self.con.close()


def _paths(files: Sequence[Path]) -> str:
    """A DuckDB list literal of the files' paths."""
    return "[" + ", ".join("'" + str(f).replace("'", "''") + "'" for f in files) + "]"


def _place(files: Sequence[Path]) -> str:
    """A DuckDB expression of a `read_parquet(filename = true, file_row_number = true)` row's
    place in the table: its file's index among `files`, then its row number in the file."""
    cases = " ".join(f"WHEN '{str(f).replace(chr(39), chr(39) * 2)}' THEN {i}"
                     for i, f in enumerate(files))
    return f"(CASE filename {cases} END) * 4294967296 + file_row_number"


def _rows(source: pd.DataFrame | Mentions, sql: str, params: Sequence[Any] = ()
          ) -> list[tuple[Any, ...]]:
    """The rows of `sql` over the mentions (a DataFrame's: in a connection made and closed
    here)."""
    if isinstance(source, Mentions):
        return source.rows(sql, params)
    mentions = Mentions.of_frame(source)
    try:
        return mentions.rows(sql, params)
    finally:
        mentions.close()


_ERROR_KINDS = """
SELECT stage, error, count(*) AS n FROM read_parquet({files}, union_by_name = true)
GROUP BY stage, error ORDER BY n DESC, stage NULLS LAST, error NULLS LAST
"""


def _parts_rows(files: Sequence[Path], sql: str) -> list[tuple[Any, ...]]:
    """The rows of `sql` (a query with `{files}` for the parts' list) over these Parquet parts,
    in a DuckDB connection made and closed here; DuckDB reads only the columns the query
    names."""
    import duckdb

    con = duckdb.connect()
    try:
        return con.execute(sql.format(files=_paths(files))).fetchall()
    finally:
        con.close()


def error_kinds(files: Sequence[Path]) -> list[tuple[str | None, str | None, int]]:
    """(stage, error, rows) of the errors in these Parquet parts, most rows first: counted by
    DuckDB, so that a run with millions of error rows is not read into memory."""
    if not files:
        return []
    return [(stage, error, int(n)) for stage, error, n in _parts_rows(files, _ERROR_KINDS)]


_DESIGN_COUNTS = """
SELECT study_design, count(*) AS n FROM read_parquet({files}, union_by_name = true)
GROUP BY study_design ORDER BY n DESC, study_design NULLS LAST
"""


def design_counts(files: Sequence[Path]) -> list[tuple[str | None, int]]:
    """(study design, documents) of the documents in these Parquet parts, most first (None: no
    design decided); empty for a run written before the column existed. Counted by DuckDB,
    which reads that one column."""
    if not files:
        return []
    import duckdb

    try:
        rows = _parts_rows(files, _DESIGN_COUNTS)
    except duckdb.BinderException:  # no part has the column (schema version < 5)
        return []
    return [(design, int(n)) for design, n in rows]


_LABEL_COUNTS = """
SELECT label, count(*), count(*) FILTER (WHERE coalesce(negated, false)), count(DISTINCT doc_id),
       count(DISTINCT concept_id), count(*) FILTER (WHERE concept_id IS NULL)
FROM raw GROUP BY label
"""


def label_counts(source: pd.DataFrame | Mentions) -> dict[str, list[int]]:
    """Per label (class words included): mentions, negated mentions, documents, distinct
    concept ids, mentions without a concept id."""
    rows = _rows(source, _LABEL_COUNTS)
    return {label: [int(v) for v in counts] for label, *counts in rows if label is not None}


_TOP = """
WITH m AS (SELECT * FROM keyed WHERE label = ? AND NOT generic),
counted AS (
    SELECT key, count(DISTINCT doc) AS documents,
           count(DISTINCT doc) FILTER (WHERE NOT neg) AS documents_asserted,
           count(*) AS mentions
    FROM m GROUP BY key),
names AS (
    SELECT key, arg_min(name, (-c, first)) AS name
    FROM (SELECT key, name, count(*) AS c, min(rn) AS first FROM m GROUP BY key, name)
    GROUP BY key),
top AS (
    SELECT counted.*, names.name FROM counted JOIN names USING (key)
    ORDER BY documents DESC, mentions DESC, name LIMIT ?),
forms AS (
    SELECT key, list(form ORDER BY c DESC, first)[1:4] AS forms
    FROM (SELECT key, form, count(*) AS c, min(rn) AS first
          FROM m WHERE key IN (SELECT key FROM top) GROUP BY key, form)
    GROUP BY key)
SELECT key, name, documents, documents_asserted, mentions, forms
FROM top JOIN forms USING (key)
ORDER BY documents DESC, mentions DESC, name
"""


def top_concepts(source: pd.DataFrame | Mentions, label: str, n: int) -> pd.DataFrame:
    """Top `n` concepts of one label by documents mentioning them. Class words ("cytokines",
    "interleukins": `is_generic`) are left out: they name no concept and would top every list.

    Columns: key, concept_id (None for text keys), name, documents, documents_asserted (without
    negated mentions), mentions, forms (most common surface forms, at most 4).
    """
    import pandas as pd

    rows = _rows(source, _TOP, (label, n))
    return pd.DataFrame(
        [{"key": key, "concept_id": None if key.startswith("text:") else key, "name": name,
          "documents": docs, "documents_asserted": asserted, "mentions": count,
          "forms": list(forms)}
         for key, name, docs, asserted, count, forms in rows],
        columns=["key", "concept_id", "name", "documents", "documents_asserted", "mentions",
                 "forms"],
    )


_PAIRS = """
WITH m AS (SELECT * FROM keyed WHERE NOT neg AND NOT generic),
names AS (
    SELECT key, arg_min(name, (-c, first)) AS name
    FROM (SELECT key, name, count(*) AS c, min(rn) AS first FROM m GROUP BY key, name)
    GROUP BY key),
drugs AS (SELECT DISTINCT doc, key FROM m WHERE label = ?),
diseases AS (SELECT DISTINCT doc, key FROM m WHERE label = ?),
pairs AS (
    SELECT drugs.key AS drug_key, diseases.key AS disease_key,
           count(*) AS documents, list(drugs.doc ORDER BY drugs.doc)[1:3] AS examples
    FROM drugs JOIN diseases USING (doc)
    GROUP BY drugs.key, diseases.key)
SELECT drug_key, dn.name, disease_key, sn.name, documents, examples
FROM pairs JOIN names AS dn ON dn.key = drug_key JOIN names AS sn ON sn.key = disease_key
ORDER BY documents DESC, dn.name, sn.name LIMIT ?
"""


def co_mentions(source: pd.DataFrame | Mentions, n: int) -> pd.DataFrame:
    """Drug x disease pairs by documents where both are mentioned (negated mentions and class
    words left out).

    Columns: drug_key, drug, disease_key, disease, documents, examples (up to 3 doc_ids).
    """
    import pandas as pd

    rows = _rows(source, _PAIRS, (DRUG, DISEASE, n))
    return pd.DataFrame(
        [{"drug_key": a, "drug": an, "disease_key": b, "disease": bn, "documents": docs,
          "examples": list(examples)} for a, an, b, bn, docs, examples in rows],
        columns=["drug_key", "drug", "disease_key", "disease", "documents", "examples"],
    )


def sample_documents(source: Mentions, doc_files: Sequence[Path], n: int,
                     seed: int) -> list[str]:
    """Up to `n` doc_ids drawn by `seed` (the same ones for the same run, seed and DuckDB),
    documents with mentions first, in table order. Each document's draw is a hash of the seed
    and its doc_id, so picking them is a top-n, whatever the number of documents."""
    if not doc_files or n <= 0:
        return []
    rows = source.rows(
        f"""WITH d AS (SELECT doc_id, {_place(doc_files)} AS rn
                       FROM read_parquet({_paths(doc_files)}, filename = true,
                                         file_row_number = true)
                       WHERE doc_id IS NOT NULL),
            picked AS (
                SELECT doc_id, rn FROM d
                ORDER BY doc_id NOT IN (SELECT doc FROM keyed WHERE doc IS NOT NULL),
                         hash(?, doc_id), rn
                LIMIT ?)
            SELECT doc_id FROM picked ORDER BY rn""",
        (seed, n),
    )
    return [doc_id for (doc_id,) in rows]


def outcomes_with_evidence(outcomes: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Outcomes joined to their sentence (doc_id + sent_idx): adds sentence_text, sentence_start."""
    import pandas as pd

    sent = pd.DataFrame(
        {
            "doc_id": str_col(sentences, "doc_id"),
            "sent_idx": sentences["sent_idx"].astype("Int64") if "sent_idx" in sentences
            else pd.Series(dtype="Int64"),
            "sentence_text": str_col(sentences, "text"),
            "sentence_start": sentences["start_char"].astype("Int64")
            if "start_char" in sentences else pd.Series(dtype="Int64"),
        }
    )
    o = outcomes.copy()
    o["doc_id"] = str_col(o, "doc_id")
    o["sent_idx"] = o["sent_idx"].astype("Int64")
    return o.merge(sent, on=["doc_id", "sent_idx"], how="left")
