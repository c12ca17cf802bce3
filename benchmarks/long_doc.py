"""Time and peak memory of the full pipeline on one long document (not a test).

    python benchmarks/long_doc.py [--lengths 10000,40000,...] [--kinds unpunctuated,normal,lines]
                                  [--timeout S] [--source FILE_OR_DIR] [--model auto|none]

Builds each document from real text: the seed abstracts (`seeds/`), or the text files / IOB file
named by `--source` (for example ../shared/corpora/bc5cdr/devel.tsv), repeated until the
length is reached. "normal" keeps the text's sentences and paragraphs (pieces joined by a blank
line); "unpunctuated" drops sentence punctuation (. ! ? ;) and newlines, so that the whole
document is one sentence for pysbd; "lines" puts each word on a line of its own (a word list, a
formulary or a table flattened: thousands of one-line sentences and mentions).

Each (kind, length) runs in a fresh child process (so that its peak RSS is its own), through
`pipeline.process.process_documents` as the runners call it, with every pipe and the tokenizer
wrapped in a timer. Prints one line per case: total seconds, peak RSS, rows, and the seconds of
each component; a case still running after `--timeout` seconds is reported as such.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LENGTHS = "10000,40000,80000,200000,1500000"
_SENTENCE_PUNCT = re.compile(r"[.!?;]")


def source_texts(source: str | None) -> list[str]:
    """Real text pieces: seed abstracts, a folder of .txt files, or an IOB file's documents."""
    path = Path(source) if source else ROOT / "seeds"
    if path.is_dir():
        texts = [p.read_text(encoding="utf-8") for p in sorted(path.glob("*.txt"))]
    else:
        from pipeline.iob import read_iob_documents

        texts = [d.text for d in read_iob_documents(path, per_doc=10)]
    return [t.strip() for t in texts if t.strip()]


def build_text(pieces: list[str], length: int, kind: str) -> str:
    """`length` characters of the pieces, repeated; see the module docstring for `kind`."""
    parts: list[str] = []
    size = 0
    i = 0
    while size < length:
        piece = pieces[i % len(pieces)]
        if kind == "unpunctuated":
            piece = " ".join(_SENTENCE_PUNCT.sub(" ", piece).split())
        elif kind == "lines":
            piece = "\n".join(piece.split())
        parts.append(piece)
        size += len(piece) + 2
        i += 1
    sep = {"unpunctuated": " ", "lines": "\n"}.get(kind, "\n\n")
    text = sep.join(parts)[:length]
    # never end inside a word
    return text[: text.rfind(" ")] if " " in text[-50:] else text


class Timed:
    """A pipe (or the tokenizer) whose calls add their time to `spent[name]`."""

    def __init__(self, name: str, proc: Any, spent: defaultdict[str, float]) -> None:
        self.name, self.proc, self.spent = name, proc, spent

    def __call__(self, doc: Any) -> Any:
        t = time.perf_counter()
        try:
            return self.proc(doc)
        finally:
            self.spent[self.name] += time.perf_counter() - t

    def __getattr__(self, attr: str) -> Any:
        if attr in ("pipe",):  # make spaCy call __call__ doc by doc
            raise AttributeError(attr)
        return getattr(self.proc, attr)


def one_case(kind: str, length: int, source: str | None, model: str) -> dict[str, Any]:
    from pipeline.documents import Document
    from pipeline.nlp import build_nlp
    from pipeline.process import process_documents

    text = build_text(source_texts(source), length, kind)
    nlp = build_nlp(model=None if model == "none" else model)
    nlp("Warm-up: loads what components load lazily (KB, names index).")
    spent: defaultdict[str, float] = defaultdict(float)  # seconds per component
    nlp.tokenizer = Timed("tokenizer", nlp.tokenizer, spent)
    # spaCy keeps the pipes in a private list of (name, component); wrapping them in place
    # times every component as process_documents runs it
    nlp._components[:] = [(n, Timed(n, p, spent)) for n, p in nlp._components]
    doc = Document(doc_id=f"{kind}-{length}", text=text, source="benchmark", format="txt",
                   location="1")
    t = time.perf_counter()
    counts: Counter[str] = Counter()
    for rows in process_documents(nlp, [doc], batch_size=1):
        counts.update(rows.counts())
    total = time.perf_counter() - t
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "kind": kind,
        "chars": len(text),
        "seconds": round(total, 2),
        "peak_rss_mb": round(rss_mb),
        "rows": dict(counts),
        "components": {k: round(v, 2) for k, v in sorted(spent.items(), key=lambda kv: -kv[1])},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lengths", default=DEFAULT_LENGTHS)
    ap.add_argument("--kinds", default="unpunctuated,normal,lines")
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds per case")
    ap.add_argument("--source", default=None, help="folder of .txt files or an IOB file")
    ap.add_argument("--model", default="auto", help="NER pipeline folder, auto or none")
    ap.add_argument("--one", nargs=2, metavar=("KIND", "LENGTH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    # a path error is one line and exit 2, not a traceback
    if args.source and not Path(args.source).exists():
        ap.exit(2, f"{ap.prog}: no --source at {args.source}\n")
    if args.model not in ("auto", "none") and not Path(args.model).is_dir():
        ap.exit(2, f"{ap.prog}: no spaCy pipeline folder at {args.model}\n")
    if args.one:
        result = one_case(args.one[0], int(args.one[1]), args.source, args.model)
        print(json.dumps(result))
        return
    for kind in args.kinds.split(","):
        for length in map(int, args.lengths.split(",")):
            cmd = [sys.executable, __file__, "--one", kind, str(length), "--model", args.model]
            if args.source:
                cmd += ["--source", args.source]
            try:
                proc = subprocess.run(
                    cmd, capture_output=True, text=True, timeout=args.timeout, check=True
                )
            except subprocess.TimeoutExpired:
                print(f"{kind:>12} {length:>9,} chars: still running after {args.timeout:.0f} s")
                continue
            except subprocess.CalledProcessError as exc:
                print(f"{kind:>12} {length:>9,} chars: failed: {exc.stderr[-400:]}")
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            parts = ", ".join(f"{k} {v}" for k, v in r["components"].items() if v >= 0.01)
            print(
                f"{kind:>12} {r['chars']:>9,} chars: {r['seconds']:8.2f} s, "
                f"peak RSS {r['peak_rss_mb']:,} MB, rows {r['rows']}\n    {parts}",
                flush=True,
            )


if __name__ == "__main__":
    main()
