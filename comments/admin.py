from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comments.models import Comment
from comments.services import comment_approve, comment_mark_spam, comment_restore, comment_trash

MODERATION_ACTIONS = {
    "approve": (comment_approve, _("Approve"), _("approved")),
    "spam": (comment_mark_spam, _("Mark as spam"), _("marked as spam")),
    "trash": (comment_trash, _("Move to trash"), _("moved to the trash")),
    "restore": (comment_restore, _("Back to moderation"), _("sent back to moderation")),
}


def _bulk(name):
    service, label, done = MODERATION_ACTIONS[name]

    @admin.action(description=label, permissions=["change"])
    def action(modeladmin, request, queryset):
        count = service(comments=list(queryset))
        modeladmin.message_user(
            request,
            ngettext("%(count)d comment %(done)s.", "%(count)d comments %(done)s.", count)
            % {"count": count, "done": done},
            messages.SUCCESS,
        )

    action.__name__ = f"bulk_{name}"
    return action


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "status", "target_link", "name", "email", "created_at"]
    list_display_links = ["excerpt"]
    list_filter = ["status", "is_author", "created_at"]
    search_fields = ["name", "email", "text", "ip_address"]
    date_hierarchy = "created_at"
    list_select_related = ["content_type"]
    actions = [_bulk(name) for name in MODERATION_ACTIONS]
    readonly_fields = [
        "target_link", "parent", "user", "ip_address", "user_agent", "created_at", "updated_at",
    ]  # fmt: skip
    fields = [
        "status", "target_link", "parent", "name", "email", "url", "text", "is_author",
        "user", "ip_address", "user_agent", "created_at", "updated_at",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("target")

    @admin.display(description=_("Comment"))
    def excerpt(self, comment):
        return Truncator(comment.text).chars(80)

    @admin.display(description=_("On"))
    def target_link(self, comment):
        if comment.target is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', comment.target.get_absolute_url(), comment.target
        )

    def changelist_view(self, request, extra_context=None):
        pending = Comment.objects.pending().count()
        title = ngettext(
            "Comments: %(count)d awaiting moderation",
            "Comments: %(count)d awaiting moderation",
            pending,
        ) % {"count": pending}
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def get_urls(self):
        return [
            path(
                f"<int:pk>/{name}/",
                self.admin_site.admin_view(self.moderate_view),
                {"action": name},
                name=f"comments_comment_{name}",
            )
            for name in MODERATION_ACTIONS
        ] + super().get_urls()

    def moderate_view(self, request, pk, action):
        """One comment, one action: a GET asks to confirm (mail links), a POST does it."""
        comment = get_object_or_404(Comment, pk=pk)
        if not self.has_change_permission(request, comment):
            return redirect("admin:index")
        service, label, done = MODERATION_ACTIONS[action]
        if request.method == "POST":
            service(comments=[comment])
            self.message_user(request, _("The comment was %(done)s.") % {"done": done})
            queue = reverse("admin:comments_comment_changelist")
            return redirect(f"{queue}?status__exact=pending")
        context = {
            **self.admin_site.each_context(request),
            "title": label,
            "comment": comment,
            "action_label": label,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/comments/comment/moderate.html", context)
