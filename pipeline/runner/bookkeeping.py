"""Manifest and resume bookkeeping of a run (the driver's side of the output folder).

* `settings`: the options that decide the tables' content; a resumed run must use the same.
* `prepare`: refuse or clear an earlier run, keep the finished shards a resume may keep, delete
  the leftovers of unfinished ones.
* `start_manifest` / `finish_manifest`: `OUT/manifest.json` at the start (status "running") and
  at the end of an attempt (counts, inputs with SHA-256, shards, cluster size).
* `finish_output`: the driver's own rows (duplicate doc_ids across shards, failed shards) and an
  empty part for every table without rows.

Resume and changed inputs
-------------------------
`--resume`: which finished shards can be kept.

A finished shard is kept only when its input file is still the file it was made from. Every
shard marker records the file's size and modification time (`input_stat`); the marker of a
file's first shard also records its SHA-256 (`input.sha256`, hashed by the worker). On resume the
driver hashes each input that has finished shards again and compares:

* SHA-256 recorded (the file's first shard finished): the file changed when the hash differs,
  or when a marker saw another size (the file changed while the killed run read it);
* no SHA-256 recorded (only later blocks of a JSONL file finished): size or modification time
  differs.

The shards of a changed file are all redone (their parts deleted first), with a warning naming
the file; the attempt in the manifest lists it under `inputs_changed`. A file that is gone gets
new shards of its own (its "missing" shard), so nothing of the old one is kept either.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from pipeline import SCHEMA_VERSION, __version__
from pipeline import output_folder as O
from pipeline import write as W
from pipeline.documents import ErrorRecord
from pipeline.ingest import PATH_PROBLEMS, Shard, error_row
from pipeline.ingest.common import display_path
from pipeline.ingest.dedupe import DEFAULT_KEEP
from pipeline.plural import plural
from pipeline.runner import duplicates as D
from pipeline.runner import plan_file as P
from pipeline.runner import units as U
from pipeline.runner.errors import RunError
from pipeline.runner.plan_apply import dropped_rows

log = logging.getLogger("pipeline.run")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --------------------------------------------------------------------------- changed inputs


def file_stat(path: str) -> dict[str, int] | None:
    """Size and modification time of an input file (None if it cannot be read)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return {"bytes": st.st_size, "mtime_ns": st.st_mtime_ns}


def _changed(path: str, markers: list[Mapping[str, Any]]) -> str | None:
    """Why the file at `path` no longer is the one its finished shards were made from (None
    when it still is)."""
    now = file_stat(path)
    if now is None:
        return "it cannot be read any more"
    stats = [m.get("input_stat") for m in markers]
    if any(not isinstance(s, dict) or s.get("bytes") != now["bytes"] for s in stats):
        return "its size changed"
    recorded = next((m["input"]["sha256"] for m in markers
                     if isinstance(m.get("input"), dict) and m["input"].get("sha256")), None)
    if recorded is not None:
        try:
            current = W.sha256_file(Path(path))
        except OSError as exc:
            return f"it cannot be read any more ({exc})"
        return None if current == recorded else "its SHA-256 changed"
    if any(s.get("mtime_ns") != now["mtime_ns"] for s in stats if isinstance(s, dict)):
        return "its modification time changed"
    return None


