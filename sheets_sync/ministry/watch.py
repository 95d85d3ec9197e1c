"""Watch mode for Google unit sheets that have no script: follow Drive's changes feed and
recalculate each unit spreadsheet a person edited, within one interval.

One poll is one ``changes.list`` for every unit at once (not one request per unit); the
registry picks out the Google units. A change whose ``lastModifyingUser`` is our own
service account is our own write (a recalc) and is never reacted to, so watch cannot loop.
Several changes to one unit within an interval cost one recalculation. The page token and
the units still owed a recalculation are kept on disk (written atomically) after every
step, so a stopped and restarted watch misses no edit and recalculates nothing twice.

Every request (the feed and the recalcs) goes through one client and so one quota limiter.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..core.errors import SheetsSyncError
from .units import Unit, load_units

STATE_NAME = ".sheets-sync-watch.json"
CHANGES_URL = "https://www.googleapis.com/drive/v3/changes"
# only what watch needs: which file, whether it is gone, and who changed it last
CHANGES_FIELDS = "nextPageToken,newStartPageToken,changes(fileId,removed,file(id,lastModifyingUser(emailAddress)))"
PAGE_SIZE = 1000          # Drive's maximum: a page holds a thousand changed files
RETRIES = 3               # a unit that keeps failing is retried at this many polls, then dropped
THAI_MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")


def _bangkok():
    try:
        from zoneinfo import ZoneInfo
        return ZoneInfo("Asia/Bangkok")
    except Exception:  # noqa: BLE001 - no tz database: Thailand keeps UTC+7 all year
        return timezone(timedelta(hours=7), "ICT")


def thai_time(ts: float) -> str:
    """Asia/Bangkok with the Buddhist Era year: ``1 ธ.ค. 2569 20:41``."""
    t = datetime.fromtimestamp(ts, _bangkok())
    return f"{t.day} {THAI_MONTHS[t.month - 1]} {t.year + 543} {t:%H:%M}"


@dataclass
class Recalculated:
    time: float
    code: str
    key: str
    cells: int
    totals: dict


@dataclass
class Failed:
    time: float
    code: str
    key: str
    th: str
    en: str
    dropped: bool = False   # retried RETRIES times: no more attempts until the next edit


@dataclass
class Poll:
    time: float
    requests: int = 0          # changes.list pages (each page is one request)
    changes: int = 0           # changes listed, all files
    own: int = 0               # changes that were our own writes (ignored)
    edited: list[str] = field(default_factory=list)     # unit codes a person edited
    recalculated: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


@dataclass
class WatchReport:
    state_file: Path
    token: str = ""
    polls: list[Poll] = field(default_factory=list)
    recalculated: list[Recalculated] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    pending: dict[str, int] = field(default_factory=dict)   # key -> failed attempts, still owed
    interrupted: bool = False


# -- the state on disk -----------------------------------------------------------------------
def default_state_file(units) -> Path:
    if isinstance(units, (str, Path)):
        return Path(units).parent / STATE_NAME
    source = next((u.source for u in units if u.source is not None), None)
    return (Path(source).parent if source else Path.cwd()) / STATE_NAME


def load_state(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (ValueError, UnicodeDecodeError, OSError) as e:
        raise SheetsSyncError(f"อ่านไฟล์สถานะ {path} ไม่ได้ ({e}): ลบไฟล์เพื่อเริ่มใหม่จากตอนนี้",
                              f"cannot read the watch state {path} ({e}): delete it to start afresh from now") from None
    if not isinstance(data, dict) or not isinstance(data.get("pageToken"), str):
        raise SheetsSyncError(f"ไฟล์สถานะ {path} ไม่มี pageToken: ลบไฟล์เพื่อเริ่มใหม่จากตอนนี้",
                              f"the watch state {path} has no pageToken: delete it to start afresh from now")
    return data


def save_state(path: Path, token: str, pending: dict[str, int], account: str) -> None:
    from ..backends.files import write_atomic
    body = {"pageToken": token, "pending": pending, "account": account}
    write_atomic(path, (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode())


# -- Drive -----------------------------------------------------------------------------------
def _get(client, params: dict | None, url: str = CHANGES_URL) -> dict:
    from ..backends.google.book import call
    return call(client, "Drive changes", client.http_client.request, "get", url, params=params).json()


def start_token(client) -> str:
    return str(_get(client, {"supportsAllDrives": "true"}, CHANGES_URL + "/startPageToken")["startPageToken"])


def list_changes(client, token: str) -> tuple[list[dict], str, int]:
    """Every change since ``token``: (changes, the next start token, requests made).

    Pages count as requests: a feed of more than PAGE_SIZE changed files takes one request
    per page (following nextPageToken until Drive gives newStartPageToken)."""
    changes, pages = [], 0
    while True:
        page = _get(client, {"pageToken": token, "pageSize": PAGE_SIZE, "fields": CHANGES_FIELDS,
                             "includeRemoved": "false", "supportsAllDrives": "true",
                             "includeItemsFromAllDrives": "true"})
        pages += 1
        changes += page.get("changes") or []
        if page.get("newStartPageToken"):
            return changes, str(page["newStartPageToken"]), pages
        if not page.get("nextPageToken"):
            raise SheetsSyncError("Google Drive ตอบรายการเปลี่ยนแปลงโดยไม่มีโทเค็นถัดไป",
                                  "Google Drive answered a changes page with neither nextPageToken nor "
                                  "newStartPageToken")
        token = str(page["nextPageToken"])


def _edited_by(change: dict) -> str:
    return (((change.get("file") or {}).get("lastModifyingUser") or {}).get("emailAddress") or "").lower()


# -- one line per event ----------------------------------------------------------------------
def totals_text(totals: dict) -> str:
    if "weighted_score" in totals:
        out = (f"คะแนนถ่วงน้ำหนักรวม / total weighted score {totals.get('weighted_score') or 0:.3f}, "
               f"ร้อยละ / percentage {totals.get('percentage') or 0:.2f}")
        if totals.get("indicators"):
            out += f", รายงานแล้ว / reported {totals.get('reported', 0)}/{totals['indicators']}"
        return out
    return ", ".join(f"{k} {v}" for k, v in totals.items() if isinstance(v, (int, float, str)) and v != "") or "-"


def recalc_line(r: Recalculated, name: str) -> str:
    return (f"{thai_time(r.time)}  {r.code} {name}: เขียน {r.cells} ช่อง / {r.cells} cells written; "
            f"{totals_text(r.totals)}")


def failed_line(f: Failed) -> str:
    tail = (f" (ลองแล้ว {RETRIES} ครั้ง รอการแก้ไขครั้งถัดไป / tried {RETRIES} times: waits for the next edit)"
            if f.dropped else " (จะลองใหม่รอบถัดไป / retried at the next poll)")
    return f"{thai_time(f.time)}  {f.code}: คำนวณใหม่ไม่สำเร็จ: {f.th} / recalculation failed: {f.en}{tail}"


# -- the loop ------------------------------------------------------------------------------
class _Registry:
    """The registry's Google units by spreadsheet key; units.yaml is read again when it
    changes on disk, so a unit added meanwhile is watched from the next poll."""

    def __init__(self, units, on_event: Callable):
        self.source = Path(units) if isinstance(units, (str, Path)) else None
        self.on_event, self.stamp, self.by_key = on_event, None, {}
        if self.source is None:
            self.by_key = _google(units)
        self.refresh(first=True)

    def refresh(self, first: bool = False) -> None:
        if self.source is None:
            return
        stamp = self.source.stat().st_mtime_ns if self.source.exists() else None
        if stamp == self.stamp and not first:
            return
        try:
            self.by_key = _google(load_units(self.source))
        except SheetsSyncError as e:
            if first:
                raise
            self.on_event(f"อ่านทะเบียนหน่วยงานไม่ได้ ใช้รายการเดิม: {e.th} / cannot read the registry, "
                          f"keeping the previous one: {e.en}")
        self.stamp = stamp


def _google(units: list[Unit]) -> dict[str, Unit]:
    from ..backends.google.book import spreadsheet_key
    out = {}
    for u in units:
        key = spreadsheet_key(u.sheet) if u.is_google and u.sheet != "new" else None
        if key:
            out[key] = u
    return out


def watch(units: str | Path | list[Unit], *, interval: float = 30.0, state_file: str | Path | None = None,
          credentials: str | Path | None = None, polls: int | None = None, clock: Callable[[], float] = time.time,
          sleep: Callable[[float], None] = time.sleep, on_event: Callable[[str], None] = print,
          quotas=None, client=None, **google) -> WatchReport:
    """Follow Drive's changes feed and recalculate every unit spreadsheet a person edited.

    ``polls``: stop after that many changes.list polls (None: until Ctrl-C; 0: only record
    where the feed stands now). ``clock``/``sleep`` are injectable (tests pass fakes).
    ``google``: endpoint, allow_remote_endpoint, retry, authorized_user (as for recalc).
    """
    from ..workbook.recalc import recalc
    registry = _Registry(units, on_event)
    path = Path(state_file) if state_file else default_state_file(units)
    report = WatchReport(path)
    if client is None:
        from ..backends.google.client import make_client
        from ..backends.google.ratelimit import RateLimiter
        # one client, so one limiter, for the feed and every recalc
        client = make_client(credentials, limiter=RateLimiter(quotas), **google)
    own = {str(getattr(client, "account", "")).lower()} - {""}
    account = ", ".join(sorted(own))
    saved = load_state(path)
    pending: dict[str, int] = {str(k): int(v) for k, v in (saved.get("pending") or {}).items()}
    report.pending = pending
    token = saved.get("pageToken", "")
    try:
        if not token:
            # first start: the feed from now on (edits made before are not this run's business)
            token = start_token(client)
            save_state(path, token, pending, account)
            on_event(f"{thai_time(clock())}  เริ่มติดตาม {len(registry.by_key)} หน่วยงานบน Google / watching "
                     f"{len(registry.by_key)} Google units; state in {path}")
            first_at = clock() + interval
        else:
            first_at = clock()      # a restart: catch up at once with what changed while stopped
        report.token = token
        n, next_at = 0, first_at
        while polls is None or n < polls:
            wait = next_at - clock()
            if wait > 0:
                sleep(wait)
            started = clock()
            next_at = started + interval
            n += 1
            token = _poll(client, registry, token, pending, own, path, account, report, started, clock,
                          on_event, recalc)
            report.token = token
    except KeyboardInterrupt:
        report.interrupted = True
        try:
            save_state(path, token, pending, account)
        finally:
            owed = f"; ค้างคำนวณ / still owed: {len(pending)}" if pending else ""
            on_event(f"{thai_time(clock())}  หยุดติดตามแล้ว / watch stopped (Ctrl-C): page token kept in {path}{owed}")
    return report


def _poll(client, registry: _Registry, token: str, pending: dict[str, int], own: set[str], path: Path,
          account: str, report: WatchReport, started: float, clock, on_event, recalc) -> str:
    poll = Poll(started)
    report.polls.append(poll)
    registry.refresh()
    try:
        changes, new_token, poll.requests = list_changes(client, token)
    except SheetsSyncError as e:
        # the feed itself failed (after retries): keep the token, try again at the next poll
        on_event(f"{thai_time(clock())}  อ่านรายการเปลี่ยนแปลงของ Google Drive ไม่ได้: {e.th} / "
                 f"cannot read Google Drive's changes: {e.en} (retried at the next poll)")
        return token
    poll.changes = len(changes)
    for ch in changes:
        key = ch.get("fileId") or (ch.get("file") or {}).get("id")
        if ch.get("removed") or key not in registry.by_key:
            continue
        if _edited_by(ch) in own:
            poll.own += 1       # our own recalc's write: never a reason to recalculate
            continue
        if key not in pending:
            pending[key] = 0    # debounce: many changes to one unit are one entry
            poll.edited.append(registry.by_key[key].code)
    # the new position and what it owes are on disk before anything is written
    save_state(path, new_token, pending, account)
    for key in list(pending):
        unit = registry.by_key.get(key)
        if unit is None:
            del pending[key]    # left the registry meanwhile
            continue
        try:
            res = recalc(key, client=client)
        except KeyboardInterrupt:
            raise
        except Exception as e:  # noqa: BLE001 - one broken unit never stops the others
            th, en = (e.th, e.en) if isinstance(e, SheetsSyncError) else (f"{type(e).__name__}: {e}",) * 2
            pending[key] += 1
            fail = Failed(clock(), unit.code, key, th, en, dropped=pending[key] >= RETRIES)
            if fail.dropped:
                del pending[key]
            report.failed.append(fail)
            poll.failed.append(unit.code)
            on_event(failed_line(fail))
        else:
            del pending[key]
            totals = res.sheets[0].totals if res.sheets else {}
            done = Recalculated(clock(), unit.code, key, res.changed_cells, totals)
            report.recalculated.append(done)
            poll.recalculated.append(unit.code)
            on_event(recalc_line(done, unit.name))
        save_state(path, new_token, pending, account)
    return new_token
