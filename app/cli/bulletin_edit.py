"""`aive bulletin edit` and `aive bulletin preview`: change a draft and look at its web version.

`edit` takes flags (pin, exclude, editorial, subject) or, without any, opens every field in
$EDITOR as YAML; `preview` writes the edition's web version, as the archive shows it, to a file.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from app.bulletin_config import bulletin_config
from app.cli.bulletin import EDITION, SERVICE_ERRORS, actor, edition_summary, print_summary
from app.cli.context import fail, settings_or_exit, with_sessions
from app.cli.i18n import N_, _
from newsletter.editions import service as bulletins
from newsletter.editions.edits import Edits, dump_edits, parse_edits
from newsletter.editions.errors import BulletinError
from newsletter.editions.render import web_version
from storage.engine import SessionFactory


def register(bulletin_app: typer.Typer) -> None:
    """Add `edit` and `preview` to the `aive bulletin` group."""
    bulletin_app.command(
        help=N_("Edit a draft with flags, or without flags in $EDITOR as YAML (all fields).")
    )(edit)
    bulletin_app.command(
        help=N_("Write the edition's web version (as in the archive) to an HTML file.")
    )(preview)


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
            return bulletins.current_edits(edition), _header(
                await edition_summary(session, edition)
            )

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
                session, edition_id, edits, config=config, actor=actor()
            )
            return await edition_summary(session, edition)

    try:
        summary = with_sessions(settings, _apply)
    except SERVICE_ERRORS as exc:
        fail(_("edition {id}: {error}", id=edition_id, error=exc))
    typer.echo(_("edition {id}: updated", id=edition_id))
    print_summary(summary)


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
