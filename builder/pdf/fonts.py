"""Fonts of the printed documents: role → font file, coverage checks, per-document subsets.

GB/T 9704-2012 names typefaces by role (仿宋 for the body, 小标宋 for titles, 黑体 and
楷体 for headings, 宋体 for page numbers). ``themes/print/fonts.yaml`` maps each role to an
installed font family (the Debian stand-ins by default); a deployment with licensed fonts
overrides roles with its own YAML file (``KAOHE_PRINT_FONTS`` or the ``fonts`` argument).

Each document embeds subsets cut to the characters it uses, made before WeasyPrint sees
the font: the Noto CJK collections are 20–27 MB each, and WeasyPrint's own subsetting
keeps every glyph id, which makes both rendering and the PDF large. Subsets are made with
HarfBuzz's hb-subset through uharfbuzz (pinned in pyproject.toml; milliseconds per font)
or, when it cannot be imported, with fontTools (slower), and cached per process by
(font, character set).

:func:`resolve_fonts` raises :class:`~builder.diagnostics.DiagnosticError` for a font that
is not installed (naming the package to install) and :func:`check_coverage` for a
character that no configured font can draw: a PDF with missing glyphs is never written.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from .. import env
from ..diagnostics import ERROR, INFO, Diagnostic, DiagnosticError

# Roles in CSS fallback order is decided by the stylesheet; this is the display order.
ROLES = ("fangsong", "xiaobiaosong", "heiti", "kaiti", "songti")
ROLE_NAMES = {"fangsong": "仿宋", "xiaobiaosong": "小标宋", "heiti": "黑体", "kaiti": "楷体", "songti": "宋体"}
# The body role: every character of a document must be in this font (other roles fall back to it).
BODY_ROLE = "fangsong"
ENV_VAR = "KAOHE_PRINT_FONTS"
DEFAULT_CONFIG = Path("themes") / "print" / "fonts.yaml"


def css_family(role: str) -> str:
    """The family name the print stylesheet uses for a role (``kaohe-fangsong`` …)."""
    return f"kaohe-{role}"


@dataclass(frozen=True)
class FontSpec:
    """One role as configured: a family looked up with fontconfig, or an explicit file."""

    role: str
    family: str
    style: str  # "" = any style (Regular/Book preferred)
    file: Path | None
    index: int | None
    package: str  # how to get it, e.g. "fonts-noto-cjk" (apt) or a free text for licensed fonts
    where: tuple[str, int, int]  # config file, line, column for diagnostics
    stand_in_for: str = ""  # the licensed font an office should use in this role ("" = none)


@dataclass(frozen=True)
class ResolvedFont:
    """A font role bound to a file on this machine (face *index* of *file*)."""

    role: str
    family: str
    style: str
    file: Path
    index: int
    package: str
    key: str  # identifies the file's content: path, face index, size, mtime
    stand_in_for: str = ""

    @property
    def label(self) -> str:
        """The font as the messages name it: family and style."""
        return f"{self.family}{' ' + self.style if self.style else ''}"


# --------------------------------------------------------------------------- config


def config_paths(project_root: Path, override: Path | str | None = None) -> list[Path]:
    """The default mapping and, if given (argument, else ``$KAOHE_PRINT_FONTS``), the override."""
    paths = [project_root / DEFAULT_CONFIG]
    extra = override if override is not None else env.text(ENV_VAR) or None
    if extra:
        p = Path(extra)
        paths.append(p if p.is_absolute() else (Path.cwd() / p))
    return paths


def load_font_config(paths: list[Path], display=str) -> tuple[dict[str, FontSpec], list[Diagnostic]]:
    """Read the role mapping; later files override earlier ones role by role."""
    from ..fields import Fields, did_you_mean
    from ..yamlio import key_pos_of, load_yaml

    specs: dict[str, FontSpec] = {}
    diags: list[Diagnostic] = []
    for path in paths:
        shown = display(path)
        if not path.is_file():
            diags.append(
                Diagnostic(
                    shown,
                    0,
                    0,
                    ERROR,
                    "pdf-font-config",
                    f"找不到字体配置文件 {shown}。请检查路径（环境变量 {ENV_VAR} 或 fonts 选项）。",
                )
            )
            continue
        doc = load_yaml(path, shown)
        diags.extend(doc.diagnostics)
        if doc.data is None:
            continue
        top = Fields(shown, diags, doc.data, "字体配置")
        for role in list(top.m):
            if role not in ROLES:
                continue
            raw = top.get(role, "map")
            if raw is None:
                continue
            f = Fields(shown, diags, raw, f"字体角色“{role}”（{ROLE_NAMES[role]}）", top.m, role)
            family = f.get("family", "str", required=True, default="")
            style = f.get("style", "str", default="")
            file = f.get("file", "str")
            index = f.get("index", "int")
            package = f.get("package", "str", default="")
            stand_in_for = f.get("stand_in_for", "str", default="")
            f.get("name", "str")  # display name, documentation only
            f.get("note", "str")
            f.finish()
            line, col = key_pos_of(top.m, role)
            fpath = None
            if file:
                fpath = Path(os.path.expanduser(file))
                if not fpath.is_absolute():
                    fpath = path.parent / fpath
            specs[role] = FontSpec(role, family, style, fpath, index, package, (shown, line, col), stand_in_for)
        for key in top.m:
            if key not in ROLES:
                line, col = key_pos_of(top.m, key)
                hint = did_you_mean(key, ROLES)
                known = "、".join(f"{r}（{ROLE_NAMES[r]}）" for r in ROLES)
                diags.append(
                    Diagnostic(
                        shown,
                        line,
                        col,
                        ERROR,
                        "pdf-font-role",
                        f"不认识的字体角色“{key}”，可用的角色：{known}。{hint}".rstrip(),
                    )
                )
    for role in ROLES:
        if role not in specs and paths:
            diags.append(
                Diagnostic(
                    display(paths[0]),
                    1,
                    1,
                    ERROR,
                    "pdf-font-role-missing",
                    f"字体配置缺少角色“{role}”（{ROLE_NAMES[role]}）。",
                )
            )
    return specs, diags


# --------------------------------------------------------------------------- resolution

_fc_cache: dict[tuple[str, str], list[tuple[Path, int, list[str], list[str]]]] = {}


def _fc_list(family: str) -> list[tuple[Path, int, list[str], list[str]]] | None:
    """Installed faces of a family as (file, index, families, styles); None without fc-list."""
    key = (family, "")
    if key in _fc_cache:
        return _fc_cache[key]
    exe = shutil.which("fc-list")
    if exe is None:
        return None
    # fontconfig patterns escape '-', ':' and ',' with a backslash.
    pattern = family.replace("\\", "\\\\").replace("-", "\\-").replace(":", "\\:").replace(",", "\\,")
    out = subprocess.run(
        [exe, "-f", "%{file}\t%{index}\t%{family}\t%{style}\n", pattern], capture_output=True, text=True, check=False
    ).stdout
    faces = []
    for line in sorted(out.splitlines()):
        parts = line.split("\t")
        if len(parts) != 4:
            continue
        fams = [s.strip() for s in parts[2].split(",")]
        if family not in fams:
            continue
        faces.append((Path(parts[0]), int(parts[1] or 0), fams, [s.strip() for s in parts[3].split(",")]))
    _fc_cache[key] = faces
    return faces


def _missing(spec: FontSpec, what: str) -> Diagnostic:
    name = ROLE_NAMES[spec.role]
    how = spec.package
    if how and all(c.isalnum() or c in "-.+" for c in how):
        how = f"apt-get install {how}"
    fix = f"请安装：{how}" if how else "请安装该字体，或在字体配置中改用已安装的字体"
    return Diagnostic(
        *spec.where,
        ERROR,
        "pdf-font-missing",
        f"缺少字体 {spec.family}{' ' + spec.style if spec.style else ''}（用作{name}，{what}），{fix}。",
        hint=f"也可以用环境变量 {ENV_VAR} 指向另一份字体配置（见 themes/print/README.md）。",
    )


def resolve_fonts(specs: dict[str, FontSpec]) -> dict[str, ResolvedFont]:
    """Find each role's font file; raise DiagnosticError naming what to install."""
    diags: list[Diagnostic] = []
    out: dict[str, ResolvedFont] = {}
    for role in ROLES:
        spec = specs.get(role)
        if spec is None:
            continue
        file, index = spec.file, spec.index
        if file is not None:
            if not file.is_file():
                diags.append(_missing(spec, f"文件 {file} 不存在"))
                continue
            if index is None:
                index = _face_index(file, spec.family)
                if index is None:
                    diags.append(
                        Diagnostic(
                            *spec.where,
                            ERROR,
                            "pdf-font-family",
                            f"字体文件 {file} 中没有名为“{spec.family}”的字体。请检查 family，或写明 index。",
                        )
                    )
                    continue
        else:
            faces = _fc_list(spec.family)
            if faces is None:
                diags.append(
                    Diagnostic(
                        *spec.where,
                        ERROR,
                        "pdf-font-fc-list",
                        "找不到 fc-list 命令，无法查找已安装的字体。"
                        "请安装：apt-get install fontconfig，或在字体配置中写明 file。",
                    )
                )
                continue
            if spec.style:
                faces = [f for f in faces if spec.style in f[3]]
            else:
                faces.sort(key=lambda f: 0 if {"Regular", "Book", "Normal"} & set(f[3]) else 1)
            if not faces:
                diags.append(_missing(spec, "fc-list 找不到"))
                continue
            file, index = faces[0][0], faces[0][1]
        st = file.stat()
        key = f"{file.resolve()}#{index}:{st.st_size}:{st.st_mtime_ns}"
        out[role] = ResolvedFont(
            role, spec.family, spec.style, file.resolve(), index, spec.package, key, spec.stand_in_for
        )
    if diags:
        raise DiagnosticError(diags)
    return out


