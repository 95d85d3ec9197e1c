// A small fake of the Apps Script surface that xlwings.js and sheets_sync.js touch, and a
// loader that runs the real project files in one vm context (one global scope, as Apps
// Script gives all files of a project).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const PACKAGE_DIR = path.resolve(__dirname, "..", "..", "sheets_sync", "apps_script");
// pytest points this at a folder written by write_project, so the very files it writes run here.
const PROJECT_DIR = process.env.SHEETS_SYNC_APPS_SCRIPT_DIR || PACKAGE_DIR;
const FILES = ["xlwings.js", "sheets_sync.js", "setup.js"];

function colName(c) {
  let s = "";
  for (let n = c; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function parseA1(a1) {
  const m = /^([A-Z]+)(\d+)$/.exec(a1.replace(/\$/g, "").split(":")[0]);
  let c = 0;
  for (const ch of m[1]) c = c * 26 + ch.charCodeAt(0) - 64;
  return [Number(m[2]), c];
}

class Range {
  constructor(sheet, row, col, rows = 1, cols = 1) {
    if (row < 1 || col < 1 || rows < 1 || cols < 1) throw new Error(`bad range ${row},${col},${rows},${cols}`);
    Object.assign(this, { sheet, row, col, rows, cols });
  }
  getSheet() { return this.sheet; }
  getRow() { return this.row; }
  getColumn() { return this.col; }
  getNumRows() { return this.rows; }
  getNumColumns() { return this.cols; }
  getLastRow() { return this.row + this.rows - 1; }
  getLastColumn() { return this.col + this.cols - 1; }
  getA1Notation() {
    const tl = colName(this.col) + this.row;
    return this.rows === 1 && this.cols === 1 ? tl : `${tl}:${colName(this.getLastColumn())}${this.getLastRow()}`;
  }
  getValues() {
    const out = [];
    for (let r = 0; r < this.rows; r++) {
      const line = [];
      for (let c = 0; c < this.cols; c++) line.push(this.sheet.get(this.row + r, this.col + c));
      out.push(line);
    }
    return out;
  }
  getDisplayValues() { return this.getValues().map((row) => row.map((v) => String(v))); }
  getValue() { return this.getValues()[0][0]; }
  setValues(values) {
    // Apps Script insists on the exact shape of the range.
    if (values.length !== this.rows || values.some((row) => row.length !== this.cols)) {
      throw new Error(`The number of rows or columns in the data does not match the range ${this.getA1Notation()}`);
    }
    values.forEach((row, r) => row.forEach((v, c) => this.sheet.set(this.row + r, this.col + c, v)));
    this.sheet.book.writes.push({ sheet: this.sheet.name, range: this.getA1Notation(), values });
    return this;
  }
  setValue(v) { return this.setValues([[v]]); }
  setBackground(color) {
    for (let r = 0; r < this.rows; r++) for (let c = 0; c < this.cols; c++) {
      this.sheet.backgrounds[colName(this.col + c) + (this.row + r)] = color;
    }
    return this;
  }
  clearContent() { return this.setValues(this.getValues().map((row) => row.map(() => ""))); }
  activate() { this.sheet.book.activeRange = this; return this; }
}

class Sheet {
  constructor(book, name, values, backgrounds) {
    this.book = book;
    this.name = name;
    this.cells = (values || []).map((row) => row.map((v) => (v === null || v === undefined ? "" : v)));
    this.backgrounds = { ...(backgrounds || {}) };
  }
  getName() { return this.name; }
  setName(name) { this.name = name; return this; }
  getIndex() { return this.book.sheets.indexOf(this) + 1; }
  getParent() { return this.book; }
  get(r, c) { const row = this.cells[r - 1]; return row && row[c - 1] !== undefined ? row[c - 1] : ""; }
  set(r, c, v) {
    while (this.cells.length < r) this.cells.push([]);
    const row = this.cells[r - 1];
    while (row.length < c) row.push("");
    row[c - 1] = v === null || v === undefined ? "" : v;
  }
  getLastRow() {
    for (let r = this.cells.length; r > 0; r--) if (this.cells[r - 1].some((v) => v !== "")) return r;
    return 0;
  }
  getLastColumn() {
    let last = 0;
    this.cells.forEach((row) => row.forEach((v, c) => { if (v !== "") last = Math.max(last, c + 1); }));
    return last;
  }
  getRange(a, b, rows, cols) {
    if (typeof a === "string") { const [r, c] = parseA1(a); return new Range(this, r, c); }
    return new Range(this, a, b, rows, cols);
  }
  getImages() { return []; }
  activate() { this.book.activeSheet = this; return this; }
}

class Spreadsheet {
  constructor(spec) {
    this.name = spec.name || "unit";
    this.timeZone = spec.timeZone || "Asia/Bangkok";
    this.writes = [];
    this.toasts = [];
    this.sheets = spec.sheets.map((s) => new Sheet(this, s.name, s.values, s.backgrounds));
    this.activeSheet = this.sheets[0];
    this.activeRange = this.activeSheet.getRange(1, 1);
  }
  getId() { return "fake-spreadsheet-id"; }
  getName() { return this.name; }
  getSheets() { return this.sheets.slice(); }
  getSheetByName(name) { return this.sheets.find((s) => s.name === name) || null; }
  getActiveSheet() { return this.activeSheet; }
  getActiveRange() { return this.activeRange; }
  setActiveRange(range) { this.activeRange = range; this.activeSheet = range.getSheet(); return range; }
  getNamedRanges() { return []; }
  getSpreadsheetTimeZone() { return this.timeZone; }
  toast(msg, title) { this.toasts.push({ msg, title }); }
  toJSON() { return { name: this.name, timeZone: this.timeZone, sheets: this.sheets.map((s) => ({ name: s.name, values: s.cells, backgrounds: s.backgrounds })) }; }
}

class Store {
  constructor() { this.data = {}; }
  getProperty(k) { return Object.prototype.hasOwnProperty.call(this.data, k) ? this.data[k] : null; }
  setProperty(k, v) { this.data[k] = String(v); return this; }
  setProperties(obj) { for (const k in obj) this.setProperty(k, obj[k]); return this; }
  getProperties() { return { ...this.data }; }
  deleteProperty(k) { delete this.data[k]; return this; }
}

/** A project loaded into a fresh context. `respond(url, options)` answers UrlFetchApp.fetch. */
function loadProject({ book, dir = PROJECT_DIR, now = Date.UTC(2024, 1, 1, 3, 0, 0), respond } = {}) {
  const fake = {
    clock: { now },
    book: new Spreadsheet(book),
    menus: [], alerts: [], requests: [], triggers: [], flushes: 0, nextId: 1,
    mode: "ui",                 // "ui" (menu click, editor) or "clock" (time-driven run)
    scriptProps: new Store(), docProps: new Store(),
    respond: respond || (() => ({ code: 200, body: JSON.stringify({ actions: [] }) })),
  };
  const ui = {
    ButtonSet: { OK: "OK", OK_CANCEL: "OK_CANCEL", YES_NO: "YES_NO", YES_NO_CANCEL: "YES_NO_CANCEL" },
    Button: { OK: "OK", CANCEL: "CANCEL", YES: "YES", NO: "NO", CLOSE: "CLOSE" },
    createMenu(caption) {
      const menu = { caption, items: [] };
      const builder = {
        addItem(label, fn) { menu.items.push({ label, fn }); return builder; },
        addSeparator() { menu.items.push({ separator: true }); return builder; },
        addToUi() { fake.menus.push(menu); },
      };
      return builder;
    },
    alert(title, prompt, buttons) { fake.alerts.push({ title, prompt, buttons }); return "OK"; },
  };
  const trigger = (t) => ({
    getHandlerFunction: () => t.handler, getEventType: () => t.type,
    getUniqueId: () => t.id, getTriggerSource: () => (t.type === "CLOCK" ? "CLOCK" : "SPREADSHEETS"), _t: t,
  });
  const sandbox = {
    console: { log() {}, warn() {}, error: (...a) => fake.errors.push(a.join(" ")) },
    SpreadsheetApp: {
      getActive: () => fake.book, getActiveSpreadsheet: () => fake.book,
      getUi() {
        if (fake.mode === "clock") throw new Error("Cannot call SpreadsheetApp.getUi() from this context.");
        return ui;
      },
      flush() { fake.flushes++; },
      Dimension: { ROWS: "ROWS", COLUMNS: "COLUMNS" },
    },
    PropertiesService: { getScriptProperties: () => fake.scriptProps, getDocumentProperties: () => fake.docProps },
    LockService: { getDocumentLock: () => ({ waitLock() {}, tryLock: () => true, releaseLock() {} }) },
    ScriptApp: {
      EventType: { CLOCK: "CLOCK", ON_EDIT: "ON_EDIT", ON_OPEN: "ON_OPEN" },
      getProjectTriggers: () => fake.triggers.map(trigger),
      deleteTrigger(t) { fake.triggers = fake.triggers.filter((x) => x.id !== t._t.id); },
      newTrigger(handler) {
        const add = (t) => () => { const x = { handler, id: String(fake.nextId++), ...t }; fake.triggers.push(x); return trigger(x); };
        return {
          timeBased: () => ({ after: (ms) => ({ create: add({ type: "CLOCK", at: fake.clock.now + ms, fired: false }) }) }),
          forSpreadsheet: () => ({ onEdit: () => ({ create: add({ type: "ON_EDIT" }) }) }),
        };
      },
    },
    UrlFetchApp: {
      fetch(url, options) {
        fake.requests.push({ url, options, payload: JSON.parse(options.payload) });
        const r = fake.respond(url, options);
        return { getResponseCode: () => r.code, getContentText: () => r.body };
      },
    },
    Session: { getActiveUser: () => ({ getEmail: () => "staff@unit.go.th" }), getScriptTimeZone: () => "Asia/Bangkok" },
  };
  fake.errors = [];
  const context = vm.createContext(sandbox);
  // The context's own Date, driven by the fake clock.
  vm.runInContext(`(function (clock) {
    const RealDate = Date;
    globalThis.Date = class extends RealDate {
      constructor(...a) { if (a.length) super(...a); else super(clock.now); }
      static now() { return clock.now; }
    };
  })`, context)(fake.clock);
  for (const name of FILES) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) vm.runInContext(fs.readFileSync(file, "utf8"), context, { filename: file });
  }
  fake.context = context;

  /** Call a global function of the project as Apps Script would (menu item, editor, trigger). */
  fake.call = (fn, event, mode = "ui") => {
    const before = fake.mode;
    fake.mode = mode;
    if (mode === "clock") fake.book.activeRange = null; // no selection in a time-driven run
    try { return context[fn](event); } finally { fake.mode = before; }
  };
  /** A person types `value` into `a1` of `sheetName`: the cell changes, installable on-edit triggers fire. */
  fake.edit = (sheetName, a1, value) => {
    const sheet = fake.book.getSheetByName(sheetName);
    const range = sheet.getRange(a1);
    const oldValue = range.getValue();
    sheet.set(range.row, range.col, value);
    for (const t of fake.triggers.filter((x) => x.type === "ON_EDIT")) {
      fake.call(t.handler, { range, source: fake.book, value, oldValue, triggerUid: t.id, authMode: "FULL" });
    }
  };
  /** Let `ms` pass; every one-off time-based trigger that falls due fires once. */
  fake.advance = (ms) => {
    const end = fake.clock.now + ms;
    for (;;) {
      const due = fake.triggers.filter((t) => t.type === "CLOCK" && !t.fired && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      fake.clock.now = Math.max(fake.clock.now, due.at);
      due.fired = true; // stays listed until the script deletes it, as in Apps Script
      fake.call(due.handler, { triggerUid: due.id }, "clock");
    }
    fake.clock.now = end;
  };
  fake.pending = () => fake.triggers.filter((t) => t.type === "CLOCK" && !t.fired);
  return fake;
}

module.exports = { loadProject, PROJECT_DIR, PACKAGE_DIR, colName };
