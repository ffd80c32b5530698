from django.core.management.base import BaseCommand

from blog.demo import demo_load


class Command(BaseCommand):
    help = "Fill a new site, one without posts or pages, with the demo posts and pages."

    def handle(self, *args, **options):
        created = demo_load()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Created {created} demo posts and pages."))
        else:
            self.stdout.write(
                "The site has posts or pages already; the demo is only for a new site."
            )
