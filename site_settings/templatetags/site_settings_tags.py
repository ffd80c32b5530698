from django import template

from site_settings import authors, notices

register = template.Library()


@register.filter
def public_name(user):
    """The name readers see for ``user``: ``{{ post.author|public_name }}``."""
    return authors.public_name(user)


@register.simple_tag(takes_context=True)
def author_name_notice(context):
    return notices.author_name_notice(context["request"].user)


@register.simple_tag
def moderation_address_notice(pending):
    return notices.moderation_address_notice(pending)
