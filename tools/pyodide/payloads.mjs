// Office.js-shaped payloads and independent (plain JavaScript) expected values, shared by both drivers.
export function rng(seed) { // mulberry32: the same columns on every run
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
export const OWNERS = ["Alice", "Bob", "Carol", "Dan", "Eve", "Frank"];
// A column as Office.js hands it to a custom function: an array of one-cell rows; dates are serial numbers;
// 30 % of deals still open (blank close date = null).
export function columns(rows) {
  const r = rng(2024);
  const scores = [], created = [], closed = [], owners = [];
  for (let i = 0; i < rows; i++) {
    scores.push([Math.floor(r() * 11)]);
    const c = 45292 + r() * 700;
    created.push([c]);
    closed.push([r() < 0.7 ? c + r() * 120 : null]);
    owners.push([OWNERS[Math.floor(r() * OWNERS.length)]]);
  }
  return { scores, created, closed, owners };
}
export function expectNps(scores) {
  let p = 0, d = 0;
  for (const [v] of scores) { p += v >= 9; d += v <= 6; }
  return (100 * (p - d)) / scores.length;
}
export function expectCycle(created, closed, owners, who) {
  let sum = 0, n = 0;
  for (let i = 0; i < created.length; i++) {
    if (closed[i][0] === null) continue;
    if (who && owners[i][0].toLowerCase() !== who.toLowerCase()) continue;
    sum += closed[i][0] - created[i][0];
    n++;
  }
  return sum / n;
}
// The body custom-functions-code.js (xlwings-server 1.20.0, static/js/custom-functions/) builds for every
// call and hands to the Wasm runtime's custom_functions_call: runtime is the CustomFunctionsRuntime
// requirement set (1.4: errors come back as {type: "Error", errorType}).
export const payload = (func_name, args) => ({
  client: "Office.js", func_name, args, caller_address: "[Book1.xlsx]Sheet1!B2",
  session_id: "5b7e3c2a-harness", culture_info_name: "en-US", date_format: "M/d/yyyy",
  version: "0.37.8", runtime: "1.4",
});
export const close = (a, b) => typeof a === "number" && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

// Hand-computable columns: NPS scores repeat 10, 9, 9, 8, 7, 3, 10, 9, 2, 6 (5 promoters, 2 passives,
// 3 detractors in every 10: NPS = 100 * (5 - 3) / 10 = 20).  Deals repeat in fours: Alice closes after 20
// days, Bob after 40, Alice's next deal is open (blank close date), Bob closes after 60: the average cycle is
// (20 + 40 + 60) / 3 = 40 days; Alice's 20 (one closed deal per four rows); Bob's (40 + 60) / 2 = 50.
export const HAND = { nps: 20, cycle: 40, alice: 20, bob: 50 };
export function handColumns(rows) {
  const pattern = [10, 9, 9, 8, 7, 3, 10, 9, 2, 6];
  const days = [20, 40, null, 60];
  const who = ["Alice", "Bob", "Alice", "Bob"];
  const scores = [], created = [], closed = [], owners = [];
  for (let i = 0; i < rows; i++) {
    scores.push([pattern[i % 10]]);
    const start = 45292 + (i % 365); // serial dates from 2024-01-01 on
    created.push([start]);
    closed.push([days[i % 4] === null ? null : start + days[i % 4]]);
    owners.push([who[i % 4]]);
  }
  return { scores, created, closed, owners };
}
