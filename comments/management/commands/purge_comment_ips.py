from django.core.management.base import BaseCommand, CommandError

from comments.conf import discussion_settings
from comments.options import MAX_DAYS
from comments.privacy import comment_ips_purge


class Command(BaseCommand):
    help = (
        "Erase the IP address and browser stored with comments older than the retention "
        "window (set in the discussion settings). Safe to run as often as you like, e.g. "
        "daily from cron: it only ever blanks fields, and a second run finds nothing to do."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            help="Retention window in days (default: the discussion settings').",
        )

    def handle(self, *args, days=None, **options):
        days = discussion_settings().ip_retention_days if days is None else days
        if not 0 <= days <= MAX_DAYS:
            raise CommandError(f"--days must be between 0 and {MAX_DAYS}.")
        purged = comment_ips_purge(older_than_days=days)
        self.stdout.write(
            f"Erased the IP address and browser of {purged} comments older than {days} days."
        )
