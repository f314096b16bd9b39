"""A small driver for headless Chromium, for the browser tests; no Python browser library.

* :func:`open_page` loads an HTML file and returns a :class:`Page`: the serialised DOM after
  the load event, the text as rendered (``innerText``), every console message with its level,
  and the sub-resources the page asked for.
* :func:`screenshot` and :func:`print_to_pdf` run Chromium's own ``--screenshot`` and
  ``--print-to-pdf``; :func:`pdf_pages` counts the pages of the PDF.

Console messages come from the DevTools protocol over ``--remote-debugging-pipe`` (JSON
messages separated by NUL bytes on file descriptors 3 and 4), not from the log on stderr:
with ``--enable-logging=stderr`` Chromium logs ``console.log``, ``console.error`` and an
uncaught exception alike as ``INFO:CONSOLE`` (it passes the level through only for its own
``chrome://`` pages), and it does not log a failed resource load at all. The protocol reports
each with its level.

Every run is headless, in a fresh temporary profile, without sandbox (the tests run as root in
containers), GPU, extensions or first-run pages, and without network: every HTTP(S) request goes
to a proxy that refuses connections and no host name resolves, so a document that loads
anything from the network fails at once, with a console error.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

#: Executables looked up on ``PATH``, in order, when ``SLAKIT_CHROMIUM`` is not set.
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: Seconds one browser run may take before it is killed.
TIMEOUT = 60.0

#: The default window: A4 at 150 dpi.
WIDTH, HEIGHT = 1240, 1754

#: Flags of every run; each run adds a temporary ``--user-data-dir``.
FLAGS = (
    "--headless",
    "--no-sandbox",  # root in containers: the sandbox refuses to start
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-dev-shm-usage",  # /dev/shm is 64 MB in Docker; Chromium crashes when it fills
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--mute-audio",
    # no network: HTTP(S) and WebSocket requests go to a proxy on the discard port, loopback
    # included, and no host name resolves; either fails in milliseconds
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)

#: Console levels as DevTools names them; ``Page.errors`` are those at ``"error"``.
LEVELS = ("debug", "info", "warning", "error")

_CONSOLE_LEVELS = {"error": "error", "assert": "error", "warning": "warning", "debug": "debug"}
_LOG_LEVELS = {"verbose": "debug", "info": "info", "warning": "warning", "error": "error"}

_DOM = """(document.doctype ? new XMLSerializer().serializeToString(document.doctype) + "\\n" : "")
+ document.documentElement.outerHTML"""


class ChromiumError(RuntimeError):
    """Chromium failed, crashed or timed out; the message says which and shows its stderr."""


def find_chromium() -> str | None:
    """The Chromium executable to use, or None when there is none.

    ``SLAKIT_CHROMIUM`` (a path, or a name on ``PATH``) decides when it is set, even when it
    names nothing (``SLAKIT_CHROMIUM=none`` pretends no browser is installed); otherwise the
    first of :data:`NAMES` found on ``PATH``.
    """
    chosen = os.environ.get("SLAKIT_CHROMIUM")
    if chosen is not None:
        return shutil.which(chosen)
    for name in NAMES:
        path = shutil.which(name)
        if path is not None:
            return path
    return None


@dataclass(frozen=True)
class ConsoleMessage:
    """One message on the page's console.

    A ``console.*`` call, an uncaught exception, or a message of the browser itself (a failed
    load, a security violation, a dialog).
    """

    level: str  # one of LEVELS
    text: str
    source: str  # "console", "exception", or DevTools' source: "network", "security", ...
    url: str = ""
    line: int | None = None  # 1-based

    def __str__(self) -> str:
        where = f"{self.url}:{self.line}" if self.line is not None else self.url
        where = f" ({where})" if where else ""
        return f"[{self.level}] {self.source}: {self.text}{where}"


@dataclass(frozen=True)
class Page:
    """A document as Chromium loaded it (see :func:`open_page`)."""

    url: str
    #: The serialised DOM after the load event (as ``--dump-dom`` writes it).
    dom: str
    #: The text as rendered (``document.body.innerText``): no markup, scripts, styles or
    #: hidden elements; SVG ``<text>`` included.
    text: str
    console: tuple[ConsoleMessage, ...]
    #: Every URL the page requested besides itself, ``data:`` URLs excepted.
    requests: tuple[str, ...]

    @property
    def errors(self) -> tuple[ConsoleMessage, ...]:
        """The console messages at level ``"error"``."""
        return tuple(message for message in self.console if message.level == "error")

    @property
    def svg_ids(self) -> tuple[str | None, ...]:
        """The ``id`` of each outermost ``<svg>`` element, in document order (None: no id)."""
        return self._svgs[0]

    def count_in_svg(self, classes: str, *, svg: str | None = None) -> int:
        """How many elements inside an ``<svg>`` carry every class of ``classes``.

        ``classes`` is one class or several separated by spaces (``"mark down"``); ``svg``
        restricts the count to the ``<svg>`` element with that ``id``.
        """
        wanted = frozenset(classes.split())
        if not wanted:
            raise ValueError(f"classes={classes!r}: expected at least one class name")
        return sum(
            1
            for svgs, element_classes in self._svgs[1]
            if wanted <= element_classes and (svg is None or svg in svgs)
        )

    @functools.cached_property
    def _svgs(self) -> tuple[tuple[str | None, ...], list[_SvgElement]]:
        parser = _SvgParser()
        parser.feed(self.dom)
        parser.close()
        return tuple(parser.outermost), parser.elements


#: An element inside ``<svg>``: the ids of the ``<svg>`` elements around it, and its classes.
_SvgElement = tuple[tuple[str | None, ...], frozenset[str]]


class _SvgParser(HTMLParser):
    """Collects the elements inside ``<svg>``: the ids of the ``<svg>`` around each, its classes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str | None] = []  # ids of the <svg> elements open around the position
        self.outermost: list[str | None] = []
        self.elements: list[_SvgElement] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self.open:
            classes = frozenset((values.get("class") or "").split())
            self.elements.append((tuple(self.open), classes))
        if tag == "svg":
            if not self.open:
                self.outermost.append(values.get("id"))
            self.open.append(values.get("id"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg" and self.open:
            self.open.pop()


def open_page(
    html_path: str | os.PathLike[str],
    *,
    executable: str | None = None,
    width: int = WIDTH,
    height: int = HEIGHT,
    timeout: float = TIMEOUT,
) -> Page:
    """Load ``html_path`` in headless Chromium and return what the browser saw.

    The page is read once its load event has fired; console messages logged later (by a
    timer, say) are not waited for.
    """
    url = _file_url(html_path)
    with _DevTools.launch(_executable(executable), width, height, timeout) as browser:
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        browser.session = session["sessionId"]
        for domain in ("Runtime", "Log", "Page", "Network"):
            browser.call(f"{domain}.enable")
        navigation = browser.call("Page.navigate", {"url": url})
        if "errorText" in navigation:
            raise ChromiumError(f"Chromium could not open {url}: {navigation['errorText']}")
        browser.wait_for("Page.loadEventFired")
        dom = browser.evaluate(_DOM)
        text = browser.evaluate("document.body ? document.body.innerText : ''")
        events = browser.events
    return Page(
        url=url,
        dom=dom,
        text=text,
        console=tuple(_console(events)),
        requests=tuple(
            event["params"]["request"]["url"]
            for event in events
            if event.get("method") == "Network.requestWillBeSent"
            and event["params"]["request"]["url"] != url
            and not event["params"]["request"]["url"].startswith("data:")
        ),
    )


def screenshot(
    html_path: str | os.PathLike[str],
    png_path: str | os.PathLike[str],
    width: int = WIDTH,
    height: int = HEIGHT,
    *,
    executable: str | None = None,
    timeout: float = TIMEOUT,
) -> Path:
    """Write a PNG of the window (``width`` by ``height`` pixels) showing ``html_path``."""
    png = Path(png_path).resolve()
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    _run(
        _executable(executable),
        [f"--screenshot={png}", f"--window-size={width},{height}", _file_url(html_path)],
        png,
        timeout,
    )
    return png


def print_to_pdf(
    html_path: str | os.PathLike[str],
    pdf_path: str | os.PathLike[str],
    *,
    executable: str | None = None,
    timeout: float = TIMEOUT,
) -> Path:
    """Print ``html_path`` to a PDF with ``--print-to-pdf``, without header and footer.

    The paper is the document's ``@page`` size, US Letter when it sets none.
    """
    pdf = Path(pdf_path).resolve()
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.unlink(missing_ok=True)
    flags = [
        f"--print-to-pdf={pdf}",
        "--no-pdf-header-footer",
        "--print-to-pdf-no-header",  # the same, before Chromium 111
        _file_url(html_path),
    ]
    _run(_executable(executable), flags, pdf, timeout)
    return pdf


def pdf_pages(pdf_path: str | os.PathLike[str]) -> int:
    """The number of pages of a PDF: the ``/Count`` of its page tree's root.

    The root ``/Pages`` node counts every page below it, so it has the largest ``/Count`` of
    all ``/Pages`` nodes. They are looked for in the file and in its compressed object
    streams (``/Type /ObjStm``, PDF 1.5), so no PDF library is needed.
    """
    data = Path(pdf_path).read_bytes()
    if not data.startswith(b"%PDF-"):
        raise ValueError(f"pdf_path={str(pdf_path)!r} is not a PDF: it does not start with %PDF-")
    counts = [
        int(count.group(1))
        for body in _pdf_objects(data)
        if re.search(rb"/Type\s*/Pages\b", body)
        for count in [re.search(rb"/Count\s+(\d+)", body)]
        if count is not None
    ]
    if not counts:
        raise ValueError(f"pdf_path={str(pdf_path)!r}: no page tree (/Type /Pages) found")
    return max(counts)


def _pdf_objects(data: bytes) -> Iterator[bytes]:
    """The body of every object of a PDF, those inside object streams included."""
    for match in re.finditer(rb"\d+\s+\d+\s+obj\b(.*?)\bendobj", data, re.DOTALL):
        body = match.group(1)
        yield body
        stream = re.match(rb"\s*<<(.*?)>>\s*stream\r?\n", body, re.DOTALL)
        if stream is not None and re.search(rb"/Type\s*/ObjStm\b", stream.group(1)):
            yield from _object_stream(stream.group(1), body[stream.end() :])


def _object_stream(head: bytes, content: bytes) -> Iterator[bytes]:
    """The objects of an object stream, given its dictionary and what follows ``stream``."""
    length = re.search(rb"/Length\s+(\d+)\b(?!\s+\d+\s+R)", head)
    raw = content[: int(length.group(1))] if length else content[: content.rfind(b"endstream")]
    if re.search(rb"/Filter\s*/FlateDecode\b", head):
        raw = zlib.decompressobj().decompress(raw)
    first = re.search(rb"/First\s+(\d+)", head)
    number = re.search(rb"/N\s+(\d+)", head)
    if first is None or number is None:
        return
    start = int(first.group(1))
    # the header holds N pairs "object-number offset"; offsets count from /First
    offsets = [int(offset) for offset in raw[:start].split()[1 : 2 * int(number.group(1)) : 2]]
    for begin, end in zip(offsets, [*offsets[1:], len(raw) - start], strict=True):
        yield raw[start + begin : start + end]


def _file_url(html_path: str | os.PathLike[str]) -> str:
    path = Path(html_path).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"html_path={str(html_path)!r}: no such file")
    return path.as_uri()


def _executable(executable: str | None) -> str:
    found = executable or find_chromium()
    if found is None:
        raise ChromiumError(
            "no Chromium found: install the Debian package chromium or set SLAKIT_CHROMIUM"
        )
    return found


def _console(events: list[dict[str, Any]]) -> Iterator[ConsoleMessage]:
    """The console messages among the DevTools events, in the order they came."""
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled":
            frames = params.get("stackTrace", {}).get("callFrames") or [{}]
            yield ConsoleMessage(
                level=_CONSOLE_LEVELS.get(params["type"], "info"),
                text=" ".join(_remote_text(arg) for arg in params.get("args", ())),
                source="console",
                url=frames[0].get("url", ""),
                line=frames[0]["lineNumber"] + 1 if "lineNumber" in frames[0] else None,
            )
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            exception = details.get("exception", {})
            yield ConsoleMessage(
                level="error",
                text=exception.get("description") or details.get("text", ""),
                source="exception",
                url=details.get("url", ""),
                line=details["lineNumber"] + 1 if "lineNumber" in details else None,
            )
        elif method == "Log.entryAdded":
            entry = params["entry"]
            yield ConsoleMessage(
                level=_LOG_LEVELS.get(entry["level"], "info"),
                text=entry.get("text", ""),
                source=entry.get("source", "other"),
                url=entry.get("url", ""),
                line=entry["lineNumber"] + 1 if "lineNumber" in entry else None,
            )
        elif method == "Page.javascriptDialogOpening":
            yield ConsoleMessage(
                level="error",
                text=f"{params.get('type', 'dialog')}: {params.get('message', '')}",
                source="dialog",
                url=params.get("url", ""),
            )


def _remote_text(arg: dict[str, Any]) -> str:
    if "value" in arg:
        value = arg["value"]
        return value if isinstance(value, str) else json.dumps(value)
    return str(arg.get("unserializableValue") or arg.get("description") or arg.get("type"))


class _DevTools:
    """The DevTools protocol over ``--remote-debugging-pipe``: one browser, one page session."""

    def __init__(
        self,
        executable: str,
        process: subprocess.Popen[bytes],
        pipes: tuple[int, int],
        log: Any,
        timeout: float,
    ) -> None:
        self.executable = executable
        self.process = process
        self.to_browser, self.from_browser = pipes
        self.log = log
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.session: str | None = None
        self.events: list[dict[str, Any]] = []
        self._buffer = b""
        self._last_id = 0

    @classmethod
    @contextlib.contextmanager
    def launch(
        cls, executable: str, width: int, height: int, timeout: float
    ) -> Iterator[_DevTools]:
        """Start Chromium with the pipe, yield the connection, then close the browser."""
        # The browser reads commands from its fd 3 and writes answers and events to its fd 4.
        commands_read, commands_write = os.pipe()
        answers_read, answers_write = os.pipe()

        def child_fds() -> None:
            # via descriptors above 9, so that neither dup2 overwrites the other's source
            high_read = fcntl.fcntl(commands_read, fcntl.F_DUPFD_CLOEXEC, 10)
            high_write = fcntl.fcntl(answers_write, fcntl.F_DUPFD_CLOEXEC, 10)
            os.dup2(high_read, 3)
            os.dup2(high_write, 4)

        flags = ["--remote-debugging-pipe", f"--window-size={width},{height}", "about:blank"]
        with _profile() as (profile, log):
            try:
                process = subprocess.Popen(
                    [executable, *FLAGS, f"--user-data-dir={profile}", *flags],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                    pass_fds=(3, 4),
                    # the pipe must be the browser's fds 3 and 4; the tests start no threads
                    preexec_fn=child_fds,  # noqa: PLW1509
                    start_new_session=True,
                )
            finally:
                os.close(commands_read)
                os.close(answers_write)
            browser = cls(executable, process, (commands_write, answers_read), log, timeout)
            try:
                yield browser
                browser.send("Browser.close")
                process.wait(timeout=max(browser.deadline - time.monotonic(), 1))
            except subprocess.TimeoutExpired:
                raise browser.failure("did not close after Browser.close") from None
            finally:
                _stop(process)
                os.close(commands_write)
                os.close(answers_read)

    def send(self, method: str, params: dict[str, Any] | None = None) -> int:
        """Send a command (to the page session, once there is one) and return its id."""
        self._last_id += 1
        message: dict[str, Any] = {"id": self._last_id, "method": method, "params": params or {}}
        if self.session is not None and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self.session
        try:
            os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        except BrokenPipeError:
            raise self.failure(f"exited before {method}") from None
        return self._last_id

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send a command and wait for its answer; events that come meanwhile are kept."""
        wanted = self.send(method, params)
        while True:
            message = self._receive(method)
            if message.get("id") == wanted:
                if "error" in message:
                    raise ChromiumError(f"Chromium answered {method} with {message['error']}")
                result: dict[str, Any] = message["result"]
                return result

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise ChromiumError(f"{expression!r} raised {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, event: str) -> None:
        """Wait for an event of the page session (kept with the others)."""
        while not any(message.get("method") == event for message in self.events):
            self._receive(event)

    def _receive(self, waiting_for: str) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            remaining = self.deadline - time.monotonic()
            ready = select.select([self.from_browser], [], [], max(remaining, 0))[0]
            if not ready:
                _stop(self.process)
                raise self.failure(
                    f"timed out waiting for {waiting_for} (timeout={self.timeout} s); killed it"
                )
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                raise self.failure(f"exited while waiting for {waiting_for}")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        message: dict[str, Any] = json.loads(raw)
        if "method" in message:
            self.events.append(message)
            if message["method"] == "Page.javascriptDialogOpening":
                # a dialog blocks the page until it is answered; it is reported as an error
                self.send("Page.handleJavaScriptDialog", {"accept": False})
        return message

    def failure(self, what: str) -> ChromiumError:
        """A ChromiumError that says what happened, with the end of Chromium's stderr."""
        return ChromiumError(
            f"Chromium {self.executable} {what}; exit status {self.process.poll()}"
            f"{_stderr_tail(self.log)}"
        )


@contextlib.contextmanager
def _profile() -> Iterator[tuple[str, Any]]:
    """A temporary user-data-dir and a file for Chromium's stderr, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="slakit-chromium-", ignore_cleanup_errors=True) as home:
        profile = Path(home, "profile")
        profile.mkdir()
        with Path(home, "stderr.log").open("w+b") as log:
            yield str(profile), log


def _run(executable: str, flags: list[str], output: Path, timeout: float) -> None:
    """Run Chromium once with ``flags``; it must write ``output``."""
    with _profile() as (profile, log):
        process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", *flags],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ChromiumError(
                f"Chromium {executable} did not write {output} within timeout={timeout} s; "
                f"killed it{_stderr_tail(log)}"
            ) from None
        finally:
            _stop(process)
        if process.returncode != 0 or not output.is_file() or output.stat().st_size == 0:
            raise ChromiumError(
                f"Chromium {executable} did not write {output} (exit status "
                f"{process.returncode}){_stderr_tail(log)}"
            )


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill the process group of a Chromium we started, unless it is gone."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _stderr_tail(log: Any, lines: int = 15) -> str:
    """The last lines of Chromium's stderr, without the noise of a machine without D-Bus."""
    log.flush()
    log.seek(0)
    text = log.read().decode(errors="replace").splitlines()
    kept = [line for line in text if "dbus" not in line and "unexpected operator" not in line]
    return "; its stderr ends:\n" + "\n".join(kept[-lines:]) if kept else ""
