from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.functional import lazy

from site_settings.conf import site_settings

# Read as each admin page renders, so the admin follows the Site settings' title.
admin.site.site_header = lazy(lambda: f"{site_settings().title} admin", str)()
admin.site.site_title = lazy(lambda: site_settings().title, str)()

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("blog.urls")),
]

# Local media only; in production uploads are served by the web server or object storage.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
