"""manage.py export_wordpress and the admin's download: the site as WordPress reads it."""

import datetime
import re
import shutil
import subprocess
import sys
from html import unescape
from io import StringIO
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from taggit.models import Tag

from blog.models import Category, Picture, Post, Redirect
from blog.wordpress import wxr
from blog.wordpress.export import cdata, export_chunks
from blog.wordpress.importer import import_export
from comments.models import Comment
from site_settings.conf import site_settings
from tests.blog.images import image_upload
from tests.factories import (
    CategoryFactory,
    CommentFactory,
    DraftFactory,
    PageFactory,
    PostFactory,
    ScheduledFactory,
    StaffFactory,
    UserFactory,
    VideoFactory,
)

pytestmark = pytest.mark.django_db

WP = "{http://wordpress.org/export/1.2/}"
EXPORT_URL = "admin:blog_post_wordpress_export"


def _export(tmp_path, name="site.xml"):
    path = tmp_path / name
    path.write_text("".join(export_chunks()), encoding="utf-8")
    return path


def _moment(days, hours=0):
    return (timezone.now() + datetime.timedelta(days=days, hours=hours)).replace(microsecond=0)


def _site():
    """A small site with one of everything an export has to carry, non-ASCII throughout."""
    author = StaffFactory(
        username="adrián",
        first_name="Adrián",
        last_name="Balboa-Ñúñez",
        email="adrian@montage.example",
    )
    # The grandchild is made first, so the export must reorder to put parents first.
    snow = CategoryFactory(name="Neige ❄", slug="neige", description="Froid & <blanc>")
    montages = CategoryFactory(
        name="Montages d'entraînement", slug="montages", description="Sueur, neige & synthés"
    )
    films = CategoryFactory(name="Films & Ciné", slug="films", description="映画のカテゴリー")
    Category.objects.filter(pk=snow.pk).update(parent=montages)
    Category.objects.filter(pk=montages.pk).update(parent=films)

    rocky = PostFactory(
        title="Rocky ]]> Drago: l'entraînement & la neige",
        slug="rocky-en-russie",
        author=author,
        lead="Deux façons de s'entraîner ]]> une seule <victoire>.",
        body="Drago court; Rocky grimpe. Ça tourne ]]> encore.\n\nCode: `a[b[0]]>c` — fin.",
        category=snow,
        tags=["Rocky", "音楽", "Ça va"],
        sticky=True,
        published_at=_moment(-30),
    )
    VideoFactory(post=rocky, url="https://www.youtube.com/watch?v=dQw4w9WgXcQ", title="Rocky IV")
    VideoFactory(post=rocky, url="https://vimeo.com/76979871", title="Drago's", position=1)
    parent = None
    for depth, status in enumerate(["approved", "pending", "spam", "trash", "approved"]):
        parent = CommentFactory(
            target=rocky,
            parent=parent,
            name=f"Lectrice n°{depth} «Zoë»",
            email=f"zoe{depth}@bücher.example",
            url="https://bücher.example/zoë",
            text=f"Niveau {depth}: génial ]]> vraiment\nDeuxième ligne & <fin>.",
            status=status,
            ip_address="2001:db8::7",
            created_at=_moment(-29, hours=depth),
        )
    CommentFactory(
        target=rocky,
        name="Another blog",
        email="",
        url="https://other.example/post/",
        text="[…] a pingback […]",
        kind=Comment.Kind.PINGBACK,
        created_at=_moment(-28),
    )
    CommentFactory(
        target=rocky,
        user=author,
        is_author=True,
        name="Adrián",
        email=author.email,
        text="Merci à tous!",
        created_at=_moment(-27),
    )
    ScheduledFactory(
        title="Bientôt", slug="bientot", author=author, category=films, published_at=_moment(3)
    )
    DraftFactory(title="Brouillon", slug="brouillon", author=author, category=montages)
    PostFactory(
        title="Privé",
        slug="prive",
        author=author,
        category=films,
        status=Post.Status.PRIVATE,
        comments_enabled=False,
        published_at=_moment(-2),
    )
    PageFactory(
        title="À propos",
        slug="a-propos",
        author=author,
        body="Qui écrit ici, et pourquoi.",
        menu_position=3,
        published_at=_moment(-60),
    )
    return rocky


