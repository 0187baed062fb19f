"""Documents as text: a bulletin saved as plain text, a web page, a Word .docx file or a PDF with a text layer."""

from __future__ import annotations

import codecs
import re
import statistics
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

from kzlib.errors import DocumentError, Problem

ACCEPTED = "plain text (.txt), a web page (.html), a Word document (.docx) or a PDF with a text layer"
# Suffixes that name a kind of file the drafter reads; files without a suffix are recognised by content.
KINDS = {".txt": "text", ".text": "text", ".htm": "html", ".html": "html", ".shtml": "html", ".xhtml": "html",
         ".docx": "docx", ".pdf": "pdf"}
REFUSED = {
    ".doc": "an old Word .doc file; open it in Word or WPS and save it as .docx",
    ".wps": "a WPS document; open it in WPS and save it as .docx",
    ".rtf": "an RTF file; open it in Word or WPS and save it as .docx",
    ".xls": "a spreadsheet, not a document; figures in a sheet go to `kz data check` directly",
    ".xlsx": "a spreadsheet, not a document; figures in a sheet go to `kz data check` directly",
    ".csv": "a table, not a document; figures in a sheet go to `kz data check` directly",
    ".png": "an image; it has no text to read: find the bulletin as a web page, Word file or PDF with text",
    ".jpg": "an image; it has no text to read: find the bulletin as a web page, Word file or PDF with text",
    ".jpeg": "an image; it has no text to read: find the bulletin as a web page, Word file or PDF with text",
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc files and password-protected Office files
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SENTENCE_END = "。；;：:！？!?）)”"
HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|[图表]\s*\d|注[:：])")
FULL_LINE = 0.8  # a PDF line at least this share of the usual line length runs on into the next one


@dataclass(frozen=True)
class Document:
    """A document's text (one paragraph a line, a table row as tab-separated cells) and its stated title."""

    text: str
    kind: str
    title: str = ""


def _refuse(file: str, message: str) -> DocumentError:
    return DocumentError([Problem(file, message)])


def _kind(path: Path, data: bytes, file: str) -> str:
    """Which reader a file needs, from its first bytes and its suffix; refuses what cannot be read."""
    suffix = path.suffix.lower()
    if suffix in REFUSED:
        raise _refuse(file, f"{REFUSED[suffix]}; expected {ACCEPTED}")
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(OLE_MAGIC):
        raise _refuse(file, "an old Word .doc file or a password-protected Office file; open it in Word or WPS, "
                            "remove any password and save it as .docx")
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if KINDS.get(suffix) in ("docx", "pdf"):
        raise _refuse(file, f"named {suffix} but not a {KINDS[suffix]} file inside; download it again or save "
                            f"it again from the source as {ACCEPTED}")
    if suffix not in KINDS and suffix != "":
        raise _refuse(file, f"unknown file type '{suffix}'; expected {ACCEPTED}")
    head = data[:2048].lower()
    looks_html = b"<html" in head or b"<!doctype html" in head or b"<body" in head
    return "html" if KINDS.get(suffix) == "html" or looks_html else "text"


