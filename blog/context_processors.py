from django.utils.functional import SimpleLazyObject

from blog.page_meta import default_page_meta
from blog.post_page import menu_pages
from site_settings.conf import site_settings


def site(request):
    """The site's name, tagline and menu of pages, for the header, titles and Open Graph
    tags (the menu is read only by a template that shows it), and the head's
    canonical address and sharing tags for a view that sets none."""
    config = site_settings()
    return {
        "site_title": config.title,
        "site_tagline": config.tagline,
        "page_meta": default_page_meta(request),
        "menu_pages": SimpleLazyObject(menu_pages),
    }
