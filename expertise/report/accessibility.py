"""`expertise check-accessibility`: axe-core run on the HTML report in headless Chromium.

The report is delivered to people who may read it with a screen reader; an automated check
catches what can be caught mechanically (contrast, table headers, names of images and links,
landmarks, language). The check runs the real engine in a real browser, with nothing to
download at run time: axe-core comes from ``tools/a11y/node_modules`` (``npm ci`` by
``make install``), Chromium is the Debian package, and the browser is driven over the Chrome
DevTools Protocol on a pipe (``--remote-debugging-pipe``), so no port is opened and Python
needs no extra library. The page is loaded from ``file://`` (the report is self-contained)
and axe is injected from the local file, never fetched.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from ..clihelp import HelpCommand
from ..errors import UsageError
from ..i18n import Message, msg, render

#: axe's impacts, worst first; serious and critical ones make the check fail
IMPACTS = ("critical", "serious", "moderate", "minor")
FAILING = frozenset({"critical", "serious"})
AXE_RELATIVE = Path("tools/a11y/node_modules/axe-core")
#: a source checkout (an installed package has no node_modules of its own)
CHECKOUT = Path(__file__).resolve().parents[2]
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT = 120.0
MAX_TARGETS_SHOWN = 8


@dataclass(frozen=True)
class Violation:
    """One axe rule broken, with the elements that break it (CSS selectors and HTML excerpts)."""

    rule: str
    impact: str
    help: str
    help_url: str
    targets: tuple[str, ...]
    snippets: tuple[str, ...] = field(default=())

    @property
    def failing(self) -> bool:
        return self.impact in FAILING

    def message(self) -> Message:
        return msg("report.a11y.violation", impact=IMPACT_LABELS[self.impact], rule=self.rule, help=self.help,
                   count=len(self.targets))

    def to_dict(self, lang: str) -> dict[str, Any]:
        message = self.message()
        return {"rule": self.rule, "impact": self.impact, "help": self.help, "help_url": self.help_url,
                "targets": list(self.targets), "snippets": list(self.snippets), **message.to_dict(),
                "message": render(message, lang)}


IMPACT_LABELS = {
    "critical": msg("report.a11y.impact.critical"),
    "serious": msg("report.a11y.impact.serious"),
    "moderate": msg("report.a11y.impact.moderate"),
    "minor": msg("report.a11y.impact.minor"),
}


@dataclass(frozen=True)
class Check:
    """What axe found on one page, and with which engine."""

    page: Path
    axe_version: str
    violations: tuple[Violation, ...]

    @property
    def failing(self) -> tuple[Violation, ...]:
        return tuple(v for v in self.violations if v.failing)


def find_axe(explicit: Path | None = None) -> Path:
    """axe-core's folder: ``--axe``, else ``EXPERTISE_AXE``, else the source checkout's
    tools/a11y or the current folder's (an installed package has no node_modules of its own)."""
    named = explicit or (Path(os.environ["EXPERTISE_AXE"]) if os.environ.get("EXPERTISE_AXE") else None)
    # a folder the expert names is the one used: no silent fallback to another copy
    candidates = [named] if named else [CHECKOUT / AXE_RELATIVE, Path.cwd() / AXE_RELATIVE]
    for candidate in candidates:
        folder = candidate.parent if candidate.is_file() else candidate
        if (folder / "axe.min.js").is_file():
            return folder
    shown = candidates[0]
    raise UsageError(msg("report.a11y.no_axe", folder=str(shown)), path=str(shown))


def find_chromium() -> Path:
    """The browser: ``EXPERTISE_CHROMIUM``, else the Debian package's ``chromium`` on the PATH."""
    named = os.environ.get("EXPERTISE_CHROMIUM")
    found = named if named and Path(named).is_file() else next(filter(None, map(shutil.which, BROWSERS)), None)
    if not found:
        raise UsageError(msg("report.a11y.no_chromium"))
    return Path(found)


def check_page(page: Path, *, axe: Path | None = None, chromium: Path | None = None, lang: str = "en",
               timeout: float = TIMEOUT) -> Check:
    """Run axe-core on ``page`` in headless Chromium. ``lang`` chooses axe's own locale for the
    rules' help texts (they are axe's words, shown as axe writes them)."""
    page = page.resolve()
    try:
        page.read_bytes()
    except OSError as exc:
        raise UsageError(msg("report.a11y.unreadable", error=exc.strerror or str(exc)), path=str(page)) from None
    axe_folder = find_axe(axe)
    browser = chromium or find_chromium()
    source = (axe_folder / "axe.min.js").read_text(encoding="utf-8")
    locale_file = axe_folder / "locales" / f"{lang}.json"
    locale = locale_file.read_text(encoding="utf-8") if lang != "en" and locale_file.is_file() else "null"
    with _Browser(browser, timeout) as session:
        session.open(page.as_uri())
        session.evaluate(source)
        raw = session.evaluate(
            "(async () => { const locale = " + locale + "; if (locale) axe.configure({locale});"
            " const r = await axe.run(document, {resultTypes: ['violations']});"
            " return JSON.stringify({version: axe.version, violations: r.violations}); })()",
            await_promise=True)
    found = json.loads(raw)
    violations = tuple(
        Violation(rule=v["id"], impact=v.get("impact") or "minor", help=v.get("help", ""),
                  help_url=v.get("helpUrl", ""),
                  targets=tuple(" ".join(map(str, n.get("target", []))) for n in v.get("nodes", [])),
                  snippets=tuple(n.get("html", "")[:200] for n in v.get("nodes", [])))
        for v in found["violations"])
    order = {impact: i for i, impact in enumerate(IMPACTS)}
    return Check(page, found["version"], tuple(sorted(violations, key=lambda v: (order.get(v.impact, 9), v.rule))))


