"""Open a page in a real headless Chromium and collect what a user's browser would report.

Stdlib only: Chromium is started with `--remote-debugging-pipe` and spoken to with the DevTools
protocol over that pipe (fd 3 in, fd 4 out, NUL-separated JSON), so no websocket or playwright
package is needed. `load_page(path)` returns the console messages, uncaught exceptions, log
entries (CSP violations, failed loads), every network request the page made, and the value of a
JavaScript expression evaluated in the page once it has loaded.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """The Chromium binary: $BIOTAB_CHROMIUM, else the first candidate on PATH or in /usr/bin."""
    env = os.environ.get("BIOTAB_CHROMIUM")
    if env and Path(env).exists():
        return env
    for name in CANDIDATES:
        found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists()
                                       else None)
        if found:
            return found
    return None


@dataclass
class PageResult:
    value: Any = None
    console: list[dict[str, Any]] = field(default_factory=list)  # Runtime.consoleAPICalled
    exceptions: list[dict[str, Any]] = field(default_factory=list)  # Runtime.exceptionThrown
    log: list[dict[str, Any]] = field(default_factory=list)  # Log.entryAdded entries
    requests: list[str] = field(default_factory=list)  # URLs of Network.requestWillBeSent

    def problems(self) -> list[str]:
        """Console errors/warnings, exceptions and error/warning log entries, as text."""
        out = []
        for c in self.console:
            if c.get("type") in ("error", "warning", "assert"):
                args = " ".join(str(a.get("value", a.get("description", ""))) for a in c["args"])
                out.append(f"console.{c['type']}: {args}")
        for e in self.exceptions:
            d = e.get("exceptionDetails", {})
            desc = d.get("exception", {}).get("description", "")
            out.append(f"exception: {d.get('text', '')} {desc}".strip())
        for entry in self.log:
            if entry.get("level") in ("error", "warning"):
                out.append(f"log {entry.get('source')}/{entry['level']}: {entry.get('text')}")
        return out


class DevToolsPipe:
    """A Chromium process and its DevTools protocol connection over pipes."""

    def __init__(self, binary: str, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="biotab-chromium-")
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()

        def child_fds() -> None:  # runs in the child between fork and exec
            a, b = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(a, 3)  # dup2 makes 3 and 4 inheritable
            os.dup2(b, 4)

        args = [
            binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-default-apps", "--disable-extensions",
            "--mute-audio", f"--user-data-dir={self.profile}", "--remote-debugging-pipe",
            "about:blank",
        ]
        self.proc = subprocess.Popen(
            args, preexec_fn=child_fds, close_fds=False, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=self.stderr,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self.w, self.r = to_child_w, from_child_r
        self.buf = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def browser_log(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode("utf-8", "replace")[-4000:]

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from chromium\n" + self.browser_log())
            ready, _, _ = select.select([self.r], [], [], left)
            if ready:
                chunk = os.read(self.r, 1 << 20)
                if not chunk:
                    raise EOFError("chromium closed the DevTools pipe\n" + self.browser_log())
                self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        msg: dict[str, Any] = json.loads(raw)
        return msg

    def send(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> dict[str, Any]:
        self.next_id += 1
        msg: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def wait_for(self, method: str) -> dict[str, Any]:
        for event in self.events:
            if event.get("method") == method:
                return event
        deadline = time.monotonic() + self.timeout
        while True:
            event = self._read(deadline)
            self.events.append(event)
            if event.get("method") == method:
                return event

    def close(self) -> None:
        with contextlib.suppress(OSError, EOFError, TimeoutError, RuntimeError):
            self.send("Browser.close")  # fails when chromium is already gone
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        for fd in (self.w, self.r):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)


def load_page(binary: str, path: Path, expression: str, settle: float = 0.5) -> PageResult:
    """Load `path` (file://) in headless Chromium; evaluate `expression` (JSON-able result)."""
    browser = DevToolsPipe(binary)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})
        session = browser.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
        )["sessionId"]
        for domain in ("Runtime", "Log", "Page", "Network"):
            browser.send(f"{domain}.enable", session=session)
        browser.events.clear()
        browser.send("Page.navigate", {"url": path.resolve().as_uri()}, session=session)
        browser.wait_for("Page.loadEventFired")
        time.sleep(settle)  # late console messages / requests
        evaluated = browser.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True}, session=session,
        )
        result = PageResult(value=evaluated.get("result", {}).get("value"))
        for event in browser.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled":
                result.console.append(params)
            elif method == "Runtime.exceptionThrown":
                result.exceptions.append(params)
            elif method == "Log.entryAdded":
                result.log.append(params.get("entry", {}))
            elif method == "Network.requestWillBeSent":
                result.requests.append(params.get("request", {}).get("url", ""))
        return result
    finally:
        browser.close()
