import re
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.functions import Greatest, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import Tag

from blog.embeds import VIMEO, YOUTUBE, VideoRef, parse_video_url
from blog.images import (
    ImageSlot,
    StoredImageField,
    image_files_delete,
    image_save_prepare,
    srcsets,
    validate_image,
)
from blog.markup import outside_images, render_markdown
from comments.models import Comment
from comments.options import between
from site_settings.conf import site_settings

# Order in a list: dragged into place in the admin, so far fewer than this.
POSITION = between(0, 1000, _("Enter a position from 0 to 1000."))


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(
        blank=True, help_text=_("One or two sentences shown at the top of the category page.")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The broader category this one belongs to, if any."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:category", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError(
                    {"parent": _("A category cannot belong to itself or to one of its own.")},
                    code="parent_loop",
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


def is_published_condition():
    """The one rule for what readers see: published, with a publish time that has come."""
    return Q(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())


def next_publication(after):
    """The publish time of the next scheduled post after ``after``, as a one-row query:
    ``settings.FRESHNESS_SCHEDULE``, so cached pages change when a post falls due."""
    return (
        Post.everything.filter(status=Post.Status.PUBLISHED, published_at__gt=after)
        .order_by("published_at")
        .values("published_at")[:1]
    )


def changed_for_readers(relation=""):
    """When readers last saw a post change: its last edit, or its publication when that
    came later (a post saved on Monday and scheduled for Friday appears on Friday)."""
    return Greatest(f"{relation}updated_at", f"{relation}published_at")


class PostQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published_condition())

    def last_change(self):
        """The latest ``changed_for_readers()`` among these posts; None if there are none."""
        return self.aggregate(latest=models.Max(changed_for_readers()))["latest"]

    def categories_in_use(self):
        """The categories these posts are filed under, by name, each with ``post_count``
        (how many of these posts it holds) and ``last_change`` (the latest of them)."""
        # Filtering before annotating makes the count and the date cover these posts only.
        return (
            Category.objects.filter(posts__in=self)
            .annotate(
                post_count=models.Count("posts"),
                last_change=models.Max(changed_for_readers("posts__")),
            )
            .order_by("name", "pk")
        )

    def tags_in_use(self):
        """The tags on these posts, by name whatever its case, each with ``post_count``
        and ``last_change`` as in ``categories_in_use()``."""
        return (
            Tag.objects.filter(post__in=self)
            .annotate(
                post_count=models.Count("post"),
                last_change=models.Max(changed_for_readers("post__")),
            )
            .order_by(Lower("name"), "pk")
        )

    def scheduled(self):
        """Published, with a publish time still to come."""
        return self.filter(status=Post.Status.PUBLISHED).exclude(is_published_condition())

    def drafts(self):
        return self.filter(status=Post.Status.DRAFT)

    def visible_to(self, user):
        """Staff see drafts and scheduled posts too; everyone else sees ``published()``."""
        if user.is_active and user.is_staff:
            return self.all()
        return self.published()

    def for_listing(self):
        """What a list of posts shows: its category, author and track count, in one query."""
        # An aggregate drops Meta.ordering, so the order is restated for pagination.
        return (
            self.select_related("category", "author")
            .annotate(
                track_count=models.Count("soundtrack"),
                comment_count=Comment.objects.approved_count_for(Post),
            )
            .order_by("-published_at", "-id")
        )

    def search(self, query):
        """Posts matching ``query``, best first: ranked full-text search on PostgreSQL,
        a plain all-words match elsewhere."""
        # Quotes and other marks are the search syntax of PostgreSQL's websearch; the
        # plain fallback matches the words themselves, so "eye of" finds "eye of the".
        words = re.findall(r"\w+(?:['\u2019-]\w+)*", query)
        if not words:
            return self.none()
        if connection.vendor == "postgresql":
            vector = (
                SearchVector("title", weight="A")
                + SearchVector("lead", weight="B")
                + SearchVector("body", weight="C")
            )
            search_query = SearchQuery(query, search_type="websearch")
            return (
                self.annotate(search=vector, rank=SearchRank(vector, search_query))
                .filter(search=search_query)
                .order_by("-rank", "-published_at")
            )
        matches = self
        for word in words:
            matches = matches.filter(
                Q(title__icontains=word) | Q(lead__icontains=word) | Q(body__icontains=word)
            )
        return matches


class KindManager(models.Manager.from_queryset(PostQuerySet)):
    """Rows of one kind only: ``Post.objects`` are posts, ``Page.objects`` pages."""

    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    def get_queryset(self):
        return super().get_queryset().filter(kind=self.kind)


class Post(models.Model):
    class Kind(models.TextChoices):
        # Like WordPress's post_type: a page is a post that stands outside the blog's
        # lists, at its own address (``Page``).
        POST = "post", _("Post")
        PAGE = "page", _("Page")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        # Kept, and shown to the author, but never to readers (WordPress's "private").
        PRIVATE = "private", _("Private")

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, help_text=_("The last part of the post's address.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    lead = models.TextField(
        help_text=_("The opening paragraph: shown on the home page and above the video.")
    )
    body = models.TextField(
        blank=True, help_text=_("The rest of the post, in Markdown. Raw HTML is cleaned.")
    )
    body_html = models.TextField(blank=True, editable=False)
    poster = StoredImageField(
        upload_to="posters/%Y/",
        blank=True,
        width_field="poster_width",
        height_field="poster_height",
        validators=[validate_image],
        help_text=_(
            "A still from the video, 16:9, best 1440 pixels wide or more (JPEG, PNG or WebP). "
            "Shown on lists and in place of the player until the reader presses play. "
            "Location and camera data are removed on upload."
        ),
    )
    poster_renditions = models.JSONField(default=dict, blank=True, editable=False)
    poster_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    poster_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Kept at upload for feeds' enclosures: asking the storage is a request per post on S3.
    poster_size = models.PositiveIntegerField(null=True, blank=True, editable=False)
    poster_alt = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Describe the still for readers who cannot see it."),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="posts", null=True, blank=True
    )
    tags = TaggableManager(blank=True, help_text=_("Comma-separated, e.g. 1980s, boxing."))
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        default=timezone.now,
        help_text=_("Readers see a published post from this time on; a future time schedules it."),
    )
    comments_enabled = models.BooleanField(
        "allow comments",
        default=True,
        help_text=_("Untick to close the discussion; published comments stay visible."),
    )
    sticky = models.BooleanField(
        "keep at the top",
        default=False,
        help_text=_("Show this post first on the home page, before newer ones."),
    )
    comments = GenericRelation(Comment, related_query_name="post")
    kind = models.CharField(max_length=4, choices=Kind, default=Kind.POST, editable=False)
    in_menu = models.BooleanField(
        "in the menu",
        default=False,
        help_text=_("Show a link to this page in the site's menu, after Home and Archive."),
    )
    menu_position = models.PositiveSmallIntegerField(
        default=0,
        validators=POSITION,
        help_text=_("Order in the menu: lower comes first."),
    )
    # An imported post's GUID on the old site: its feeds keep giving it, so readers who
    # followed the old feed see no old post again as new.
    feed_guid = models.CharField(max_length=500, blank=True, editable=False, db_index=True)
    # Not auto_now_add: an import keeps each post's own creation date.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    # Posts only: every list of posts (home, archives, search, feeds...) starts here.
    objects = KindManager(Kind.POST)
    # Posts and pages: Django's own lookups (the admin's unique slug check, the comments
    # app finding a target) must see both, as slugs are unique across the two.
    everything = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        default_manager_name = "everything"
        indexes = [models.Index(fields=["status", "-published_at"], name="post_status_published")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:200]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            derived = {"body_html"} if "body" in update_fields else set()
            if POSTER.file in update_fields:
                derived.update(POSTER.fields)
            kwargs["update_fields"] = {*update_fields, *derived}
        # Atomic, so a replaced poster's files go only once this save has committed.
        with transaction.atomic():
            if update_fields is None or POSTER.file in update_fields:
                image_save_prepare(self, POSTER)
            self.body_html = self.body_render()
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        # A page reached as a Post (a comment's target, a picture's owner) has a page's URL.
        if self.kind == self.Kind.PAGE:
            return reverse("blog:page", kwargs={"slug": self.slug})
        return reverse("blog:post", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        outside = outside_images(self.body)
        if outside:
            raise ValidationError(
                {
                    "body": ValidationError(
                        _(
                            "The body shows an image from another site (%(address)s), which "
                            "would load before readers ask for it. Upload it under "
                            "Pictures below and put it in the body with ![](image:N)."
                        ),
                        code="outside_image",
                        params={"address": outside[0]},
                    )
                }
            )

    def body_render(self):
        """The body as readers see it, with the post's own pictures put in place."""
        pictures = {} if self._state.adding else {p.number: p for p in self.pictures.all()}
        return render_markdown(self.body, pictures=pictures)

    def body_render_again(self):
        """Store the body anew after its pictures changed (one UPDATE, no other side effect)."""
        Post.everything.filter(pk=self.pk).update(
            body_html=self.body_render(), updated_at=timezone.now()
        )

    def delete_files(self):
        """Remove the poster and its renditions once the deletion commits."""
        if self.poster:
            image_files_delete(
                self.poster.name, self.poster_renditions, storage=self.poster.storage
            )

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def is_private(self):
        return self.status == self.Status.PRIVATE

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and self.published_at > timezone.now()

    @property
    def has_poster(self):
        return bool(self.poster)

    @property
    def poster_srcsets(self):
        """``srcset`` values for the poster, WebP and JPEG, from the stored renditions."""
        return srcsets(self.poster_renditions, storage=self.poster.storage)

    @property
    def comments_opened_at(self):
        """When the discussion opened, for the comments app: at publication.

        None for a draft; a scheduled post's time is still to come. Either way the
        comments app takes no comment yet.
        """
        return self.published_at if self.status == self.Status.PUBLISHED else None

    def comment_moderator_emails(self):
        """Who the comments app emails about new comments: the site settings' address."""
        return [site_settings().moderation_email]


POSTER = ImageSlot(
    "poster", "poster_renditions", "poster_width", "poster_height", size="poster_size"
)


class PageQuerySet(PostQuerySet):
    def in_menu(self):
        """The published pages the menu links to, in the author's order: one query."""
        return (
            self.published()
            .filter(in_menu=True)
            .order_by("menu_position", "title")
            .only("title", "slug", "kind")
        )


class Page(Post):
    """A page (About, Contact, Now...): written like a post, shown on its own.

    A proxy of Post, so a page has the post's body, pictures, revisions, preview and
    comments; it lives at ``/<slug>/`` and never in a list of posts.
    """

    objects = KindManager.from_queryset(PageQuerySet)(Post.Kind.PAGE)

    class Meta:
        proxy = True
        ordering = ["menu_position", "title"]

    def save(self, *args, **kwargs):
        self.kind = self.Kind.PAGE
        super().save(*args, **kwargs)


class Picture(models.Model):
    """A picture in a post's body, placed there by the reference ``![](image:N)``.

    ``number`` is the N: given once, on the first save, and never changed, so the
    body's references survive pictures being added or removed.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="pictures")
    number = models.PositiveSmallIntegerField(editable=False)
    image = StoredImageField(
        upload_to="pictures/%Y/",
        width_field="width",
        height_field="height",
        validators=[validate_image],
        help_text=_("JPEG, PNG or WebP. Location and camera data are removed on upload."),
    )
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    alt = models.CharField(
        _("alt text"),
        max_length=300,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    caption = models.CharField(
        max_length=300, blank=True, help_text=_("Shown under the picture (optional).")
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["post", "number"], name="picture_unique_number")
        ]

    def __str__(self):
        return _("Picture %(number)s") % {"number": self.number}

    def save(self, *args, **kwargs):
        with transaction.atomic():
            if self.number is None:
                highest = self.post.pictures.aggregate(highest=models.Max("number"))["highest"]
                self.number = (highest or 0) + 1
            image_save_prepare(self, PICTURE)
            super().save(*args, **kwargs)
            self.post.body_render_again()

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            self.post.body_render_again()
        return result

    @property
    def reference(self):
        return f"![](image:{self.number})"

    @property
    def srcsets(self):
        return srcsets(self.renditions, storage=self.image.storage)

    def delete_files(self):
        image_files_delete(self.image.name, self.renditions, storage=self.image.storage)


PICTURE = ImageSlot("image", "renditions", "width", "height")


# Longer than any film a post is built around (the longest cut on YouTube runs ~12 h).
MAX_VIDEO_SECONDS = 24 * 3600
_VIDEO_LENGTH = format_lazy(
    _("Enter the length in seconds, from 1 to {most} (24 hours)."), most=MAX_VIDEO_SECONDS
)
_TRACK_START = _("A track can't start after 24:00:00, the longest a video may be.")
# Charts publish at most a few hundred places (Billboard 200, Oricon's top 300).
MAX_CHART_POSITION = 500
_CHART_POSITION = format_lazy(
    _("Enter a chart position from 1 to {most}."), most=MAX_CHART_POSITION
)


class Video(models.Model):
    class Provider(models.TextChoices):
        YOUTUBE = YOUTUBE, "YouTube"
        VIMEO = VIMEO, "Vimeo"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="videos")
    url = models.URLField(
        "URL",
        max_length=500,
        help_text=_(
            "Paste the address of a YouTube or Vimeo video, with a start time if you like "
            "(…&t=1m35s). The demo posts carry an example address: replace it with your video's."
        ),
    )
    title = models.CharField(
        max_length=200,
        help_text=_("Names the player for screen readers, e.g. “Rocky IV training montage”."),
    )
    duration_seconds = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=between(1, MAX_VIDEO_SECONDS, _VIDEO_LENGTH),
        help_text=_("Length in seconds, shown on the play button."),
    )
    provider = models.CharField(max_length=10, choices=Provider, editable=False)
    video_id = models.CharField(max_length=20, editable=False)
    vimeo_hash = models.CharField(max_length=20, blank=True, editable=False)
    start_seconds = models.PositiveIntegerField(default=0, editable=False)
    position = models.PositiveSmallIntegerField(default=0, validators=POSITION)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self._apply(parse_video_url(self.url))
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.url:
            try:
                self._apply(parse_video_url(self.url))
            except ValidationError as error:
                raise ValidationError({"url": error.error_list}) from None

    def _apply(self, ref):
        self.provider = ref.provider
        self.video_id = ref.video_id
        self.vimeo_hash = ref.vimeo_hash
        self.start_seconds = ref.start_seconds

    @property
    def ref(self):
        return VideoRef(self.provider, self.video_id, self.start_seconds, self.vimeo_hash)

    @property
    def embed_url(self):
        return self.ref.embed_url()

    @property
    def watch_url(self):
        return self.ref.watch_url()

    @property
    def player_host(self):
        return "youtube-nocookie.com" if self.provider == YOUTUBE else "player.vimeo.com"


class Artist(models.Model):
    """A performer, composer or writer: one row however many tracks credit them."""

    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ChartPeak(models.Model):
    """A peak position on a named chart, e.g. No. 2 on the Billboard Hot 100."""

    chart_position = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=between(1, MAX_CHART_POSITION, _CHART_POSITION),
        help_text=_("Highest position reached, e.g. 2."),
    )
    chart_name = models.CharField(
        max_length=100, blank=True, help_text=_("Which chart, e.g. Billboard Hot 100.")
    )

    class Meta:
        abstract = True

    @property
    def chart_peak(self):
        if self.chart_position and self.chart_name:
            return _("No. %(position)s on the %(chart)s") % {
                "position": self.chart_position,
                "chart": self.chart_name,
            }
        return ""

    def clean(self):
        super().clean()
        if bool(self.chart_position) != bool(self.chart_name):
            raise ValidationError(_("Give both the chart and the position reached, or neither."))


class Album(ChartPeak):
    title = models.CharField(max_length=200)
    label = models.CharField(max_length=200, blank=True, help_text=_("Record label."))
    release_date = models.DateField(null=True, blank=True)
    certification = models.CharField(
        max_length=100, blank=True, help_text=_("E.g. Platinum (RIAA).")
    )

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return f"{self.title} ({self.release_date.year})" if self.release_date else self.title

    def clean(self):
        """One row per album: a second one would show readers the album box twice.

        The same title released on another date (a remaster, a reissue) is another album.
        """
        super().clean()
        twins = Album.objects.filter(
            title__iexact=self.title.strip(), release_date=self.release_date
        ).exclude(pk=self.pk)
        if self.title and twins.exists():
            raise ValidationError(
                {
                    "title": ValidationError(
                        _(
                            "“%(album)s” is already here: choose it in the track's Album box "
                            "instead of adding it again."
                        ),
                        code="duplicate_album",
                        params={"album": twins.first()},
                    )
                }
            )


class Track(ChartPeak):
    title = models.CharField(max_length=200)
    album = models.ForeignKey(
        Album, on_delete=models.SET_NULL, null=True, blank=True, related_name="tracks"
    )
    artists = models.ManyToManyField(Artist, through="Credit", related_name="tracks")

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def _credited(self, role):
        # Reads the prefetched credits so a tracklist costs no query per row.
        return [credit.artist for credit in self.credits.all() if credit.role == role]

    @property
    def performers(self):
        return self._credited(Credit.Role.PERFORMER)

    @property
    def writers(self):
        return self._credited(Credit.Role.WRITER)


class Credit(models.Model):
    class Role(models.TextChoices):
        PERFORMER = "performer", _("Performer")
        WRITER = "writer", _("Composer / writer")

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="credits")
    artist = models.ForeignKey(Artist, on_delete=models.PROTECT, related_name="credits")
    role = models.CharField(max_length=10, choices=Role)
    position = models.PositiveSmallIntegerField(default=0, validators=POSITION)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["track", "artist", "role"], name="credit_unique_artist_role"
            )
        ]

    def __str__(self):
        return f"{self.artist} ({self.get_role_display()})"


class PostTrack(models.Model):
    """A track in a post's soundtrack, in order, and where it plays in the post's video."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="soundtrack")
    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="post_links")
    position = models.PositiveSmallIntegerField(default=0, validators=POSITION)
    video = models.ForeignKey(
        Video,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tracks",
        help_text=_(
            "The video the track plays in, if the post has several; empty means the first."
        ),
    )
    starts_at = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=between(0, MAX_VIDEO_SECONDS, _TRACK_START),
        help_text=_(
            "Where the track starts in the video, e.g. 1:35. Leave empty for a track that is "
            "not in the clip: it is listed after the timed ones, under its album's name. "
            "Times count from the very start of the video, not from a start time in its "
            "address."
        ),
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("soundtrack entry")
        verbose_name_plural = _("soundtrack entries")
        constraints = [
            models.UniqueConstraint(fields=["post", "track"], name="posttrack_unique_track"),
        ]

    def __str__(self):
        try:
            track = self.track
        except Track.DoesNotExist:
            # Restored from an older version of the post, naming a track deleted since.
            track = _("(a deleted track)")
        return f"{self.position}. {track}"

    def clean(self):
        super().clean()
        if self.video_id is not None and self.post_id and self.video.post_id != self.post_id:
            raise ValidationError({"video": _("Choose one of this post's own videos.")})


