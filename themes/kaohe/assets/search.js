/* kaohe local search over the split index of builder/site/search.py (read its docstring).
   search/search-index.js (the manifest) is loaded by the page; this script loads, with
   <script> tags (so that it also works from file://), the key shards a query needs and the
   document blocks of the page of results it shows. A term of two or more characters
   matches the documents that hold all its bigrams; each shown document is then checked for
   the exact term, so the result is plain substring search. Every term (split on spaces)
   must match; titles that match rank first. No network request beyond the site's own
   files, no dependency; user text is only ever inserted as text nodes. */
(function () {
  "use strict";
  var meta = window.KAOHE_SEARCH;
  var form = document.querySelector(".search-page-form");
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var pager = document.getElementById("search-pager");
  if (!input || !status || !list) { return; }
  var base = (list.getAttribute("data-base") || "").replace(/index\.html$/, "");  /* the site's root folder */
  if (base && base.charAt(base.length - 1) !== "/") { base += "/"; }
  var PAGE = 10, TITLE = "\u0001";

  var shards = {}, blocks = {}, pending = {};
  window.KAOHE_SEARCH_KEYS = function (h, data) { shards[h] = data; settle("k/" + h, true); };
  window.KAOHE_SEARCH_DOCS = function (b, rows) { blocks[b] = rows; settle("d/" + b, true); };

  function settle(name, ok) {
    var p = pending[name];
    if (!p) { return; }
    delete pending[name];
    for (var i = 0; i < p.length; i++) { p[i](ok); }
  }

  function load(name, have) {
    return new Promise(function (resolve, reject) {
      if (have) { resolve(); return; }
      var first = !pending[name];
      (pending[name] = pending[name] || []).push(function (ok) { if (ok) { resolve(); } else { reject(name); } });
      if (!first) { return; }
      var s = document.createElement("script");
      s.src = base + "search/" + name + ".js";
      s.onerror = function () { settle(name, false); };
      document.head.appendChild(s);
    });
  }
  function loadShard(h) { return load("k/" + h, shards.hasOwnProperty(h)); }
  function loadBlock(b) { return load("d/" + b, blocks.hasOwnProperty(b)); }

  function fold(s) {
    return s.replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xFEE0);
    }).replace(/[A-Z]/g, function (c) { return c.toLowerCase(); });  /* same length as s: offsets carry over */
  }

  function keysOf(term) {
    var chars = Array.from(term);
    if (chars.length === 1) { return chars; }
    var out = [];
    for (var i = 0; i + 1 < chars.length; i++) { out.push(chars[i] + chars[i + 1]); }
    return out;
  }

  function fnv1a(key) {
    var h = 0x811c9dc5;
    for (var i = 0; i < key.length; i++) { h ^= key.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
    return h;
  }
  function shardOf(key) { return fnv1a(key) % meta.shards; }

  function postings(key) {
    var s = (shards[shardOf(key.charAt(0) === TITLE ? key.slice(1) : key)] || {})[key];
    var out = [], prev = 0;
    if (!s) { return out; }
    if (s.charAt(0) === "~") {  /* a bitmap: bit i of byte i >> 3 for document i */
      var bytes = atob(s.slice(1));
      for (var k = 0; k < bytes.length; k++) {
        var c = bytes.charCodeAt(k);
        for (var b = 0; b < 8; b++) { if (c >> b & 1) { out.push(k * 8 + b); } }
      }
      return out;
    }
    var parts = s.split(",");
    for (var i = 0; i < parts.length; i++) { prev += parseInt(parts[i], 36); out.push(prev); }
    return out;
  }

  function intersect(a, b) {
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); i++; j++; } else if (a[i] < b[j]) { i++; } else { j++; }
    }
    return out;
  }

  function matches(term, prefix) {
    var ks = keysOf(term), ids = null;
    for (var i = 0; i < ks.length; i++) {
      var p = postings(prefix + ks[i]);
      ids = ids === null ? p : intersect(ids, p);
      if (!ids.length) { break; }
    }
    return ids || [];
  }

  /* the candidates of every term (their shards loaded), documents whose title matches more terms first */
  function ranked(terms) {
    var cand = null, inTitle = {};
    for (var i = 0; i < terms.length; i++) {
      var ids = matches(terms[i], "");
      cand = cand === null ? ids : intersect(cand, ids);
      var t = matches(terms[i], TITLE);
      for (var j = 0; j < t.length; j++) { inTitle[t[j]] = (inTitle[t[j]] || 0) + 1; }
    }
    return (cand || []).slice().sort(function (a, b) { return (inTitle[b] || 0) - (inTitle[a] || 0) || a - b; });
  }

  /* a folder's page as its index.html: links work served and opened from disk (file://) */
  function pageFile(u) {
    var i = u.indexOf("#"), path = i === -1 ? u : u.slice(0, i), frag = i === -1 ? "" : u.slice(i);
    if (path === "" || path.charAt(path.length - 1) === "/") { path += "index.html"; }
    return path + frag;
  }

  function clear(el) { while (el.firstChild) { el.removeChild(el.firstChild); } }

  /* text with every occurrence of a term wrapped in <mark>, as text nodes */
  function marked(text, terms, from, to) {
    var frag = document.createDocumentFragment();
    var hay = fold(text), pos = from;
    while (pos < to) {
      var at = -1, len = 0;
      for (var i = 0; i < terms.length; i++) {
        var p = hay.indexOf(terms[i], pos);
        if (p !== -1 && p < to && (at === -1 || p < at || (p === at && terms[i].length > len))) { at = p; len = terms[i].length; }
      }
      if (at === -1) { frag.appendChild(document.createTextNode(text.slice(pos, to))); break; }
      if (at > pos) { frag.appendChild(document.createTextNode(text.slice(pos, at))); }
      var m = document.createElement("mark");
      m.textContent = text.slice(at, Math.min(at + len, text.length));
      frag.appendChild(m);
      pos = at + len;
    }
    return frag;
  }

  function excerpt(doc, terms) {
    var hay = fold(doc.text), at = -1;
    for (var i = 0; i < terms.length; i++) {
      var p = hay.indexOf(terms[i]);
      if (p !== -1 && (at === -1 || p < at)) { at = p; }
    }
    var frag = document.createDocumentFragment();
    if (at === -1) {  /* the title alone holds the query: show it, then the start of the text */
      frag.appendChild(marked(doc.title, terms, 0, doc.title.length));
      if (doc.text) { frag.appendChild(document.createTextNode("：" + doc.text.slice(0, 60) + (doc.text.length > 60 ? "……" : ""))); }
      return frag;
    }
    var start = Math.max(0, at - 30), end = Math.min(doc.text.length, at + 90);
    if (start > 0) { frag.appendChild(document.createTextNode("……")); }
    frag.appendChild(marked(doc.text, terms, start, end));
    if (end < doc.text.length) { frag.appendChild(document.createTextNode("……")); }
    return frag;
  }

  var state = null;

  function docOf(id) {
    var r = blocks[Math.floor(id / meta.block)][id % meta.block];
    return { id: id, url: r[0], title: r[1], kind: r[2], flags: r[3] || "", text: r[4] };
  }

  /* check candidates in rank order until page `p` is full (or none are left) */
  function fill(st, p) {
    var need = (p + 1) * PAGE + 1;
    if (st.verified.length >= need || st.next >= st.cand.length) { return Promise.resolve(); }
    /* just as many as the page still needs: every block costs a download */
    var batch = st.cand.slice(st.next, st.next + need - st.verified.length), wanted = {};
    for (var i = 0; i < batch.length; i++) { wanted[Math.floor(batch[i] / meta.block)] = true; }
    return Promise.all(Object.keys(wanted).map(function (b) { return loadBlock(+b); })).then(function () {
      for (var i = 0; i < batch.length; i++) {
        var d = docOf(batch[i]), hay = fold(d.title + " " + d.text), ok = true;
        for (var j = 0; j < st.terms.length; j++) { if (hay.indexOf(st.terms[j]) === -1) { ok = false; break; } }
        if (ok) { st.verified.push(d); } else { st.dropped++; }
      }
      st.next += batch.length;
      return fill(st, p);
    });
  }

  function total(st) { return st.cand.length - st.dropped; }
  function pages(st) { return Math.max(1, Math.ceil(total(st) / PAGE)); }

  function render(st, p) {
    clear(list);
    var n = total(st);
    if (!n) {
      status.textContent = "没有找到包含“" + st.q + "”的内容。";
      if (pager) { pager.hidden = true; }
      return;
    }
    status.textContent = "找到 " + n + " 条结果" + (n > PAGE ? "，第 " + (p + 1) + " / " + pages(st) + " 页" : "") + "。";
    var shown = st.verified.slice(p * PAGE, (p + 1) * PAGE);
    list.setAttribute("start", String(p * PAGE + 1));
    for (var k = 0; k < shown.length; k++) {
      var doc = shown[k];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = base + pageFile(doc.url);
      a.appendChild(marked(doc.title, st.terms, 0, doc.title.length));
      var kind = document.createElement("span");
      kind.className = "result-kind";
      kind.textContent = doc.kind + (doc.flags.indexOf("s") !== -1 ? " · 示例数据" : "") +
                         (doc.flags.indexOf("d") !== -1 ? " · 草稿" : "");
      var para = document.createElement("p");
      para.appendChild(excerpt(doc, st.terms));
      li.appendChild(a);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(kind);
      li.appendChild(para);
      list.appendChild(li);
    }
    if (pager) {
      pager.hidden = n <= PAGE;
      pager.querySelector("[data-page='prev']").disabled = p === 0;
      pager.querySelector("[data-page='next']").disabled = st.verified.length <= (p + 1) * PAGE;
      pager.querySelector(".search-page-no").textContent = "第 " + (p + 1) + " / " + pages(st) + " 页";
    }
  }

  function show(st, p) {
    list.setAttribute("aria-busy", "true");
    return fill(st, p).then(function () {
      st.page = p;
      render(st, p);
      list.removeAttribute("aria-busy");
    }, fail);
  }

  function fail() {
    clear(list);
    list.removeAttribute("aria-busy");
    status.textContent = "搜索索引没有加载，暂时无法搜索。";
  }

  function run(q, p) {
    clear(list);
    var terms = fold(q).split(/\s+/).filter(function (t) { return t.length > 0; });
    if (pager) { pager.hidden = true; }
    if (!terms.length) { status.textContent = "请输入要搜索的关键词。"; return; }
    if (!meta || !meta.shards) { status.textContent = "搜索索引没有加载，暂时无法搜索。"; return; }
    list.setAttribute("aria-busy", "true");
    status.textContent = "正在搜索……";
    var need = {};
    for (var i = 0; i < terms.length; i++) {
      var ks = keysOf(terms[i]);
      for (var j = 0; j < ks.length; j++) { need[shardOf(ks[j])] = true; }
    }
    Promise.all(Object.keys(need).map(function (h) { return loadShard(+h); })).then(function () {
      state = { q: q, terms: terms, cand: ranked(terms), verified: [], next: 0, dropped: 0, page: 0 };
      return show(state, Math.max(0, p || 0));
    }, fail);
  }

  /* every result of a query, checked, in rank order (for scripts and tests): Promise of [{url, title}] */
  window.kaoheSearchAll = function (q) {
    var terms = fold(q).split(/\s+/).filter(function (t) { return t.length > 0; }), need = {};
    terms.forEach(function (t) { keysOf(t).forEach(function (k) { need[shardOf(k)] = true; }); });
    return Promise.all(Object.keys(need).map(function (h) { return loadShard(+h); })).then(function () {
      var st = { q: q, terms: terms, cand: ranked(terms), verified: [], next: 0, dropped: 0 };
      return fill(st, Math.ceil(st.cand.length / PAGE) + 1).then(function () {
        return st.verified.map(function (d) { return { url: base + pageFile(d.url), title: d.title }; });
      });
    });
  };

  function remember(q, p) {
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "?q=" + encodeURIComponent(q) + (p ? "&p=" + (p + 1) : ""));
    }
  }

  if (pager) {
    pager.addEventListener("click", function (e) {
      var btn = e.target.closest ? e.target.closest("button[data-page]") : null;
      if (!btn || btn.disabled || !state) { return; }
      var p = state.page + (btn.getAttribute("data-page") === "next" ? 1 : -1);
      remember(state.q, p);
      show(state, p).then(function () { status.scrollIntoView({ block: "nearest" }); });
    });
  }

  var params = new URLSearchParams(window.location.search);
  var q0 = params.get("q") || "";
  input.value = q0;
  if (q0) { run(q0, Math.max(0, (parseInt(params.get("p") || "1", 10) || 1) - 1)); }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value;
    remember(q, 0);
    run(q, 0);
  });
})();
