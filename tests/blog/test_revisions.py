"""Revisions: each save keeps a version; the author sees what changed and restores one."""

import pytest
from django.urls import reverse
from reversion.models import Version

from blog.models import Post, Track
from tests.blog.admin_forms import form_values, post_form_data
from tests.blog.images import image_upload
from tests.blog.test_pages import VERSION_QUERIES
from tests.factories import CategoryFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.django_db


def _save_new_post(client, author):
    response = client.post(reverse("admin:blog_post_add"), post_form_data(author))
    assert response.status_code == 302
    return Post.objects.get(slug="rocky-training-in-russia")


def _edit(client, post, **changes):
    """Change some fields in the change form and press Save, as the author would."""
    url = reverse("admin:blog_post_change", args=[post.pk])
    data = form_values(client.get(url).content.decode(), "post_form")
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return data


def _versions(post):
    return list(Version.objects.get_for_object(post))


def test_every_save_keeps_a_version_with_its_soundtrack(client, author):
    post = _save_new_post(client, author)
    _edit(client, post, body="A new body.")
    newest, first = _versions(post)
    assert first.field_dict["body"] == "Body."
    assert newest.field_dict["body"] == "A new body."
    kept_parts = {part.object_repr for part in first.revision.version_set.all()}
    assert {"The montage", "1. Hearts on Fire"} <= kept_parts


def test_history_says_what_each_save_changed(client, author):
    post = _save_new_post(client, author)
    _edit(client, post, title="Rocky in the snow", body="A new body.")
    page = client.get(reverse("admin:blog_post_history", args=[post.pk])).content.decode()
    assert "Title, Body" in page
    assert "First saved version" in page


def test_changes_page_marks_removed_and_added_words(client, author):
    post = _save_new_post(client, author)
    _edit(client, post, lead="Frozen landscapes and a red barn.", status="draft")
    newest = _versions(post)[0]
    url = reverse("admin:blog_post_changes", args=[post.pk, newest.pk])
    page = client.get(url).content.decode()
    assert "Frozen <del>landscapes.</del> <ins>landscapes and a red barn.</ins>" in page
    assert "<del>Published</del> <ins>Draft</ins>" in page
    assert "Body" not in page.split("<h2>The post</h2>")[1].split("</table>")[0]


def test_body_changes_show_the_changed_lines_and_elide_the_rest(client, author):
    paragraphs = [f"Paragraph {number}." for number in range(1, 13)]
    data = post_form_data(author, body="\n".join(paragraphs))
    assert client.post(reverse("admin:blog_post_add"), data).status_code == 302
    post = Post.objects.get()
    paragraphs[6] = "Paragraph seven, rewritten."
    _edit(client, post, body="\n".join(paragraphs))
    newest = _versions(post)[0]
    page = client.get(reverse("admin:blog_post_changes", args=[post.pk, newest.pk]))
    body_row = page.content.decode().split('<th scope="row">Body</th>')[1].split("</tr>")[0]
    assert "Paragraph <del>7.</del> <ins>seven, rewritten.</ins>" in body_row
    assert "Paragraph 6." in body_row and "Paragraph 8." in body_row
    assert "Paragraph 3." not in body_row and "Paragraph 10." not in body_row
    assert "…" in body_row


def test_changes_page_lists_soundtrack_entries_added_and_retimed(client, author):
    post = _save_new_post(client, author)
    second = TrackFactory(title="No Easy Way Out")
    _edit(
        client,
        post,
        **{
            "soundtrack-0-starts_at": "2:10",
            "soundtrack-TOTAL_FORMS": "2",
            "soundtrack-1-position": "2",
            "soundtrack-1-track": str(second.pk),
            "soundtrack-1-starts_at": "",
        },
    )
    newest = _versions(post)[0]
    page = client.get(reverse("admin:blog_post_changes", args=[post.pk, newest.pk]))
    content = page.content.decode()
    assert "<ins>2. No Easy Way Out</ins>" in content
    assert "1. Hearts on Fire: starts at" in content
    assert "<del>1:35</del> <ins>2:10</ins>" in content


