from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from blog.forms import PostLinkForm, PostTrackForm, VideoForm
from blog.models import (
    Album,
    Artist,
    Category,
    Credit,
    Post,
    PostDetail,
    PostLink,
    PostTrack,
    Track,
    Video,
)
from comments.models import Comment


class VideoInline(admin.StackedInline):
    model = Video
    form = VideoForm
    extra = 0
    min_num = 0


class PostTrackInline(admin.TabularInline):
    model = PostTrack
    form = PostTrackForm
    extra = 0
    autocomplete_fields = ["track"]
    verbose_name = _("soundtrack entry")
    verbose_name_plural = _("soundtrack, in order")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only this post's own videos for "plays in".
        if db_field.name == "video":
            post_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Video.objects.filter(post_id=post_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PostDetailInline(admin.TabularInline):
    model = PostDetail
    extra = 0
    verbose_name_plural = _("details box")


class PostLinkInline(admin.TabularInline):
    model = PostLink
    form = PostLinkForm
    extra = 0
    verbose_name_plural = _("more info and movies")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "state", "published_at", "category", "comments"]
    list_filter = ["status", "category", "published_at"]
    search_fields = ["title", "lead", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category"]
    inlines = [VideoInline, PostTrackInline, PostDetailInline, PostLinkInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body"]}),
        (_("Poster"), {"fields": ["poster", "poster_alt"]}),
        (_("Filing"), {"fields": ["category", "tags"]}),
        (_("Publishing"), {"fields": ["status", "published_at", "author", "comments_enabled"]}),
    ]

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("category")
            .annotate(
                approved_comments=Comment.objects.approved_count_for(Post),
                pending_comments=Comment.objects.pending_count_for(Post),
            )
        )

    @admin.display(description=_("State"), ordering="status")
    def state(self, post):
        """Draft, scheduled (published with a time still to come) or live."""
        if post.is_scheduled:
            return _("Scheduled")
        return _("Live") if post.is_published else _("Draft")

    @admin.display(description=_("Comments (pending)"), ordering="approved_comments")
    def comments(self, post):
        if not post.pending_comments:
            return post.approved_comments
        queue = reverse("admin:comments_comment_changelist")
        return format_html(
            '{} (<a href="{}?status=pending">{} pending</a>)',
            post.approved_comments,
            queue,
            post.pending_comments,
        )


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "post_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=Count("posts"))

    @admin.display(description=_("Posts"), ordering="post_count")
    def post_count(self, category):
        return category.post_count


class CreditInline(admin.TabularInline):
    model = Credit
    extra = 1
    autocomplete_fields = ["artist"]


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["title", "album", "chart_peak"]
    search_fields = ["title", "artists__name", "album__title"]
    autocomplete_fields = ["album"]
    inlines = [CreditInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("album")


@admin.register(Album)
class AlbumAdmin(admin.ModelAdmin):
    list_display = ["title", "label", "release_date", "certification", "chart_peak"]
    search_fields = ["title", "label"]


@admin.register(Artist)
class ArtistAdmin(admin.ModelAdmin):
    search_fields = ["name"]
