from django.conf import settings


def site(request):
    """The site's name and tagline, for the header, titles and Open Graph tags."""
    return {
        "site_title": settings.MONTAGE_SITE_TITLE,
        "site_tagline": settings.MONTAGE_SITE_TAGLINE,
    }