def _snapshot():
    """Everything the round trip must keep, keyed by what survives it (slugs, names)."""
    posts = {}
    for post in Post.everything.select_related("author", "category__parent"):
        comments = [
            (
                comment.name,
                comment.email,
                comment.url,
                comment.text,
                comment.status,
                comment.kind,
                comment.ip_address,
                comment.created_at,
                comment.parent.name if comment.parent else None,
                comment.user.username if comment.user else None,
                comment.is_author,
            )
            for comment in Comment.objects.for_target(post).select_related("parent", "user")
        ]
        posts[post.slug] = {
            "kind": post.kind,
            "title": post.title,
            "status": post.status,
            "is_published": post.is_published,
            "lead": post.lead,
            "body": " ".join(unescape(strip_tags(post.body_html)).split()),
            "published_at": post.published_at.replace(microsecond=0),
            "author": post.author.username,
            "category": post.category.slug if post.category else None,
            "tags": sorted((tag.slug, tag.name) for tag in post.tags.all()),
            "sticky": post.sticky,
            "comments_enabled": post.comments_enabled,
            "menu_position": post.menu_position,
            "videos": list(post.videos.values_list("url", "title")),
            "comments": comments,
        }
    categories = {
        category.slug: (
            category.name,
            category.description,
            getattr(category.parent, "slug", None),
        )
        for category in Category.objects.select_related("parent")
    }
    return posts, categories


def _site_emptied():
    Comment.objects.all().delete()
    Post.everything.all().delete()
    Category.objects.all().delete()
    Tag.objects.all().delete()
    Redirect.objects.all().delete()
    get_user_model().objects.all().delete()


def test_a_round_trip_into_an_empty_site_keeps_every_post_page_term_and_comment(tmp_path):
    _site()
    posts, categories = _snapshot()
    path = _export(tmp_path)
    _site_emptied()

    report = import_export(path)

    assert report.failed == []
    assert _snapshot() == (posts, categories)
    # The statuses, spelled out, in case both snapshots were wrong the same way.
    assert {slug: (post["status"], post["is_published"]) for slug, post in posts.items()} == {
        "rocky-en-russie": ("published", True),
        "bientot": ("published", False),
        "brouillon": ("draft", False),
        "prive": ("private", False),
        "a-propos": ("published", True),
    }
    rocky = posts["rocky-en-russie"]
    assert [comment[4] for comment in rocky["comments"]] == [
        "approved", "pending", "spam", "trash", "approved", "approved", "approved"
    ]  # fmt: skip
    assert rocky["comments"][4][8] == "Lectrice n°3 «Zoë»"  # five deep
    assert "Ça tourne ]]> encore." in rocky["body"] and "a[b[0]]>c" in rocky["body"]


def test_the_export_is_well_formed_xml_and_reads_as_wordpress_writes_it(tmp_path):
    rocky = _site()
    path = _export(tmp_path)

    root = ElementTree.parse(path).getroot()
    channel = root.find("channel")
    assert (root.tag, root.get("version")) == ("rss", "2.0")
    assert channel.findtext(f"{WP}wxr_version") == "1.2"
    assert channel.findtext(f"{WP}base_site_url") == settings.MONTAGE_SITE_URL
    parents = [c.findtext(f"{WP}category_nicename") for c in channel.iter(f"{WP}category")]
    assert parents == ["films", "montages", "neige"]

    entries = list(wxr.read_export(path))
    items = {item.slug: item for item in entries if isinstance(item, wxr.Item)}
    post = items["rocky-en-russie"]
    assert post.title == "Rocky ]]> Drago: l'entraînement &amp; la neige"
    assert (post.status, post.post_type, post.is_sticky) == ("publish", "post", True)
    assert post.date_gmt == rocky.published_at.replace(microsecond=0)
    assert post.link == f"{settings.MONTAGE_SITE_URL}/posts/rocky-en-russie/"
    assert {(term.taxonomy, term.slug) for term in post.terms} == {
        ("category", "neige"),
        ("post_tag", "rocky"),
        ("post_tag", "%e9%9f%b3%e6%a5%bd"),
        ("post_tag", "ça-va".replace("ç", "%c3%a7")),
    }
    assert '<!-- wp:embed {"url":"https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in post.content
    assert [comment.approved for comment in post.comments] == [
        "1", "0", "spam", "trash", "1", "1", "1"
    ]  # fmt: skip
    assert [comment.type for comment in post.comments][-2:] == ["pingback", "comment"]
    assert post.comments[1].parent_id == post.comments[0].wp_id
    assert {items[slug].status for slug in ("bientot", "brouillon", "prive")} == {
        "future", "draft", "private"
    }  # fmt: skip
    assert items["a-propos"].post_type == "page" and items["a-propos"].menu_order == 3
    authors = [entry for entry in entries if isinstance(entry, wxr.Author)]
    assert [(author.login, author.email) for author in authors] == [
        ("adrián", "adrian@montage.example")
    ]


