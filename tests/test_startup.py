"""Fast start-up: the lexicon's saved index, the KB's sorted tables, warm-up and worker stats."""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import srsly
from rapidfuzz import fuzz, process
from spacy.language import Language

from pipeline.components.lexicon import PATTERNS_FILE, LexiconMatcher
from pipeline.components.lexicon_index import (
    INDEX_FILE,
    LexiconIndexError,
    NoPatterns,
    write_indexes,
)
from pipeline.components.linker import Linker
from pipeline.kb import Concept, KBFileError, KnowledgeBase, normalize_term
from pipeline.kb import table as table_module
from pipeline.kb.table import SortedLines
from pipeline.paths import kb_dir
from pipeline.runner.bookkeeping import worker_stats

PATTERNS = [
    {"label": "DRUG", "pattern": [{"LOWER": "aldara"}], "id": "MESH:D000077271"},
    {"label": "DISEASE", "pattern": [{"LOWER": "necrosis"}], "id": "MESH:D009336"},
    {"label": "CYTOKINE", "pattern": [{"LOWER": "tumor"}, {"LOWER": "necrosis"},
                                      {"LOWER": "factor"}], "id": "HGNC:11892"},
    {"label": "DISEASE", "pattern": "multiple sclerosis", "id": "MESH:D009103"},
    {"label": "DRUG", "pattern": "interferon beta-1a", "id": "MESH:D000068576"},
    {"label": "CYTOKINE", "pattern": "interferon beta", "id": "HGNC:5434"},
    {"label": "DRUG", "pattern": "aldara", "id": "MESH:D999999"},  # same term: first id wins
]
TEXT = ("Aldara raised tumor necrosis factor in multiple sclerosis; interferon beta - 1a and "
        "interferon beta-1a were stopped.")


def spans(lexicon: LexiconMatcher, nlp: Language, text: str = TEXT) -> list[tuple[Any, ...]]:
    return [(s.start, s.end, s.label_, s.id_) for s in lexicon.matches(nlp(text))]


@pytest.fixture()
def saved(blank: Language, tmp_path: Path) -> Path:
    """A lexicon saved with `to_disk` (patterns + index)."""
    source = tmp_path / "patterns.jsonl"
    source.write_text("".join(json.dumps(p) + "\n" for p in PATTERNS), encoding="utf-8")
    LexiconMatcher(blank, "lex", patterns_path=str(source)).to_disk(tmp_path / "lex")
    return tmp_path / "lex"


# ------------------------------------------------------------------------- lexicon index


def test_lexicon_index_round_trip(blank: Language, saved: Path, tmp_path: Path) -> None:
    assert (saved / PATTERNS_FILE).exists() and (saved / INDEX_FILE).exists()
    fresh = LexiconMatcher(blank, "lex", patterns_path=str(tmp_path / "patterns.jsonl"))
    loaded = LexiconMatcher(blank, "lex2").from_disk(saved)
    assert spans(loaded, blank) == spans(fresh, blank)
    got = {(blank(TEXT)[s:e].text, lab, cid) for s, e, lab, cid in spans(loaded, blank)}
    assert ("Aldara", "DRUG", "MESH:D000077271") in got  # the first id of a repeated term
    assert ("interferon beta - 1a", "DRUG", "MESH:D000068576") in got  # spaced hyphens
    assert loaded.patterns == fresh.patterns  # read from the patterns file when asked
    # saved again: the same bytes (no timestamps), the index still matches its patterns
    loaded.to_disk(tmp_path / "again")
    for name in (PATTERNS_FILE, INDEX_FILE):
        assert (tmp_path / "again" / name).read_bytes() == (saved / name).read_bytes(), name


def test_folder_without_index_is_indexed_at_load(blank: Language, saved: Path) -> None:
    """A pipeline saved before the index existed (patterns only) loads as before."""
    expected = spans(LexiconMatcher(blank, "a").from_disk(saved), blank)
    (saved / INDEX_FILE).unlink()
    assert spans(LexiconMatcher(blank, "b").from_disk(saved), blank) == expected
    write_indexes([saved])  # the documented command (`biotab kb index`) adds the file back
    assert (saved / INDEX_FILE).exists()
    assert spans(LexiconMatcher(blank, "c").from_disk(saved), blank) == expected


