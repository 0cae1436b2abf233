"""The MkDocs plugin ``kaohe``: a thin adapter from MkDocs' build events to the site core.

* ``on_config``   load and validate rubrics and rounds (:func:`.collect.collect`); a
                  validation error stops the build with the located diagnostics, before
                  ``site/`` is touched; plan the pages (:func:`.pages.plan`).
* ``on_files``    add the generated pages (``File.generated``, not in MkDocs' nav).
* ``on_env``      autoescape, the shared macros folder (``themes/macros``), filters.
* ``on_page_context``  hand each page its document metadata and data.
* ``on_post_build``    write the search index; render the PDFs into the site folder.

Switches: ``drafts: true`` (or env ``KAOHE_DRAFTS=1``) also shows rounds that are not
published, with a 草稿 banner; ``pdfs: false`` (or env ``KAOHE_PDFS=0``) skips the PDFs.
"""

from __future__ import annotations

import datetime as _dt
import importlib.util
import io
import json
import logging
import os
import re
from pathlib import Path

import jinja2
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, InclusionLevel

from ..diagnostics import DiagnosticError, render_text
from ..project import Project
from ..rubric.load import fmt
from . import pages as P
from .collect import collect
from .search import index_script

log = logging.getLogger("mkdocs.plugins.kaohe")

SEARCH_INDEX = "search/search-index.js"


def _env_flag(name: str) -> bool | None:
    v = os.environ.get(name)
    if v is None or v.strip() == "":
        return None
    return v.strip().lower() in ("1", "true", "yes", "on")


class KaoheConfig(Config):
    drafts = c.Type(bool, default=False)
    pdfs = c.Type(bool, default=True)
    publisher = c.Type(str, default="")
    date = c.Optional(c.Type(str))
    project_dir = c.Optional(c.Type(str))


