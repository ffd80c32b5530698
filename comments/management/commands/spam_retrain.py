from django.core.management.base import BaseCommand

from comments.spam.training import spam_retrain


class Command(BaseCommand):
    help = (
        "Rebuild the spam filter from every approved and spam comment as it stands now "
        "(and what it kept from deleted ones), e.g. after an import. Safe to run again: "
        "it always starts from nothing."
    )

    def handle(self, *args, **options):
        done = spam_retrain()
        self.stdout.write(
            f"The spam filter learned {done.spam} spam and {done.ham} legitimate comments "
            f"({done.from_deleted} of them kept from deleted comments): {done.tokens} tokens."
        )
