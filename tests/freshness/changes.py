"""One change per model readers see, made three ways: through the admin, through a
service (or the model's own ``save()``), and through the bulk path (``update()`` or
``bulk_create()``, which send no signal), each leaving a marker a reader page shows.

``CHANGES`` maps each model's label to its change. ``tests/freshness/test_reader_models
.py`` checks that every model the triggers watch has one, so a model added later is
either shown to change its pages or named in ``settings.FRESHNESS_UNSEEN_MODELS``.

A change has two steps: ``prepare(marker)`` sets up what the change needs and returns
the pages to look at, which must not show ``shows(marker)`` yet; ``apply(way, marker,
client)`` makes the change the given way (``client`` is a logged-in admin client).
"""

import io
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from taggit.models import Tag, TaggedItem

from blog.models import (
    Album,
    Artist,
    Category,
    Credit,
    Picture,
    Post,
    PostDetail,
    PostLink,
    PostTrack,
    Redirect,
    Track,
    Video,
)
from comments.models import Comment, DiscussionSettings
from comments.services import comment_approve
from site_settings.models import SiteSettings
from tests.blog.admin_forms import form_values
from tests.reader_pages import ROCKY, ROCKY_SLUG

ADMIN, SERVICE, BULK = "admin", "service", "bulk"
WAYS = (ADMIN, SERVICE, BULK)


@dataclass(frozen=True)
class Change:
    prepare: Callable
    apply: Callable
    shows: Callable = str


def rocky():
    return Post.everything.get(slug=ROCKY_SLUG)


def _admin_url(obj):
    opts = obj._meta
    if isinstance(obj, Post) and obj.kind == Post.Kind.PAGE:
        return reverse("admin:blog_page_change", args=[obj.pk])
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def admin_save(client, obj, **changes):
    """Submit ``obj``'s admin change form as shown, with ``changes``; inline fields are
    named by the inline row's own object: ``{(row, "field"): value}`` via ``rows=``."""
    url = _admin_url(obj)
    form_id = "page_form" if "/blog/page/" in url else f"{obj._meta.model_name}_form"
    data = form_values(client.get(url).content.decode(), form_id)
    for (row, name), value in changes.pop("rows", {}).items():
        data[_inline_key(data, row, name)] = value
    data.update(changes)
    response = client.post(url, data)
    if response.status_code != 302 or "/login/" in response["Location"]:
        raise AssertionError(f"the admin refused the change of {obj!r}: {response.content!r}")


def _inline_key(data, row, name):
    for key, value in data.items():
        if key.endswith("-id") and value == str(row.pk) and f"{key[:-3]}-{name}" in data:
            return f"{key[:-3]}-{name}"
    raise AssertionError(f"no inline row for {row!r} with a field {name!r} in the form")


def _simple(model, field, *, row, urls=(ROCKY,), value=lambda marker: marker):
    """A change of one text field of the row ``row()`` returns, shown on ``urls``."""

    def prepare(marker):
        return list(urls)

    def apply(way, marker, client):
        obj = row()
        if way == ADMIN:
            admin_save(client, obj, **{field: value(marker)})
        elif way == SERVICE:
            setattr(obj, field, value(marker))
            obj.save()
        else:
            model.objects.filter(pk=obj.pk).update(**{field: value(marker)})

    return Change(prepare, apply)


def _inline(model, field, *, row, value=lambda marker, obj: marker, parent=None, page=None):
    """A change of one field of an inline row, through its parent's admin form."""

    def prepare(marker):
        return [page()] if page else [ROCKY]

    def apply(way, marker, client):
        obj = row()
        if way == ADMIN:
            owner = parent(obj) if parent else obj.post
            admin_save(client, owner, rows={(obj, field): value(marker, obj)})
        elif way == SERVICE:
            setattr(obj, field, _raw(model, field, value(marker, obj)))
            obj.save()
        else:
            model.objects.filter(pk=obj.pk).update(
                **{field: _raw(model, field, value(marker, obj))}
            )

    return Change(prepare, apply)


def _raw(model, field, value):
    """A form's value as the model field takes it: a related row's primary key as the row."""
    related = model._meta.get_field(field).related_model
    return related.objects.get(pk=value) if related else value


def _soundtrack_entry():
    return rocky().soundtrack.order_by("position", "pk").first()


def _credit():
    return Credit.objects.filter(track__post_links__post=rocky()).order_by("pk").first()


def _new_artist_pk(marker, credit):
    return str(Artist.objects.get_or_create(name=marker)[0].pk)


def _new_track_pk(marker, entry):
    return str(Track.objects.get_or_create(title=marker)[0].pk)


def _picture():
    return Picture.objects.order_by("pk").first()


def _picture_caption():
    """A picture's caption is placed in its post's stored body (``body_html``) when the
    picture is saved: content, not a cache. A bulk change to pictures is followed by
    ``render_bodies``, which renders the bodies again, as its help says."""
    change = _inline(
        Picture, "caption", row=_picture, parent=lambda picture: picture.post,
        page=lambda: _picture().post.get_absolute_url(),
    )  # fmt: skip

    def apply(way, marker, client):
        change.apply(way, marker, client)
        if way == BULK:
            call_command("render_bodies", stdout=io.StringIO())

    return Change(change.prepare, apply)