def changed_inputs(shards: Sequence[Shard],
                   done: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Input files with finished shards that changed since: path -> reason. A finished shard
    of a path whose content is never read (`pipeline.ingest.PATH_PROBLEMS`: missing,
    unreadable, a dangling link, ...) is unchanged: its id holds that problem, so a path that
    was a readable file then, or has become one, is another shard (processed now). A file of
    unknown format is compared as any file: its error row depends on its content."""
    by_path: dict[str, list[Mapping[str, Any]]] = {}
    for s in shards:
        if s.shard_id in done and s.fmt not in PATH_PROBLEMS:
            by_path.setdefault(s.path, []).append(done[s.shard_id])
    changed = {}
    for path, markers in by_path.items():
        why = _changed(path, markers)
        if why is not None:
            changed[path] = why
    return changed


def shard_infos(done: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Shard id -> {input, input_stat}, from the markers of finished units."""
    return {d["shard_id"]: d for m in done.values() for d in m.get("shard_info") or []}


#: The earlier run, named by its manifest's status, in the warning about a changed input (a
#: resume may follow a run that finished: "the interrupted run" was wrong there).
EARLIER_RUN = {
    "complete": "the completed run",
    "incomplete": "the earlier run (finished with failed shards)",
    "interrupted": "the interrupted run",
    "failed": "the failed run",
    # no end recorded: killed (SIGKILL, a crash, the machine's power); its lock was stale
    "running": "the earlier run (stopped before its manifest recorded an end)",
}


def drop_changed(out: Path, units: Sequence[U.Unit], done: dict[str, dict[str, Any]],
                 earlier_status: str | None = None) -> list[dict[str, str]]:
    """Forget (and delete the parts of) the finished units that read an input that changed;
    returns [{path, reason}] for the manifest. `earlier_status`: the status of the run
    resumed (its manifest's), for the warning's words."""
    shards = [s for u in units for s in u.shards]
    changed = changed_inputs(shards, shard_infos(done))
    for u in units:
        if u.unit_id in done and any(s.path in changed for s in u.shards):
            del done[u.unit_id]
            W.clean_shard(out, u.unit_id)
    who = EARLIER_RUN.get(earlier_status or "", "the earlier run")
    for path, why in sorted(changed.items()):
        log.warning("input %s changed since %s read it (%s): its shards are processed again",
                    path, who, why)
    return [{"path": display_path(p), "reason": why} for p, why in sorted(changed.items())]


# --------------------------------------------------------------------------- before the work


def settings(inputs: Sequence[str], fmt: str | None, id_field: str, text_field: str,
             title_field: str, block_size: int | None, pipeline: str,
             limits: Mapping[str, Any] | None = None, *, keep_duplicates: str = DEFAULT_KEEP,
             pubmed_updates: bool = False) -> dict[str, Any]:
    """The options that decide the tables' content: a resumed run must use the same. `limits`:
    the ingest caps and the time limit (a record over a cap is an error row in one run and a
    document in another, so they decide content too); `keep_duplicates`, `pubmed_updates`:
    which copy of a doc_id is kept, and whether `<DeleteCitation>` lists delete documents."""
    return {
        **dict(limits or {}),
        "inputs": [display_path(p) for p in inputs],
        "format": fmt,
        "id_field": id_field,
        "text_field": text_field,
        "title_field": title_field,
        "block_size": block_size,
        "pipeline": pipeline,
        "keep_duplicates": keep_duplicates,
        "pubmed_updates": pubmed_updates,
        "biotab_version": __version__,
        "schema_version": SCHEMA_VERSION,
    }


#: Settings an earlier biotab did not record, with the value it used (a resume of its run
#: compares them as recorded).
SETTING_DEFAULTS: dict[str, Any] = {"keep_duplicates": DEFAULT_KEEP, "pubmed_updates": False}


class SettingName(NamedTuple):
    """A setting as a user names it: the `biotab run` option (else the run() argument, or what
    it is), the unit its value is given in (bytes per MB for sizes), what None means."""

    name: str
    unit: int = 1
    none: str = "none"


# for a refused resume: each setting that differs, named with both values
SETTING_NAMES: dict[str, SettingName] = {
    "max_bytes": SettingName("--max-file-mb", 2**20, "0 (no cap)"),
    "max_record_bytes": SettingName("--max-record-mb", 2**20),
    "doc_timeout_s": SettingName("--doc-timeout"),
    "part_rows": SettingName("--part-rows"),
    "part_bytes": SettingName("--part-mb", 2**20),
    "format": SettingName("--format", none="none (by extension and content)"),
    "id_field": SettingName("--id-field"),
    "text_field": SettingName("--text-field"),
    "title_field": SettingName("title_field"),
    "block_size": SettingName("--block-size", none="none (whole files)"),
    "keep_duplicates": SettingName("--keep-duplicates"),
    "pubmed_updates": SettingName("--pubmed-updates"),
    "pipeline": SettingName("the pipeline (--model, --no-model)"),
    "biotab_version": SettingName("biotab's version"),
    "schema_version": SettingName("the tables' schema version"),
}
# at most this many input paths named as added or left out
_SHOWN_INPUTS = 3


def settings_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Each setting that differs between an earlier run's `old` and this run's `new` (the keys
    of either; one only the other has is none there), named as the user names it, with both
    values: "--max-record-mb 32 then, 8 now"."""
    changes = []
    for key in [*new, *(k for k in old if k not in new)]:
        was, now = old.get(key), new.get(key)
        if was == now:
            continue
        if key == "inputs" and isinstance(was, list) and isinstance(now, list):
            changes.append(_inputs_change(was, now))
            continue
        setting = SETTING_NAMES.get(key, SettingName(key))
        changes.append(f"{setting.name} {_shown(was, setting)} then, "
                       f"{_shown(now, setting)} now")
    return changes


def _shown(value: Any, setting: SettingName) -> str:
    """A setting's value as its option takes it: sizes in MB, strings quoted."""
    if value is None:
        return setting.none
    if isinstance(value, bool):  # a flag
        return "given" if value else "not given"
    if isinstance(value, int | float):
        number = value / setting.unit  # as the option is written: 1000000, 0.5, never 1e+06
        return str(int(number)) if number.is_integer() else f"{number:f}".rstrip("0")
    return repr(value)


def _inputs_change(was: list[str], now: list[str]) -> str:
    """Inputs that differ: how many then and now, and the first few added and left out."""
    before, after = set(was), set(now)
    parts = []
    for what, paths in (("added", [p for p in now if p not in before]),
                        ("left out", [p for p in was if p not in after])):
        if paths:
            more = len(paths) - _SHOWN_INPUTS
            parts.append(f"{what}: {', '.join(paths[:_SHOWN_INPUTS])}"
                         + (f" and {more} more" if more > 0 else ""))
    if not parts:
        same = ("the same paths in another order" if len(was) == len(now)
                else "the same paths, one of them given more than once in one of the runs")
        parts.append(same)
    return f"inputs: {len(was)} then, {len(now)} now (" + "; ".join(parts) + ")"


def unique_shards(shards: Iterable[Shard], out: Path) -> list[Shard]:
    """Each shard once (an input given twice is read once), none inside `out` (a link in an
    input folder may point there: a run never reads its own output)."""
    seen: set[str] = set()
    unique = []
    for s in shards:
        if s.shard_id in seen:
            log.warning("input %s is given more than once; read once", s.path)
            continue
        if _inside(s.path, out):
            continue
        seen.add(s.shard_id)
        unique.append(s)
    return unique


def _inside(path: str, folder: Path) -> bool:
    """Is `path` inside `folder`, links resolved? (`os.path.realpath`: a link loop resolves as
    far as it goes, where `Path.resolve` raised RuntimeError and ended the run)"""
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(folder))
    except ValueError:
        return False
    return True


