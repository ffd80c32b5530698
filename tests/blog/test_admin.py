import html
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from blog.models import Post
from tests.blog.admin_forms import form_values, post_form_data
from tests.blog.images import image_bytes
from tests.factories import CategoryFactory, PostFactory, TrackFactory, VideoFactory

pytestmark = pytest.mark.django_db


def test_author_can_add_a_post_with_video_and_timed_track(client, author):
    """One admin form saves the post, its video and a track starting at 1:35."""
    response = client.post(reverse("admin:blog_post_add"), post_form_data(author))
    assert response.status_code == 302, response.context["adminform"].form.errors
    post = Post.objects.get(slug="rocky-training-in-russia")
    assert post.videos.get().video_id == "dQw4w9WgXcQ"
    assert post.soundtrack.get().starts_at == 95
    assert sorted(post.tags.names()) == ["1980s", "rocky"]


def test_bad_video_url_is_refused_and_what_was_typed_is_kept(client, author):
    """A non-video URL gives a clear error on the field and the form keeps the input."""
    data = post_form_data(author, **{"videos-0-url": "https://example.com/my-clip"})
    response = client.post(reverse("admin:blog_post_add"), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Paste a YouTube or Vimeo link" in content
    assert 'value="https://example.com/my-clip"' in content
    assert "Frozen landscapes." in content
    assert not Post.objects.exists()


def test_bad_timestamp_is_refused_with_an_example_of_a_good_one(client, author):
    """A start time that is not a time says how to write one."""
    data = post_form_data(author, **{"soundtrack-0-starts_at": "soon"})
    response = client.post(reverse("admin:blog_post_add"), data)
    assert response.status_code == 200
    assert "Enter a time such as 1:35" in response.content.decode()


def test_change_form_shows_times_as_minutes_and_seconds(client, author):
    """A stored start of 95 seconds is shown to the author as 1:35."""
    video = VideoFactory()
    video.post.soundtrack.create(track=TrackFactory(), starts_at=95, video=video)
    response = client.get(reverse("admin:blog_post_change", args=[video.post.pk]))
    assert 'value="1:35"' in response.content.decode()


def test_video_help_text_says_the_demo_address_is_an_example(client, author):
    """The author is told the demo's video address is to be replaced."""
    response = client.get(reverse("admin:blog_post_add"))
    assert "replace it with your video" in response.content.decode()


def test_post_list_says_live_scheduled_or_draft_and_counts_comments(client, author):
    """The admin list of posts answers “is it live?” and “is anything waiting?”."""
    from comments.models import Comment
    from tests.factories import CommentFactory, DraftFactory, ScheduledFactory

    live = PostFactory(title="Live one")
    ScheduledFactory(title="Later one")
    DraftFactory(title="Unfinished one")
    CommentFactory.create_batch(2, target=live)
    waiting = CommentFactory(target=live, status=Comment.Status.PENDING)
    elsewhere = CommentFactory(target=PostFactory(), status=Comment.Status.PENDING)
    content = client.get(reverse("admin:blog_post_changelist")).content.decode()
    for state in ("live", "scheduled", "draft"):
        assert f'class="post-state post-state--{state}">{state.title()}</span>' in content

    queue_link = re.search(r'2 \(<a href="([^"]+)">1 pending</a>\)', content)
    queue = client.get(html.unescape(queue_link[1])).content.decode()
    assert f"/admin/comments/comment/{waiting.pk}/change/" in queue
    assert f"/admin/comments/comment/{elsewhere.pk}/change/" not in queue


@pytest.mark.parametrize(
    ("state", "shown"),
    [("live", "Live one"), ("scheduled", "Later one"), ("draft", "Unfinished one")],
)
def test_post_list_filters_by_state(client, author, state, shown):
    from tests.factories import DraftFactory, ScheduledFactory

    PostFactory(title="Live one")
    ScheduledFactory(title="Later one")
    DraftFactory(title="Unfinished one")
    url = reverse("admin:blog_post_changelist")
    content = client.get(url, {"state": state}).content.decode()
    titles = {"Live one", "Later one", "Unfinished one"}
    assert [title for title in titles if f">{title}</a>" in content] == [shown]


def test_saving_a_post_with_a_poster_again_keeps_the_poster(client, author):
    """Editing the text of a post that has a poster saves, and the poster stays."""
    post = PostFactory(author=author, poster=ContentFile(image_bytes(), name="still.jpg"))
    url = reverse("admin:blog_post_change", args=[post.pk])
    data = form_values(client.get(url).content.decode(), "post_form")
    data["lead"] = "A new lead."
    response = client.post(url, data)
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.lead == "A new lead."
    assert post.poster.name.endswith("still.jpg")
    assert post.poster.storage.exists(post.poster.name)


def test_category_autocomplete_lists_categories_by_name(client, author):
    """The post form's category picker offers categories in alphabetical order."""
    for name in ["Westerns", "Boxing films", "Musicals"]:
        CategoryFactory(name=name, slug=name.lower().replace(" ", "-"))
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "blog", "model_name": "post", "field_name": "category"},
    )
    assert response.status_code == 200
    names = [result["text"] for result in response.json()["results"]]
    assert names == ["Boxing films", "Musicals", "Westerns"]


def test_a_category_cannot_be_filed_under_itself_or_its_own_child(client, author):
    films = CategoryFactory(name="Films")
    montages = CategoryFactory(name="Montages", parent=films)
    for parent in (films, montages):
        answer = client.post(
            f"/admin/blog/category/{films.pk}/change/",
            {"name": "Films", "slug": films.slug, "description": "", "parent": parent.pk},
        )
        assert answer.status_code == 200
        assert "A category cannot belong to itself or to one of its own." in answer.text
    films.refresh_from_db()
    assert films.parent is None
