"""A run's default sizes and the time limit of one document, each in one place: the library
(`pipeline.run.run`, its stages) and the command line (`biotab run`'s option defaults and help)
read them from here.

No spaCy here: the driver of a process pool imports this module (it records the limit in use
in the manifest's settings) without importing the pipeline, and the command line reads it to
show its defaults.
"""

from __future__ import annotations

#: Documents per `nlp.pipe` batch (`--batch-size`).
DEFAULT_BATCH_SIZE = 64
#: JSONL lines per shard, the unit of parallel work (`--block-size`; None or 0: whole files).
DEFAULT_BLOCK_SIZE = 1000
#: At most this many rows per part file of a table (`--part-rows`) ...
DEFAULT_PART_ROWS = 1_000_000
#: ... and about this many megabytes (`--part-mb`): whichever is reached first.
DEFAULT_PART_MB = 128.0

#: Decompressed bytes read of one input file (`--max-file-mb`; None: no cap): why 1 GiB is in
#: `pipeline.ingest.common`'s docstring.
DEFAULT_MAX_BYTES: int | None = 1 << 30
#: Bytes of one record held in memory (`--max-record-mb`): 32 MiB, ibid.
DEFAULT_MAX_RECORD_BYTES: int = 1 << 25
#: Most shards a JSONL file is cut into (`--block-size`; see `pipeline.ingest.blocks`) ...
MAX_BLOCKS_PER_FILE = 128
#: ... and a compressed one (each of its shards decompresses what comes before it).
MAX_COMPRESSED_BLOCKS = 16

#: Characters of the longest text annotated as one Doc, the piece size of a long document
#: (`pipeline.process`'s docstring: a longer text is annotated in pieces of at most this many
#: characters, never more than `nlp.max_length`, and its rows are written piece by piece, so
#: that a worker's memory does not grow with one document's length): three long full-text
#: articles; below `MAX_CHUNK_TOKENS` tokens of real text.
DEFAULT_CHUNK_CHARS = 150_000
#: Tokens of the longest text annotated as one Doc, estimated before tokenizing
#: (`pipeline.process.token_estimate`): the model holds about 10 KB a token while it reads a
#: Doc (200,000 characters of "(" are 200,000 tokens and took 2.4 GB in tok2vec; at 50,000
#: tokens a chunk of brackets, of "=" or of tab-separated words still peaked at 0.87-0.98 GB,
#: at 30,000 at 0.70-0.77 GB). Real text has about one token in 5.5 characters (BC5CDR
#: abstracts, the seeds), so its 150,000-character chunks (about 27,000 tokens) are not cut by
#: it.
MAX_CHUNK_TOKENS = 30_000
#: Characters of text annotated together in one batch at most (`pipeline.process.batches`):
#: 64 abstracts are about 100,000; 64 full-text articles of 20,000 characters each held 2.4 GB
#: at once.
DEFAULT_BATCH_CHARS = 100_000

#: Seconds one document may take before it becomes a "timeout" error row (None: no limit).
DEFAULT_DOC_TIMEOUT_S: float | None = 600.0
#: The longest `--doc-timeout` taken (a year): the SIGALRM timer refuses far larger values.
MAX_DOC_TIMEOUT_S = 365 * 24 * 3600.0


def effective_doc_timeout(doc_timeout_s: float | None) -> float | None:
    """The limit a run applies for the `--doc-timeout` given: None (not given) is the
    default; 0 is no limit (None)."""
    if doc_timeout_s is None:
        return DEFAULT_DOC_TIMEOUT_S
    return doc_timeout_s or None
