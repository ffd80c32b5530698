from django.core.management.base import BaseCommand

from blog.demo import demo_load


class Command(BaseCommand):
    help = "Add the demo posts (the Rocky IV montage and its neighbours) and pages missing."

    def handle(self, *args, **options):
        created = demo_load()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Created {created} demo posts and pages."))
        else:
            self.stdout.write("The demo posts and pages are already there; nothing changed.")
