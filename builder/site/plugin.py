"""The MkDocs plugin ``kaohe``: a thin adapter from MkDocs' build events to the site core.

* ``on_config``      load and validate rubrics and rounds (:func:`.collect.collect`); a
                     validation error stops the build with the located diagnostics, before
                     ``site/`` is touched; plan the pages (:func:`.pages.plan`).
* ``on_pre_build``   render the PDFs into a staging folder (still before ``site/`` is emptied).
* ``on_files``       add the generated pages (``File.generated``, not in MkDocs' nav).
* ``on_env``         autoescape, the shared macros folder (``themes/macros``), filters.
* ``on_page_context``  hand each page its document metadata and data (``kh``).
* ``on_post_build``  write the search index; move the PDFs into the site folder; last of
                     all plugins, put the finished build in place of ``site/`` (:mod:`.atomic`).
* ``on_build_error`` remove the unfinished build: ``site/`` stays as it was.

Options (``plugins: [kaohe: {...}]`` in mkdocs.yml): ``publisher`` and ``date`` (发布机构 and
发布日期 of the site's own pages; default: the newest round's), ``drafts`` (also show rounds
that are not published, with a 草稿 banner; env ``KAOHE_DRAFTS=1``), ``pdfs`` (env
``KAOHE_PDFS=0`` skips them; ``mkdocs serve`` skips them unless ``KAOHE_PDFS=1``),
``project_dir`` (default: the folder of mkdocs.yml), ``cache`` (reuse PDFs that did not change,
from ``.cache/kaohe/build``; env ``KAOHE_NO_CACHE=1`` turns it off), ``atomic`` (build into a
temporary folder that replaces ``site/`` at the end; env ``KAOHE_ATOMIC=0`` writes into
``site/`` directly; never under ``mkdocs serve`` or ``--dirty``).
State is reset in ``on_startup`` and ``on_config``, so ``mkdocs serve`` rebuilds start clean.
"""

from __future__ import annotations

import datetime as _dt
import html
import importlib.util
import io
import json
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

import jinja2
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, InclusionLevel

from ..diagnostics import DiagnosticError, render_text
from ..project import Project
from ..rubric.load import fmt
from ..buildcache import BuildCache
from . import outputs, pagecache
from .atomic import AtomicSite
from . import pages as P
from .collect import collect

log = logging.getLogger("mkdocs.plugins.kaohe")
_LEADING_H1 = re.compile(r"^\s*<h1[^>]*>.*?</h1>\s*", re.S)


class KaoheConfig(Config):
    drafts = c.Type(bool, default=False)
    pdfs = c.Type(bool, default=True)
    publisher = c.Type(str, default="")
    date = c.Optional(c.Type(str))
    project_dir = c.Optional(c.Type(str))
    cache = c.Type(bool, default=True)
    atomic = c.Type(bool, default=True)


