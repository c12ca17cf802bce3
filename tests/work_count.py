"""Work a reader does, counted without a clock (tests of linear time: the machine is shared, so
a CPU-time bound is flaky, and speed targets are checked by benchmarks): what the JSON array
reader (`pipeline.ingest.json_elements`) and the reader of JSON objects one after another on a line
(`pipeline.ingest.json_parts`) visit, by counting wrappers of their scanning patterns and
decoders, compared at n and 4n records."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from typing import Any

import pytest


class ScanWork:
    """The characters a reader's patterns scan, counted by `CountedPattern`s (`pattern`)."""

    def __init__(self) -> None:
        self.chars = 0

    def pattern(self, pattern: re.Pattern[str]) -> CountedPattern:
        return CountedPattern(pattern, self)


class JsonWork(ScanWork):
    """The characters the JSON readers visit, counted by `count_json_work`'s wrappers: each
    decode's span (parsed, or up to the error: json then names the error's line by counting
    the lines of all the text before it, `json.decoder.JSONDecodeError`), each bracket and
    quote scan (`json_scan`'s token pattern: `extent`, `part_end`), each search for the next
    element (`json_resync`), and each step of `json_scan.Lines` (from the last place asked)."""

    def decoder(self, strict: bool) -> json.JSONDecoder:
        from pipeline.ingest.json_values import parse_int

        work = self

        class Counting(json.JSONDecoder):
            def raw_decode(self, s: str, idx: int = 0) -> tuple[Any, int]:
                try:
                    value, end = super().raw_decode(s, idx)
                except json.JSONDecodeError as exc:
                    work.chars += exc.pos  # (its line: the text from 0 to the error counted)
                    raise
                work.chars += end - idx
                return value, end

        return Counting(parse_int=parse_int, strict=strict)


class CountedPattern:
    """A compiled pattern whose `finditer`, `search` and `match` add the characters they scan
    to `work.chars` (`finditer`: up to each match taken, and the rest once it is done; a
    failed `match`: one). The one counting pattern of the tests that count work (JSON readers,
    `outcome_bare_arms`)."""

    def __init__(self, pattern: re.Pattern[str], work: ScanWork) -> None:
        self.pattern = pattern
        self.work = work

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize
                 ) -> Iterator[re.Match[str]]:
        last = pos
        for m in self.pattern.finditer(text, pos, endpos):
            self.work.chars += m.end() - last
            last = m.end()
            yield m
        self.work.chars += min(endpos, len(text)) - last

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize
               ) -> re.Match[str] | None:
        m = self.pattern.search(text, pos, endpos)
        self.work.chars += (min(endpos, len(text)) if m is None else m.end()) - pos
        return m

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        m = self.pattern.match(text, pos, endpos)
        self.work.chars += 1 if m is None else m.end() - pos
        return m


def count_json_work(monkeypatch: pytest.MonkeyPatch) -> JsonWork:
    """A `JsonWork` counting what `pipeline.ingest.json_elements` and `json_parts` visit from now
    on (their decoders, scanning patterns and `Lines` replaced by counting wrappers for the
    test)."""
    from pipeline.ingest import json_elements, json_parts, json_scan

    work = JsonWork()
    for module in (json_elements, json_parts):
        monkeypatch.setattr(module, "DECODER", work.decoder(strict=True))
    monkeypatch.setattr(json_elements, "_LAX", work.decoder(strict=False))
    monkeypatch.setattr(json_scan, "_EXTENT_TOKEN", work.pattern(json_scan._EXTENT_TOKEN))
    monkeypatch.setattr(json_elements, "ELEMENT_START",
                        work.pattern(json_elements.ELEMENT_START))
    monkeypatch.setattr(json_parts, "JOINED", work.pattern(json_parts.JOINED))

    class CountedLines(json_scan.Lines):
        def at(self, pos: int) -> tuple[int, int]:
            work.chars += abs(pos - self.pos)
            return super().at(pos)

    monkeypatch.setattr(json_elements, "Lines", CountedLines)
    return work


def grows_linearly(small: int, large: int, factor: int = 4, slack: float = 1.25) -> bool:
    """Whether work `large`, done on `factor` times the input of work `small`, is at most
    `factor` times it, with `slack` (quadratic work grows `factor` squared times)."""
    return large <= small * factor * slack
