"""The headless Chromium driver of the browser tests, on small pages written for each test."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from tests.browser.chromium import (
    ChromiumError,
    find_chromium,
    open_page,
    pdf_pages,
    print_to_pdf,
    screenshot,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

#: A statement in miniature: a chart of three marks, the total in a table.
CLEAN = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Statement</title>
<style>.hidden { display: none }</style></head>
<body>
<h1>Service credits</h1>
<svg id="downtime" width="300" height="100" role="img">
  <rect class="mark down" x="0" y="10" width="80" height="80"/>
  <rect class="mark down" x="100" y="10" width="80" height="80"/>
  <rect class="mark down" x="200" y="10" width="80" height="80"/>
  <line class="axis" x1="0" y1="95" x2="300" y2="95" stroke="black"/>
  <text x="0" y="8">minutes down</text>
</svg>
<svg id="credits" width="300" height="100"><rect class="mark" width="10" height="10"/></svg>
<table><tr><th>Total</th><td>300.00 USD</td></tr></table>
<p class="hidden">not shown</p>
</body></html>
"""


def write(tmp_path: Path, body: str, name: str = "page.html") -> Path:
    """An HTML page with ``body`` (a whole document when it starts with a doctype)."""
    html = (
        body if body.startswith("<!doctype") else f"<!doctype html><html><body>{body}</body></html>"
    )
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return path


# --- open_page: DOM, text, console -------------------------------------------------------------


def test_clean_page(chromium: str, tmp_path: Path) -> None:
    """A page without scripts logs nothing, loads nothing, and its marks are counted per chart."""
    page = open_page(write(tmp_path, CLEAN), executable=chromium)

    assert page.console == ()
    assert page.errors == ()
    assert page.requests == ()
    assert page.svg_ids == ("downtime", "credits")
    assert page.count_in_svg("mark down") == 3
    assert page.count_in_svg("down mark", svg="downtime") == 3
    assert page.count_in_svg("mark") == 4
    assert page.count_in_svg("mark", svg="credits") == 1
    assert page.count_in_svg("axis") == 1
    assert page.count_in_svg("bar") == 0
    with pytest.raises(ValueError, match="classes=' ': expected at least one class name"):
        page.count_in_svg(" ")
    assert page.dom.startswith("<!DOCTYPE html>")
    assert page.url == (tmp_path / "page.html").as_uri()


def test_text_is_the_rendered_text(chromium: str, tmp_path: Path) -> None:
    """The text holds the totals and the SVG labels, not the markup, styles or hidden elements."""
    page = open_page(write(tmp_path, CLEAN), executable=chromium)

    assert "300.00 USD" in page.text
    assert "Total\t300.00 USD" in page.text
    assert "minutes down" in page.text
    assert "not shown" not in page.text
    assert "display" not in page.text
    assert "<" not in page.text


def test_console_error_is_an_error(chromium: str, tmp_path: Path) -> None:
    """console.error, console.warn and console.log are told apart by their level."""
    script = '<script>console.log("a log"); console.warn("a warning"); console.error("x")</script>'
    page = open_page(write(tmp_path, script), executable=chromium)

    assert [(message.level, message.text) for message in page.console] == [
        ("info", "a log"),
        ("warning", "a warning"),
        ("error", "x"),
    ]
    assert [message.text for message in page.errors] == ["x"]
    assert page.errors[0].source == "console"
    assert page.errors[0].line == 1


def test_uncaught_exception_is_an_error(chromium: str, tmp_path: Path) -> None:
    """An exception nobody catches is an error, with its message and line."""
    page = open_page(
        write(tmp_path, '<script>\nthrow new Error("boom")</script>'), executable=chromium
    )

    (error,) = page.errors
    assert error.source == "exception"
    assert error.text.startswith("Error: boom")
    assert error.line == 2
    assert "Error: boom" in str(error)


def test_network_is_blocked(chromium: str, tmp_path: Path) -> None:
    """A page that loads anything from the network fails at once, with a console error each."""
    body = (
        '<link rel="stylesheet" href="https://cdn.example.com/style.css">'
        '<img src="http://192.0.2.1/logo.png" alt="">'
        '<img src="logo.png" alt="">'
    )
    page = open_page(write(tmp_path, body), executable=chromium, timeout=20)

    assert set(page.requests) == {
        "https://cdn.example.com/style.css",
        "http://192.0.2.1/logo.png",
        (tmp_path / "logo.png").as_uri(),
    }
    assert sorted(error.url for error in page.errors) == sorted(page.requests)
    assert all(error.source == "network" for error in page.errors)


