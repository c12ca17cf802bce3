"""`biotab train` on a tiny made-up IOB corpus (the real training is not run in CI)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy
import pytest

from pipeline import iob

SENTENCES = [
    [
        ("Imiquimod", "B-Chemical"),
        ("cream", "O"),
        ("cleared", "O"),
        ("basal", "B-Disease"),
        ("cell", "I-Disease"),
        ("carcinoma", "I-Disease"),
        ("in", "O"),
        ("12", "O"),
        ("patients", "O"),
        (".", "O"),
    ],
    [
        ("Dupilumab", "B-Chemical"),
        ("improved", "O"),
        ("atopic", "B-Disease"),
        ("dermatitis", "I-Disease"),
        ("(", "O"),
        ("EASI", "O"),
        ("-", "O"),
        ("75", "O"),
        (")", "O"),
        (".", "O"),
    ],
    [
        ("Cisplatin", "B-Chemical"),
        ("-", "O"),
        ("induced", "O"),
        ("nephrotoxicity", "B-Disease"),
        ("was", "O"),
        ("reduced", "O"),
        ("by", "O"),
        ("magnesium", "B-Chemical"),
        ("sulfate", "I-Chemical"),
        (".", "O"),
    ],
    [
        ("Patients", "O"),
        ("with", "O"),
        ("Parkinson", "B-Disease"),
        ("'", "I-Disease"),
        ("s", "I-Disease"),
        ("disease", "I-Disease"),
        ("received", "O"),
        ("L", "B-Chemical"),
        ("-", "I-Chemical"),
        ("dopa", "I-Chemical"),
        (".", "O"),
    ],
    [
        ("Methotrexate", "B-Chemical"),
        ("and", "O"),
        ("5", "B-Chemical"),
        ("-", "I-Chemical"),
        ("FU", "I-Chemical"),
        ("caused", "O"),
        ("mucositis", "B-Disease"),
        ("and", "O"),
        ("neutropenia", "B-Disease"),
        (".", "O"),
    ],
]


def write_iob(path: Path, sentences=SENTENCES) -> Path:
    path.write_text("\n\n".join("\n".join(f"{t}\t{g}" for t, g in s) for s in sentences) + "\n")
    return path


def test_read_iob_offsets(tmp_path):
    sents = iob.read_iob(write_iob(tmp_path / "train.tsv"))
    assert len(sents) == len(SENTENCES)
    ents = iob.sentence_entities(sents[3])
    text = sents[3].text
    assert [(text[s:e], lab) for s, e, lab in ents] == [
        ("Parkinson ' s disease", "DISEASE"),
        ("L - dopa", "DRUG"),
    ]
    docs = list(iob.group_sentences(sents, per_doc=2))
    assert len(docs) == 3
    d = docs[1]
    assert [d.text[s:e] for s, e, _ in d.entities] == [
        "Cisplatin",
        "nephrotoxicity",
        "magnesium sulfate",
        "Parkinson ' s disease",
        "L - dopa",
    ]


def test_read_iob_rejects_bad_tag(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("Aspirin\tX-Chemical\n")
    with pytest.raises(ValueError, match=r"bad\.tsv:1"):
        iob.read_iob(bad)


def test_to_doc_runtime_tokenizer_and_missing(tmp_path):
    nlp = iob.runtime_tokenizer_nlp()
    item = iob.IOBDocument(
        "Cisplatin - induced nephrotoxicity", [(0, 9, "DRUG"), (20, 34, "DISEASE")]
    )
    stats = iob.ConversionStats()
    doc = iob.to_doc(nlp, item, stats)
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Cisplatin", "DRUG"),
        ("nephrotoxicity", "DISEASE"),
    ]
    assert stats.misaligned == 0
    # expand alignment: an offset inside a token grows to the token and is counted
    item = iob.IOBDocument("Cisplatin given", [(0, 5, "DRUG")])
    doc = iob.to_doc(nlp, item, stats)
    assert doc.ents[0].text == "Cisplatin" and stats.misaligned == 1
    # disease-only documents: unknown tokens are missing, not O
    item = iob.IOBDocument(
        "aspirin caused asthma",
        [(15, 21, "DISEASE")],
        partial_labels=frozenset({"DISEASE"}),
        outside_spans=[(8, 14)],
    )
    doc = iob.to_doc(nlp, item)
    assert [t.ent_iob_ for t in doc] == ["", "O", "B"]


@pytest.mark.slow
def test_biotab_train_tiny(tmp_path):
    import spacy
    from typer.testing import CliRunner

    from pipeline.cli import app

    corpora = tmp_path / "corpora"
    corpora.mkdir()
    write_iob(corpora / "train.tsv")
    out = tmp_path / "model"
    result = CliRunner().invoke(
        app, ["train", "--corpora", str(corpora), "--output", str(out), "--max-steps", "20"]
    )
    assert result.exit_code == 0, result.output + repr(result.exception)
    nlp = spacy.load(out)
    assert nlp.pipe_names == ["biotab_lexicon", "tok2vec", "ner"]
    assert {"DRUG", "DISEASE"} <= set(nlp.get_pipe("ner").labels)
    assert "TAG" in nlp.get_pipe_config("tok2vec")["model"]["embed"]["attrs"]
    text = "Cisplatin-induced nephrotoxicity (IL-2) in rats.2"
    # the saved tokenizer is the runtime's (scispacy's rules + compound splits)
    assert [t.text for t in nlp(text)] == [t.text for t in iob.runtime_tokenizer_nlp()(text)]
    # the model's input feature: the lexicon it carries tags the KB's names
    doc = nlp("Aldara was stopped.")
    assert doc[0].tag_ == "B-DRUG"
    assert doc.spans["lexicon"][0].id_ == "MESH:D000077271"


@pytest.mark.slow
def test_biotab_train_on_a_pipe_prints_no_colour_codes(tmp_path):
    """spaCy's messages ("✔ Initialized pipeline", its bold headings) came with ANSI colour
    codes also when `biotab train`'s output went to a file or a pipe: now plain text there."""
    import os
    import subprocess
    import sys

    corpora = tmp_path / "corpora"
    corpora.mkdir()
    write_iob(corpora / "train.tsv")
    # (wasabi's switches, `pipeline.cli_group.PLAIN_OUTPUT_ENV`, as a user who set none)
    env = {k: v for k, v in os.environ.items()
           if k not in ("ANSI_COLORS_DISABLED", "WASABI_NO_PRETTY", "WASABI_LOG_FRIENDLY")}
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "train", "--corpora", str(corpora), "--output",
         str(tmp_path / "model"), "--max-steps", "2"],
        capture_output=True, text=True, env=env, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Initialized pipeline" in proc.stdout and "model written to" in proc.stdout
    assert "\x1b" not in proc.stdout + proc.stderr, proc.stdout


