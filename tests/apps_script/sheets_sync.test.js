// node --test tests/apps_script/   (built-in runner; no npm packages)
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { loadProject, PROJECT_DIR } = require("./fake.js");

const SEED = JSON.parse(fs.readFileSync(path.join(__dirname, "seed000_book.json"), "utf8"));
const SHEET = "ตัวชี้วัด";
const URL = "https://sheets-sync.example.go.th";
const TOKEN = "s3cret-shared-token";

function project(opts = {}) {
  const fake = loadProject({ book: JSON.parse(JSON.stringify(SEED)), ...opts });
  // What setup.js's sheetsSyncSetup() does (written by write_project when run from pytest).
  if (typeof fake.context.sheetsSyncSetup === "function") fake.call("sheetsSyncSetup");
  fake.context.sheetsSyncConfigure(URL, TOKEN, 5);
  return fake;
}

function withTrigger() {
  const fake = project();
  fake.call("installTrigger");
  return fake;
}

// Where seed 000's layout puts things, read from the fixture (the code under test finds them by label).
const header = SEED.sheets[0].values.slice(0, 3);
const colOf = (label) => "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[Math.max(header[2].indexOf(label), header[1].indexOf(label))];
const rowOf = (code) => SEED.sheets[0].values.findIndex((row) => row.includes(code)) + 1;
const RESULT = colOf("ผลการดำเนินงาน");
const cell = (label, code) => colOf(label) + rowOf(code);

test("the fixture is seed 000's layout: result in L, weight in E, narrative in P", () => {
  assert.equal(RESULT, "L");
  assert.equal(colOf("น้ำหนัก (ร้อยละ)"), "E");
  assert.equal(colOf("รายละเอียดการดำเนินงาน"), "P");
  assert.equal(rowOf("ศปท.1"), 5);
});

test("onOpen adds the sheets-sync menu; its items call runPython on the server's routes", () => {
  const fake = project();
  fake.call("onOpen");
  assert.equal(fake.menus.length, 1);
  const [menu] = fake.menus;
  assert.equal(menu.caption, "sheets-sync");
  const items = menu.items.filter((i) => !i.separator);
  assert.deepEqual(items.map((i) => i.label),
    ["คำนวณใหม่ / Recalculate", "ตรวจสอบ / Validate", "คำนวณใหม่อัตโนมัติเมื่อแก้ไข / Recalculate on edit"]);
  for (const item of items) assert.equal(typeof fake.context[item.fn], "function", item.fn);
  fake.call(items[0].fn);
  fake.call(items[1].fn);
  assert.deepEqual(fake.requests.map((r) => r.url), [`${URL}/xlwings/recalculate`, `${URL}/xlwings/validate`]);
  assert.equal(fake.triggers.length, 0, "a menu click installs nothing");
});

test("installTrigger installs one on-edit trigger, however often it runs", () => {
  const fake = project();
  assert.equal(fake.call("installTrigger"), true);
  assert.equal(fake.call("installTrigger"), false);
  fake.call("installTrigger");
  assert.deepEqual(fake.triggers.map((t) => [t.type, t.handler]), [["ON_EDIT", "sheetsSyncOnEdit"]]);
  assert.equal(fake.book.toasts.length, 3);
});

test("an edit of a result cell arms one time-based trigger and records the edit's time", () => {
  const fake = withTrigger();
  fake.edit(SHEET, cell("ผลการดำเนินงาน", "ศปท.1"), 3);
  const pending = fake.pending();
  assert.equal(pending.length, 1);
  assert.equal(pending[0].handler, "sheetsSyncRecalcPending");
  assert.equal(pending[0].at, fake.clock.now + 5000);
  assert.equal(fake.docProps.getProperty("sheetsSync.lastEdit"), String(fake.clock.now));
  assert.equal(fake.requests.length, 0, "nothing is posted while typing");
});

test("ten results typed in quick succession cost one pending trigger and one server call", () => {
  const fake = withTrigger();
  const codes = ["ศปท.1", "ศปท.2", "ศปท.3", "ศปท.4", "ศปท.5", "ศปท.6", "ศปท.7", "ศปท.1", "ศปท.2", "ศปท.3"];
  codes.forEach((code, i) => {
    fake.edit(SHEET, cell("ผลการดำเนินงาน", code), i + 1);
    assert.equal(fake.pending().length, 1);
    fake.advance(300);
  });
  assert.equal(fake.requests.length, 0);
  fake.advance(10000);
  assert.equal(fake.requests.length, 1);
  assert.equal(fake.requests[0].url, `${URL}/xlwings/recalculate`);
  assert.deepEqual(fake.errors, []);
  assert.equal(fake.triggers.filter((t) => t.type === "CLOCK").length, 0, "the fired trigger is deleted");
  fake.advance(60000);
  assert.equal(fake.requests.length, 1, "and nothing fires later");
});

