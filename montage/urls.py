from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

admin.site.site_header = f"{settings.MONTAGE_SITE_TITLE} admin"
admin.site.site_title = settings.MONTAGE_SITE_TITLE

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("blog.urls")),
]

# Local media only; in production uploads are served by the web server or object storage.
# Not django.conf.urls.static.static(): it serves nothing without DEBUG, and `make run`
# runs without debug pages.
if settings.MONTAGE_SERVE_MEDIA:
    urlpatterns.append(
        re_path(
            rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    )
