"""``python -m xl_addin [--host H] [--port P] [--certfile F --keyfile K]``: the same server as
``sheets-sync serve``, for PCs and containers without the CLI."""
from __future__ import annotations

import argparse
import sys

import xl_addin  # sets the xlwings licence key before anything imports xlwings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m xl_addin", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--certfile", default=None, help="TLS certificate (PEM) for HTTPS")
    parser.add_argument("--keyfile", default=None, help="TLS private key (PEM) for HTTPS")
    args = parser.parse_args(argv)
    from sheets_sync import SheetsSyncError
    try:
        xl_addin.serve(args.host, args.port, certfile=args.certfile, keyfile=args.keyfile)
    except SheetsSyncError as e:
        print(f"{e.th}\n{e.en}", file=sys.stderr)
        return e.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