def test_plain_library_output_sets_wasabi_s_switches_for_the_block_only(monkeypatch):
    """Off a terminal the switches are set inside the block and gone after it; one the user
    set is kept as it was; on a terminal nothing is set."""
    import io
    import os

    from pipeline.cli_group import PLAIN_OUTPUT_ENV, plain_library_output

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    no_colours, no_pretty = PLAIN_OUTPUT_ENV
    monkeypatch.delenv(no_colours, raising=False)
    monkeypatch.setenv(no_pretty, "yes")
    monkeypatch.setattr("sys.stdout", io.StringIO())
    with plain_library_output():
        assert (os.environ[no_colours], os.environ[no_pretty]) == ("1", "yes")
    assert no_colours not in os.environ and os.environ[no_pretty] == "yes"
    monkeypatch.setattr("sys.stdout", Terminal())
    with plain_library_output():
        assert no_colours not in os.environ


def test_hash_char_embed_shapes_and_bad_config():
    from spacy.util import registry

    from pipeline.nlp import blank_nlp

    # found by name, as spacy.load finds it in a saved config (entry point or import)
    make = registry.architectures.get("biotab.HashCharEmbed.v1")
    nlp = blank_nlp()
    docs = [nlp("Aldara treats cutaneous lupus erythematosus."), nlp("Dupilumab")]
    model = make(32, ["NORM", "SUFFIX", "TAG"], [500, 200, 16], 8, 4)
    model.initialize(X=docs)
    vectors = model.predict(docs)
    assert [v.shape for v in vectors] == [(len(docs[0]), 32), (1, 32)]
    # the characters reach the output: two words sharing their only hash bucket differ once
    # the character table (zeros at initialization) holds something
    tiny = make(8, ["NORM"], [1], 8, 4)
    twins = [nlp("imiquimod"), nlp("rituximab")]
    tiny.initialize(X=twins)
    first, second = tiny.predict(twins)
    assert abs(first - second).sum() == 0
    (chars,) = [node for node in tiny.walk() if node.name == "charembed"]
    chars.set_param("E", numpy.random.default_rng(0).normal(size=chars.get_param("E").shape))
    first, second = tiny.predict(twins)
    assert abs(first - second).sum() > 0
    with pytest.raises(ValueError, match="attrs and rows differ"):
        make(32, ["NORM", "TAG"], [500], 8, 4)
    with pytest.raises(ValueError, match="expected nC >= 2"):
        make(32, ["NORM"], [500], 8, 1)


