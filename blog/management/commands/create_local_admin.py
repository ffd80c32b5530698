import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "Create an admin login for this machine with a random password, or show the one "
        "created before. The password is kept in var/local-admin.txt, readable only by you."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--credentials-file",
            default=str(Path(settings.BASE_DIR) / "var" / "local-admin.txt"),
            help="Where the generated password is kept (default: %(default)s).",
        )

    def handle(self, *args, credentials_file, **options):
        path = Path(credentials_file)
        User = get_user_model()
        user = User.objects.filter(username=USERNAME).first()
        saved = path.read_text().strip() if path.exists() else ""
        if user and saved and user.check_password(saved):
            self._show(saved)
            return
        if user:
            self.stdout.write(
                f"The admin user “{USERNAME}” already exists and its password is not the one "
                "this command made. Set a new one with: "
                f"python manage.py changepassword {USERNAME}"
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=USERNAME, email="", password=password)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        path.write_text(password + "\n")
        self._show(password)

    def _show(self, password):
        self.stdout.write(
            self.style.SUCCESS(f"Admin login: user “{USERNAME}”, password “{password}”")
        )
