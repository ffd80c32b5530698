"""The Pages admin: written like a post, previewed, versioned, placed in the menu."""

import pytest
from django.urls import reverse
from reversion.models import Version

from blog.models import Page, Picture, Post
from tests.blog.admin_forms import form_values, post_form_data
from tests.blog.images import image_upload
from tests.factories import PageFactory, PostFactory

pytestmark = pytest.mark.django_db


def page_form_data(author, **overrides):
    """The add-page form filled in as the author sends it."""
    data = {
        "title": "About",
        "slug": "about",
        "body": "Who writes here, and why.",
        "in_menu": "on",
        "menu_position": "1",
        "status": "published",
        "published_at_0": "2025-11-27",
        "published_at_1": "10:00:00",
        "author": author.pk,
        "pictures-TOTAL_FORMS": "0",
        "pictures-INITIAL_FORMS": "0",
    }
    return {**data, **overrides}


def _with_picture(data):
    return {
        **data,
        "pictures-TOTAL_FORMS": "1",
        "pictures-0-image": image_upload("desk.jpg"),
        "pictures-0-alt": "The editing desk",
        "pictures-0-caption": "Where it is made.",
    }


def test_admin_index_has_a_pages_entry(client, author):
    """The author finds Pages beside Posts."""
    content = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:blog_page_changelist") in content


def test_page_form_asks_only_what_a_page_needs(client, author):
    """No lead, poster, category, tags, videos or soundtrack; pictures and menu are there."""
    content = client.get(reverse("admin:blog_page_add")).content.decode()
    for field in ['name="title"', 'name="body"', 'name="in_menu"', 'name="menu_position"',
                  'name="pictures-TOTAL_FORMS"', 'name="status"']:  # fmt: skip
        assert field in content, field
    for field in ['name="lead"', 'name="poster"', 'name="category"', 'name="tags"',
                  'name="videos-TOTAL_FORMS"', 'name="soundtrack-TOTAL_FORMS"']:  # fmt: skip
        assert field not in content, field


def test_new_page_has_comments_off(client, author):
    """The add form starts with "allow comments" unticked."""
    content = client.get(reverse("admin:blog_page_add")).content.decode()
    values = form_values(content, "page_form")
    assert "comments_enabled" not in values


def test_adding_a_page_with_a_figure_publishes_it_in_the_menu(client, author):
    """Saved with a picture, the page shows it as a figure and is linked from the menu."""
    data = _with_picture(page_form_data(author, body="Hello.\n\n![](image:1)\n"))
    response = client.post(reverse("admin:blog_page_add"), data)
    assert response.status_code == 302
    page = Page.objects.get()
    assert page.kind == Post.Kind.PAGE
    assert not page.comments_enabled
    content = client.get("/about/").content.decode()
    assert "<figcaption>Where it is made.</figcaption>" in content
    assert '<a href="/about/" aria-current="page">About</a>' in content


