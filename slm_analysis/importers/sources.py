"""What a file given to ``slm load`` holds, recognised by its content (never its name).

A file is CSV (any of ``,`` ``;`` tab ``|``), JSON or Parquet, plain or compressed: a gzip file
or a zip archive with one file in it is read as the file inside. Anything else — another
archive, several files in one zip, a spreadsheet, UTF-16 text — is refused with one
``InputError`` that says what to do. A CSV file's lines may end in LF, CRLF (Windows, Excel) or
CR (old Macs), the same way throughout: DuckDB reads all three as they are, and a file whose
lines end in more than one way is refused (``check_line_endings``). The user's path stays the
name of the load: messages, the quarantine and the load log name it, and its sha256 is the one
recorded.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from ..errors import InputError

CSV = "csv"
JSON = "json"
PARQUET = "parquet"
GZIP = "gzip"
ZIP = "zip"
HEAD = 1 << 16  # bytes read to recognise a file and its header
BLOCK = 1 << 20  # bytes read at a time when a whole file is scanned

# leading bytes of compressed files and archives that are not read (gzip and zip are)
_REFUSED = (
    (b"BZh", "a bzip2-compressed file", "decompress it (`bunzip2 -k {name}`)"),
    (b"\xfd7zXZ\x00", "an xz-compressed file", "decompress it (`unxz -k {name}`)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "extract it (`7z x {name}`)"),
    (b"Rar!\x1a\x07", "a RAR archive", "extract it (`unrar x {name}`)"),
    (b"\x28\xb5\x2f\xfd", "a Zstandard-compressed file", "decompress it (`unzstd {name}`)"),
    (b"\x04\x22\x4d\x18", "an LZ4-compressed file", "decompress it (`unlz4 {name}`)"),
    (b"\x1f\x9d", "a compress (.Z) file", "decompress it (`uncompress {name}`)"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an Excel 97-2003 workbook (or another OLE document)",
        "save the sheet as CSV UTF-8 and load that",
    ),
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Source:
    """A file to load: its layout, and for CSV the delimiter and header."""

    path: Path  # the file the user gave
    layout: str  # CSV, JSON or PARQUET
    delimiter: str | None = None  # CSV only
    header: list[str] | None = None  # CSV only; JSON and Parquet name their fields when read
    compression: str | None = None  # None, GZIP or ZIP
    member: str | None = None  # the file inside a zip archive
    newline: str | None = None  # CSV only: how the header line ends, "\n", "\r\n" or "\r"

    def describe(self, what: str = "") -> str:
        """E.g. "gzip-compressed servicenow-incidents CSV"."""
        text = " ".join(w for w in (what, self.layout.upper()) if w)
        if self.compression == GZIP:
            return f"gzip-compressed {text}"
        if self.compression == ZIP:
            return f"{text} (zip member {self.member})"
        return text


def inspect(p: Path) -> Source:
    """The layout of the file at ``p`` (inside its gzip or zip wrapper); rejects missing, empty,
    undecodable and unsupported files with one message each."""
    if not p.exists():
        raise InputError(f"{p}: no such file; check the path")
    if p.is_dir():
        raise InputError(f"{p}: is a folder, not a file; give the export file in it")
    if not p.is_file():
        raise InputError(
            f"{p}: is not a regular file (a device, pipe or socket); save the export to a file "
            "and load that"
        )
    wrapper = Source(p, CSV)
    head = _head(wrapper)
    if head.startswith(_GZIP_MAGIC):
        wrapper = Source(p, CSV, compression=GZIP)
        head = _head(wrapper)
    elif head.startswith(_ZIP_MAGIC):
        wrapper = Source(p, CSV, compression=ZIP, member=_zip_member(p))
        head = _head(wrapper)
    _refuse_archives(p, head, inside=wrapper.compression)
    found = _layout(p, head)
    return replace(found, compression=wrapper.compression, member=wrapper.member)


def direct_compression(source: Source) -> str | None:
    """How DuckDB reads the file where it lies (``none``/``gzip``), or None when the content
    must be unpacked first: DuckDB reads gzip-compressed CSV as it streams, but not zip
    archives, nor gzip-compressed JSON or Parquet."""
    if source.compression is None:
        return "none"
    if source.compression == GZIP and source.layout == CSV:
        return "gzip"
    return None


@contextmanager
def unpacked(source: Source) -> Iterator[Path]:
    """The path of a file holding the content: the given file when DuckDB reads it directly,
    else a temporary copy of the file inside, deleted on exit."""
    if direct_compression(source) is not None:
        yield source.path
        return
    with tempfile.TemporaryDirectory(prefix="slm-load-") as tmp:
        target = Path(tmp) / Path(source.member or "content").name
        with _failures(source.path), _content(source) as src, target.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        yield target


@contextmanager
def _content(source: Source) -> Iterator[IO[bytes] | gzip.GzipFile]:
    """The content of the file: the file itself, or the file inside its gzip or zip wrapper."""
    if source.compression == GZIP:
        with gzip.open(source.path, "rb") as f:
            yield f
    elif source.compression == ZIP:
        with zipfile.ZipFile(source.path) as z, z.open(source.member or "") as member:
            yield member
    else:
        with source.path.open("rb") as plain:
            yield plain


def _head(source: Source) -> bytes:
    """The first bytes of the content."""
    with _failures(source.path), _content(source) as f:
        return bytes(f.read(HEAD))


@contextmanager
def _failures(p: Path) -> Iterator[None]:
    """Reading or decompressing ``p`` fails with one ``InputError`` saying what to do."""
    damaged = "the file is damaged or cut short; download or export it again"
    try:
        yield
    except (EOFError, zlib.error, zipfile.BadZipFile) as exc:
        raise InputError(f"{p}: cannot be decompressed ({exc or 'no end'}); {damaged}") from None
    except RuntimeError as exc:  # an encrypted zip member
        raise InputError(
            f"{p}: the zip archive cannot be read ({exc}); unzip it (with its password) and "
            "load the file inside"
        ) from None
    except NotImplementedError as exc:
        raise InputError(
            f"{p}: the zip archive uses a compression slm does not read ({exc}); unzip it "
            "and load the file inside"
        ) from None
    except OSError as exc:
        if exc.strerror is None:  # gzip.BadGzipFile and other format errors
            raise InputError(f"{p}: cannot be decompressed ({exc}); {damaged}") from None
        raise InputError(f"{p}: cannot be read ({exc.strerror}); check its permissions") from None


def _zip_member(p: Path) -> str:
    """The one file in the zip archive ``p`` (folders and macOS ``__MACOSX/`` entries aside)."""
    try:
        with zipfile.ZipFile(p) as z:
            names = [
                i.filename
                for i in z.infolist()
                if not i.is_dir() and not i.filename.startswith("__MACOSX/")
            ]
    except zipfile.BadZipFile as exc:
        raise InputError(
            f"{p}: is not a readable zip archive ({exc}); download or export it again"
        ) from None
    if not names:
        raise InputError(f"{p}: the zip archive is empty; zip the export file itself")
    if {"[Content_Types].xml", "xl/workbook.xml"} <= set(names):
        raise InputError(f"{p}: is an Excel workbook; save the sheet as CSV UTF-8 and load that")
    if len(names) > 1:
        shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
        raise InputError(
            f"{p}: the zip archive holds {len(names)} files ({shown}); unzip it and load the "
            f"member you want (`unzip {p.name} <member>`), or zip one export per archive"
        )
    return names[0]


def _refuse_archives(p: Path, head: bytes, inside: str | None) -> None:
    """Compressed files and archives other than one gzip or zip level are refused."""
    wrapper = f" inside the {inside} file" if inside else ""
    if len(head) > 262 and head[257:262] == b"ustar":
        raise InputError(
            f"{p}: is a tar archive{wrapper}; extract it (`tar -xf {p.name}`) and load the "
            "file you want"
        )
    if inside and (head.startswith(_GZIP_MAGIC) or head.startswith(_ZIP_MAGIC)):
        raise InputError(
            f"{p}: holds another compressed file{wrapper}; decompress it and load the file inside"
        )
    for magic, what, todo in _REFUSED:
        if head.startswith(magic):
            raise InputError(
                f"{p}: is {what}{wrapper}, which slm does not read; "
                f"{todo.format(name=p.name)} and load the file inside (or recompress it with "
                "gzip or zip, which slm reads)"
            )


def _layout(p: Path, head: bytes) -> Source:
    """CSV (with its delimiter and header), JSON or Parquet, from the content's first bytes."""
    if not head.removeprefix(b"\xef\xbb\xbf").strip():  # nothing, or a byte-order mark only
        raise InputError(f"{p}: the file is empty; export again with the column header row")
    if head.startswith(b"PAR1"):
        return Source(p, PARQUET)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        raise InputError(
            f"{p}: is UTF-16 text; export as CSV (UTF-8), or convert it with "
            f"`iconv -f UTF-16 -t UTF-8 {p.name} > {p.stem}-utf8{p.suffix}`"
        )
    try:
        text, bad = head.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        if len(head) < HEAD or exc.start < len(head) - 4:  # a char cut at the block end is fine
            text, bad = "", exc.start
        else:
            text, bad = head[: exc.start].decode("utf-8-sig"), None
    # NULs in a file that is not UTF-8, in its first line, or many of them (over 8, and over 1 %
    # of the bytes) make a binary file; a few in the records of a text file are quarantined
    # with their records (importers.load._door)
    nuls = head.count(b"\x00")
    header_line = re.match(rb"[^\r\n]*", head)
    assert header_line is not None
    if nuls and (
        bad is not None or b"\x00" in header_line.group() or (nuls > 8 and nuls * 100 > len(head))
    ):
        raise InputError(f"{p}: is a binary file, not a CSV export; export as CSV (UTF-8)")
    if bad is not None:
        raise InputError(
            f"{p}: byte {bad} is not UTF-8; export as UTF-8 CSV (or convert with "
            "`iconv -f latin1 -t utf-8`)"
        )
    if text.lstrip()[:1] in ("{", "["):
        return Source(p, JSON)
    first = text.splitlines()[0] if text.splitlines() else ""
    delimiter = max((",", ";", "\t", "|"), key=first.count)
    header = next(csv.reader(io.StringIO(first), delimiter=delimiter), [])
    if len(header) < 2:
        raise InputError(f"{p}: the first line is not a CSV header row: {first[:80]!r}")
    end = re.search(r"\r\n?|\n", text)
    newline = end.group() if end else "\n"
    if newline == "\r" and end and end.end() == len(text) and len(head) == HEAD:
        newline = "\r\n"  # the head ends between the CR and (most likely) its LF
    return Source(p, CSV, delimiter, [c.strip() for c in header], newline=newline)


