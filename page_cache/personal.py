"""A response for one reader alone is private, whichever view answered it.

A response that sets a cookie, or varies on the cookies the reader sent (Django's CSRF
middleware says so of every page holding a CSRF token, the session middleware of every
response that read the session), and says nothing itself of how to cache it, gets
``Cache-Control: private``. Otherwise a shared cache that keys pages on their address
alone (many CDNs ignore ``Vary: Cookie``), or that stores responses setting cookies,
would hand one reader's CSRF token, and their cookie with it, to the next reader. Pages
the page cache answers say more already (``page_cache.middleware``).
"""

from django.utils.cache import has_vary_header, patch_cache_control


class PersonalResponsesPrivateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        personal = bool(response.cookies) or has_vary_header(response, "Cookie")
        if personal and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True)
        return response