test("a newer edit during the delay re-arms instead of firing", () => {
  const fake = withTrigger();
  fake.edit(SHEET, cell("ผลการดำเนินงาน", "ศปท.1"), 2);
  fake.advance(4000);
  fake.edit(SHEET, cell("ผลการดำเนินงาน", "ศปท.2"), 4); // at 4 s; the trigger is due at 5 s
  assert.equal(fake.pending().length, 1);
  fake.advance(1500); // 5.5 s: the trigger fires, sees an edit 1.5 s old
  assert.equal(fake.requests.length, 0);
  const [rearmed] = fake.pending();
  assert.equal(fake.pending().length, 1);
  assert.equal(rearmed.at, fake.clock.now - 1500 + 5000, "due 5 s after the newer edit");
  fake.advance(3500);
  assert.equal(fake.requests.length, 1);
  assert.equal(fake.pending().length, 0);
});

test("an edit after a recalculation arms a new one", () => {
  const fake = withTrigger();
  fake.edit(SHEET, cell("ผลการดำเนินงาน", "ศปท.1"), 2);
  fake.advance(6000);
  fake.edit(SHEET, cell("ผลการดำเนินงาน", "ศปท.1"), 3);
  fake.advance(6000);
  assert.equal(fake.requests.length, 2);
});

test("edits of template-owned columns, the narrative, headers, section or totals rows trigger nothing", () => {
  const fake = withTrigger();
  fake.edit(SHEET, cell("น้ำหนัก (ร้อยละ)", "ศปท.1"), 20);      // weight: template-owned
  fake.edit(SHEET, cell("ตัวชี้วัด", "ศปท.2"), "renamed");       // indicator: template-owned
  fake.edit(SHEET, cell("ค่าคะแนนที่ได้", "ศปท.3"), 5);         // score: computed
  fake.edit(SHEET, cell("รายละเอียดการดำเนินงาน", "ศปท.1"), "(ร่าง) จัดประชุม"); // narrative: unit-owned, nothing to compute
  fake.edit(SHEET, `${RESULT}3`, "header");                        // the header row
  fake.edit(SHEET, `${RESULT}4`, 1);                               // a dimension section row
  fake.edit(SHEET, `${RESULT}${SEED.sheets[0].values.length}`, 1); // the totals rows
  fake.edit(SHEET, `${RESULT}40`, 1);                              // below the table
  fake.edit(SHEET, "Z5", 1);                                       // outside the table's columns
  fake.edit("ประวัติการแก้ไข", "L5", 1);                         // another sheet
  fake.advance(60000);
  assert.equal(fake.pending().length, 0);
  assert.equal(fake.requests.length, 0);
  assert.equal(fake.docProps.getProperty("sheetsSync.lastEdit"), null);
});

test("the result column is found by its header label, wherever it is", () => {
  const book = JSON.parse(JSON.stringify(SEED));
  book.sheets[0].values = book.sheets[0].values.map((row) => ["note", ...row]); // a column inserted before A
  const fake = loadProject({ book });
  fake.context.sheetsSyncConfigure(URL, TOKEN, 5);
  fake.call("installTrigger");
  fake.edit(SHEET, "L5", 1); // now the criteria level 5 column
  assert.equal(fake.pending().length, 0);
  fake.edit(SHEET, "M5", 1); // the result column, moved one right
  assert.equal(fake.pending().length, 1);
});

