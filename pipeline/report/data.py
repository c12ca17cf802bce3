"""What the report reads of a run: the columns and rows its sections show, not whole tables.

The documents' and sentences' text is most of a run's bytes (about 1.1 KB of the 1.5 KB a
document takes on disk), but the page shows the text of a few sampled documents and of the
sentences behind the outcome rows it lists. So the report reads:

- the row count of every table from the Parquet footers;
- the mentions through DuckDB, which the summary, the top-concept and the co-mention sections
  count in SQL (`analysis.Mentions`), and the sample is drawn in (`analysis.sample_documents`);
- the errors by kind (`errors.stage`, `errors.error`), counted in SQL too
  (`analysis.error_kinds`), and the documents by study design (`analysis.design_counts`,
  the one column), and the first rows it lists of `outcomes` and `errors`;
- whole rows only for the sampled documents (their document row and mentions) and for the
  sentences the listed outcome rows point at.

So no table is held in memory whole: DuckDB reads the mentions' and the errors' parts in pieces
and spills to disk when it must, and pyarrow's scans for the first rows of a table and for the
rows of a few documents hold one batch at a time (`_ONE_AT_A_TIME`), however big the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.report.analysis import Mentions, design_counts, error_kinds
from pipeline.tables import TABLE_SCHEMAS, part_files, table_dataset

if TYPE_CHECKING:
    import pandas as pd

# pyarrow's scanner reads ahead 16 batches of each of 4 files by default: the first 50 rows of
# 3 M errors rows held 600 MB. One batch of one file at a time: 40 MB, and 0.02 s, not 1.5 s.
_ONE_AT_A_TIME = {"batch_readahead": 1, "fragment_readahead": 1}


def _frame(out: Path, table: str, columns: Sequence[str] | None = None,
           doc_ids: Iterable[str] | None = None, head: int | None = None) -> pd.DataFrame:
    """Rows of `table` as a DataFrame with Arrow dtypes: `columns` only, the rows of `doc_ids`
    only, the first `head` rows only (each: all when None)."""
    import pandas as pd
    import pyarrow.dataset as ds

    schema = TABLE_SCHEMAS[table]
    names = list(columns) if columns is not None else schema.names
    dataset = table_dataset(out, table)
    if dataset is None:
        table_ = schema.empty_table().select(names)
    elif head is not None:
        table_ = dataset.head(head, columns=names, batch_size=max(head, 1), **_ONE_AT_A_TIME)
    elif doc_ids is not None:
        wanted = sorted(set(doc_ids))
        table_ = dataset.to_table(columns=names, filter=ds.field("doc_id").isin(wanted),
                                  **_ONE_AT_A_TIME)
    else:
        table_ = dataset.to_table(columns=names)
    return table_.to_pandas(types_mapper=pd.ArrowDtype)


@dataclass
class ReportData:
    """The parts of a run the report's sections read (see the module docstring)."""

    out: Path
    counts: dict[str, int]
    doc_files: list[Path]
    mentions: Mentions
    #: (stage, error, rows), most rows first
    error_kinds: list[tuple[str | None, str | None, int]]
    #: (study design, documents), most documents first
    design_counts: list[tuple[str | None, int]]
    errors: pd.DataFrame
    outcomes: pd.DataFrame

    def documents_of(self, doc_ids: Iterable[str]) -> pd.DataFrame:
        """The whole document rows of `doc_ids`."""
        return _frame(self.out, "documents", doc_ids=doc_ids)

    def mentions_of(self, doc_ids: Iterable[str]) -> pd.DataFrame:
        """The whole mention rows of `doc_ids`, in table order."""
        return _frame(self.out, "mentions", doc_ids=doc_ids)

    def sentences_of(self, doc_ids: Iterable[str]) -> pd.DataFrame:
        """The whole sentence rows of `doc_ids`."""
        return _frame(self.out, "sentences", doc_ids=doc_ids)


def read_report_data(out: Path, *, outcomes: int, errors: int) -> ReportData:
    """What the report needs of the run in `out`; `outcomes` and `errors`: how many of those
    tables' first rows it lists."""
    counts = {}
    for table in TABLE_SCHEMAS:
        dataset = table_dataset(out, table)
        counts[table] = 0 if dataset is None else dataset.count_rows()
    return ReportData(
        out=out,
        counts=counts,
        doc_files=part_files(out, "documents"),
        mentions=Mentions.of_files(part_files(out, "mentions")),
        error_kinds=error_kinds(part_files(out, "errors")),
        design_counts=design_counts(part_files(out, "documents")),
        errors=_frame(out, "errors", head=errors),
        outcomes=_frame(out, "outcomes", head=outcomes),
    )
