"""The MkDocs plugin ``kaohe``: an adapter that runs the site pipeline (:mod:`builder.site.build`)
and lets MkDocs write what it generated, so ``mkdocs build`` gives the bytes of ``kaohe build``.

* ``on_config``    settings from mkdocs.yml; MkDocs' own sitemap is off (the pipeline writes
                   one); a build (not ``serve``, not ``--dirty``) goes to a folder next to
                   ``site/`` that replaces it at the end (:mod:`.atomic`).
* ``on_pre_build`` the whole pipeline into a staging folder, before MkDocs empties the site
                   folder: bad data, a failing PDF or (``--strict``) a warning stops the
                   build with ``site/`` intact.
* ``on_files``     MkDocs' files (its pages and theme files) are replaced by the staged ones.
* ``on_post_build`` swap the finished folder in; ``on_build_error``: remove it.

Under ``mkdocs serve`` a failed build does not stop MkDocs (which would hold every browser
request until a build succeeds): the pages become an error page with the diagnostics
(:func:`builder.site.build.write_error_site`), and the next good build reloads them.

Options (``plugins: [kaohe: {...}]``): ``publisher``, ``date``, ``drafts``, ``pdfs``
(read by the pipeline from mkdocs.yml) and ``project_dir``. ``mkdocs serve`` skips the
PDFs unless ``KAOHE_PDFS=1`` and watches content/, rubrics/ and themes/ (``watch:``).
"""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from .. import env
from ..diagnostics import DiagnosticError, render_text
from ..project import Project
from . import build as B
from .atomic import AtomicSite, StagingError, _remove

log = logging.getLogger("mkdocs.plugins.kaohe")
# Preview build errors: not through MkDocs' logger, whose --strict counting would abort the
# build that writes the error page (and leave the browser waiting again).
_preview_log = logging.getLogger("kaohe.preview")
if not _preview_log.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    _preview_log.addHandler(_handler)
    _preview_log.propagate = False


class KaoheConfig(Config):
    """The options of the ``kaohe`` plugin in ``mkdocs.yml`` (see DESIGN §4)."""

    drafts = c.Type(bool, default=False)
    pdfs = c.Type(bool, default=True)
    publisher = c.Type(str, default="")
    date = c.Optional(c.Type(str))
    project_dir = c.Optional(c.Type(str))