def may_hold_nul(source: Source, data: Path) -> bool:
    """Whether the content may hold a NUL character: False only when ``data`` (the file DuckDB
    reads: the user's, or the content unpacked from it) was read to its end and holds no 0 byte
    (nor, in JSON, a ``\\u0000`` escape). A Parquet file, or a gzip-compressed CSV that DuckDB
    reads as it streams, is not read here: it may. Reads ``BLOCK`` bytes at a time (about 0.04 s
    per 200 MiB, from the page cache right after DuckDB's read)."""
    if source.layout == PARQUET or direct_compression(source) not in (None, "none"):
        return True
    needles = (b"\x00", b"\\u0000") if source.layout == JSON else (b"\x00",)
    carry = b""
    with _failures(source.path), data.open("rb") as f:
        while block := f.read(BLOCK):
            text = carry + block
            if any(n in text for n in needles):
                return True
            carry = text[-5:]
    return False


# the ways a line may end, each with an expression finding it where it is a whole line end:
# CR CR LF (Windows line endings added to a file that had them), CRLF, CR alone, LF alone
_LINE_ENDS = (
    ("CR CR LF", re.compile(rb"\r\r\n")),
    ("CRLF", re.compile(rb"(?<!\r)\r\n")),
    ("CR", re.compile(rb"\r(?!\r?\n)")),
    ("LF", re.compile(rb"(?<!\r)\n")),
)