@pytest.mark.parametrize(
    "config", sorted((Path(__file__).parent.parent / "models" / "configs").glob("*.cfg")),
    ids=lambda p: p.name,
)
def test_every_committed_config_builds_a_pipeline(config):
    import spacy

    nlp = spacy.util.load_model_from_config(spacy.util.load_config(config), auto_fill=True)
    assert {"tok2vec", "ner"} <= set(nlp.pipe_names)
    # the tokenizer named in the config is the runtime's (scispacy's rules + compound splits)
    text = "Cisplatin-induced nephrotoxicity (IL-2) in rats."
    assert [t.text for t in nlp.make_doc(text)] == [
        t.text for t in iob.runtime_tokenizer_nlp()(text)
    ]


PUBTATOR = """\
1|t|Cisplatin-induced nephrotoxicity in rats
1|a|Aspirin/clopidogrel and (+)-propranolol were given; lithium-treated rats had seizures.
1\t0\t9\tCisplatin\tChemical\tD002945
1\t18\t32\tnephrotoxicity\tDisease\tD007674
1\t41\t48\tAspirin\tChemical\tD001241
1\t49\t60\tclopidogrel\tChemical\tC055162
1\t69\t80\tpropranolol\tChemical\tD011433
1\t93\t100\tlithium\tChemical\tD008094
1\t118\t126\tseizures\tDisease\tD012640

"""


def test_pubtator_conversion_aligns_raw_text_mentions(tmp_path):
    import json

    from spacy.tokens import DocBin

    from pipeline.nlp import blank_nlp
    from pipeline.train import convert_corpora

    folder = tmp_path / "corpora" / "bc5cdr"
    folder.mkdir(parents=True)
    write_iob(folder / "train.tsv")
    for split in ("train", "devel"):
        (folder / f"{split}.pubtator").write_text(PUBTATOR, encoding="utf-8")
    paths = convert_corpora(tmp_path / "corpora", tmp_path / "out")
    report = json.loads((tmp_path / "out" / "conversion.json").read_text())
    assert report["_settings"]["source"] == "pubtator"
    assert (report["bc5cdr/train"]["entities"], report["bc5cdr/train"]["misaligned"]) == (7, 0)
    (doc,) = DocBin().from_disk(paths["train"]).get_docs(blank_nlp().vocab)
    assert [e.text for e in doc.ents] == [
        "Cisplatin", "nephrotoxicity", "Aspirin", "clopidogrel", "propranolol", "lithium",
        "seizures",
    ]
    iob_paths = convert_corpora(tmp_path / "corpora", tmp_path / "iob", source="iob")
    assert json.loads((tmp_path / "iob" / "conversion.json").read_text())["_settings"][
        "source"] == "iob"
    # the IOB split's documents carry the IOB file's entities, in order
    iob_docs = list(DocBin().from_disk(iob_paths["train"]).get_docs(blank_nlp().vocab))
    expected = [(s.text[a:b], label) for s in iob.read_iob(folder / "train.tsv")
                for a, b, label in iob.sentence_entities(s)]
    assert [(e.text, e.label_) for d in iob_docs for e in d.ents] == expected
    assert len(expected) > 5


