"""spreadsheets.batchUpdate request kinds the emulator understands, and their dispatch.

Each handler ``(state, ss, args, i, caller) -> reply`` mutates the spreadsheet in place through
the model (``Sheet.put`` and attribute changes); the caller (sheets_api.batch_update) holds a
``model.Journal`` open and rolls everything back if any request of the batch fails.
"""
from __future__ import annotations

from .batch_cells import HANDLERS as _CELLS
from .batch_meta import HANDLERS as _META
from .batch_sheets import HANDLERS as _SHEETS
from .errors import ApiError, invalid

HANDLERS = {**_CELLS, **_SHEETS, **_META}


def apply_request(state, ss, kind: str, args: dict, i: int, caller: str) -> dict:
    handler = HANDLERS.get(kind)
    if handler is None:
        raise invalid(f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{i}]': Cannot find field.")
    try:
        return handler(state, ss, args, i, caller)
    except (KeyError, TypeError) as e:
        raise invalid(f"Invalid requests[{i}].{kind}: missing or malformed field {e}") from None
    except ApiError:
        raise
