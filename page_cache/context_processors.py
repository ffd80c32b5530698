from page_cache.holes import collecting, hole


def holes(request):
    """``{% csrf_token %}`` writes a hole while a page is rendered for the cache."""
    if collecting(request):
        return {"csrf_token": hole(request, "csrf")}
    return {}
