"""Old links keep working: moved addresses answer 301, a deleted post 410, no chains."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version
from taggit.models import Tag

from blog.models import Post, Redirect
from blog.redirects import redirect_add, redirects_add
from tests.blog.admin_forms import form_values, post_form_data
from tests.blog.test_pages import VERSION_QUERIES
from tests.factories import (
    CategoryFactory,
    DraftFactory,
    PostFactory,
    ScheduledFactory,
)

pytestmark = pytest.mark.django_db


def _move(post, slug):
    post.slug = slug
    post.save()


def _lands_on(client, old, new):
    """``old`` answers one permanent redirect, straight to ``new``."""
    response = client.get(old)
    assert (response.status_code, response.headers.get("Location")) == (301, new)


def _table():
    return dict(Redirect.objects.values_list("old_path", "new_path"))


# A post's address


def test_old_address_of_a_post_leads_to_its_new_one(client):
    post = PostFactory(slug="rocky-in-russia")
    _move(post, "rocky-in-the-snow")
    _lands_on(client, "/posts/rocky-in-russia/", "/posts/rocky-in-the-snow/")
    assert client.get("/posts/rocky-in-the-snow/").status_code == 200


def test_every_old_address_leads_straight_to_the_newest_after_several_changes(client):
    """Three renames, three old links, and each takes the reader one step, not a chain."""
    post = PostFactory(slug="first")
    for slug in ("second", "third", "fourth"):
        _move(post, slug)
    for old in ("first", "second", "third"):
        _lands_on(client, f"/posts/{old}/", "/posts/fourth/")
    assert _table() == {f"/posts/{old}/": "/posts/fourth/" for old in ("first", "second", "third")}


def test_a_slug_changed_back_serves_the_post_again_with_no_loop(client):
    post = PostFactory(slug="rocky")
    _move(post, "rocky-iv")
    _move(post, "rocky")
    assert client.get("/posts/rocky/").status_code == 200
    _lands_on(client, "/posts/rocky-iv/", "/posts/rocky/")
    assert _table() == {"/posts/rocky-iv/": "/posts/rocky/"}


def test_three_addresses_in_a_circle_leave_the_first_served_and_the_others_one_step_away(client):
    """A → B → C → A: A serves the post; B and C answer 301 straight to A."""
    post = PostFactory(slug="a")
    for slug in ("b", "c", "a"):
        _move(post, slug)
    assert client.get("/posts/a/").status_code == 200
    _lands_on(client, "/posts/b/", "/posts/a/")
    _lands_on(client, "/posts/c/", "/posts/a/")
    assert _table() == {"/posts/b/": "/posts/a/", "/posts/c/": "/posts/a/"}


def test_the_query_string_comes_along(client):
    post = PostFactory(slug="old-name")
    _move(post, "new-name")
    query = "?utm_source=feed&x=%C3%A9"
    _lands_on(client, f"/posts/old-name/{query}", f"/posts/new-name/{query}")


def test_addresses_below_a_moved_post_follow_it(client):
    """The post's comments feed, under its address, moves with it."""
    post = PostFactory(slug="old-name")
    _move(post, "new-name")
    _lands_on(client, "/posts/old-name/feed/atom/", "/posts/new-name/feed/atom/")


def test_a_new_post_at_an_old_address_takes_it_back(client):
    """Readers who type the address now reach the post that lives there."""
    moved = PostFactory(slug="rocky")
    _move(moved, "rocky-iv")
    PostFactory(slug="rocky")
    assert client.get("/posts/rocky/").status_code == 200
    assert _table() == {}


def test_a_post_moving_onto_an_old_address_removes_that_redirect(client):
    first = PostFactory(slug="first")
    _move(first, "first-moved")
    second = PostFactory(slug="second")
    _move(second, "first")
    _lands_on(client, "/posts/second/", "/posts/first/")
    assert "/posts/first/" not in _table()


def test_a_new_date_or_category_keeps_the_post_at_its_address(client):
    post = PostFactory(slug="rocky")
    post.published_at -= datetime.timedelta(days=400)
    post.category = CategoryFactory(slug="another-category")
    post.save()
    assert client.get("/posts/rocky/").status_code == 200
    assert _table() == {}


# Deleted posts


