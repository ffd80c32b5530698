import hashlib
import re

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.comments.helpers import comment_data, comment_endpoint
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

ADDRESS = "Private.Reader@Example.org"


def _forms_of(address):
    """The address as written, normalised, and every hash a Gravatar-style avatar uses."""
    normalised = address.strip().lower()
    forms = {address, normalised}
    for algorithm in ("md5", "sha1", "sha256"):
        for value in (address, normalised):
            forms.add(hashlib.new(algorithm, value.encode()).hexdigest())
    return forms


def _public_urls(post):
    day = post.published_at
    return [
        reverse("blog:home"),
        post.get_absolute_url(),
        f"{post.get_absolute_url()}?cpage=1",
        reverse("blog:category", kwargs={"slug": post.category.slug}),
        reverse("blog:tag", kwargs={"slug": "rocky"}),
        reverse("blog:archive"),
        reverse("blog:archive_year", kwargs={"year": day.year}),
        reverse("blog:archive_month", kwargs={"year": day.year, "month": day.month}),
        f"{reverse('blog:search')}?q=montage",
        f"{reverse('blog:search')}?q=Private",
        "/no-such-page/",
    ]


def test_commenter_email_appears_in_no_public_page(client):
    """A commenter's email, in any case or as any common hash, is in no public response."""
    post = PostFactory(tags=["rocky"], title="A montage")
    response = client.post(
        comment_endpoint(),
        comment_data(post, email=ADDRESS, name="Private Reader", url="https://reader.example"),
    )
    assert response.status_code == 303
    comment = Comment.objects.get()
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.APPROVED)
    reply_page = f"{post.get_absolute_url()}?replytocom={comment.pk}"
    reader = Client()
    assert "Private Reader" in reader.get(post.get_absolute_url()).content.decode()
    for url in [*_public_urls(post), reply_page]:
        page = reader.get(url)
        body = page.content.decode() + "".join(f"{k}: {v}" for k, v in page.headers.items())
        for secret in _forms_of(ADDRESS):
            assert not re.search(re.escape(secret), body, re.IGNORECASE), (url, secret)