def stale_files(out: Path, keep: set[str], run_id: str | None) -> list[Path]:
    """Part files of units and groups that are not finished-and-wanted (leftovers of an
    interrupted run, of a group whose marker is gone, or of inputs no longer listed), plus
    temporary files. Only files named as a run names them (`output_folder.run_files`) and
    written by this output folder's run (`run_id`, its manifest's): a run never deletes what it
    did not write. A part that records another run id (`pipeline.write.part_run_id`) is
    another output folder's, in a table folder both reach (a link): OutputExistsError, before
    anything is deleted. One that records none (written before run ids were recorded, or no
    readable Parquet) is told by its name, as before."""
    parts = _unit_parts(out, keep)
    check_writers(out, parts, run_id)
    return sorted({*O.temp_files(out), *parts})


def _unit_parts(out: Path, keep: set[str]) -> list[Path]:
    """The part files of units and groups (by name) in `out`'s table folders whose unit or
    group is not in `keep`."""
    found: list[Path] = []
    for name in O.TABLES:
        folder = out / name
        if folder.is_dir():
            found.extend(f for f in folder.iterdir()
                         if (key := O.shard_of_file(f.name)) is not None and U.own_key(key)
                         and key not in keep and f.is_file())
    return found


def _driver_parts(out: Path) -> list[Path]:
    """The driver's part files (`part-~run-*`) and the empty tables' (`part-_empty-*`) in
    `out`'s table folders."""
    return sorted(f for name in O.TABLES if (out / name).is_dir()
                  for pattern in (f"{O.RUN_PART_PREFIX}-*.parquet", O.EMPTY_PART)
                  for f in (out / name).glob(pattern) if f.is_file())


