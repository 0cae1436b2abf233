"""Which links a PDF may carry.

WeasyPrint turns every ``<a href>`` into a link annotation and resolves a relative target
against the document's base URL, a ``file://`` URL of the build machine's round folder:
``[z](other.md)`` in a report became ``file:///…/content/luohe-2022/reports/other.md``,
leaking the machine's paths into a public PDF and making the bytes depend on the folder
the project was built in. A PDF therefore keeps only

* absolute ``http``/``https`` URLs (with a host) and ``mailto:`` addresses, and
* links inside the document itself (``#id``),

and loses the target of every other link (relative paths, ``file:``, ``javascript:``,
``data:`` and any other scheme): the link's text stays, as plain text.
"""

from __future__ import annotations

import html as _html
import re
from urllib.parse import urlsplit

# Attributes as our renderers write them: href="…", with " escaped inside the value.
_A_HREF = re.compile(r'(<a\b[^>]*?)\s+href="([^"]*)"', re.I)
_IGNORED = re.compile(r"[\x00-\x20\x7f]+")


def allowed(href: str) -> bool:
    """True for a link target a PDF may keep (see the module doc)."""
    url = _IGNORED.sub("", _html.unescape(href))
    if url.startswith("#"):
        return True
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return bool(parts.netloc)
    return scheme == "mailto" and bool(parts.path)


def print_links(markup: str) -> str:
    """``markup`` (a print template's HTML) with the targets of disallowed links removed."""
    return _A_HREF.sub(lambda m: m.group(0) if allowed(m.group(2)) else m.group(1), markup)
