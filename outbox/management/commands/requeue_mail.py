from django.core.management.base import BaseCommand

from outbox.services import mail_requeue_stranded


class Command(BaseCommand):
    help = (
        "Queue again mail whose task was lost (the task queue was down when it was sent, "
        "or restarted without its jobs). make serve runs it each time the worker starts."
    )

    def handle(self, *args, **options):
        count = mail_requeue_stranded()
        self.stdout.write(f"{count} mail queued again." if count else "No mail was stranded.")