def test_cdata_is_split_around_its_end_marker_and_forbidden_characters_are_left_out():
    assert cdata("a]]>b") == "<![CDATA[a]]]]><![CDATA[>b]]>"
    assert cdata("bell\x07, tab\t, \ufffe, 😀") == "<![CDATA[bell, tab\t, , 😀]]>"


def test_a_comment_with_control_characters_still_makes_a_readable_file(tmp_path):
    # Not NUL: PostgreSQL stores no such text, and the comment form takes none.
    CommentFactory(text="Pasted from a terminal:\x1b[0m\x0b done ]]> ok")
    path = _export(tmp_path)
    item = next(entry for entry in wxr.read_export(path) if isinstance(entry, wxr.Item))
    assert item.comments[0].content == "Pasted from a terminal:[0m done ]]> ok"


def test_posters_and_pictures_are_attachments_with_absolute_addresses(tmp_path):
    post = PostFactory(slug="with-poster", poster=image_upload(), poster_alt="Rocky, snowed in")
    picture = Picture.objects.create(post=post, image=image_upload("still.jpg"), alt="A still")
    path = _export(tmp_path)

    items = [entry for entry in wxr.read_export(path) if isinstance(entry, wxr.Item)]
    article, poster, still = items
    assert (poster.post_type, poster.status, poster.parent_id) == (
        "attachment",
        "inherit",
        post.pk,
    )
    assert poster.attachment_url == f"{settings.MONTAGE_SITE_URL}{post.poster.url}"
    assert still.attachment_url == f"{settings.MONTAGE_SITE_URL}{picture.image.url}"
    assert article.meta["_thumbnail_id"] == str(poster.wp_id)
    assert poster.meta["_wp_attachment_image_alt"] == "Rocky, snowed in"
    assert len({article.wp_id, poster.wp_id, still.wp_id}) == 3
    assert import_export(path).attachments == [poster.attachment_url, still.attachment_url]


def _busy_site(posts):
    category = CategoryFactory()
    for number in range(posts):
        post = PostFactory(category=category, tags=[f"tag {number}", "shared"])
        VideoFactory(post=post)
        reply_to = CommentFactory(target=post)
        CommentFactory(target=post, parent=reply_to)


def test_the_exports_query_count_does_not_grow_with_its_posts(django_assert_max_num_queries):
    _busy_site(3)
    "".join(export_chunks())  # the site settings, now in the cache
    with CaptureQueriesContext(connection) as few:
        "".join(export_chunks())
    _busy_site(40)
    site_settings()  # cached again, under the version the new posts moved
    with django_assert_max_num_queries(len(few)):
        "".join(export_chunks())
    assert len(few) <= 10


def test_the_command_writes_the_export_to_standard_output_or_a_file(tmp_path):
    PostFactory(title="Écrit")
    out = StringIO()
    call_command("export_wordpress", stdout=out)
    assert "<![CDATA[Écrit]]>" in out.getvalue()

    target = tmp_path / "site.xml"
    call_command("export_wordpress", "--output", str(target))

    # The same file, but for the channel's date, which is the moment of the export.
    def undated(text):
        return re.sub(r"<pubDate>[^<]*</pubDate>", "", text, count=1)

    assert undated(target.read_text(encoding="utf-8")) == undated(out.getvalue())
    assert not (tmp_path / "site.xml.part").exists()