def test_dialog_does_not_block(chromium: str, tmp_path: Path) -> None:
    """An alert would block the page; it is dismissed and reported as an error."""
    page = open_page(
        write(tmp_path, '<script>alert("hello")</script><p>after</p>'), executable=chromium
    )

    assert [error.text for error in page.errors] == ["alert: hello"]
    assert page.text == "after"


def test_missing_file(chromium: str, tmp_path: Path) -> None:
    """A file that does not exist is reported before Chromium starts."""
    with pytest.raises(FileNotFoundError, match=r"html_path=.*missing\.html"):
        open_page(tmp_path / "missing.html", executable=chromium)


def test_timeout(chromium: str, tmp_path: Path) -> None:
    """A page whose load event never fires times out with a clear error."""
    script = "<script>for (;;) {}</script>"
    expected = r"timed out waiting for \S+ \(timeout=3 s\); killed it"
    with pytest.raises(ChromiumError, match=expected):
        open_page(write(tmp_path, script), executable=chromium, timeout=3)


# --- screenshots and PDFs ----------------------------------------------------------------------


def test_print_to_pdf(chromium: str, tmp_path: Path, artifacts: Path) -> None:
    """--print-to-pdf prints one page for a short document and several for a long one."""
    short = print_to_pdf(write(tmp_path, CLEAN), artifacts / "short.pdf", executable=chromium)
    rows = "".join(f"<p>line {number}</p>" for number in range(300))
    long = print_to_pdf(
        write(tmp_path, rows, "long.html"), artifacts / "long.pdf", executable=chromium
    )

    assert pdf_pages(short) == 1
    assert pdf_pages(long) > 1


def test_screenshot(chromium: str, tmp_path: Path, artifacts: Path) -> None:
    """--screenshot writes a PNG of the window's size into the artifacts folder."""
    png = screenshot(write(tmp_path, CLEAN), artifacts / "clean.png", executable=chromium)

    data = png.read_bytes()
    assert png.parent == artifacts
    assert data.startswith(PNG_SIGNATURE)
    # the IHDR chunk follows the signature: width and height, 4 bytes each, big-endian
    assert (int.from_bytes(data[16:20]), int.from_bytes(data[20:24])) == (1240, 1754)


# --- the parts that need no browser ------------------------------------------------------------


def test_pdf_pages_in_object_streams(tmp_path: Path) -> None:
    """The page tree is read from a compressed object stream (PDF 1.5) as well."""
    objects = [
        b"<</Type /Catalog /Pages 3 0 R>>",
        b"<</Type /Pages /Kids [4 0 R] /Count 5 /Parent 9 0 R>>",
        b"<</Type /Pages /Kids [8 0 R 9 0 R] /Count 7>>",
    ]
    offsets, position = [], 0
    for number, body in zip((2, 9, 3), objects, strict=True):
        offsets.append(f"{number} {position}".encode())
        position += len(body) + 1
    header = b" ".join(offsets) + b"\n"
    content = zlib.compress(header + b"\n".join(objects) + b"\n")
    pdf = tmp_path / "streams.pdf"
    pdf.write_bytes(
        b"%%PDF-1.5\n1 0 obj\n<</Type /ObjStm /N 3 /First %d /Filter /FlateDecode /Length %d>>\n"
        b"stream\n%s\nendstream\nendobj\ntrailer\n<</Root 2 0 R>>\n%%%%EOF\n"
        % (len(header), len(content), content)
    )

    assert b"/Type /Page" not in pdf.read_bytes()
    assert pdf_pages(pdf) == 7


def test_pdf_pages_not_a_pdf(tmp_path: Path) -> None:
    """A file that is no PDF is an error that names it."""
    path = tmp_path / "page.pdf"
    path.write_bytes(b"<html></html>")

    with pytest.raises(ValueError, match=r"page\.pdf.* is not a PDF"):
        pdf_pages(path)


def test_find_chromium(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """SLAKIT_CHROMIUM decides when set, even when it names nothing; else PATH is searched."""
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)

    monkeypatch.setenv("SLAKIT_CHROMIUM", str(fake))
    assert find_chromium() == str(fake)
    monkeypatch.setenv("SLAKIT_CHROMIUM", "none")
    assert find_chromium() is None
    monkeypatch.delenv("SLAKIT_CHROMIUM")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_chromium() == str(fake)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert find_chromium() is None
