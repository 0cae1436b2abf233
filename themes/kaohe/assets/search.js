/* kaohe local search: exact substring matching over the index in search/search-index.js.
   No network request, no dependency. Every query term (split on spaces) must occur in a
   document's title or text; full-width letters/digits and case are folded on both sides. */
(function () {
  "use strict";
  var index = window.KAOHE_SEARCH;
  var form = document.querySelector(".search-page-form");
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!input || !status || !list) { return; }
  var base = list.getAttribute("data-base") || "";
  if (base && base.charAt(base.length - 1) !== "/") { base += "/"; }
  var MAX = 50;

  function fold(s) {
    return s.replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xFEE0);
    }).toLowerCase();
  }

  var docs = [];
  if (index && index.docs) {
    for (var i = 0; i < index.docs.length; i++) {
      var d = index.docs[i];
      docs.push({ url: d[0], title: d[1], kind: d[2], text: d[3], flags: d[4] || "",
                  ft: fold(d[1]), fx: fold(d[3]) });
    }
  }

  function count(hay, needle) {
    var n = 0, at = hay.indexOf(needle);
    while (at !== -1 && n < 100) { n++; at = hay.indexOf(needle, at + needle.length); }
    return n;
  }

  function snippet(doc, terms) {
    var at = -1, len = 0;
    for (var i = 0; i < terms.length; i++) {
      var p = doc.fx.indexOf(terms[i]);
      if (p !== -1 && (at === -1 || p < at)) { at = p; len = terms[i].length; }
    }
    var frag = document.createDocumentFragment();
    if (at === -1) {
      frag.appendChild(document.createTextNode(doc.text.slice(0, 80) + (doc.text.length > 80 ? "……" : "")));
      return frag;
    }
    var start = Math.max(0, at - 40), end = Math.min(doc.text.length, at + len + 60);
    frag.appendChild(document.createTextNode((start > 0 ? "……" : "") + doc.text.slice(start, at)));
    var mark = document.createElement("mark");
    mark.textContent = doc.text.slice(at, at + len);
    frag.appendChild(mark);
    frag.appendChild(document.createTextNode(doc.text.slice(at + len, end) + (end < doc.text.length ? "……" : "")));
    return frag;
  }

  function run(q) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    var terms = fold(q).split(/[\s\u3000]+/).filter(function (t) { return t.length > 0; });
    if (!terms.length) { status.textContent = "请输入要搜索的关键词。"; return; }
    if (!docs.length) { status.textContent = "搜索索引没有加载，暂时无法搜索。"; return; }
    var hits = [];
    for (var i = 0; i < docs.length; i++) {
      var d = docs[i], score = 0, ok = true;
      for (var j = 0; j < terms.length; j++) {
        var inTitle = count(d.ft, terms[j]), inText = count(d.fx, terms[j]);
        if (!inTitle && !inText) { ok = false; break; }
        score += inTitle * 10 + inText;
      }
      if (ok) { hits.push({ doc: d, score: score, order: i }); }
    }
    hits.sort(function (a, b) { return b.score - a.score || a.order - b.order; });
    status.textContent = hits.length
      ? "找到 " + hits.length + " 条结果" + (hits.length > MAX ? "，显示前 " + MAX + " 条" : "") + "。"
      : "没有找到包含“" + q + "”的内容。";
    for (var k = 0; k < hits.length && k < MAX; k++) {
      var doc = hits[k].doc;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = base + doc.url;
      a.textContent = doc.title;
      var kind = document.createElement("span");
      kind.className = "result-kind";
      kind.textContent = doc.kind + (doc.flags.indexOf("s") !== -1 ? " · 示例数据" : "") +
                         (doc.flags.indexOf("d") !== -1 ? " · 草稿" : "");
      var p = document.createElement("p");
      p.appendChild(snippet(doc, terms));
      li.appendChild(a);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(kind);
      li.appendChild(p);
      list.appendChild(li);
    }
  }

  var params = new URLSearchParams(window.location.search);
  var q0 = params.get("q") || "";
  input.value = q0;
  if (q0) { run(q0); }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value;
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "?q=" + encodeURIComponent(q));
    }
    run(q);
  });
})();