def test_the_index_command_names_a_folder_without_patterns_in_one_line(
        saved: Path, tmp_path: Path) -> None:
    """A folder without the patterns (a typo) was a FileNotFoundError traceback; now one
    message (`biotab kb index`: one line, exit 2) before any index is written."""
    (saved / INDEX_FILE).unlink()
    with pytest.raises(NoPatterns) as err:
        write_indexes([saved, tmp_path / "typo"])
    assert str(err.value) == (
        f"no {PATTERNS_FILE} in {tmp_path / 'typo'} (give the saved "
        "biotab_lexicon folder, e.g. models/biotab_ner/biotab_lexicon)")
    assert not (saved / INDEX_FILE).exists()  # none written: the other folder is not half done


def test_stale_index_is_refused_naming_the_file(blank: Language, saved: Path) -> None:
    with gzip.open(saved / PATTERNS_FILE, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(PATTERNS[0]) + "\n")  # the patterns changed, the index did not
    with pytest.raises(LexiconIndexError, match="stale lexicon index") as err:
        LexiconMatcher(blank, "lex").from_disk(saved)
    assert str(saved / INDEX_FILE) in str(err.value)
    assert f"biotab kb index {saved}" in str(err.value)


def _rewrite_payload(path: Path, **changes: Any) -> None:
    payload = srsly.msgpack_loads(gzip.decompress(path.read_bytes()))
    payload.update(changes)
    path.write_bytes(gzip.compress(srsly.msgpack_dumps(payload)))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: p.write_bytes(p.read_bytes()[:40]), "damaged lexicon index"),
        (lambda p: p.write_bytes(b"not gzip"), "damaged lexicon index"),
        (lambda p: _rewrite_payload(p, format="something"), "not a biotab lexicon index"),
        (lambda p: _rewrite_payload(p, version=99), "lexicon index version 99"),
        (lambda p: _rewrite_payload(p, ids=["MESH:D1"]), "past 'labels' / 'ids'"),
        (lambda p: _rewrite_payload(p, term_sizes=b"\x01\x00"), "'term_sizes' do not add up"),
        (lambda p: _rewrite_payload(p, tokens=None), "damaged lexicon index"),
    ],
)
def test_damaged_index_is_refused_naming_the_file(blank: Language, saved: Path, damage: Any,
                                                  message: str) -> None:
    damage(saved / INDEX_FILE)
    with pytest.raises(LexiconIndexError, match=message) as err:
        LexiconMatcher(blank, "lex").from_disk(saved)
    assert str(saved / INDEX_FILE) in str(err.value)


def test_index_of_the_other_hyphen_setting_is_not_used(blank: Language, saved: Path) -> None:
    exact = LexiconMatcher(blank, "lex", split_hyphens=False).from_disk(saved)
    texts = {blank(TEXT)[s:e].text for s, e, _, _ in spans(exact, blank)}
    assert "interferon beta - 1a" not in texts and "interferon beta-1a" in texts


def test_shipped_model_index_matches_its_patterns(blank: Language) -> None:
    from pipeline.paths import ner_model_dir

    folder = ner_model_dir() / "biotab_lexicon"
    if not (folder / INDEX_FILE).exists():
        pytest.skip("the shipped model has no lexicon index (it is indexed at load)")
    loaded = LexiconMatcher(blank, "lex").from_disk(folder)  # refused if stale or damaged
    doc = blank("Imiquimod and interleukin-2 in multiple sclerosis.")
    assert {s.label_ for s in loaded.matches(doc)} >= {"DRUG", "DISEASE"}


# ---------------------------------------------------------------------------- KB tables


def test_sorted_lines_find_and_prefix() -> None:
    table = SortedLines.from_lines(["b\t1", "ab\t2", "abc\t3", "ac\t4", "é\t5"], key_start=0,
                                   key_end=b"\t", source="t")
    assert [table.key(i) for i in range(len(table))] == [b"ab", b"abc", b"ac", b"b",
                                                           "é".encode()]
    assert table.value(table.find(b"abc") or 0) == b"3"
    assert table.find(b"a") is None and table.find(b"zz") is None
    assert table.prefix_range(b"ab") == (0, 2)
    assert table.in_order()
    with pytest.raises(ValueError, match="t: an empty line"):
        SortedLines(b"a\t1\n\nb\t2\n", key_start=0, key_end=b"\t", source="t")


