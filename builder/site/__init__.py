"""The public results website.

``builder.site.plugin`` is the MkDocs adapter (the only module here that imports MkDocs);
the rest is plain Python: :mod:`.collect` loads and validates what the site shows,
:mod:`.pages` plans the generated pages and their template data, :mod:`.usermd` renders
user Markdown safely and :mod:`.search` writes the local search index.
"""