@pytest.mark.parametrize("slug", ["admin", "archive", "posts", "search", "feed", "tags"])
def test_reserved_slug_gets_the_form_again_with_everything_typed(client, author, slug):
    """A slug the site uses itself is refused with a reason; the text is kept."""
    data = page_form_data(author, slug=slug, body="My long text, kept.")
    response = client.post(reverse("admin:blog_page_add"), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert f"/{slug}/ is one of the site&#x27;s own addresses" in content
    assert "My long text, kept." in content
    assert not Page.objects.exists()


def test_slug_of_any_site_address_is_refused_even_if_not_listed(client, author, settings):
    """The URLconf is asked too: /comments/ is the comment app's, so no page takes it."""
    response = client.post(reverse("admin:blog_page_add"), page_form_data(author, slug="comments"))
    assert "one of the site&#x27;s own addresses" in response.content.decode()


@pytest.mark.parametrize("taken_by", [PostFactory, PageFactory])
def test_duplicate_slug_gets_the_form_again_with_a_clear_error(client, author, taken_by):
    """A slug a post or page has is refused, whichever kind holds it; nothing is lost."""
    taken_by(slug="about")
    data = page_form_data(author, body="Kept on refusal.")
    response = client.post(reverse("admin:blog_page_add"), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "A post or page already has the slug “about”" in content
    assert "Kept on refusal." in content
    assert Post.everything.count() == 1


def test_post_form_refuses_a_slug_a_page_has(client, author):
    """Slugs are unique across posts and pages: no 500 from the database."""
    PageFactory(slug="rocky-training-in-russia")
    response = client.post(reverse("admin:blog_post_add"), post_form_data(author))
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_empty_title_gets_the_form_again_with_the_body_kept(client, author):
    """A page needs a title; the body typed comes back."""
    data = page_form_data(author, title="", body="Body without a title.")
    response = client.post(reverse("admin:blog_page_add"), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "This field is required." in content
    assert "Body without a title." in content


def test_preview_of_a_page_shows_it_as_readers_will_and_saves_nothing(client, author):
    """Preview renders the page template from the unsaved form and leaves no row."""
    data = page_form_data(author, status="draft", body="Not saved **yet**.", _preview="Preview")
    response = client.post(reverse("admin:blog_page_add"), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Preview: About" in content
    assert "how readers will see the page once it is published" in content
    assert "<strong>yet</strong>" in content
    assert "no-cache" in response["Cache-Control"]
    assert not Post.everything.exists()
    assert not Version.objects.exists()


def test_preview_of_a_change_leaves_the_page_as_it_was(client, author):
    """Previewing an edit shows the edit; the page readers see is unchanged."""
    page = PageFactory(slug="about", body="The old text.", author=author)
    url = reverse("admin:blog_page_change", args=[page.pk])
    data = {**form_values(client.get(url).content.decode(), "page_form")}
    data.update(body="The new text.", _preview="Preview")
    assert "The new text." in client.post(url, data).content.decode()
    assert "The old text." in client.get("/about/").content.decode()


def test_page_changelist_shows_state_and_menu_place_and_no_posts(client, author):
    """Title, state, position and "in the menu" for each page; posts are not listed."""
    PageFactory(title="About", menu_position=3)
    PageFactory(title="Old page", status=Post.Status.DRAFT, in_menu=False)
    PostFactory(title="A post")
    content = client.get(reverse("admin:blog_page_changelist")).content.decode()
    assert "About" in content and "Old page" in content
    assert "A post" not in content
    assert "post-state--draft" in content and "post-state--live" in content
    assert 'name="form-0-menu_position"' in content
    assert 'name="form-0-in_menu"' in content


def test_post_changelist_lists_no_pages(client, author):
    """Pages stay out of the Posts list."""
    PageFactory(title="About")
    PostFactory(title="A post")
    content = client.get(reverse("admin:blog_post_changelist")).content.decode()
    assert "A post" in content
    assert "About" not in content


def test_reordering_the_menu_from_the_list_shows_on_the_site(client, author):
    """Positions typed (or dragged) in the list reorder the menu readers see."""
    first = PageFactory(title="First", menu_position=1)
    PageFactory(title="Second", menu_position=2)
    url = reverse("admin:blog_page_changelist")
    data = form_values(client.get(url).content.decode(), "changelist-form")
    for index in range(2):
        pk = int(data[f"form-{index}-id"])
        data[f"form-{index}-menu_position"] = "5" if pk == first.pk else "4"
    data["_save"] = "Save"
    assert client.post(url, data).status_code == 302
    nav = client.get("/").content.decode()
    assert nav.index(">Second<") < nav.index(">First<")


def test_every_save_of_a_page_keeps_a_version_to_restore(client, author):
    """History lists each save; restoring brings back the old text, keeps the address."""
    client.post(reverse("admin:blog_page_add"), page_form_data(author, body="First text."))
    page = Page.objects.get()
    url = reverse("admin:blog_page_change", args=[page.pk])
    data = form_values(client.get(url).content.decode(), "page_form")
    client.post(url, {**data, "body": "Second text."})
    versions = Version.objects.get_for_object(page)
    assert len(versions) == 2
    history = client.get(reverse("admin:blog_page_history", args=[page.pk])).content.decode()
    assert "First saved version" in history
    oldest = versions.last()
    restore = reverse("admin:blog_page_revision", args=[page.pk, oldest.pk])
    form = form_values(client.get(restore).content.decode(), "page_form")
    assert client.post(restore, form).status_code == 302
    page.refresh_from_db()
    assert page.body == "First text."
    assert page.kind == Post.Kind.PAGE
    assert "First text." in client.get("/about/").content.decode()


def test_what_changed_page_of_a_page_version(client, author):
    """The author can see what one save of a page changed."""
    client.post(reverse("admin:blog_page_add"), page_form_data(author, body="Old words."))
    page = Page.objects.get()
    url = reverse("admin:blog_page_change", args=[page.pk])
    data = form_values(client.get(url).content.decode(), "page_form")
    client.post(url, {**data, "body": "New words."})
    newest = Version.objects.get_for_object(page).first()
    changes = reverse("admin:blog_page_changes", args=[page.pk, newest.pk])
    content = client.get(changes).content.decode()
    assert "<ins>New</ins>" in content or "<ins>New words.</ins>" in content


def test_deleting_a_picture_of_a_page_updates_its_body(client):
    """A page's pictures follow the post's lifecycle: gone from the page once deleted."""
    page = PageFactory(slug="about", body="![](image:1)")
    picture = Picture.objects.create(post=page, image=image_upload(), alt="A still")
    assert "<figure" in client.get("/about/").content.decode()
    picture.delete()
    assert "<figure" not in client.get("/about/").content.decode()
