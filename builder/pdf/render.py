"""Rendering one document: Jinja print template → HTML → WeasyPrint → PDF bytes.

:class:`Renderer` holds what every document of a project shares (the Jinja environment
over ``themes/print`` and ``themes/macros``, the print stylesheet, the resolved fonts)
and is cheap to keep for many documents. Per document it

1. renders the template with the document's context (:mod:`builder.pdf.documents`);
2. collects the characters used, checks that the body font has all of them and
   subsets each role's font to them (:mod:`builder.pdf.fonts`);
3. lets WeasyPrint lay the document out with :class:`~builder.pdf.fetcher.RestrictedFetcher`
   as its only way to read anything, and writes the PDF without a file identifier and
   with the dates of the round (never the clock), so that the same input gives the same
   bytes.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import ERROR, WARNING, Diagnostic, DiagnosticError
from . import fonts as _fonts
from .documents import DocSpec

if TYPE_CHECKING:  # imported when first needed: a build without PDFs never loads them
    import jinja2
    import weasyprint

FONT_MARKER = "/*kaohe-font-faces*/"
# Small-form variants that GB2312 fonts lack, printed as the characters they stand for:
# ﹝2017﹞ in a 文号 is the 六角括号 〔2017〕 of GB/T 9704 §7.2.4.
PRINT_EQUIVALENTS = str.maketrans({"\ufe5d": "\u3014", "\ufe5e": "\u3015"})
THEME_DIR = Path("themes") / "print"
# The round folder as WeasyPrint sees it: relative URLs (report images) resolve against
# file:///kaohe-round/…, which the fetcher reads from the real folder. WeasyPrint names an
# image after its URL, so a real path would make the PDF's bytes depend on the folder the
# project was built in.
ROUND_ALIAS = "/kaohe-round"
MACROS_DIR = Path("themes")
BANJI_ANCHOR = '<p class="banji-anchor">'
BANJI_ANCHOR_EVEN = '<p class="banji-anchor banji-even">'
PAGE_NUMBER_PT = 14.0  # 4号, as print.css sets the page-number boxes


def banji_on_even_page(document: weasyprint.Document, html: str, lay_out, *, apart: bool = True):
    """``document`` (laid out from ``html``, an odd number of pages, the 版记 at the bottom of
    its last page) with the 版记 on the next even page instead: GB/T 9704 §7.4 puts it on the
    back of the last sheet, printed on both sides; that page and a blank page before it carry
    no page number (§7.5). ``lay_out(html)`` lays a document out.

    The body keeps its pages, so instead of laying the whole document out again (a feedback
    letter: 0.4 s), the 版记 is taken off the last page and a one-page document of the 版记
    alone (the page's fixed boxes, the 示例数据 mark and watermark, included) is put after
    it: the same bytes as laying it all out again with the 版记 moved (``apart=False``, and
    when the last page holds nothing but the 版记: then a blank page comes before it).
    """
    from weasyprint.formatting_structure import boxes

    moved = html.replace(BANJI_ANCHOR, BANJI_ANCHOR_EVEN, 1)
    last = document.pages[-1]
    alone = _banji_alone(moved) if apart else None
    if alone is None or not _has_text(last._page_box):
        return lay_out(moved)
    page = lay_out(alone)
    if len(page.pages) != 1:
        return lay_out(moved)
    last._page_box.children = [c for c in last._page_box.children if not isinstance(c, boxes.FootnoteAreaBox)]
    return document.copy([*document.pages, page.pages[0]])


_FIXED_BOXES = re.compile(r'<div class="(?:sample-note|watermark)"[^>]*>.*?</div>', re.S)


def _banji_alone(moved: str) -> str | None:
    """The document ``moved`` (the 版记 with its even-page class) with nothing in its body but
    the fixed boxes (themes/print/base.html) and the 版记 (themes/print/parts.html); None
    when it is not built as those templates build it."""
    start = moved.find(BANJI_ANCHOR_EVEN)
    body = moved.find("<body")
    if start < 0 or body < 0:
        return None
    head_end = moved.index(">", body) + 1
    end = moved.find("</span></p>", start)
    if end < 0:
        return None
    fixed = "".join(_FIXED_BOXES.findall(moved, head_end, start))
    return moved[:head_end] + fixed + moved[start : end + len("</span></p>")] + "\n</body>\n</html>"


def _has_text(box) -> bool:
    """Whether a page holds text of the body (not of its fixed boxes or of the 版记)."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.FootnoteAreaBox | boxes.MarginBox):
        return False
    if isinstance(box, boxes.TextBox):
        return bool(box.text.strip())
    if box.style["position"] == "fixed":
        return False
    return any(_has_text(c) for c in getattr(box, "children", ()))


@dataclass
class Rendered:
    """The PDF bytes of one prepared document and the warnings its layout gave."""

    job: Job
    pdf: bytes
    diagnostics: list[Diagnostic]


class _Capture(logging.Handler):
    """Collects WeasyPrint's warnings (missing images, CSS errors) during one document."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


class Renderer:
    """What every document of a project shares: print theme, stylesheet and fonts.

    :param project: the project whose ``themes/print`` and fonts are used.
    :param fonts_config: a font configuration file instead of the default ones.
    :param extra_roots: more folders the documents may read images from.
    :param resolved_fonts: fonts a parent process resolved (workers skip the look-up).
    :raises DiagnosticError: when the print theme is missing or the font configuration has errors.
    """

    def __init__(
        self,
        project,
        fonts_config: Path | str | None = None,
        extra_roots: list[Path] | None = None,
        resolved_fonts: dict | None = None,
    ):
        self.project = project
        self.theme_dir = project.root / THEME_DIR
        if not (self.theme_dir / "print.css").is_file():
            raise DiagnosticError(
                [
                    Diagnostic(
                        project.display(self.theme_dir),
                        0,
                        0,
                        ERROR,
                        "pdf-theme-missing",
                        "找不到公文打印模板 themes/print/print.css。请确认在项目根目录运行。",
                    )
                ]
            )
        if resolved_fonts is None:  # (worker processes get the fonts their parent resolved)
            specs, diags = _fonts.load_font_config(_fonts.config_paths(project.root, fonts_config), project.display)
            if any(d.is_error for d in diags):
                raise DiagnosticError(diags)
            resolved_fonts = _fonts.resolve_fonts(specs)
        self.fonts = resolved_fonts
        self.css_text = (self.theme_dir / "print.css").read_text(encoding="utf-8")
        # Characters the stylesheet itself draws (page numbers, list markers, …).
        self.css_chars = "".join(re.findall(r'"([^"]*)"', re.sub(r"/\*.*?\*/", "", self.css_text, flags=re.S)))
        self.roots = [project.root / "themes", project.content_dir, *(extra_roots or [])]
        self._env: jinja2.Environment | None = None
        self._css: weasyprint.CSS | None = None
        self._page_css: str | None = None

    # ---------------------------------------------------------------- templates

    @property
    def env(self) -> jinja2.Environment:
        """The Jinja environment of the print theme (made on first use)."""
        if self._env is None:
            import jinja2

            env = jinja2.Environment(
                loader=jinja2.FileSystemLoader([str(self.theme_dir), str(self.project.root / MACROS_DIR)]),
                autoescape=True,
                undefined=jinja2.StrictUndefined,
                trim_blocks=False,
                lstrip_blocks=False,
            )
            env.filters["print_fonts"] = print_fonts
            self._env = env
        return self._env

    def html(self, spec: DocSpec) -> str:
        """The document's HTML with @font-face rules left as a marker."""
        import jinja2

        try:
            from .links import print_links

            template = self.env.get_template(spec.template)
            # Only http(s), mailto and in-document links: never a file:// path of this machine.
            return print_links(template.render(font_css=jinja2.utils.markupsafe.Markup(FONT_MARKER), **spec.context))
        except jinja2.TemplateSyntaxError as exc:
            path = self.project.display(Path(exc.filename)) if exc.filename else f"themes/print/{spec.template}"
            raise DiagnosticError(
                [Diagnostic(path, exc.lineno or 0, 1, ERROR, "pdf-template", f"打印模板语法错误：{exc.message}")]
            ) from None
        except Exception as exc:  # undefined values, type errors in expressions
            path, line = _template_location(exc, self.theme_dir / spec.template)
            raise DiagnosticError(
                [
                    Diagnostic(
                        self.project.display(path),
                        line,
                        1,
                        ERROR,
                        "pdf-template",
                        f"打印模板出错（{spec.template}）：{exc}",
                    )
                ]
            ) from None

    # ---------------------------------------------------------------- PDF

    def stylesheet(self):
        """The print stylesheet as a WeasyPrint ``CSS`` (made on first use)."""
        if self._css is None:
            from .weasy import load

            load()
            from weasyprint import CSS

            from .fetcher import RestrictedFetcher  # (imports WeasyPrint: only when rendering)

            self._css = CSS(
                string=self.css_text, base_url=self.theme_dir.as_uri() + "/", url_fetcher=RestrictedFetcher(self.roots)
            )
        return self._css

    def page_number_css(self) -> str:
        """Page-number boxes placed so that the ink of the 一字线 is 7 mm below the version
        (GB/T 9704 §7.5), whatever the 宋体 font: the dash's ink starts below the top of
        its line box by the font's own measure."""
        if self._page_css is None:
            font = self.fonts.get("songti") or self.fonts[_fonts.BODY_ROLE]
            pad = 7 * 72 / 25.4 - _fonts.ink_top(font, "\u2014") * PAGE_NUMBER_PT
            rules = []
            for side, box in (("right", "bottom-right"), ("left", "bottom-left")):
                rules.append(f"@page :{side} {{ @{box} {{ padding-top: {pad:.2f}pt !important; }} }}")
            self._page_css = "\n" + "\n".join(rules)
        return self._page_css

    def prepare(self, spec: DocSpec) -> Job:
        """Everything WeasyPrint needs for one document (picklable, for worker processes)."""
        html = keep_last_line(self.html(spec).translate(PRINT_EQUIVALENTS))
        notes: list[Diagnostic] = []
        body = self.fonts.get(_fonts.BODY_ROLE)
        if body is not None:  # characters the body font lacks: 〓 and a warning, never a failed build
            from ..glyphs import pdf_fallback

            html, notes = pdf_fallback(
                html,
                lambda cps: _fonts.backend().covers(body, cps),
                body.label,
                _fonts.ROLE_NAMES[_fonts.BODY_ROLE],
                Path(spec.source),
                spec.source,
            )
        chars = "".join(sorted(set(html) | set(self.css_chars) | set(spec.context["doc"].get("watermark", ""))))
        return Job(
            spec.kind,
            spec.county,
            spec.rel_path,
            html,
            chars,
            str(spec.base_dir.resolve()),
            str(spec.round_dir.resolve()),
            spec.source,
            list(spec.diagnostics) + notes,
        )

    def write(self, job: Job) -> Rendered:
        """The PDF of a prepared document; DiagnosticError (located at job.source) on failure."""
        from .weasy import load

        load()
        from weasyprint import DEFAULT_OPTIONS, HTML
        from weasyprint.text.fonts import FontConfiguration

        from .fetcher import RestrictedFetcher
        from .justify import install

        install()
        chars = _fonts.charset_of(job.chars)
        _fonts.check_coverage(self.fonts, chars, (job.source, 0, 0))
        font_css, blobs = _fonts.font_faces(self.fonts, chars)
        font_css += self.page_number_css()
        html = job.html.replace(FONT_MARKER, font_css, 1)
        fetcher = RestrictedFetcher([*self.roots, Path(job.round_dir)], blobs, {ROUND_ALIAS: Path(job.round_dir)})
        capture = _Capture()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(capture)
        propagate, logger.propagate = logger.propagate, False
        try:
            options = {
                **DEFAULT_OPTIONS,
                "stylesheets": [self.stylesheet()],
                "pdf_identifier": False,
                "uncompressed_pdf": False,
            }
            base_url = _base_url(job)

            def lay_out(text: str) -> weasyprint.Document:
                return HTML(string=text, base_url=base_url, url_fetcher=fetcher).render(
                    font_config=FontConfiguration(), **options
                )

            document = lay_out(html)
            if len(document.pages) % 2 and BANJI_ANCHOR in html:
                document = banji_on_even_page(document, html, lay_out)
            pdf = document.write_pdf(None, 1, None, **{k: options[k] for k in DEFAULT_OPTIONS})
        except DiagnosticError:
            raise
        except Exception as exc:  # WeasyPrint errors are not part of our contract: locate them
            raise DiagnosticError(
                [
                    Diagnostic(
                        job.source,
                        0,
                        0,
                        ERROR,
                        "pdf-render",
                        f"生成 PDF（{job.rel_path}）失败：{type(exc).__name__}: {exc}。"
                        "请检查报告中的图片等文件是否完整。",
                    )
                ]
            ) from exc
        finally:
            logger.removeHandler(capture)
            logger.propagate = propagate
            refused = sorted(set(fetcher.refused))
        diags = list(job.diagnostics)
        for url in refused:
            shown = url if len(url) <= 120 else url[:117] + "…"
            diags.append(
                Diagnostic(
                    job.source,
                    0,
                    0,
                    WARNING,
                    "pdf-resource-refused",
                    f"没有读取“{shown}”：PDF 只能使用本项目 themes/ 和本轮次 content/ 中的图片等文件，"
                    "网络地址和其他位置的文件一律不读取。",
                )
            )
        for message in capture.messages:
            if any(url in message for url in refused):
                continue
            diags.append(
                Diagnostic(job.source, 0, 0, WARNING, "pdf-weasyprint", f"排版提示（{job.rel_path}）：{message}")
            )
        return Rendered(job, pdf, diags)

    def render(self, spec: DocSpec) -> Rendered:
        """prepare + write in this process."""
        return self.write(self.prepare(spec))


def _base_url(job: Job) -> str:
    """``file:///kaohe-round/<base dir relative to the round>/`` (see ROUND_ALIAS), or the
    real folder's URL for a base outside the round."""
    base, rnd = Path(job.base_dir), Path(job.round_dir)
    if base == rnd or base.is_relative_to(rnd):
        rel = base.relative_to(rnd).as_posix()
        return f"file://{ROUND_ALIAS}/" + ("" if rel == "." else rel.strip("/") + "/")
    return base.as_uri() + "/"


_PARA_END = re.compile(r"([^<>]*)(</(?:p|li)>)")
_VISIBLE = re.compile(r"&#?\w+;|[^\s]")
TAIL_CHARS = 3


def keep_last_line(html: str) -> str:
    """Bind the last characters of every paragraph so that its last line is never one
    character and a stop ("2。" alone on a line): the last TAIL_CHARS visible characters
    of a paragraph's final text run go into one unbreakable span."""

    def bind(m):
        text, close = m.group(1), m.group(2)
        marks = list(_VISIBLE.finditer(text))
        if len(marks) < 2 * TAIL_CHARS:  # a short paragraph has nothing to keep
            return m.group(0)
        cut = marks[-TAIL_CHARS].start()
        return f'{text[:cut]}<span class="keep">{text[cut:]}</span>{close}'

    return _PARA_END.sub(bind, html)


_FONT_ATTR = re.compile(r'font-family="[^"]*"')


def print_fonts(markup):
    """Charts shared with the site name the site's fonts; in print they use the font roles
    (黑体, falling back to 仿宋), so that only the configured fonts are embedded."""
    from markupsafe import Markup

    return Markup(_FONT_ATTR.sub('font-family="kaohe-heiti, kaohe-fangsong"', str(markup)))


@dataclass
class Job:
    """One document ready for WeasyPrint: plain, picklable data for worker processes."""

    kind: str
    county: str | None
    rel_path: str
    html: str  # with FONT_MARKER where the @font-face rules go
    chars: str  # every character the document may draw
    base_dir: str
    round_dir: str
    source: str
    diagnostics: list[Diagnostic]


def _template_location(exc, default: Path) -> tuple[Path, int]:
    import traceback

    tb = exc.__traceback__
    found = (default, 0)
    for frame, lineno in traceback.walk_tb(tb):
        fname = frame.f_code.co_filename
        if fname.endswith(".html") and Path(fname).exists():
            found = (Path(fname), lineno)  # the innermost template frame wins
    return found
