from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminTextareaWidget
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.timezone import template_localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin
from reversion.models import Version

from blog.forms import (
    CheckedImageField,
    PageForm,
    PostLinkForm,
    PostTrackForm,
    PostTrackFormSet,
    RedirectForm,
    VideoForm,
)
from blog.images import ImageNotStored, uploads_held_back
from blog.markup import body_removals, picture_numbers
from blog.models import (
    Album,
    Artist,
    Category,
    Credit,
    Page,
    Picture,
    Post,
    PostDetail,
    PostLink,
    PostTrack,
    Redirect,
    Track,
    Video,
)
from blog.redirects import redirect_add
from blog.revisions import (
    changes_summary_html,
    post_history,
    post_restore_keeping_today,
    post_version_changes,
    restored_post_keep_today,
)
from blog.views import page_preview, post_preview

# Import from WordPress is registered beside the importer it drives.
from blog.wordpress.admin import may_import as may_import_from_wordpress
from blog.wordpress.export import export_chunks
from comments.forms import plain_bounds
from comments.models import Comment
from freshness import version

PREVIEW = "_preview"


class PreviewRendered(Exception):
    """Carries a preview page out of the admin's transaction, so that it rolls back.

    Raising through the admin's ``transaction.atomic`` and reversion's revision block
    undoes the save, the log entry and the revision alike.
    """

    def __init__(self, response):
        super().__init__()
        self.response = response


class PlainNumbers:
    """Number fields refused with their model field's one plain sentence."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return super().formfield_for_dbfield(db_field, request, **plain_bounds(db_field, kwargs))


class TitleFirst(PlainNumbers):
    """The title comes first and takes the cursor, on the page and in a + popup."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "title":
            field.widget.attrs["autofocus"] = True
        return field


class VideoInline(PlainNumbers, admin.StackedInline):
    model = Video
    form = VideoForm
    extra = 0
    min_num = 0


class PostTrackInline(PlainNumbers, admin.TabularInline):
    model = PostTrack
    form = PostTrackForm
    formset = PostTrackFormSet
    extra = 0
    autocomplete_fields = ["track"]
    verbose_name = _("soundtrack entry")
    verbose_name_plural = _("soundtrack, in order")

    def get_formset(self, request, obj=None, **kwargs):
        """Offer only this post's own videos for "plays in" (none before its first save).

        Read from the post the form edits, not from the URL: a restore form's URL
        names a version, and its post's videos are the ones restored with it.
        """
        formset = super().get_formset(request, obj, **kwargs)
        own_videos = obj.videos.all() if obj is not None and obj.pk else Video.objects.none()
        formset.form.base_fields["video"].queryset = own_videos
        return formset


class PictureInline(PlainNumbers, admin.TabularInline):
    model = Picture
    extra = 0
    formfield_overrides = {models.ImageField: {"form_class": CheckedImageField}}
    fields = ["image", "alt", "caption", "reference"]
    readonly_fields = ["reference"]
    verbose_name = _("picture in the body")
    verbose_name_plural = _("pictures in the body")

    @admin.display(description=_("Put it in the body with"))
    def reference(self, picture):
        if picture.pk is None:
            return _("(once saved)")
        return format_html("<code>{}</code>", picture.reference)


class PostDetailInline(PlainNumbers, admin.TabularInline):
    model = PostDetail
    extra = 0
    verbose_name_plural = _("details box")


class PostLinkInline(PlainNumbers, admin.TabularInline):
    model = PostLink
    form = PostLinkForm
    extra = 0
    verbose_name_plural = _("more info and movies")


