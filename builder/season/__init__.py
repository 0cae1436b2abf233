"""The quality office's season around one round (issue 14), pure core plus workbooks:

* :mod:`.status` — which department sheets are in, which (county, item) pairs are empty;
* :mod:`.reviewids` — the stable ids of deductions and lost points in the feedback (复核);
* :mod:`.appeals` — county reply forms, the office's decisions, re-scoring;
* :mod:`.compare` — score-by-score before/after of two results (appeals and ``kaohe diff``);
* :mod:`.audit` — the versioned, hash-chained audit trail in ``content/<round>/audit/``;
* :mod:`.export` — the office's 汇总表 (XLSX);
* :mod:`.xlsx` — the one way these workbooks are written (text never a formula, exact numbers).

The command line is ``builder/cli/season.py``.
"""