@pytest.mark.parametrize("numpy_matmul", [True, False])
def test_train_builds_models_with_numpy_matmul_only_inside(tmp_path, monkeypatch, numpy_matmul):
    import spacy.cli.train
    from thinc.api import get_current_ops

    from pipeline.train import train

    corpora = tmp_path / "corpora"
    corpora.mkdir()
    write_iob(corpora / "train.tsv")
    seen = []

    def fake_spacy_train(*args, **kwargs):
        seen.append(get_current_ops())
        raise RuntimeError("stop after the ops check")

    monkeypatch.setattr(spacy.cli.train, "train", fake_spacy_train)
    before = get_current_ops()
    with pytest.raises(RuntimeError, match="stop after"):
        train(corpora, output=tmp_path / "model", work_dir=tmp_path / "work",
              numpy_matmul=numpy_matmul)
    (ops,) = seen
    # thinc's NumpyOps multiplies through numpy (base Ops.gemm) when use_blis is off
    assert ops.name == "numpy" and ops.use_blis is (not numpy_matmul)
    # the caller's ops are back, even after a failed training
    assert get_current_ops() is before


# Abstracts for the PubTator-only tests: sentences of the seeds with their gold mentions as
# (surface, corpus type); the writer annotates every occurrence, with its offsets, as PubTator does.
BC5CDR_ABSTRACTS = [
    (
        "Aldara (imiquimod) in multiple sclerosis",
        "Aldara (imiquimod) should be used with extreme caution in patients with multiple "
        "sclerosis (MS). The mechanism of action of imiquimod involves toll-like receptor 7.",
        [("Aldara", "Chemical"), ("imiquimod", "Chemical"), ("multiple sclerosis", "Disease"),
         ("MS", "Disease")],
    ),
    (
        "Lenalidomide for refractory cutaneous lupus erythematosus",
        "Thalidomide has proven its efficacy in refractory cutaneous lupus disease. "
        "Cisplatin-induced nephrotoxicity was reduced by magnesium sulfate in rats.",
        [("Lenalidomide", "Chemical"), ("cutaneous lupus erythematosus", "Disease"),
         ("Thalidomide", "Chemical"), ("cutaneous lupus disease", "Disease"),
         ("Cisplatin", "Chemical"), ("nephrotoxicity", "Disease"),
         ("magnesium sulfate", "Chemical")],
    ),
    (
        "Dupilumab in atopic dermatitis and total alopecia",
        "In addition to treating a persistent case of atopic dermatitis, dupilumab caused hair "
        "growth in a young patient with years of total alopecia.",
        [("Dupilumab", "Chemical"), ("dupilumab", "Chemical"), ("atopic dermatitis", "Disease"),
         ("total alopecia", "Disease")],
    ),
]

#: Disease-only (NCBI-style): "Aldara"/"imiquimod" are BC5CDR chemicals, "prednisone" and
#: "Corticosteroids" look like chemical names; none is annotated here.
NCBI_ABSTRACT = (
    "Imiquimod and multiple sclerosis",
    "Aldara (imiquimod) should be used with extreme caution in patients with multiple "
    "sclerosis. Corticosteroids, such as prednisone, are often the first line of treatment.",
    [("multiple sclerosis", "SpecificDisease")],
)