def stand_in_notices(fonts: dict[str, ResolvedFont], where: str) -> list[Diagnostic]:
    """One INFO diagnostic per role set in a stand-in where an office should use a licensed
    font (``stand_in_for`` in the font configuration), naming the role and both fonts."""
    out = []
    for role in ROLES:
        font = fonts.get(role)
        if font is not None and font.stand_in_for:
            out.append(
                Diagnostic(
                    where,
                    0,
                    0,
                    INFO,
                    "pdf-font-stand-in",
                    f"{ROLE_NAMES[role]}用的是替代字体 {font.label}；正式公文应使用 {font.stand_in_for}。",
                    hint=f"有正版字体时，用环境变量 {ENV_VAR} 指向按角色替换的字体配置（见 themes/print/README.md）。",
                )
            )
    return out


def _face_index(file: Path, family: str) -> int | None:
    from fontTools.ttLib import TTCollection, TTFont

    with open(file, "rb") as fh:
        collection = fh.read(4) == b"ttcf"
    fonts = TTCollection(str(file), lazy=True).fonts if collection else [TTFont(str(file), lazy=True)]
    for i, font in enumerate(fonts):
        names = {n.toUnicode() for n in font["name"].names if n.nameID in (1, 16)}
        if family in names:
            return i
    return None


