import re

import pytest
from django.urls import reverse

from blog.models import Post
from blog.views import CategoryIndex, TagIndex
from site_settings.conf import site_settings
from tests.blog.test_pages import SITE_QUERIES
from tests.factories import CategoryFactory, DraftFactory, PostFactory, ScheduledFactory

pytestmark = pytest.mark.django_db

UNPUBLISHED = {
    "draft": DraftFactory,
    "scheduled": ScheduledFactory,
    "private": lambda **kwargs: PostFactory(status=Post.Status.PRIVATE, **kwargs),
}


def _content(client, url_name, **params):
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    return response.content.decode()


def _rows(content):
    """The category index's rows, as text with the markup and spacing taken out."""
    rows = re.findall(r'<li class="row">(.*?)</li>', content, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_category_index_lists_each_category_with_its_description_and_post_count(client):
    """Each category shows its name, linked to its page, its description and its count."""
    training = CategoryFactory(name="Training montages", description="Sweat, snow and synths.")
    PostFactory.create_batch(2, category=training)
    PostFactory(category=CategoryFactory(name="Car chases"))
    content = _content(client, "blog:categories")
    assert _rows(content) == [
        "1 post Car chases",
        "2 posts Training montages Sweat, snow and synths.",
    ]
    assert f'<a href="{training.get_absolute_url()}">Training montages</a>' in content


@pytest.mark.parametrize("factory", UNPUBLISHED.values(), ids=UNPUBLISHED.keys())
def test_category_index_counts_only_published_posts(client, factory):
    """An unpublished post neither counts in its category nor lists a category of its own."""
    shared = CategoryFactory(name="Shared")
    PostFactory(category=shared)
    factory(category=shared)
    factory(category=CategoryFactory(name="Coming soon"))
    content = _content(client, "blog:categories")
    assert _rows(content) == ["1 post Shared"]
    assert "Coming soon" not in content


def test_category_index_says_so_when_nothing_is_filed(client):
    """With no published post in a category, the index says so and offers the archive."""
    DraftFactory()
    content = _content(client, "blog:categories")
    assert "No post is filed under a category yet." in content
    assert f'href="{reverse("blog:archive")}"' in content


@pytest.mark.parametrize("categories", [1, 8])
def test_category_index_query_count_does_not_grow(client, django_assert_num_queries, categories):
    """However many categories, the index costs the same queries."""
    for _ in range(categories):
        PostFactory.create_batch(2, category=CategoryFactory())
    site_settings()  # site-wide, read once and then cached (tests/site_settings)
    with django_assert_num_queries(2 + SITE_QUERIES):
        client.get(reverse("blog:categories"))


def test_category_index_pages_past_its_size(client, monkeypatch):
    """Past a page's worth, the rest of the categories move to page 2, linked from page 1."""
    monkeypatch.setattr(CategoryIndex, "paginate_by", 2)
    for name in ["Alpha", "Beta", "Gamma"]:
        PostFactory(category=CategoryFactory(name=name))
    first = _content(client, "blog:categories")
    second = _content(client, "blog:categories", page=2)
    assert "Gamma" not in first and "Gamma" in second
    assert 'href="?page=2" rel="next">Next page</a>' in first
    assert 'rel="prev">Previous page</a>' in second


@pytest.mark.parametrize("url_name", ["blog:categories", "blog:tags"])
@pytest.mark.parametrize("page", ["9", "x"])
def test_index_page_past_the_end_is_not_found(client, url_name, page):
    """A page of an index that does not exist gives the friendly 404, not an error."""
    PostFactory(tags=["Rocky"])
    response = client.get(reverse(url_name), {"page": page})
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_tag_index_lists_tags_with_counts_linking_to_their_pages(client):
    """Each tag on a published post is a link to its page with how many posts carry it,
    in alphabetical order whatever the case."""
    PostFactory(tags=["Rocky", "boxing"])
    PostFactory(tags=["Rocky"])
    content = _content(client, "blog:tags")
    rocky = reverse("blog:tag", kwargs={"slug": "rocky"})
    boxing = reverse("blog:tag", kwargs={"slug": "boxing"})
    hidden = '<span class="visually-hidden"> posts</span>'
    assert f'<a class="chip" href="{rocky}">Rocky&nbsp;(2{hidden})</a>' in content
    assert '>boxing&nbsp;(1<span class="visually-hidden"> post</span>)</a>' in content
    assert content.index(boxing) < content.index(rocky)


@pytest.mark.parametrize("factory", UNPUBLISHED.values(), ids=UNPUBLISHED.keys())
def test_tag_index_leaves_out_tags_only_unpublished_posts_carry(client, factory):
    """A tag only unpublished posts carry is not listed, and they count for no other tag."""
    PostFactory(tags=["Rocky"])
    factory(tags=["Rocky", "Sequel plans"])
    content = _content(client, "blog:tags")
    assert "Sequel plans" not in content
    assert '>Rocky&nbsp;(1<span class="visually-hidden"> post</span>)</a>' in content


def test_tag_index_says_so_when_no_post_carries_a_tag(client):
    """With no tag in use, the index says so and offers the archive."""
    PostFactory()
    DraftFactory(tags=["Secret"])
    content = _content(client, "blog:tags")
    assert "No post carries a tag yet." in content
    assert "Secret" not in content


@pytest.mark.parametrize("tags", [1, 12])
def test_tag_index_query_count_does_not_grow(client, django_assert_num_queries, tags):
    """However many tags, the index costs the same queries."""
    PostFactory.create_batch(3, tags=[f"tag {number}" for number in range(tags)])
    site_settings()
    with django_assert_num_queries(2 + SITE_QUERIES):
        client.get(reverse("blog:tags"))


def test_tag_index_pages_past_its_size(client, monkeypatch):
    """Past a page's worth, the rest of the tags move to page 2."""
    monkeypatch.setattr(TagIndex, "paginate_by", 2)
    PostFactory(tags=["alpha", "beta", "gamma"])
    first = _content(client, "blog:tags")
    second = _content(client, "blog:tags", page=2)
    assert ">gamma&nbsp;" not in first and ">gamma&nbsp;" in second


def test_the_archive_links_both_indexes(client):
    """The archive page leads readers to the category and tag indexes."""
    PostFactory()
    content = _content(client, "blog:archive")
    assert f'href="{reverse("blog:categories")}"' in content
    assert f'href="{reverse("blog:tags")}"' in content


def test_category_and_tag_pages_link_their_index(client):
    """A category's page links to all categories, a tag's page to all tags."""
    post = PostFactory(tags=["Rocky"])
    category_page = client.get(post.category.get_absolute_url()).content.decode()
    tag_page = client.get(reverse("blog:tag", kwargs={"slug": "rocky"})).content.decode()
    assert f'href="{reverse("blog:categories")}">All categories</a>' in category_page
    assert f'href="{reverse("blog:tags")}">All tags</a>' in tag_page


def test_each_index_links_the_other(client):
    """From either index a reader reaches the other and the archive."""
    PostFactory(tags=["Rocky"])
    categories = _content(client, "blog:categories")
    tags = _content(client, "blog:tags")
    assert f'href="{reverse("blog:tags")}">All tags</a>' in categories
    assert f'href="{reverse("blog:categories")}">All categories</a>' in tags
