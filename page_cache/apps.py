from django.apps import AppConfig
from django.test.signals import setting_changed


class PageCacheConfig(AppConfig):
    name = "page_cache"
    verbose_name = "Page cache"

    def ready(self):
        from page_cache.middleware import forget_recent_pages

        setting_changed.connect(forget_recent_pages, dispatch_uid="page_cache.settings")
