"""Opening a .docx safely: what the file really is, size limits, hardened XML.

A .docx is a zip of XML parts. Before anything is parsed, :func:`open_package` looks at
the bytes themselves (not the file name) and refuses, with a Chinese message that says
what to do, what it cannot read:

* an old binary Word/WPS file (.doc/.wps: an OLE compound file) — save it again as .docx;
* a password-protected .docx (Word wraps it in an OLE file with an ``EncryptionInfo`` stream);
* a text file renamed to .docx, a truncated or corrupt zip, a zip without ``word/document.xml``;
* a file over :data:`MAX_FILE_BYTES`, and zip bombs: the declared uncompressed size of every
  part read and its compression ratio are checked before it is inflated, and the inflated
  bytes are counted again while reading (a zip may lie about its sizes).

XML is hardened by refusing, before parsing, every part that declares a document type or an
entity (OOXML parts never do): without a DTD the standard library's parser has nothing to
expand (no "billion laughs") and nothing external to fetch (see :func:`parse_xml`).

Only the standard library's ``zipfile`` and ``xml.etree`` are used otherwise, so that the
same code runs in the browser checker page.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import NamedTuple

MAX_FILE_BYTES = 20 * 1024 * 1024  # a 3000字 report with photos stays far below this
MAX_PART_BYTES = 32 * 1024 * 1024  # one XML part, inflated
MAX_TOTAL_BYTES = 64 * 1024 * 1024  # everything inflated for one check (XML parts and images)
MAX_RATIO = 200  # inflated / compressed, for parts over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 5000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
_WPS_MARK = "WpsCustomData".encode("utf-16-le")

SAVE_AS = "请在 Word/WPS 中打开它，选择“文件→另存为”，文件类型选“Word 文档（*.docx）”，再检查另存的 .docx 文件。"


class WordError(Exception):
    """A file that cannot be read as a .docx; ``rule`` is the diagnostic id, ``message`` says what to do."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule
        self.message = message


def sniff(data: bytes) -> str:
    """Return what the bytes are, judged from their first bytes.

    :param data: the whole file or at least its start.
    :return: one of ``zip``, ``ole-encrypted``, ``ole``, ``rtf``, ``html``, ``text``,
        ``pdf``, ``empty`` or ``binary``.
    """
    if not data:
        return "empty"
    if data.startswith(ZIP_MAGIC) or data.startswith(b"PK\x05\x06"):
        return "zip"
    if data.startswith(OLE_MAGIC):
        return "ole-encrypted" if _ENCRYPTED_MARK in data else "ole"
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    if (
        data.lstrip()[:64].lower().startswith((b"<html", b"<!doctype html", b"<?xml"))
        and b"<html" in data[:4096].lower()
    ):
        return "html"
    head = data[:4096]
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
            return "text"
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # cut inside a character at the end of the sample
                return "text"
            try:
                head.decode("gb18030")
                return "text"
            except UnicodeDecodeError:
                pass
    return "binary"


def refuse_reason(data: bytes) -> WordError | None:
    """The error for bytes that are not a .docx at all (None: it is a zip, read on)."""
    if len(data) > MAX_FILE_BYTES:
        return too_large(len(data))
    kind = sniff(data)
    if kind == "zip":
        return None
    if kind == "ole-encrypted":
        return WordError(
            "io-docx-encrypted",
            "这个 Word 文件设置了打开密码，无法读取。请在 Word 中打开它，选择“文件→信息→保护文档→用密码进行加密”，"
            "清空密码后保存（WPS：“文件→文档加密→密码加密”，清空密码），再检查。",
        )
    if kind == "ole":
        what = "WPS 文字（.wps）" if _WPS_MARK in data else "旧版 Word（.doc）或 WPS（.wps）"
        return WordError("io-docx-old-format", f"这是{what}格式的文件，无法直接检查。" + SAVE_AS)
    if kind == "empty":
        return WordError("io-docx-corrupt", "文件是空的（0 字节）。请重新保存或重新导出这份 Word 文档。")
    if kind == "text":
        return WordError(
            "io-docx-not-word",
            "这个文件的内容是纯文本，不是 Word 文档（.docx）。如果这是 Markdown 报告，请把扩展名改为 .md 再检查；"
            "如果是 Word 文档，" + SAVE_AS,
        )
    if kind == "rtf":
        return WordError("io-docx-old-format", "这是 RTF 格式的文件，不是 .docx。" + SAVE_AS)
    if kind == "html":
        return WordError(
            "io-docx-old-format", "这是网页（HTML）格式的文件（Word 的“网页”或“单个文件网页”），不是 .docx。" + SAVE_AS
        )
    if kind == "pdf":
        return WordError("io-docx-not-word", "这是 PDF 文件，不是 Word 文档。请检查 Word 原稿（.docx）。")
    return WordError("io-docx-not-word", "这不是 Word 文档（.docx），也无法识别文件格式。" + SAVE_AS)


