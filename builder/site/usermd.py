"""User Markdown (self-reports, feedback) rendered for the public site, safely.

The text is parsed once with markdown-it-py (the parser the template checker reads) and the
tokens are adjusted before rendering:

* raw HTML never passes through: the parser treats it as text, so ``<script>`` shows as text;
* links keep only ``http``/``https`` targets and in-page anchors; ``javascript:``, ``data:``,
  ``mailto:`` (contact addresses stay private) and links to other files become plain text;
* images are replaced by their alt text (no request to any other host, no broken files);
* headings get stable ids (``s1``, ``s2`` …) and can be shifted down a level or two so that a
  report's own headings sit under the page title; a leading level-1 heading can be taken out
  and used as the page title.

:func:`render` returns the HTML plus the plain text of each section for the search index.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from markdown_it.token import Token

from ..markdown import parse as _tokens
from ..markdown import render_html as _html

_SAFE_SCHEMES = ("http", "https")


@dataclass(frozen=True)
class Section:
    """A part of a user's Markdown under one heading, as plain text (for the search index)."""

    anchor: str  # id of the heading ("" for text before the first heading)
    title: str
    text: str


@dataclass(frozen=True)
class Rendered:
    """User Markdown rendered for the public site: safe HTML, its title, sections and table of contents."""

    html: str
    title: str | None  # the leading level-1 heading, when taken out
    sections: tuple[Section, ...]
    toc: tuple[tuple[int, str, str], ...]  # (level, anchor, title) of the headings kept

    @property
    def text(self) -> str:
        """The plain text of the whole document, heading by heading."""
        return "\n".join(s.title + "\n" + s.text if s.title else s.text for s in self.sections)


def safe_href(href: str) -> bool:
    """True for links the public site keeps: http(s) URLs and in-page anchors."""
    href = (href or "").strip()
    if href.startswith("#"):
        return len(href) > 1
    try:
        parts = urlsplit(href)
    except ValueError:
        return False
    return parts.scheme.lower() in _SAFE_SCHEMES and bool(parts.netloc)


def _clean_inline(children: list[Token]) -> list[Token]:
    """Drop unsafe links (keeping their text) and turn images into their alt text."""
    out: list[Token] = []
    dropped = 0  # depth of link_open tokens dropped, to drop the matching link_close
    stack: list[bool] = []
    for tok in children:
        if tok.type == "link_open":
            href = str(tok.attrGet("href") or "")
            keep = safe_href(href)
            stack.append(keep)
            if keep:
                if not href.startswith("#"):
                    tok.attrSet("rel", "noopener noreferrer")
                out.append(tok)
            else:
                dropped += 1
            continue
        if tok.type == "link_close":
            keep = stack.pop() if stack else True
            if keep:
                out.append(tok)
            else:
                dropped -= 1
            continue
        if tok.type == "image":
            alt = "".join(c.content for c in (tok.children or []) if c.type in ("text", "code_inline"))
            t = Token("text", "", 0)
            t.content = f"［图片：{alt}］" if alt else "［图片］"
            out.append(t)
            continue
        if tok.type in ("html_inline",):  # only if a shared parser enables HTML: show it as text
            t = Token("text", "", 0)
            t.content = tok.content
            out.append(t)
            continue
        out.append(tok)
    return out


def _inline_text(tok: Token) -> str:
    parts = []
    for c in tok.children or []:
        if c.type in ("text", "code_inline"):
            parts.append(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def render(text: str, *, top_level: int = 2, take_title: bool = False, anchor_prefix: str = "s") -> Rendered:
    """Safe HTML for user Markdown ``text``, plus its sections' plain text (see module doc).

    ``top_level``: the level the highest remaining heading is moved to (2 under a page title,
    3 inside a section of a page); the others keep their distance from it, at most 6.
    """
    tokens = _tokens(text)
    title: str | None = None
    if take_title:
        first = next((i for i, t in enumerate(tokens) if t.type != "hr"), None)
        if first is not None and tokens[first].type == "heading_open" and tokens[first].tag == "h1":
            title = _inline_text(tokens[first + 1]).strip() or None
            del tokens[first : first + 3]

    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    heading_offset = top_level - min(levels) if levels else 0
    out: list[Token] = []
    sections: list[Section] = []
    toc: list[tuple[int, str, str]] = []
    cur_anchor, cur_title, cur_text = "", "", []
    n = 0
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type in ("html_block",):  # only if a shared parser enables HTML: show it as text
            t = Token("paragraph_open", "p", 1)
            inline = Token("inline", "", 0)
            child = Token("text", "", 0)
            child.content = tok.content.rstrip("\n")
            inline.children = [child]
            inline.content = child.content
            close = Token("paragraph_close", "p", -1)
            out += [t, inline, close]
            cur_text.append(child.content)
            i += 1
            continue
        if tok.type == "heading_open":
            level = max(1, min(int(tok.tag[1]) + heading_offset, 6))
            n += 1
            anchor = f"{anchor_prefix}{n}"
            tok.tag = f"h{level}"
            tok.attrSet("id", anchor)
            inline = tokens[i + 1]
            close = tokens[i + 2]
            close.tag = f"h{level}"
            inline.children = _clean_inline(inline.children or [])
            htext = _inline_text(inline).strip()
            sections.append(Section(cur_anchor, cur_title, "\n".join(cur_text).strip()))
            cur_anchor, cur_title, cur_text = anchor, htext, []
            toc.append((level, anchor, htext))
            out += [tok, inline, close]
            i += 3
            continue
        if tok.type == "inline":
            tok.children = _clean_inline(tok.children or [])
            cur_text.append(_inline_text(tok))
        elif tok.type in ("code_block", "fence"):
            cur_text.append(tok.content)
        out.append(tok)
        i += 1
    sections.append(Section(cur_anchor, cur_title, "\n".join(cur_text).strip()))
    sections = [s for s in sections if s.title or s.text]
    html = _html(out)
    # Wide tables scroll sideways on a phone; a scrollable region must be reachable by keyboard.
    # (User text cannot produce a literal "<table>": raw HTML is escaped.)
    html = html.replace(
        "<table>", '<div class="table-wrap" role="region" tabindex="0" aria-label="表格"><table>'
    ).replace("</table>", "</table></div>")
    return Rendered(html, title, tuple(sections), tuple(toc))