class PostDetail(models.Model):
    """One line of the post's details box, e.g. “Filmed in: Wyoming”."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="details")
    label = models.CharField(max_length=100)
    value = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0, validators=POSITION)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("detail")
        verbose_name_plural = _("details")

    def __str__(self):
        return f"{self.label}: {self.value}"


class PostLink(models.Model):
    """An outside page worth reading, listed under “More info and movies”."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(max_length=200)
    url = models.URLField("URL", max_length=500)
    position = models.PositiveSmallIntegerField(default=0, validators=POSITION)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("link")
        verbose_name_plural = _("links")

    def __str__(self):
        return self.title

    @property
    def domain(self):
        host = urlsplit(self.url).hostname or ""
        return host.removeprefix("www.")


# The longest address a redirect keeps: a 200-character slug under a few folders
# (WordPress's /YYYY/MM/DD/slug/feed/ is the deepest permalink), with room to spare.
REDIRECT_PATH_LENGTH = 500
_ADDRESS = RegexValidator(
    # One leading slash: "//host" and "/\host" are other sites to a browser.
    r"\A/(?![/\\])[^#\\\x00-\x1f\x7f]*\Z",
    _(
        "Enter an address on this site starting with a single /, such as "
        "/posts/my-post/, without the site's name or a #part."
    ),
    code="address",
)