def test_a_deleted_published_post_answers_410_with_a_page_for_readers(client):
    post = PostFactory(slug="taken-down")
    post.delete()
    response = client.get("/posts/taken-down/")
    assert response.status_code == 410
    assert "This page is gone" in response.content.decode()
    assert client.get("/posts/taken-down/feed/").status_code == 410


def test_old_addresses_of_a_deleted_post_answer_410_too(client):
    post = PostFactory(slug="first")
    _move(post, "second")
    post.delete()
    assert client.get("/posts/first/").status_code == 410
    assert _table() == {"/posts/first/": "", "/posts/second/": ""}


def test_posts_deleted_in_bulk_answer_410(client):
    """A queryset's delete() still sends each post's signal."""
    PostFactory(slug="one")
    PostFactory(slug="two")
    Post.objects.all().delete()
    assert client.get("/posts/one/").status_code == 410
    assert client.get("/posts/two/").status_code == 410


def test_a_recovered_post_is_served_again(client):
    post = PostFactory(slug="back-again")
    post.delete()
    PostFactory(slug="back-again")
    assert client.get("/posts/back-again/").status_code == 200
    assert _table() == {}


# What readers never saw


@pytest.mark.parametrize(
    "factory",
    [DraftFactory, ScheduledFactory, lambda **kw: PostFactory(status=Post.Status.PRIVATE, **kw)],
    ids=["draft", "scheduled", "private"],
)
def test_a_hidden_posts_slug_change_or_deletion_records_and_reveals_nothing(client, factory):
    post = factory(slug="secret-plans")
    _move(post, "secret-plans-renamed")
    assert client.get("/posts/secret-plans/").status_code == 404
    post.delete()
    assert client.get("/posts/secret-plans-renamed/").status_code == 404
    assert _table() == {}


def test_a_post_unpublished_while_renamed_does_not_show_its_new_address(client):
    post = PostFactory(slug="public-name")
    post.slug, post.status = "hidden-name", Post.Status.DRAFT
    post.save()
    response = client.get("/posts/public-name/")
    assert response.status_code == 404
    assert "hidden-name" not in response.content.decode()


def test_a_scheduled_post_moved_before_it_is_due_leaves_no_trace(client):
    """Its first address was never public, so it never answers once the post is out."""
    post = ScheduledFactory(slug="coming-soon")
    _move(post, "coming-later")
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - datetime.timedelta(1))
    assert client.get("/posts/coming-soon/").status_code == 404


# Categories and tags


def test_a_categorys_old_address_and_everything_below_it_lead_to_the_new_one(client):
    category = CategoryFactory(slug="training")
    PostFactory(category=category)
    category.slug = "training-montages"
    category.save()
    _lands_on(client, "/category/training/", "/category/training-montages/")
    _lands_on(client, "/category/training/?page=2", "/category/training-montages/?page=2")
    _lands_on(client, "/category/training/feed/", "/category/training-montages/feed/")
    _lands_on(client, "/category/training/feed/atom/", "/category/training-montages/feed/atom/")


def test_a_prefix_counts_only_at_a_slash(client):
    """/category/training/ moving says nothing about /category/training-camps/."""
    category = CategoryFactory(slug="training")
    category.slug = "montages"
    category.save()
    assert client.get("/category/training-camps/").status_code == 404


def test_a_tags_old_address_and_everything_below_it_lead_to_the_new_one(client):
    PostFactory(tags=["eighties"])
    tag = Tag.objects.get(name="eighties")
    tag.slug = "1980s"
    tag.save()
    _lands_on(client, "/tag/eighties/", "/tag/1980s/")
    _lands_on(client, "/tag/eighties/?page=3", "/tag/1980s/?page=3")
    _lands_on(client, "/tag/eighties/feed/", "/tag/1980s/feed/")


def test_an_old_address_with_letters_beyond_ascii_matches_however_it_is_written(client):
    """Recorded percent-encoded (as an export writes it), asked for as a browser sends it."""
    redirect_add(old_path="/2019/05/caf%C3%A9-scene/", new_path="/posts/café-scène/")
    assert Redirect.objects.get().old_path == "/2019/05/café-scene/"
    _lands_on(client, "/2019/05/caf%C3%A9-scene/", "/posts/caf%C3%A9-sc%C3%A8ne/")


