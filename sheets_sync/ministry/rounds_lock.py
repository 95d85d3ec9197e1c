"""Locking a round's tabs so that only the ministry writes there (issue 12).

.xlsx: sheet protection with a password the ministry holds (Excel's legacy 16-bit hash)
and every cell of the tab locked, also the unit's input cells (their styles are cloned
with ``locked=1``, so other tabs that share the styles stay editable).
Google: one protected range over the whole tab whose editors are only the ministry
(the service account and the e-mails given); the unit's edit is refused by Google.
"""
from __future__ import annotations

import copy

from ..core.errors import SheetsSyncError

PASSWORD_ENV = "SHEETS_SYNC_LOCK_PASSWORD"
LOCK_DESCRIPTION = "sheets-sync: รอบนี้ล็อกแล้ว (round locked)"


class RoundError(SheetsSyncError):
    pass


def excel_password_hash(password: str) -> str:
    """Excel's legacy 16-bit sheet-protection hash (ECMA-376 Part 4, 'password' attribute)
    as 4 hex digits: 'password' -> '83AF'."""
    if not password or len(password) > 15 or not password.isascii():
        raise RoundError("รหัสผ่านล็อกแผ่นงานต้องเป็นอักษรอังกฤษ/ตัวเลข 1-15 ตัว",
                         "the sheet-lock password must be 1-15 ASCII characters (Excel's legacy protection)")
    h = 0
    for i, ch in enumerate(password, 1):
        v = ord(ch) << i
        h ^= (v & 0x7FFF) | (v >> 15)
    h ^= len(password) ^ 0xCE4B
    return f"{h:04X}"


def lock_xlsx_tab(workbook, sheet: str, password: str | None) -> None:
    """Protect ``sheet`` of an XlsxWorkbook with ``password`` (None: protection without
    one, read-only as a guard), every cell locked (the caller saves). Only that sheet's
    part and the styles part change."""
    from lxml import etree
    from ..backends.xlsx import Q
    hashed = excel_password_hash(password) if password is not None else None
    part = workbook.sheet(sheet).part
    root = workbook._xml(part)
    workbook._dirty.add(part)
    clones: dict[int, int] = {}
    if "xl/styles.xml" in workbook.parts:
        styles = workbook._xml("xl/styles.xml")
        xfs = styles.find(f"{Q}cellXfs")
        originals = list(xfs) if xfs is not None else []

        def locked(i: int) -> int:
            if i >= len(originals):
                return i
            prot = originals[i].find(f"{Q}protection")
            if prot is None or prot.get("locked") not in ("0", "false"):
                return i
            if i not in clones:
                clone = copy.deepcopy(originals[i])
                clone.find(f"{Q}protection").set("locked", "1")
                clone.set("applyProtection", "1")
                xfs.append(clone)
                clones[i] = len(xfs) - 1
                xfs.set("count", str(len(xfs)))
                workbook._dirty.add("xl/styles.xml")
            return clones[i]
        for el, attr in ([(c, "s") for c in root.iter(f"{Q}c")] + [(r, "s") for r in root.iter(f"{Q}row")]
                         + [(c, "style") for c in root.iter(f"{Q}col")]):
            if el.get(attr, "").isdigit() and (n := locked(int(el.get(attr)))) != int(el.get(attr)):
                el.set(attr, str(n))
    prot = root.find(f"{Q}sheetProtection")
    if prot is None:
        after = root.find(f"{Q}sheetCalcPr")
        after = after if after is not None else root.find(f"{Q}sheetData")
        prot = etree.Element(f"{Q}sheetProtection")
        after.addnext(prot)
    prot.attrib.clear()   # nothing left allowed (format, insert rows ...), old hashes gone
    for k, v in (("password", hashed), ("sheet", "1"), ("objects", "1"), ("scenarios", "1")):
        if v:
            prot.set(k, v)


def google_lock_requests(sheet_ids: dict[str, int], tabs, editors: list[str], why: str) -> list[dict]:
    """One whole-tab protected range per tab, editable by ``editors`` only."""
    users = sorted({e for e in editors if e})
    return [{"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": sheet_ids[t]}, "description": f"{LOCK_DESCRIPTION}: {why}",
        "warningOnly": False, "editors": {"users": users}}}} for t in tabs if t in sheet_ids]


def lock_google_tabs(book, tabs, editors: list[str], why: str) -> int:
    """Protect ``tabs`` of a GoogleBook for the ministry only, in one batchUpdate; tabs
    already locked this way are left as they are. Returns the tabs newly locked."""
    meta = book._call(book.client.http_client.fetch_sheet_metadata, book.key,
                      params={"fields": "sheets(properties(sheetId,title),protectedRanges)"})
    ids, done = {}, set()
    for s in meta.get("sheets", []):
        ids[s["properties"]["title"]] = s["properties"]["sheetId"]
        for pr in s.get("protectedRanges", []):
            rng = pr.get("range", {})
            if str(pr.get("description", "")).startswith(LOCK_DESCRIPTION) and set(rng) <= {"sheetId"}:
                done.add(s["properties"]["title"])
    missing = [t for t in tabs if t not in ids]
    if missing:
        raise RoundError(f"ไม่พบแผ่นงาน {', '.join(missing)} ในสเปรดชีต", f"the spreadsheet has no tab {', '.join(missing)}")
    reqs = google_lock_requests(ids, [t for t in tabs if t not in done], [book.client.account, *editors], why)
    if reqs:
        book._post(":batchUpdate", {"requests": reqs})
    return len(reqs)