class KaohePlugin(BasePlugin[KaoheConfig]):
    def on_startup(self, *, command, dirty) -> None:
        self._reset()

    def _reset(self) -> None:
        self.project: Project | None = None
        self.plan: P.Plan | None = None
        self.specs: dict[str, P.PageSpec] = {}
        self.extra_docs: list[P.SearchDoc] = []
        self.site_data = None
        self.opts: P.SiteOptions | None = None

    # ── load, validate, plan ──
    def on_config(self, config):
        self._reset()
        root = Path(self.config.project_dir or os.path.dirname(config.config_file_path or ".") or ".")
        self.project = Project(root)
        _check_docs_dir(Path(config.docs_dir), self.project)
        drafts = _env_flag("KAOHE_DRAFTS")
        pdfs = _env_flag("KAOHE_PDFS")
        self.opts = P.SiteOptions(
            site_name=config.site_name,
            publisher=self.config.publisher,
            date=_parse_date(self.config.date),
            drafts=self.config.drafts if drafts is None else drafts,
            pdfs=(self.config.pdfs if pdfs is None else pdfs) and importlib.util.find_spec("builder.pdf") is not None,
        )
        site = collect(self.project, drafts=self.opts.drafts)
        if not site.ok:
            raise PluginError("考核数据有错误，网站没有生成（site/ 保持原样）。请按下面的提示修改：\n"
                              + _format([d for d in site.diagnostics if d.is_error]))
        warnings = [d for d in site.diagnostics if d.severity == "warning"]
        if warnings:
            log.warning("考核数据有需要注意的地方：\n" + _format(warnings))
        if site.hidden:
            log.info("未发布的轮次没有生成页面：" + "、".join(site.hidden) + "（预览草稿：KAOHE_DRAFTS=1）")
        self.site_data = site
        self.plan = P.plan(site, self.opts)
        self.specs = {spec.src_uri: spec for spec in self.plan.pages}
        return config

    def on_files(self, files, *, config):
        for spec in self.plan.pages:
            if files.get_file_from_path(spec.src_uri) is not None:
                raise PluginError(f"{config.docs_dir}/{spec.src_uri} 与自动生成的页面“{spec.meta.title}”重名，请改名或删除该文件。")
            front = "---\n" + f"template: {spec.template}\n" + f"title: {json.dumps(spec.meta.title, ensure_ascii=False)}\n---\n"
            files.append(File.generated(config, spec.src_uri, content=front, inclusion=InclusionLevel.NOT_IN_NAV))
        return files

    def on_env(self, env, *, config, files):
        env.autoescape = True
        macros = self.project.root / "themes"
        env.loader = jinja2.ChoiceLoader([env.loader, jinja2.FileSystemLoader(str(macros))])
        env.filters["num"] = fmt
        env.filters["cndate"] = cn_date
        env.filters["pct"] = P.pct
        env.globals["kh_site"] = {"nav": self.plan.nav, "name": config.site_name, "publisher": self.plan.publisher,
                                  "date": self.plan.site_date}
        return env

    # ── per page ──
    def on_pre_page(self, page, *, config, files):
        # The page's own date instead of the clock: sitemap.xml and its .gz stay byte-identical.
        spec = self.specs.get(page.file.src_uri)
        day = spec.meta.date if spec else self.plan.site_date
        if day:
            page.update_date = day.isoformat()
        return page

    def on_page_context(self, context, *, page, config, nav):
        spec = self.specs.get(page.file.src_uri)
        if spec is None:  # a hand-written page from docs_dir
            meta = page.meta or {}
            spec = P.PageSpec(page.url, "page", "main.html", P.DocMeta(
                title=page.title or "", date=_parse_date(meta.get("date")) or self.plan.site_date,
                organ=str(meta.get("organ") or self.plan.publisher), doc_code=str(meta.get("doc_number") or ""),
                description=str(meta.get("description") or "")), (("首页", ""),))
        context["kh"] = spec
        return context

    def on_page_content(self, html, *, page, config, files):
        if page.file.src_uri not in self.specs and html:
            text = re.sub(r"<[^>]+>", " ", html)
            self.extra_docs.append(P.SearchDoc(page.url, page.title or "", "页面", _unescape(text)))
        return html

    # ── after the pages ──
    def on_post_build(self, *, config):
        site_dir = Path(config.site_dir)
        out = site_dir / SEARCH_INDEX
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(index_script(self.plan.search + self.extra_docs), encoding="utf-8")
        if self.opts.pdfs:
            from ..pdf import render_round_pdfs

            notes: list = []
            try:
                for res in self.site_data.rounds:
                    if res.round.notification is not None:
                        render_round_pdfs(res, self.project, site_dir, warnings=notes)
                    else:  # no 通报 to print: the counties' documents only
                        for cr in res.counties:
                            render_round_pdfs(res, self.project, site_dir, county=cr.county.id, warnings=notes)
            except DiagnosticError as e:
                raise PluginError("PDF 没有生成：\n" + _format(e.diagnostics)) from None
            for res in self.site_data.rounds:
                if res.round.publish == "grades":
                    # The feedback PDF states scores and remarks for the county; a round that
                    # publishes grades only must not put it on the public site.
                    for cr in res.counties:
                        (site_dir / res.round.id / cr.county.id / "feedback.pdf").unlink(missing_ok=True)
            if notes:
                log.warning("生成 PDF 时需要注意：\n" + _format(notes))


def _format(diags) -> str:
    buf = io.StringIO()
    render_text(diags, stream=buf)
    return buf.getvalue()


def _check_docs_dir(docs_dir: Path, project: Project) -> None:
    """docs_dir is copied whole into site/: it must not hold the rounds' private files."""
    docs = docs_dir.resolve()
    content = project.content_dir.resolve()
    if docs == content or content.is_relative_to(docs) or (docs.is_relative_to(content) and any(
            (p / "round.yaml").is_file() for p in [docs, *docs.parents] if p.is_relative_to(content))):
        raise PluginError(f"mkdocs.yml 的 docs_dir（{docs_dir}）不能是 content/ 或包含考核轮次的文件夹："
                          "MkDocs 会把其中所有文件复制到网站里，联系人名单等不公开的文件会被发布。"
                          "请使用 content/pages/ 这样只放网页文章的文件夹。")


def _parse_date(v) -> _dt.date | None:
    if v is None or v == "":
        return None
    if isinstance(v, _dt.datetime):
        return v.date()
    if isinstance(v, _dt.date):
        return v
    try:
        return _dt.date.fromisoformat(str(v))
    except ValueError:
        raise PluginError(f"日期“{v}”格式不对，应写成 2023-06-30。")


def cn_date(d) -> str:
    """2023-06-30 → 2023年6月30日."""
    if not d:
        return ""
    return f"{d.year}年{d.month}月{d.day}日"


def _unescape(s: str) -> str:
    import html

    return html.unescape(s)
