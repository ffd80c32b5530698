import importlib

import pytest
from django.apps import apps

from blog.models import Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

render_bodies = importlib.import_module(
    "blog.migrations.0007_render_bodies_with_linked_footnotes"
).render_bodies


def test_bodies_saved_under_the_old_rules_are_rendered_again():
    """A post saved before footnotes linked gets them linked, and its cached page rebuilt."""
    post = PostFactory(body="# Part\n\nA claim.[^1]\n\n[^1]: The source.")
    Post.objects.filter(pk=post.pk).update(body_html="<p>Part</p><p>A claim.1</p>")
    stale_since = Post.objects.get(pk=post.pk).updated_at
    render_bodies(apps, None)
    post.refresh_from_db()
    assert '<h2 id="body-part">Part</h2>' in post.body_html
    assert 'href="#body-fn:1"' in post.body_html
    assert post.updated_at > stale_since


def test_bodies_already_up_to_date_are_left_alone():
    """A post whose HTML would not change keeps its last-changed time."""
    post = PostFactory(body="Plain.")
    changed_at = Post.objects.get(pk=post.pk).updated_at
    render_bodies(apps, None)
    assert Post.objects.get(pk=post.pk).updated_at == changed_at
