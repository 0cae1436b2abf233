// Python modules compiled to bytecode by Pyodide's own CPython, under Node (see precompile.py).
//
//   node precompile.mjs                  Pyodide's standard library → node_modules/.kaohe/python_stdlib.zip
//                                        (with python_stdlib.json: the Pyodide version and the SHA-256 of
//                                        the zip it was made from); run by scripts/bootstrap.sh after npm ci
//   node precompile.mjs IN.zip OUT.zip   any zip of modules (the checker's, at build time)
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = new URL("./", import.meta.url);
const runtime = new URL("node_modules/pyodide/", here);
const outDir = new URL("node_modules/.kaohe/", here);
const [input, output] = process.argv.slice(2);
const { loadPyodide, version } = await import(new URL("pyodide.mjs", runtime).href);
const compiled = new URL("python_stdlib.zip", outDir);
const options = { indexURL: fileURLToPath(runtime) };
if (input && existsSync(compiled)) options.stdLibURL = fileURLToPath(compiled);  // starts faster
const py = await loadPyodide(options);
const source = readFileSync(input || new URL("python_stdlib.zip", runtime));
py.FS.writeFile("/tmp/in.zip", source);
py.FS.writeFile("/tmp/precompile.py", readFileSync(new URL("precompile.py", here)));
const n = py.runPython(`
ns = {"__name__": "precompile"}
exec(open("/tmp/precompile.py").read(), ns)
ns["precompile"]("/tmp/in.zip", "/tmp/out.zip")
`);
if (input) {
  writeFileSync(output, py.FS.readFile("/tmp/out.zip"));
} else {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(compiled, py.FS.readFile("/tmp/out.zip"));
  const digest = createHash("sha256").update(source).digest("hex");
  writeFileSync(new URL("python_stdlib.json", outDir), JSON.stringify({ pyodide: version, source: digest, modules: n }) + "\n");
  console.log(`Pyodide ${version}：${n} 个标准库模块已预编译`);
}
