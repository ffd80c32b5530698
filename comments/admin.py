import json
from itertools import groupby
from operator import attrgetter
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comments.conf import discussion_settings, given_values, initial_row_values
from comments.forms import plain_bounds
from comments.models import Comment, DiscussionSettings
from comments.options import OPTIONS
from comments.privacy import person_elsewhere, person_erase, person_export
from comments.services import (
    comment_approve,
    comment_mark_spam,
    comment_publication_tell,
    comment_reply_as_author,
    comment_restore,
    comment_trash,
)
from comments.spam.checks import percent
from comments.spam.learning import spam_follow

MODERATION_ACTIONS = {
    "approve": (comment_approve, _("Approve"), _("approved")),
    "spam": (comment_mark_spam, _("Mark as spam"), _("marked as spam")),
    "trash": (comment_trash, _("Move to trash"), _("moved to the trash")),
    "restore": (comment_restore, _("Back to moderation"), _("sent back to moderation")),
}


# The row buttons, short to fit; a comment has no button for the state it is in.
ROW_ACTIONS = [("approve", _("Approve")), ("spam", _("Spam")), ("trash", _("Trash"))]
# A spam row also offers "Not spam": back to moderation, and the spam filter unlearns it.
NOT_SPAM = ("restore", _("Not spam"))
ROW_ACTION_SPOKEN = {"restore": _("Mark as not spam")}  # "… the comment by Ivan"
ROW_ACTION_DONE = {
    Comment.Status.APPROVED: "approve",
    Comment.Status.SPAM: "spam",
    Comment.Status.TRASH: "trash",
}


def _row_actions(comment):
    actions = [
        (name, label) for name, label in ROW_ACTIONS if name != ROW_ACTION_DONE.get(comment.status)
    ]
    return [*actions, NOT_SPAM] if comment.status == Comment.Status.SPAM else actions


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


def _counted(found):
    """Other apps' data about a person, as a count of each kind of item."""
    return {what: len(items) for what, items in found.items() if items}


class PersonForm(forms.Form):
    email = forms.EmailField(label=_("Commenter's email address"))


class EraseForm(PersonForm):
    how = forms.ChoiceField(
        label=_("How"),
        choices=[
            ("anonymise", _("Anonymise: keep the comments, remove name, email, website, IP")),
            ("delete", _("Delete the comments, and the replies to them")),
        ],
        widget=forms.RadioSelect,
        initial="anonymise",
    )


class StatusFilter(admin.SimpleListFilter):
    """Status, opening on the moderation queue rather than on everything."""

    title = _("status")
    parameter_name = "status"
    default = Comment.Status.PENDING

    def lookups(self, request, model_admin):
        return [*Comment.Status.choices, ("all", _("All"))]

    def value(self):
        return super().value() or self.default

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        return queryset.filter(status=self.value())


class SpamScoreFilter(admin.SimpleListFilter):
    """The spam filter's score on arrival, cut where the discussion settings cut it."""

    title = _("spam score")
    parameter_name = "spam_score"

    def lookups(self, request, model_admin):
        conf = discussion_settings()
        return [
            ("spam", _("Spam (%(low)d %% and up)") % {"low": conf.spam_threshold}),
            (
                "unsure",
                _("Unsure (%(low)d to %(high)d %%)")
                % {"low": conf.spam_hold_threshold, "high": conf.spam_threshold},
            ),
            ("low", _("Low (under %(high)d %%)") % {"high": conf.spam_hold_threshold}),
            ("none", _("Not scored")),
        ]

    def queryset(self, request, queryset):
        conf = discussion_settings()
        spam, hold = conf.spam_threshold / 100, conf.spam_hold_threshold / 100
        ranges = {
            "spam": {"spam_score__gte": spam},
            "unsure": {"spam_score__gte": hold, "spam_score__lt": spam},
            "low": {"spam_score__lt": hold},
            "none": {"spam_score__isnull": True},
        }
        if self.value() in ranges:
            return queryset.filter(**ranges[self.value()])
        return queryset


