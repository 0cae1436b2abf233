// The checker page (check/): loads Pyodide and the checker's Python from this site only, then
// runs builder.checkpage.browser.check() — the same checker as `kaohe check` — on the chosen
// file or the pasted text. The file is read into the browser's memory and never sent anywhere.
// Markup and test contract: themes/kaohe/check.html.

const root = document.getElementById("checker");
const base = new URL(root.dataset.base, document.baseURI);
const data = JSON.parse(document.getElementById("check-rounds").textContent);
const el = (id) => document.getElementById(id);
const roundSel = el("check-round"), countySel = el("check-county");
const fileInput = el("check-file"), status = el("check-status");
const results = el("check-results"), output = el("check-output");

const SEVERITY = { error: "错误", warning: "警告", info: "提示" };
let checker = null;   // the Python function, once loaded
let pending = null;   // what to check once loaded: {bytes, name}
let last = null;      // the last thing checked, checked again when the round or county changes
let seq = 0;

// ── round and county ──
function currentRound() {
  return data.rounds.find((r) => r.id === roundSel.value) || data.rounds[0];
}

function fillCounties(keep) {
  const r = currentRound();
  countySel.replaceChildren(...r.counties.map((c) => new Option(c.name, c.id)));
  if (keep && r.counties.some((c) => c.id === keep)) countySel.value = keep;
  const parts = [];
  if (r.body_chars) parts.push(`正文（附件之前）不超过 ${r.body_chars} 字`);
  if (r.max_cases !== null && r.max_cases !== undefined) parts.push(`典型案例不超过 ${r.max_cases} 个`);
  el("check-limits").textContent = parts.length ? parts.join("；") + "。" : "";
  updateDownloads();
}

function updateDownloads() {
  const c = currentRound().counties.find((k) => k.id === countySel.value);
  const md = el("check-dl-md"), docx = el("check-dl-docx");
  if (c && md) md.href = new URL(c.md, new URL("../", base)).href;
  if (c && docx && c.docx) docx.href = new URL(c.docx, new URL("../", base)).href;
}

const params = new URLSearchParams(location.search);
if (params.get("round") && data.rounds.some((r) => r.id === params.get("round"))) {
  roundSel.value = params.get("round");
}
fillCounties(params.get("county"));
roundSel.addEventListener("change", () => { fillCounties(countySel.value); recheck(); });
countySel.addEventListener("change", () => { updateDownloads(); recheck(); });

