"""sheets-sync for Excel (xlwings): the Recalculate / Validate ribbon buttons, UDFs, and the
server (``serve``) that speaks xlwings Server's protocol to Excel (VBA ``RunServerPython``),
Excel on the web (Office.js) and Google Sheets (Apps Script).

The ribbon add-in built by ``sheets-sync excel-addin build`` is named xl_addin.xlam
(its VBA: ``addin_vba``, written by ``vba_project``); with local Python its buttons run
``import xl_addin; xl_addin.main()`` / ``main_validate()``, without it they post to ``serve``.
"""
import os as _os

# xlwings registers its remote engine (``xw.Book(json=...)``) only when it is first imported,
# and only if a licence key is set by then. Its remote engine is licensed under PolyForm
# Noncommercial 1.0.0, which permits use by government institutions; a deployment with a
# commercial key sets its own. This must run before anything below imports xlwings.
_os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

from xl_addin.versions import XLWINGS_VERSION  # noqa: E402
from xl_addin.macros import recalculate, validate  # noqa: E402


def main(book=None):
    """What the ribbon's Recalculate button runs."""
    return recalculate(book)


def main_validate(book=None):
    """What the ribbon's Validate button runs."""
    return validate(book)


def serve(host: str = "127.0.0.1", port: int = 8000, certfile=None, keyfile=None, **uvicorn_options):
    """Run the server (what ``sheets-sync serve`` calls); see xl_addin.server."""
    from xl_addin.server import serve as _serve
    return _serve(host, port, certfile=certfile, keyfile=keyfile, **uvicorn_options)


__all__ = ["main", "main_validate", "recalculate", "validate", "serve", "XLWINGS_VERSION"]
