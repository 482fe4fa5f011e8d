"""`aive bulletin`: compose, edit, preview, approve, cancel and list editions.

(`send` and `stats` belong to the delivery engine and are registered by it.)
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from app.bulletin_config import bulletin_config
from app.cli.context import fail, print_json, print_table, settings_or_exit, with_sessions
from app.cli.i18n import N_, _, ngettext
from newsletter import bulletins
from newsletter.bulletin_errors import BulletinError
from newsletter.cadence import CadenceError
from newsletter.edition import CompositionError
from newsletter.edition_edits import Edits, dump_edits, parse_edits
from newsletter.render import RenderError, web_version
from storage.base import utcnow
from storage.bulletins import Edition
from storage.engine import SessionFactory
from storage.feeds import Item

app = typer.Typer(
    help=N_("Bulletin editions: compose, edit, preview, approve."), no_args_is_help=True
)
report = Console(stderr=True)  # tables go to stderr: stdout carries ids or the JSON document

EDITION = Annotated[int, typer.Argument(help=N_("The edition id (printed by compose)."))]
JSON = Annotated[bool, typer.Option("--json", help=N_("Print one JSON document."))]
SERVICE_ERRORS = (BulletinError, CompositionError, RenderError, CadenceError)
SPREAD_ROWS = {  # the spread's keys, and their labels in the table
    "countries": N_("countries"),
    "cities": N_("cities"),
    "networks": N_("networks"),
    "languages": N_("languages"),
}


def _actor() -> str:
    return f"cli:{os.environ.get('USER', 'staff')}"


@app.command(
    help=N_("Compose the draft of SERIES (each of its languages unless --lang); print the ids.")
)
def compose(
    series: Annotated[str, typer.Argument(help=N_("Series slug, e.g. global."))],
    lang: Annotated[
        str | None, typer.Option("--lang", help=N_("One language; default: all."))
    ] = None,
    as_json: JSON = False,
) -> None:
    settings = settings_or_exit()
    config = bulletin_config(settings)

    async def _go(sessions: SessionFactory) -> list[dict[str, Any]]:
        async with sessions() as session:
            found = await bulletins.get_series(session, series)
            languages = [lang] if lang else list(found.languages or [settings.default_language])
            now = utcnow()
            summaries = []
            for language in languages:
                edition = await bulletins.compose_draft(
                    session, series, language, now, config=config, actor=_actor()
                )
                summaries.append(await _summary(session, edition))
            return summaries

    try:
        summaries = with_sessions(settings, _go)
    except SERVICE_ERRORS as exc:
        fail(f"bulletin compose: {exc}")
    if as_json:
        print_json({"series": series, "editions": summaries})
        return
    for summary in summaries:
        typer.echo(summary["id"])
        _print_summary(summary)


async def _summary(session: Any, edition: Edition) -> dict[str, Any]:
    content = edition.content or {}
    ids = [i for s in content.get("sections", []) for i in _section_ids(s)]
    titles = dict(
        (await session.execute(select(Item.id, Item.title).where(Item.id.in_(ids)))).all()
    )
    return {
        "id": edition.id,
        "series": edition.series.slug,
        "language": edition.language,
        "status": edition.status.value,
        "period": [edition.period_start.isoformat(), edition.period_end.isoformat()],
        "subject": edition.subject,
        "sections": [
            {
                "kind": s["kind"],
                "items": [{"id": i, "title": titles.get(i, "")} for i in _section_ids(s)],
                "count": len(_section_ids(s)) or len(s.get("consultations", s.get("youth", []))),
            }
            for s in content.get("sections", [])
        ],
        "edits": content.get("edits", {}),
        "spread": content.get("spread", {}),
    }


def _section_ids(section: dict[str, Any]) -> list[int]:
    agenda = [a["item"] for a in section.get("agenda", []) if "item" in a]
    return list(section.get("items", [])) + agenda


def _print_summary(summary: dict[str, Any]) -> None:
    sections = Table(
        title=_(
            "Edition {id} · {series} · {language} · {subject}",
            id=summary["id"],
            series=summary["series"],
            language=summary["language"],
            subject=summary["subject"],
        )
    )
    for column in (_("section"), _("count"), _("items")):
        sections.add_column(column)
    for s in summary["sections"]:
        items = "\n".join(f"{i['id']}: {i['title'][:70]}" for i in s["items"])
        sections.add_row(s["kind"], str(s["count"]), items)
    report.print(sections)
    spread = summary["spread"]
    table = Table(
        title=ngettext(
            "Spread: {n} item, {other} in another language",
            "Spread: {n} items, {other} in another language",
            spread.get("total", 0),
            other=spread.get("other_language", 0),
        )
    )
    for column in (_("by"), _("counts")):
        table.add_column(column)
    for key, label in SPREAD_ROWS.items():
        counts = spread.get(key, {})
        table.add_row(_(label), ", ".join(f"{k} {v}" for k, v in counts.items()))
    report.print(table)


@app.command(help=N_("Edit a draft with flags, or without flags in $EDITOR as YAML (all fields)."))
def edit(
    edition_id: EDITION,
    pin: Annotated[list[int], typer.Option("--pin", help=N_("Item id to pin; repeat."))] = [],  # noqa: B006
    exclude: Annotated[list[int], typer.Option("--exclude", help=N_("Item id to leave out."))] = [],  # noqa: B006
    editorial_file: Annotated[
        Path | None, typer.Option("--editorial-file", help=N_("Text file with the editorial."))
    ] = None,
    subject: Annotated[str | None, typer.Option("--subject", help=N_("Subject line."))] = None,
) -> None:
    settings = settings_or_exit()
    config = bulletin_config(settings)

    async def _load(sessions: SessionFactory) -> tuple[Edits, list[str]]:
        async with sessions() as session:
            edition = await bulletins.get_edition(session, edition_id)
            return bulletins.current_edits(edition), _header(await _summary(session, edition))

    try:
        current, header = with_sessions(settings, _load)
    except SERVICE_ERRORS as exc:
        fail(f"bulletin edit: {exc}")
    if pin or exclude or editorial_file or subject is not None:
        edits = _with_flags(current, pin, exclude, editorial_file, subject)
    else:
        edited = _edit_in_editor(edition_id, current, header)
        if edited is None:
            typer.echo(_("edition {id}: no change", id=edition_id))
            return
        edits = edited

    async def _apply(sessions: SessionFactory) -> dict[str, Any]:
        async with sessions() as session:
            edition = await bulletins.apply_edits(
                session, edition_id, edits, config=config, actor=_actor()
            )
            return await _summary(session, edition)

    try:
        summary = with_sessions(settings, _apply)
    except SERVICE_ERRORS as exc:
        fail(_("edition {id}: {error}", id=edition_id, error=exc))
    typer.echo(_("edition {id}: updated", id=edition_id))
    _print_summary(summary)


def _with_flags(
    current: Edits, pin: list[int], exclude: list[int], editorial: Path | None, subject: str | None
) -> Edits:
    text = current.editorial
    if editorial is not None:
        try:
            text = editorial.read_text(encoding="utf-8").strip() or None
        except (OSError, UnicodeDecodeError) as exc:
            fail(_("--editorial-file: cannot read {file}: {error}", file=editorial, error=exc), 2)
    # a new pin undoes an exclusion of the same item, and the other way round
    pinned = [i for i in current.pinned if i not in exclude] + pin
    excluded = [i for i in current.excluded if i not in pin] + exclude
    return replace(
        current,
        pinned=tuple(dict.fromkeys(pinned)),
        excluded=tuple(dict.fromkeys(excluded)),
        editorial=text,
        subject=(subject.strip() or None) if subject is not None else current.subject,
    )


def _header(summary: dict[str, Any]) -> list[str]:
    start, end = summary["period"]
    lines = [
        _(
            "Edition {id} · {series} · {language} · {start} → {end} · {status}",
            id=summary["id"],
            series=summary["series"],
            language=summary["language"],
            start=start[:10],
            end=end[:10],
            status=summary["status"],
        ),
        _("Items now in the draft (id: title):"),
    ]
    for section in summary["sections"]:
        lines += [f"  {i['id']}: [{section['kind']}] {i['title'][:80]}" for i in section["items"]]
    return lines


def _edit_in_editor(edition_id: int, current: Edits, header: list[str]) -> Edits | None:
    """Open $VISUAL or $EDITOR on the YAML; None when the file comes back unchanged."""
    original = dump_edits(current, header)
    handle, name = tempfile.mkstemp(prefix=f"edition-{edition_id}-", suffix=".yaml")
    path = Path(name)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(original)
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        status = subprocess.run([*shlex.split(editor), str(path)], check=False).returncode
    except OSError as exc:
        fail(
            _(
                "cannot start the editor {editor}: {error}; set EDITOR",
                editor=repr(editor),
                error=exc,
            ),
            1,
        )
    if status != 0:
        fail(
            _(
                "the editor exited with status {status}; nothing changed (text kept in {path})",
                status=status,
                path=path,
            )
        )
    edited = path.read_text(encoding="utf-8")
    if edited == original:
        path.unlink()
        return None
    try:
        edits = parse_edits(edited)
    except BulletinError as exc:
        fail(
            _(
                "edition {id}: {error}; nothing changed (your text is kept in {path})",
                id=edition_id,
                error=exc,
                path=path,
            )
        )
    path.unlink()
    return edits


@app.command(help=N_("Write the edition's web version (as in the archive) to an HTML file."))
def preview(
    edition_id: EDITION,
    out: Annotated[Path, typer.Option("--out", help=N_("The HTML file to write."))],
) -> None:
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> str | None:
        async with sessions() as session:
            return (await bulletins.get_edition(session, edition_id)).html

    try:
        html = with_sessions(settings, _go)
    except BulletinError as exc:
        fail(f"bulletin preview: {exc}")
    if not html:
        fail(_("edition {id} has not been rendered; compose it again", id=edition_id))
    try:
        out.write_text(web_version(html, public_url=settings.public_url), encoding="utf-8")
    except OSError as exc:
        fail(_("cannot write {file}: {error}", file=out, error=exc), 1)
    typer.echo(str(out))


@app.command(help=N_("Approve a draft (scheduled for --send-at when given)."))
def approve(
    edition_id: EDITION,
    send_at: Annotated[
        str | None,
        typer.Option("--send-at", help=N_("ISO date-time; without an offset, the secretariat's.")),
    ] = None,
) -> None:
    settings = settings_or_exit()
    when = None
    if send_at is not None:
        try:
            when = datetime.fromisoformat(send_at)
        except ValueError:
            fail(
                _(
                    "--send-at: {value} is not an ISO date-time (e.g. 2026-03-10T09:00)",
                    value=repr(send_at),
                ),
                2,
            )
        if when.tzinfo is None:
            when = when.replace(tzinfo=settings.zone)

    async def _go(sessions: SessionFactory) -> str:
        async with sessions() as session:
            edition = await bulletins.approve(session, edition_id, _actor(), when)
            if edition.send_at:
                local = edition.send_at.astimezone(settings.zone).isoformat(timespec="minutes")
                return _("edition {id}: scheduled for {when}", id=edition.id, when=local)
            return _("edition {id}: approved", id=edition.id)

    try:
        typer.echo(with_sessions(settings, _go))
    except BulletinError as exc:
        fail(f"bulletin approve: {exc}")


@app.command(help=N_("Cancel a draft, approved or scheduled edition."))
def cancel(edition_id: EDITION) -> None:
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> None:
        async with sessions() as session:
            await bulletins.cancel(session, edition_id, _actor())

    try:
        with_sessions(settings, _go)
    except BulletinError as exc:
        fail(f"bulletin cancel: {exc}")
    typer.echo(_("edition {id}: cancelled", id=edition_id))


@app.command("list", help=N_("Editions, newest first."))
def list_(
    series: Annotated[str | None, typer.Option("--series", help=N_("Only this series."))] = None,
    as_json: JSON = False,
) -> None:
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> list[dict[str, Any]]:
        async with sessions() as session:
            return [_row(e) for e in await bulletins.list_editions(session, series)]

    rows = with_sessions(settings, _go)
    if as_json:
        print_json(rows)
        return
    columns = (
        _("id"),
        _("series"),
        _("lang"),
        _("period"),
        _("status"),
        _("items"),
        _("send at"),
        _("subject"),
    )
    print_table(
        _("Bulletin editions"),
        columns,
        [
            (
                r["id"],
                r["series"],
                r["language"],
                f"{r['period_start'][:10]} → {r['period_end'][:10]}",
                r["status"],
                r["items"],
                r["send_at"],
                r["subject"],
            )
            for r in rows
        ],
    )


def _row(edition: Edition) -> dict[str, Any]:
    sections = (edition.content or {}).get("sections", [])
    return {
        "id": edition.id,
        "series": edition.series.slug,
        "language": edition.language,
        "period_start": edition.period_start.isoformat(),
        "period_end": edition.period_end.isoformat(),
        "status": edition.status.value,
        "items": sum(len(_section_ids(s)) for s in sections),
        "send_at": edition.send_at.isoformat() if edition.send_at else None,
        "subject": edition.subject,
    }