# --------------------------------------------------------------------------- HarfBuzz


class _HarfBuzz:
    """HarfBuzz's subsetter (hb-subset) through uharfbuzz, the maintained Python binding.

    Faces and their character sets are kept for the life of the process. The default
    subset input is used (layout tables kept for the characters, glyph ids renumbered).
    """

    def __init__(self) -> None:
        self._faces: dict[str, tuple] = {}
        self.hb: ModuleType | None
        try:
            import uharfbuzz
        except ImportError:
            self.hb = None
            return
        self.hb = uharfbuzz

    def _lib(self) -> ModuleType:
        if self.hb is None:
            raise RuntimeError("uharfbuzz is not installed: use the fontTools backend")
        return self.hb

    @property
    def ok(self) -> bool:
        return self.hb is not None

    def face(self, font: ResolvedFont):
        """(hb Face, set of its code points) of a font."""
        if font.key not in self._faces:
            hb = self._lib()
            blob = hb.Blob.from_file_path(str(font.file))
            face = hb.Face(blob, font.index)
            if face.glyph_count == 0:
                raise OSError(f"cannot read {font.file}")
            self._faces[font.key] = (face, frozenset(face.unicodes))
        return self._faces[font.key]

    def covers(self, font: ResolvedFont, codepoints) -> set[int]:
        _, unicodes = self.face(font)
        return {cp for cp in codepoints if cp in unicodes}

    def subset(self, font: ResolvedFont, codepoints) -> bytes:
        face, _ = self.face(font)
        hb = self._lib()
        inp = hb.SubsetInput()
        inp.unicode_set.update(sorted(codepoints))
        try:
            out = hb.subset(face, inp)
        except RuntimeError as exc:
            raise RuntimeError(f"HarfBuzz could not subset {font.file}: {exc}") from None
        return out.blob.data


