"""``sheets-sync`` command line: each command calls the sheets_sync function of the same
name (sqlite-utils style), grouped by what it works on."""
from .base import app
# importing a module registers its commands, in the order `--help` lists them
from . import unit_commands  # noqa: F401,E402,I001
from . import ministry_commands  # noqa: F401,E402,I001
from . import report_commands  # noqa: F401,E402,I001
from . import server_commands  # noqa: F401,E402,I001


def main() -> None:  # console-script entry point
    app()