class StateFilter(admin.SimpleListFilter):
    """Live, scheduled or draft: what the author asks of a post, not its status field."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("live", _("Live")), ("scheduled", _("Scheduled")), ("draft", _("Draft"))]

    def queryset(self, request, queryset):
        states = {"live": "published", "scheduled": "scheduled", "draft": "drafts"}
        if self.value() in states:
            return getattr(queryset, states[self.value()])()
        return queryset


@admin.register(Post)
class PostAdmin(VersionAdmin):
    # Which rows this admin edits (``PageAdmin`` edits pages), and how it previews one.
    kind = Post.Kind.POST
    preview_page = staticmethod(post_preview)
    list_display = ["title", "state", "published_at", "category", "comments"]
    list_filter = [StateFilter, "category", "published_at"]
    search_fields = ["title", "lead", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category"]
    inlines = [VideoInline, PostTrackInline, PictureInline, PostDetailInline, PostLinkInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body"]}),
        (_("Poster"), {"fields": ["poster", "poster_alt"]}),
        (_("Filing"), {"fields": ["category", "tags"]}),
        (
            _("Publishing"),
            {"fields": ["status", "published_at", "author", "comments_enabled", "sticky"]},
        ),
    ]

    object_history_template = "admin/blog/post/object_history.html"
    # Reversion's list (with "Recover deleted"), Import from and Export for WordPress.
    change_list_template = "admin/blog/post/change_list.html"
    formfield_overrides = {models.ImageField: {"form_class": CheckedImageField}}

    class Media:
        # Drag handles for ordered inlines, states in the list, room for long fields.
        js = ["admin-extra/inline-order.js"]
        css = {"all": ["admin-extra/post-admin.css"]}

    # Preview: the form is validated and saved as usual, the post page is rendered
    # from the saved rows, and everything is rolled back.

    def add_view(self, request, form_url="", extra_context=None):
        return self._previewable(super().add_view, request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._previewable(super().change_view, request, object_id, form_url, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id, object_id=unquote(object_id))
        saved_on = localize(template_localtime(version.revision.date_created))
        context = {
            "title": _("Restore the version saved on %(date)s") % {"date": saved_on},
            **(extra_context or {}),
        }
        with post_restore_keeping_today(unquote(object_id)):
            response = self._previewable(
                super().revision_view, request, object_id, version_id, context
            )
        if request.method == "POST" and response.status_code == 302:
            self.message_user(
                request,
                _("The version saved on %(date)s is restored.") % {"date": saved_on},
                messages.SUCCESS,
            )
        return response

    def get_object(self, request, object_id, from_field=None):
        # On a restore form, the version has just been written back: keep today's
        # status, publish time and poster on it (a no-op on every other page).
        restored_post_keep_today(object_id)
        return super().get_object(request, object_id, from_field)

    def recover_view(self, request, version_id, extra_context=None):
        return self._previewable(super().recover_view, request, version_id, extra_context)

    def _previewable(self, view, request, *args):
        try:
            if not self._is_preview(request):
                return view(request, *args)
            # Nothing the preview caches may be found once its writes are rolled back.
            with uploads_held_back(), version.unshared():
                try:
                    return view(request, *args)
                except PreviewRendered as preview:
                    return preview.response
        except ImageNotStored as failure:
            # The save has rolled back: the form comes back as typed, saying why.
            request.image_not_stored = failure
            return view(request, *args)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        failure = getattr(request, "image_not_stored", None)
        if failure is None:
            return form

        class NotStored(form):
            def clean(self):
                raise ValidationError(str(failure), code="image_not_stored")

        return NotStored

    @staticmethod
    def _is_preview(request):
        return request.method == "POST" and PREVIEW in request.POST

    def response_add(self, request, obj, post_url_continue=None):
        self._raise_preview(request, obj)
        self._warn_about_missing_pictures(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._raise_preview(request, obj)
        self._warn_about_missing_pictures(request, obj)
        return super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "POST" and request.FILES and context.get("errors"):
            # A browser empties every file box of a form that comes back.
            self.message_user(
                request,
                _(
                    "Correct the mistakes below, then choose the poster and pictures again: "
                    "a browser cannot keep a chosen file when the form comes back."
                ),
                messages.WARNING,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _warn_about_missing_pictures(self, request, post):
        numbers = set(post.pictures.values_list("number", flat=True))
        missing = [number for number in picture_numbers(post.body) if number not in numbers]
        if missing:
            self.message_user(
                request,
                ngettext(
                    "The body puts in picture %(numbers)s, which this post does not have; "
                    "readers see nothing there. Upload it under Pictures in the body, or "
                    "correct the number.",
                    "The body puts in pictures %(numbers)s, which this post does not have; "
                    "readers see nothing there. Upload them under Pictures in the body, or "
                    "correct the numbers.",
                    len(missing),
                )
                % {"numbers": ", ".join(map(str, missing))},
                messages.WARNING,
            )

    def _raise_preview(self, request, post):
        if self._is_preview(request):
            raise PreviewRendered(self.preview_page(request, post.pk))

    # Revisions: reversion keeps each save; the history says what each one changed.

    def _admin_url(self, view, *args):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}", args=args)

    def get_urls(self):
        changes = self.admin_site.admin_view(self.changes_view)
        export = []
        if self.kind == Post.Kind.POST:
            # One export of the whole site, pages included: linked from the Posts list.
            export_view = self.admin_site.admin_view(self.wordpress_export_view)
            export = [path("export/", export_view, name="blog_post_wordpress_export")]
        return [
            *export,
            path(
                "<path:object_id>/history/<int:version_id>/changes/",
                changes,
                name=f"{self.opts.app_label}_{self.opts.model_name}_changes",
            ),
            *super().get_urls(),
        ]

    def may_export(self, request):
        """The export holds drafts and commenters' addresses: for those who may see
        posts and comments alike."""
        return self.has_view_permission(request) and request.user.has_perm("comments.view_comment")

    def wordpress_export_view(self, request):
        """The site as a WordPress export, streamed as it is written."""
        if not self.may_export(request):
            raise PermissionDenied
        response = StreamingHttpResponse(export_chunks(), content_type="text/xml; charset=utf-8")
        filename = f"montage-{timezone.localdate():%Y-%m-%d}.xml"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        add_never_cache_headers(response)
        return response

    def history_view(self, request, object_id, extra_context=None):
        post = self.get_object(request, unquote(object_id))
        if post is None or not self.has_view_or_change_permission(request, post):
            # The admin's own answer: a "doesn't exist" redirect, or a refusal.
            return super().history_view(request, object_id, extra_context)
        action_list = []
        for changes in post_history(post):
            version_args = [post.pk, changes.version.pk]
            action_list.append(
                {
                    "revision": changes.version.revision,
                    "url": self._admin_url("revision", *version_args),
                    "changes_url": self._admin_url("changes", *version_args),
                    "summary": changes_summary_html(changes),
                }
            )
        context = {**(extra_context or {}), "action_list": action_list}
        return super().history_view(request, object_id, context)

    def changes_view(self, request, object_id, version_id):
        post = self.get_object(request, unquote(object_id))
        if post is None:
            raise Http404(_("There is no such post."))
        if not self.has_view_or_change_permission(request, post):
            raise PermissionDenied
        changes = post_version_changes(post, version_id)
        if changes is None:
            raise Http404(_("This post has no such version."))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": post,
            "title": _("What changed in this version"),
            "changes": changes,
            "revert_url": self._admin_url("revision", post.pk, version_id),
            "history_url": self._admin_url("history", post.pk),
        }
        return TemplateResponse(request, "admin/blog/post/version_changes.html", context)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A lead is a paragraph; a body is most of the screen.
        rows = {"lead": 3, "body": 18}.get(db_field.name)
        if rows:
            kwargs["widget"] = AdminTextareaWidget(attrs={"rows": rows})
        if db_field.name == "body":
            kwargs["help_text"] = render_to_string(
                "admin/blog/post/body_help.html", {"help_text": db_field.help_text}
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The post is saved either way; the author learns what readers will not see.
        removals = body_removals(form.instance.body)
        if removals and not self._is_preview(request):
            self.message_user(
                request,
                _(
                    "Readers do not see this part of the body: %(removals)s. It stays in "
                    "your text until you take it out."
                )
                % {"removals": "; ".join(str(removal) for removal in removals)},
                messages.WARNING,
            )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "author":
            # The name readers see on the post, rather than a login name.
            field.label_from_instance = lambda user: user.get_full_name() or user.get_username()
        return field

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def changelist_view(self, request, extra_context=None):
        # Where an author moving in looks first: beside Add post.
        may_import = self.kind == Post.Kind.POST and may_import_from_wordpress(request.user)
        context = {
            "wordpress_import_url": reverse("admin:blog_importrun_add") if may_import else None,
            "may_export": self.may_export(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(kind=self.kind)
            .select_related("category")
            .annotate(
                approved_comments=Comment.objects.approved_count_for(Post),
                pending_comments=Comment.objects.pending_count_for(Post),
            )
        )

    @admin.display(description=_("State"), ordering="status")
    def state(self, post):
        """Draft, private, scheduled (published with a time still to come) or live."""
        if post.is_private:
            state, label = "private", _("Private")
        elif post.is_scheduled:
            state, label = "scheduled", _("Scheduled")
        elif post.is_published:
            state, label = "live", _("Live")
        else:
            state, label = "draft", _("Draft")
        return format_html('<span class="post-state post-state--{}">{}</span>', state, label)

    @admin.display(description=_("Comments"), ordering="approved_comments")
    def comments(self, post):
        if not post.pending_comments:
            return post.approved_comments
        queue = reverse("admin:comments_comment_changelist")
        this_post = {
            "status": "pending",
            "content_type": ContentType.objects.get_for_model(Post).pk,
            "object_id": post.pk,
        }
        this_posts_queue = f"{queue}?{urlencode(this_post)}"
        return format_html(
            '{} (<a href="{}">{} pending</a>)',
            post.approved_comments,
            this_posts_queue,
            post.pending_comments,
        )


@admin.register(Page)
class PageAdmin(PostAdmin):
    """Pages, written as posts are, without what only a post has (lead, poster, filing,
    videos, soundtrack, details, links), and placed in the menu."""

    kind = Post.Kind.PAGE
    preview_page = staticmethod(page_preview)
    form = PageForm
    list_display = ["title", "state", "menu_position", "in_menu", "comments"]
    list_editable = ["menu_position", "in_menu"]
    list_filter = [StateFilter, "in_menu"]
    search_fields = ["title", "body"]
    date_hierarchy = None
    autocomplete_fields = []
    inlines = [PictureInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "body"]}),
        (_("Menu"), {"fields": ["in_menu", "menu_position"]}),
        (_("Publishing"), {"fields": ["status", "published_at", "author", "comments_enabled"]}),
    ]
    object_history_template = "admin/blog/page/object_history.html"

    def get_changeform_initial_data(self, request):
        # A page is not a conversation: comments are off unless the author opens them.
        return {"comments_enabled": False, **super().get_changeform_initial_data(request)}


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "post_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        # Counting drops Meta.ordering (Django leaves GROUP BY queries unordered), and
        # the post form's category autocomplete pages through this queryset.
        return super().get_queryset(request).annotate(post_count=Count("posts")).order_by("name")

    @admin.display(description=_("Posts"), ordering="post_count")
    def post_count(self, category):
        return category.post_count


class CreditInline(PlainNumbers, admin.TabularInline):
    model = Credit
    extra = 1
    autocomplete_fields = ["artist"]


@admin.register(Track)
class TrackAdmin(TitleFirst, admin.ModelAdmin):
    list_display = ["title", "album", "chart_peak"]
    fields = ["title", "album", "chart_position", "chart_name"]
    search_fields = ["title", "artists__name", "album__title"]
    autocomplete_fields = ["album"]
    inlines = [CreditInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("album")


@admin.register(Album)
class AlbumAdmin(TitleFirst, admin.ModelAdmin):
    list_display = ["title", "label", "release_date", "certification", "chart_peak"]
    fields = ["title", "label", "release_date", "certification", "chart_position", "chart_name"]
    search_fields = ["title", "label"]


@admin.register(Artist)
class ArtistAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class RedirectAnswerFilter(admin.SimpleListFilter):
    title = _("answer")
    parameter_name = "answer"

    def lookups(self, request, model_admin):
        return [("moved", _("Moved (301)")), ("gone", _("Gone (410)"))]

    def queryset(self, request, queryset):
        if self.value() == "moved":
            return queryset.exclude(new_path="")
        if self.value() == "gone":
            return queryset.filter(new_path="")
        return queryset


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    form = RedirectForm
    list_display = ["old_path", "answer", "note", "created_at"]
    list_filter = [RedirectAnswerFilter]
    search_fields = ["old_path", "new_path", "note"]

    @admin.display(description=_("Readers get"), ordering="new_path")
    def answer(self, redirect):
        if redirect.is_gone:
            return format_html("<strong>{}</strong>", _("Gone (410)"))
        return format_html("→ {}", redirect.new_path)

    def save_model(self, request, obj, form, change):
        """Saved through ``redirect_add``, so what led to the old address follows it."""
        with transaction.atomic():
            if change and "old_path" in form.changed_data:
                Redirect.objects.filter(pk=obj.pk).update(old_path=obj.old_path)
            saved = redirect_add(old_path=obj.old_path, new_path=obj.new_path, note=obj.note)
        obj.pk, obj.created_at = saved.pk, saved.created_at
