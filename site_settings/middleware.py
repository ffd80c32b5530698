import zoneinfo

from django.utils import timezone

from site_settings.conf import site_settings


class SiteTimeZoneMiddleware:
    """Show every date in the site's time zone, read per request from the site settings.

    ``TIME_ZONE`` in Django's settings only gives the starting value: the author picks
    the zone in the admin, and it applies from the next request, without a restart.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.activate(zoneinfo.ZoneInfo(site_settings().time_zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
