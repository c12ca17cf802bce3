"""The time limit of one document: its default and the largest value taken, in one place.

No spaCy here: the driver of a process pool imports this module (it records the limit in use
in the manifest's settings) without importing the pipeline.
"""

from __future__ import annotations

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