class KaohePlugin(BasePlugin[KaoheConfig]):
    """The MkDocs adapter: runs :func:`builder.site.build.generate` into a staging folder and
    hands MkDocs the files; the site is swapped in whole or not at all."""

    staging = atomic = None

    def on_startup(self, *, command, dirty) -> None:
        """Remember whether this is ``mkdocs serve`` or a dirty build (neither is made atomic)."""
        self.serve, self.dirty = command == "serve", dirty

    def on_config(self, config):
        """Set up the project and, for a full build, an atomic site: MkDocs writes into a
        staging folder that replaces ``site/`` only when the build succeeds."""
        self.on_build_error(error=None)
        self.project = Project(Path(self.config.project_dir or os.path.dirname(config.config_file_path or ".") or "."))
        config.theme.static_templates.clear()  # sitemap.xml comes from the pipeline
        if (
            not getattr(self, "serve", False)
            and not getattr(self, "dirty", False)
            and env.enabled("KAOHE_ATOMIC", True)
        ):
            self.atomic = (config.site_dir, AtomicSite(config.site_dir))
            self._guard(self.atomic[1].check_writable)
            config.site_dir = self._guard(self.atomic[1].begin)
            _name_site_dir(config.site_dir, self.atomic[0])
        return config

    def on_pre_build(self, *, config):
        """Generate the whole site into the staging folder; problems stop the build with a
        Chinese message (under ``--strict`` warnings too), ``site/`` left as it was."""
        site = AtomicSite(self.atomic[0] if self.atomic else config.site_dir)
        site.sweep()
        staging: Path = self._guard(site.staging)
        self.staging = staging
        # MkDocs' --strict counts the warnings it shows: none under -q (the level is ERROR then).
        strict = bool(config.strict) and log.isEnabledFor(logging.WARNING)
        pdfs = False if getattr(self, "serve", False) and env.flag("KAOHE_PDFS") is None else None
        try:
            settings = B.read_config(
                self.project,
                Path(config.config_file_path or "mkdocs.yml"),
                site_name=config.site_name,
                site_url=config.site_url or "",
                docs_dir=os.path.relpath(config.docs_dir, self.project.root),
            )
            build = B.prepare(self.project, settings, B.BuildOptions(strict=strict, pdfs=pdfs))
            self.result = B.generate(build, staging)
        except Exception as e:
            if getattr(self, "serve", False):  # show it in the browser, don't leave it waiting
                return self._preview_error(e, config, staging)
            self.on_build_error(error=e)
            if isinstance(e, B.StrictError):
                raise PluginError(
                    "有警告，按 --strict 的要求网站没有生成（site/ 保持原样）：\n" + _format(e.diagnostics)
                ) from None
            if isinstance(e, DiagnosticError):
                raise PluginError(
                    f"{getattr(e, 'what', '网站')}没有生成（site/ 保持原样）。请按下面的提示修改：\n"
                    + _format(e.diagnostics)
                ) from None
            raise
        self.pages = [f for f in self.result.files if f.endswith(".html")]  # for a later preview error
        self._log_result(build)

    def _preview_error(self, e: Exception, config, staging: Path) -> None:
        """``mkdocs serve``: the build failed. The pages of the last good build (and the home
        page, 404.html) become an error page with the diagnostics (core: :func:`B.write_error_site`),
        so the browser reloads into it — MkDocs itself would hold every request until a build
        succeeds — and reloads again once the files are fixed."""
        diags = B.failure_diagnostics(e, self.project)
        what = getattr(e, "what", "网站")
        _preview_log.error(f"{what}没有生成，浏览器中显示下面的错误。请按提示修改：\n" + _format(diags))
        if not isinstance(e, DiagnosticError):
            _preview_log.error("", exc_info=e)
        _remove(staging)
        staging.mkdir(parents=True)
        files = B.write_error_site(diags, staging, getattr(self, "pages", ()), site_name=config.site_name, what=what)
        self.result = B.Result(files, [], None)

    def _log_result(self, build) -> None:
        notes = [d for d in self.result.warnings if d.severity == "info"]
        warnings = [d for d in self.result.warnings if d.severity != "info"]
        if warnings:
            log.warning("考核数据有需要注意的地方：\n" + _format(warnings))
        if notes:  # (MkDocs' --strict counts warnings only)
            log.info("提示：\n" + _format(notes))
        for d in build.notes:  # every waiver of the publication gate is stated in the log
            log.info("发布检查豁免：" + _format([d]).rstrip())
        if build.site.hidden:
            log.info("未发布的轮次没有生成页面：" + "、".join(build.site.hidden) + "（预览草稿：KAOHE_DRAFTS=1）")

    def on_files(self, files, *, config):
        """The generated files, for MkDocs to copy into its site folder."""
        return Files(
            [_Output(rel, str(self.staging), config.site_dir, use_directory_urls=False) for rel in self.result.files]
        )

    @event_priority(-100)  # after every other plugin has written its files
    def on_post_build(self, *, config):
        """Remove the staging folder and swap the finished site into place."""
        if self.staging is not None:
            _remove(self.staging)
        self.staging = None
        if self.atomic is not None:
            final, site = self.atomic
            site.commit()
            config.site_dir, self.atomic = final, None
            log.info(f"网站已写入 {final}")

    def on_build_error(self, *, error):
        """Remove the staging folder and the unfinished site; ``site/`` stays as it was."""
        if self.staging is not None:
            _remove(self.staging)
        if self.atomic is not None:
            self.atomic[1].abort()
        self.staging = self.atomic = None

    def _guard(self, make):
        try:
            return make()
        except StagingError as e:
            raise PluginError(str(e)) from None


class _Output(File):
    """A file the pipeline wrote: copied as it is, never rendered by MkDocs as a page (the
    checker page's .md report templates are downloads)."""

    def is_documentation_page(self) -> bool:
        return False


def _name_site_dir(temp: str, final: str) -> None:
    """MkDocs names the folder it writes into: let it say ``site/``, not the temporary folder."""

    def rename(record) -> bool:
        if isinstance(record.msg, str):
            record.msg = record.msg.replace(temp, final)
        return True

    logger = logging.getLogger("mkdocs.commands.build")
    logger.filters = [f for f in logger.filters if getattr(f, "__name__", "") != "rename"] + [rename]


def _format(diags) -> str:
    buf = io.StringIO()
    render_text(diags, stream=buf)
    return buf.getvalue()
