"""The one Markdown parser of the project (markdown-it-py), shared by the checker, the site and the PDFs.

Reports and feedback texts are parsed once into markdown-it tokens that carry source line
maps; the template checker reads the tokens, the site and the PDFs render the same tokens
with :func:`render_html`.

* CommonMark with GFM tables; linkify off; raw HTML off (``<b>`` stays text and is escaped).
* CJK-friendly (:mod:`builder._vendor.cjk_friendly`): ``**主要工作：**正文`` and
  ``县政府**“质量强县”**建设`` are bold, as a Word draft's bold runs become exactly this on
  import; a soft line break between two Chinese lines renders as nothing, not a space.
* YAML front matter (``---`` … ``---`` at the top) is split off by :func:`split_front_matter`;
  :func:`parse` parses only the body but keeps line maps relative to the whole file.
* HTML comments on lines of their own (``<!-- 备注 -->``, outside code blocks) are authors'
  notes: they are blanked before parsing, so they are neither checked, counted nor rendered.
* Links and images keep only http(s), mailto and relative targets; ``javascript:``,
  ``vbscript:``, ``data:``, ``file:`` and every other scheme are dropped.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200d\ufeff]+")


def is_safe_url(url: str) -> bool:
    """True for http(s), mailto and relative URLs (``#id``, ``a/b.md``, ``//host/x``)."""
    cleaned = _IGNORED_IN_URL.sub("", url or "").lower()
    # Browsers also decode character references before looking at the scheme.
    cleaned = cleaned.replace("&colon;", ":").replace("&#58;", ":").replace("&#x3a;", ":")
    m = _SCHEME_RE.match(cleaned)
    if not m:
        return ":" not in cleaned.split("/", 1)[0] or cleaned.startswith(("/", "#", "?"))
    return m.group(1) in SAFE_SCHEMES


@lru_cache(maxsize=1)
def make_parser():
    """The shared ``MarkdownIt`` instance: commonmark, tables, CJK-friendly emphasis, no raw HTML, no linkify."""
    from markdown_it import MarkdownIt

    from ._vendor.cjk_friendly import cjk_friendly

    class SafeLinks(MarkdownIt):
        def validateLink(self, url: str) -> bool:  # markdown-it-py asks this for every link target
            return is_safe_url(url)  # unsafe targets never become links

    return SafeLinks("commonmark", {"html": False, "linkify": False}).enable("table").use(cjk_friendly)


class FrontMatter(NamedTuple):
    """The YAML between the opening and closing ``---`` lines, and where the body starts."""

    text: str | None  # None: the file has no front matter
    start_line: int  # 1-based line of the first YAML line (2), or 1 without front matter
    body_line: int  # 1-based line where the body starts
    closed: bool = True  # False: an opening ``---`` without a closing one


_FM_OPEN = re.compile(r"^---[ \t]*$")
_FM_CLOSE = re.compile(r"^(---|\.\.\.)[ \t]*$")


def split_front_matter(text: str) -> tuple[FrontMatter, str]:
    """Split ``text`` into its front matter and its body.

    The body is returned with the front matter lines blanked (kept as empty lines), so
    that line numbers in the body are the line numbers of the file.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if not lines or not _FM_OPEN.match(lines[0]):
        return FrontMatter(None, 1, 1), text
    for i in range(1, len(lines)):
        if _FM_CLOSE.match(lines[i]):
            fm = "\n".join(lines[1:i])
            body = "\n" * (i + 1) + "\n".join(lines[i + 1 :])
            return FrontMatter(fm, 2, i + 2), body
    # No closing line: not front matter (a thematic break followed by text).
    return FrontMatter(None, 1, 1, closed=False), text


_COMMENT_START = re.compile(r"^[ \t]{0,3}<!--")
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")


def blank_comments(text: str) -> str:
    """Blank HTML comments that stand on lines of their own (outside fenced code)."""
    if "<!--" not in text:
        return text
    lines = text.split("\n")
    fence: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _FENCE.match(line)
        if m:
            marker = m.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence) and not line.strip()[len(marker) :].strip():
                fence = None
            i += 1
            continue
        if fence is None and _COMMENT_START.match(line):
            # find the line where the comment ends; it must end the line
            for j in range(i, len(lines)):
                end = lines[j].find("-->", lines[j].find("<!--") + 4 if j == i else 0)
                if end >= 0:
                    if lines[j][end + 3 :].strip() == "":
                        for k in range(i, j + 1):
                            lines[k] = ""
                        i = j
                    break
        i += 1
    return "\n".join(lines)


def parse(text: str) -> list:
    """Parse a Markdown document (front matter allowed) into markdown-it tokens.

    Token ``map``s are 0-based line ranges of ``text`` itself (front matter included).
    """
    _, body = split_front_matter(text.replace("\r\n", "\n").replace("\r", "\n"))
    return make_parser().parse(blank_comments(body))


def _safe_children(children: list) -> list:
    """Children without the link/image tokens whose target is unsafe (their text stays)."""
    out = []
    drop_depth = 0
    for tok in children:
        if tok.type == "link_open":
            if drop_depth or not is_safe_url(tok.attrGet("href") or ""):
                drop_depth += 1
                continue
        elif tok.type == "link_close" and drop_depth:
            drop_depth -= 1
            continue
        elif tok.type == "image" and not is_safe_url(tok.attrGet("src") or ""):
            from markdown_it.token import Token

            alt = Token("text", "", 0)
            alt.content = "".join(c.content for c in (tok.children or []))
            out.append(alt)
            continue
        out.append(tok)
    return out


def render_html(tokens: list) -> str:
    """HTML for parsed tokens; raw HTML is escaped and unsafe link targets dropped.

    The tokens are not modified. Tokens from :func:`parse` hold no raw HTML (the parser
    has HTML off), but tokens from elsewhere are made safe the same way.
    """
    import copy

    from markdown_it.token import Token

    md = make_parser()
    safe = []
    for tok in tokens:
        if tok.type == "html_block":  # shown as text, never passed through
            inline = Token("inline", "", 0, map=tok.map, content=tok.content.strip("\n"))
            inline.children = [Token("text", "", 0, content=inline.content)]
            safe += [Token("paragraph_open", "p", 1), inline, Token("paragraph_close", "p", -1)]
            continue
        if tok.children:
            tok = copy.copy(tok)
            tok.children = [
                Token("text", "", 0, content=c.content) if c.type == "html_inline" else c
                for c in _safe_children(tok.children)
            ]
        elif (tok.type in ("link_open", "image") or tok.attrGet("href") or tok.attrGet("src")) and not is_safe_url(
            tok.attrGet("href") or tok.attrGet("src") or ""
        ):
            tok = copy.copy(tok)
            tok.attrs = {k: v for k, v in tok.attrs.items() if k not in ("href", "src")}
        safe.append(tok)
    return md.renderer.render(safe, md.options, {})


_FM_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):[ \t]+([^'\"\[\]{}&*!|>%@`#,][^#]*?)[ \t]*$")
FRONT_MATTER_RULE = "front-matter"


def _simple_front_matter(text: str, start_line: int) -> tuple[dict, dict] | None:
    """``key: value`` lines with plain values (the usual front matter) without a YAML parser;
    None when anything else is written there (then YAML reads it)."""
    data: dict = {}
    lines: dict = {}
    for i, raw in enumerate(text.split("\n")):
        if not raw.strip():
            continue
        m = _FM_LINE.match(raw)
        if m is None or m.group(1) in data:
            return None
        value = m.group(2)
        if value.lower() in ("null", "~", "true", "false", "yes", "no", "on", "off"):
            return None
        data[m.group(1)] = value
        lines[m.group(1)] = start_line + i
    return data, lines


def front_matter_values(fm: FrontMatter, path: str) -> tuple[dict, dict, list]:
    """The one front-matter reader (reports, feedback, hand-written pages):
    ``(values, lines, diagnostics)`` for the front matter of :func:`split_front_matter`.

    Plain ``key: value`` lines are read without a YAML parser (fast, and ``kaohe check``
    starts quickly); anything else is read as YAML. ``lines`` maps each key to its 1-based
    line in the file. A front matter that is not valid YAML, or not a mapping, gives one
    located error (rule ``front-matter``) and empty values.
    """
    from .diagnostics import ERROR, Diagnostic

    if fm.text is None:
        return {}, {}, []
    simple = _simple_front_matter(fm.text, fm.start_line)
    if simple is not None:
        return simple[0], simple[1], []
    import yaml

    try:
        data = yaml.safe_load(fm.text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = fm.start_line + (mark.line if mark else 0)
        col = (mark.column + 1) if mark else 1
        return (
            {},
            {},
            [
                Diagnostic(
                    path,
                    line,
                    col,
                    ERROR,
                    FRONT_MATTER_RULE,
                    "开头 --- 之间的信息格式不对。每行写成“键: 值”，例如“round: luohe-2022”，冒号后空一格。",
                )
            ],
        )
    if data is None:
        return {}, {}, []
    if not isinstance(data, dict):
        return (
            {},
            {},
            [
                Diagnostic(
                    path,
                    fm.start_line,
                    1,
                    ERROR,
                    FRONT_MATTER_RULE,
                    "开头 --- 之间应写成“键: 值”，例如“round: luohe-2022”和“county: wuyang”。",
                )
            ],
        )
    lines = {}
    for i, raw in enumerate(fm.text.split("\n")):
        key = raw.split(":", 1)[0].strip()
        if key and key not in lines:
            lines[key] = fm.start_line + i
    return data, lines, []