// ── loading the checker ──
async function fetchBytes(path) {
  const r = await fetch(new URL(path, base));
  if (!r.ok) throw new Error(`${path}：${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

async function load() {
  if (location.protocol === "file:") {
    throw new Error("本页不能直接从本机文件夹打开，请通过网站地址（http:// 或 https://）访问");
  }
  try {  // an empty module: refused when the server's Content-Security-Policy forbids WebAssembly
    await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
  } catch (err) {
    throw new Error("网站的安全策略（Content-Security-Policy）不允许运行 WebAssembly。" +
      "请网站管理员在 script-src 中加上 'wasm-unsafe-eval'（见使用说明）");
  }
  const runtime = new URL("pyodide/", base).href;
  const zip = fetchBytes("py/checker.zip");
  const facts = fetchBytes("facts.json");
  let loadPyodide;
  try {
    ({ loadPyodide } = await import(runtime + "pyodide.mjs"));
  } catch (err) {
    throw new Error(`无法载入 pyodide.mjs（${err.message}）。请网站管理员检查 check/pyodide/ 是否完整上传，` +
      "以及 .mjs 文件的类型（MIME）是否为“text/javascript”");
  }
  mark("module");
  // Pyodide compiles its .wasm with WebAssembly.instantiateStreaming, which refuses a response whose
  // type is not application/wasm, and then waits forever. Many portal servers send another type:
  // while Pyodide loads, such a response is handed on with the right type.
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const r = await realFetch(input, init);
    const url = String(input && input.url ? input.url : input);
    if (r.ok && url.endsWith(".wasm") && !(r.headers.get("content-type") || "").startsWith("application/wasm")) {
      return new Response(r.body, { status: r.status, headers: { "Content-Type": "application/wasm" } });
    }
    return r;
  };
  let py;
  try {
    py = await loadPyodide({
      indexURL: runtime,
      lockFileURL: runtime + "pyodide-lock.json",
      packageBaseUrl: runtime,  // no package is ever loaded; if one were, only from here
      stdout: () => {}, stderr: (s) => console.warn(s),
    });
  } finally {
    globalThis.fetch = realFetch;
  }
  mark("pyodide");
  py.unpackArchive(await zip, "zip", { extractDir: "/kaohe" });
  py.FS.mkdirTree("/upload");
  py.FS.writeFile("/kaohe/facts.json", await facts);
  py.runPython(`
import sys
sys.path.insert(0, "/kaohe")
from builder.checkpage import browser
browser.load_facts("/kaohe/facts.json")
from builder.checker.rules import load_rules
from builder.markdown import make_parser
load_rules(); make_parser()
`);
  mark("python");
  const browser = py.pyimport("builder.checkpage.browser");
  return { py, check: browser.check };
}

const WATCHDOG_MS = 120000;  // a load that never finishes is reported, not left spinning
const started = performance.now();
const marks = [];
function mark(what) { marks.push(`${what}=${Math.round(performance.now() - started)}`); root.dataset.loadMarks = marks.join(" "); }
const watchdog = new Promise((_, reject) => setTimeout(
  () => reject(new Error("等了两分钟还没有加载完。请检查网络连接后刷新本页")), WATCHDOG_MS));
Promise.race([load(), watchdog]).then((c) => {
  checker = c;
  root.dataset.checkReady = "true";
  root.dataset.loadMs = String(Math.round(performance.now() - started));  // from this script's start
  root.dataset.readyMs = String(Math.round(performance.now()));  // from the start of the navigation
  status.textContent = "检查程序已就绪。请选择报告文件，或粘贴报告全文。";
  if (pending) run(pending);
}).catch((err) => {
  root.dataset.checkReady = "error";
  status.textContent = `检查程序没有加载成功：${err.message || err}。请用新版的 Chrome、Edge、Firefox 或 360 浏览器（极速模式）打开本页；仍不行时，请联系质强办。`;
  console.error(err);
});

// ── choosing a file ──
async function take(file) {
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  run({ bytes, name: file.name });
}

fileInput.addEventListener("change", () => {
  const f = fileInput.files[0];
  // emptied, so that choosing the same file again (after editing it) checks it again
  take(f).finally(() => { fileInput.value = ""; });
});
const drop = el("check-drop");
drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  take(e.dataTransfer.files[0]);
});
el("check-paste").addEventListener("click", () => {
  const text = el("check-text").value;
  run({ bytes: new TextEncoder().encode(text), name: "粘贴的文字.md", shown: "粘贴的文字" });
});

function recheck() {
  if (last) run({ ...last, scroll: false });
}

// ── checking ──
function run(job) {
  last = job;
  if (!checker) {
    pending = job;
    status.textContent = `已选择“${job.shown || job.name}”，检查程序加载完成后自动检查……`;
    return;
  }
  pending = null;
  const n = ++seq;
  results.dataset.checkState = "running";
  status.textContent = `正在检查“${job.shown || job.name}”……`;
  // let the browser paint the status before Python takes the thread
  setTimeout(() => {
    if (n !== seq) return;
    const t0 = performance.now();
    let report;
    try {
      const safe = job.name.replace(/[\/\\\0]/g, "_");
      const path = `/upload/${n}-${safe}`;
      checker.py.FS.writeFile(path, job.bytes);
      try {
        report = JSON.parse(checker.check(path, job.shown || job.name, roundSel.value, countySel.value));
      } finally {
        checker.py.FS.unlink(path);
      }
    } catch (err) {
      results.dataset.checkState = "error";
      status.textContent = `检查时出错：${err.message || err}。请把这份报告发给质强办。`;
      console.error(err);
      return;
    }
    results.dataset.checkMs = String(Math.round(performance.now() - t0));
    render(report, job);
    if (job.scroll !== false) results.scrollIntoView({ block: "start" });
    results.dataset.checkState = "done";
    status.textContent = `“${job.shown || job.name}”检查完毕：${verdict(report)}。`;
  }, 0);
}

function verdict(report) {
  if (report.errors) return `未通过，${report.errors} 个错误${report.warnings ? `，${report.warnings} 个警告` : ""}`;
  if (report.warnings) return `通过，有 ${report.warnings} 个警告`;
  return "通过，没有发现问题";
}

function node(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function render(report, job) {
  const f = report.file, s = f.stats;
  const isDocx = /\.docx$/i.test(job.name);
  const unit = isDocx ? "段" : "行";
  const round = currentRound();
  const county = countySel.options[countySel.selectedIndex].text;
  const head = node("div", { class: "check-summary " + (report.errors ? "fail" : "pass") },
    node("p", { class: "check-verdict" }, (report.errors ? "✗ " : "✓ ") + verdict(report)),
    node("p", { class: "muted" }, `${job.shown || job.name}，按“${round.title}”${county}的报告模板检查。`));
  const stats = node("dl", { class: "check-stats" },
    node("div", {}, node("dt", {}, "字数（正文，附件之前）"),
      node("dd", {}, node("span", { "data-chars": String(s.chars) }, String(s.chars)), s.limit ? ` / ${s.limit}` : "")),
    s.max_cases !== null && s.max_cases !== undefined
      ? node("div", {}, node("dt", {}, "典型案例"), node("dd", {}, `${s.cases} / ${s.max_cases}`)) : null,
    node("div", {}, node("dt", {}, "汉字"), node("dd", {}, String(s.hanzi))),
    node("div", {}, node("dt", {}, "附件字数"), node("dd", {}, String(s.annex_chars))));
  head.append(stats);
  const parts = [head];
  if (!f.diagnostics.length) {
    parts.push(node("p", {}, "没有发现问题。提交前请再通读一遍，核对数字和事实。"));
  }
  for (const g of report.groups) {
    const title = g.line ? `${g.title}（第 ${g.line} ${unit}起）` : g.title;
    const list = node("ol", { class: "check-findings" });
    for (const i of g.items) {
      const d = f.diagnostics[i];
      const where = d.line > 0 ? `第 ${d.line} ${unit}${isDocx ? "" : `，第 ${d.column} 列`}` : "";
      list.append(node("li", {
        class: `check-finding sev-${d.severity}`,
        "data-rule": d.rule, "data-severity": d.severity, "data-line": String(d.line),
      },
        node("p", { class: "check-finding-head" },
          node("span", { class: "check-sev" }, SEVERITY[d.severity] || d.severity), " ",
          where ? node("span", { class: "check-where" }, where) : null, " ",
          node("code", { class: "check-rule" }, d.rule)),
        node("p", { class: "check-msg" }, d.message),
        d.hint ? node("p", { class: "check-hint" }, "怎样改：" + d.hint) : null,
        d.source ? node("p", { class: "check-src" }, node("span", { class: "sr-only" }, "原文："), d.source) : null));
    }
    parts.push(node("section", { class: "check-group" }, node("h3", {}, title), list));
  }
  output.replaceChildren(...parts);
}