def line_endings(source: Source) -> dict[str, tuple[int, int]]:
    """How the lines of a CSV file end: kind (CRLF, LF, CR or CR CR LF) → (how many lines end
    so, the first of them), most frequent first (then first found). Line 1 is the header, and
    lines are counted as the quarantine counts them: a line break inside a quoted value belongs
    to the value (Excel writes a cell's line breaks as LF in a CRLF file), so it neither ends
    nor counts a line. Reads the whole file (the content of a gzip or zip file), ``BLOCK``
    bytes at a time."""
    found: dict[str, tuple[int, int]] = {}
    line, quoted, carry = 1, False, b""
    with _failures(source.path), _content(source) as f:
        while True:
            block = f.read(BLOCK)
            data, carry = carry + block, b""
            if block:  # CRs at the end of a block may have their LF in the next one
                kept = len(data.rstrip(b"\r"))
                data, carry = data[:kept], data[kept:]
            parts = data.split(b'"')  # each quote opens or closes a quoted value ("" twice)
            outside = b'"'.join(parts[1 if quoted else 0 :: 2])
            quoted ^= len(parts) % 2 == 0
            counts = _counts(outside)
            for kind, pattern in _LINE_ENDS:
                if counts[kind]:
                    if kind not in found:
                        first = pattern.search(outside)
                        assert first is not None
                        found[kind] = (0, line + sum(_counts(outside[: first.start()]).values()))
                    found[kind] = (found[kind][0] + counts[kind], found[kind][1])
            line += sum(counts.values())
            if not block:
                return dict(sorted(found.items(), key=lambda kv: (-kv[1][0], kv[1][1])))


