from site_settings.conf import site_settings


def site(request):
    """The site's name and tagline, for the header, titles and Open Graph tags."""
    config = site_settings()
    return {"site_title": config.title, "site_tagline": config.tagline}
