import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from blog.demo import demo_load
from blog.models import Page, Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

ROCKY = "rocky-training-in-russia-rocky-iv"


def test_demo_creates_the_rocky_post_with_six_tracks_and_the_album(client):
    """The demo post carries the seed's facts, six credited tracks and the album."""
    demo_load()
    post = Post.objects.get(slug=ROCKY)
    assert post.title == "Rocky training in Russia [Rocky IV]"
    assert post.is_published
    assert post.soundtrack.count() == 6
    content = client.get(post.get_absolute_url()).content.decode()
    for fact in ["Jackson Hole", "Grand Teton National Park", "2021", "Scotti Bros. Records",
                 "No. 2 on the Billboard Hot 100", "No. 22 on the Billboard Hot 100",
                 "Platinum (RIAA)", "27 November 1985"]:  # fmt: skip
        assert fact in content, fact
    for title in ["Training Montage", "Hearts on Fire", "Burning Heart", "Living in America",
                  "No Easy Way Out", "Going the Distance"]:  # fmt: skip
        assert title in content, title
    assert content.count("data-seek=") == 2


def test_demo_rocky_post_lists_going_the_distance_under_the_rocky_score(client):
    """The one track from the first film's score is not shown as on the Rocky IV album."""
    demo_load()
    content = client.get(Post.objects.get(slug=ROCKY).get_absolute_url()).content.decode()
    soundtrack = content[content.index('id="soundtrack-heading"') :]
    score = soundtrack.index("Also on <cite>Rocky: Original Motion Picture Score</cite>")
    assert (
        soundtrack.index("Also on <cite>Rocky IV: Original Motion Picture Soundtrack</cite>")
        < score
    )
    assert soundtrack.index("No Easy Way Out") < score < soundtrack.index("Going the Distance")


def test_demo_fills_more_than_one_home_page_and_includes_a_draft_and_a_scheduled_post(client):
    """There are enough published demo posts to paginate, plus unpublished ones to preview."""
    demo_load()
    assert Post.objects.published().count() > 5
    assert client.get(reverse("blog:home"), {"page": 2}).status_code == 200
    assert Post.objects.filter(status=Post.Status.DRAFT).exists()
    assert Post.objects.filter(
        status=Post.Status.PUBLISHED, published_at__gt=timezone.now()
    ).exists()


def test_loading_the_demo_twice_changes_nothing():
    """load_demo is idempotent: the second run adds no rows."""
    call_command("load_demo", stdout=io.StringIO())
    counts = Post.objects.count(), Post.objects.get(slug=ROCKY).soundtrack.count()
    call_command("load_demo", stdout=io.StringIO())
    assert (Post.objects.count(), Post.objects.get(slug=ROCKY).soundtrack.count()) == counts


def test_loading_the_demo_keeps_the_authors_edits():
    """Re-running the demo does not overwrite a post the author has changed."""
    demo_load()
    Post.objects.filter(slug=ROCKY).update(title="My own title")
    demo_load()
    assert Post.objects.get(slug=ROCKY).title == "My own title"


def test_each_demo_post_starts_its_history_with_the_demo_text():
    """The author can undo an edit of a demo post back to how the demo wrote it."""
    demo_load()
    rocky = Post.objects.get(slug=ROCKY)
    (first,) = Version.objects.get_for_object(rocky)
    assert first.field_dict["body"] == rocky.body
    kept = [part.object_repr for part in first.revision.version_set.all()]
    assert sorted(repr_ for repr_ in kept if re.match(r"\d+\. ", repr_)) == sorted(
        str(entry) for entry in rocky.soundtrack.all()
    )
    assert len(kept) == 1 + rocky.videos.count() + rocky.soundtrack.count() + (
        rocky.details.count() + rocky.links.count()
    )


def test_demo_adds_an_about_page_with_a_figure_in_the_menu(client):
    """The demo site's menu links to its About page, which shows a captioned picture."""
    demo_load()
    about = Page.objects.get(slug="about")
    assert about.is_published and about.in_menu and not about.comments_enabled
    assert '<a href="/about/">About</a>' in client.get(reverse("blog:home")).content.decode()
    content = client.get(about.get_absolute_url()).content.decode()
    assert "<figcaption>Every post starts from one clip and the music in it.</figcaption>" in (
        content
    )
    assert Version.objects.get_for_object(about).count() == 1
    assert about.pk not in Post.objects.values_list("pk", flat=True)


def test_a_demo_post_the_author_deleted_does_not_come_back(settings):
    """make run loads the demo at each start: a site in use keeps the author's deletions,
    and no subscriber is emailed about an old demo post."""
    demo_load()
    Post.objects.get(slug=ROCKY).delete()
    assert demo_load() == 0
    assert not Post.objects.filter(slug=ROCKY).exists()


def test_a_site_with_posts_of_its_own_gets_no_demo():
    """The demo fills only a new site: one with the author's own posts gets none."""
    PostFactory(title="My first post")
    assert demo_load() == 0
    assert Post.objects.count() == 1
