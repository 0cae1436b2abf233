"""Inter-character justification of CJK lines (撑满版心) for WeasyPrint.

GB/T 9704 sets every line of a paragraph flush with both edges of the 版心, the last
line excepted. WeasyPrint 70 implements ``text-align: justify`` by widening spaces only
(``weasyprint.layout.inline.justify_line``), and Chinese text has no spaces, so its
lines stay ragged; there is no ``text-justify: inter-character`` either. Nothing else
lays out our HTML, so this module replaces that one function: a line holding CJK
characters gets its free width spread over its characters as extra letter spacing
(what ``text-justify: inter-character`` means); a line without CJK keeps WeasyPrint's
own space stretching. The last line of a paragraph is never passed here (print.css sets
``text-align-last: left``).

:func:`install` is idempotent and is called by the renderer before any layout. It is
tied to the WeasyPrint version pinned in pyproject.toml; tests measure the result from
the PDFs (every non-last line of a paragraph ends within 1 mm of the right edge).
"""

from __future__ import annotations

_installed = False


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return 0x2E80 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0xFF00 <= cp <= 0xFFEF or 0x3000 <= cp <= 0x303F


def _text_boxes(box, boxes, out):
    if isinstance(box, boxes.TextBox):
        out.append(box)
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        for child in box.children:
            if child.is_in_normal_flow():
                _text_boxes(child, boxes, out)
    return out


def install() -> None:
    """Make WeasyPrint justify CJK lines between characters (once per process)."""
    global _installed
    if _installed:
        return
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline
    from weasyprint.text.line_break import create_layout

    original = inline.justify_line

    def justify_line(context, line, extra_width):
        texts = _text_boxes(line, boxes, [])
        if extra_width <= 0 or not any(_is_cjk(ch) for t in texts for ch in t.text):
            return original(context, line, extra_width)
        # Trailing collapsible spaces are already stripped from the line's last box.
        count = sum(len(t.text) for t in texts)
        if count < 2:
            return None
        extra = extra_width / count
        _spread(context, line, extra, 0.0, boxes, create_layout)
        return None

    inline.justify_line = justify_line
    _installed = True


def _spread(context, box, extra, x_advance, boxes, create_layout):
    """Widen every character of ``box`` by ``extra`` points, shifting what follows."""
    if isinstance(box, boxes.TextBox):
        box.position_x += x_advance
        n = len(box.text)
        if n:
            style = box.style.copy()
            spacing = style["letter_spacing"]
            style["letter_spacing"] = (0 if spacing == "normal" else spacing) + extra
            layout = create_layout(
                box.text, style, context, max_width=None, justification_spacing=box.justification_spacing
            )
            layout.deactivate()
            box.pango_layout = layout
            box.style = style  # drawing re-creates the layout from the box's style
            box.width += extra * n
            x_advance += extra * n
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        before = x_advance
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = _spread(context, child, extra, x_advance, boxes, create_layout)
        box.width += x_advance - before
    else:  # an atomic inline (image, inline-block) moves with the text
        box.translate(x_advance, 0)
    return x_advance