def pubtator_records(abstracts, first_pmid: int = 100) -> tuple[str, list[list[str]]]:
    """PubTator text of `abstracts` and each abstract's mention surfaces in offset order."""
    import re

    lines, surfaces = [], []
    for pmid, (title, abstract, mentions) in enumerate(abstracts, first_pmid):
        text = f"{title}\n{abstract}"
        lines += [f"{pmid}|t|{title}", f"{pmid}|a|{abstract}"]
        found = sorted(
            (m.start(), m.end(), surface, kind)
            for surface, kind in mentions
            for m in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text)
        )
        lines += [f"{pmid}\t{s}\t{e}\t{surface}\t{kind}\tD000000" for s, e, surface, kind in found]
        surfaces.append([surface for _, _, surface, _ in found])
        lines.append("")
    return "\n".join(lines) + "\n", surfaces


def ncbi_iob_sentences() -> list[list[tuple[str, str]]]:
    """NCBI_ABSTRACT as an IOB file has it: punctuation split off, one sentence a line."""
    import re

    title, abstract, _ = NCBI_ABSTRACT
    sentences = []
    for line in [title, *re.split(r"(?<=\.) ", abstract)]:
        tokens = re.findall(r"\w+|[^\w\s]", line)
        tags = ["O"] * len(tokens)
        for i in range(len(tokens) - 1):
            if tokens[i : i + 2] == ["multiple", "sclerosis"]:
                tags[i : i + 2] = ["B-Disease", "I-Disease"]
        sentences.append(list(zip(tokens, tags, strict=True)))
    return sentences


def pubtator_corpora(root: Path, ncbi: str | None = None) -> list[list[str]]:
    """`root/bc5cdr/{train,devel}.pubtator` (no IOB file) and optionally NCBI train as
    `ncbi="pubtator"` or `ncbi="iob"`; returns the BC5CDR mention surfaces per abstract."""
    text, surfaces = pubtator_records(BC5CDR_ABSTRACTS)
    (root / "bc5cdr").mkdir(parents=True)
    for split in ("train", "devel"):
        (root / "bc5cdr" / f"{split}.pubtator").write_text(text, encoding="utf-8")
    if ncbi:
        (root / "ncbi-disease").mkdir()
    if ncbi == "pubtator":
        ncbi_text, _ = pubtator_records([NCBI_ABSTRACT])
        (root / "ncbi-disease" / "train.pubtator").write_text(ncbi_text, encoding="utf-8")
    elif ncbi == "iob":
        write_iob(root / "ncbi-disease" / "train.tsv", ncbi_iob_sentences())
    return surfaces


def test_convert_corpora_from_pubtator_only(tmp_path):
    import json

    from spacy.tokens import DocBin

    from pipeline.nlp import blank_nlp
    from pipeline.train import convert_corpora

    surfaces = pubtator_corpora(tmp_path / "corpora")
    assert not list((tmp_path / "corpora").rglob("*.tsv"))
    paths = convert_corpora(tmp_path / "corpora", tmp_path / "out")
    report = json.loads((tmp_path / "out" / "conversion.json").read_text())
    assert report["_settings"]["source"] == "pubtator"
    n_mentions = sum(len(s) for s in surfaces)
    for split in ("train", "devel"):
        stats = report[f"bc5cdr/{split}"]
        assert stats["file"].endswith(f"{split}.pubtator")
        assert (stats["docs"], stats["entities"]) == (len(BC5CDR_ABSTRACTS), n_mentions)
        assert (stats["misaligned"], stats["dropped"]) == (0, 0)
    vocab = blank_nlp().vocab
    for key in ("train", "dev"):
        docs = list(DocBin().from_disk(paths[key]).get_docs(vocab))
        assert [[e.text for e in d.ents] for d in docs] == surfaces
    (first, *_) = DocBin().from_disk(paths["train"]).get_docs(vocab)
    assert {e.label_ for e in first.ents} == {"DRUG", "DISEASE"}


