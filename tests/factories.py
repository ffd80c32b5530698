import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from blog.models import Album, Artist, Category, Credit, Page, Post, PostTrack, Track, Video
from comments.models import Comment


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Ada"
    last_name = factory.Sequence(lambda n: f"Writer {n}")
    password = factory.django.Password("a-long-test-password")


class StaffFactory(UserFactory):
    is_staff = True


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Post number {n}")
    slug = factory.Sequence(lambda n: f"post-number-{n}")
    author = factory.SubFactory(UserFactory)
    lead = "A lead paragraph about a film scene and its music."
    body = "Some **Markdown** body."
    category = factory.SubFactory(CategoryFactory)
    status = Post.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))

    @factory.post_generation
    def tags(self, create, names, **kwargs):
        if create and names:
            self.tags.set(names)


class DraftFactory(PostFactory):
    status = Post.Status.DRAFT


class ScheduledFactory(PostFactory):
    published_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))


class PageFactory(factory.django.DjangoModelFactory):
    """A published page, in the menu, without comments (a page's default)."""

    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"Page number {n}")
    slug = factory.Sequence(lambda n: f"page-number-{n}")
    author = factory.SubFactory(UserFactory)
    body = "What this site is about, in **Markdown**."
    status = Post.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    comments_enabled = False
    in_menu = True


class VideoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Video

    post = factory.SubFactory(PostFactory)
    url = factory.Sequence(lambda n: f"https://www.youtube.com/watch?v=vid{n:08d}")
    title = "The scene"
    duration_seconds = 232


class ArtistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Artist
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Artist {n}")


class AlbumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Album

    title = factory.Sequence(lambda n: f"Album {n}")
    label = "Scotti Bros. Records"
    release_date = datetime.date(1985, 11, 27)
    certification = "Platinum (RIAA)"


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    title = factory.Sequence(lambda n: f"Track {n}")
    album = factory.SubFactory(AlbumFactory)


class CreditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credit

    track = factory.SubFactory(TrackFactory)
    artist = factory.SubFactory(ArtistFactory)
    role = Credit.Role.PERFORMER


class PostTrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostTrack

    post = factory.SubFactory(PostFactory)
    track = factory.SubFactory(TrackFactory)
    position = factory.Sequence(lambda n: n)


class CommentFactory(factory.django.DjangoModelFactory):
    """An approved comment on a published post; pass ``target=`` for another."""

    class Meta:
        model = Comment
        exclude = ["target"]

    target = factory.SubFactory(PostFactory)
    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.target))
    object_id = factory.LazyAttribute(lambda o: o.target.pk)
    name = factory.Sequence(lambda n: f"Reader {n}")
    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    text = "I watched this montage before every exam."
    status = Comment.Status.APPROVED
    ip_address = "203.0.113.7"
