import os

from django.core.management.base import BaseCommand, CommandError

from blog.wordpress.export import export_chunks


class Command(BaseCommand):
    help = (
        "Write the whole site as a WordPress export (WXR 1.2), for WordPress's Tools → "
        "Import → WordPress or another Montage: posts and pages in every status, categories, "
        "tags, authors, comments with their threading and status, and the addresses of the "
        "posters and pictures. Like WordPress's own export it is your backup and holds what "
        "commenters gave you: their email and IP addresses. Keep it private."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            metavar="FILE",
            help="Write to this file instead of standard output (replaced once complete).",
        )

    def handle(self, *args, output, **options):
        if output is None:
            for chunk in export_chunks():
                self.stdout.write(chunk, ending="")
            return
        # Written beside the file and moved into place, so a failed export never leaves
        # half a file where a good one was.
        # Readable by its owner only: it holds every commenter's email and IP address.
        partial = f"{output}.part"
        try:
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with open(descriptor, "w", encoding="utf-8") as file:
                for chunk in export_chunks():
                    file.write(chunk)
            os.replace(partial, output)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        finally:
            if os.path.exists(partial):
                os.remove(partial)
