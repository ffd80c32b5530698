from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.functional import lazy

from montage.uploads import upload_serve
from site_settings.conf import site_settings

# Read as each admin page renders, so the admin follows the Site settings' title.
admin.site.site_header = lazy(lambda: f"{site_settings().title} admin", str)()
admin.site.site_title = lazy(lambda: site_settings().title, str)()

# The database out of reach is a 503 with Retry-After, not a fault (montage/unavailable.py).
handler500 = "montage.unavailable.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("comments/", include("comments.urls")),
    path("subscribe/", include("subscriptions.urls")),
    path("", include("blog.urls")),
]

# Uploads from MEDIA_ROOT, unless a web server in front or object storage serves them.
# Not django.conf.urls.static.static(): it serves nothing without DEBUG.
if settings.MONTAGE_SERVE_MEDIA:
    urlpatterns.append(
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", upload_serve, name="upload")
    )
