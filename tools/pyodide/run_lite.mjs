// The KPI xlwings Lite bundle in a real Pyodide 0.27.7 (Python 3.12.7, numpy 2.0.2) under Node.js.
//
//   node run_lite.mjs WORK --bundle DIR [--jsnull-shim] [--rows 100000,1000000] [--default-rows 100000,1000000]
//                          [--repeats 3] [--only REGEX] [--out results.json]
//
// WORK is the folder setup.sh filled; DIR holds the bundle `kpi addin lite --out DIR` wrote (main.py).
// The bundle is executed the way xlwings Lite
// executes main.py, custom_functions_meta() is read, and custom functions are called through
// xlwings.server.custom_functions_call with Office.js-shaped payloads built here in JavaScript (a column is
// an array of one-cell rows, dates are serial numbers, blanks are null), handed to Python as a JsProxy and
// converted with to_py() as a Pyodide host does.  Each result is checked against a value computed here in
// plain JavaScript.  Timed: boot, package loading, imports, main.py, meta, and per call the bundle's own
// path (its functions take convert="raw" arguments) and xlwings' default conversion (a pass-through
// decorated with plain @func), in the same run.
//
// --jsnull-shim: give Pyodide 0.27.7 a pyodide.ffi.JsNull before anything imports it, and turn null cells
// into that sentinel after to_py(): what Pyodide >= 0.28 does natively (there `from pyodide.ffi import
// JsNull` succeeds).  Labelled as an emulation in the output.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { columns, expectNps, expectCycle, handColumns, HAND, payload, close } from "./payloads.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const WORK = path.resolve(argv[0] ?? "pyodide-work");
const flag = (name) => argv.includes(name);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const SHIM = flag("--jsnull-shim");
const ROWS = opt("--rows", "100000,1000000").split(",").map(Number);
const DEFAULT_ROWS = new Set(opt("--default-rows", "100000").split(",").filter(Boolean).map(Number));
const REPEATS = Number(opt("--repeats", "3"));
const ONLY = new RegExp(opt("--only", "."));  // big-range cases whose label matches
const OUT = opt("--out", path.join(WORK, SHIM ? "results_027_shim.json" : "results_027.json"));
const BUNDLE = path.resolve(opt("--bundle", path.join(WORK, "bundle")));
const DIST = path.join(WORK, "dist-0.27.7") + "/";
const report = { pyodide_dist: DIST, jsnull_shim: SHIM, node: process.version, steps: {}, cases: [] };
const log = (...a) => console.log(...a);
const now = () => performance.now() / 1000;

// ---------------------------------------------------------------------------------------------- start-up
let t = now();
const { loadPyodide } = await import(path.join(DIST, "pyodide.mjs"));
const py = await loadPyodide({ indexURL: DIST, stdout: (s) => log("[py]", s), stderr: (s) => log("[py!]", s) });
report.steps.boot_s = now() - t;

t = now();
await py.loadPackage(["numpy", "micropip"], { messageCallback: () => {}, checkIntegrity: true });
report.steps.load_numpy_micropip_s = now() - t;

py.FS.mkdirTree("/harness");
py.FS.writeFile("/harness/harness.py", readFileSync(path.join(HERE, "harness.py")));
const wheel = "xlwings-0.37.8-py3-none-any.whl";
py.FS.writeFile(`/harness/${wheel}`, readFileSync(path.join(WORK, "wheels", wheel)));
t = now();
await py.runPythonAsync(`
import micropip
await micropip.install("emfs:/harness/${wheel}", deps=False)
`);
report.steps.micropip_install_xlwings_s = now() - t;

py.runPython("import sys; sys.path.insert(0, '/harness')");
const H = py.pyimport("harness");
if (SHIM) report.jsnull = H.install_jsnull_shim();
report.steps.import_numpy_s = H.import_module("numpy");
report.steps.import_xlwings_s = H.import_module("xlwings");

const source = readFileSync(path.join(BUNDLE, "main.py"), "utf8");
report.steps.main_py_first_exec_s = H.load_main(source); // imports the embedded udfs package
report.steps.main_py_second_exec_s = H.load_main(source); // Lite runs main.py again: cached bundle
const meta = JSON.parse(py.runPython("import json, harness; json.dumps(harness.meta())"));
report.steps.custom_functions_meta_s = meta.seconds;
report.functions = meta.count;
report.functions_unique = meta.unique;
report.acv_meta = meta.ACV;
report.meta_functions = meta.functions;
report.steps.build_default_module_s = H.build_default_module(py.toPy(["ACV", "NPS", "SALES_CYCLE_LENGTH", "WIN_RATE"]));
H.build_pure_modules();
report.environment = JSON.parse(py.runPython("import json, harness; json.dumps(harness.environment())"));
log(JSON.stringify({ environment: report.environment, steps: report.steps, functions: meta.count }, null, 1));

// ---------------------------------------------------------------------------------------------- payloads

async function run(module, name, args) {
  const start = now();
  const out = await H.call(module, payload(name, args), SHIM);
  const wall = now() - start;
  const js = out.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
  out.destroy();
  js.wall_s = wall;
  return js;
}
function record(c) {
  report.cases.push(c);
  const f = (x) => (x === undefined ? "-" : x.toFixed(4));
  log(`${c.case.padEnd(46)} ${String(c.rows ?? "").padStart(8)} ${c.path.padEnd(16)} ok=${c.ok} ` +
      `call=${f(c.call_s)}s to_py=${f(c.to_py_s)}s wall=${f(c.wall_s)}s ` +
      `value=${JSON.stringify(c.value ?? c.message)}`);
}
async function best(module, name, args, repeats, check) {
  let bestRun = null;
  for (let i = 0; i < repeats; i++) {
    const r = await run(module, name, args);
    if (!bestRun || r.call_s < bestRun.call_s) bestRun = r;
  }
  const value = bestRun.result ? bestRun.result[0][0] : undefined;
  return { ...bestRun, value, ok: check(bestRun), repeats };
}

