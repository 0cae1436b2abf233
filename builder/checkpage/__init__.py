"""The checker page of the site (``site/check/``): the same Python checker, run in the browser.

County staff open the page, pick the round and the county, and choose their report (.md,
or .docx), or paste it. Pyodide (from the npm package pinned in
``builder/checkpage/package.json``) runs :mod:`builder.checker` on the file in the browser;
the file never leaves the computer, and the page makes no request to any other host.

* :mod:`.data`    which rounds the page offers (shown rounds whose rubric has a template);
* :mod:`.page`    the page's spec for the site's page pipeline (``themes/kaohe/check.html``);
* :mod:`.write`   the page's files: Pyodide, the packed Python, the round facts, the templates;
* :mod:`.bundle`  the zip of the checker's source and its pure-Python libraries;
* :mod:`.precompile` (with ``precompile.mjs``) Python compiled to bytecode by Pyodide under Node;
* :mod:`.browser` the Python the page calls in the browser.

The page's markup is ``themes/kaohe/check.html``, its script ``themes/kaohe/assets/check.js``.

This ``__init__`` imports nothing: it is also unpacked in the browser.
"""
