/**
 * sheets-sync for Google Sheets: a menu and on-edit recalculation. Every recalculation is
 * xlwings' own runPython (xlwings.js, vendored unmodified) posting the spreadsheet to the
 * sheets-sync server, which answers the cells to write; this file only decides when.
 *
 * Setup, once per spreadsheet: run sheetsSyncSetup() (setup.js, written by
 * sheets_sync.apps_script.write_project) to store the server URL, token and delay in the
 * script properties, then sheets-sync > "คำนวณใหม่อัตโนมัติเมื่อแก้ไข / Recalculate on edit".
 */

var SHEETS_SYNC = {
  RESULT: "ผลการดำเนินงาน",            // unit-owned result: an edit here needs a recalculation
  NARRATIVE: "รายละเอียดการดำเนินงาน", // unit-owned narrative: nothing is computed from it
  KEYS: ["รหัส", "ตัวชี้วัด"],             // a row with one of these is an indicator row
  HEADER_LABELS: ["ผลการดำเนินงาน", "รายละเอียดการดำเนินงาน", "รหัส", "ตัวชี้วัด",
    "น้ำหนัก (ร้อยละ)", "เกณฑ์การให้คะแนน", "ค่าคะแนนที่ได้", "ร้อยละที่ได้", "คะแนนถ่วงน้ำหนัก", "สถานะ"],
  HEADER_SCAN: 10,                      // header rows are looked for in the first rows only
  ON_EDIT: "sheetsSyncOnEdit",
  PENDING: "sheetsSyncRecalcPending",
  LAST_EDIT: "sheetsSync.lastEdit",     // document property: ms of the last relevant edit
  LAST_ERROR: "sheetsSync.lastError",   // document property: why the last background run failed
};

function onOpen() {
  SpreadsheetApp.getUi().createMenu("sheets-sync")
    .addItem("คำนวณใหม่ / Recalculate", "sheetsSyncRecalculate")
    .addItem("ตรวจสอบ / Validate", "sheetsSyncValidate")
    .addSeparator()
    .addItem("คำนวณใหม่อัตโนมัติเมื่อแก้ไข / Recalculate on edit", "installTrigger")
    .addToUi();
}

/** Store the server's address, the shared token (kept when null) and the debounce delay. */
function sheetsSyncConfigure(url, token, delaySeconds) {
  var props = PropertiesService.getScriptProperties();
  props.setProperty("SHEETS_SYNC_URL", String(url).replace(/\/+$/, ""));
  if (token !== null && token !== undefined) props.setProperty("SHEETS_SYNC_TOKEN", String(token));
  props.setProperty("SHEETS_SYNC_DELAY_SECONDS", String(delaySeconds === undefined ? 5 : delaySeconds));
}

function sheetsSyncConfig_() {
  var props = PropertiesService.getScriptProperties();
  var url = props.getProperty("SHEETS_SYNC_URL");
  if (!url) throw new Error("ยังไม่ได้ตั้งค่า sheets-sync: เรียก sheetsSyncSetup() ก่อน / " +
    "sheets-sync is not set up: run sheetsSyncSetup() first");
  var delay = Number(props.getProperty("SHEETS_SYNC_DELAY_SECONDS"));
  return { url: url, token: props.getProperty("SHEETS_SYNC_TOKEN") || "",
    delayMs: 1000 * (isFinite(delay) && delay > 0 ? delay : 5) };
}

/** One round trip to the server through xlwings' client: post the book, apply the actions. */
function sheetsSyncRun_(route, background) {
  var config = sheetsSyncConfig_();
  var options = { auth: config.token };
  if (background) {
    // A time-driven run has no selection; xlwings reads getActiveRange() for the payload.
    var book = SpreadsheetApp.getActive();
    if (!book.getActiveRange()) book.setActiveRange(book.getActiveSheet().getRange(1, 1));
    options.headers = { "X-Sheets-Sync-Trigger": "edit" };
  }
  runPython(config.url + route, options);
}

function sheetsSyncRecalculate() { sheetsSyncRun_("/xlwings/recalculate", false); }

function sheetsSyncValidate() { sheetsSyncRun_("/xlwings/validate", false); }

/** Install the on-edit trigger for this spreadsheet once; running it again changes nothing. */
function installTrigger() {
  var book = SpreadsheetApp.getActive();
  var exists = ScriptApp.getProjectTriggers().some(function (t) {
    return t.getHandlerFunction() === SHEETS_SYNC.ON_EDIT && t.getEventType() === ScriptApp.EventType.ON_EDIT;
  });
  if (!exists) ScriptApp.newTrigger(SHEETS_SYNC.ON_EDIT).forSpreadsheet(book).onEdit().create();
  book.toast(exists ? "เปิดอยู่แล้ว / already on" : "เปิดแล้ว / on", "sheets-sync: คำนวณใหม่เมื่อแก้ไข / recalculate on edit");
  return !exists;
}

