"""The lock file `OUT/.biotab.lock`: one run at a time writes to an output folder.

The lock is an exclusive `flock` on the file, held by the driver for the whole run; the file
holds who took it (host, pid, process start time, command). The kernel frees a `flock` when its
process dies, so a run killed with SIGKILL leaves the file but not the lock: the next run finds
the file unlocked and non-empty, a *stale* lock, and names the killed run (pid, host, start time,
whether that pid is still running on this host). A stale lock is taken over only by
``--resume`` or ``--overwrite`` (which deal with what the killed run left); without them the
run is refused. A live lock refuses every other run on the same folder, whatever its flags.

On a filesystem without working locks (some NFS mounts) `flock` fails; the lock then falls back
to the recorded pid: a lock whose pid runs on this host is live, any other is stale.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import socket
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.runner.errors import RunError

log = logging.getLogger(__name__)

LOCK_NAME = ".biotab.lock"


class LockError(RunError):
    """Another run holds the output folder, or a killed run's stale lock was not taken over."""


@dataclass
class RunLock:
    """A held lock; `stale` is what a killed run left in the file when it was taken over."""

    path: Path
    fd: int
    stale: dict[str, Any] | None = None
    #: the take-over of `stale` is in the manifest (the attempt's `took_over_stale_lock`)
    stale_noted: bool = False

    def release(self) -> None:
        """Remove the file, then free the lock (a run waiting on the old file then sees that
        it was removed and takes a fresh one). A stale lock taken over by a run that stopped
        before its manifest noted it (a `--resume` refused for other settings) is put back as
        it was: the next run names the killed run again, and the resume that finishes it
        notes it."""
        if self.stale is not None and not self.stale_noted:
            with contextlib.suppress(OSError):
                os.ftruncate(self.fd, 0)
                os.pwrite(self.fd, (json.dumps(self.stale) + "\n").encode("utf-8"), 0)
                os.close(self.fd)
                return
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        with contextlib.suppress(OSError):
            os.close(self.fd)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def holder_alive(info: dict[str, Any]) -> bool | None:
    """Whether the run a lock file's `info` names still runs: None when it ran on another host
    (unknown from here)."""
    pid = info.get("pid")
    if info.get("host") != socket.gethostname():
        return None
    return isinstance(pid, int) and _pid_alive(pid)


def describe(info: dict[str, Any]) -> str:
    """'pid 123 on host h, started 2026-12-04T02:00:00+00:00[, no longer running]'."""
    text = (f"pid {info.get('pid', '?')} on host {info.get('host', '?')}, started "
            f"{info.get('started_at', '?')}")
    if holder_alive(info) is False and isinstance(info.get("pid"), int):
        text += ", no longer running"
    return text


def _read_info(fd: int) -> dict[str, Any] | None:
    os.lseek(fd, 0, os.SEEK_SET)
    raw = b""
    while chunk := os.read(fd, 65536):
        raw += chunk
    if not raw.strip():
        return None
    try:
        info = json.loads(raw)
    except ValueError:
        return {"unreadable": raw[:200].decode("utf-8", "replace")}
    return info if isinstance(info, dict) else {"unreadable": str(info)[:200]}


def read_lock(out: Path) -> dict[str, Any] | None:
    """What `OUT/.biotab.lock` records, read as a run taking the lock reads it (`_read_info`:
    {"unreadable": ...} for a file that holds no JSON object); None when there is no lock
    file, it is empty, or it cannot be read. Without taking the lock (`biotab tables` asking
    whether a run still writes there)."""
    try:
        fd = os.open(out / LOCK_NAME, os.O_RDONLY)
    except OSError:
        return None
    try:
        return _read_info(fd)
    except OSError:
        return None
    finally:
        os.close(fd)


def _open_locked(path: Path) -> tuple[int, bool]:
    """Open the lock file with the flock held; (fd, flock_supported). Raises LockError (with
    the holder named) when another process holds it."""
    for _ in range(20):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            info = _read_info(fd) or {}
            os.close(fd)
            raise LockError(
                f"another biotab run is writing to {path.parent} ({describe(info)}); wait for "
                f"it to end or choose another --out"
            ) from None
        except OSError as exc:
            if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
                os.close(fd)
                raise
            log.warning("no file locks on the filesystem of %s (%s): the lock relies on the "
                        "recorded pid", path.parent, exc)
            return fd, False
        # The file may have been removed by the run that held it between our open and flock:
        # then we hold a lock on a file nobody else sees; try again.
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd, True
        os.close(fd)
    raise LockError(f"could not take the lock {path}: it keeps being replaced")


def acquire(out: Path, *, take_over_stale: bool, command: str = "") -> RunLock:
    """Take `out/.biotab.lock` (creating `out`). Raises LockError when another run holds it,
    or when it is a killed run's stale lock and `take_over_stale` is False."""
    path = out / LOCK_NAME
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, flock_ok = _open_locked(path)
    except OSError as exc:
        raise LockError(f"cannot write to the output folder {out}: {exc.strerror or exc}") from exc
    try:
        earlier = _read_info(fd)
        if earlier is not None and not flock_ok:
            pid = earlier.get("pid")
            if (earlier.get("host") == socket.gethostname() and isinstance(pid, int)
                    and pid != os.getpid() and _pid_alive(pid)):
                raise LockError(f"another biotab run is writing to {out} ({describe(earlier)}); "
                                "wait for it to end or choose another --out")
        if earlier is not None:
            what = f"a stale lock {path} from a killed run ({describe(earlier)})"
            if not take_over_stale:
                raise LockError(f"{out} holds {what}; finish that run with --resume or "
                                "replace it with --overwrite")
            log.warning("taking over %s", what)
        info = {"host": socket.gethostname(), "pid": os.getpid(),
                "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "command": command or " ".join(sys.argv)}
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, (json.dumps(info) + "\n").encode("utf-8"))
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        raise
    return RunLock(path, fd, earlier)
