#!/usr/bin/env python
"""Django's command-line utility for Montage."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "montage.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 -- reads montage/settings.py, once
    except ImproperlyConfigured as error:
        # The sentence names the setting to fix; a traceback through settings.py does not.
        sys.exit(f"Montage cannot start: {error}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