def test_committed_kb_files_are_in_order() -> None:
    """The loader searches the committed files as they are: they must be sorted by key."""
    if not (kb_dir() / "concepts.jsonl.gz").exists():
        pytest.skip("models/kb not built")
    kb = KnowledgeBase._read(kb_dir())
    kb.warm_up()
    assert kb._index is not None and kb._index.in_order()
    assert kb.concepts._table.in_order()  # type: ignore[attr-defined]
    for lines in (["b\t1", "a\t2"], ["ab\t1", "ab\t2"], ["abcdefghi\t1", "abcdefgh\t1"]):
        table = SortedLines("".join(x + "\n" for x in lines).encode(), key_start=0,
                            key_end=b"\t", source="t")
        assert not table.in_order(), lines


@pytest.fixture()
def tables_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The copies of the KB tables a test writes go to its own folder, not the user's cache."""
    monkeypatch.setattr(table_module, "tables_cache_dir", lambda: tmp_path / "kb-tables")
    return tmp_path / "kb-tables"


def _write_kb(folder: Path, concepts: list[dict[str, Any]], index: list[str],
              manifest: bool, compact: bool = False) -> None:
    """A KB folder; `compact`: the concept records as the build writes them (no spaces)."""
    folder.mkdir(parents=True, exist_ok=True)
    separators = (",", ":") if compact else None
    files = {"concepts.jsonl.gz": [json.dumps(c, separators=separators) for c in concepts],
             "index.tsv.gz": index}
    for name, lines in files.items():
        (folder / name).write_bytes(gzip.compress("".join(x + "\n" for x in lines).encode()))
    if manifest:
        hashes = {n: hashlib.sha256((folder / n).read_bytes()).hexdigest() for n in files}
        (folder / "manifest.json").write_text(json.dumps({"files": hashes}))


CONCEPTS = [
    {"concept_id": "MESH:D2", "canonical_name": "Imiquimod", "label": "DRUG",
     "aliases": ["Aldara"]},
    {"concept_id": "HGNC:6001", "canonical_name": "interleukin 2", "label": "CYTOKINE",
     "aliases": ["IL-2"]},
    {"concept_id": "MESH:D1", "canonical_name": "Psoriasis", "label": "DISEASE"},
]
INDEX = ["aldara\tMESH:D2", "il 2\tHGNC:6001", "imiquimod\tMESH:D2", "interleukin 2\tHGNC:6001",
         "psoriasis\tMESH:D1", "#il2\tHGNC:6001"]


def test_kb_files_checked_against_the_manifest(tmp_path: Path, tables_cache: Path) -> None:
    _write_kb(tmp_path / "kb", sorted(CONCEPTS, key=lambda c: c["concept_id"]), sorted(INDEX),
              manifest=True)
    kb = KnowledgeBase._read(tmp_path / "kb")
    assert [c.concept_id for c in kb.lookup("Aldara")] == ["MESH:D2"]
    assert kb.lookup("IL2")[0].name == "interleukin 2"
    assert kb.label_of("MESH:D1") == "DISEASE" and kb.label_of("MESH:D9") is None
    # a file changed after the build: refused, naming it
    concepts = tmp_path / "kb" / "concepts.jsonl.gz"
    concepts.write_bytes(gzip.compress(gzip.decompress(concepts.read_bytes()) + b"\n"))
    with pytest.raises(KBFileError, match="damaged or from another build") as err:
        KnowledgeBase._read(tmp_path / "kb")
    assert str(concepts) in str(err.value)
    index = tmp_path / "kb" / "index.tsv.gz"
    index.write_bytes(index.read_bytes()[:-3])
    with pytest.raises(KBFileError, match=r"index\.tsv\.gz"):
        KnowledgeBase(kb.concepts, path=tmp_path / "kb", manifest=kb.manifest).lookup("x")


