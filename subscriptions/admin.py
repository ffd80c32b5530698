from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from subscriptions.models import Announcement, Subscriber


def counts_line():
    """The line the author reads on the subscribers list and the admin's home page."""
    counts = Subscriber.objects.counts()
    return (
        _(
            "%(confirmed)d subscribed to new posts · %(waiting)d waiting for confirmation · "
            "%(unsubscribed)d unsubscribed"
        )
        % counts
    )


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "status", "follows_posts", "created_at", "confirmed_at"]
    list_filter = ["status", "follows_posts"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    fields = [
        "email", "status", "follows_posts", "created_at", "confirmed_at", "unsubscribed_at",
    ]  # fmt: skip
    readonly_fields = ["email", "created_at", "confirmed_at", "unsubscribed_at"]

    def has_add_permission(self, request):
        # Only the owner of an address can subscribe it (double opt-in).
        return False

    def changelist_view(self, request, extra_context=None):
        context = {"title": _("Subscribers: %(counts)s") % {"counts": counts_line()}}
        return super().changelist_view(request, {**context, **(extra_context or {})})


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    """Which posts were emailed to subscribers, when, and to how many."""

    list_display = ["post", "queued_at", "finished_at", "sent_count"]
    search_fields = ["post__title"]
    list_select_related = ["post"]
    readonly_fields = ["post", "queued_at", "finished_at", "sent_count"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
