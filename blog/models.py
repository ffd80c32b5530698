import posixpath
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from blog.embeds import VIMEO, YOUTUBE, VideoRef, parse_video_url
from blog.images import reencode, renditions_create, renditions_delete, validate_image
from blog.markup import render_markdown
from comments.models import Comment
from site_settings.conf import site_settings

# A post read with .only()/.defer() that left its poster out.
POSTER_NOT_LOADED = object()


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(
        blank=True, help_text=_("One or two sentences shown at the top of the category page.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:category", kwargs={"slug": self.slug})


def is_published_condition():
    """The one rule for what readers see: published, with a publish time that has come."""
    return Q(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())


class PostQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published_condition())

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
        words = query.split()
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


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

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
    poster = models.ImageField(
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
    comments = GenericRelation(Comment, related_query_name="post")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        indexes = [models.Index(fields=["status", "-published_at"], name="post_status_published")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:200]
        self._process_poster()
        self.body_html = render_markdown(self.body)
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:post", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        """Remember the stored poster, to tell a replaced one from an unchanged one."""
        post = super().from_db(db, field_names, values)
        if {"poster", "poster_renditions"} <= set(field_names):
            post._stored_poster = (
                (post.poster.name, post.poster_renditions) if post.poster else None
            )
        else:
            post._stored_poster = POSTER_NOT_LOADED
        return post

    def _process_poster(self):
        """Re-encode a new poster, make its renditions and remove the ones it replaces."""
        stored = getattr(self, "_stored_poster", None)
        is_new_upload = bool(self.poster) and not self.poster._committed
        if not is_new_upload and stored is POSTER_NOT_LOADED:
            return
        if not is_new_upload and (self.poster.name if self.poster else None) == (
            stored[0] if stored else None
        ):
            return
        if is_new_upload:
            content, size = reencode(self.poster.file)
            self.poster.save(posixpath.basename(self.poster.name), content, save=False)
            self.poster_width, self.poster_height = size
            self.poster_renditions = renditions_create(self.poster.name)
        else:
            self.poster_renditions = {}
        if stored and stored is not POSTER_NOT_LOADED:
            old_name, old_renditions = stored
            renditions_delete(old_renditions)
            self.poster.storage.delete(old_name)
        self._stored_poster = (self.poster.name, self.poster_renditions) if self.poster else None

    def keep_poster_of(self, other, *, replaced=False):
        """Take ``other``'s stored poster as this post's stored poster.

        Posters are not restored with an older version of a post (a replaced poster's
        files are gone), so a restore keeps the poster the post has now, files and
        all; or, when the author chose a new one on the restore form (``replaced``),
        the new one replaces it and its files go as on any other save.
        """
        self._stored_poster = (
            (other.poster.name, other.poster_renditions) if other.poster else None
        )
        if not replaced:
            self.poster = other.poster.name if other.poster else None
            self.poster_width, self.poster_height = other.poster_width, other.poster_height
            self.poster_renditions = other.poster_renditions

    def delete_files(self):
        """Remove the poster and its renditions from storage (called after a delete)."""
        if self.poster:
            renditions_delete(self.poster_renditions)
            self.poster.storage.delete(self.poster.name)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and self.published_at > timezone.now()

    @property
    def has_poster(self):
        return bool(self.poster)

    @property
    def poster_srcsets(self):
        """``srcset`` values for the poster, WebP and JPEG, from the stored renditions."""
        storage = self.poster.storage
        return {
            extension: ", ".join(f"{storage.url(path)} {width}w" for path, width in versions)
            for extension, versions in self.poster_renditions.items()
            if versions
        }

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
        null=True, blank=True, help_text=_("Length in seconds, shown on the play button.")
    )
    provider = models.CharField(max_length=10, choices=Provider, editable=False)
    video_id = models.CharField(max_length=20, editable=False)
    vimeo_hash = models.CharField(max_length=20, blank=True, editable=False)
    start_seconds = models.PositiveIntegerField(default=0, editable=False)
    position = models.PositiveSmallIntegerField(default=0)

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
        null=True, blank=True, help_text=_("Highest position reached, e.g. 2.")
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
    position = models.PositiveSmallIntegerField(default=0)

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
    position = models.PositiveSmallIntegerField(default=0)
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
        help_text=_(
            "Where the track starts in the video, e.g. 1:35. Leave empty for a track that is "
            "not in the clip: it is listed under “Also on the album”."
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
    position = models.PositiveSmallIntegerField(default=0)

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
    position = models.PositiveSmallIntegerField(default=0)

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
