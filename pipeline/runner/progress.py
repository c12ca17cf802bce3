"""Progress of a run: a rich bar on a terminal, a log line every few seconds otherwise, or
nothing (`--quiet`). Engines report documents per batch (`Reporter.docs`, local engine) or
per finished shard (`Reporter.shard_done`). The log lines come every `interval` also when
nothing is reported (a thread of the reporter's: one long document annotated for minutes),
so a run never looks hung."""

from __future__ import annotations

import logging
import sys
import threading
import time
from typing import Any

from pipeline.plural import noun, plural
from pipeline.runner.shard import ShardResult

#: Progress lines go to the `pipeline.run` logger (the name users filter on).
log = logging.getLogger("pipeline.run")
#: How often, at most, the log mode's thread looks whether a line is due (`Reporter._tick`).
TICK_S = 1.0


class Reporter:
    """Progress: a rich bar on a terminal, a log line every `interval` seconds otherwise, or
    nothing. Thread-safe (per-batch document counts arrive from a background thread)."""

    def __init__(self, total_shards: int, mode: str, *, interval: float = 10.0,
                 console: Any = None) -> None:
        self.total = total_shards
        self.mode = mode
        self.interval = interval
        self.shards = 0
        self.n_docs = 0
        self.n_words = 0
        self.live = False  # the engine reports documents per batch, not only per shard
        self.t0 = time.perf_counter()
        self._last_log = self.t0
        self._lock = threading.Lock()
        #: live: per unit id, the (documents, words) of its batches so far; the units finished
        self._got: dict[str, list[int]] = {}
        self._finished: set[str] = set()
        self._console = console  # rich mode: a rich Console (None: one on stderr)
        self._progress: Any = None
        self._task: Any = None
        self._stop_ticks = threading.Event()
        self._ticker: threading.Thread | None = None

    def start(self, live: bool) -> None:
        self.live = live
        self.t0 = self._last_log = time.perf_counter()
        if self.mode == "rich":
            from rich.console import Console
            from rich.progress import Progress

            console = self._console if self._console is not None else Console(stderr=True)
            # The bar takes the width the text leaves (expand): the line fits the terminal.
            self._progress = Progress(*_rich_columns(console.width, self.total), console=console,
                                      transient=False, expand=True)
            self._progress.start()
            self._task = self._progress.add_task("run", total=self.total, completed=self.shards,
                                                 docs=plural(0, "doc"), dps=0.0, wps=0.0)
        elif self.mode == "log" and self.interval > 0:
            self._stop_ticks.clear()
            self._ticker = threading.Thread(target=self._tick, name="biotab-progress-tick",
                                            daemon=True)
            self._ticker.start()

    def _tick(self) -> None:
        """Until `stop`: a log line when none came for `interval` (`_update` decides)."""
        while not self._stop_ticks.wait(min(self.interval, TICK_S)):
            with self._lock:
                self._update(0)

    def docs(self, n_docs: int, n_words: int, unit: str | None = None) -> None:
        """A batch of unit `unit` done (counts that come after its `shard_done` are ignored:
        that has counted the whole unit)."""
        with self._lock:
            if unit is not None:
                if unit in self._finished:
                    return
                got = self._got.setdefault(unit, [0, 0])
                got[0] += n_docs
                got[1] += n_words
            self.n_docs += n_docs
            self.n_words += n_words
            self._update(0)

    def shard_done(self, result: ShardResult | None, n_shards: int = 1) -> None:
        """A unit of `n_shards` shards finished (`result` None: it failed). Live, its batches'
        counts are made up to the unit's own: a worker's last batches may reach the driver's
        queue after the unit's result, or never (a worker killed mid-write)."""
        with self._lock:
            self.shards += n_shards
            if result is not None:
                got = self._got.pop(result.shard_id, [0, 0]) if self.live else [0, 0]
                self.n_docs += max(result.n_docs - got[0], 0)
                self.n_words += max(result.n_words - got[1], 0)
                if self.live:
                    self._finished.add(result.shard_id)
            self._update(n_shards)

    def _update(self, advance: int) -> None:
        elapsed = max(time.perf_counter() - self.t0, 1e-9)
        if self._progress is not None:
            self._progress.update(self._task, advance=advance, docs=plural(self.n_docs, "doc"),
                                  dps=self.n_docs / elapsed, wps=self.n_words / elapsed)
        elif self.mode == "log":
            now = time.perf_counter()
            if now - self._last_log >= self.interval or (self.shards == self.total and advance):
                self._last_log = now
                log.info("%s", self.status_line(elapsed))

    def status_line(self, elapsed: float) -> str:
        eta = ""
        if 0 < self.shards < self.total:
            left = elapsed / self.shards * (self.total - self.shards)
            eta = f", ETA {_hms(left)}"
        return (f"{self.shards:,}/{plural(self.total, 'shard')}, {plural(self.n_docs, 'document')} "
                f"({self.n_docs / elapsed:,.1f} docs/s, {self.n_words / elapsed:,.0f} words/s), "
                f"elapsed {_hms(elapsed)}{eta}")

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
        if self._ticker is not None:
            self._stop_ticks.set()
            self._ticker.join(timeout=TICK_S + 1)
            self._ticker = None