class _FontToolsBackend:
    """Fallback when uharfbuzz cannot be imported: fontTools (≈0.7 s per CJK font)."""

    def __init__(self):
        self._cmaps: dict[str, set[int]] = {}

    def _open(self, font: ResolvedFont):
        from fontTools.ttLib import TTFont

        return TTFont(str(font.file), fontNumber=font.index, lazy=True)

    def covers(self, font: ResolvedFont, codepoints) -> set[int]:
        if font.key not in self._cmaps:
            self._cmaps[font.key] = set(self._open(font).getBestCmap())
        cmap = self._cmaps[font.key]
        return {cp for cp in codepoints if cp in cmap}

    def subset(self, font: ResolvedFont, codepoints) -> bytes:
        import io

        from fontTools import subset

        opts = subset.Options()
        opts.layout_features = []
        opts.hinting = False
        opts.notdef_outline = True
        opts.name_IDs = ["*"]
        tt = self._open(font)
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=sorted(codepoints))
        sub.subset(tt)
        buf = io.BytesIO()
        tt.save(buf)
        return buf.getvalue()


_backend_lock = threading.Lock()
_backend = None


def backend():
    """Return the process-wide subsetter: HarfBuzz when uharfbuzz imports, else fontTools."""
    global _backend
    with _backend_lock:
        if _backend is None:
            hb = _HarfBuzz()
            _backend = hb if hb.ok else _FontToolsBackend()
        return _backend


# --------------------------------------------------------------------------- subsets

_SUBSETS: OrderedDict[tuple[str, str], bytes] = OrderedDict()
_SUBSET_LIMIT = 64


def charset_of(*texts: str) -> set[int]:
    """Code points to draw: every character of the texts except controls, plus ASCII."""
    cps = set(range(0x20, 0x7F))
    for t in texts:
        cps.update(ord(c) for c in t)
    return {cp for cp in cps if cp >= 0x20 and not 0x7F <= cp < 0xA0 and cp not in (0xFEFF, 0x200B)}


def subset_font(font: ResolvedFont, codepoints: set[int]) -> bytes:
    """The font cut to ``codepoints`` (those it has), cached by (font, charset hash)."""
    digest = hashlib.sha256(",".join(map(str, sorted(codepoints))).encode()).hexdigest()
    key = (font.key, digest)
    data = _SUBSETS.get(key)
    if data is None:
        data = normalise_metrics(backend().subset(font, codepoints))
        _SUBSETS[key] = data
        while len(_SUBSETS) > _SUBSET_LIMIT:
            _SUBSETS.popitem(last=False)
    else:
        _SUBSETS.move_to_end(key)
    return data


def normalise_metrics(data: bytes) -> bytes:
    """Make the line metrics of a CJK subset its ideographic em box.

    CJK fonts describe the em box (the square a character is designed in) with their
    OS/2 typo metrics (Noto: 880/−120) but give layout engines a taller hhea box
    (1151/−286). With the typo metrics in hhea (and USE_TYPO_METRICS set) a line of
    ``line-height: 1em`` starts exactly at the characters' top edge, and the PDF's
    /Ascent and /Descent describe the em box, so a character's top read back from the
    PDF is its top on paper: GB/T 9704 measures positions from the characters' edges.
    Fonts whose typo metrics do not describe an em box are left as they are.
    """
    import struct

    if len(data) < 12:
        return data
    num_tables = struct.unpack(">H", data[4:6])[0]
    tables = {}
    for i in range(num_tables):
        tag, checksum, offset, length = struct.unpack(">4sIII", data[12 + 16 * i : 28 + 16 * i])
        tables[tag] = (i, offset, length)
    if not {b"OS/2", b"hhea", b"head"} <= tables.keys():
        return data
    buf = bytearray(data)
    _, os2, os2_len = tables[b"OS/2"]
    _, hhea, _ = tables[b"hhea"]
    _, head, _ = tables[b"head"]
    if os2_len < 74:
        return data
    upm = struct.unpack(">H", buf[head + 18 : head + 20])[0]
    asc, desc, gap = struct.unpack(">hhh", buf[os2 + 68 : os2 + 74])
    if not (asc > 0 > desc and abs((asc - desc) - upm) <= upm * 0.1):
        return data
    struct.pack_into(">hhh", buf, hhea + 4, asc, desc, gap)
    fs_selection = struct.unpack(">H", buf[os2 + 62 : os2 + 64])[0] | 0x80  # USE_TYPO_METRICS
    struct.pack_into(">H", buf, os2 + 62, fs_selection)
    # Table checksums and head.checkSumAdjustment, as the OpenType spec defines them.
    struct.pack_into(">I", buf, head + 8, 0)
    for tag in (b"OS/2", b"hhea", b"head"):
        i, offset, length = tables[tag]
        struct.pack_into(">I", buf, 12 + 16 * i + 4, _checksum(buf[offset : offset + length]))
    struct.pack_into(">I", buf, head + 8, (0xB1B0AFBA - _checksum(buf)) & 0xFFFFFFFF)
    return bytes(buf)


