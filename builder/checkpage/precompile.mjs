// Run by scripts/bootstrap.sh after `npm ci`: Pyodide's standard library compiled to bytecode
// by Pyodide itself (see precompile.py), written to node_modules/.kaohe/python_stdlib.zip with
// a manifest naming the Pyodide version and the SHA-256 of the zip it was made from.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = new URL("./", import.meta.url);
const runtime = new URL("node_modules/pyodide/", here);
const outDir = new URL("node_modules/.kaohe/", here);
const { loadPyodide, version } = await import(new URL("pyodide.mjs", runtime).href);
const py = await loadPyodide({ indexURL: fileURLToPath(runtime) });
const stdlib = readFileSync(new URL("python_stdlib.zip", runtime));
py.FS.writeFile("/tmp/stdlib.zip", stdlib);
py.FS.writeFile("/tmp/precompile.py", readFileSync(new URL("precompile.py", here)));
const n = py.runPython(`
ns = {"__name__": "precompile"}
exec(open("/tmp/precompile.py").read(), ns)
ns["precompile"]("/tmp/stdlib.zip", "/tmp/out.zip")
`);
mkdirSync(outDir, { recursive: true });
writeFileSync(new URL("python_stdlib.zip", outDir), py.FS.readFile("/tmp/out.zip"));
const source = createHash("sha256").update(stdlib).digest("hex");
writeFileSync(new URL("python_stdlib.json", outDir), JSON.stringify({ pyodide: version, source, modules: n }) + "\n");
console.log(`Pyodide ${version}：${n} 个标准库模块已预编译`);
