// Read workbooks with SheetJS (npm `xlsx`), the JavaScript reader web apps and many viewers use.
//   node tools/sheetjs/read.cjs FILE...        (xlsx from .runtime/node_modules, or XLSX_MODULE=path)
// Prints one JSON line per file: {file, ok, sheets, cells, formulas, values: {"Sheet!A1": value, ...}} where
// values are the cached values SheetJS reads for every formula cell; {file, ok: false, error} when SheetJS
// cannot open it.  Exit 1 if any file failed.
const path = require("node:path");
const XLSX = require(process.env.XLSX_MODULE || path.join(__dirname, "..", "..", ".runtime", "node_modules", "xlsx"));

let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    const book = XLSX.readFile(file, { cellFormula: true, cellDates: false });
    let cells = 0, formulas = 0;
    const values = {};
    for (const name of book.SheetNames) {
      const sheet = book.Sheets[name];
      for (const [address, cell] of Object.entries(sheet)) {
        if (address[0] === "!") continue;
        cells++;
        if (cell.f !== undefined) {
          formulas++;
          values[`${name}!${address}`] = cell.t === "e" ? { error: cell.w } : cell.v ?? null;
        }
      }
    }
    console.log(JSON.stringify({ file, ok: true, sheets: book.SheetNames, cells, formulas, values }));
  } catch (error) {
    failed++;
    console.log(JSON.stringify({ file, ok: false, error: String(error && error.message || error) }));
  }
}
process.exit(failed ? 1 : 0);