def test_kb_files_without_manifest_are_sorted_on_load(tmp_path: Path) -> None:
    """Files no manifest vouches for (another writer: any order, id not first) still load."""
    shuffled = [{k: c[k] for k in reversed(list(c))} for c in reversed(CONCEPTS)]
    _write_kb(tmp_path / "kb", shuffled, list(reversed(INDEX)), manifest=False)
    kb = KnowledgeBase._read(tmp_path / "kb")
    assert sorted(kb.concepts) == sorted(c["concept_id"] for c in CONCEPTS)
    assert kb.concepts["HGNC:6001"].aliases == ("IL-2",)
    assert [c.concept_id for c in kb.lookup("interleukin-2")] == ["HGNC:6001"]
    (tmp_path / "kb" / "index.tsv.gz").write_bytes(gzip.compress(b"no tab here\n"))
    with pytest.raises(KBFileError, match=r"index\.tsv\.gz:1: expected 'normalized alias<TAB>"):
        KnowledgeBase._read(tmp_path / "kb").lookup("x")


# ------------------------------------------------------------- linker: same fuzzy answers


def _reference_fuzzy(kb: KnowledgeBase, label: str, norm: str, min_length: int,
                     cutoff: float) -> list[tuple[str, float, str]]:
    """The linker's former fuzzy candidates: every alias of the label with the same first
    two characters (a dict per label and prefix), rapidfuzz's 8 best."""
    aliases = kb.normalized_aliases([label], min_length=min_length)[label]
    choices = {a: cid for a, cid in aliases.items() if a[:2] == norm[:2]}
    best = process.extract(norm, choices.keys(), scorer=fuzz.ratio, score_cutoff=cutoff,
                           limit=8)
    return [(name, score, choices[name]) for name, score, _ in best]


def test_fuzzy_candidates_are_the_former_ones(blank: Language) -> None:
    """The narrowed candidates (prefix + length window) give the same best 8 as comparing
    with every alias of the prefix, on misspelled names of a generated KB."""
    rng = random.Random(5)
    stems = ["lenalidomide", "thalidomide", "pomalidomide", "rituximab", "infliximab",
             "adalimumab", "dermatitis", "dermatomyositis", "polymyositis", "hepatitis"]
    concepts = [Concept(f"MESH:D{i:04d}", f"{stem}{suffix}",
                        "DISEASE" if stem.endswith(("itis", "sis")) else "DRUG")
                for i, (stem, suffix) in enumerate(
                    (s, x) for s in stems for x in ("", "a", "e", "in", " b", "ol"))]
    kb = KnowledgeBase.from_concepts(concepts)
    linker = Linker(blank, "link")
    linker.use_kb(kb)
    queries = []
    for c in concepts:
        name = normalize_term(c.name)
        for _ in range(3):
            i = rng.randrange(1, len(name) - 1)
            queries.append((c.label, name[:i] + rng.choice("aeiouxy") + name[i + 1:]))
    answered = 0
    for label, norm in queries:
        expected = _reference_fuzzy(kb, label, norm, linker.min_length, linker.min_similarity)
        ids = {cid for _n, score, cid in expected if expected and score == expected[0][1]}
        got = linker._fuzzy(label, norm)
        assert got == (ids.pop() if len(ids) == 1 else None), (label, norm, expected)
        answered += got is not None
    assert answered > len(queries) // 3  # the check saw real matches, not only misses


# ------------------------------------------------------------------- warm-up and stats


def test_warm_up_loads_what_loads_lazily(blank: Language, tmp_path: Path) -> None:
    from pipeline.nlp import warm_up

    folder = tmp_path / "kb"
    shutil.copytree(kb_dir(), folder, ignore=shutil.ignore_patterns("README.md"))
    nlp = Language(vocab=blank.vocab)
    nlp.tokenizer = blank.tokenizer
    nlp.add_pipe("biotab_linker", config={"kb_path": str(folder)})
    nlp.add_pipe("biotab_cytokines", config={"kb_path": str(folder)})
    kb = KnowledgeBase.load(folder)
    assert kb._index is None  # read on the first look-up ...
    warm_up(nlp)
    assert kb._index is not None  # ... or by the warm-up, before the first document


def test_worker_stats_sum_units_per_worker() -> None:
    markers = [
        {"worker": "h:2", "startup_s": 2.5, "startup_cpu_s": 2.0, "build_s": 1.5,
         "peak_rss_mb": 500.0, "n_words": 10, "seconds": 1.0},
        {"worker": "h:1", "startup_s": 3.0, "startup_cpu_s": 2.1, "build_s": 1.6,
         "peak_rss_mb": 400.0, "n_words": 5, "seconds": 0.5},
        {"worker": "h:2", "startup_s": 2.5, "startup_cpu_s": 2.0, "build_s": 1.5,
         "peak_rss_mb": 620.0, "n_words": 20, "seconds": 2.0},
    ]
    stats = worker_stats(markers)
    assert [s["worker"] for s in stats] == ["h:1", "h:2"]
    assert stats[1] == {"worker": "h:2", "startup_s": 2.5, "startup_cpu_s": 2.0, "build_s": 1.5,
                        "peak_rss_mb": 620.0, "units": 2, "n_words": 30, "unit_seconds": 3.0}


