"""`runbook import`: a draaiboek from Excel, CSV or MS Project as a runbook, or its changes to
one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from runbook.cli import output
from runbook.cli.common import command
from runbook.common.errors import EXIT_INVALID, InputError, UsageError

if TYPE_CHECKING:
    from runbook.interchange.diff import Diff
    from runbook.interchange.importer import Imported


def _problems(imported: Imported) -> None:
    """The notes and every problem of an import, on stderr; exit 1 when it cannot be used."""
    for note in imported.notes:
        output.info(f"note: {note}")
    output.problems(imported.problems, imported.source)
    if not imported.ok:
        n = len(imported.errors)
        output.error(
            f"{imported.source}: {n} {'problem' if n == 1 else 'problems'}; nothing written"
        )
        raise typer.Exit(EXIT_INVALID)


def _diff_lines(diff: Diff) -> list[str]:
    """The changes as lines: the runbook's fields, then each record added, removed or changed
    with its fields."""
    labels = {
        "tasks": "task",
        "rollback_tasks": "rollback task",
        "risks": "risk",
        "readiness": "readiness item",
        "teams": "team",
    }
    lines = [f"~ {c.name}: {c.old} -> {c.new}" for c in diff.top]
    marks = {"added": "+", "removed": "-", "changed": "~"}
    for record in diff.records:
        lines.append(f"{marks[record.kind]} {labels[record.section]} {record.id} ({record.kind})")
        lines += [f"    {c.name}: {c.old} -> {c.new}" for c in record.fields]
    return lines


def _counted(diff: Diff) -> str:
    parts = [
        f"{diff.count(kind)} {'task' if diff.count(kind) == 1 else 'tasks'} {kind}"
        for kind in ("added", "removed", "changed")
        if diff.count(kind)
    ]
    others = sum(1 for r in diff.records if r.section != "tasks") + len(diff.top)
    if others:
        parts.append(f"{others} other {'change' if others == 1 else 'changes'}")
    return ", ".join(parts) or "no changes"


def _against(
    file: Path,
    target: Path,
    options: dict[str, Any],
    update: bool,
    maps: tuple[str, ...],
    sheet: str | None,
) -> None:
    """``--diff`` / ``--update``: what the file changes in ``target``, applied when asked."""
    from runbook.cli.render_validation import validation_summary
    from runbook.interchange.diff import compare
    from runbook.interchange.draft import ImportOptions
    from runbook.interchange.importer import import_file
    from runbook.validation.validate import plan_path, validate_bytes

    existing = plan_path(target)
    assert existing.loaded.runbook is not None and existing.loaded.document is not None
    raw = existing.loaded.document.data
    assert isinstance(raw, dict)  # a valid runbook is a mapping
    given = frozenset(k for k, v in options.items() if v is not None)
    defaults = {k: None if raw.get(k) is None else str(raw[k]) for k in options}
    chosen = {k: options[k] if options[k] is not None else defaults[k] for k in options}
    imported = import_file(
        file,
        ImportOptions(
            sheet=sheet,
            maps=maps,
            given=given,
            name=chosen["name"],
            timezone=chosen["timezone"],
            start=chosen["start"],
            deadline=chosen["deadline"],
        ),
        output=str(target),
        base=raw,
    )
    _problems(imported)
    assert imported.validation is not None and imported.validation.loaded.runbook is not None
    diff = compare(existing.loaded.runbook, imported.validation.loaded.runbook)
    for line in _diff_lines(diff):
        output.echo(line)
    output.info(f"{file} against {target}: {_counted(diff)}")
    if not update or diff.empty:
        return
    from runbook.interchange.update import apply
    from runbook.reports.outfile import write_atomically

    text = target.read_text(encoding="utf-8")
    updated = apply(text, diff, imported.document)
    check = validate_bytes(updated.encode("utf-8"), source=str(target))
    if not check.ok:
        output.problems(check.problems, f"{target} (as updated)")
        raise InputError(
            f"{target}: the update would leave the runbook invalid; nothing written",
            hint="this is a bug in runbook if the import itself was valid; please report it",
        )
    write_atomically(target, updated)
    output.info(f"{target}: updated ({_counted(diff)}); comments and layout kept")
    output.info(validation_summary(check))


@command(name="import")
def import_(
    file: Annotated[
        Path,
        typer.Argument(
            help="The file to import: .xlsx (Excel), .csv (any delimiter Excel writes, "
            "UTF-8 or Windows-1252) or .xml (MS Project's Save as XML).",
            show_default=False,
            dir_okay=False,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "-o",
            "--output",
            help="Write the runbook here ('-' for stdout); never over an existing file "
            "without --force.",
            dir_okay=False,
        ),
    ] = Path("runbook.yaml"),
    force: Annotated[
        bool, typer.Option("--force", help="Write over an existing output file.")
    ] = False,
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet",
            help="The sheet of the tasks (default: the first with a title column).",
            show_default=False,
        ),
    ] = None,
    maps: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="Read the column headed HEADER as FIELD (id, title, team, duration, "
            "depends_on, not_before, phase, priority, milestone, gate, notes, ...; '-' "
            "leaves it out). Repeat for more.",
            show_default=False,
            metavar="HEADER=FIELD",
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name", help="The runbook's name, when the file has none.", show_default=False
        ),
    ] = None,
    timezone: Annotated[
        str | None,
        typer.Option(
            "--timezone",
            help="The IANA time zone of the file's times, when it names none (default UTC).",
            show_default=False,
        ),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help="The weekend's planned start, when the file has none.",
            show_default=False,
        ),
    ] = None,
    deadline: Annotated[
        str | None,
        typer.Option(
            "--deadline",
            help="The end of the change window, when the file has none.",
            show_default=False,
        ),
    ] = None,
    diff: Annotated[
        Path | None,
        typer.Option(
            "--diff",
            help="Show what the file changes in this runbook (tasks added, removed, changed "
            "field by field; its own fields); write nothing.",
            show_default=False,
            dir_okay=False,
            metavar="RUNBOOK",
        ),
    ] = None,
    update: Annotated[
        Path | None,
        typer.Option(
            "--update",
            help="Apply those changes to this runbook, keeping its comments, key order and layout.",
            show_default=False,
            dir_okay=False,
            metavar="RUNBOOK",
        ),
    ] = None,
) -> None:
    """A draaiboek from Excel, CSV or MS Project as a runbook (one row a task).

    Headers are recognised in English and Dutch (ID/Nr, Title/Taak/Activiteit, Team/Uitvoerder,
    Duration/Duur, Depends on/Afhankelijk van/Voorganger, Not before/Niet voor/Starttijd,
    Phase/Fase, Priority, Milestone, Gate, Approvers, Notes, Contact); --map names any other.
    Every problem is located by sheet and cell, all at once, and nothing is written; otherwise
    the YAML is written, validated and summed up. A workbook from `runbook export xlsx` imports
    to the same runbook.

    With --diff RUNBOOK, what the file changes in that runbook; with --update RUNBOOK, those
    changes applied to it (comments and layout kept). Columns and sheets the file lacks leave
    the runbook's values as they are.
    """
    options = {"name": name, "timezone": timezone, "start": start, "deadline": deadline}
    mapped = tuple(maps or ())
    if diff is not None and update is not None and diff.resolve() != update.resolve():
        raise UsageError("--diff and --update name two runbooks; give one")
    target = update or diff
    if target is not None:
        _against(file, target, options, update is not None, mapped, sheet)
        return
    from runbook.cli.render_validation import validation_summary
    from runbook.interchange.draft import ImportOptions
    from runbook.interchange.importer import import_file
    from runbook.reports.outfile import check_output, write_atomically

    to_stdout = str(out) == "-"
    if not to_stdout:
        if out.exists() and not force:
            raise InputError(
                f"{out}: exists; it is not written over",
                hint="give another file with -o, --force to replace it, or --update "
                f"{out} to apply the changes to it",
            )
        check_output(out, [(file, "the file being imported")])
    imported = import_file(
        file,
        ImportOptions(
            sheet=sheet,
            maps=mapped,
            name=name,
            timezone=timezone,
            start=start,
            deadline=deadline,
        ),
        output="<stdout>" if to_stdout else str(out),
    )
    _problems(imported)
    assert imported.text is not None and imported.validation is not None
    if to_stdout:
        output.echo(imported.text.rstrip("\n"))
    else:
        write_atomically(out, imported.text)
        output.info(f"written to {out}")
    output.info(validation_summary(imported.validation))