class AuthorFilter(admin.BooleanFieldListFilter):
    """Titled "By the author", not the field's label ("by the author") after "By"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("the author")


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 5}))


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "excerpt",
        "status",
        "moderation_reason",
        "score",
        "target_link",
        "sender",
        "created_at",
    ]
    list_display_links = ["excerpt"]
    list_filter = [StatusFilter, SpamScoreFilter, ("is_author", AuthorFilter), "created_at"]
    search_fields = ["name", "email", "text", "ip_address"]
    date_hierarchy = "created_at"
    list_select_related = ["content_type"]
    actions = [_bulk(name) for name in MODERATION_ACTIONS]
    readonly_fields = [
        "target_link", "parent", "commenter_history", "user", "ip_address", "user_agent",
        "created_at", "updated_at", "moderation_reason", "spam_explained",
    ]  # fmt: skip
    fields = [
        "status", "moderation_reason", "spam_explained",
        "target_link", "parent", "name", "email", "commenter_history", "url", "text",
        "is_author", "user", "ip_address", "user_agent", "created_at", "updated_at",
    ]  # fmt: skip
    change_form_template = "admin/comments/comment/change_form_with_reply.html"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    class Media:
        css = {"all": ["comments/comment-list.css"]}

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("target")

    def get_list_display(self, request):
        """The columns, then one-click Approve, Spam and Trash for each row (and Not spam
        for a spam one).

        The list is one ``<form>``, so each button posts it to that comment's own
        moderation URL (``formaction``), with this page's address to come back to.
        """
        back = urlencode({"next": request.get_full_path()})

        @admin.display(description=_("Moderate"))
        def moderate(comment):
            return format_html_join(
                " ",
                '<button type="submit" class="button row-action" formaction="{}?{}" '
                'aria-label="{} the comment by {}">{}</button>',
                (
                    (reverse(f"admin:comments_comment_{name}", args=[comment.pk]), back,
                     ROW_ACTION_SPOKEN.get(name, label), comment.name, label)
                    for name, label in _row_actions(comment)
                ),
            )  # fmt: skip

        return [*super().get_list_display(request), moderate]

    @admin.display(description=_("From"), ordering="name")
    def sender(self, comment):
        """Name over email, in one column: the list fits 1280 px with its row buttons."""
        return format_html("{}<br><small>{}</small>", comment.name, comment.email or "—")

    @admin.display(description=_("Spam score"), ordering="spam_score")
    def score(self, comment):
        return "—" if comment.spam_score is None else percent(comment.spam_score)

    @admin.display(description=_("Spam filter"))
    def spam_explained(self, comment):
        """The score on arrival and the tokens that moved it most, each with its pull."""
        if comment.spam_score is None:
            return _(
                "Not scored: it arrived before the filter had learned any of its words, "
                "or the filter failed (the reason says so)."
            )
        clues = format_html_join(
            "",
            "<li><code>{}</code> {}</li>",
            ((token, percent(probability)) for token, probability in comment.spam_clues),
        )
        return format_html(
            '{} <ul class="spam-clues">{}</ul>',
            _("Scored %(score)s on arrival, from these tokens (each one's share of spam):")
            % {"score": percent(comment.spam_score)},
            clues,
        )

    @admin.display(description=_("Comment"))
    def excerpt(self, comment):
        return Truncator(comment.text).chars(80)

    @admin.display(description=_("This commenter"))
    def commenter_history(self, comment):
        """Their comments by status, linked to the list of them all."""
        if not comment.email:
            return "—"
        counts = dict(
            Comment.objects.by_email(comment.email)
            .values_list("status")
            .annotate(count=models.Count("pk"))
        )
        summary = ", ".join(
            f"{counts[status]} {label.lower()}" for status, label in Comment.Status.choices
            if counts.get(status)
        )  # fmt: skip
        url = reverse("admin:comments_comment_changelist")
        query = urlencode({"status": "all", "q": comment.email})
        return format_html('<a href="{}?{}">{}</a>', url, query, summary)

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
        privacy = [
            path(
                "privacy/",
                self.admin_site.admin_view(self.privacy_view),
                name="comments_comment_privacy",
            ),
            path(
                "privacy/export/",
                self.admin_site.admin_view(self.privacy_export_view),
                name="comments_comment_privacy_export",
            ),
            path(
                "<int:pk>/reply/",
                self.admin_site.admin_view(self.reply_view),
                name="comments_comment_reply",
            ),
            path(
                "privacy/erase/",
                self.admin_site.admin_view(self.privacy_erase_view),
                name="comments_comment_privacy_erase",
            ),
        ]
        return (
            privacy
            + [
                path(
                    f"<int:pk>/{name}/",
                    self.admin_site.admin_view(self.moderate_view),
                    {"action": name},
                    name=f"comments_comment_{name}",
                )
                for name in MODERATION_ACTIONS
            ]
            + super().get_urls()
        )

    def moderate_view(self, request, pk, action):
        """One comment, one action: a GET asks to confirm (mail links), a POST does it."""
        comment = get_object_or_404(Comment, pk=pk)
        if not self.has_change_permission(request, comment):
            return redirect("admin:index")
        service, label, done = MODERATION_ACTIONS[action]
        if request.method == "POST":
            service(comments=[comment])
            self.message_user(request, _("The comment was %(done)s.") % {"done": done})
            return redirect(self._back_to_list(request))
        context = {
            **self.admin_site.each_context(request),
            "title": label,
            "comment": comment,
            "action_label": label,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/comments/comment/moderate.html", context)

    def _back_to_list(self, request):
        """The list page the row's button was on, filters and all, else the queue."""
        back = request.GET.get("next", "")
        changelist = reverse("admin:comments_comment_changelist")
        if back.startswith(changelist) and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return back
        return changelist

    def _privacy_context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": self.opts, **extra}

    def privacy_view(self, request):
        """Look a person up by email: how much is stored, and the export and erase."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = PersonForm(request.GET or None)
        found = elsewhere = None
        if form.is_valid():
            found = Comment.objects.by_email(form.cleaned_data["email"]).count()
            elsewhere = _counted(person_elsewhere(email=form.cleaned_data["email"]))
        context = self._privacy_context(
            request,
            title=_("Privacy requests"),
            form=form,
            found=found,
            elsewhere=elsewhere,
            erase_form=EraseForm(initial={"email": form.data.get("email", "")}),
        )
        return TemplateResponse(request, "admin/comments/comment/privacy.html", context)

    def privacy_export_view(self, request):
        """Everything stored about one person, as a JSON download."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = PersonForm(request.GET)
        if not form.is_valid():
            return redirect("admin:comments_comment_privacy")
        data = person_export(email=form.cleaned_data["email"])
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="montage-comments-export.json"'
        return response

    def privacy_erase_view(self, request):
        """Erase one person: a POST shows what will go, a confirmed POST erases it."""
        if not self.has_delete_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return redirect("admin:comments_comment_privacy")
        form = EraseForm(request.POST)
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/comments/comment/privacy.html",
                self._privacy_context(
                    request, title=_("Privacy requests"), form=PersonForm(), erase_form=form
                ),
            )
        email, delete = form.cleaned_data["email"], form.cleaned_data["how"] == "delete"
        if request.POST.get("confirmed") != "yes":
            context = self._privacy_context(
                request,
                title=_("Erase this person's data?"),
                form=form,
                comments=Comment.objects.by_email(email).select_related("content_type"),
                elsewhere=_counted(person_elsewhere(email=email)),
                delete=delete,
            )
            return TemplateResponse(
                request, "admin/comments/comment/privacy_confirm.html", context
            )
        count = person_erase(email=email, delete=delete)
        done = _("deleted") if delete else _("anonymised")
        self.message_user(
            request,
            ngettext("%(count)d comment %(done)s.", "%(count)d comments %(done)s.", count)
            % {"count": count, "done": done},
            messages.SUCCESS,
        )
        return redirect("admin:comments_comment_privacy")

    def save_model(self, request, obj, form, change):
        """The status edited on the comment's own page publishes it like an Approve, and
        teaches the spam filter like one; an edited text is learned as it now reads."""
        super().save_model(request, obj, form, change)
        if "status" in form.changed_data:
            comment_publication_tell(comments=[obj])
        if {"status", "text", "name", "url"} & set(form.changed_data):
            spam_follow(comments=[obj], relearn=True)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"reply_form": ReplyForm(), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra)

    def reply_view(self, request, pk):
        """Publish the author's answer, threaded under the comment."""
        comment = get_object_or_404(Comment, pk=pk)
        if request.method != "POST" or not self.has_change_permission(request, comment):
            raise PermissionDenied
        form = ReplyForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _("Write a reply before sending it."), messages.ERROR)
            return redirect("admin:comments_comment_change", comment.pk)
        reply = comment_reply_as_author(
            parent=comment, author=request.user, text=form.cleaned_data["text"]
        )
        self.message_user(
            request,
            format_html(
                'Your reply is published: <a href="{}">see it on the page</a>.',
                reply.get_absolute_url(),
            ),
            messages.SUCCESS,
        )
        return redirect("admin:comments_comment_changelist")


