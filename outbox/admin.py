from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from outbox.models import OutgoingMail
from outbox.services import mail_retry


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """The outbox: what left, what waits for a retry, what failed. Read-only but for retry."""

    list_display = [
        "subject",
        "recipient_count",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    fields = [
        "subject",
        "from_email",
        "recipients",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
        "message_text",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("recipients"))
    def recipient_count(self, mail):
        return len(mail.recipients)

    @admin.display(description=_("message"))
    def message_text(self, mail):
        return bytes(mail.message).decode("utf-8", errors="replace")

    @admin.action(description=_("Send the selected failed mail again"), permissions=["view"])
    def retry(self, request, queryset):
        retried = mail_retry(mails=queryset)
        self.message_user(
            request,
            ngettext("%(count)d mail queued again.", "%(count)d mails queued again.", retried)
            % {"count": retried},
            messages.SUCCESS if retried else messages.WARNING,
        )
