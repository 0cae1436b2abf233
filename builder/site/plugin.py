"""The MkDocs plugin ``kaohe``, an adapter: the site pipeline (:mod:`builder.site.build`) runs into a
staging folder before MkDocs empties its site folder, and MkDocs writes those files instead of its own
pages, so ``mkdocs build`` gives the bytes of ``kaohe build`` and says the same (:mod:`.messages`).
``site/`` is replaced only by a build that succeeded (:mod:`.atomic`; not under ``serve`` or ``--dirty``).
``mkdocs serve`` skips the PDFs unless ``KAOHE_PDFS=1`` and shows a failed build as an error page.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from .. import env
from ..diagnostics import DiagnosticError
from ..project import Project
from . import build as B
from . import messages
from .atomic import AtomicSite, StagingError, _remove

log = logging.getLogger("mkdocs.plugins.kaohe")


class KaoheConfig(Config):
    """``plugins: [kaohe: {...}]`` (DESIGN §4); the pipeline reads all but ``project_dir`` itself."""

    drafts = c.Type(bool, default=False)
    pdfs = c.Type(bool, default=True)
    publisher = c.Type(str, default="")
    date = c.Optional(c.Type(str))
    project_dir = c.Optional(c.Type(str))


class KaohePlugin(BasePlugin[KaoheConfig]):
    serve = dirty = staging = atomic = None  # set by on_startup and each build
    result = B.Result([], [], None)  # the last build's (a preview error replaces its pages)

    def on_startup(self, *, command, dirty) -> None:
        self.serve, self.dirty = command == "serve", dirty

    def on_config(self, config):
        self.project = Project(Path(self.config.project_dir or os.path.dirname(config.config_file_path or ".") or "."))
        config.theme.static_templates.clear()  # sitemap.xml comes from the pipeline
        if not self.serve and not self.dirty and env.enabled("KAOHE_ATOMIC", True):
            self.atomic = (config.site_dir, AtomicSite(config.site_dir))
            try:
                self.atomic[1].check_writable()
                config.site_dir = self.atomic[1].begin()
            except StagingError as e:  # the message is for the user
                raise PluginError(str(e)) from None
            names = logging.getLogger("mkdocs.commands.build")  # it names the folder it writes into
            names.filters = [f for f in names.filters if not isinstance(f, KaohePlugin)] + [self]
        return config

    def filter(self, record: logging.LogRecord) -> bool:  # for MkDocs' log: site/, not the temporary folder
        record.msg = str(record.msg).replace(str(self.atomic[1].temp), self.atomic[0]) if self.atomic else record.msg
        return True

    def on_pre_build(self, *, config):
        site = AtomicSite(self.atomic[0] if self.atomic else config.site_dir)
        site.sweep()
        self.staging = site.staging()
        strict = bool(config.strict) and log.isEnabledFor(logging.WARNING)  # MkDocs counts none under -q
        options = B.BuildOptions(strict=strict, pdfs=False if self.serve and env.flag("KAOHE_PDFS") is None else None)
        docs, url = os.path.relpath(config.docs_dir, self.project.root), config.site_url or ""
        try:
            yml = Path(config.config_file_path or "mkdocs.yml")
            settings = B.read_config(self.project, yml, site_name=config.site_name, site_url=url, docs_dir=docs)
            self.result = B.generate(B.prepare(self.project, settings, options), self.staging)
        except Exception as e:
            if not self.serve:
                raise (PluginError(messages.report(e)) if isinstance(e, DiagnosticError) else e) from None
            # the browser shows it; not in MkDocs' log, where --strict would abort the build
            self.result, text = messages.preview_error(e, self.project, self.staging, self.result, config.site_name)
            return print("ERROR   -  " + text, file=sys.stderr, flush=True)
        for level, text in messages.finished(self.result):
            log.log(level, text)

    def on_files(self, files, *, config):
        return Files([_Output(f, str(self.staging), config.site_dir, False) for f in self.result.files])

    @event_priority(-100)  # after every other plugin has written its files
    def on_post_build(self, *, config):
        if self.atomic:
            config.site_dir = self.atomic[0]
            self.atomic[1].commit()
            log.info(messages.written(self.result, config.site_dir))
        self.on_build_error(error=None)  # the staging folder (a committed site has nothing left to abort)

    def on_build_error(self, *, error):  # any step failed: remove the staging folder and the unfinished site
        if self.staging is not None:
            _remove(self.staging)
        if self.atomic is not None:
            self.atomic[1].abort()
        self.staging = self.atomic = None


class _Output(File):
    def is_documentation_page(self) -> bool:  # copied as the pipeline wrote it (the checker page's .md too)
        return False