def too_large(size: int) -> WordError:
    """The error for a file over :data:`MAX_FILE_BYTES` (checked before it is read)."""
    mb = size / (1024 * 1024)
    return WordError(
        "io-docx-too-large",
        f"文件太大（{mb:.1f} MB，上限 {MAX_FILE_BYTES // (1024 * 1024)} MB）。自评报告一般不到 1 MB；"
        "请压缩或删去报告中的大图片（在 Word 中选中图片→“图片格式”→“压缩图片”）后再检查。",
    )


class Package:
    """The parts of an opened .docx, read with every limit enforced."""

    def __init__(self, data: bytes):
        err = refuse_reason(data)
        if err is not None:
            raise err
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
            raise _corrupt() from None
        if len(infos) > MAX_MEMBERS:
            raise _bomb()
        self.infos = {i.filename: i for i in infos}
        self.compressed = len(data)
        self.read_total = 0
        if "word/document.xml" not in self.infos:
            main = self._main_part_name()
            if main is None:
                raise WordError(
                    "io-docx-not-word", "这个压缩文件里没有 Word 正文（word/document.xml），不是 Word 文档。" + SAVE_AS
                )
            self.main = main
        else:
            self.main = "word/document.xml"

    def _main_part_name(self) -> str | None:
        # some writers name the main part differently; [Content_Types].xml says which it is
        ct = self.xml("[Content_Types].xml")
        if ct is None:
            return None
        for el in ct:
            if local(el.tag) == "Override" and "wordprocessingml.document.main" in (el.get("ContentType") or ""):
                name = (el.get("PartName") or "").lstrip("/")
                if name in self.infos:
                    return name
        return None

    def has(self, name: str) -> bool:
        """True when the package has a part of this name."""
        return name in self.infos

    def read(self, name: str, limit: int = MAX_PART_BYTES) -> bytes | None:
        """The inflated bytes of a part (None: absent). Raises :class:`WordError` past a limit."""
        info = self.infos.get(name)
        if info is None:
            return None
        if info.file_size > limit or self.read_total + info.file_size > MAX_TOTAL_BYTES:
            raise _bomb()
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _bomb()
        try:
            with self.zip.open(info) as f:
                raw = f.read(limit + 1)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
            if isinstance(exc, RuntimeError) and "encrypted" in str(exc):
                raise WordError(
                    "io-docx-encrypted", "这个文件的内容被加密了，无法读取。请去掉密码后另存为 .docx 再检查。"
                ) from None
            raise _corrupt() from None
        except Exception:  # zlib.error and the like: a damaged stream
            raise _corrupt() from None
        if len(raw) > limit:
            raise _bomb()
        self.read_total += len(raw)
        if self.read_total > MAX_TOTAL_BYTES:
            raise _bomb()
        return raw

    def xml(self, name: str):
        """The root element of an XML part (None: absent)."""
        raw = self.read(name)
        if raw is None:
            return None
        return parse_xml(raw)


def _corrupt() -> WordError:
    return WordError(
        "io-docx-corrupt",
        "Word 文件已损坏或不完整（可能没有下载或复制完）。请重新保存或重新下载这份文件；"
        "如果 Word 能打开它，请在 Word 中“另存为”一份新的 .docx 再检查。",
    )