def test_worker_stats_place_each_worker_s_units_on_the_run_s_timeline() -> None:
    """With the driver's start (`origin`), each worker's first unit start and last unit end,
    in seconds since then, whatever order the markers come in; markers that do not say when
    their unit started (written before) leave the span out."""
    markers = [
        {"worker": "h:2", "seconds": 2.0, "started_at": 1_000_005.5},
        {"worker": "h:1", "seconds": 0.5, "started_at": 1_000_002.0},
        {"worker": "h:2", "seconds": 1.0, "started_at": 1_000_002.25},
        {"worker": "h:3", "seconds": 1.0},
    ]
    one, two, three = worker_stats(markers, origin=1_000_000.0)
    assert (one["units_from_s"], one["units_to_s"]) == (2.0, 2.5)
    assert (two["units_from_s"], two["units_to_s"]) == (2.25, 7.5)
    assert "units_from_s" not in three
    assert all("units_from_s" not in s for s in worker_stats(markers))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="read from /proc on Linux")
def test_process_age_is_the_time_since_the_process_started() -> None:
    """A child process reports its age as it prints it: never more than the time the parent
    saw pass since starting it (psutil's create_time, from a boot time in whole seconds, made
    ages up to a second too long), and it grows with the time slept."""
    import subprocess
    import time

    code = ("import time; from pipeline.runner.shard import process_age; a = process_age(); "
            "time.sleep(0.3); print(a, process_age())")
    t0 = time.monotonic()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    elapsed = time.monotonic() - t0
    first, second = map(float, out.split())
    assert 0.0 < first <= elapsed - 0.3 + 0.02  # 10 ms ticks, on either side
    assert 0.28 <= second - first <= elapsed


