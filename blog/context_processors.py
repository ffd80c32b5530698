from blog.models import Page
from site_settings.conf import site_settings


def site(request):
    """The site's name, tagline and menu of pages, for the header, titles and Open Graph
    tags. The menu is a query run only by a template that shows it (one query)."""
    config = site_settings()
    return {
        "site_title": config.title,
        "site_tagline": config.tagline,
        "menu_pages": Page.objects.in_menu(),
    }