def test_restoring_an_old_version_brings_back_its_text_and_soundtrack(client, author):
    post = _save_new_post(client, author)
    _edit(
        client,
        post,
        body="Rewritten.",
        **{"soundtrack-0-DELETE": "on"},
    )
    assert not post.soundtrack.exists()
    first = _versions(post)[-1]

    revert_url = reverse("admin:blog_post_revision", args=[post.pk, first.pk])
    form = form_values(client.get(revert_url).content.decode(), "post_form")
    assert form["body"] == "Body."
    response = client.post(revert_url, form)

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "Body."
    assert [entry.track.title for entry in post.soundtrack.all()] == ["Hearts on Fire"]
    assert len(_versions(post)) == 3


def test_a_preview_keeps_no_version(client, author):
    post = _save_new_post(client, author)
    url = reverse("admin:blog_post_change", args=[post.pk])
    data = form_values(client.get(url).content.decode(), "post_form")
    data.update(body="Only trying this out.", _preview="Preview")
    assert client.post(url, data).status_code == 200
    assert len(_versions(post)) == 1


def test_changes_page_of_another_posts_version_is_not_found(client, author):
    first = _save_new_post(client, author)
    data = post_form_data(author, title="Another", slug="another")
    assert client.post(reverse("admin:blog_post_add"), data).status_code == 302
    other_version = _versions(Post.objects.get(slug="another"))[0]
    url = reverse("admin:blog_post_changes", args=[first.pk, other_version.pk])
    assert client.get(url).status_code == 404


def test_restoring_a_version_keeps_the_current_poster(client, author, settings):
    """A replaced poster's files are gone; the restored post keeps the one it has now."""
    url = reverse("admin:blog_post_add")
    response = client.post(url, post_form_data(author, poster=image_upload("first.jpg")))
    assert response.status_code == 302
    post = Post.objects.get()
    _edit(client, post, body="With a new poster.", poster=image_upload("second.jpg"))
    post.refresh_from_db()
    current = (post.poster.name, post.poster_renditions)
    first = _versions(post)[-1]

    revert_url = reverse("admin:blog_post_revision", args=[post.pk, first.pk])
    form = form_values(client.get(revert_url).content.decode(), "post_form")
    assert client.post(revert_url, form).status_code == 302

    post.refresh_from_db()
    assert post.body == "Body."
    assert (post.poster.name, post.poster_renditions) == current
    assert post.poster.storage.exists(post.poster.name)
    assert all(post.poster.storage.exists(path) for path, _w in current[1]["webp"])


