import re

import pytest
from django.urls import reverse

from comments.models import Comment
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_index_shows_the_number_awaiting_moderation(moderator):
    """The admin's front page says how many comments wait, linking to them."""
    CommentFactory.create_batch(2, status=Comment.Status.PENDING)
    CommentFactory(status=Comment.Status.APPROVED)
    content = moderator.get(reverse("admin:index")).content.decode()
    assert "<strong>2</strong> comments awaiting moderation" in content
    assert "?status=pending" in content


def test_comment_list_shows_status_post_name_email_and_excerpt(moderator):
    """Staff see who wrote what, where, and in what state, email included."""
    comment = CommentFactory(name="Paulie", email="paulie@example.com", text="Yo Adrian " * 20)
    url = reverse("admin:comments_comment_changelist")
    content = moderator.get(url, {"status": "all"}).content.decode()
    for shown in ("Paulie", "paulie@example.com", "Approved", str(comment.target), "Yo Adrian"):
        assert shown in content
    assert "Comments: 0 awaiting moderation" in content


def test_list_filters_by_status(moderator):
    """The status filter narrows the list to the pending queue."""
    CommentFactory(status=Comment.Status.PENDING, name="Waiting")
    CommentFactory(status=Comment.Status.SPAM, name="Spammer")
    url = reverse("admin:comments_comment_changelist") + "?status=pending"
    content = moderator.get(url).content.decode()
    assert "Waiting" in content and "Spammer" not in content


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("bulk_approve", Comment.Status.APPROVED),
        ("bulk_spam", Comment.Status.SPAM),
        ("bulk_trash", Comment.Status.TRASH),
    ],
)
def test_bulk_actions_moderate_many_comments_at_once(moderator, action, status):
    """Approve, spam and trash work on a selection in one go."""
    comments = CommentFactory.create_batch(3, status=Comment.Status.PENDING)
    response = moderator.post(
        reverse("admin:comments_comment_changelist"),
        {"action": action, "_selected_action": [c.pk for c in comments]},
        follow=True,
    )
    assert "3 comments" in response.content.decode()
    assert set(Comment.objects.values_list("status", flat=True)) == {status}


def test_mail_link_asks_to_confirm_and_a_post_approves(moderator):
    """The approve link from the email shows a confirmation; confirming approves."""
    comment = CommentFactory(status=Comment.Status.PENDING, text="Please approve me")
    url = reverse("admin:comments_comment_approve", args=[comment.pk])
    page = moderator.get(url)
    assert page.status_code == 200 and "Please approve me" in page.content.decode()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    moderator.post(url)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_moderation_links_need_a_staff_login(client):
    """Anyone else is sent to the admin login, and nothing changes."""
    comment = CommentFactory(status=Comment.Status.PENDING)
    response = client.post(reverse("admin:comments_comment_spam", args=[comment.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_comment_list_opens_on_the_moderation_queue(moderator):
    """With no filter chosen, the list shows pending comments; "All" shows the rest."""
    CommentFactory(status=Comment.Status.PENDING, name="Waiting")
    CommentFactory(status=Comment.Status.APPROVED, name="Published")
    url = reverse("admin:comments_comment_changelist")
    first = moderator.get(url).content.decode()
    assert "Waiting" in first and "Published" not in first
    everything = moderator.get(url, {"status": "all"}).content.decode()
    assert "Waiting" in everything and "Published" in everything


def test_commenters_history_is_one_click_away(moderator):
    """A comment's page sums up what its writer has sent, linked to the list of it."""
    CommentFactory(email="apollo@example.com", status=Comment.Status.APPROVED)
    comment = CommentFactory(email="apollo@example.com", status=Comment.Status.SPAM)
    content = moderator.get(
        reverse("admin:comments_comment_change", args=[comment.pk])
    ).content.decode()
    assert "1 approved, 1 spam" in content
    assert "status=all&amp;q=apollo%40example.com" in content


def test_author_replies_from_the_admin_as_the_author(moderator, client):
    """A reply sent from the admin is published, badged and threaded under the comment."""
    comment = CommentFactory(status=Comment.Status.PENDING, text="Is this Wyoming?")
    response = moderator.post(
        reverse("admin:comments_comment_reply", args=[comment.pk]), {"text": "Yes, it is."}
    )
    assert response.status_code == 302
    reply = Comment.objects.get(parent=comment)
    assert (reply.status, reply.is_author) == (Comment.Status.APPROVED, True)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    page = moderator.get(comment.target.get_absolute_url()).content.decode()
    assert "Yes, it is." in page and '<span class="badge">Author</span>' in page


def test_an_empty_admin_reply_publishes_nothing(moderator):
    """Sending the reply box empty says so and adds no comment."""
    comment = CommentFactory()
    moderator.post(reverse("admin:comments_comment_reply", args=[comment.pk]), {"text": " "})
    assert not Comment.objects.filter(parent=comment).exists()


def test_comment_list_shows_which_rule_decided_each_comment(moderator):
    """The queue says why each comment waits, in a column of its own."""
    CommentFactory(status=Comment.Status.PENDING, moderation_reason="Held: 2 links or more")
    content = moderator.get(reverse("admin:comments_comment_changelist")).content.decode()
    header = r'<th scope="col" class="[^"]*column-moderation_reason">\s*<div class="text">'
    assert re.search(header + r"<a[^>]*>On arrival</a>", content)
    assert '<td class="field-moderation_reason">Held: 2 links or more</td>' in content


def test_comment_page_shows_which_rule_decided_it(moderator):
    """A spam comment's page says which rule sent it there, and the reason is not editable."""
    comment = CommentFactory(
        status=Comment.Status.SPAM,
        moderation_reason="Spam: the hidden honeypot field was filled",
    )
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    content = moderator.get(url).content.decode()
    assert "On arrival:" in content
    assert "Spam: the hidden honeypot field was filled" in content
    assert 'name="moderation_reason"' not in content


def test_the_author_filter_reads_by_the_author(moderator):
    page = moderator.get(reverse("admin:comments_comment_changelist")).content.decode()
    assert "By the author" in page
    assert "By by the author" not in page