def test_a_tag_used_only_on_drafts_records_nothing(client):
    DraftFactory(tags=["unannounced"])
    tag = Tag.objects.get(name="unannounced")
    tag.slug = "announced-later"
    tag.save()
    assert client.get("/tag/unannounced/").status_code == 404
    assert _table() == {}


def test_a_tag_the_tag_pages_cannot_address_still_saves(client):
    """taggit keeps letters beyond ASCII in a slug; the post is saved all the same."""
    post = PostFactory(tags=["café"])
    assert list(post.tags.names()) == ["café"]
    assert _table() == {}


# The middleware


def test_an_unknown_address_is_still_a_404(client):
    PostFactory(slug="moved").delete()
    assert client.get("/posts/never-was/").status_code == 404
    assert client.get("/nowhere/at/all/").status_code == 404


def test_a_page_that_exists_is_never_redirected(client):
    post = PostFactory(slug="here")
    Redirect.objects.create(old_path="/posts/here/", new_path="/posts/elsewhere/")
    Redirect.objects.create(old_path="/category/", new_path="/archive/")
    assert client.get(post.get_absolute_url()).status_code == 200
    assert client.get(post.category.get_absolute_url()).status_code == 200


def test_a_form_sent_to_an_old_address_is_not_turned_into_a_visit(client):
    post = PostFactory(slug="old")
    _move(post, "new")
    assert client.post("/posts/old/").status_code in {404, 405}


def test_answers_are_checked_again_rather_than_kept_by_browsers(client):
    """After a slug changes back, no browser may loop on a 301 it kept."""
    post = PostFactory(slug="old")
    _move(post, "new")
    assert client.get("/posts/old/").headers["Cache-Control"] == "no-cache"
    post.delete()
    assert client.get("/posts/old/").headers["Cache-Control"] == "no-cache"


def test_an_address_below_a_moved_one_never_leads_off_the_site(client):
    """Whatever follows the old prefix, the redirect stays on this site."""
    redirect_add(old_path="/old/", new_path="/")
    for tail in ("/evil.example/", "%5Cevil.example/", "%2F%2Fevil.example/"):
        location = client.get(f"/old/{tail}").headers["Location"]
        assert location.startswith("/") and location[1:2] not in {"/", "\\"}, location


def test_an_old_permalink_with_its_query_answers_only_that_query(client):
    """WordPress's /?p=12 style: the query is part of the old address."""
    redirect_add(old_path="/archives/?p=12", new_path="/posts/rocky/")
    _lands_on(client, "/archives/?p=12", "/posts/rocky/")
    assert client.get("/archives/?p=13").status_code == 404


def test_a_redirected_request_costs_one_query_more_than_a_404(client, django_assert_num_queries):
    """The lookup is one query, however deep the address and however many rows."""
    for number in range(20):
        redirect_add(old_path=f"/posts/old-{number}/", new_path=f"/posts/new-{number}/")
    assert client.get("/posts/old-3/").status_code == 301
    # The feed's look-up of its post, then the redirect's (the 404 page's menu is cached).
    with django_assert_num_queries(VERSION_QUERIES + 2):
        response = client.get("/posts/old-3/feed/atom/?page=2")
    assert response.headers["Location"] == "/posts/new-3/feed/atom/?page=2"


# The service


def test_redirect_add_points_what_led_to_the_old_address_at_the_new_one():
    redirect_add(old_path="/a/", new_path="/b/")
    redirect_add(old_path="/z/", new_path="/b/feed/")
    redirect_add(old_path="/b/", new_path="/c/")
    assert _table() == {"/a/": "/c/", "/z/": "/c/feed/", "/b/": "/c/"}


def test_redirect_add_refuses_an_address_off_the_site():
    with pytest.raises(ValidationError, match="single /"):
        redirect_add(old_path="/a/", new_path="//evil.example/")
    assert _table() == {}


# The admin


def _admin_add(client, **data):
    return client.post(reverse("admin:blog_redirect_add"), {"note": "", **data})


def _errors(response):
    return response.context["adminform"].form.errors.as_data()


def _codes(response, field):
    return [error.code for error in _errors(response).get(field, [])]


def test_the_author_changing_a_slug_in_the_admin_keeps_the_old_link_working(client, author):
    assert client.post(reverse("admin:blog_post_add"), post_form_data(author)).status_code == 302
    post = Post.objects.get()
    url = reverse("admin:blog_post_change", args=[post.pk])
    data = form_values(client.get(url).content.decode(), "post_form")
    data["slug"] = "rocky-in-the-snow"
    assert client.post(url, data).status_code == 302
    client.logout()
    _lands_on(client, "/posts/rocky-training-in-russia/", "/posts/rocky-in-the-snow/")


