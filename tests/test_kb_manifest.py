"""models/kb/manifest.json records the rule files the committed KB was built from, as they are."""

from __future__ import annotations

import json

import pytest

from pipeline.kb.build_rules import RULE_FILES
from pipeline.kb.build_sources import sha256_bytes
from pipeline.paths import kb_dir, rule_file

MANIFEST = kb_dir() / "manifest.json"


@pytest.mark.skipif(not MANIFEST.is_file(), reason="no KB manifest (BIOTAB_MODELS elsewhere?)")
def test_manifest_rule_hashes_match_the_rule_files() -> None:
    """The SHA-256 `biotab kb build` records for each `rules/kb_*` file it reads, computed as the
    build computes it: a rule file changed after the build (even a comment) must come with a
    rebuild, or at least its recorded hash, so that the manifest says what the KB was built
    from."""
    recorded = json.loads(MANIFEST.read_text(encoding="utf-8"))["sources"]["rules"]
    assert sorted(recorded) == sorted(RULE_FILES)
    current = {name: sha256_bytes(rule_file(name).read_bytes()) for name in RULE_FILES}
    stale = {name: (recorded[name], sha) for name, sha in current.items() if sha != recorded[name]}
    assert not stale, f"manifest.json's rule hashes (recorded, file) are stale: {stale}"