def test_an_unwritable_output_is_one_clear_line_and_a_failing_exit(tmp_path):
    missing = tmp_path / "no-such-folder" / "site.xml"
    with pytest.raises(CommandError, match=r"Cannot write .*site\.xml: No such file"):
        call_command("export_wordpress", "--output", str(missing))

    run = subprocess.run(
        [sys.executable, "manage.py", "export_wordpress", "--output", str(missing)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0
    assert run.stderr.strip().splitlines() == [
        f"CommandError: Cannot write {missing}: No such file or directory."
    ]


def test_the_author_downloads_the_export_from_the_posts_list(client, author):
    PostFactory(title="Downloaded")
    listing = client.get(reverse("admin:blog_post_changelist"))
    assert reverse(EXPORT_URL) in listing.text

    response = client.get(reverse(EXPORT_URL))

    assert response.status_code == 200 and response.streaming
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="montage-{today}.xml"'
    body = b"".join(response.streaming_content).decode()
    assert ElementTree.fromstring(body.encode()).find("channel/item/title").text == "Downloaded"


def test_readers_and_staff_without_the_permissions_cannot_download_it(client):
    assert client.get(reverse(EXPORT_URL)).status_code == 302  # to the admin's login

    client.force_login(UserFactory())
    assert client.get(reverse(EXPORT_URL)).status_code == 302

    staff = StaffFactory()
    staff.user_permissions.add(Permission.objects.get(codename="view_post"))
    client.force_login(staff)
    assert client.get(reverse(EXPORT_URL)).status_code == 403
    assert reverse(EXPORT_URL) not in client.get(reverse("admin:blog_post_changelist")).text

    staff.user_permissions.add(Permission.objects.get(codename="view_comment"))
    staff = get_user_model().objects.get(pk=staff.pk)  # permissions are cached per object
    client.force_login(staff)
    assert client.get(reverse(EXPORT_URL)).status_code == 200


def test_the_help_says_the_file_holds_commenters_addresses(capsys):
    with pytest.raises(SystemExit):
        call_command("export_wordpress", "--help")
    assert re.search(r"email\s+and\s+IP\s+addresses", capsys.readouterr().out)


def test_importing_the_sites_own_export_again_adds_nothing(tmp_path):
    """A backup restored over the site it came from: every post and comment is there."""
    post = PostFactory(title="Kept once")
    first = CommentFactory(target=post)
    CommentFactory(target=post, parent=first)
    PostFactory(title="Imported before", feed_guid="https://old.example.org/?p=9")
    backup = tmp_path / "backup.xml"
    call_command("export_wordpress", "--output", str(backup))
    out = StringIO()
    call_command("import_wordpress", str(backup), stdout=out)
    assert Post.everything.count() == 2 and Comment.objects.count() == 2
    assert "nothing new" in out.getvalue()


def test_a_post_deleted_after_its_import_is_not_brought_back(tmp_path):
    path = tmp_path / "export.xml"
    call_command("export_wordpress", "--output", str(path))  # an empty site's file
    PostFactory(title="Doomed")
    call_command("export_wordpress", "--output", str(path))
    Post.everything.all().delete()
    call_command("import_wordpress", str(path), stdout=StringIO())
    imported = Post.everything.get()
    imported.delete()
    out = StringIO()
    call_command("import_wordpress", str(path), stdout=out)
    assert not Post.everything.exists()
    assert "1 posts deleted here since an earlier import" in out.getvalue()


def test_a_round_trip_with_the_media_folder_brings_posters_and_pictures_back(tmp_path):
    post = PostFactory(slug="with-poster", poster=image_upload(), poster_alt="Rocky, snowed in")
    picture = Picture.objects.create(post=post, image=image_upload("still.jpg"), alt="A still")
    post.body = f"Before.\n\n{picture.reference}\n\nAfter."
    post.save()
    path = _export(tmp_path)
    kept = tmp_path / "media-copy"
    shutil.copytree(settings.MEDIA_ROOT, kept)
    _site_emptied()

    out = StringIO()
    call_command("import_wordpress", str(path), "--media", str(kept), stdout=out)
    restored = Post.objects.get(slug="with-poster")
    assert restored.poster and restored.poster_alt == "Rocky, snowed in"
    assert restored.pictures.get().alt == "A still"
    assert 'src="image:1"' in restored.body
    assert "Not found in the media folder" not in out.getvalue()


def test_a_footnote_link_stays_a_link_within_its_post(tmp_path):
    PostFactory(slug="noted", body="Drago[^1] trains.\n\n[^1]: Played by Dolph Lundgren.")
    text = _export(tmp_path).read_text(encoding="utf-8")
    assert 'href="#body-fn:1"' in text
    assert f'href="{settings.MONTAGE_SITE_URL}/#body' not in text


def test_the_export_file_is_readable_by_its_owner_only(tmp_path):
    """It holds every commenter's email and IP address."""
    CommentFactory()
    target = tmp_path / "site.xml"
    call_command("export_wordpress", "--output", str(target))
    assert target.stat().st_mode & 0o777 == 0o600