def address_normalise(address):
    """An address as ``request.path`` reads it: the path percent-decoded, the query as sent."""
    path, mark, query = address.partition("?")
    return unquote(path) + mark + query


def address_is_under(address, prefix):
    """Whether ``address`` is ``prefix`` or lies below it, at a segment boundary."""
    if address == prefix:
        return True
    if "?" in prefix:
        return False
    return address.startswith(prefix.rstrip("/") + "/") or address.startswith(prefix + "?")


def address_carried(address, old_prefix, new_path):
    """``address``, which lies under ``old_prefix``, moved with it under ``new_path``.

    /category/old/feed/?page=2 under /category/old/ moved to /category/new/ is
    /category/new/feed/?page=2: the part below the prefix and the query come along.
    """
    if address == old_prefix:
        return new_path
    path, _mark, query = address.partition("?")
    base, _mark, new_query = new_path.partition("?")
    rest = path[len(old_prefix) :]
    if rest:
        base = base.rstrip("/") + "/" + rest.lstrip("/")
    query = "&".join(part for part in (new_query, query) if part)
    return f"{base}?{query}" if query else base


class RedirectQuerySet(models.QuerySet):
    def for_address(self, path, query_string=""):
        """The row that answers for ``path?query_string``, or None, in one query.

        A row whose old address has a query (``/?p=12``) answers that address only;
        any other answers its own address and every address below it, and the longest
        one recorded wins: /category/old/feed/ follows /category/old/.
        """
        candidates = {path}
        for boundary in (index for index, char in enumerate(path) if char == "/"):
            candidates.update((path[:boundary], path[: boundary + 1]))
        if query_string:
            candidates.add(f"{path}?{query_string}")
        # The home page is always there; and no longer address can have been recorded.
        candidates = [
            candidate
            for candidate in candidates
            if candidate not in {"", "/"} and len(candidate) <= REDIRECT_PATH_LENGTH
        ]
        if not candidates:
            return None
        rows = self.filter(old_path__in=candidates)
        return max(rows, key=lambda row: len(row.old_path), default=None)


