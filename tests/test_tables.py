"""`pipeline.load`, `pipeline.duckdb`, the data dictionary and the analyst snippets."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tables_fixture import DOCS, make_output, run_seeds

import pipeline
from pipeline.datadict import DEFAULT_PATH, generate
from pipeline.tables import TABLE_SCHEMAS, duckdb_type, part_files

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "README.md"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_output(tmp_path_factory.mktemp("out"))


@pytest.fixture(scope="session")
def seeds_output(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    return run_seeds(tmp_path_factory, seeds_dir)


# --------------------------------------------------------------------------- schemas


def test_table_schemas_are_the_stage_constants() -> None:
    from pipeline.ingest import DOCUMENTS_SCHEMA, ERRORS_SCHEMA
    from pipeline.outcomes import OUTCOMES_SCHEMA
    from pipeline.split import SENTENCES_SCHEMA
    from pipeline.tag import MENTIONS_SCHEMA

    assert list(TABLE_SCHEMAS) == ["documents", "sentences", "mentions", "outcomes", "errors"]
    assert TABLE_SCHEMAS["documents"] is DOCUMENTS_SCHEMA
    assert TABLE_SCHEMAS["sentences"] is SENTENCES_SCHEMA
    assert TABLE_SCHEMAS["mentions"] is MENTIONS_SCHEMA
    assert TABLE_SCHEMAS["outcomes"] is OUTCOMES_SCHEMA
    assert TABLE_SCHEMAS["errors"] is ERRORS_SCHEMA


def test_the_table_list_is_one_list() -> None:
    """Before: the tables were listed three times (write.TABLES, the schemas of
    write.table_schemas, tables.TABLE_SCHEMAS). Now write.TABLE_SOURCES alone: the names, their
    order (`errors` last) and the written schemas (the same fields, with biotab's metadata) all
    come from it."""
    from pipeline.write import DOCUMENT_TABLES, TABLE_SOURCES, TABLES, table_schemas

    assert TABLES == tuple(TABLE_SOURCES) == tuple(TABLE_SCHEMAS) == tuple(table_schemas())
    assert TABLES[-1] == "errors"
    assert TABLES[:-1] == DOCUMENT_TABLES
    for name, (module, attr) in TABLE_SOURCES.items():
        assert TABLE_SCHEMAS[name] is getattr(importlib.import_module(module), attr)
        assert table_schemas()[name].equals(TABLE_SCHEMAS[name], check_metadata=False)
        assert table_schemas()[name].metadata[b"table"] == name.encode()


@pytest.mark.parametrize("table", list(TABLE_SCHEMAS))
def test_every_column_documents_itself(table: str) -> None:
    for field in TABLE_SCHEMAS[table]:
        meta = field.metadata or {}
        assert meta.get(b"description"), f"{table}.{field.name} has no description"
        assert b"example" in meta, f"{table}.{field.name} has no example"
        duckdb_type(field.type)  # every type maps to DuckDB


# --------------------------------------------------------------------------- load


def test_load_dtypes_match_schemas(out: Path) -> None:
    tables = pipeline.load(out)
    assert list(tables) == list(TABLE_SCHEMAS)
    for name, schema in TABLE_SCHEMAS.items():
        df = tables[name]
        assert list(df.columns) == schema.names, name
        for field in schema:
            assert df[field.name].dtype == pd.ArrowDtype(field.type), (name, field.name)


def test_load_rows_and_values(out: Path) -> None:
    t = pipeline.load(out)
    assert len(t["documents"]) == len(DOCS)
    assert len(t["mentions"]) == sum(len(m) for _, _, m in DOCS.values())
    assert len(t["outcomes"]) == 2 and len(t["errors"]) == 1
    docs = t["documents"].set_index("doc_id")
    m = t["mentions"]
    # offsets index documents.text
    for row in m.itertuples():
        assert docs.loc[row.doc_id, "text"][row.start_char:row.end_char] == row.text
    # nullable ints and bools stay ints and bools, missing is NA
    o = t["outcomes"].set_index("measure")
    assert o.loc["complete_response", "numerator"] == 12
    assert o.loc["enrollment", "numerator"] is pd.NA
    assert m["negated"].sum() == 3
    assert pd.isna(docs.loc["plain", "title"])


def test_part_files_skip_hidden_and_temporary(out: Path, tmp_path: Path) -> None:
    target = make_output(tmp_path / "o")
    folder = target / "mentions"
    real = part_files(target, "mentions")
    (folder / ".part-x-00000.parquet.tmp").write_bytes(b"junk")
    (folder / "_partial").mkdir()
    (folder / "_partial" / "part-y-00000.parquet").write_bytes(b"junk")
    assert part_files(target, "mentions") == real
    assert len(pipeline.load(target)["mentions"]) == len(pipeline.load(out)["mentions"])


def test_load_missing_table_is_empty_with_columns(tmp_path: Path) -> None:
    target = make_output(tmp_path / "o", skip=("outcomes", "errors"))
    t = pipeline.load(target)
    for name in ("outcomes", "errors"):
        assert t[name].empty
        assert list(t[name].columns) == TABLE_SCHEMAS[name].names
        for field in TABLE_SCHEMAS[name]:
            assert t[name][field.name].dtype == pd.ArrowDtype(field.type)
    assert len(t["documents"]) == len(DOCS)


def test_load_older_part_without_a_column(tmp_path: Path) -> None:
    target = make_output(tmp_path / "o")
    for f in part_files(target, "mentions"):
        table = pq.read_table(f).drop_columns(["assertion_cue", "uncertain"])
        pq.write_table(table, f)
    m = pipeline.load(target, tables=["mentions"])["mentions"]
    assert list(m.columns) == TABLE_SCHEMAS["mentions"].names
    assert m["assertion_cue"].isna().all() and m["uncertain"].isna().all()
    assert m["uncertain"].dtype == pd.ArrowDtype(pa.bool_())
    con = pipeline.duckdb(target)
    assert con.execute("SELECT count(*) FROM mentions WHERE uncertain IS NULL").fetchone() == (15,)


def test_load_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        pipeline.load(tmp_path / "nope")
    with pytest.raises(FileNotFoundError):
        pipeline.duckdb(tmp_path / "nope")


def test_import_pipeline_stays_cheap() -> None:
    code = (
        "import sys, pipeline\n"
        "heavy = {'pandas', 'duckdb', 'pyarrow', 'spacy', 'matplotlib'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
        "assert callable(pipeline.load) and callable(pipeline.duckdb)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


# --------------------------------------------------------------------------- duckdb


def test_duckdb_views_and_types(out: Path) -> None:
    con = pipeline.duckdb(out)
    views = {r[0] for r in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert views == set(TABLE_SCHEMAS)
    for name, schema in TABLE_SCHEMAS.items():
        described = con.execute(f"DESCRIBE {name}").fetchall()
        assert [(r[0], r[1]) for r in described] == [
            (f.name, duckdb_type(f.type)) for f in schema
        ], name


def test_duckdb_sql_joins(out: Path) -> None:
    con = pipeline.duckdb(out)
    per_label = dict(con.execute(
        "SELECT label, count(*) FROM mentions GROUP BY label").fetchall())
    assert per_label == {"DRUG": 5, "DISEASE": 7, "CYTOKINE": 3}
    # mention text is the slice of documents.text; mentions lie inside their sentence
    bad = con.execute("""
        SELECT count(*) FROM mentions m
        JOIN documents d USING (doc_id)
        JOIN sentences s USING (doc_id, sent_idx)
        WHERE substr(d.text, m.start_char + 1, m.end_char - m.start_char) <> m.text
           OR m.start_char < s.start_char OR m.end_char > s.end_char
    """).fetchone()
    assert bad == (0,)
    evidence = con.execute("""
        SELECT o.measure, s.text FROM outcomes o JOIN sentences s USING (doc_id, sent_idx)
        WHERE o.measure = 'complete_response'
    """).fetchall()
    assert evidence == [("complete_response",
                         "Twelve of those patients (86%) achieved complete response.")]
    drug = con.execute("""
        SELECT DISTINCT m.concept_name FROM outcomes o
        JOIN mentions m ON m.doc_id = o.doc_id AND m.concept_id = o.drug_concept_id
    """).fetchall()
    assert drug == [("Lenalidomide",)]


def test_load_a_folder_that_holds_no_run_says_so(tmp_path: Path) -> None:
    """`pipeline.load` and `pipeline.duckdb` on a folder that holds no run (an empty folder, the
    input folder, a table folder of a run) returned empty tables, as if the run had found
    nothing: a typo in the path read as 'no documents'."""
    empty = tmp_path / "empty"
    empty.mkdir()
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "a.txt").write_text("Aspirin for headache.\n", encoding="utf-8")
    run = make_output(tmp_path / "run")
    for folder in (empty, inputs, run / "documents"):
        for reader in (pipeline.load, pipeline.duckdb):
            with pytest.raises(FileNotFoundError, match="holds no biotab run") as raised:
                reader(folder)
            assert str(folder) in str(raised.value)
    with pytest.raises(FileNotFoundError, match=f"give {run}"):
        pipeline.load(run / "documents")
    assert len(pipeline.load(run)["documents"]) == len(DOCS)
    # the report's refusal is the same error: one except clause catches both
    from pipeline.report import ReportError, write_report
    from pipeline.tables import NoRunError

    for call in (pipeline.load, write_report):
        with pytest.raises(NoRunError, match="holds no biotab run"):
            call(empty)
    with pytest.raises(ReportError):
        write_report(empty)


def test_a_folder_with_a_manifest_of_someone_else_is_told_apart(tmp_path: Path) -> None:
    """A folder holding a manifest.json biotab did not write (another tool's) was said to hold
    "no manifest.json": the user looking at that file could not tell what was wrong."""
    from pipeline.tables import NoRunError

    other = tmp_path / "dataset"
    other.mkdir()
    (other / "manifest.json").write_text('{"name": "not a biotab run"}', encoding="utf-8")
    with pytest.raises(NoRunError) as raised:
        pipeline.load(other)
    assert "manifest.json was not written by biotab" in str(raised.value)
    assert "no manifest.json" not in str(raised.value)
    with pytest.raises(NoRunError, match=r"\(no manifest.json, no documents"):
        pipeline.load(tmp_path)  # no manifest at all: as before


def test_duckdb_existing_connection_and_empty_tables(tmp_path: Path) -> None:
    import duckdb

    target = make_output(tmp_path / "o", skip=("errors",))
    con = duckdb.connect()
    same = pipeline.duckdb(target, con=con)
    assert same is con
    assert con.execute("SELECT count(*) FROM errors").fetchone() == (0,)
    described = con.execute("DESCRIBE errors").fetchall()
    assert [r[0] for r in described] == TABLE_SCHEMAS["errors"].names
    assert con.execute("SELECT count(*) FROM documents").fetchone() == (len(DOCS),)


def test_duckdb_path_with_quote(tmp_path: Path) -> None:
    target = make_output(tmp_path / "it's here")
    con = pipeline.duckdb(target)
    assert con.execute("SELECT count(*) FROM documents").fetchone() == (len(DOCS),)


@pytest.mark.parametrize("name", ["o[1]", "o?"])
def test_duckdb_path_named_like_a_pattern(tmp_path: Path, name: str) -> None:
    """DuckDB's read_parquet takes a file name for a glob pattern: the views must read the
    folder's own parts, not (or not also) those of `o1` beside it (the same part names, one
    document)."""
    target = make_output(tmp_path / name)
    other = make_output(tmp_path / "o1")
    for f in part_files(other, "documents"):
        pq.write_table(pq.read_table(f).slice(0, 1), f)
    con = pipeline.duckdb(target)
    assert con.execute("SELECT count(*) FROM documents").fetchone() == (len(DOCS),)


# --------------------------------------------------------------------------- data dictionary


def test_tables_md_is_up_to_date() -> None:
    assert DEFAULT_PATH == REPO / "docs" / "tables.md"
    assert DEFAULT_PATH.read_text(encoding="utf-8") == generate(), (
        "docs/tables.md is out of date: run `biotab docs`"
    )


def test_tables_md_covers_every_column() -> None:
    text = generate()
    for name, schema in TABLE_SCHEMAS.items():
        section = text[text.index(f"## `{name}`"):]
        for field in schema:
            assert re.search(rf"^\| `{field.name}` \| `", section, re.M), (name, field.name)
    for join in ("(doc_id, sent_idx)", "(doc_id, mention_id)", "drug_concept_id",
                 "disease_concept_id", "mentions.concept_id"):
        assert join in text


def test_docs_command_check(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pipeline.cli import app

    target = tmp_path / "tables.md"
    assert CliRunner().invoke(app, ["docs", "--output", str(target), "--check"]).exit_code == 1
    assert CliRunner().invoke(app, ["docs", "--output", str(target)]).exit_code == 0
    assert target.read_text(encoding="utf-8") == generate()
    assert CliRunner().invoke(app, ["docs", "--output", str(target), "--check"]).exit_code == 0


def test_docs_command_names_its_output_in_its_messages(tmp_path: Path) -> None:
    """`biotab docs --check -o FILE` said "run `biotab docs`", which writes docs/tables.md,
    not FILE; and `-o` under a file said "cannot write ...: File exists" (mkdir's errno)."""
    from typer.testing import CliRunner

    from pipeline.cli import app

    target = tmp_path / "tables.md"
    result = CliRunner().invoke(app, ["docs", "-o", str(target), "--check"])
    assert result.exit_code == 1
    assert f"run `biotab docs -o {target}`" in result.output
    blocker = tmp_path / "afile"
    blocker.write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, ["docs", "-o", str(blocker / "tables.md")])
    assert result.exit_code == 2
    assert f"{blocker} is not a folder" in result.output and "File exists" not in result.output
    typo = tmp_path / "dcos" / "tables.md"  # a folder that does not exist is not made
    result = CliRunner().invoke(app, ["docs", "-o", str(typo)])
    assert result.exit_code == 2 and not typo.parent.exists(), result.output
    assert result.output == f"biotab docs: cannot write {typo}: no such folder\n"


# --------------------------------------------------------------------------- analyst snippets


def snippets() -> tuple[str, str]:
    """The SQL and the pandas snippet of the README's analyst examples."""
    md = EXAMPLES.read_text(encoding="utf-8")
    sql = re.findall(r"```sql\n(.*?)```", md, re.S)
    python = [b for b in re.findall(r"```python\n(.*?)```", md, re.S) if "pipeline.load" in b]
    assert len(sql) == 1 and len(python) == 1
    return sql[0], python[0]


def run_snippets(out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[pd.DataFrame, str]:
    sql, code = snippets()
    con = pipeline.duckdb(out)  # as the README does: before DuckDB 1.5 a relation lets its
    rates = con.sql(sql).df()  # connection close once nothing else holds it
    assert '"outputs"' in code
    namespace: dict[str, object] = {}
    exec(compile(code.replace('"outputs"', repr(str(out))), str(EXAMPLES), "exec"), namespace)
    both = namespace["both"]
    assert isinstance(both, pd.DataFrame)
    printed = capsys.readouterr().out
    assert f"{len(both)} documents mention both a drug and a cytokine" in printed
    return rates, printed


def test_analyst_snippets_on_fixture(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rates, printed = run_snippets(out, capsys)
    assert list(rates["drug_concept_id"]) == ["MESH:D000077269"]
    row = rates.iloc[0]
    assert row["drug"] == "Lenalidomide" and row["measure"] == "complete_response"
    assert row["responders"] == 12 and row["patients"] == 14
    assert row["pooled_rate_pct"] == pytest.approx(85.7)
    assert "2 documents mention both" in printed  # lena and evil, not plain


@pytest.mark.slow
def test_analyst_snippets_on_seeds(seeds_output: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    rates, printed = run_snippets(seeds_output, capsys)
    assert list(rates.columns) == [
        "drug_concept_id", "drug", "measure", "figures", "documents", "responders", "patients",
        "pooled_rate_pct", "median_reported_pct"]
    # the snippets' answers agree with plain pandas on the same tables
    t = pipeline.load(seeds_output)
    o = t["outcomes"]
    pooled = o[o["measure"].isin(["response", "complete_response"]) & ~o["negated"]
               & o["unit"].isin(["percent", "count"]) & o["drug_concept_id"].notna()]
    expected = len(pooled.drop_duplicates(["drug_concept_id", "measure"]))
    assert len(rates) == expected
    mentions = t["mentions"]
    m = mentions[~mentions["negated"] & ~mentions["is_generic"].fillna(False)]
    docs = set(m.loc[m["label"] == "DRUG", "doc_id"]) & set(m.loc[m["label"] == "CYTOKINE",
                                                                  "doc_id"])
    assert printed.startswith(f"{len(docs)} documents mention both a drug and a cytokine")


@pytest.mark.slow
def test_load_and_duckdb_on_seeds(seeds_output: Path) -> None:
    t = pipeline.load(seeds_output)
    for name, schema in TABLE_SCHEMAS.items():
        for field in schema:
            assert t[name][field.name].dtype == pd.ArrowDtype(field.type), (name, field.name)
    assert len(t["documents"]) == 5
    con = pipeline.duckdb(seeds_output)
    for name in TABLE_SCHEMAS:
        assert con.execute(f"SELECT count(*) FROM {name}").fetchone() == (len(t[name]),)
    n = con.execute("SELECT count(DISTINCT doc_id) FROM mentions").fetchone()
    assert n == (t["mentions"]["doc_id"].nunique(),)


def test_docs_command_refuses_a_folder_as_its_output(tmp_path: Path) -> None:
    """`biotab docs -o FOLDER` ended in an IsADirectoryError traceback."""
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, ["docs", "-o", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "is a folder" in result.output and "Traceback" not in result.output
    written = CliRunner().invoke(app, ["docs", "-o", str(tmp_path / "tables.md")])
    assert written.exit_code == 0 and (tmp_path / "tables.md").read_text() == generate()


@pytest.mark.skipif(not Path("/sys").is_dir(), reason="needs Linux's /sys")
def test_docs_command_that_cannot_write_its_output_says_so_in_one_line() -> None:
    """`biotab docs -o FILE` in a folder that cannot be written (a read-only mount; /sys, which
    not even root may write in) ended in a PermissionError traceback."""
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, ["docs", "-o", "/sys/biotab-tables.md"])
    assert result.exit_code == 2, result.output
    assert "cannot write /sys/biotab-tables.md" in result.output
    assert "Traceback" not in result.output