/** Header labels to 1-based columns (the lowest header cell of each column) and the last header row. */
function sheetsSyncHeader_(sheet) {
  var width = sheet.getLastColumn(), height = Math.min(sheet.getLastRow(), SHEETS_SYNC.HEADER_SCAN);
  if (width < 1 || height < 1) return null;
  var top = sheet.getRange(1, 1, height, width).getDisplayValues().map(function (row) {
    return row.map(function (v) { return String(v).replace(/\s+/g, " ").trim(); });
  });
  var isHeader = function (row) { return row.some(function (v) { return SHEETS_SYNC.HEADER_LABELS.indexOf(v) >= 0; }); };
  var first = top.findIndex(isHeader);
  if (first < 0) return null;
  var last = first;
  while (last + 1 < top.length && isHeader(top[last + 1])) last++;
  var columns = {};
  for (var c = 0; c < width; c++) {
    for (var r = last; r >= first; r--) {
      if (top[r][c]) { if (!(top[r][c] in columns)) columns[top[r][c]] = c + 1; break; }
    }
  }
  return { lastRow: last + 1, columns: columns };
}

/** Does an edit of this range touch a result cell of an indicator row? */
function sheetsSyncNeedsRecalc_(range) {
  var sheet = range.getSheet(), header = sheetsSyncHeader_(sheet);
  var col = header && header.columns[SHEETS_SYNC.RESULT];
  if (!col || col < range.getColumn() || col > range.getColumn() + range.getNumColumns() - 1) return false;
  var top = Math.max(range.getRow(), header.lastRow + 1), bottom = range.getRow() + range.getNumRows() - 1;
  if (top > bottom) return false;
  var key = SHEETS_SYNC.KEYS.map(function (k) { return header.columns[k]; }).filter(Boolean)[0];
  if (!key) return true;
  return sheet.getRange(top, key, bottom - top + 1, 1).getDisplayValues()
    .some(function (row) { return String(row[0]).trim() !== ""; });
}

function sheetsSyncPending_() {
  return ScriptApp.getProjectTriggers().filter(function (t) { return t.getHandlerFunction() === SHEETS_SYNC.PENDING; });
}

function sheetsSyncArm_(ms) {
  ScriptApp.newTrigger(SHEETS_SYNC.PENDING).timeBased().after(Math.max(1000, Math.ceil(ms))).create();
}

/**
 * Installable on-edit handler (not named onEdit: a simple trigger may not fetch URLs or
 * create triggers). Debounce: remember when the last relevant edit happened and keep exactly
 * one time-based trigger pending; typing ten results in a row costs one server call.
 */
function sheetsSyncOnEdit(e) {
  if (!e || !e.range || !sheetsSyncNeedsRecalc_(e.range)) return;
  var delayMs = sheetsSyncConfig_().delayMs, lock = LockService.getDocumentLock();
  lock.waitLock(10000);
  try {
    PropertiesService.getDocumentProperties().setProperty(SHEETS_SYNC.LAST_EDIT, String(Date.now()));
    if (sheetsSyncPending_().length === 0) sheetsSyncArm_(delayMs);
  } finally {
    lock.releaseLock();
  }
}

/** Time-based handler: recalculate once if the sheet has been quiet for the delay, else wait on. */
function sheetsSyncRecalcPending() {
  var delayMs = sheetsSyncConfig_().delayMs, lock = LockService.getDocumentLock();
  var props = PropertiesService.getDocumentProperties();
  lock.waitLock(10000);
  try {
    // A fired one-off trigger stays listed until deleted: remove it (and any stray twin).
    sheetsSyncPending_().forEach(function (t) { ScriptApp.deleteTrigger(t); });
    var wait = Number(props.getProperty(SHEETS_SYNC.LAST_EDIT) || 0) + delayMs - Date.now();
    if (wait > 0) return sheetsSyncArm_(wait);
  } finally {
    lock.releaseLock();
  }
  try {
    sheetsSyncRun_("/xlwings/recalculate", true);
    props.deleteProperty(SHEETS_SYNC.LAST_ERROR);
  } catch (err) {
    // No dialog can open from a time-driven run (an alert action throws): keep the reason.
    props.setProperty(SHEETS_SYNC.LAST_ERROR, String(err && err.message ? err.message : err));
    console.error("sheets-sync background recalculation failed: " + err);
  }
}