def test_a_new_poster_chosen_on_the_restore_form_replaces_the_current_one(
    client, author, settings, django_capture_on_commit_callbacks
):
    """The restored post takes the new poster, and today's poster files are removed."""
    url = reverse("admin:blog_post_add")
    assert (
        client.post(url, post_form_data(author, poster=image_upload("first.jpg"))).status_code
        == 302
    )
    post = Post.objects.get()
    _edit(client, post, body="Second.", poster=image_upload("second.jpg"))
    post.refresh_from_db()
    replaced = [post.poster.name] + [path for path, _w in post.poster_renditions["jpg"]]

    revert_url = reverse("admin:blog_post_revision", args=[post.pk, _versions(post)[-1].pk])
    form = form_values(client.get(revert_url).content.decode(), "post_form")
    form["poster"] = image_upload("third.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(revert_url, form).status_code == 302

    post.refresh_from_db()
    assert post.body == "Body."
    assert post.poster.name.endswith("third.jpg")
    assert not any(post.poster.storage.exists(name) for name in replaced)


def test_a_deleted_post_can_be_recovered_without_its_poster(client, author):
    """Its poster files went with it, so it comes back with the rest and no poster."""
    url = reverse("admin:blog_post_add")
    data = post_form_data(author, poster=image_upload("gone.jpg"))
    assert client.post(url, data).status_code == 302
    post = Post.objects.get()
    delete_url = reverse("admin:blog_post_delete", args=[post.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    deleted = Version.objects.get_deleted(Post).get()

    recover_url = reverse("admin:blog_post_recover", args=[deleted.pk])
    form = form_values(client.get(recover_url).content.decode(), "post_form")
    preview = client.post(recover_url, {**form, "_preview": "Preview"})
    assert "Preview:</strong> nothing is saved yet" in preview.content.decode()
    assert not Post.objects.exists()
    assert client.post(recover_url, form).status_code == 302

    recovered = Post.objects.get()
    assert recovered.title == "Rocky training in Russia"
    assert [entry.track.title for entry in recovered.soundtrack.all()] == ["Hearts on Fire"]
    assert not recovered.poster


@pytest.mark.parametrize("edits", [1, 5])
def test_history_costs_the_same_queries_for_two_saves_or_six(
    client, author, django_assert_num_queries, edits
):
    post = _save_new_post(client, author)
    for number in range(edits):
        _edit(client, post, body=f"Edit {number}.", category=str(CategoryFactory().pk))
    url = reverse("admin:blog_post_history", args=[post.pk])
    client.get(url)  # the admin's own lookups (content types, session) are cached
    with django_assert_num_queries(HISTORY_QUERIES):
        page = client.get(url).content.decode()
    assert page.count("Body, Category") == edits


HISTORY_QUERIES = VERSION_QUERIES + 8  # the same for any number of saves


def test_changes_page_shows_markup_typed_by_the_author_as_text(client, author):
    post = _save_new_post(client, author)
    _edit(client, post, title='<script>alert("x")</script> Rocky')
    newest = _versions(post)[0]
    page = client.get(reverse("admin:blog_post_changes", args=[post.pk, newest.pk]))
    content = page.content.decode()
    assert '<script>alert("x")</script>' not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content


def test_history_pages_are_closed_to_staff_without_permission_on_posts(client, author):
    post = _save_new_post(client, author)
    version = _versions(post)[0]
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("admin:blog_post_history", args=[post.pk])).status_code == 403
    changes = reverse("admin:blog_post_changes", args=[post.pk, version.pk])
    assert client.get(changes).status_code == 403


def test_changes_page_of_a_post_that_does_not_exist_is_not_found(client, author):
    assert client.get(reverse("admin:blog_post_changes", args=[999, 1])).status_code == 404


def test_an_old_version_can_be_previewed_before_it_is_restored(client, author):
    post = _save_new_post(client, author)
    _edit(client, post, body="Rewritten.")
    revert_url = reverse("admin:blog_post_revision", args=[post.pk, _versions(post)[-1].pk])
    page = client.get(revert_url).content.decode()
    assert 'name="_preview"' in page
    form = form_values(page, "post_form")
    form["_preview"] = "Preview"

    preview = client.post(revert_url, form).content.decode()

    assert "Preview:</strong> nothing is saved yet" in preview
    assert "<p>Body.</p>" in preview
    post.refresh_from_db()
    assert post.body == "Rewritten."
    assert len(_versions(post)) == 2


def test_restoring_a_version_whose_track_was_deleted_since_asks_for_another(client, author):
    """No error page: the restore form shows the entry without a track, to fix or drop."""
    post = _save_new_post(client, author)
    _edit(client, post, **{"soundtrack-0-DELETE": "on"})
    Track.objects.filter(title="Hearts on Fire").delete()
    revert_url = reverse("admin:blog_post_revision", args=[post.pk, _versions(post)[-1].pk])

    page = client.get(revert_url)
    assert page.status_code == 200
    form = form_values(page.content.decode(), "post_form")
    refused = client.post(revert_url, form)
    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()

    form["soundtrack-0-DELETE"] = "on"
    assert client.post(revert_url, form).status_code == 302
    post.refresh_from_db()
    assert post.body == "Body." and not post.soundtrack.exists()


def test_restoring_keeps_each_track_in_the_video_it_plays_in(client, author):
    """The restore form offers the post's videos, so a timed track keeps its video."""
    post = _save_new_post(client, author)
    video = post.videos.get()
    _edit(client, post, **{"soundtrack-0-video": str(video.pk)})
    _edit(client, post, body="Rewritten.")
    revert_url = reverse("admin:blog_post_revision", args=[post.pk, _versions(post)[1].pk])
    form = form_values(client.get(revert_url).content.decode(), "post_form")
    assert form["soundtrack-0-video"] == str(video.pk)
    assert client.post(revert_url, form).status_code == 302
    assert post.soundtrack.get().video == video


def test_previewing_a_restore_with_a_new_poster_leaves_todays_poster_files(client, author):
    """Nothing a preview does outlives it: today's poster and its files stay."""
    data = post_form_data(author, poster=image_upload("first.jpg"))
    assert client.post(reverse("admin:blog_post_add"), data).status_code == 302
    post = Post.objects.get()
    _edit(client, post, body="Second.")
    post.refresh_from_db()
    today = [post.poster.name] + [path for path, _w in post.poster_renditions["jpg"]]

    revert_url = reverse("admin:blog_post_revision", args=[post.pk, _versions(post)[-1].pk])
    form = form_values(client.get(revert_url).content.decode(), "post_form")
    form.update(_preview="Preview", poster=image_upload("other.jpg"))
    preview = client.post(revert_url, form).content.decode()

    assert "The new poster shows once you save." in preview
    post.refresh_from_db()
    assert post.poster.name == today[0]
    assert all(post.poster.storage.exists(name) for name in today)


def test_restoring_a_draft_version_keeps_a_live_post_live(client, author):
    """History → the first, draft version → Save: readers still see the post."""
    data = post_form_data(author, status="draft", body="Draft words.")
    assert client.post(reverse("admin:blog_post_add"), data).status_code == 302
    post = Post.objects.get()
    _edit(client, post, status="published", body="Published words.")
    post.refresh_from_db()
    published_at = post.published_at
    draft_version = _versions(post)[-1]
    assert draft_version.field_dict["status"] == "draft"

    revert_url = reverse("admin:blog_post_revision", args=[post.pk, draft_version.pk])
    form = form_values(client.get(revert_url).content.decode(), "post_form")
    assert form["status"] == "published"
    assert client.post(revert_url, form).status_code == 302

    post.refresh_from_db()
    assert post.body == "Draft words."
    assert (post.status, post.published_at) == ("published", published_at)
    client.logout()
    assert client.get(post.get_absolute_url()).status_code == 200


def test_restoring_a_published_version_keeps_a_draft_a_draft(client, author):
    post = _save_new_post(client, author)
    _edit(client, post, status="draft", published_at_0="2026-01-05", body="Pulled back.")
    published_version = _versions(post)[-1]
    revert_url = reverse("admin:blog_post_revision", args=[post.pk, published_version.pk])
    form = form_values(client.get(revert_url).content.decode(), "post_form")
    assert (form["status"], form["published_at_0"]) == ("draft", "2026-01-05")
    assert client.post(revert_url, form).status_code == 302
    post.refresh_from_db()
    assert (post.body, post.status) == ("Body.", "draft")
    assert post.published_at.date().isoformat() == "2026-01-05"


def test_status_changed_on_the_restore_form_is_what_the_restore_saves(client, author):
    """The author may still publish or unpublish while restoring, by choosing so."""
    post = _save_new_post(client, author)
    _edit(client, post, body="Second words.")
    revert_url = reverse("admin:blog_post_revision", args=[post.pk, _versions(post)[-1].pk])
    form = form_values(client.get(revert_url).content.decode(), "post_form")
    form["status"] = "draft"
    assert client.post(revert_url, form).status_code == 302
    post.refresh_from_db()
    assert (post.body, post.status) == ("Body.", "draft")


def test_restore_form_says_what_it_brings_back_and_what_it_leaves(client, author):
    post = _save_new_post(client, author)
    _edit(client, post, body="Second words.")
    revert_url = reverse("admin:blog_post_revision", args=[post.pk, _versions(post)[-1].pk])
    page = client.get(revert_url).content.decode()
    top = page.split("<fieldset")[0]
    assert "brings back the text, videos, soundtrack, details and links" in top
    assert "status, publish time, address (slug), poster, pictures and tags stay" in top


def test_restoring_an_old_version_keeps_the_posts_address(client, author):
    """Readers' links and the comments' page keep working after a restore."""
    post = _save_new_post(client, author)
    _edit(client, post, slug="rocky-in-the-snow", body="Second words.")
    revert_url = reverse("admin:blog_post_revision", args=[post.pk, _versions(post)[-1].pk])
    form = form_values(client.get(revert_url).content.decode(), "post_form")
    assert form["slug"] == "rocky-in-the-snow"
    assert client.post(revert_url, form).status_code == 302
    post.refresh_from_db()
    assert (post.slug, post.body) == ("rocky-in-the-snow", "Body.")


def test_the_restore_page_says_restore_and_saving_says_which_version_came_back(client, author):
    post = _save_new_post(client, author)
    _edit(client, post, body="Second words.")
    first = _versions(post)[-1]
    revert_url = reverse("admin:blog_post_revision", args=[post.pk, first.pk])
    page = client.get(revert_url).content.decode()
    assert "<h1>Restore the version saved on" in page
    assert "Revert" not in page.split("<main")[1].split("</form>")[0].split("<form")[0]
    form = form_values(page, "post_form")
    response = client.post(revert_url, form, follow=True)
    shown = [str(message) for message in response.context["messages"]]
    assert any(message.startswith("The version saved on") for message in shown)
