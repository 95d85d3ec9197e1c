// Used by tests/test_apps_script.py: run the project's Recalculate menu item (xlwings'
// runPython) on a fake spreadsheet, answer the server's request with a canned response,
// and write down what was posted and what the spreadsheet looks like afterwards.
//   node run_client.js BOOK.json RESPONSE.json|- PAYLOAD_OUT.json BOOK_OUT.json [SHEET!A1=VALUE]
// With the last argument a person types VALUE instead, and the on-edit trigger's debounced
// background run is what posts.
"use strict";
const fs = require("node:fs");
const { loadProject } = require("./fake.js");

const [bookIn, responseIn, payloadOut, bookOut, edit] = process.argv.slice(2);
const body = responseIn === "-" ? JSON.stringify({ actions: [] }) : fs.readFileSync(responseIn, "utf8");
const fake = loadProject({ book: JSON.parse(fs.readFileSync(bookIn, "utf8")), respond: () => ({ code: 200, body }) });
// setup.js when write_project wrote the project (SHEETS_SYNC_APPS_SCRIPT_DIR), else a test setting.
if (typeof fake.context.sheetsSyncSetup === "function") fake.call("sheetsSyncSetup");
else fake.context.sheetsSyncConfigure("https://sheets-sync.test", "tok", 5);
if (edit) {
  const [, sheet, a1, value] = /^(.*)!([A-Z]+\d+)=(.*)$/.exec(edit);
  fake.call("installTrigger");
  fake.edit(sheet, a1, value !== "" && isFinite(Number(value)) ? Number(value) : value);
  fake.advance(60000);
  if (fake.errors.length) throw new Error(fake.errors.join("\n"));
} else {
  fake.call("sheetsSyncRecalculate");
}
if (fake.requests.length !== 1) throw new Error(`${fake.requests.length} requests`);
const req = fake.requests[0];
fs.writeFileSync(payloadOut, JSON.stringify({ url: req.url, headers: req.options.headers, payload: req.payload }));
fs.writeFileSync(bookOut, JSON.stringify({ ...fake.book.toJSON(), alerts: fake.alerts, flushes: fake.flushes }));