class Redirect(models.Model):
    """An address readers once had: where it leads now, or that what was there is gone.

    Written by ``blog.redirects`` when a post, category or tag moves or a published
    post is deleted, by the author in the admin, and by imports of old permalinks.
    """

    old_path = models.CharField(
        _("old address"),
        max_length=REDIRECT_PATH_LENGTH,
        unique=True,
        validators=[_ADDRESS],
        error_messages={"unique": _("This old address has a redirect already: change that one.")},
        help_text=_(
            "The address readers may still have, e.g. /posts/old-name/. Followed only when "
            "nothing is at that address any more; addresses below it follow too."
        ),
    )
    new_path = models.CharField(
        _("new address"),
        max_length=REDIRECT_PATH_LENGTH,
        blank=True,
        db_index=True,
        validators=[_ADDRESS],
        help_text=_(
            "Where readers go instead, e.g. /posts/new-name/. Leave empty for something "
            "taken down for good: readers are told it is gone."
        ),
    )
    note = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("What it came from, for you; readers never see it."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RedirectQuerySet.as_manager()

    class Meta:
        ordering = ["old_path"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(old_path=models.F("new_path")),
                name="redirect_not_to_itself",
                violation_error_code="itself",
                violation_error_message=_("An address can't redirect to itself."),
            )
        ]

    def __str__(self):
        return f"{self.old_path} → {self.new_path or _('gone')}"

    @property
    def is_gone(self):
        return not self.new_path

    def clean(self):
        super().clean()
        self.old_path = address_normalise(self.old_path)
        self.new_path = address_normalise(self.new_path)
        if self.old_path == "/":
            raise ValidationError(
                {"old_path": ValidationError(_("The home page is always there."), code="home")}
            )
        inside = self.new_path != self.old_path and address_is_under(self.new_path, self.old_path)
        if self.new_path and inside:
            raise ValidationError(
                {
                    "new_path": ValidationError(
                        _(
                            "The new address is inside the old one, so readers would be "
                            "sent deeper and deeper: choose an address outside it."
                        ),
                        code="inside_itself",
                    )
                }
            )

    def target_for(self, path, query_string=""):
        """Where this row sends a reader who asked for ``path?query_string``."""
        if self.is_gone or "?" in self.old_path:
            return self.new_path
        address = f"{path}?{query_string}" if query_string else path
        return address_carried(address, self.old_path, self.new_path)


# Defined beside the importer that writes it; imported here so Django registers it.
from blog.wordpress.models import ImportedItem, ImportRun  # noqa: E402, F401
