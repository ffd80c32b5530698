from django import template

from subscriptions.admin import counts_line

register = template.Library()


@register.simple_tag
def subscriber_counts():
    return counts_line()
