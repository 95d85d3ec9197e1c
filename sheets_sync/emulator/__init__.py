"""A loopback emulator of the Google Sheets v4 / Drive v3 / OAuth2 token endpoints.

State model (state.py, requests_.py) is kept apart from the HTTP layer (server.py),
so it can be driven directly in tests and served over real sockets to gspread.
"""
from .server import Emulator
from .errors import ApiError
from .state import EmulatorState

__all__ = ["Emulator", "EmulatorState", "ApiError"]