def test_chemical_vocabulary_from_pubtator_runtime_tokens(tmp_path):
    from pipeline.train import bc5cdr_chemical_vocabulary

    pubtator_corpora(tmp_path)
    nlp = iob.runtime_tokenizer_nlp()
    chem = bc5cdr_chemical_vocabulary(nlp, tmp_path / "bc5cdr" / "train.pubtator")
    # "Cisplatin-induced": the runtime tokenizer splits off the name the mention covers
    assert {"aldara", "imiquimod", "cisplatin", "magnesium", "sulfate", "dupilumab"} <= chem
    assert not chem & {"induced", "caution", "patients", "lupus", "(", "-"}


@pytest.mark.parametrize("ncbi", ["pubtator", "iob"])
def test_ncbi_disease_only_chemicals_are_missing(tmp_path, ncbi):
    import json

    from spacy.tokens import DocBin

    from pipeline.nlp import blank_nlp
    from pipeline.train import convert_corpora

    pubtator_corpora(tmp_path / "corpora", ncbi=ncbi)
    paths = convert_corpora(tmp_path / "corpora", tmp_path / "out", include_ncbi=True)
    report = json.loads((tmp_path / "out" / "conversion.json").read_text())
    stats = report["ncbi-disease/train"]
    assert stats["file"].endswith("train.pubtator" if ncbi == "pubtator" else "train.tsv")
    assert (stats["entities"], stats["misaligned"]) == (2, 0)
    docs = list(DocBin().from_disk(paths["train"]).get_docs(blank_nlp().vocab))
    ncbi_docs = docs[len(BC5CDR_ABSTRACTS) :]
    assert len(ncbi_docs) == stats["docs"]
    tags = {t.text: t.ent_iob_ for d in ncbi_docs for t in d}
    ents = [(e.text, e.label_) for d in ncbi_docs for e in d.ents]
    assert ents == [("multiple sclerosis", "DISEASE")] * 2
    # BC5CDR chemicals (the vocabulary) and chemical-looking words are unknown, not O
    assert tags["Aldara"] == tags["imiquimod"] == tags["Imiquimod"] == ""
    assert tags["prednisone"] == tags["Corticosteroids"] == ""
    assert tags["caution"] == tags["patients"] == tags["treatment"] == "O"
    no_o = convert_corpora(
        tmp_path / "corpora", tmp_path / "no_o", include_ncbi=True, ncbi_o_as_outside=False
    )
    docs = list(DocBin().from_disk(no_o["train"]).get_docs(blank_nlp().vocab))
    ncbi_tokens = [t for d in docs[len(BC5CDR_ABSTRACTS) :] for t in d]
    assert {t.ent_iob_ for t in ncbi_tokens if not t.ent_type_} == {""}


def test_convert_corpora_without_training_data_names_what_it_looked_for(tmp_path):
    from pipeline.train import convert_corpora

    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match=r"bc5cdr/train\.pubtator.*bc5cdr/train\.tsv"):
        convert_corpora(empty, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    # PubTator files only: source="iob" finds no IOB training file
    pubtator_corpora(tmp_path / "corpora")
    with pytest.raises(FileNotFoundError, match=r"bc5cdr/train\.tsv") as err:
        convert_corpora(tmp_path / "corpora", tmp_path / "out", source="iob")
    assert ".pubtator" not in str(err.value)
    with pytest.raises(ValueError, match="source is 'brat'"):
        convert_corpora(tmp_path / "corpora", tmp_path / "out", source="brat")


def test_biotab_train_accepts_pubtator_only_corpora(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import pipeline.train
    from pipeline.cli import app

    pubtator_corpora(tmp_path / "corpora")
    calls = []

    def fake_train(**kwargs):
        calls.append(kwargs)
        return tmp_path / "model"

    monkeypatch.setattr(pipeline.train, "train", fake_train)
    runner = CliRunner()
    result = runner.invoke(app, ["train", "--corpora", str(tmp_path / "corpora")])
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert calls[0]["corpora_dir"] == tmp_path / "corpora"
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["train", "--corpora", str(empty)])
    assert result.exit_code == 2 and not calls[1:]


def test_check_output_refuses_a_folder_biotab_did_not_write(tmp_path):
    """Before, export_model removed OUTPUT/vocab/, tokenizer/, ner/ ... whole, the user's
    files in them too: now only a new or empty folder, or a model biotab wrote, is taken."""
    from pipeline.model_export import OutputFolderError, check_output, export_model

    check_output(tmp_path / "new")  # does not exist
    (tmp_path / "empty").mkdir()
    check_output(tmp_path / "empty")
    model = tmp_path / "model"
    (model / "vocab").mkdir(parents=True)
    (model / "meta.json").write_text(json.dumps({"name": "biotab_ner", "lang": "en"}))
    check_output(model)  # biotab's own: replaced
    user = tmp_path / "user"
    (user / "vocab").mkdir(parents=True)
    (user / "vocab" / "mine.txt").write_text("x")
    for meta in (None, "{not json", json.dumps({"name": "en_core_web_sm"}), "[]"):
        if meta is not None:
            (user / "meta.json").write_text(meta)
        with pytest.raises(OutputFolderError, match="not a model biotab wrote"):
            check_output(user)
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputFolderError, match="is a file"):
        check_output(tmp_path / "file")
    # export_model refuses before it loads or removes anything
    with pytest.raises(OutputFolderError):
        export_model(tmp_path / "no-such-model", user)
    assert (user / "vocab" / "mine.txt").read_text() == "x"


