"""Cell values: how a typed or RAW value becomes CellData, and how CellData renders back."""
from __future__ import annotations

import re

_ASCII_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$", re.ASCII)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def format_number(value: float, pattern: str | None) -> str:
    """Just enough of Sheets' number formats for the patterns this project writes."""
    if pattern and "." in pattern and set(pattern.split(".")[-1].split(";")[0]) <= {"0", "#"}:
        decimals = len(pattern.split(".")[-1].split(";")[0])
        return f"{value:.{decimals}f}"
    if pattern and pattern.split(";")[0].strip() == "0":
        return f"{value:.0f}"
    if pattern and pattern.startswith('"'):
        return pattern.split(";")[0].strip('"')
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


def typed(value) -> dict:
    if isinstance(value, bool):
        return {"boolValue": value}
    if _is_number(value):
        return {"numberValue": value}
    return {"stringValue": "" if value is None else str(value)}


def user_entered(value) -> dict:
    """valueInputOption=USER_ENTERED: formulas and numbers are parsed, as a person typing."""
    if isinstance(value, str):
        if value.startswith("="):
            return {"formulaValue": value}
        # Only ASCII numerals: Python's int() would also take Thai digits, Sheets (en_US) does not.
        if _ASCII_NUMBER.match(value.strip()):
            v = value.strip()
            return {"numberValue": float(v) if any(ch in v for ch in ".eE") else int(v)}
        if value.upper() in ("TRUE", "FALSE"):
            return {"boolValue": value.upper() == "TRUE"}
    return typed(value)


def make_cell(uev: dict, fmt: dict | None = None, note: str | None = None) -> dict:
    cell: dict = {}
    if uev:
        cell["userEnteredValue"] = uev
        if "formulaValue" not in uev:
            cell["effectiveValue"] = dict(uev)
            cell["formattedValue"] = formatted(uev, fmt)
    if fmt:
        cell["userEnteredFormat"] = fmt
    if note:
        cell["note"] = note
    return cell


def formatted(uev: dict, fmt: dict | None) -> str:
    pattern = ((fmt or {}).get("numberFormat") or {}).get("pattern")
    if "numberValue" in uev:
        return format_number(uev["numberValue"], pattern)
    if "boolValue" in uev:
        return "TRUE" if uev["boolValue"] else "FALSE"
    s = uev.get("stringValue", "")
    if pattern and pattern.count(";") == 3:
        text = pattern.split(";")[3]
        return text.replace("@", s).strip('"') if text else s
    return s


def rendered(cell: dict | None, option: str):
    if not cell or "userEnteredValue" not in cell:
        return ""
    uev = cell["userEnteredValue"]
    if option == "FORMULA" and "formulaValue" in uev:
        return uev["formulaValue"]
    if "formulaValue" in uev:
        return "" if option != "FORMATTED_VALUE" else "#NAME?"  # no formula engine here
    if option == "FORMATTED_VALUE":
        return cell.get("formattedValue", "")
    return next(iter(cell["effectiveValue"].values()))


def fresh_cell(value, raw: bool) -> dict:
    """make_cell(typed(value)) / make_cell(user_entered(value)) for a cell with no format: the
    values API's hot path (a 100k-row write makes millions of these)."""
    cls = value.__class__
    if cls is str and (raw or not (value[:1] == "=" or _ASCII_NUMBER.match(value.strip())
                                   or value.upper() in ("TRUE", "FALSE"))):
        return {"userEnteredValue": {"stringValue": value}, "effectiveValue": {"stringValue": value},
                "formattedValue": value}
    if cls is int and -10**15 < value < 10**15:
        return {"userEnteredValue": {"numberValue": value}, "effectiveValue": {"numberValue": value},
                "formattedValue": str(value)}
    return make_cell(typed(value) if raw else user_entered(value))
