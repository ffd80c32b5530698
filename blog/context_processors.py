from blog.page_meta import default_page_meta
from site_settings.conf import site_settings


def site(request):
    """The site's name and tagline, for the header, titles and Open Graph tags, and the
    head's canonical address and sharing tags for a view that sets none."""
    config = site_settings()
    return {
        "site_title": config.title,
        "site_tagline": config.tagline,
        "page_meta": default_page_meta(request),
    }