def check_writers(out: Path, parts: Iterable[Path], run_id: str | None) -> None:
    """OutputExistsError when one of `parts` (part files of `out`'s table folders) records
    another run id than `run_id` (`pipeline.write.part_run_id`): another output folder's run
    wrote it, in a table folder both reach through a link, and a run of `out` would delete it
    or read its rows as its own. A part that records none passes (see `stale_files`), and so
    does one in a table folder of `out`'s own (no link) when `out` holds no manifest to say
    whose run it holds (`run_id` None: deleted by hand; its parts are its own, as before)."""
    W.check_own((f for f in parts if run_id is not None or f.parent.is_symlink()), run_id,
                holder=f"the run of {out}",
                why="a run here would delete that run's rows or read them as its own: give "
                "each output folder table folders of its own, or choose another --out")


@dataclass
class Prepared:
    """The output folder, ready: the earlier manifest (when resuming), the finished units
    kept (unit id -> marker), the inputs found changed, the duplicates plan the earlier
    attempt saved (`plan_file.read_plan`, read once: its warnings are logged once; None: no
    plan)."""

    earlier: dict[str, Any] | None
    done: dict[str, dict[str, Any]]
    changed: list[dict[str, str]] = field(default_factory=list)
    plan: Path | None = None


def prepare(out: Path, units: Sequence[U.Unit], run_settings: Mapping[str, Any], *,
            overwrite: bool, resume: bool) -> Prepared:
    """Refuse or clear an earlier run (`output_folder.prepare_output`); when resuming, check
    the settings, keep the finished units of unchanged inputs (and the committed groups made
    of them only) and delete everything else an earlier attempt left."""
    # (read before --overwrite deletes the manifest: its run's leftovers are this folder's)
    own_run = W.manifest_run_id(out)
    if overwrite and not resume:  # (every part named as a run names it goes: whose is it?)
        check_writers(out, _unit_parts(out, set()), own_run)
    if own_run is not None and (overwrite or resume):
        # the driver's parts and an empty table's have the same names in every output
        # folder: the run would replace or delete another folder's (a folder holding no run
        # is refused any part of a linked table folder: `output_folder.foreign_parts`)
        check_writers(out, _driver_parts(out), own_run)
    resumed = O.prepare_output(out, overwrite=overwrite, resume=resume)
    if overwrite and not resume and own_run is not None:
        # the earlier run's driver and empty parts in a linked table folder, which
        # `remove_run` leaves (it deletes nothing through a link): replaced by the new run's
        # (another run id: `write.check_own` would refuse them as another folder's)
        for f in _driver_parts(out):
            if W.part_run_id(f) == own_run:
                f.unlink(missing_ok=True)
    earlier = W.read_manifest(out) if resumed else None
    was = (earlier or {}).get("settings")
    if isinstance(was, dict):
        was = {**SETTING_DEFAULTS, **was}
    if was not in (None, dict(run_settings)):
        diff = settings_changes(was, run_settings)
        raise RunError(
            f"cannot resume: the run in {out} used different settings: {'; '.join(diff)}; "
            "rerun with the same ones, or use --overwrite"
        )
    wanted = {u.unit_id: [s.shard_id for s in u.shards] for u in units}
    markers = W.done_shards(out)
    done = {uid: info for uid, info in markers.items()
            if wanted.get(uid) == [d.get("shard_id") for d in info.get("shard_info") or []]}
    for uid in set(markers) - set(done):
        if U.own_key(uid):  # a marker under another name is no unit's: not ours to delete
            W.clean_shard(out, uid)
    status = (earlier or {}).get("status")  # (a hand-edited manifest: any JSON value)
    changed = (drop_changed(out, units, done, status if isinstance(status, str) else None)
               if resumed else [])
    groups, damaged = U.read_groups(out)
    # on every resume, not only after a damaged marker: a deleted one leaves no trace but its
    # units' missing files
    U.drop_lost_units(out, damaged, groups, done)
    # (no plan without a resume: a new or overwritten folder holds none)
    plan = P.read_plan(out) if resumed else None
    if plan is not None:  # copies dropped in favour of a unit redone now must be read again
        D.redo_for_kept(out, done, groups, plan)
    for gid, members in groups.items():
        if not all(uid in done for uid in members):  # a unit must be redone: so must they all
            U.drop_group(out, gid)
            for uid in members:
                done.pop(uid, None)
                W.clean_shard(out, uid)
    grouped = {uid for gid, members in groups.items() if all(u in done for u in members)
               for uid in members}
    kept = {gid for gid, members in groups.items() if all(u in done for u in members)}
    if plan is not None:  # (the entries of units redone now are void, even if this stops)
        plan = P.keep_shards(out, plan, set(done) | kept)
    stale = stale_files(out, (set(done) - grouped) | kept, own_run)
    for f in stale:
        with contextlib.suppress(FileNotFoundError):
            f.unlink()
    if stale:
        log.info("removed %s of unfinished units", plural(len(stale), "leftover file"))
    return Prepared(earlier, done, changed, plan)


