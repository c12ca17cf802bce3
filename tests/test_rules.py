"""pipeline/rules.py's TSV reader and writer on files written by the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.rules import RuleError, check_word_table, read_tsv, write_tsv


def test_write_tsv_gives_back_what_read_tsv_reads(tmp_path: Path) -> None:
    path = tmp_path / "forms.tsv"
    rows = [("ic", "ia"), ("ic", "y"), ("ed", "")]
    write_tsv(path, ("ending", "replacement"), rows)
    read = read_tsv(path, ("ending", "replacement"), empty_ok=("replacement",),
                    unique=("ending", "replacement"))
    assert [(n, (r["ending"], r["replacement"])) for n, r in read] == [
        (2, rows[0]), (3, rows[1]), (4, rows[2])
    ]
    # by default the first column alone is the key
    with pytest.raises(RuleError, match=r"forms\.tsv:3: 'ic' is already on line 2"):
        list(read_tsv(path, ("ending", "replacement"), empty_ok=("replacement",)))


@pytest.mark.parametrize(("row", "message"), [
    (("a\tb", "c"), r"bad\.tsv: row 2 is \['a\\tb', 'c'\]; expected 2 cells \(x, y\)"),
    (("a", "b\nc"), r"bad\.tsv: row 2 is .*; expected 2 cells \(x, y\) without tabs"),
    (("a",), r"bad\.tsv: row 2 is \['a'\]; expected 2 cells"),
])
def test_write_tsv_refuses_a_row_it_could_not_read_back(
    tmp_path: Path, row: tuple[str, ...], message: str
) -> None:
    with pytest.raises(RuleError, match=message):
        write_tsv(tmp_path / "bad.tsv", ("x", "y"), [("ok", "ok"), row])


@pytest.mark.parametrize(("value", "expected", "message"), [
    # before: every map gave the int example {"twelve": 12} and said nothing of what it found
    (["randomized", "allocation"], str,
     r"key 'links' must map strings to str values, e\.g\. \{\"word\": \"value\"\}; "
     r"got list$"),
    ({"twelve": "12"}, int,
     r"key 'links' must map strings to int values, e\.g\. \{\"twelve\": 12\}; "
     r"got 'twelve' -> '12' \(str\)$"),
    ({"twelve": True}, int, r"e\.g\. \{\"twelve\": 12\}; got 'twelve' -> True \(bool\)$"),
    ({"to": 1}, str, r"e\.g\. \{\"word\": \"value\"\}; got 'to' -> 1 \(int\)$"),
])
def test_a_wrong_word_map_gets_an_example_of_its_type_and_the_type_found(
    value: object, expected: type, message: str
) -> None:
    with pytest.raises(RuleError, match=r"^rules\.json: .*" + message):
        check_word_table({"links": value}, where="rules.json", lists=(), maps={"links": expected})
