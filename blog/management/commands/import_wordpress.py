import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from blog.wordpress.importer import import_export
from blog.wordpress.report import report_lines, report_sections
from blog.wordpress.wxr import ExportError

# Plain progress lines (not on a terminal) come this often at most.
PLAIN_EVERY_SECONDS = 10


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools → Export, WXR 1.0 to 1.2): authors, categories, "
        "tags, posts, pages and comments. Nothing is fetched from the network. Running it "
        "again adds only what is not here yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The export's XML file.")
        parser.add_argument(
            "--author",
            metavar="USERNAME",
            help="Give every post to this user instead of one user per WordPress author.",
        )
        parser.add_argument(
            "--skip-linkbacks",
            action="store_true",
            help="Leave out pingbacks and trackbacks (counted in the report).",
        )
        parser.add_argument(
            "--media",
            metavar="DIR",
            help=(
                "The old site's wp-content/uploads folder: featured images become posters "
                "and images in posts become the post's own pictures. Nothing is fetched."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read everything and report what would be imported; write nothing.",
        )

    def handle(self, *args, export, author, skip_linkbacks, dry_run, media, **options):
        if media and not Path(media).is_dir():
            raise CommandError(f"--media {media}: no such folder.")
        user = None
        if author:
            user = get_user_model().objects.filter(username=author).first()
            if user is None:
                raise CommandError(
                    f"No user is called {author!r}: create it first, or leave out --author."
                )
        progress = _Progress(self.stdout)
        try:
            report = import_export(
                export,
                author=user,
                keep_linkbacks=not skip_linkbacks,
                dry_run=dry_run,
                media=media,
                progress=progress,
            )
        except ExportError as error:
            progress.end()
            if error.report is not None:
                self.report_write(error.report)
            raise CommandError(str(error)) from None
        progress.end()
        self.report_write(report)

    def report_write(self, report):
        for section in report_sections(report):
            out = self.stderr if section.is_failure else self.stdout
            for line in report_lines(section):
                out.write(line)


class _Progress:
    """A bar that rewrites itself on a terminal; a line now and then anywhere else."""

    def __init__(self, stdout):
        self.stdout = stdout
        self.on_terminal = stdout.isatty()
        self.items = 0
        self.shown_at = time.monotonic()
        self.drawn = False

    def __call__(self, done, total):
        self.items += 1
        share = done / total if total else 1
        now = time.monotonic()
        if self.on_terminal:
            if now - self.shown_at < 0.1:
                return
            bar = "#" * int(share * 30)
            self.stdout.write(f"\r[{bar:<30}] {share:4.0%}  {self.items:,} items", ending="")
            self.stdout.flush()
            self.drawn = True
        elif now - self.shown_at >= PLAIN_EVERY_SECONDS:
            self.stdout.write(f"{share:.0%} read, {self.items:,} items")
        else:
            return
        self.shown_at = now

    def end(self):
        if self.drawn:
            self.stdout.write("")
