from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_migrate


class FreshnessConfig(AppConfig):
    name = "freshness"
    verbose_name = "Freshness"

    def ready(self):
        from freshness import triggers, version

        # After every migrate (and every flush), once every app's tables are there: a table
        # a migration added gets its triggers, and one that left the watch loses them.
        post_migrate.connect(triggers.install, sender=self, dispatch_uid="freshness.install")
        request_started.connect(version.begin_request, dispatch_uid="freshness.begin")
        request_finished.connect(version.end_request, dispatch_uid="freshness.end")
