"""Links get their address printed on paper (data-print-url), except in tables, navigation and lists of contents."""

from __future__ import annotations

from builder.site.build import print_addresses

PAGE = """<html><body><nav><a href="../">首页</a></nav>
<main id="main">
<p>见<a href="../wuyang/">舞阳县</a>和<a href="https://example.org/x">外部</a>，<a href="#s1">本页</a>。</p>
<table class="results"><tr><td><a href="../a/">表内</a></td></tr>
<tr><td>第二行
跨行</td></tr></table>
<ul class="toc"><li><a href="../b/">目录</a></li></ul>
<table><tr><td><table><tr><td>内</td></tr></table><a href="../c/">嵌套表后</a></td></tr></table>
<p><a href="https://example.org/y">https://example.org/y</a> <a href="../report/index.html">报告</a></p>
</main><footer><a href="../d/">页脚</a></footer></body></html>"""


def test_links_in_the_text_get_their_address_and_no_others():
    out = print_addresses(PAGE, "luohe-2022/kaifaqu/", "https://zl.example.gov.cn/")
    assert out.count("data-print-url") == 3
    assert '<a href="../wuyang/" data-print-url="https://zl.example.gov.cn/luohe-2022/wuyang/">' in out
    assert '<a href="https://example.org/x" data-print-url="https://example.org/x">' in out
    assert '<a href="../report/index.html" data-print-url="https://zl.example.gov.cn/luohe-2022/report/">' in out
    for text in ("首页", "本页", "表内", "目录", "嵌套表后", "页脚"):  # nav, #, tables (nested too), toc, outside main
        i = out.index(f">{text}</a>")
        assert "data-print-url" not in out[out.rindex("<a ", 0, i) : i]
    assert out.replace(
        ' data-print-url="https://zl.example.gov.cn/luohe-2022/wuyang/"', ""
    ).replace(' data-print-url="https://example.org/x"', "").replace(
        ' data-print-url="https://zl.example.gov.cn/luohe-2022/report/"', ""
    ) == PAGE  # nothing else changed


def test_without_a_site_url_the_path_is_given_as_on_this_site():
    out = print_addresses(PAGE, "luohe-2022/kaifaqu/", "")
    assert 'data-print-url="本站：luohe-2022/wuyang/"' in out