def _renamed_in_the_admin(client, author):
    """A post saved twice in the admin, the second time under a new slug; the address
    that restores its first version."""
    assert client.post(reverse("admin:blog_post_add"), post_form_data(author)).status_code == 302
    post = Post.objects.get()
    url = reverse("admin:blog_post_change", args=[post.pk])
    data = form_values(client.get(url).content.decode(), "post_form")
    data.update(slug="rocky-in-the-snow", body="Second words.")
    assert client.post(url, data).status_code == 302
    first = Version.objects.get_for_object(post).order_by("pk").first()
    return reverse("admin:blog_post_revision", args=[post.pk, first.pk])


def test_restoring_an_old_version_keeps_the_address_and_its_old_links(client, author):
    """The version written back has the old slug; the restore keeps today's, and links."""
    revert_url = _renamed_in_the_admin(client, author)
    form = form_values(client.get(revert_url).content.decode(), "post_form")
    assert client.post(revert_url, form).status_code == 302
    assert Post.objects.get().slug == "rocky-in-the-snow"
    assert _table() == {"/posts/rocky-training-in-russia/": "/posts/rocky-in-the-snow/"}


def test_a_slug_chosen_on_the_restore_form_is_recorded_like_any_other(client, author):
    revert_url = _renamed_in_the_admin(client, author)
    form = form_values(client.get(revert_url).content.decode(), "post_form")
    form["slug"] = "rocky-training-in-russia"
    assert client.post(revert_url, form).status_code == 302
    client.logout()
    assert client.get("/posts/rocky-training-in-russia/").status_code == 200
    _lands_on(client, "/posts/rocky-in-the-snow/", "/posts/rocky-training-in-russia/")
    assert _table() == {"/posts/rocky-in-the-snow/": "/posts/rocky-training-in-russia/"}


def test_the_author_adds_a_redirect_in_the_admin(client, author):
    response = _admin_add(client, old_path="/old-about/", new_path="/posts/about/")
    assert response.status_code == 302
    _lands_on(client, "/old-about/", "/posts/about/")


def test_the_admin_list_shows_where_each_old_address_leads_and_which_are_gone(client, author):
    redirect_add(old_path="/posts/old/", new_path="/posts/new/", note="Renamed")
    redirect_add(old_path="/posts/removed/", new_path="")
    page = client.get(reverse("admin:blog_redirect_changelist")).content.decode()
    assert "/posts/old/" in page and "→ /posts/new/" in page
    assert "<strong>Gone (410)</strong>" in page
    found = client.get(reverse("admin:blog_redirect_changelist"), {"q": "removed"})
    assert list(found.context["cl"].result_list) == [Redirect.objects.get(new_path="")]


@pytest.mark.parametrize(
    ("old_path", "new_path", "field", "code"),
    [
        ("posts/old/", "/posts/new/", "old_path", "address"),
        ("/posts/old/", "https://elsewhere.example/", "new_path", "address"),
        ("/posts/old/", "//elsewhere.example/", "new_path", "address"),
        ("/posts/old/", "/\\elsewhere.example/", "new_path", "address"),
        ("/posts/old/#comments", "/posts/new/", "old_path", "address"),
        ("/", "/posts/new/", "old_path", "home"),
        ("/posts/old/", "/posts/old/feed/", "new_path", "inside_itself"),
    ],
)
def test_the_admin_refuses_an_address_that_cannot_work(
    client, author, old_path, new_path, field, code
):
    response = _admin_add(client, old_path=old_path, new_path=new_path)
    assert response.status_code == 200
    assert code in _codes(response, field)
    assert _table() == {}


def test_the_admin_refuses_a_redirect_to_itself(client, author):
    response = _admin_add(client, old_path="/posts/same/", new_path="/posts/same/")
    assert "itself" in [error.code for error in _errors(response)["__all__"]]


def test_the_admin_refuses_a_loop(client, author):
    redirect_add(old_path="/posts/b/", new_path="/posts/a/")
    response = _admin_add(client, old_path="/posts/a/", new_path="/posts/b/")
    assert _codes(response, "new_path") == ["loop"]
    assert "go round in a loop" in response.content.decode()
    assert _table() == {"/posts/b/": "/posts/a/"}