class _Browser:
    """Headless Chromium driven over DevTools on fds 3 (commands in) and 4 (replies out):
    NUL-terminated JSON messages, one flattened session on one new page."""

    def __init__(self, executable: Path, timeout: float) -> None:
        self.executable, self.timeout, self.deadline = executable, timeout, time.monotonic() + timeout
        self.next_id, self.buffer, self.session = 0, b"", ""

    def __enter__(self) -> "_Browser":
        self.profile = tempfile.mkdtemp(prefix="expertise-a11y-")
        to_browser_r, to_browser_w = _pipe_above_4()
        from_browser_r, from_browser_w = _pipe_above_4()

        def wire() -> None:  # in the child: the pipe ends at the fds Chromium expects
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        flags = ["--headless=new", "--remote-debugging-pipe", f"--user-data-dir={self.profile}", "--disable-gpu",
                 "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps",
                 "--mute-audio", "--allow-file-access-from-files", "about:blank"]
        if os.geteuid() == 0:  # Chromium refuses to sandbox as root
            flags.insert(0, "--no-sandbox")
        try:
            self.process = subprocess.Popen([str(self.executable), *flags], stdin=subprocess.DEVNULL,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                            close_fds=False, preexec_fn=wire)  # noqa: PLW1509 - no threads here
        except OSError as exc:
            shutil.rmtree(self.profile, ignore_errors=True)
            raise UsageError(msg("report.a11y.browser_failed", error=exc.strerror or str(exc)),
                             path=str(self.executable)) from None
        finally:
            os.close(to_browser_r)
            os.close(from_browser_w)
        self.writer, self.reader = to_browser_w, from_browser_r
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.send("Browser.close", session=False, wait=False)
        except (UsageError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.writer)
        os.close(self.reader)
        shutil.rmtree(self.profile, ignore_errors=True)

    def open(self, url: str) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 session=False)["sessionId"]
        self.send("Page.enable")
        self.send("Page.navigate", {"url": url})
        self._wait_for("Page.loadEventFired")

    def evaluate(self, expression: str, *, await_promise: bool = False) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "awaitPromise": await_promise,
                                                "returnByValue": True})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            error = details.get("exception", {}).get("description") or details.get("text", "")
            raise UsageError(msg("report.a11y.browser_failed", error=str(error)[:500]))
        return result.get("result", {}).get("value")

    def send(self, method: str, params: dict[str, Any] | None = None, *, session: bool = True,
             wait: bool = True) -> dict[str, Any]:
        self.next_id += 1
        command: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            command["sessionId"] = self.session
        try:
            os.write(self.writer, json.dumps(command).encode("utf-8") + b"\0")
        except OSError as exc:  # the browser is gone (crashed, or refused a flag)
            raise UsageError(msg("report.a11y.browser_failed", error=f"{method}: {exc.strerror or exc}"),
                             path=str(self.executable)) from None
        if not wait:
            return {}
        reply = self._wait_for(None, self.next_id)
        if "error" in reply:
            raise UsageError(msg("report.a11y.browser_failed", error=f"{method}: {reply['error'].get('message')}"))
        result: dict[str, Any] = reply.get("result", {})
        return result

    def _wait_for(self, event: str | None, reply_id: int | None = None) -> dict[str, Any]:
        """The reply to command ``reply_id``, or the next ``event`` of our session; others are skipped."""
        while True:
            while b"\0" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\0", 1)
                message = json.loads(raw)
                if reply_id is not None and message.get("id") == reply_id:
                    return dict(message)
                if event is not None and message.get("method") == event:
                    return dict(message)
            remaining = self.deadline - time.monotonic()
            readable, _, _ = select.select([self.reader], [], [], max(remaining, 0))
            chunk = os.read(self.reader, 1 << 20) if readable else b""
            if not chunk:
                if readable:  # end of the pipe: the browser has exited
                    try:
                        why = f"exit status {self.process.wait(timeout=5)}"
                    except subprocess.TimeoutExpired:
                        why = "closed its DevTools pipe"
                else:
                    why = f"no answer in {self.timeout:.0f} s"
                raise UsageError(msg("report.a11y.browser_failed", error=why), path=str(self.executable))
            self.buffer += chunk


def _pipe_above_4() -> tuple[int, int]:
    """A pipe whose ends are not fds 3 or 4, so that moving them there in the child never
    overwrites the other end."""
    ends = []
    for fd in os.pipe():
        ends.append(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 5))
        os.close(fd)
    return ends[0], ends[1]


@click.command(name="check-accessibility", cls=HelpCommand)
@click.argument("page", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@click.option("--axe", type=click.Path(path_type=Path), default=None)
def command(page: Path, as_json: bool, axe: Path | None) -> None:
    from ..console import emit_json, language, out, say

    lang = language()
    result = check_page(page, axe=axe, lang=lang)
    if as_json:
        emit_json({"page": str(result.page), "axe_version": result.axe_version,
                   "failing": len(result.failing), "violations": [v.to_dict(lang) for v in result.violations]})
    else:
        for violation in result.violations:
            say(violation.message(), style="red" if violation.failing else "yellow", to=out)
            for target in violation.targets[:MAX_TARGETS_SHOWN]:
                out.print(f"    {target}", markup=False)
            if len(violation.targets) > MAX_TARGETS_SHOWN:
                out.print(f"    … (+{len(violation.targets) - MAX_TARGETS_SHOWN})", markup=False)
        if result.violations:
            say(msg("report.a11y.summary", file=str(page), count=len(result.violations), version=result.axe_version,
                    failing=len(result.failing)), to=out)
        if not result.failing:
            say(msg("report.a11y.clean", file=str(page), version=result.axe_version), style="green", to=out)
    sys.exit(1 if result.failing else 0)