class KaohePlugin(BasePlugin[KaoheConfig]):
    def on_startup(self, *, command, dirty) -> None:
        self.command = command
        self.dirty = dirty
        self._reset()

    def _reset(self) -> None:
        self.project: Project | None = None
        self.site = None
        self.plan: P.Plan | None = None
        self.specs: dict[str, P.PageSpec] = {}
        self.extra_docs: list[P.SearchDoc] = []
        self.opts: P.SiteOptions | None = None
        self._page_keys: dict[str, str] = {}
        self._page_html: dict[str, str] = {}
        self._drop_staging()
        self._drop_atomic()

    # ── load, validate, plan ──
    def on_config(self, config):
        self._reset()
        self.project = Project(Path(self.config.project_dir or os.path.dirname(config.config_file_path or ".") or "."))
        _check_docs_dir(Path(config.docs_dir), self.project)
        self.opts = self._options(config)
        self.store = BuildCache.for_project(self.project, enabled=None if self.config.cache else False)
        pagecache.MEMO.store = self.store if self.store.enabled else None
        self.pdf_cache = self.page_cache = None
        self.site = collect(self.project, drafts=self.opts.drafts, cache=self.store)
        if not self.site.ok:
            raise PluginError("考核数据有错误，网站没有生成（site/ 保持原样）。请按下面的提示修改：\n"
                              + _format([d for d in self.site.diagnostics if d.is_error]))
        _warn("考核数据有需要注意的地方", [d for d in self.site.diagnostics if d.severity == "warning"])
        if self.site.hidden:
            log.info("未发布的轮次没有生成页面：" + "、".join(self.site.hidden) + "（预览草稿：KAOHE_DRAFTS=1）")
        self.plan = P.plan(self.site, self.opts)
        self.specs = {spec.src_uri: spec for spec in self.plan.pages}
        if self.config.atomic and _env_flag("KAOHE_ATOMIC") is not False \
                and getattr(self, "command", "build") != "serve" and not getattr(self, "dirty", False):
            self.atomic = (config, config.site_dir, AtomicSite(config.site_dir))
            config.site_dir = self.atomic[2].begin()
        return config

    def _options(self, config) -> P.SiteOptions:
        drafts, pdfs = _env_flag("KAOHE_DRAFTS"), _env_flag("KAOHE_PDFS")
        return P.SiteOptions(
            site_name=config.site_name,
            publisher=self.config.publisher,
            date=_parse_date(self.config.date),
            drafts=self.config.drafts if drafts is None else drafts,
            # `mkdocs serve` previews pages quickly: PDFs only when asked for (KAOHE_PDFS=1).
            pdfs=(self.config.pdfs and getattr(self, "command", "build") != "serve" if pdfs is None else pdfs)
            and importlib.util.find_spec("builder.pdf") is not None,
        )

    def on_pre_build(self, *, config):
        if self.opts.pdfs:
            self.staging = Path(tempfile.mkdtemp(prefix="kaohe-pdf-"))
            cache = None
            if self.store.enabled:
                from ..pdf.cache import PdfCache

                cache = self.pdf_cache = PdfCache(self.project, self.store)
            try:
                _warn("生成 PDF 时需要注意", outputs.stage_pdfs(self.site, self.staging, cache=cache))
                if cache is not None:
                    outputs.report_cache(cache)
            except DiagnosticError as e:
                self._drop_staging()
                raise PluginError("PDF 没有生成（site/ 保持原样）：\n" + _format(e.diagnostics)) from None

    def on_files(self, files, *, config):
        _check_docs_files(files, Path(config.docs_dir), self.project)
        for spec in self.plan.pages:
            if files.get_file_from_path(spec.src_uri) is not None:
                raise PluginError(f"{config.docs_dir}/{spec.src_uri} 与自动生成的页面“{spec.meta.title}”重名，请改名或删除该文件。")
            front = f"---\ntemplate: {spec.template}\ntitle: {json.dumps(spec.meta.title, ensure_ascii=False)}\n---\n"
            files.append(File.generated(config, spec.src_uri, content=front, inclusion=InclusionLevel.NOT_IN_NAV))
        if self.store.enabled:
            self.page_cache = pagecache.PageCache(self.store, self.project, config, self.opts, self._kh_site(config))
            self.page_cache.pin_site(self.site)
        return files

    def on_env(self, env, *, config, files):
        env.autoescape = True
        env.loader = jinja2.ChoiceLoader([env.loader, jinja2.FileSystemLoader(str(self.project.root / "themes"))])
        env.filters.update(num=fmt, cndate=cn_date, pct=P.pct)
        env.globals["kh_site"] = self._kh_site(config)
        if self.page_cache is not None:  # generated pages whose data did not change are not rendered again
            env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({pagecache.CACHED_TEMPLATE: pagecache.CACHED_SOURCE}),
                                              env.loader])
        return env

    def _kh_site(self, config) -> dict:
        return {"nav": self.plan.nav, "name": config.site_name, "publisher": self.plan.publisher,
                "date": self.plan.site_date}

    # ── per page ──
    def on_pre_page(self, page, *, config, files):
        # The page's own date instead of the clock: sitemap.xml and its .gz stay byte-identical.
        spec = self.specs.get(page.file.src_uri)
        day = spec.meta.date if spec else self.plan.site_date
        if day:
            page.update_date = day.isoformat()
        return page

    def on_page_content(self, html_, *, page, config, files):
        spec = self.specs.get(page.file.src_uri)
        if spec is not None and self.page_cache is not None:
            key = self.page_cache.key(spec)
            found = self.page_cache.get(key) if key else None
            if found is not None:  # on_page_context hands it to a template that outputs it
                page.meta["template"] = pagecache.CACHED_TEMPLATE
                self._page_html[page.file.src_uri] = found
                self.page_cache.reused.append(page.url)
            elif key:
                self._page_keys[page.file.src_uri] = key
        if page.file.src_uri not in self.specs:  # hand-written pages go into the search index too
            html_ = _LEADING_H1.sub("", html_ or "", count=1)  # the theme prints the title as <h1>
            text = html.unescape(re.sub(r"<[^>]+>", " ", html_))
            self.extra_docs.append(P.SearchDoc(page.url, page.title or "", "页面", text))
        return html_

    def on_page_context(self, context, *, page, config, nav):
        spec = self.specs.get(page.file.src_uri)
        if spec is None:
            try:
                spec = P.handwritten_spec(page.url, page.title or "", page.meta or {}, self.plan)
            except ValueError as e:
                raise PluginError(f"{page.file.src_uri}：开头的 date 格式不对（{e}），应写成 2023-06-30。") from None
        context["kh"] = spec
        cached = self._page_html.pop(page.file.src_uri, None)
        if cached is not None:
            context["kh_cached_page"] = cached
        return context

    @event_priority(100)  # the template's own output, before other plugins change it
    def on_post_page(self, output, *, page, config):
        key = self._page_keys.pop(page.file.src_uri, None)
        if key is not None and self.page_cache is not None:
            self.page_cache.put(key, output)
            self.page_cache.rendered.append(page.url)
        return output

    # ── after the pages ──
    def _write_outputs(self, *, config):
        outputs.write_search_index(self.plan.search + self.extra_docs, Path(config.site_dir))
        if self.store.enabled:
            outputs.write_build_log(self.store, self.pdf_cache, self.page_cache)
        if getattr(self, "staging", None) is not None:
            outputs.move_into(self.staging, Path(config.site_dir))
            self._drop_staging()

    @event_priority(-100)  # after every other plugin has written its files
    def _commit_site(self, *, config):
        if getattr(self, "atomic", None) is None:
            return
        if config.strict and _strict_warnings():
            return  # MkDocs aborts the build next; on_build_error removes the folder
        mk_config, final, site = self.atomic
        site.commit()
        mk_config.site_dir = final
        self.atomic = None
        log.info(f"网站已写入 {final}")

    on_post_build = CombinedEvent(_write_outputs, _commit_site)

    def on_build_error(self, *, error):
        self._drop_staging()
        self._drop_atomic()

    def _drop_atomic(self) -> None:
        atomic = getattr(self, "atomic", None)
        if atomic is not None:
            mk_config, final, site = atomic
            site.abort()
            mk_config.site_dir = final
        self.atomic = None

    def _drop_staging(self) -> None:
        staging = getattr(self, "staging", None)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        self.staging = None


