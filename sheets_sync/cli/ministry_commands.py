"""Commands over every unit: demo, provision, push-template, consolidate, watch."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

import sheets_sync as ss

from ..cli_output import outcome_table as _outcome_table, push_diff_tables, \
    summary_table
from .base import (ALLOW_REMOTE, CREDENTIALS, ENDPOINT, FORCE, _book_options, _google, _is_google,
                   _print_json, _watched, app, console, err, friendly)
from rich.progress import Progress

from ..ministry.units import load_units


@app.command()
@friendly
def demo(out: Path = typer.Option(Path("sheets-sync-demo"), "--out", help="folder for the demo workbooks"),
         force: bool = typer.Option(False, "--force", help="overwrite a non-empty folder that is not a previous demo")):
    """Create unit workbooks from seed-like data, type results, recalculate, show totals."""
    from ..cli_output import show_demo
    _watched.watch(out)
    units, summary = ss.demo(out, force=force)
    show_demo(units, summary, out, console)


def _over_units(fn, units_file, **kwargs):
    units = load_units(units_file)
    _watched.watch(units_file, *(u.path if u.path is not None else (None if u.sheet == "new" else u.sheet) for u in units))
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("หน่วยงาน / units", total=len(units))
        return fn(units, progress=lambda u: bar.advance(task), **kwargs)


@app.command()
@friendly
def provision(units: Path = typer.Option(..., "--units", help="units.yaml"),
              template: Path = typer.Option(..., "--template", help="canonical definition (.yaml or indicator .csv)"),
              period: Optional[str] = typer.Option(None, "--period", help="quarter/year for the titles, e.g. 2/2567"),
              credentials: Optional[Path] = CREDENTIALS, endpoint: Optional[str] = ENDPOINT,
              allow_remote_endpoint: bool = ALLOW_REMOTE):
    """Create every missing unit sheet, leave existing ones alone; a `sheet: new` unit's key goes into units.yaml."""
    out = _over_units(ss.provision, units, template=template, period=period,
                      **_google(credentials, endpoint, allow_remote_endpoint))
    console.print(_outcome_table(out, "provision"))
    raise typer.Exit(2 if any(o.status == "failed" or o.error for o in out) else 0)


@app.command("push-template")
@friendly
def push_template(units: Path = typer.Option(..., "--units", help="units.yaml"),
                  template: Path = typer.Option(..., "--template", help="canonical definition (.yaml or .csv)"),
                  dry_run: bool = typer.Option(False, "--dry-run", help="show the per-unit diff, write nothing"),
                  as_json: bool = typer.Option(False, "--json", help="print the per-unit outcome and diff as JSON"),
                  force: bool = FORCE,
                  allow_older: bool = typer.Option(False, "--allow-older",
                                                   help="push even onto sheets at a newer template version"),
                  credentials: Optional[Path] = CREDENTIALS, endpoint: Optional[str] = ENDPOINT,
                  allow_remote_endpoint: bool = ALLOW_REMOTE):
    """Bring every unit sheet to the canonical template; unit-owned cells never change."""
    out = _over_units(ss.push_template, units, template=template, dry_run=dry_run, force=force,
                      allow_older=allow_older,
                      **_google(credentials, endpoint, allow_remote_endpoint))
    if as_json:
        _print_json({"dry_run": dry_run, "units": [o.to_dict() for o in out]})
    else:
        console.print(_outcome_table(out, "push-template" + (" (dry run: nothing written)" if dry_run else "")))
        for t in push_diff_tables(out):
            console.print(t)
    raise typer.Exit(2 if any(o.status == "failed" for o in out) else 0)


