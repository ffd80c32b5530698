from django import template
from django.utils.text import get_text_list

from blog.embeds import format_timestamp

register = template.Library()


@register.filter
def timestamp(seconds):
    """95 -> "1:35"."""
    return "" if seconds is None else format_timestamp(seconds)


@register.filter
def iso_duration(seconds):
    """95 -> "PT1M35S", for ``<time datetime>``."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"PT{f'{hours}H' if hours else ''}{f'{minutes}M' if minutes else ''}{seconds}S"


@register.filter
def names(artists):
    """[A, B, C] -> "A, B and C"."""
    return get_text_list([str(artist) for artist in artists], "and")


@register.inclusion_tag("blog/_poster.html")
def poster(post, sizes="100vw", loading="lazy"):
    """The post's poster, or the local placeholder, always with its width and height."""
    return {"post": post, "sizes": sizes, "loading": loading}