def _fieldsets():
    """The admin's fieldsets, in the order ``OPTIONS`` declares the author's options."""
    in_admin = [option for option in OPTIONS if option.in_admin]
    return [
        (title, {"fields": [option.name for option in options]})
        for title, options in groupby(in_admin, key=attrgetter("fieldset"))
    ]


class SettingsPageAdmin(admin.ModelAdmin):
    """A page of settings kept in one row (the model's ``SINGLETON_PK``).

    The list opens the page; it can be neither added nor deleted; until the first save
    it shows the values in force, unsaved (``unsaved_row``). The site's own settings
    page is one too.
    """

    def unsaved_row(self):
        raise NotImplementedError

    def _page_url(self):
        opts = self.opts
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.model.SINGLETON_PK]
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {
            "title": capfirst(self.opts.verbose_name),
            "subtitle": None,
            "show_save_and_continue": False,
        }
        return super().change_view(
            request, object_id, form_url, {**context, **(extra_context or {})}
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return redirect(self._page_url())

    def get_object(self, request, object_id, from_field=None):
        if str(object_id) != str(self.model.SINGLETON_PK):
            return None
        return self.model.objects.filter(pk=self.model.SINGLETON_PK).first() or self.unsaved_row()

    def response_change(self, request, obj):
        message = _("%(settings)s saved.") % {"settings": capfirst(self.opts.verbose_name)}
        self.message_user(request, message, messages.SUCCESS)
        return redirect(self._page_url())


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(SettingsPageAdmin):
    fieldsets = _fieldsets()
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 4})}}

    class Media:
        css = {"all": ["comments/settings-form.css"]}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return super().formfield_for_dbfield(db_field, request, **plain_bounds(db_field, kwargs))

    def get_form(self, request, obj=None, change=False, **kwargs):
        """Say at each field what the project sets, and whether it still applies."""
        form = super().get_form(request, obj, change, **kwargs)
        saved = DiscussionSettings.objects.filter(pk=DiscussionSettings.SINGLETON_PK).exists()
        for name, given in given_values().items():
            if name not in form.base_fields:
                continue
            if saved:
                note = _(
                    "%(setting)s=%(shown)s is set in %(origin)s; the value saved here applies."
                )
            else:
                note = _("%(setting)s=%(shown)s is set in %(origin)s: it applies until you save.")
            field = form.base_fields[name]
            field.help_text = format_html(
                '{}<span class="given-setting">{}</span>', field.help_text, note % vars(given)
            )
        return form

    def unsaved_row(self):
        """Nothing is stored until the author saves: until then the project's settings
        (``COMMENTS_*``) keep applying, even after someone has looked at this page."""
        return DiscussionSettings(pk=DiscussionSettings.SINGLETON_PK, **initial_row_values())
