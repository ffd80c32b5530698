"""A subscriber's share of a person's privacy request, plugged into the comments app's
(``COMMENTS_PRIVACY_EXPORTERS`` and ``COMMENTS_PRIVACY_ERASERS`` in montage/settings.py)."""

from subscriptions.models import Subscriber


def subscriber_export(*, email: str) -> dict:
    subscribers = Subscriber.objects.by_email(email).prefetch_related("watches")
    return {
        "subscriptions": [
            {
                "email": subscriber.email,
                "status": subscriber.status,
                "gets_new_posts": subscriber.follows_posts,
                "replies_to_comments": [watch.comment_id for watch in subscriber.watches.all()],
                "created_at": subscriber.created_at.isoformat(),
                "confirmed_at": subscriber.confirmed_at and subscriber.confirmed_at.isoformat(),
                "unsubscribed_at": (
                    subscriber.unsubscribed_at and subscriber.unsubscribed_at.isoformat()
                ),
            }
            for subscriber in subscribers
        ]
    }


def subscriber_erase(*, email: str) -> int:
    """Delete the subscriber outright: nothing of it is worth keeping anonymised."""
    count, _by_model = Subscriber.objects.by_email(email).delete()
    return count