#: Terminals at least this wide show words/s too (on narrower ones the line would not fit).
WIDE_COLUMNS = 120
#: Terminals narrower than this show the bar, the counts and the ETA only; narrower than
#: `NARROW_COLUMNS`, the counts alone (the rates and times would push them out of the line).
SHORT_COLUMNS = 80
NARROW_COLUMNS = 50


def _rich_columns(width: int, total: int) -> list[Any]:
    """The bar's columns for a terminal of `width` columns and a run of `total` shards
    (the task's `docs` field: the documents counted, `plural`), so that the longest line (36,000,000
    docs in 3,600 shards) fits it with its counts and times whole: from `WIDE_COLUMNS` all of
    them with words/s; from `SHORT_COLUMNS` the word "run" and words/s left out; from
    `NARROW_COLUMNS` also the docs/s and elapsed time ("━━ 2/3,600 shards 36,000,000 docs ETA
    0:03:01", 50 columns); below, the shards and documents counted (34 columns): the bar
    shrank to nothing and rich cut the counts to "…" there."""
    from rich.progress import (
        BarColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.table import Column

    # the shards done and in all with thousands separators, as the documents (`plural`):
    # "2/3,600 shards 36,000,000 docs" (not padded to the total's width, as the documents
    # are not: 34 columns hold the longest counts)
    done = f"{{task.completed:,.0f}}/{total:,}"
    counts = [TextColumn(done), TextColumn(noun(total, "shard")),
              TextColumn("{task.fields[docs]}")]
    if width < NARROW_COLUMNS:  # (an empty column takes the rest: the counts stay together)
        return [*counts, TextColumn("", table_column=Column(ratio=1))]
    bar = BarColumn(bar_width=None, table_column=Column(ratio=1))
    if width < SHORT_COLUMNS:
        return [bar, *counts, TextColumn("ETA"), TimeRemainingColumn()]
    wide = width >= WIDE_COLUMNS
    rates = "{task.fields[docs]}  {task.fields[dps]:,.1f} docs/s"
    if wide:
        rates += "  {task.fields[wps]:,.0f} words/s"
    return [
        TextColumn("[bold]biotab run" if wide else "[bold]biotab"),
        bar,
        *counts[:2],
        TextColumn(rates),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    ]


def _hms(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def progress_mode(quiet: bool, stream: Any = None) -> str:
    if quiet:
        return "off"
    stream = stream if stream is not None else sys.stderr
    return "rich" if getattr(stream, "isatty", lambda: False)() else "log"
