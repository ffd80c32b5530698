from django import template
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list

from blog.embeds import format_iso_duration, format_timestamp
from blog.jsonld import ScriptJSON, script_json

register = template.Library()


@register.filter
def timestamp(seconds):
    """95 -> "1:35"."""
    return "" if seconds is None else format_timestamp(seconds)


@register.filter
def iso_duration(seconds):
    """95 -> "PT1M35S", for ``<time datetime>``."""
    return "" if seconds is None else format_iso_duration(seconds)


@register.filter
def names(artists):
    """[A, B, C] -> "A, B and C"."""
    return get_text_list([str(artist) for artist in artists], "and")


@register.inclusion_tag("blog/_poster.html")
def poster(post, sizes="100vw", loading="lazy"):
    """The post's poster, or the local placeholder, always with its width and height."""
    return {"post": post, "sizes": sizes, "loading": loading}


@register.filter
def ld_json(data):
    """JSON-LD for ``<script type="application/ld+json">``, with nothing that could end it."""
    return mark_safe(data if isinstance(data, ScriptJSON) else script_json(data))