// ---------------------------------------------------------------------------------------------- small cases
const small = [
  ["ACV(380000, 20000, 3)", "ACV", [[[380000]], [[20000]], [[3]]], (r) => close(r.result?.[0]?.[0], 120000)],
  ["WIN_RATE(0, 0) -> #DIV/0!", "WIN_RATE", [[[0]], [[0]]],
    (r) => r.result?.[0]?.[0]?.type === "Error" && r.result[0][0].errorType === "Div0"],
  ["ACV(380000, \"n/a\", 3) -> #VALUE! + message", "ACV", [[[380000]], [["n/a"]], [[3]]],
    (r) => r.raised !== undefined && /n\/a/.test(r.message)],
  ["NPS with an #N/A cell -> #N/A shows through", "NPS",
    [[[10], [{ type: "Error", basicValue: "#N/A", errorType: "NotAvailable" }], [3]], []],
    (r) => r.result?.[0]?.[0]?.type === "Error" && r.result[0][0].errorType === "NotAvailable"],
  ["NPS([10, 9, 3]) with a blank cell", "NPS", [[[10], [9], [null], [3]], []],
    (r) => close(r.result?.[0]?.[0], 100 * (2 - 1) / 3)],
];
for (const [label, name, args, check] of small) {
  record({ case: label, path: "bundle", ...(await best("main", name, args, REPEATS, check)) });
}
record({ case: "ACV(380000, 20000, 3)", path: "xlwings default",
  ...(await best("default", "ACV", [[[380000]], [[20000]], [[3]]], 1, (r) => close(r.result?.[0]?.[0], 120000))) });

// ---------------------------------------------------------------------------------------------- hand-computable
// Columns repeating a short pattern whose result is worked by hand (payloads.mjs, HAND): exact at any
// multiple of the pattern's length.
for (const rows of ROWS) {
  const col = handColumns(rows);
  const cases = [
    ["hand: NPS(scores)", "NPS", [col.scores, []], HAND.nps],
    ["hand: SALES_CYCLE_LENGTH(created, closed)", "SALES_CYCLE_LENGTH", [col.created, col.closed, []], HAND.cycle],
    ['hand: SALES_CYCLE_LENGTH(..., owners, "alice")', "SALES_CYCLE_LENGTH",
      [col.created, col.closed, [col.owners, "alice"]], HAND.alice],
    ['hand: SALES_CYCLE_LENGTH(..., owners, "Bob")', "SALES_CYCLE_LENGTH",
      [col.created, col.closed, [col.owners, "Bob"]], HAND.bob],
  ];
  for (const [label, name, args, expected] of cases) {
    const check = (r) => close(r.result?.[0]?.[0], expected);
    record({ case: label, rows, path: "bundle", expected, ...(await best("main", name, args, 1, check)) });
  }
}

// ---------------------------------------------------------------------------------------------- big ranges
for (const rows of ROWS) {
  const col = columns(rows);
  const want = {
    nps: expectNps(col.scores),
    cycle: expectCycle(col.created, col.closed),
    alice: expectCycle(col.created, col.closed, col.owners, "Alice"),
  };
  const cases = [
    ["NPS(scores)", "NPS", [col.scores, []], want.nps, ["NPS_PY", [col.scores]]],
    ["SALES_CYCLE_LENGTH(created, closed)", "SALES_CYCLE_LENGTH", [col.created, col.closed, []], want.cycle,
      ["CYCLE_PY", [col.created, col.closed]]],
    ['SALES_CYCLE_LENGTH(..., owners, "Alice")', "SALES_CYCLE_LENGTH",
      [col.created, col.closed, [col.owners, "Alice"]], want.alice],
  ];
  for (const [label, name, args, expected, pure] of cases) {
    if (!ONLY.test(label)) continue;
    const check = (r) => close(r.result?.[0]?.[0], expected);
    const fast = await best("main", name, args, REPEATS, check);
    record({ case: label, rows, path: "bundle", expected, ...fast });
    if (DEFAULT_ROWS.has(rows)) {
      const slow = await best("default", name, args, 1, check);
      record({ case: label, rows, path: "xlwings default", expected, ...slow, speedup: slow.call_s / fast.call_s });
      log(`    speed-up of the bundle over xlwings' default conversion: ${(slow.call_s / fast.call_s).toFixed(0)}x`);
    }
    if (pure) { // numpy-free pair (convert="raw" vs xlwings default), comparable with run_314.mjs
      const [fn, pargs] = pure;
      const raw = await best("pure", `${fn}_RAW`, pargs, REPEATS, check);
      record({ case: `${fn}_RAW (numpy-free)`, rows, path: "pure raw", expected, ...raw });
      if (DEFAULT_ROWS.has(rows)) {
        const dflt = await best("pure", fn, pargs, 1, check);
        record({ case: `${fn} (numpy-free)`, rows, path: "pure default", expected, ...dflt,
          speedup: dflt.call_s / raw.call_s });
      }
    }
  }
}
report.all_ok = report.cases.every((c) => c.ok);
writeFileSync(OUT, JSON.stringify(report, null, 1));
log(`all results correct: ${report.all_ok}; written ${OUT}`);
process.exit(report.all_ok ? 0 : 1);
