import pytest

from blog.models import Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_private_post_is_hidden_from_readers(client):
    """A private post is kept for the author: readers get a 404 and never see it listed."""
    post = PostFactory(status=Post.Status.PRIVATE, title="Only for me")
    assert client.get(post.get_absolute_url()).status_code == 404
    assert "Only for me" not in client.get("/").content.decode()
    assert not Post.objects.published().filter(pk=post.pk).exists()


def test_private_post_shows_staff_that_it_is_private(client, author):
    """The author can open a private post and is told readers cannot."""
    post = PostFactory(status=Post.Status.PRIVATE)
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert "Private: only staff can see this page." in response.content.decode()
