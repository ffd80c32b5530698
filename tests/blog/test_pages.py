"""Pages (About, Contact...): their own address, the post's publishing rule, the menu,
and never in a list of posts."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from blog.models import Page, Picture, Post
from comments.conf import discussion_settings
from comments.models import Comment
from site_settings.conf import site_settings
from tests.blog.images import image_bytes
from tests.comments.helpers import comment_data, comment_endpoint
from tests.factories import CommentFactory, PageFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

# Every page reads the content version once (freshness.version), and finds what is
# site-wide (the settings, the menu) cached under it, except the menu just after a change.
VERSION_QUERIES = 1
MENU_QUERIES = 1  # the published pages in the menu (blog.context_processors.site)
SITE_QUERIES = VERSION_QUERIES + MENU_QUERIES
# The page with its comment count, one page of its thread (or the empty thread).
PAGE_QUERIES = 2 + SITE_QUERIES


def _picture(page, number_alt="A still", caption="The caption"):
    return Picture.objects.create(
        post=page,
        image=ContentFile(image_bytes(size=(800, 450)), name="still.jpg"),
        alt=number_alt,
        caption=caption,
    )


def test_published_page_answers_at_its_own_address(client):
    """/about/ shows the page's title and its Markdown body."""
    PageFactory(title="About", slug="about", body="Films and **their music**.")
    response = client.get("/about/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>About</h1>" in content
    assert "<strong>their music</strong>" in content
    assert "<title>About · " in content


def test_page_address_is_named_blog_page():
    """Other parts of the site (sitemap, menu) reach a page by ``blog:page``."""
    page = PageFactory(slug="contact")
    assert page.get_absolute_url() == reverse("blog:page", kwargs={"slug": "contact"})
    assert page.get_absolute_url() == "/contact/"


def test_a_page_reached_as_a_post_still_has_the_page_address():
    """A comment's target or a picture's owner is read as a Post: its link is the page's."""
    page = PageFactory(slug="now")
    assert Post.everything.get(pk=page.pk).get_absolute_url() == "/now/"


@pytest.mark.parametrize(
    "state",
    [
        {"status": Post.Status.DRAFT},
        {"status": Post.Status.PRIVATE},
        {"published_at": timezone.now() + datetime.timedelta(days=2)},
    ],
    ids=["draft", "private", "scheduled"],
)
def test_unpublished_page_is_hidden_from_readers_and_shown_to_staff(client, state):
    """Drafts, private and scheduled pages answer 404 to readers; staff see a notice."""
    page = PageFactory(slug="soon", in_menu=True, **state)
    assert client.get("/soon/").status_code == 404
    assert page.title not in client.get("/").content.decode()
    client.force_login(UserFactory(is_staff=True))
    response = client.get("/soon/")
    assert response.status_code == 200
    assert "only staff can see this page" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


def test_pages_follow_the_posts_rule_of_what_readers_see():
    """``Page.objects.published()`` is ``Post.objects.published()``'s rule, for pages."""
    live = PageFactory()
    PageFactory(status=Post.Status.DRAFT)
    PageFactory(published_at=timezone.now() + datetime.timedelta(hours=1))
    assert list(Page.objects.published()) == [live]


def test_post_and_page_managers_keep_to_their_kind():
    """``Post.objects`` holds posts only and ``Page.objects`` pages only."""
    post, page = PostFactory(), PageFactory()
    assert list(Post.objects.all()) == [post]
    assert list(Page.objects.all()) == [page]
    assert set(Post.everything.all()) == {post, Post.everything.get(pk=page.pk)}


def test_a_post_never_answers_at_a_page_address_nor_a_page_at_a_post_address(client):
    """/<post slug>/ and /posts/<page slug>/ are 404."""
    post, page = PostFactory(slug="a-post"), PageFactory(slug="a-page")
    assert client.get(f"/{post.slug}/").status_code == 404
    assert client.get(f"/posts/{page.slug}/").status_code == 404


def test_pages_never_appear_where_posts_do(client):
    """Home, archives, search and a post's previous/next and related posts skip pages."""
    year = timezone.now().year
    post = PostFactory(title="The montage post", body="Training music.", tags=["boxing"])
    PageFactory(title="Unlisted page", body="Training music.", in_menu=False)
    addresses = [
        reverse("blog:home"),
        reverse("blog:archive"),
        reverse("blog:archive_year", args=[year]),
        reverse("blog:search") + "?q=training",
        post.get_absolute_url(),
        post.category.get_absolute_url(),
    ]
    for address in addresses:
        content = client.get(address).content.decode()
        assert "Unlisted page" not in content, address
    found = client.get(reverse("blog:search"), {"q": "training"}).content.decode()
    assert "The montage post" in found


def test_menu_lists_published_pages_after_home_and_archive_in_the_authors_order(client):
    """The header nav: Home, Archive, then the menu's pages by position."""
    PageFactory(title="Contact", slug="contact", menu_position=2)
    PageFactory(title="About", slug="about", menu_position=1)
    PageFactory(title="Not listed", in_menu=False)
    PageFactory(title="Draft page", status=Post.Status.DRAFT)
    content = client.get("/").content.decode()
    nav = content[content.index('<nav class="site-nav"') : content.index("</nav>")]
    assert nav.index(">Home<") < nav.index(">Archive<") < nav.index(">About<")
    assert nav.index(">About<") < nav.index(">Contact<")
    assert "Not listed" not in nav and "Draft page" not in nav


def test_menu_marks_the_page_being_read(client):
    """On /about/ the About link carries aria-current="page"; elsewhere it does not."""
    PageFactory(title="About", slug="about")
    on_the_page = client.get("/about/").content.decode()
    assert '<a href="/about/" aria-current="page">About</a>' in on_the_page
    assert '<a href="/about/">About</a>' in client.get("/").content.decode()


def test_a_change_to_a_page_shows_in_the_menu_on_the_next_view(client):
    """Renaming, unlisting or unpublishing a page changes the very next page served."""
    page = PageFactory(title="About")
    client.get("/")
    page.title = "About us"
    page.save()
    assert ">About us</a>" in client.get("/").content.decode()
    Page.objects.filter(pk=page.pk).update(in_menu=False)
    assert "About us" not in client.get("/").content.decode()


def test_the_menu_cached_on_post_pages_follows_every_change_to_a_page(client):
    """A post page reads the menu from the cache; a page's rename, unlisting, or
    coming due on its scheduled time shows there on the very next view."""
    post = PostFactory()
    page = PageFactory(title="About")
    scheduled = PageFactory(title="Now", published_at=timezone.now() + datetime.timedelta(hours=1))

    def menu():
        content = client.get(post.get_absolute_url()).content.decode()
        nav = content[content.index('<nav class="site-nav"') : content.index("</nav>")]
        return re.findall(r'<a href="/[^"]+/">([^<]+)</a>', nav)

    assert "About" in menu() and "Now" not in menu()
    page.title = "About us"
    page.save()
    assert "About us" in menu()
    page.in_menu = False
    page.save()
    assert "About us" not in menu()
    Post.everything.filter(pk=scheduled.pk).update(published_at=timezone.now())
    assert "Now" in menu()


def test_menu_costs_one_query_however_many_pages_it_lists(client, django_assert_num_queries):
    """One page in the menu or twelve: the home page's count is the same."""
    PageFactory()
    site_settings()  # site-wide, read once and then cached (tests/site_settings)
    with django_assert_num_queries(1 + SITE_QUERIES) as one:  # no post: just their count
        client.get("/")
    for _ in range(11):
        PageFactory()
    site_settings()
    with django_assert_num_queries(len(one)):
        content = client.get("/").content.decode()
    assert content.count(">Page number") == 12


def test_page_shows_its_pictures_as_figures_with_captions(client):
    """``![](image:1)`` on a line of its own puts the picture in, with its caption."""
    page = PageFactory(slug="about", body="Hello.\n\n![](image:1)\n")
    _picture(page, number_alt="The editing desk", caption="Where it is made.")
    content = client.get("/about/").content.decode()
    assert '<figure class="picture">' in content
    assert 'alt="The editing desk"' in content
    assert "<figcaption>Where it is made.</figcaption>" in content


def test_page_without_comments_shows_no_comment_section(client):
    """A page's comments are off by default: no heading, no form, no script."""
    PageFactory(slug="about")
    content = client.get("/about/").content.decode()
    assert 'id="comments"' not in content
    assert "site.js" not in content


def test_page_with_comments_takes_a_readers_comment(client):
    """With comments allowed, the form is there and a comment sent lands on the page."""
    page = PageFactory(slug="guestbook", comments_enabled=True)
    assert 'id="respond"' in client.get("/guestbook/").content.decode()
    response = client.post(comment_endpoint(), comment_data(page))
    assert response.status_code == 303
    assert response["Location"].startswith("/guestbook/")
    comment = Comment.objects.get()
    assert comment.content_type == ContentType.objects.get_for_model(Post)
    assert comment.object_id == page.pk


def test_refused_comment_on_a_page_comes_back_on_the_page_with_its_text(client):
    """A comment with a mistake gets the page again with the text typed."""
    page = PageFactory(slug="guestbook", comments_enabled=True)
    response = client.post(comment_endpoint(), comment_data(page, email="not an address"))
    assert response.status_code == 400
    content = response.content.decode()
    assert "<h1>Page number" in content
    assert "If he dies, he dies." in content


def test_comments_published_before_closing_stay_on_the_page(client):
    """Closing a page's comments keeps the approved ones in view, without a form."""
    page = PageFactory(slug="guestbook", comments_enabled=False)
    CommentFactory(target=page, text="Kept after closing.")
    content = client.get("/guestbook/").content.decode()
    assert "Kept after closing." in content
    assert 'id="respond"' not in content


def test_page_has_no_soundtrack_video_or_post_navigation(client):
    """A page is not a post: no player, soundtrack, related posts or previous/next."""
    PostFactory()
    PageFactory(slug="about")
    content = client.get("/about/").content.decode()
    for part in ['class="video', 'id="soundtrack-heading"', "Related posts", "post-nav"]:
        assert part not in content, part


@pytest.mark.parametrize(("pictures", "comments"), [(1, 1), (8, 60)])
def test_page_query_count_does_not_grow_with_pictures_and_comments(
    client, django_assert_num_queries, pictures, comments
):
    """One picture and comment or many: the page costs the same queries."""
    page = PageFactory(slug="guestbook", comments_enabled=True)
    page.body = "\n\n".join(f"![](image:{number})" for number in range(1, pictures + 1))
    page.save()
    for _ in range(pictures):
        _picture(page)
    for _ in range(comments):
        CommentFactory(target=page)
    ContentType.objects.get_for_model(page)  # looked up once per process, then cached
    discussion_settings()  # site-wide, read once and then cached (test_discussion_settings)
    site_settings()  # the same (tests/site_settings)
    with django_assert_num_queries(PAGE_QUERIES):
        content = client.get("/guestbook/").content.decode()
    assert content.count('<figure class="picture">') == pictures
    assert content.count('class="comment') >= comments


def test_page_without_comments_costs_only_the_page_and_the_menu(client, django_assert_num_queries):
    """With comments off and none published, the page costs the same."""
    PageFactory(slug="about")
    ContentType.objects.get_for_model(Post)
    discussion_settings()
    site_settings()
    with django_assert_num_queries(PAGE_QUERIES):
        client.get("/about/")


def test_unknown_page_is_404_not_500(client):
    """An address no page has answers the site's 404 page."""
    assert client.get("/no-such-page/").status_code == 404