def _strict_warnings() -> bool:
    """Whether MkDocs counted warnings that make a ``--strict`` build fail."""
    from mkdocs.utils import CountHandler

    return any(h.get_counts() for h in logging.getLogger("mkdocs").handlers if isinstance(h, CountHandler))


def _env_flag(name: str) -> bool | None:
    v = os.environ.get(name, "").strip().lower()
    return None if v == "" else v in ("1", "true", "yes", "on")


def _format(diags) -> str:
    buf = io.StringIO()
    render_text(diags, stream=buf)
    return buf.getvalue()


def _warn(what: str, diags) -> None:
    if diags:
        log.warning(f"{what}：\n" + _format(diags))


def _check_docs_dir(docs_dir: Path, project: Project) -> None:
    """docs_dir is copied whole into site/: it must not hold the rounds' private files."""
    docs = docs_dir.resolve()
    content = project.content_dir.resolve()
    inside_round = docs.is_relative_to(content) and any(
        (p / "round.yaml").is_file() for p in [docs, *docs.parents] if p.is_relative_to(content))
    if docs == content or content.is_relative_to(docs) or inside_round:
        raise PluginError(f"mkdocs.yml 的 docs_dir（{docs_dir}）不能是 content/ 或包含考核轮次的文件夹："
                          "MkDocs 会把其中所有文件复制到网站里，联系人名单等不公开的文件会被发布。"
                          "请使用 content/pages/ 这样只放网页文章的文件夹。")


def _check_docs_files(files, docs_dir: Path, project: Project) -> None:
    """Every hand-written page or file in docs_dir must really lie inside the project
    (:mod:`builder.paths`): a symlink to a contact list or to /etc/passwd is never published."""
    from ..paths import check_inside

    bad = []
    for f in files:
        if getattr(f, "generated_by", None) or not f.abs_src_path:
            continue
        d = check_inside(project.root, Path(f.abs_src_path), project.display(Path(f.abs_src_path)))
        if d is not None:
            bad.append(d)
    if bad:
        raise PluginError("网站没有生成（site/ 保持原样）：\n" + _format(bad))


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
        raise PluginError(f"mkdocs.yml 中 kaohe 的 date“{v}”格式不对，应写成 2023-06-30。") from None


def cn_date(d) -> str:
    """2023-06-30 → 2023年6月30日."""
    return f"{d.year}年{d.month}月{d.day}日" if d else ""