@app.command()
@friendly
def consolidate(units: Path = typer.Option(..., "--units", help="units.yaml"),
                out: str = typer.Option(..., "--out", help="summary .xlsx path or Google spreadsheet URL/key"),
                period: str = typer.Option("", "--period", help="the round, e.g. 2/2567: units of another round are "
                                           "listed, not summed, and the round is kept in the history database"),
                history_db: Optional[str] = typer.Option(None, "--history-db", help="SQLAlchemy URL or SQLite file "
                                                         "(default: sheets-sync-history.sqlite in the summary's folder)"),
                publish: bool = typer.Option(False, "--publish", help="write a read-only overview into each unit"),
                reads_per_minute: int = typer.Option(60, "--rpm", help="Sheets reads per minute per account"),
                workers: int = typer.Option(8, "--workers", help="units read at once"),
                credentials: list[Path] = typer.Option([], "--credentials", envvar="SHEETS_SYNC_CREDENTIALS",
                                                       help="service account(s); several spread the quota"),
                endpoint: Optional[str] = ENDPOINT, allow_remote_endpoint: bool = ALLOW_REMOTE):
    """Collect every unit's sheet into the ministry summary (exit 2 when some unit is missing)."""
    from ..ministry.consolidate import consolidate as run
    from ..backends.google.ratelimit import Quotas
    unit_list = load_units(units)
    _watched.watch(out, Path(out).parent / "summary-history" if not _is_google(out) else None,
           *((u.path if u.path is not None else u.sheet for u in unit_list if u.sheet != "new") if publish else ()))
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("อ่านหน่วยงาน / reading units", total=len(unit_list))
        result = run(unit_list, out, period=period, publish=publish, credentials=list(credentials) or None,
                     workers=workers, quotas=Quotas(reads_per_minute=reads_per_minute), endpoint=endpoint,
                     progress=lambda u: bar.advance(task), allow_remote_endpoint=allow_remote_endpoint,
                     history_db=history_db)
    s = result.summary
    console.print(summary_table(s, period))
    for rec in s.missing.itertuples(index=False):
        err.print(f"[red]ขาด / missing:[/] {rec[0]} {rec[1]}: {rec[2]}", highlight=False)
    for u in s.units:     # a workbook of several rounds: the tab the round was read from
        if period and u.result is not None and any(str(k).endswith(":tab") for k in u.meta if str(k).startswith("round:")):
            console.print(f"{u.code}: รอบ {period} อ่านจากแผ่นงาน / round {period} read from tab {u.result.sheet}",
                          highlight=False)
    console.print(f"สรุปอยู่ที่ / summary: [bold]{result.out}[/]" +
                  (f" (ฉบับก่อนหน้า / previous: {result.history})" if result.history else ""), highlight=False)
    if result.published:
        console.print(f"เผยแพร่แล้ว / published to: {', '.join(result.published)}")
    raise typer.Exit(result.exit_code)




@app.command()
@friendly
def watch(units: Path = typer.Option(..., "--units", help="units.yaml"),
          interval: float = typer.Option(30.0, "--interval", help="seconds between two looks at Drive's changes"),
          state: Optional[Path] = typer.Option(None, "--state", help="where the page token is kept "
                                               "(default: .sheets-sync-watch.json beside units.yaml)"),
          rpm: int = typer.Option(60, "--rpm", help="Sheets reads per minute allowed to this account"),
          credentials: Optional[Path] = CREDENTIALS, endpoint: Optional[str] = ENDPOINT,
          allow_remote_endpoint: bool = ALLOW_REMOTE):
    """Recalculate each unit spreadsheet a person edits, following Drive's changes feed (Ctrl-C stops)."""
    from ..backends.google.ratelimit import Quotas
    from ..ministry.watch import watch as run
    run(units, interval=interval, state_file=state, credentials=credentials, endpoint=endpoint,
        allow_remote_endpoint=allow_remote_endpoint, quotas=Quotas(reads_per_minute=rpm),
        on_event=lambda line: console.print(line, highlight=False))


PERIOD = typer.Option(..., "--period", help="the round, e.g. 2/2567, 6m/2567, 2567")
MINISTRY = typer.Option([], "--ministry", help="e-mail besides the service account that may edit a locked "
                        "Google round (repeat for several)")


@app.command("new-round")
@friendly
def new_round(units: Path = typer.Option(..., "--units", help="units.yaml"),
              template: Path = typer.Option(..., "--template", help="the ministry's canonical definition (ministry.yaml)"),
              period: str = PERIOD,
              carry: str = typer.Option("results", "--carry", help="results (cumulative indicators carry on) or none"),
              into: str = typer.Option("tabs", "--into", help="tabs: new tabs in each unit's workbook (default); "
                                       "files: a new .xlsx per unit"),
              out_dir: Optional[Path] = typer.Option(None, "--out-dir", help="folder for the new round's files"),
              password: Optional[str] = typer.Option(None, "--password", envvar="SHEETS_SYNC_LOCK_PASSWORD",
                                                     help="locks the previous round's tab"),
              ministry: list[str] = MINISTRY, credentials: Optional[Path] = CREDENTIALS,
              endpoint: Optional[str] = ENDPOINT, allow_remote_endpoint: bool = ALLOW_REMOTE):
    """Start the next round for every unit from the canonical template (new tabs, or new files)."""
    from ..ministry.rounds_new import new_round as run
    out = run(units, template, period, carry=carry, into=into, out_dir=out_dir, password=password,
              ministry=ministry, **_google(credentials, endpoint, allow_remote_endpoint))
    for o in out:
        console.print(f"{o.code}: {o.outcome_th} / {o.outcome} {o.path} — {o.detail_th} / {o.detail}", highlight=False)
    if any(o.outcome == "failed" for o in out):
        raise typer.Exit(2)