def _checksum(block) -> int:
    import struct

    padded = bytes(block) + b"\0" * (-len(block) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


def check_coverage(fonts: dict[str, ResolvedFont], codepoints: set[int], where: tuple[str, int, int]) -> None:
    """Every character must be in the body font (all other roles fall back to it)."""
    body = fonts[BODY_ROLE]
    wanted = {cp for cp in codepoints if not _is_space(cp)}
    missing = sorted(wanted - backend().covers(body, wanted))
    if missing:
        shown = "、".join(f"“{chr(cp)}”（U+{cp:04X}）" for cp in missing[:10])
        more = f"等 {len(missing)} 个字符" if len(missing) > 10 else ""
        raise DiagnosticError(
            [
                Diagnostic(
                    *where,
                    ERROR,
                    "pdf-font-glyph",
                    f"字体 {body.label}（{ROLE_NAMES[BODY_ROLE]}）没有字符 {shown}{more}，不能生成缺字的 PDF。",
                    hint="请改用常用汉字或换成覆盖这些字符的字体（见 themes/print/README.md）。",
                )
            ]
        )


def _is_space(cp: int) -> bool:
    return cp in (0x09, 0x0A, 0x0D, 0x20, 0xA0, 0x3000)


_INK: dict[tuple[str, str], float] = {}


def ink_top(font: ResolvedFont, ch: str) -> float:
    """How far below the top of the em box (the OS/2 typo ascender, see
    :func:`normalise_metrics`) the ink of ``ch`` starts, in em. GB/T 9704 places the
    page-number 一字线 by its ink, 7 mm below the version, not by its line box."""
    key = (font.key, ch)
    if key not in _INK:
        from fontTools.ttLib import TTFont

        tt = TTFont(str(font.file), fontNumber=font.index, lazy=True)
        upm = tt["head"].unitsPerEm
        ascender = tt["OS/2"].sTypoAscender
        top = _ink_top_units(font, ch, tt)
        _INK[key] = 0.0 if top is None else (ascender - top) / upm
    return _INK[key]


def _ink_top_units(font: ResolvedFont, ch: str, tt) -> float | None:
    """The top of the ink of ``ch`` in font units, or None when the font lacks it. HarfBuzz
    reads one glyph's extents in under a millisecond; fontTools' glyph set parses the whole
    CFF table of a CJK font first (0.2–0.6 s in every process that renders), so it is only
    the fallback."""
    try:
        import uharfbuzz as hb
    except ImportError:
        hb = None
    if hb is not None:
        face = hb.Face(hb.Blob.from_file_path(str(font.file)), font.index)
        hb_font = hb.Font(face)
        gid = hb_font.get_nominal_glyph(ord(ch))
        if not gid:
            return None
        extents = hb_font.get_glyph_extents(gid)
        return None if extents is None else float(extents.y_bearing)
    from fontTools.pens.boundsPen import BoundsPen

    glyphs = tt.getGlyphSet()
    name = tt.getBestCmap().get(ord(ch))
    if name is None:
        return None
    pen = BoundsPen(glyphs)
    glyphs[name].draw(pen)
    return pen.bounds[3] if pen.bounds else None


def font_faces(fonts: dict[str, ResolvedFont], codepoints: set[int]) -> tuple[str, dict[str, bytes]]:
    """@font-face rules for every role, and the subset font bytes by URL."""
    rules: list[str] = []
    blobs: dict[str, bytes] = {}
    be = backend()
    for role in ROLES:
        font = fonts.get(role)
        if font is None:
            continue
        cps = be.covers(font, codepoints)
        data = subset_font(font, cps)
        url = f"kaohe-font:{role}-{hashlib.sha256(data).hexdigest()[:16]}.otf"
        blobs[url] = data
        rules.append(
            f'@font-face {{ font-family: "{css_family(role)}"; src: url("{url}"); '
            f"font-weight: normal; font-style: normal; }}"
        )
    return "\n".join(rules), blobs
