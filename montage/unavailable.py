"""The site's answer to an uncaught error: 503 while the database is out of reach, else 500.

Django hands every exception that escapes a view or a middleware (the content version's
read, a session or a user loaded from the database) to ``handler500``; this one looks at
what is being handled. A database that refuses connections, or drops one mid-request
(PostgreSQL restarting), is a pause, not a fault: readers get a short page saying so,
with ``Retry-After``, and a proxy in front may retry. Neither page queries anything: they
render with no request context, so no context processor runs.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views.defaults import server_error as fault_page

logger = logging.getLogger(__name__)

# PostgreSQL restarts in a few seconds; a reader's browser or a proxy waits this long.
RETRY_AFTER_SECONDS = 5
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)


def server_error(request):
    """``handler500``: the 503 page when the database is unavailable, else Django's 500."""
    error = sys.exc_info()[1]
    if not isinstance(error, UNAVAILABLE_ERRORS):
        return fault_page(request)
    logger.warning("database unavailable for %s: %s", request.path, type(error).__name__)
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
