"""One-click Approve, Spam and Trash on each row of the comment list."""

import re
from html import unescape

import pytest
from django.urls import reverse

from comments.models import Comment
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:comments_comment_changelist")


@pytest.fixture
def moderator(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _row_buttons(page, comment):
    actions = {
        name: reverse(f"admin:comments_comment_{name}", args=[comment.pk])
        for name in ("approve", "spam", "trash")
    }
    found = {}
    for formaction in re.findall(r'formaction="([^"]+)"', page):
        formaction = unescape(formaction)
        for name, url in actions.items():
            if formaction.startswith(url + "?"):
                found[name] = formaction
    return found


def test_each_pending_row_has_approve_spam_and_trash_buttons(moderator):
    comment = CommentFactory(status=Comment.Status.PENDING)
    page = moderator.get(LIST_URL, {"status": "pending"}).content.decode()
    assert set(_row_buttons(page, comment)) == {"approve", "spam", "trash"}
    assert 'aria-label="Approve the comment by' in page


def test_a_row_has_no_button_for_the_state_it_is_in(moderator):
    comment = CommentFactory(status=Comment.Status.APPROVED)
    page = moderator.get(LIST_URL, {"status": "approved"}).content.decode()
    assert set(_row_buttons(page, comment)) == {"spam", "trash"}


def test_a_row_button_posts_and_returns_to_the_same_filtered_page(moderator):
    comment = CommentFactory(status=Comment.Status.PENDING, name="Ivan Drago")
    CommentFactory(status=Comment.Status.PENDING, name="Adrian")
    page = moderator.get(LIST_URL, {"status": "pending", "q": "Drago"}).content.decode()
    formaction = _row_buttons(page, comment)["spam"]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = moderator.post(formaction, {"csrfmiddlewaretoken": csrf, "action": ""})

    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}?status=pending&q=Drago"
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM
    assert Comment.objects.get(name="Adrian").status == Comment.Status.PENDING


def test_a_row_button_needs_the_csrf_token(moderator):
    comment = CommentFactory(status=Comment.Status.PENDING)
    moderator.handler.enforce_csrf_checks = True
    url = reverse("admin:comments_comment_approve", args=[comment.pk])
    assert moderator.post(url).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


@pytest.mark.parametrize("back", ["https://evil.example/admin/", "/admin/blog/post/", "//evil"])
def test_a_row_button_never_sends_the_moderator_elsewhere(moderator, back):
    comment = CommentFactory(status=Comment.Status.PENDING)
    url = reverse("admin:comments_comment_trash", args=[comment.pk])
    response = moderator.post(f"{url}?next={back}")
    assert response["Location"] == LIST_URL