def undo_rowless_attempt(out: Path) -> bool:
    """After an attempt that failed (its spaCy pipeline could not be built): when `out` holds
    no part file, unit or group marker of any run, only the manifest the attempt started and
    temporaries, delete them (`output_folder.remove_run`: its empty folders too), so that the
    next plain run is not refused for a run that wrote no row. Returns whether it did; else
    (rows of this or an earlier attempt are there) the caller records the failure in the
    manifest, for --resume."""
    files = O.run_files(out)
    if any(f.name != O.MANIFEST and not f.name.endswith(".tmp") for f in files):
        return False
    O.remove_run(out)
    log.debug("the attempt wrote no row: its manifest and folders in %s are removed", out)
    return True


def uses_ner(factory: Any) -> bool:
    return not (isinstance(factory, partial) and factory.keywords.get("model", "auto") is None)


def start_manifest(out: Path, prepared: Prepared, run_settings: Mapping[str, Any],
                   attempt: dict[str, Any], *, run_id: str, cmd: Sequence[str],
                   batch_size: int, use_ner: bool) -> dict[str, Any]:
    """Write the manifest of a starting attempt (status "running"); returns it."""
    earlier = prepared.earlier or {}
    manifest: dict[str, Any] = {
        "run_id": run_id,
        "status": "running",
        "started_at": earlier.get("started_at") or attempt["started_at"],
        "ended_at": None,
        "biotab_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "command": shlex.join(cmd),
        "engine": attempt["engine"],
        "workers": attempt["workers"],
        "scheduler": attempt["scheduler"],
        "settings": dict(run_settings),
        "batch_size": batch_size,
        "models": W.model_versions(use_ner=use_ner),
        "attempts": [*(earlier.get("attempts") or []), attempt],
    }
    W.write_manifest(out, manifest)
    return manifest


# --------------------------------------------------------------------------- after the work


class Finished(NamedTuple):
    """What `finish_output` did: rows per table, documents dropped as duplicates of another
    input's (`duplicates_dropped`), and as deleted by `<DeleteCitation>` lists."""

    counts: dict[str, int]
    duplicates: int
    citations_deleted: int


def unit_deletions(units: Sequence[U.Unit], markers: Mapping[str, Mapping[str, Any]],
                   groups: Mapping[str, Sequence[str]], keys: Sequence[str]
                   ) -> list[tuple[D.Deletion, list[str]]]:
    """The `<DeleteCitation>` lists the finished units' markers hold (`deleted_citations`), in
    input order, each with its PMIDs, ranked as the file key (`keys`: a group, or the unit
    itself) holding its unit: a list deletes the copies of earlier keys only (inside its group
    the driver applied it before the group was merged)."""
    rank = {key: i for i, key in enumerate(keys)}
    rank.update({uid: rank[gid] for gid, members in groups.items() if gid in rank
                 for uid in members})
    lists: list[tuple[D.Deletion, list[str]]] = []
    for u in units:
        for entry in (markers.get(u.unit_id) or {}).get("deleted_citations") or []:
            pmids = entry.get("pmids") if isinstance(entry, dict) else None
            if isinstance(pmids, list) and u.unit_id in rank:
                lists.append((D.Deletion(rank[u.unit_id], u.unit_id, entry.get("source"),
                                         entry.get("location")),
                              [p for p in pmids if isinstance(p, str)]))
    return lists