@app.command()
@friendly
def submit(target: str = typer.Argument(..., help=".xlsx path or Google spreadsheet URL/key"), period: str = PERIOD,
           by: str = typer.Option(..., "--by", help="who submits (name or e-mail)"),
           password: Optional[str] = typer.Option(None, "--password", envvar="SHEETS_SYNC_LOCK_PASSWORD",
                                                  help="the ministry's password that locks the submitted tab"),
           ministry: list[str] = MINISTRY, credentials: Optional[Path] = CREDENTIALS,
           endpoint: Optional[str] = ENDPOINT, allow_remote_endpoint: bool = ALLOW_REMOTE):
    """Mark a unit's round ส่งแล้ว (submitted), with who and when, and lock it."""
    from ..ministry.rounds import submit as run
    _transition(lambda: run(target, period, by, password=password, ministry=ministry,
                            **_book_options(target, credentials, endpoint, allow_remote_endpoint)),
                f"ส่งแล้ว / submitted: {target} {period}")


@app.command()
@friendly
def approve(target: str = typer.Argument(..., help=".xlsx path or Google spreadsheet URL/key"), period: str = PERIOD,
            by: str = typer.Option(..., "--by", help="who approves (name or e-mail)"),
            credentials: Optional[Path] = CREDENTIALS, endpoint: Optional[str] = ENDPOINT,
            allow_remote_endpoint: bool = ALLOW_REMOTE):
    """Mark a submitted round อนุมัติ (approved), with who and when."""
    from ..ministry.rounds import approve as run
    _transition(lambda: run(target, period, by, **_book_options(target, credentials, endpoint, allow_remote_endpoint)),
                f"อนุมัติแล้ว / approved: {target} {period}")


def _transition(change, done: str) -> None:
    """Run a round's state change; one already made is said (who, when), not a failure."""
    from ..ministry.rounds import AlreadyDone
    try:
        change()
    except AlreadyDone as e:
        console.print(f"{e.th} / {e.en}", highlight=False)
        return
    console.print(done, highlight=False)


@app.command()
@friendly
def status(units: Path = typer.Option(..., "--units", help="units.yaml"), period: str = PERIOD,
           as_json: bool = typer.Option(False, "--json", help="print the statuses as JSON"),
           today: Optional[str] = typer.Option(None, "--today", help="judge lateness as of this date "
                                               "(YYYY-MM-DD, the year ค.ศ. or พ.ศ.; default: today in Bangkok)"),
           credentials: Optional[Path] = CREDENTIALS, endpoint: Optional[str] = ENDPOINT,
           allow_remote_endpoint: bool = ALLOW_REMOTE):
    """Who has submitted the round, who is late (deadline: day 10 of the month after), who has not started."""
    from ..core.thai_time import ThaiDateError, iso_day, thai_date
    from ..ministry.rounds import RoundError, status as run
    try:
        day = iso_day(today) if today else None
    except ThaiDateError as e:
        raise RoundError(f"--today {e.th}", f"--today {e.en}") from None
    out = run(units, period, today=day, **_google(credentials, endpoint, allow_remote_endpoint))
    if as_json:
        _print_json([s.to_dict() for s in out])
        return
    for s in out:
        where = " — ไม่พบไฟล์ / no workbook yet" if s.missing else (f" — {s.error}" if s.error else "")
        console.print(f"{s.code} {s.name}: {s.label_th} / {s.label}" + (f" ({s.at_th})" if s.at_th else "")
                      + f", กำหนดส่ง / due {thai_date(s.deadline)}{where}", highlight=False)