test("the posted payload is xlwings runPython's: client, version, book, names, sheets; token in Authorization", () => {
  const fake = withTrigger();
  fake.edit(SHEET, cell("ผลการดำเนินงาน", "ศปท.1"), 2);
  fake.advance(6000);
  const [req] = fake.requests;
  assert.equal(req.options.method, "post");
  assert.equal(req.options.contentType, "application/json");
  assert.equal(req.options.muteHttpExceptions, true);
  assert.equal(req.options.headers.Authorization, TOKEN);
  const p = req.payload;
  assert.deepEqual(Object.keys(p), ["client", "version", "book", "names", "sheets"]);
  assert.equal(p.client, "Google Apps Script");
  assert.equal(p.version, "0.37.8");
  assert.deepEqual(p.book, { name: SEED.name, active_sheet_index: 0, selection: "A1" });
  assert.deepEqual(p.names, []);
  assert.deepEqual(p.sheets.map((s) => s.name), SEED.sheets.map((s) => s.name));
  p.sheets.forEach((s, i) => {
    assert.deepEqual(Object.keys(s), ["name", "values", "pictures", "tables"]);
    assert.deepEqual(s.pictures, []);
    assert.deepEqual(s.tables, []);
    const expected = SEED.sheets[i].values.map((row) => row.slice());
    if (i === 0) expected[4][11] = 2;
    assert.deepEqual(s.values, expected);
  });
});

test("a menu click posts the person's selection and no background header", () => {
  const fake = project();
  fake.book.setActiveRange(fake.book.getSheets()[0].getRange("L9"));
  fake.call("sheetsSyncRecalculate");
  const [req] = fake.requests;
  assert.deepEqual(req.payload.book.selection, "L9");
  assert.deepEqual({ ...req.options.headers }, { Authorization: TOKEN });
});

test("the server's actions are applied by xlwings.js: setValues, setRangeColor, alert", () => {
  const actions = [
    { func: "setValues", args: [], values: [[2, 40, 0.3]], sheet_position: 0, start_row: 4, start_column: 12, row_count: 1, column_count: 3 },
    { func: "setRangeColor", args: ["#ffc7ce"], values: null, sheet_position: 0, start_row: 8, start_column: 11, row_count: 1, column_count: 1 },
    { func: "alert", args: ["ปัญหา\nproblems", "sheets-sync", "ok", "critical", ""], values: null, sheet_position: null, start_row: null, start_column: null, row_count: null, column_count: null },
  ];
  const fake = project({ respond: () => ({ code: 200, body: JSON.stringify({ actions }) }) });
  fake.call("sheetsSyncRecalculate");
  const sheet = fake.book.getSheets()[0];
  assert.deepEqual(sheet.getRange("M5").getValues(), [[2]]);
  assert.deepEqual(sheet.getRange(5, 13, 1, 3).getValues(), [[2, 40, 0.3]]);
  assert.equal(sheet.backgrounds.L9, "#ffc7ce");
  assert.deepEqual(fake.alerts, [{ title: "sheets-sync", prompt: "ปัญหา\nproblems", buttons: "OK" }]);
});

test("a background run that meets an alert keeps the values and records why it stopped", () => {
  const actions = [
    { func: "setValues", args: [], values: [[2]], sheet_position: 0, start_row: 4, start_column: 12, row_count: 1, column_count: 1 },
    { func: "alert", args: ["warning", "sheets-sync", "ok", "info", ""], values: null, sheet_position: null, start_row: null, start_column: null, row_count: null, column_count: null },
  ];
  const fake = project({ respond: () => ({ code: 200, body: JSON.stringify({ actions }) }) });
  fake.call("installTrigger");
  fake.edit(SHEET, cell("ผลการดำเนินงาน", "ศปท.1"), 2);
  fake.advance(6000);
  assert.deepEqual(fake.book.getSheets()[0].getRange("M5").getValues(), [[2]]);
  assert.match(fake.docProps.getProperty("sheetsSync.lastError"), /getUi/);
  assert.equal(fake.pending().length, 0);
});

test("a refused request (401) is an error, and nothing is written", () => {
  const fake = project({ respond: () => ({ code: 401, body: '{"detail":"missing or wrong shared token"}' }) });
  assert.throws(() => fake.call("sheetsSyncRecalculate"), /shared token/);
  assert.equal(fake.book.writes.length, 0);
});

test("without setup, the menu says what to do", () => {
  const fake = loadProject({ book: JSON.parse(JSON.stringify(SEED)), dir: path.join(__dirname, "..", "..", "sheets_sync", "apps_script") });
  fake.scriptProps.data = {};
  assert.throws(() => fake.call("sheetsSyncRecalculate"), /sheetsSyncSetup/);
  assert.equal(fake.requests.length, 0);
});

test("our own logic stays small", () => {
  const lines = fs.readFileSync(path.join(PROJECT_DIR, "sheets_sync.js"), "utf8").split("\n").length;
  assert.ok(lines < 200, `${lines} lines`);
});