def test_the_admin_refuses_a_chain_and_names_the_address_to_enter(client, author):
    redirect_add(old_path="/posts/b/", new_path="/posts/c/")
    response = _admin_add(client, old_path="/posts/a/", new_path="/posts/b/")
    assert _codes(response, "new_path") == ["chain"]
    assert "enter “/posts/c/”" in response.content.decode()


def test_the_admin_refuses_a_redirect_to_a_gone_address(client, author):
    redirect_add(old_path="/posts/removed/", new_path="")
    response = _admin_add(client, old_path="/posts/a/", new_path="/posts/removed/")
    assert _codes(response, "new_path") == ["to_gone"]


def test_the_admin_refuses_a_second_redirect_for_the_same_old_address(client, author):
    redirect_add(old_path="/posts/a/", new_path="/posts/b/")
    response = _admin_add(client, old_path="/posts/a/", new_path="/posts/c/")
    assert _codes(response, "old_path") == ["unique"]
    assert "has a redirect already" in response.content.decode()


def test_a_redirect_added_in_the_admin_takes_along_what_led_to_its_old_address(client, author):
    redirect_add(old_path="/posts/a/", new_path="/posts/b/")
    assert _admin_add(client, old_path="/posts/b/", new_path="/posts/c/").status_code == 302
    assert _table() == {"/posts/a/": "/posts/c/", "/posts/b/": "/posts/c/"}


def test_the_author_edits_a_redirects_old_address(client, author):
    row = redirect_add(old_path="/posts/typo/", new_path="/posts/new/")
    url = reverse("admin:blog_redirect_change", args=[row.pk])
    data = {"old_path": "/posts/old/", "new_path": "/posts/new/", "note": ""}
    assert client.post(url, data).status_code == 302
    assert _table() == {"/posts/old/": "/posts/new/"}
    assert Redirect.objects.get().pk == row.pk


def test_the_author_marks_an_address_gone_and_deletes_a_redirect(client, author):
    row = redirect_add(old_path="/posts/old/", new_path="/posts/new/")
    url = reverse("admin:blog_redirect_change", args=[row.pk])
    gone = {"old_path": "/posts/old/", "new_path": "", "note": ""}
    assert client.post(url, gone).status_code == 302
    assert client.get("/posts/old/").status_code == 410
    delete_url = reverse("admin:blog_redirect_delete", args=[row.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    assert client.get("/posts/old/").status_code == 404


def test_an_address_that_led_to_an_old_query_address_follows_it_without_its_query(client):
    redirect_add(old_path="/x/", new_path="/?p=12")
    redirect_add(old_path="/?p=12", new_path="/posts/rocky/")
    assert Redirect.objects.get(old_path="/x/").new_path == "/posts/rocky/"


def test_many_old_addresses_added_at_once_keep_the_tables_rules(client):
    redirect_add(old_path="/older/", new_path="/2016/03/rocky/feed/")
    redirects_add(
        [("/2016/03/rocky/", "/posts/rocky/"), ("/?p=42", "/posts/rocky/"), ("/same/", "/same/")]
    )
    assert Redirect.objects.get(old_path="/older/").new_path == "/posts/rocky/feed/"
    assert not Redirect.objects.filter(old_path="/same/").exists()
    _lands_on(client, "/?p=42", "/posts/rocky/")


def test_a_batch_whose_pairs_chain_is_added_in_order():
    redirects_add([("/a/", "/b/"), ("/b/", "/c/")])
    assert dict(Redirect.objects.values_list("old_path", "new_path")) == {
        "/a/": "/c/", "/b/": "/c/"
    }  # fmt: skip


def test_a_batch_with_an_address_that_cannot_be_one_writes_nothing():
    with pytest.raises(ValidationError):
        redirects_add([("/fine/", "/posts/x/"), ("/" + "x" * 600 + "/", "/posts/x/")])
    assert not Redirect.objects.exists()


def test_an_address_with_a_nul_character_is_not_found(client):
    """PostgreSQL cannot hold a NUL, so the old-address lookup never asks it about one."""
    redirect_add(old_path="/old/", new_path="/posts/new/")
    assert client.get("/old/%00/").status_code == 404
