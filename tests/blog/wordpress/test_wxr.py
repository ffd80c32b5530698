"""Reading a WordPress export: everything in it, in any WXR version, and one clear
error for every file that is not one, without reading anything outside the file."""

import datetime
import tracemalloc

import pytest

from blog.wordpress.wxr import Author, ExportError, Item, Site, Term, read_export
from tests.blog.wordpress.exports import AUTHORS_AND_TERMS, ROCKY_ITEM, export, many_items


def _write(tmp_path, text, name="export.xml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _read(tmp_path, text):
    return list(read_export(_write(tmp_path, text)))


def test_the_site_authors_terms_and_items_come_in_file_order(tmp_path):
    found = _read(tmp_path, export(AUTHORS_AND_TERMS + ROCKY_ITEM))
    assert [type(entry) for entry in found] == [Site, Author, Term, Term, Term, Term, Item]
    site, author, films, montages, rocky, menu, post = found
    assert site.wxr_version == "1.2"
    assert site.base_site_url == "https://old.example.org"
    assert (author.login, author.display_name, author.email) == (
        "adrian", "Adrian Balboa", "adrian@old.example.org"
    )  # fmt: skip
    assert (films.slug, films.parent_slug, post.wp_id) == ("films", "", 42)
    assert (montages.taxonomy, montages.slug, montages.parent_slug) == (
        "category", "training-montages", "films"
    )  # fmt: skip
    assert montages.description == "Sweat, snow & synths"
    assert (rocky.taxonomy, rocky.name) == ("post_tag", "Rocky")
    assert (menu.taxonomy, menu.slug) == ("nav_menu", "main")


def test_an_item_keeps_what_the_post_and_its_comments_were(tmp_path):
    post = _read(tmp_path, export(ROCKY_ITEM))[-1]
    assert post.title == "Training in Russia & the <b>snow</b>"
    assert (post.wp_id, post.post_type, post.status, post.slug) == (
        42, "post", "publish", "training-in-russia"
    )  # fmt: skip
    assert post.guid == "https://old.example.org/?p=42"
    assert post.is_sticky
    assert post.excerpt == "Two ways to train."
    assert "<!-- wp:paragraph -->" in post.content
    # The site's local time as WordPress showed it, and the same moment in UTC.
    assert post.date == datetime.datetime(2016, 3, 14, 10, 30)
    assert post.date_gmt == datetime.datetime(2016, 3, 14, 9, 30, tzinfo=datetime.UTC)
    assert [(term.taxonomy, term.slug) for term in post.terms] == [
        ("category", "training-montages"), ("post_tag", "rocky")
    ]  # fmt: skip
    assert post.meta == {"_thumbnail_id": "43"}
    first, reply = post.comments
    assert (first.wp_id, first.author, first.email, first.ip) == (
        501, "Paulie", "paulie@example.net", "203.0.113.7"
    )  # fmt: skip
    assert (first.approved, first.type, first.parent_id) == ("1", "comment", 0)
    assert (reply.approved, reply.parent_id, reply.user_id) == ("spam", 501, 2)
    assert reply.date_gmt is None  # WordPress's all-zero date


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_every_wxr_version_reads_the_same(tmp_path, version):
    """WordPress 3.0 wrote WXR 1.0 and 1.1 under their own namespaces; 3.4 on, 1.2."""
    found = _read(tmp_path, export(AUTHORS_AND_TERMS + ROCKY_ITEM, version=version))
    post = found[-1]
    assert found[0].wxr_version == version
    assert (post.wp_id, post.excerpt, len(post.comments)) == (42, "Two ways to train.", 2)
    assert [type(entry) for entry in found].count(Term) == 4


def test_an_export_with_nothing_in_it_still_names_its_site(tmp_path):
    assert _read(tmp_path, export("")) == [
        Site("Montage on WordPress", "https://old.example.org", "https://old.example.org",
             "https://old.example.org", "1.2")
    ]  # fmt: skip


def _error(tmp_path, text=None, path=None):
    path = path or _write(tmp_path, text)
    with pytest.raises(ExportError) as raised:
        list(read_export(path))
    message = str(raised.value)
    assert "\n" not in message
    return message


def test_a_missing_file_says_so(tmp_path):
    assert "No such file or directory" in _error(tmp_path, path=tmp_path / "nope.xml")


def test_a_folder_instead_of_a_file_says_so(tmp_path):
    assert "Is a directory" in _error(tmp_path, path=tmp_path)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "not well-formed XML at line 1"),
        ("\x89PNG\r\n\x1a\n binary", "not well-formed XML"),
        ("<html><body>Hello</body></html>", "its root is not <rss>"),
        (
            '<rss version="2.0"><channel><title>A feed</title><item><title>Hi</title>'
            "</item></channel></rss>",
            "an RSS feed, not a WordPress export",
        ),
        ('<rss version="2.0"></rss>', "no WXR channel"),
    ],
    ids=["empty", "binary", "html", "plain rss", "empty rss"],
)
def test_a_file_that_is_not_an_export_says_what_it_is(tmp_path, text, says):
    assert says in _error(tmp_path, text)


def test_a_truncated_export_names_the_line_where_it_stops(tmp_path):
    whole = export(AUTHORS_AND_TERMS + ROCKY_ITEM)
    cut = whole[: whole.index("<wp:comment_content>")]
    message = _error(tmp_path, cut)
    assert f"line {cut.count(chr(10)) + 1}" in message
    assert "truncated" in message


def test_billion_laughs_is_refused_unexpanded(tmp_path):
    laughs = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    text = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">{laughs}]>'
        '<rss version="2.0"><channel><title>&lol9;</title></channel></rss>'
    )
    tracemalloc.start()
    message = _error(tmp_path, text)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "refused unread" in message
    assert peak < 5_000_000


def test_an_external_entity_is_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the author's password")
    text = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY secret SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><wp:wxr_version xmlns:wp="http://wordpress.org/export/1.2/">'
        "1.2</wp:wxr_version><title>&secret;</title></channel></rss>"
    )
    message = _error(tmp_path, text)
    assert "refused unread" in message
    assert "password" not in message


def _peak_memory_reading(path):
    tracemalloc.start()
    items = sum(1 for entry in read_export(path) if isinstance(entry, Item))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return items, peak


def test_memory_stays_flat_however_long_the_export(tmp_path):
    """Ten times the posts and comments, about the same peak: each is dropped once read."""
    small = _write(tmp_path, export("".join(many_items(200, comments_each=5))), "small.xml")
    large = _write(tmp_path, export("".join(many_items(2000, comments_each=5))), "large.xml")
    assert large.stat().st_size > 9 * small.stat().st_size
    small_items, small_peak = _peak_memory_reading(small)
    large_items, large_peak = _peak_memory_reading(large)
    assert (small_items, large_items) == (200, 2000)
    assert large_peak < 1.5 * small_peak
