"""The name the author's comments are signed with comes from the host, never the login."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from comments.authors import author_name
from comments.models import Comment
from comments.services import comment_author_rename, comment_reply_as_author
from tests.comments.helpers import comment_data, comment_endpoint
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def public_name(user):
    return f"The {user.first_name}"


def test_the_host_names_the_author_through_the_setting(settings):
    settings.COMMENTS_AUTHOR_NAME = "tests.comments.test_authors.public_name"
    assert author_name(UserFactory(first_name="Editor")) == "The Editor"


def test_without_the_setting_a_reply_is_signed_with_the_full_name(settings):
    settings.COMMENTS_AUTHOR_NAME = ""
    reply = comment_reply_as_author(
        parent=CommentFactory(), author=UserFactory(first_name="Ada", last_name="L."), text="Hi."
    )
    assert reply.name == "Ada L."


def test_without_the_setting_or_a_full_name_a_reply_says_author_not_the_login(settings):
    settings.COMMENTS_AUTHOR_NAME = ""
    user = UserFactory(username="admin", first_name="", last_name="")
    assert author_name(user) == "Author"


def test_a_setting_naming_a_missing_function_says_so(settings):
    settings.COMMENTS_AUTHOR_NAME = "tests.comments.test_authors.no_such_function"
    with pytest.raises(ImproperlyConfigured, match="COMMENTS_AUTHOR_NAME names"):
        author_name(UserFactory())


def test_renaming_signs_every_author_comment_and_moves_it_for_the_cache():
    """Only the author's comments change, and their updated_at moves (the thread's key)."""
    long_ago = timezone.now() - datetime.timedelta(days=30)
    reader = CommentFactory(name="Ivan Drago")
    old_reply = CommentFactory(name="Ada", is_author=True, parent=reader)
    Comment.objects.update(updated_at=long_ago)
    assert comment_author_rename(name="Ada Lovelace") == 1
    old_reply.refresh_from_db()
    reader.refresh_from_db()
    assert old_reply.name == "Ada Lovelace" and old_reply.updated_at > long_ago
    assert reader.name == "Ivan Drago" and reader.updated_at == long_ago
    assert comment_author_rename(name="Ada Lovelace") == 0


def test_renaming_to_nothing_is_refused():
    with pytest.raises(ValueError, match="need a name"):
        comment_author_rename(name="  ")


def test_the_author_commenting_on_the_page_signs_with_the_public_name(client, settings):
    """Logged in, the author may type anything in Name: readers see the public name."""
    settings.COMMENTS_AUTHOR_NAME = "tests.comments.test_authors.public_name"
    author = UserFactory(username="admin", first_name="Editor", is_staff=True)
    post = PostFactory()
    client.force_login(author)
    data = comment_data(post, name="admin", text="Thanks for reading.")
    assert client.post(comment_endpoint(), data).status_code == 303
    comment = Comment.objects.get()
    assert (comment.name, comment.is_author) == ("The Editor", True)