def decode_text(data: bytes, file: str, declared: str | None = None) -> str:
    """Bytes as text: a declared encoding, else UTF-8 (with or without BOM), UTF-16 with BOM or GBK/GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    tries = [declared] if declared else []
    for encoding in [*tries, "utf-8", "gb18030"]:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise _refuse(file, "cannot be decoded as UTF-8 or GBK/GB18030 text; save it again as UTF-8 text")


class _HtmlText(HTMLParser):
    """Collects a page's visible text: blocks as lines, table rows as tab-separated cells."""

    BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
              "article", "header", "footer", "blockquote", "pre", "dd", "dt", "dl", "center", "caption", "hr"}
    HIDDEN = {"script", "style", "noscript", "template", "head", "svg"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.hidden = 0
        self.in_title = False
        self.title: list[str] = []

    def _flush(self) -> None:
        line = " ".join("".join(self.current).split())
        if line:
            self.lines.append(line)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "title":
            self.in_title = True
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag == "tr":
            self._flush()
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []
        elif tag in self.BLOCKS:
            (self.cell if self.cell is not None else self.current).append(" ")
            if self.cell is None:
                self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in ("td", "th") and self.cell is not None:
            if self.row is not None:
                self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if any(self.row):
                self.lines.append("\t".join(self.row))
            self.row = None
        elif tag in self.BLOCKS and self.cell is None:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        if self.hidden:
            return
        (self.cell if self.cell is not None else self.current).append(data)

    def text(self) -> str:
        self._flush()
        return "\n".join(self.lines)


def html_text(data: bytes, file: str) -> Document:
    """A web page's visible text and <title>."""
    declared = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", data[:4096], re.IGNORECASE)
    parser = _HtmlText()
    parser.feed(decode_text(data, file, declared.group(1).decode("ascii") if declared else None))
    parser.close()
    return Document(parser.text(), "html", " ".join("".join(parser.title).split()))


def _docx_runs(element: ElementTree.Element) -> str:
    """The text of a paragraph or cell, tracked deletions left out."""
    parts: list[str] = []
    for child in element:
        if child.tag in (f"{W}del", f"{W}moveFrom"):
            continue
        if child.tag == f"{W}t":
            parts.append(child.text or "")
        elif child.tag in (f"{W}tab", f"{W}noBreakHyphen"):
            parts.append(" ")
        elif child.tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        else:
            parts.append(_docx_runs(child))
    return "".join(parts)


def _docx_blocks(parent: ElementTree.Element) -> list[str]:
    lines: list[str] = []
    for child in parent:
        if child.tag == f"{W}p":
            lines += [" ".join(part.split()) for part in _docx_runs(child).split("\n")]
        elif child.tag == f"{W}tbl":
            for row in child.iter(f"{W}tr"):
                cells = [" ".join(_docx_runs(c).split()) for c in row.findall(f"{W}tc")]
                if any(cells):
                    lines.append("\t".join(cells))
        elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
            lines += _docx_blocks(child)
    return lines


def docx_text(path: Path, file: str) -> Document:
    """A Word document's paragraphs and table rows, read from the XML inside the .docx archive."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "word/document.xml" not in names:
                raise _refuse(file, "a zip archive but not a Word document (no word/document.xml); "
                                    f"expected {ACCEPTED}")
            body = ElementTree.fromstring(archive.read("word/document.xml")).find(f"{W}body")
            core = archive.read("docProps/core.xml") if "docProps/core.xml" in names else b""
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, OSError) as exc:
        raise _refuse(file, f"cannot be read as a Word .docx file ({exc}); open it in Word or WPS and save it "
                            "again as .docx") from exc
    lines = [line for line in _docx_blocks(body) if line] if body is not None else []
    title = ""
    if core:
        hit = re.search(rb"<dc:title>(.*?)</dc:title>", core, re.DOTALL)
        title = hit.group(1).decode("utf-8", errors="replace").strip() if hit else ""
    return Document("\n".join(lines), "docx", title)


def unwrap_lines(lines: list[str]) -> list[str]:
    """PDF lines rejoined into paragraphs: a full-width line without closing punctuation runs on."""
    widths = [len(line) for line in lines if line.strip()]
    if not widths:
        return []
    full = statistics.quantiles(widths, n=10)[-1] if len(widths) >= 2 else widths[0]
    out: list[str] = []
    joining = False
    for line in (ln.strip() for ln in lines):
        if not line:
            joining = False
            continue
        if joining and out and not HEADING.match(line):
            out[-1] += line
        else:
            out.append(line)
        joining = len(line) >= FULL_LINE * full and not line.endswith(tuple(SENTENCE_END))
    return out


def pdf_text(path: Path, file: str) -> Document:
    """A PDF's text layer; a scanned PDF (no text) or one that needs a password is refused."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except (DependencyError, NotImplementedError) as exc:
                raise _refuse(file, f"the PDF is encrypted in a way kzlib cannot open ({exc}); print it to a new "
                                    "PDF or save the text as .txt, then draft from that") from exc
            if not opened:
                raise _refuse(file, "the PDF is protected by a password; open it with the password and save an "
                                    "unprotected copy (or the text as .txt), then draft from that")
        pages = [page.extract_text() or "" for page in reader.pages]
        meta = reader.metadata
        title = str(meta.title or "") if meta is not None else ""
    except PdfReadError as exc:
        raise _refuse(file, f"cannot be read as a PDF ({exc}); download it again or save it from the source "
                            "as .docx or .txt") from exc
    text = "\n".join(unwrap_lines("\n".join(pages).splitlines()))
    if not re.search(r"[\u4e00-\u9fff\d]", text):
        raise _refuse(file, "the PDF has no text layer (a scanned image); kzlib does not read images: find the "
                            "bulletin as a web page, Word file or text PDF, or run OCR and save the text as .txt")
    return Document(text, "pdf", title)


def read_document(path: str | Path, file: str | None = None) -> Document:
    """The text of a bulletin file; raises DocumentError naming the file and saying what to do."""
    path = Path(path)
    file = file or str(path)
    if path.is_dir():
        raise _refuse(file, "is a folder, not a file; name the bulletin file in it")
    if not path.is_file():
        raise _refuse(file, "file not found")
    data = path.read_bytes()
    if not data.strip():
        raise _refuse(file, f"the file is empty; expected {ACCEPTED}")
    kind = _kind(path, data, file)
    if kind == "pdf":
        doc = pdf_text(path, file)
    elif kind == "docx":
        doc = docx_text(path, file)
    elif kind == "html":
        doc = html_text(data, file)
    else:
        text = decode_text(data, file).replace("\r\n", "\n").replace("\r", "\n")
        doc = Document(text, "text")
    if not doc.text.strip():
        raise _refuse(file, f"no text found in the {doc.kind} file; expected {ACCEPTED}")
    return doc