def finish_output(out: Path, units: Sequence[U.Unit], pending: Sequence[U.Unit],
                  failed: Mapping[str, str], part_rows: int, part_bytes: int,
                  plan: Path | None, keep: str = DEFAULT_KEEP,
                  apply_deletions: bool = False, threads: int = 1) -> Finished:
    """The driver's part after the units: when none failed, duplicates across units (`plan`:
    the earlier attempt's, `Prepared.plan`; `keep`: the copy kept; `apply_deletions`: the
    units' `<DeleteCitation>` lists delete the copies of earlier units) and the compaction of
    the units' files into parts (`pipeline.runner.units.compact`, `threads` groups at once);
    error rows for duplicates, deleted documents and failed units; an empty part for tables
    without rows."""
    run_errors: Iterable[list[dict[str, Any]]] = ()
    if not failed:
        groups = U.done_groups(out)
        keys = U.ranked_keys(units, groups)
        deletions = (unit_deletions(units, W.done_shards(out), groups, keys)
                     if apply_deletions else [])
        dropped = D.drop_duplicates(out, keys, {u.unit_id for u in pending}, groups, plan,
                                    keep, deletions)
        del deletions  # (their PMIDs, before the compaction)
        U.compact(out, units, part_rows, part_bytes, threads)
        if dropped:  # (their rows, from the plan on disk, a batch at a time)
            run_errors = dropped_rows(P.plan_path(out), keep)
    else:
        by_id = {u.unit_id: u for u in units}
        run_errors = [[
            error_row(ErrorRecord(source=s.source, stage="run", error="shard_failed",
                                  message=f"{why} (shard {s.shard_id}; rerun with --resume)"))
            for uid, why in sorted(failed.items()) for s in by_id[uid].shards]]
    W.write_run_parts(out, "errors", run_errors, part_rows)
    W.finish_tables(out)
    # off the errors table: the units' rows as the driver reworded them
    return Finished(W.count_rows(out), *D.count_dropped(out))


def finish_manifest(out: Path, manifest: dict[str, Any], units: Sequence[U.Unit],
                    prepared: Prepared, origin: float | None = None, **fields: Any) -> None:
    """Complete and write the manifest: `fields` (status, counts, shards, ...) plus the inputs
    with their SHA-256 and the words of every finished unit, from the unit markers (`origin`:
    see `worker_stats`)."""
    markers = W.done_shards(out)
    wanted = {u.unit_id for u in units}
    infos = shard_infos({uid: m for uid, m in markers.items() if uid in wanted})
    manifest.update(
        ended_at=now(),
        inputs=[infos[s.shard_id]["input"] for u in units for s in u.shards
                if s.shard_id in infos and infos[s.shard_id].get("input")],
        n_words=sum(int(m.get("n_words", 0)) for uid, m in markers.items() if uid in wanted),
        deleted_citations=[d for u in units if u.unit_id in markers
                           for d in markers[u.unit_id].get("deleted_citations") or []],
        **fields,
    )
    manifest["worker_stats"] = worker_stats(
        [m for uid, m in markers.items() if uid in wanted], origin)
    if not manifest.get("pipeline_components"):
        manifest["pipeline_components"] = (prepared.earlier or {}).get("pipeline_components")
    W.write_manifest(out, manifest)


def worker_stats(markers: Sequence[Mapping[str, Any]],
                 origin: float | None = None) -> list[dict[str, Any]]:
    """Per worker process of the units' markers: start-up seconds (process start to a
    warmed-up pipeline: wall clock and CPU; and the build + warm-up part), peak RSS (MB),
    units, words and seconds spent on units (`benchmarks/run_speed.py` turns these into
    per-core rates). With `origin` (Unix seconds: when the driver process started), also
    when the worker's first unit of the run started and its last one ended, in seconds since
    then (`units_from_s`, `units_to_s`: the run's timeline, left out when the markers do not
    say when their units started)."""
    stats: dict[str, dict[str, Any]] = {}
    spans: dict[str, tuple[float, float]] = {}
    for m in markers:
        name = str(m.get("worker") or "?")
        s = stats.setdefault(name, {"worker": name, "startup_s": 0.0, "startup_cpu_s": 0.0,
                                    "build_s": 0.0, "peak_rss_mb": 0.0, "units": 0,
                                    "n_words": 0, "unit_seconds": 0.0})
        for key in ("startup_s", "startup_cpu_s", "build_s", "peak_rss_mb"):
            s[key] = max(s[key], float(m.get(key) or 0.0))
        s["units"] += 1
        s["n_words"] += int(m.get("n_words") or 0)
        s["unit_seconds"] = round(s["unit_seconds"] + float(m.get("seconds") or 0.0), 3)
        started = float(m.get("started_at") or 0.0)
        if origin is not None and started > 0:
            ended = started + float(m.get("seconds") or 0.0)
            first, last = spans.get(name, (started, ended))
            spans[name] = (min(first, started), max(last, ended))
    for name, (first, last) in spans.items():
        stats[name].update(units_from_s=round(first - (origin or 0.0), 3),
                           units_to_s=round(last - (origin or 0.0), 3))
    return [stats[k] for k in sorted(stats)]
