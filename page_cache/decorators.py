from functools import wraps


def cacheable(view):
    """Mark what ``view`` answers as the same for every reader without a cookie that
    changes a page (``page_cache.middleware``), so it may be stored and shared."""

    @wraps(view)
    def marked(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.page_cacheable = True
        return response

    return marked