def train_refused(monkeypatch, corpora: Path, output: Path):
    """`biotab train --corpora CORPORA --output OUTPUT --max-steps 2` with spaCy's training
    made to fail: the command must refuse before it trains."""
    import spacy.cli.train
    from typer.testing import CliRunner

    from pipeline.cli import app

    def no_training(*args, **kwargs):
        raise AssertionError("training started")

    monkeypatch.setattr(spacy.cli.train, "train", no_training)
    return CliRunner().invoke(app, ["train", "--corpora", str(corpora), "--output", str(output),
                                    "--max-steps", "2"])


def test_biotab_train_refuses_a_user_folder_before_training(tmp_path, monkeypatch):
    corpora = tmp_path / "corpora"
    corpora.mkdir()
    write_iob(corpora / "train.tsv")
    out = tmp_path / "mine"
    (out / "vocab").mkdir(parents=True)
    (out / "vocab" / "mine.txt").write_text("x")
    result = train_refused(monkeypatch, corpora, out)
    assert result.exit_code == 2, result.output + repr(result.exception)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"biotab train: --output {out} is not empty")
    assert (out / "vocab" / "mine.txt").read_text() == "x"
    assert sorted(p.name for p in out.iterdir()) == ["vocab"]


@pytest.mark.skipif(not Path("/sys").is_dir(), reason="needs Linux's /sys")
def test_biotab_train_refuses_an_output_it_cannot_write_before_training(tmp_path, monkeypatch):
    """`--output` where no folder can be made (a read-only mount; /sys, where not even root
    may make one) trained the model first, then ended in an OSError traceback."""
    corpora = tmp_path / "corpora"
    corpora.mkdir()
    write_iob(corpora / "train.tsv")
    result = train_refused(monkeypatch, corpora, Path("/sys/biotab-model"))
    assert result.exit_code == 2, result.output + repr(result.exception)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "--output /sys/biotab-model cannot be written" in lines[0]


def test_biotab_train_names_a_damaged_iob_line_in_one_line(tmp_path, monkeypatch):
    """An IOB corpus line without a tag ended `biotab train` with a ValueError traceback."""
    corpora = tmp_path / "corpora"
    corpora.mkdir()
    train = write_iob(corpora / "train.tsv")
    train.write_text(train.read_text(encoding="utf-8") + "\nAspirin\tB-Chemical\nhelped\n",
                     encoding="utf-8")
    n = len(train.read_text(encoding="utf-8").splitlines())
    result = train_refused(monkeypatch, corpora, tmp_path / "model")
    assert result.exit_code == 2, result.output + repr(result.exception)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"biotab train: corpus line not read: {train}:{n}: expected")
