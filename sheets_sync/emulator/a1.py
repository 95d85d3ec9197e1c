"""A1 notation for the emulator: parse ranges the way the Sheets API accepts them."""
from __future__ import annotations

import re

from openpyxl.utils.cell import column_index_from_string, get_column_letter

_PART = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d*)$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def quote_title(title: str) -> str:
    if _PLAIN_TITLE.match(title) and not re.match(r"^[A-Za-z]{1,3}\d+$", title):
        return title
    return "'" + title.replace("'", "''") + "'"


def split_range(rng: str) -> tuple[str | None, str]:
    """'Sheet 1'!A1:B2 -> ('Sheet 1', 'A1:B2'); 'Sheet1' -> ('Sheet1', ''); 'A1:B2' -> (None, 'A1:B2')."""
    if rng.startswith("'"):
        i, title = 1, []
        while i < len(rng):
            if rng[i] == "'" and rng[i + 1:i + 2] == "'":
                title.append("'")
                i += 2
            elif rng[i] == "'":
                break
            else:
                title.append(rng[i])
                i += 1
        rest = rng[i + 1:]
        return "".join(title), rest[1:] if rest.startswith("!") else rest
    if "!" in rng:
        t, _, cells = rng.rpartition("!")
        return t, cells
    return None, rng


def parse_cells(cells: str, rows: int, cols: int) -> tuple[int, int, int, int]:
    """A1 part -> 0-based (row0, col0, row1, col1) with exclusive ends, open ends = grid edge."""
    if cells == "":
        return 0, 0, rows, cols
    a, _, b = cells.partition(":")
    m1, m2 = _PART.match(a), _PART.match(b or a)
    if not m1 or not m2 or (not any(m1.groups())):
        raise ValueError(cells)
    c0 = column_index_from_string(m1.group(1).upper()) - 1 if m1.group(1) else 0
    r0 = int(m1.group(2)) - 1 if m1.group(2) else 0
    c1 = column_index_from_string(m2.group(1).upper()) if m2.group(1) else cols
    r1 = int(m2.group(2)) if m2.group(2) else rows
    if r1 <= r0:  # 'D4:A1' is the same range as 'A1:D4'
        r0, r1 = r1 - 1, r0 + 1
    if c1 <= c0:
        c0, c1 = c1 - 1, c0 + 1
    return r0, c0, r1, c1


def format_range(title: str, r0: int, c0: int, r1: int, c1: int) -> str:
    start = f"{get_column_letter(c0 + 1)}{r0 + 1}"
    end = f"{get_column_letter(c1)}{r1}"
    return f"{quote_title(title)}!{start}" + (f":{end}" if (r1 - r0, c1 - c0) != (1, 1) else "")
