"""An import's report in words, the same for ``manage.py import_wordpress`` and the admin.

``report_sections(report)`` says what the import did as headed lists of counted lines;
the command prints them and the admin's run page lays them out as tables. A report is
kept with its run as JSON (``report_as_json``) and read back (``report_from_json``).
"""

from collections import Counter
from dataclasses import dataclass, field

from blog.wordpress.importer import Report

PLURALS = {"category": "categories"}
# Missing media files listed by name; the rest are counted.
MISSING_LISTED = 50


@dataclass(frozen=True)
class Line:
    """One line of a section: ``count`` things (None: a line that counts nothing)."""

    text: str
    count: int | None = None


@dataclass(frozen=True)
class Section:
    heading: str
    lines: list[Line] = field(default_factory=list)
    # Failures go to stderr in the command and stand out in the admin.
    is_failure: bool = False


def counted_kind(count, kind):
    """``kind`` ("post", "category") in the plural when ``count`` asks for it."""
    return kind if count == 1 else PLURALS.get(kind, f"{kind}s")


def report_sections(report: Report) -> list[Section]:
    heading = "Dry run: nothing was written. It would import:" if report.dry_run else "Imported:"
    created = [Line(counted_kind(n, kind), n) for kind, n in sorted(report.created.items())]
    sections = [Section(heading, created or [Line("nothing new")])]
    if report.already_there:
        sections.append(
            Section(
                "Already here (from an earlier run, or by the same name), left as they are:",
                [
                    Line(counted_kind(n, kind), n)
                    for kind, n in sorted(report.already_there.items())
                ],
            )
        )
    if report.skipped:
        sections.append(
            Section(
                "Skipped or changed:",
                [Line(reason, n) for reason, n in report.skipped.most_common()],
            )
        )
    if report.unknown:
        sections.append(
            Section(
                "Not shown as WordPress showed them (kept in the body by name, or left out):",
                [Line(name, n) for name, n in report.unknown.most_common()],
            )
        )
    if report.attachments:
        sections.append(Section(f"Attachments recorded, not fetched: {len(report.attachments):,}"))
    if report.renamed:
        sections.append(
            Section(
                f"Given a new address here, their own being taken ({len(report.renamed):,}):",
                [Line(line) for line in report.renamed[:MISSING_LISTED]],
            )
        )
    if report.notes:
        sections.append(Section("Note:", [Line(note) for note in report.notes]))
    if report.missing_media:
        missing = report.missing_media
        shown = [Line(address) for address in missing[:MISSING_LISTED]]
        if len(missing) > MISSING_LISTED:
            shown.append(Line(f"… and {len(missing) - MISSING_LISTED:,} more"))
        sections.append(
            Section(f"Not found in the media folder, or not a picture ({len(missing):,}):", shown)
        )
    if report.failed:
        sections.append(
            Section(
                f"Not imported, each left as it was ({len(report.failed):,}):",
                [Line(line) for line in report.failed],
                is_failure=True,
            )
        )
    return sections


def report_lines(section: Section) -> list[str]:
    """A section as the terminal shows it: the heading, then each line indented."""
    return [
        section.heading,
        *(
            f"  {line.count:>8,} {line.text}" if line.count is not None else f"  {line.text}"
            for line in section.lines
        ),
    ]


_COUNTERS = ("created", "already_there", "skipped", "unknown")


def report_as_json(report: Report) -> dict:
    return {
        **{name: dict(getattr(report, name)) for name in _COUNTERS},
        "failed": list(report.failed),
        "attachments": list(report.attachments),
        "missing_media": list(report.missing_media),
        "renamed": list(report.renamed),
        "notes": list(report.notes),
        "dry_run": report.dry_run,
    }


def report_from_json(data: dict) -> Report:
    return Report(
        **{name: Counter(data.get(name, {})) for name in _COUNTERS},
        failed=list(data.get("failed", [])),
        attachments=list(data.get("attachments", [])),
        missing_media=list(data.get("missing_media", [])),
        renamed=list(data.get("renamed", [])),
        notes=list(data.get("notes", [])),
        dry_run=bool(data.get("dry_run")),
    )