def test_sorted_lines_scan_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Line starts, `one_per_line` and `starts_with` are the same whatever the scan's chunk
    size (chunks of 7 bytes end inside lines, at newlines and inside multi-byte letters)."""
    rng = random.Random(7)
    lines = sorted({"".join(rng.choice("ab\té") for _ in range(rng.randint(1, 12))) + "\tx"
                    for _ in range(200)})
    data = "".join(x + "\n" for x in lines).encode()
    whole = SortedLines(data, key_start=0, key_end=b"\t", source="t")
    monkeypatch.setattr(table_module, "_SCAN_BYTES", 7)
    chunked = SortedLines(data, key_start=0, key_end=b"\t", source="t")
    assert chunked._starts == whole._starts and len(chunked) == len(lines)
    assert [chunked.line(i).decode() for i in range(len(chunked))] == lines
    one_tab = ["\t" not in x.removesuffix("\tx") for x in lines]
    assert chunked.one_per_line(b"\t") is all(one_tab)
    ids = SortedLines(b"".join(b'{"id":"%d"}\n' % i for i in range(50)), key_start=7,
                      key_end=b'"', source="t")
    assert ids.starts_with(b'{"id":"') and not ids.starts_with(b'{"id":"1')


def test_kb_gzip_read_whole_whatever_its_members() -> None:
    """A file the manifest vouches for (one member, the build's) and any other gzip file
    (several members: all of them) give their whole bytes."""
    first, second = b"a\t1\n" * 1000, b"b\t2\n"
    assert table_module._decompress(gzip.compress(first), vouched=True) == first
    two = gzip.compress(first) + gzip.compress(second)
    assert table_module._decompress(two, vouched=False) == first + second
    # vouched but not one member after all (its trailer's size is the last member's): all
    assert table_module._decompress(two, vouched=True) == first + second


def test_collector_paused_restores_the_collector() -> None:
    """No automatic collection inside (srsly's `msgpack_loads`, which turns the collector
    back on, included); the caller's thresholds after, whatever they were."""
    import gc

    from pipeline.collector import collector_paused

    started: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    before = gc.get_threshold()
    gc.callbacks.append(seen)
    try:
        gc.set_threshold(500, 7, 9)
        with collector_paused():
            srsly.msgpack_loads(srsly.msgpack_dumps({"a": [1, 2]}))
            kept = [[] for _ in range(5000)]  # ten times the threshold
            assert started == []
        assert gc.get_threshold() == (500, 7, 9)
        kept += [[] for _ in range(5000)]
        assert started  # collections again after the block
    finally:
        gc.callbacks.remove(seen)
        gc.set_threshold(*before)


def test_what_a_paused_block_made_is_not_walked_by_the_next_young_collection() -> None:
    """After the block, its objects are in the oldest generation and the count of new objects
    is zero: the next automatic collection of the youngest generation does not walk them (it
    walked a whole pipeline, 0.06 s). A caller's frozen objects stay frozen (then the block
    moves nothing)."""
    import gc

    from pipeline.collector import collector_paused

    started: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        gc.callbacks.append(seen)
        try:
            with collector_paused():
                kept = [[] for _ in range(20_000)]
            after = [[] for _ in range(300)]  # fewer new objects than the threshold
        finally:
            gc.callbacks.remove(seen)
        assert started == [] and len(after) == 300
        young = {id(o) for o in gc.get_objects(generation=0)}
        assert not any(id(x) in young for x in kept)
        gc.freeze()
        try:
            frozen = gc.get_freeze_count()
            with collector_paused():
                more = [[] for _ in range(20_000)]
            assert gc.get_freeze_count() == frozen
            assert len(more) == 20_000
        finally:
            gc.unfreeze()
    finally:
        gc.set_threshold(*before)


def test_vouched_kb_tables_are_mapped_from_their_copy(tmp_path: Path,
                                                      tables_cache: Path) -> None:
    """A vouched table is decompressed once: its copy is mapped by the next load (same
    look-ups); a copy that does not match the gzip file is not used (and is written anew)."""
    import mmap

    cache = tables_cache
    _write_kb(tmp_path / "kb", sorted(CONCEPTS, key=lambda c: c["concept_id"]), sorted(INDEX),
              manifest=True, compact=True)
    first = KnowledgeBase._read(tmp_path / "kb")
    first.warm_up()  # the index is read on first use
    assert isinstance(first.concepts._table.data, bytes)  # type: ignore[attr-defined]
    copies = sorted(cache.iterdir())
    assert sorted(p.name.split("-", 1)[1] for p in copies) == ["concepts.jsonl", "index.tsv"]
    second = KnowledgeBase._read(tmp_path / "kb")
    assert isinstance(second.concepts._table.data, mmap.mmap)  # type: ignore[attr-defined]
    for kb in (first, second):
        assert [c.concept_id for c in kb.lookup("Aldara")] == ["MESH:D2"]
        assert kb.lookup("IL2")[0].name == "interleukin 2"
        assert kb.label_of("MESH:D1") == "DISEASE"
    assert isinstance(second._index.data, mmap.mmap)  # type: ignore[union-attr]
    concepts = next(p for p in copies if p.name.endswith("concepts.jsonl"))
    good = concepts.read_bytes()
    concepts.write_bytes(good.replace(b"Psoriasis", b"Psoriasiz"))  # same size, other bytes
    third = KnowledgeBase._read(tmp_path / "kb")
    assert isinstance(third.concepts._table.data, bytes)  # type: ignore[attr-defined]
    assert third.concepts["MESH:D1"].name == "Psoriasis" and concepts.read_bytes() == good


def test_kb_table_copies_others_may_change_are_not_mapped(tmp_path: Path,
                                                          tables_cache: Path) -> None:
    """A copy passes its size and CRC-32 check however it was written: one in a folder, or
    itself, writable by others (a shared cache) is not used, so no one else can change what
    the KB says; the copies biotab writes are its user's alone."""
    import mmap

    _write_kb(tmp_path / "kb", sorted(CONCEPTS, key=lambda c: c["concept_id"]), sorted(INDEX),
              manifest=True, compact=True)
    KnowledgeBase._read(tmp_path / "kb")
    copy = next(p for p in tables_cache.iterdir() if p.name.endswith("concepts.jsonl"))
    assert copy.stat().st_mode & 0o777 == 0o600
    for target in (copy, tables_cache):
        mode = target.stat().st_mode
        target.chmod(mode | 0o022)
        kb = KnowledgeBase._read(tmp_path / "kb")
        assert isinstance(kb.concepts._table.data, bytes)  # type: ignore[attr-defined]
        assert kb.concepts["MESH:D1"].name == "Psoriasis"
        target.chmod(mode)
    kb = KnowledgeBase._read(tmp_path / "kb")
    assert isinstance(kb.concepts._table.data, mmap.mmap)  # type: ignore[attr-defined]


def test_kb_loads_when_its_copies_cannot_be_written(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setattr(table_module, "tables_cache_dir", lambda: blocker / "kb-tables")
    _write_kb(tmp_path / "kb", sorted(CONCEPTS, key=lambda c: c["concept_id"]), sorted(INDEX),
              manifest=True)
    for _ in range(2):
        kb = KnowledgeBase._read(tmp_path / "kb")
        assert [c.concept_id for c in kb.lookup("Aldara")] == ["MESH:D2"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kb", "not-a-folder"]


def test_cache_folder_follows_the_environment(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The KB tables' copies go where the user says: BIOTAB_CACHE_DIR, then XDG_CACHE_HOME."""
    from pipeline.kb.build_sources import default_cache_dir

    monkeypatch.delenv("BIOTAB_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert table_module.tables_cache_dir() == tmp_path / "xdg" / "biotab" / "kb-tables"
    monkeypatch.setenv("BIOTAB_CACHE_DIR", str(tmp_path / "own"))
    assert default_cache_dir() == tmp_path / "own"
    assert table_module.tables_cache_dir() == tmp_path / "own" / "kb-tables"
    # relative: BIOTAB_CACHE_DIR from the working folder; a relative XDG_CACHE_HOME is ignored
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BIOTAB_CACHE_DIR", "rel")
    assert table_module.tables_cache_dir() == tmp_path.resolve() / "rel" / "kb-tables"
    monkeypatch.delenv("BIOTAB_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "xdg")
    assert default_cache_dir() == Path.home() / ".cache" / "biotab"


def test_a_replaced_pipeline_is_not_kept_frozen() -> None:
    """A process that builds a second pipeline (a library caller running twice with other
    settings) drops the first: it is collected before the run freezes what is alive (biotab's
    components hold reference cycles, which only a collection frees)."""
    import weakref
    from functools import partial

    from pipeline.nlp import build_nlp
    from pipeline.runner import local, shard

    first = shard.worker_nlp(partial(build_nlp, model=None, outcomes=False))
    gone = weakref.ref(first)
    del first
    try:
        shard.worker_nlp(partial(build_nlp, model=None, outcomes=False, assertion=False))
        with local.gc_frozen():
            assert gone() is None
    finally:
        shard.forget_nlp()


def test_a_pipeline_is_built_again_for_another_models_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pipeline a process caches is the one of the models folder it was built from: with
    `BIOTAB_MODELS` changed, the same factory builds again (it reused the first pipeline, so a
    run after another in one process, as in the test suite, read the other folder's model)."""
    from pipeline.runner import shard

    shard.forget_nlp()
    try:
        first = shard.worker_nlp(_blank_pipeline_made_with_garbage)
        assert shard.worker_nlp(_blank_pipeline_made_with_garbage) is first
        monkeypatch.setenv("BIOTAB_MODELS", str(tmp_path))
        assert shard.worker_nlp(_blank_pipeline_made_with_garbage) is not first
    finally:
        shard.forget_nlp()


def _blank_pipeline_made_with_garbage() -> Language:
    """A factory that allocates as an import of spaCy does: many objects (a module level
    `import spacy` would be cached already in a test session)."""
    import spacy

    made = [[] for _ in range(50_000)]
    assert len(made) == 50_000
    return spacy.blank("en")


def test_the_factory_builds_without_automatic_collections() -> None:
    """`worker_nlp` pauses the collector around the factory (`default_nlp` imports spaCy
    there: its collections walked the new modules' objects, 0.1 s of every start-up)."""
    import gc

    from pipeline.runner import shard

    started: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    shard.forget_nlp()
    gc.callbacks.append(seen)
    try:
        nlp = shard.worker_nlp(_blank_pipeline_made_with_garbage)
    finally:
        gc.callbacks.remove(seen)
        shard.forget_nlp()
    assert nlp.lang == "en"
    assert started == []