def _bomb() -> WordError:
    return WordError(
        "io-docx-too-large",
        "Word 文件解压后过大（可能是损坏的或恶意构造的文件），已停止读取。请在 Word 中另存为新的 .docx，"
        "或删去其中的大图片后再检查。",
    )


_DTD_MESSAGE = "Word 文件中含有不允许的 XML 声明（DOCTYPE/ENTITY），已拒绝读取。请在 Word 中另存为新的 .docx 再检查。"
_DECL_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_PLAIN_ENCODINGS = {"utf-8", "utf8", "us-ascii", "ascii"}


def _has_declarations(raw: bytes) -> bool:
    """True when a part declares a document type or an entity (or is in an encoding Word never writes).

    Entities can only be declared inside a DOCTYPE, so refusing every part that holds
    ``<!DOCTYPE`` or ``<!ENTITY`` rules out entity expansion ("billion laughs") and external
    entities alike; the parser then never sees a declaration.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or raw[:2] in (b"<\x00", b"\x00<"):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            return True
        return "<!DOCTYPE" in text or "<!ENTITY" in text
    m = _DECL_ENCODING.match(raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw)
    if m and m.group(1).decode("ascii").lower() not in _PLAIN_ENCODINGS:
        return True
    return b"<!DOCTYPE" in raw or b"<!ENTITY" in raw


def parse_xml(raw: bytes):
    """Parse one XML part; DTDs and entity declarations are refused before parsing.

    Why not ``defusedxml``: it swaps in the pure-Python parser, which made reading a 3000字
    report from python-docx's template (≈9,000 elements of styles and numbering) 7× slower
    (32 ms vs 4–5 ms in-process). With no DOCTYPE there is nothing for the standard (C)
    parser to expand or fetch. Raises :class:`WordError` for a refused or malformed part.
    """
    from xml.etree.ElementTree import ParseError, fromstring

    if _has_declarations(raw):
        raise WordError("io-docx-corrupt", _DTD_MESSAGE)
    try:
        return fromstring(raw)
    except (ParseError, ValueError, UnicodeError, LookupError):
        raise _corrupt() from None


def local(tag) -> str:
    """An element's or attribute's name without its namespace (``{…}p`` → ``p``)."""
    if not isinstance(tag, str):
        return ""
    i = tag.rfind("}")
    return tag[i + 1 :] if i >= 0 else tag


def attr(el, name: str, default: str | None = None) -> str | None:
    """An attribute by local name, whatever its namespace (transitional or strict OOXML)."""
    if el is None:
        return default
    for k, v in el.attrib.items():
        if k == name or k.endswith("}" + name):
            return v
    return default


def child(el, name: str):
    """The first child with that local name (or None)."""
    if el is None:
        return None
    for c in el:
        if local(c.tag) == name:
            return c
    return None


def children(el, name: str) -> list:
    """Return the child elements of *el* with this local name (none for ``el`` ``None``)."""
    if el is None:
        return []
    return [c for c in el if local(c.tag) == name]


class Rel(NamedTuple):
    """One relationship of a part: id, type, target part and whether it is external."""

    id: str
    type: str  # the last segment of the relationship type, e.g. ``image``
    target: str  # the part name inside the zip (for internal targets)
    external: bool


def relationships(pkg: Package, part: str) -> dict[str, Rel]:
    """The relationships of a part (``word/_rels/document.xml.rels``), by id."""
    folder, _, name = part.rpartition("/")
    root = pkg.xml(f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels")
    out: dict[str, Rel] = {}
    if root is None:
        return out
    for el in root:
        rid = el.get("Id")
        if not rid:
            continue
        target = el.get("Target") or ""
        external = (el.get("TargetMode") or "") == "External"
        if not external:
            target = _join(folder, target)
        out[rid] = Rel(rid, (el.get("Type") or "").rsplit("/", 1)[-1], target, external)
    return out


def _join(folder: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts = folder.split("/") if folder else []
    for seg in target.split("/"):
        if seg == "..":
            if parts:
                parts.pop()
        elif seg and seg != ".":
            parts.append(seg)
    return "/".join(parts)
