"""The 版记 moved to an even page without laying the document out again (builder/pdf/render.py,
banji_on_even_page): the same bytes as a second layout of the whole document."""

from __future__ import annotations

import pytest
from fixtures.pdf import pdfcheck as pc
from fixtures.pdf.synthetic import REPO

from builder.pdf import documents
from builder.pdf import render as R
from builder.project import Project
from builder.rounds.load import load_round
from builder.rounds.scoring import compute


@pytest.fixture(scope="module")
def setup():
    project = Project(REPO)
    results = compute(load_round(project, "luohe-2022")[0])
    return project, results, R.Renderer(project, None)


def render(setup, county: str, monkeypatch, *, apart: bool) -> tuple[bytes, list[int]]:
    """The feedback letter's PDF and the page count of every layout WeasyPrint made."""
    from weasyprint import HTML

    project, results, renderer = setup
    job = renderer.prepare(documents.feedback_spec(results, results.county(county), project))
    layouts: list[int] = []
    real = HTML.render

    def counted(self, *a, **k):
        doc = real(self, *a, **k)
        layouts.append(len(doc.pages))
        return doc

    moved = R.banji_on_even_page
    with monkeypatch.context() as m:
        m.setattr(HTML, "render", counted)
        m.setattr(R, "banji_on_even_page", lambda d, h, lay_out: moved(d, h, lay_out, apart=apart))
        pdf = renderer.write(job).pdf
    return pdf, layouts


def test_the_banji_page_alone_gives_the_bytes_of_a_second_layout(setup, monkeypatch, tmp_path):
    # shifanqu's letter: 9 pages, its body text on the last one above the 版记.
    fast, fast_layouts = render(setup, "shifanqu", monkeypatch, apart=True)
    slow, slow_layouts = render(setup, "shifanqu", monkeypatch, apart=False)
    assert fast_layouts == [9, 1] and slow_layouts == [9, 10]
    assert fast == slow
    path = tmp_path / "feedback.pdf"
    path.write_bytes(fast)
    assert pc.page_count(path) == 10 and pc.banji_page(path) == 10


@pytest.mark.slow  # the fast run keeps the test above for the 版记 page
def test_a_last_page_with_nothing_but_the_banji_is_laid_out_again(setup, monkeypatch):
    # 开发区: the body fills page 8, so the first layout has the 版记 alone on page 9; the
    # second one puts a blank page 9 before it, which the one-page document cannot give.
    fast, fast_layouts = render(setup, "kaifaqu", monkeypatch, apart=True)
    assert fast_layouts == [9, 10]
    assert fast == render(setup, "kaifaqu", monkeypatch, apart=False)[0]
