"""kaohe: publisher for government quality-work assessments (质量工作考核).

The core (rubric, rounds, checker, markdown) imports neither MkDocs nor WeasyPrint;
``builder.site`` and ``builder.pdf`` are the adapters, ``builder.cli`` the command line.
"""

__version__ = "0.1.0"
