"""The head's canonical address and sharing tags (Open Graph, Twitter cards) per page."""

import re
from html import unescape

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from blog.demo import demo_load
from blog.models import Post
from tests.blog.images import image_bytes
from tests.comments.helpers import comment_data
from tests.factories import PageFactory, PostFactory

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"
TRACKING = {"utm_source": "newsletter", "utm_medium": "email", "fbclid": "abc", "ref": "x"}


def canonical(content):
    (address,) = re.findall(r'<link rel="canonical" href="([^"]*)">', content.decode())
    return unescape(address)


def meta(content):
    """Each Open Graph / Twitter tag's values, by property or name."""
    found = {}
    for key, value in re.findall(
        r'<meta (?:property|name)="((?:og|article|twitter):[^"]+)" content="([^"]*)">',
        content.decode(),
    ):
        found.setdefault(key, []).append(unescape(value))
    return found


def test_post_canonical_is_its_permalink_without_any_query(client):
    """Tracking parameters, a comment page or a reply link never enter the post's canonical."""
    post = PostFactory(slug="rocky-iv")
    content = client.get(post.get_absolute_url(), {**TRACKING, "cpage": 2, "replytocom": 1})
    assert canonical(content.content) == f"{ORIGIN}/posts/rocky-iv/"


def test_refused_comment_page_is_canonical_to_the_post(client):
    """The post shown back at the comment endpoint, with the form's errors, names the post."""
    post = PostFactory(slug="rocky-iv")
    response = client.post(reverse("comments:post"), comment_data(post, email="not-an-email"))
    assert response.status_code == 400
    assert canonical(response.content) == f"{ORIGIN}/posts/rocky-iv/"


@pytest.mark.parametrize(
    ("params", "expected"),
    [({}, "/"), ({"page": 1}, "/"), ({"page": 2}, "/?page=2"), ({"page": "last"}, "/?page=2")],
)
def test_home_canonical_keeps_only_the_page_number(client, params, expected):
    """A list's canonical is its own address with its page number, and nothing else."""
    PostFactory.create_batch(settings.MONTAGE_POSTS_PER_PAGE + 1)
    response = client.get(reverse("blog:home"), {**TRACKING, **params})
    assert canonical(response.content) == f"{ORIGIN}{expected}"


def test_list_pages_are_canonical_to_their_own_address(client):
    """Category, tag and archive pages each name themselves, without tracking parameters."""
    post = PostFactory(tags=["boxing"], category__slug="training")
    day = timezone.localtime(post.published_at)
    for address in [
        "/category/training/",
        "/tag/boxing/",
        "/archive/",
        f"/archive/{day.year}/",
        f"/archive/{day.year}/{day.month:02}/",
    ]:
        response = client.get(address, TRACKING)
        assert response.status_code == 200, address
        assert canonical(response.content) == f"{ORIGIN}{address}", address


def test_search_is_canonical_to_its_words_and_page(client):
    """A search names the search page with the words searched for (trimmed), and its page."""
    for number in range(settings.MONTAGE_POSTS_PER_PAGE + 1):
        PostFactory(title=f"Rocky {number}")
    first = client.get(reverse("blog:search"), {"q": "  rocky ", **TRACKING})
    assert canonical(first.content) == f"{ORIGIN}/search/?q=rocky"
    second = client.get(reverse("blog:search"), {"q": "rocky", "page": 2, **TRACKING})
    assert canonical(second.content) == f"{ORIGIN}/search/?q=rocky&page=2"
    empty = client.get(reverse("blog:search"), TRACKING)
    assert canonical(empty.content) == f"{ORIGIN}/search/"


def test_every_reader_page_has_sharing_tags_that_match_its_canonical(client):
    """Each page names its title, description, type and address for link previews."""
    demo_load()
    post = Post.objects.get(slug="rocky-training-in-russia-rocky-iv")
    day = timezone.localtime(post.published_at)
    for address in [
        reverse("blog:home"),
        post.get_absolute_url(),
        post.category.get_absolute_url(),
        reverse("blog:tag", kwargs={"slug": "rocky"}),
        reverse("blog:archive"),
        reverse("blog:archive_year", kwargs={"year": day.year}),
        reverse("blog:archive_month", kwargs={"year": day.year, "month": day.month}),
        f"{reverse('blog:search')}?q=rocky",
    ]:
        content = client.get(address).content
        tags = meta(content)
        for key in ["og:type", "og:title", "og:description", "og:url", "twitter:card"]:
            assert len(tags.get(key, [])) == 1 and tags[key][0], (address, key)
        assert tags["og:url"] == [canonical(content)], address
        assert tags["twitter:title"] == tags["og:title"], address


def test_post_with_a_poster_shares_it_in_a_large_card(client):
    """The post's preview carries the poster (absolute, with its size and alt), its dates,
    category and tags, as an article with a large Twitter card."""
    post = PostFactory(
        title="Rocky IV",
        lead="Training in the snow.",
        poster=ContentFile(image_bytes(), name="still.jpg"),
        poster_alt="Rocky runs up a snowy peak",
        tags=["boxing", "1980s"],
        category__name="Training montages",
    )
    tags = meta(client.get(post.get_absolute_url()).content)
    post.refresh_from_db()  # setting the tags moved updated_at
    poster = f"{ORIGIN}{post.poster.url}"
    assert tags["og:type"] == ["article"]
    assert tags["og:title"] == ["Rocky IV"]
    assert tags["og:description"] == ["Training in the snow."]
    assert tags["og:url"] == [f"{ORIGIN}{post.get_absolute_url()}"]
    assert tags["og:image"] == [poster]
    assert (tags["og:image:width"], tags["og:image:height"]) == (["1600"], ["900"])
    assert tags["og:image:alt"] == ["Rocky runs up a snowy peak"]
    assert tags["article:published_time"] == [post.published_at.isoformat()]
    assert tags["article:modified_time"] == [post.updated_at.isoformat()]
    assert tags["article:section"] == ["Training montages"]
    assert sorted(tags["article:tag"]) == ["1980s", "boxing"]
    assert tags["twitter:card"] == ["summary_large_image"]
    assert tags["twitter:image"] == [poster]
    assert tags["twitter:image:alt"] == ["Rocky runs up a snowy peak"]


def test_post_without_a_poster_shares_a_small_card_and_no_image(client):
    """No poster, no image tag: the placeholder is not the post's picture."""
    post = PostFactory()
    tags = meta(client.get(post.get_absolute_url()).content)
    assert tags["twitter:card"] == ["summary"]
    assert not any(key.endswith(":image") or ":image:" in key for key in tags)


def test_a_long_lead_is_shortened_in_the_preview_description(client):
    """The description is the lead's first 40 words, as the page's own description."""
    post = PostFactory(lead=" ".join(f"word{number}" for number in range(60)))
    tags = meta(client.get(post.get_absolute_url()).content)
    (description,) = tags["og:description"]
    assert description == " ".join(f"word{number}" for number in range(40)) + "…"


def test_a_page_is_canonical_to_its_address_and_described_by_its_opening_words(client):
    """About's head names its own address and its first words, for sharing as for search."""
    PageFactory(slug="about", title="About", body="I write about **film music**. " * 30)
    content = client.get("/about/?utm_source=x").content
    assert canonical(content) == "http://testserver/about/"
    tags = meta(content)
    assert tags["og:title"] == ["About"] and tags["twitter:card"] == ["summary"]
    assert tags["og:description"][0].startswith("I write about film music.")
    assert tags["twitter:description"] == tags["og:description"]
