from django import template

from outbox.models import OutgoingMail

register = template.Library()


@register.simple_tag
def mail_trouble():
    """Unsent mail whose last try failed: how many, and the latest of them."""
    troubled = OutgoingMail.objects.in_trouble()
    latest = troubled.order_by("-updated_at").first()
    if latest is None:
        return None
    return {"count": troubled.count(), "latest": latest}
