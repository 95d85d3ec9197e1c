"""Drive v3 operations on the state: files (create, get, list, delete), permissions and the
changes feed, with Drive's own error shape and the ``drive.file`` visibility model.

drive.file model (``state.drive_file_model = True``; off by default): a token whose only Drive
scope is drive.file sees just the files its account created through the API or opened with the
app (``state.open_with_app(file_id, email)``); others answer 404 notFound as on Google.
"""
from __future__ import annotations

import hashlib
import secrets

from .auth import DRIVE_FILE
from .errors import drive_forbidden, drive_invalid, drive_not_found, invalid
from .fields import filter_fields
from .model import SPREADSHEET_MIME, Spreadsheet, now_rfc3339

_BROAD = {"drive", "drive.readonly", "drive.metadata", "drive.metadata.readonly"}


def _user(email: str, caller: str | None) -> dict:
    return {"kind": "drive#user", "displayName": email.split("@")[0], "me": email == caller,
            "permissionId": str(int(hashlib.sha1(email.encode()).hexdigest()[:15], 16)), "emailAddress": email}


class DriveMixin:
    def _init_drive(self) -> None:
        self.drive_file_model = False
        self.change_seq = 1
        self.changes: list[dict] = []

    # -- bookkeeping every write goes through -------------------------------------------------
    def _record_change(self, ss: Spreadsheet, removed: bool = False) -> None:
        audience = {ss.owner, *ss.permissions, *ss.opened_by}
        self.changes.append({"seq": self.change_seq, "fileId": ss.id, "removed": removed, "time": now_rfc3339(),
                             "audience": audience})
        self.change_seq += 1

    def _modified(self, ss: Spreadsheet, caller: str | None) -> None:
        ss.modified = now_rfc3339()
        ss.last_modifier = caller or ss.owner
        ss.version += 1
        self._record_change(ss)

    def open_with_app(self, file_id: str, email: str) -> None:
        """The account opened the file with the app (Picker / 'Open with'): drive.file now covers it."""
        with self.lock:
            self.spreadsheets[file_id].opened_by.add(email)

    def _visible(self, ss: Spreadsheet | None, caller: str | None, scopes) -> bool:
        if ss is None or ss.role(caller) is None:
            return False
        if self.drive_file_model and scopes is not None and _only_drive_file(scopes):
            return caller in ss.opened_by
        return True

    def _file(self, ss: Spreadsheet, caller: str | None) -> dict:
        owner = _user(ss.owner, caller)
        return {"kind": "drive#file", "id": ss.id, "name": ss.title, "mimeType": SPREADSHEET_MIME,
                "trashed": False, "version": str(ss.version), "createdTime": ss.created, "modifiedTime": ss.modified,
                "lastModifyingUser": _user(ss.last_modifier or ss.owner, caller), "owners": [owner],
                "ownedByMe": ss.owner == caller,
                "webViewLink": f"https://docs.google.com/spreadsheets/d/{ss.id}/edit?usp=drivesdk"}

    @staticmethod
    def _mask(resource: dict, fields: str | None, default: tuple) -> dict:
        if fields:
            return filter_fields(resource, fields)
        return {k: resource[k] for k in default if k in resource}

    def _drive_file(self, caller, fid, scopes=None) -> Spreadsheet:
        ss = self.spreadsheets.get(fid)
        if not self._visible(ss, caller, scopes):
            raise drive_not_found(fid)
        return ss

    # -- files ----------------------------------------------------------------------------------
    def drive_create(self, caller: str, body: dict, fields: str | None = None) -> dict:
        with self.lock:
            if body.get("mimeType") != SPREADSHEET_MIME:
                raise drive_invalid("Only Google Sheets files are emulated")
            ss = self.create_spreadsheet(body.get("name", "Untitled spreadsheet"), caller)
            return self._mask(self._file(ss, caller), fields, ("kind", "id", "name", "mimeType"))

    def drive_get(self, caller: str, fid: str, fields: str | None = None, scopes=None) -> dict:
        with self.lock:
            ss = self._drive_file(caller, fid, scopes)
            return self._mask(self._file(ss, caller), fields, ("kind", "id", "name", "mimeType"))

    def drive_list(self, caller: str, q: str = "", fields: str | None = None, scopes=None,
                   page_size: int = 100, page_token: str | None = None) -> dict:
        with self.lock:
            terms = _parse_q(q)
            files = [self._file(ss, caller) for ss in self.spreadsheets.values()
                     if self._visible(ss, caller, scopes) and all(_term_ok(ss, t) for t in terms)]
            start = int(page_token) if page_token and page_token.isdigit() else 0
            page = files[start:start + page_size]
            out: dict = {"kind": "drive#fileList", "incompleteSearch": False}
            if start + page_size < len(files):
                out["nextPageToken"] = str(start + page_size)
            if fields:
                return filter_fields({**out, "files": page}, fields)
            out["files"] = [self._mask(f, None, ("kind", "id", "name", "mimeType")) for f in page]
            return out

    def drive_delete(self, caller: str, fid: str, scopes=None) -> None:
        with self.lock:
            ss = self._drive_file(caller, fid, scopes)
            if ss.role(caller) != "owner":
                raise drive_forbidden()
            self._record_change(ss, removed=True)
            del self.spreadsheets[fid]

    def drive_share(self, caller: str, fid: str, body: dict, scopes=None) -> dict:
        with self.lock:
            ss = self._drive_file(caller, fid, scopes)
            if ss.role(caller) not in ("owner", "writer"):
                raise drive_forbidden()
            who = body.get("emailAddress") or ("anyone" if body.get("type") == "anyone" else body.get("domain"))
            if not who or body.get("role") not in ("reader", "commenter", "writer", "owner"):
                raise invalid("Bad permission: emailAddress and role are required")
            ss.permissions[who] = "reader" if body["role"] == "commenter" else body["role"]
            self._record_change(ss)
            return {"kind": "drive#permission", "id": secrets.token_hex(8), "type": body.get("type", "user"),
                    "role": body["role"]}

    # -- changes --------------------------------------------------------------------------------
    def changes_start_page_token(self, caller: str) -> dict:
        with self.lock:
            return {"kind": "drive#startPageToken", "startPageToken": str(self.change_seq)}

    def changes_list(self, caller: str, page_token: str | None, page_size: int = 100, fields: str | None = None,
                     include_removed: bool = True, scopes=None) -> dict:
        with self.lock:
            if not page_token or not page_token.isdigit() or int(page_token) < 1:
                raise drive_invalid("Invalid Value", "pageToken")
            if not 1 <= page_size <= 1000:
                raise drive_invalid(f"Invalid value '{page_size}'. Values must be within the range: [1, 1000]",
                                    "pageSize")
            start = int(page_token)
            latest: dict[str, dict] = {}
            for ch in self.changes:  # one change per file: its latest state
                if ch["seq"] >= start:
                    latest.pop(ch["fileId"], None)
                    latest[ch["fileId"]] = ch
            visible = []
            for ch in sorted(latest.values(), key=lambda c: c["seq"]):
                ss = self.spreadsheets.get(ch["fileId"])
                if ss is None or ch["removed"]:
                    if include_removed and caller in ch["audience"]:
                        visible.append({"kind": "drive#change", "removed": True, "fileId": ch["fileId"],
                                        "time": ch["time"], "type": "file", "changeType": "file", "_seq": ch["seq"]})
                    continue
                if self._visible(ss, caller, scopes):
                    visible.append({"kind": "drive#change", "removed": False, "fileId": ss.id, "time": ch["time"],
                                    "type": "file", "changeType": "file", "file": self._file(ss, caller),
                                    "_seq": ch["seq"]})
            page, rest = visible[:page_size], visible[page_size:]
            out: dict = {"kind": "drive#changeList"}
            if rest:
                out["nextPageToken"] = str(rest[0]["_seq"])
            else:
                out["newStartPageToken"] = str(self.change_seq)
            for ch in page:
                ch.pop("_seq", None)
                if not fields and "file" in ch:
                    ch["file"] = {k: ch["file"][k] for k in ("kind", "id", "name", "mimeType")}
            out["changes"] = page
            return filter_fields(out, fields) if fields else out


def _only_drive_file(scopes) -> bool:
    drive = {s.rsplit("/", 1)[-1] for s in scopes if "/auth/drive" in s}
    return DRIVE_FILE.rsplit("/", 1)[-1] in drive and not drive & _BROAD


def _parse_q(q: str) -> list[tuple[str, str, str]]:
    terms = []
    for part in q.split(" and "):
        part = part.strip()
        for op in ("!=", "=", " contains "):
            if op in part:
                k, _, v = part.partition(op)
                v = v.strip()
                if v[:1] in "'\"":
                    v = v[1:-1].replace("\\'", "'").replace('\\"', '"')
                terms.append((k.strip(), op.strip(), v))
                break
    return terms


def _term_ok(ss: Spreadsheet, term) -> bool:
    key, op, value = term
    actual = {"name": ss.title, "mimeType": SPREADSHEET_MIME, "trashed": "false"}.get(key)
    if actual is None:
        return True  # terms the emulator does not model ('x' in parents...) select everything
    if op == "contains":
        return value in actual
    return (actual == value) == (op == "=")
