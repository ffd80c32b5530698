"""The ceiling for bench/run.py: a one-view Django project returning, from memory, the
bytes of a page Montage served (the file named by CEILING_PAGE).

It is at once its settings module, URLconf and WSGI application, so gunicorn runs it
with the same options as Montage:

    CEILING_PAGE=page.html DJANGO_SETTINGS_MODULE=bench.ceiling.app \
        .venv/bin/gunicorn bench.ceiling.app:application
"""

import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

DEBUG = False
SECRET_KEY = "ceiling: signs nothing"
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = __name__
INSTALLED_APPS = []
MIDDLEWARE = []
DATABASES = {}

PAGE = Path(os.environ["CEILING_PAGE"]).read_bytes()


def page(request, slug):
    return HttpResponse(PAGE, content_type="text/html; charset=utf-8")


urlpatterns = [path("posts/<slug:slug>/", page)]

application = get_wsgi_application()
