"""The public results website.

:mod:`.build` is the pipeline (``kaohe build``): load and compute (:mod:`.collect`), plan the
pages (:mod:`.pages`), then the outputs in order — pages rendered with the theme, hand-written
pages, theme files, the search index (:mod:`.search`), PDFs, sitemap — into a staging folder
that replaces ``site/`` at the end (:mod:`.atomic`). Pages and rendered Markdown are kept in
the build cache (:mod:`.pagecache`); user Markdown is rendered safely by :mod:`.usermd`.
``builder.site.plugin`` is the MkDocs adapter (the only module here that imports MkDocs): it
runs the same pipeline and hands MkDocs the files.
"""
