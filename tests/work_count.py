"""Work a reader does, counted without a clock (tests of linear time: the machine is shared, so
a CPU-time bound is flaky, and speed targets are checked by benchmarks): what the JSON array
reader (`pipeline.ingest.json_array`) visits, by counting wrappers of its scanning functions,
compared at n and 4n records."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest


class JsonWork:
    """The characters the JSON array reader visits, counted by `count_json_work`'s wrappers:
    each decode's span (parsed, or up to the error: json then names the error's line by
    counting the lines of all the text before it, `json.decoder.JSONDecodeError`), each
    `json_scan.extent` scan (from its start to the end it finds, or to its limit), and each
    step of `json_scan.Lines` (from the last place asked)."""

    def __init__(self) -> None:
        self.chars = 0

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

    def extent(self, scan: Callable[..., int | None]) -> Callable[..., int | None]:
        def counted(text: str, pos: int, limit: int | None = None) -> int | None:
            stop = scan(text, pos, limit)
            self.chars += (stop if stop is not None else
                           len(text) if limit is None else limit) - pos
            return stop

        return counted


def count_json_work(monkeypatch: pytest.MonkeyPatch) -> JsonWork:
    """A `JsonWork` counting what `pipeline.ingest.json_array` visits from now on (its decoders,
    `extent` and `Lines` replaced by counting wrappers for the test)."""
    from pipeline.ingest import json_array, json_scan

    work = JsonWork()
    monkeypatch.setattr(json_array, "_DECODER", work.decoder(strict=True))
    monkeypatch.setattr(json_array, "_LAX", work.decoder(strict=False))
    monkeypatch.setattr(json_array, "extent", work.extent(json_scan.extent))

    class CountedLines(json_scan.Lines):
        def at(self, pos: int) -> tuple[int, int]:
            work.chars += abs(pos - self.pos)
            return super().at(pos)

    monkeypatch.setattr(json_array, "Lines", CountedLines)
    return work


def grows_linearly(small: int, large: int, factor: int = 4, slack: float = 1.25) -> bool:
    """Whether work `large`, done on `factor` times the input of work `small`, is at most
    `factor` times it, with `slack` (quadratic work grows `factor` squared times)."""
    return large <= small * factor * slack