def _tagging():
    def prepare(marker):
        Tag.objects.create(name=marker, slug=marker.lower())
        return [ROCKY]

    def apply(way, marker, client):
        post, tag = rocky(), Tag.objects.get(name=marker)
        if way == ADMIN:
            names = ", ".join([*post.tags.names(), marker])
            admin_save(client, post, tags=names)
        elif way == SERVICE:
            post.tags.add(tag)
        else:
            TaggedItem.objects.bulk_create([TaggedItem(content_object=post, tag=tag)])

    return Change(prepare, apply)


def _approval():
    def prepare(marker):
        post = rocky()
        Comment.objects.create(
            target=post, name="A reader", email="reader@example.com", text=marker,
            status=Comment.Status.PENDING,
        )  # fmt: skip
        return [ROCKY]

    def apply(way, marker, client):
        comment = Comment.objects.get(text=marker)
        if way == ADMIN:
            changelist = reverse("admin:comments_comment_changelist")
            response = client.post(
                changelist, {"action": "bulk_approve", "_selected_action": [comment.pk]}
            )
            assert response.status_code == 302, response.content
        elif way == SERVICE:
            comment_approve(comments=Comment.objects.filter(pk=comment.pk))
        else:
            Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.APPROVED)

    return Change(prepare, apply)


def _settings_page(model, field, *, value, before, shows=str):
    """A change of a settings page's one row (site or discussion settings), which the
    admin edits at its list's address."""
    url_name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"

    def prepare(marker):
        row = model.objects.filter(pk=model.SINGLETON_PK).first()
        if row is None:
            row = model(pk=model.SINGLETON_PK, **model_defaults(model))
        setattr(row, field, before)
        row.save()
        return [ROCKY]

    def apply(way, marker, client):
        if way == ADMIN:
            page = client.get(reverse(url_name), follow=True)
            data = form_values(page.content.decode(), f"{model._meta.model_name}_form")
            data[field] = str(value(marker))
            response = client.post(page.wsgi_request.path, data)
            assert response.status_code == 302, response.content
        elif way == SERVICE:
            row = model.objects.get(pk=model.SINGLETON_PK)
            setattr(row, field, value(marker))
            row.save()
        else:
            model.objects.filter(pk=model.SINGLETON_PK).update(**{field: value(marker)})

    return Change(prepare, apply, shows)


def model_defaults(model):
    if model is SiteSettings:
        return {"title": "Montage", "time_zone": "UTC", "author_name": "The author"}
    return {}


def _redirect():
    """An old address's new place: the reader is sent there (its Location header)."""

    def prepare(marker):
        Redirect.objects.get_or_create(old_path="/old-rocky/", defaults={"new_path": ROCKY})
        return ["/old-rocky/"]

    def new_path(marker):
        return f"/posts/{marker.lower()}/"

    def row():
        return Redirect.objects.get(old_path="/old-rocky/")

    return Change(prepare, _simple(Redirect, "new_path", row=row, value=new_path).apply, new_path)


def _author():
    return get_user_model().objects.get(pk=rocky().author_id)


CHANGES = {
    "blog.Post": _simple(Post, "title", row=rocky, urls=(ROCKY, "/feed/")),
    "blog.Category": _simple(Category, "name", row=lambda: rocky().category),
    "blog.Video": _inline(Video, "title", row=lambda: rocky().videos.first()),
    "blog.Artist": _simple(Artist, "name", row=lambda: _credit().artist),
    "blog.Album": _simple(Album, "title", row=lambda: _soundtrack_entry().track.album),
    "blog.Track": _simple(Track, "title", row=lambda: _soundtrack_entry().track),
    "blog.Credit": _inline(
        Credit, "artist", row=_credit, value=_new_artist_pk, parent=lambda credit: credit.track
    ),
    "blog.PostTrack": _inline(PostTrack, "track", row=_soundtrack_entry, value=_new_track_pk),
    "blog.PostDetail": _inline(PostDetail, "value", row=lambda: rocky().details.first()),
    "blog.PostLink": _inline(PostLink, "title", row=lambda: rocky().links.first()),
    "blog.Picture": _picture_caption(),
    "blog.Redirect": _redirect(),
    "taggit.Tag": _simple(Tag, "name", row=lambda: rocky().tags.first()),
    "taggit.TaggedItem": _tagging(),
    "auth.User": _simple(get_user_model(), "first_name", row=_author),
    "comments.Comment": _approval(),
    "comments.DiscussionSettings": _settings_page(
        DiscussionSettings,
        "close_after_days",
        value=lambda marker: 1,
        before=0,
        shows=lambda marker: "Comments are closed.",
    ),
    "site_settings.SiteSettings": _settings_page(
        SiteSettings, "title", value=str, before="Montage"
    ),
}
