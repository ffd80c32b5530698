import smtplib

import pytest
from django.core import mail
from django.test import Client

from comments.models import Comment, ModerationMailFailure
from tests.comments.helpers import comment_data, comment_endpoint
from tests.factories import CommentFactory, PostFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(settings):
    # The host site (blog) sends moderation mail to the Site settings' address.
    settings.MONTAGE_MODERATION_EMAIL = "author@example.com"
    return PostFactory(author=UserFactory(email="author@example.com"), title="Rocky IV")


def _submit(client, post, **overrides):
    return client.post(comment_endpoint(), comment_data(post, **overrides))


def test_author_is_emailed_about_a_comment_awaiting_moderation(
    client, post, django_capture_on_commit_callbacks
):
    """A held comment mails the post's author, with links to approve it or mark it spam."""
    with django_capture_on_commit_callbacks(execute=True):
        _submit(client, post, text="Adrian!", name="Rocky")
    comment = Comment.objects.get()
    [message] = mail.outbox
    assert message.to == ["author@example.com"]
    assert "Please moderate" in message.subject and "Rocky IV" in message.subject
    assert "Adrian!" in message.body
    assert f"http://testserver/admin/comments/comment/{comment.pk}/approve/" in message.body
    assert f"http://testserver/admin/comments/comment/{comment.pk}/spam/" in message.body


def test_mail_is_sent_only_after_the_comment_is_committed(client, post):
    """No mail leaves while the transaction that saves the comment is still open."""
    _submit(client, post)
    assert Comment.objects.exists()
    assert mail.outbox == []


def test_approved_comments_are_not_mailed_unless_asked(
    client, post, settings, django_capture_on_commit_callbacks
):
    """Approved comments mail the author only when that setting is on."""
    staffless = Client()
    settings.COMMENTS_CHECKS = ["comments.checks.returning_commenter"]
    CommentFactory(target=post, name="Ivan Drago", email="ivan@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        _submit(staffless, post, text="First approved one.")
    assert mail.outbox == []
    settings.COMMENTS_NOTIFY_APPROVED = True
    with django_capture_on_commit_callbacks(execute=True):
        _submit(staffless, post, text="Second approved one.")
    assert len(mail.outbox) == 1


def test_the_authors_own_comments_send_no_mail(client, post, django_capture_on_commit_callbacks):
    """The author is not mailed about what they wrote themselves."""
    client.force_login(StaffFactory())
    with django_capture_on_commit_callbacks(execute=True):
        _submit(client, post)
    assert mail.outbox == []


def test_failing_mail_server_loses_no_comment_and_shows_no_error(
    client, post, monkeypatch, django_capture_on_commit_callbacks
):
    """When the mail server refuses, the comment is kept and the reader is redirected."""

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail server down")

    monkeypatch.setattr("comments.services.send_mail", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        response = _submit(client, post, text="Kept despite the mail server.")
    assert response.status_code == 303
    assert Comment.objects.get().text == "Kept despite the mail server."


def _refuse(*args, **kwargs):
    raise smtplib.SMTPServerDisconnected("mail server down")


def test_a_failing_mail_server_is_recorded_for_the_admin(
    client, post, monkeypatch, django_capture_on_commit_callbacks
):
    """The failure is kept in the database, so the admin in any process can show it."""
    monkeypatch.setattr("comments.services.send_mail", _refuse)
    with django_capture_on_commit_callbacks(execute=True):
        _submit(client, post)
    failure = ModerationMailFailure.latest()
    assert failure.error == "SMTPServerDisconnected: mail server down"
    assert failure.failed_at is not None


def test_a_later_mail_that_goes_through_clears_the_failure(
    client, post, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_FLOOD_SECONDS = 0
    with monkeypatch.context() as patched:
        patched.setattr("comments.services.send_mail", _refuse)
        with django_capture_on_commit_callbacks(execute=True):
            _submit(client, post, text="While the server is down.")
    assert ModerationMailFailure.latest() is not None
    with django_capture_on_commit_callbacks(execute=True):
        _submit(client, post, text="Once it is back up.")
    assert len(mail.outbox) == 1
    assert ModerationMailFailure.latest() is None