def _counts(text: bytes) -> dict[str, int]:
    """How many lines of ``text`` end in each way (C speed: byte counts, no expression)."""
    lf, cr, crlf = text.count(b"\n"), text.count(b"\r"), text.count(b"\r\n")
    crcrlf = text.count(b"\r\r\n") if cr > crlf else 0
    return {"CR CR LF": crcrlf, "CRLF": crlf - crcrlf, "CR": cr - crlf - crcrlf, "LF": lf - crlf}


def check_line_endings(source: Source) -> None:
    """Refuse, with one ``InputError`` saying how to fix it, a CSV file whose lines end in more
    than one way (CRLF and LF, say), or in CR CR LF. Called when DuckDB could not read the file
    (it reads LF, CRLF and CR, each on its own, and stops at a mixture); a file that cannot be
    read to its end (a damaged gzip stream) is left to the reader's own message."""
    try:
        found = line_endings(source)
    except InputError:
        return
    if len(found) < 2 and "CR CR LF" not in found:
        return
    name = source.path.name
    if len(found) == 1:
        raise InputError(
            f"{source.path}: lines end in CR CR LF ({_lines(found['CR CR LF'][0])}): Windows "
            "line endings added to a file that had them already; export it again, or run "
            f"`dos2unix {name}` twice (every line then ends in LF), then load it"
        )
    kinds = [
        f"{kind} ({_lines(n)}{_first(n, at) if i else ''})"
        for i, (kind, (n, at)) in enumerate(found.items())
    ]
    listed = (
        f"both {kinds[0]} and {kinds[1]}"
        if len(kinds) == 2
        else f"{', '.join(kinds[:-1])} and {kinds[-1]}"
    )
    if set(found) <= {"CRLF", "LF"}:
        fix = f"`dos2unix {name}` makes every line end in LF"
    elif "CR" not in found:
        fix = f"`dos2unix {name}` run twice makes every line end in LF"
    else:
        fix = f"`dos2unix {name}` and then `mac2unix {name}` make every line end in LF"
    raise InputError(
        f"{source.path}: lines end in {listed}; a CSV file must end all its lines the same "
        f"way (was it edited by hand, or joined from several exports?). Convert it — {fix} — "
        "or export it again, then load it"
    )


def _lines(n: int) -> str:
    return "1 line" if n == 1 else f"{n:,} lines"


def _first(n: int, line: int) -> str:
    return f": line {line:,}" if n == 1 else f", the first is line {line:,}"
