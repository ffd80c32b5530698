"""The whole site as a WordPress export (WXR 1.2), written as a stream of text chunks.

``export_chunks()`` yields the file piece by piece: the channel's head, the authors,
categories (parents before children) and tags, then one ``<item>`` per post or page,
each followed by its poster and pictures as attachment items. Posts are read in
batches of ``BATCH`` with their tags, videos, pictures and comments prefetched, so a
large site is never held in memory and the number of queries grows with the batches,
never with the posts.

The shape is the one WordPress's own exporter writes (``wp-admin/includes/export.php``)
and its importer reads (the ``wordpress-importer`` plugin):

- ``content:encoded`` is the body as readers see it (rendered HTML, addresses made
  absolute), after each video as a ``core/embed`` block, which WordPress shows as its
  player and ``blog.wordpress.content`` turns back into a Video. The body goes in a
  ``core/freeform`` (classic) block: a post holding blocks gets no ``wpautop``, so the
  rendered HTML is shown as it is, line breaks and all.
- Text fields are HTML in WordPress (titles, excerpts, term names, comments), so ``&``
  and ``<`` in Montage's plain text are escaped; the importer unescapes them.
- Slugs are percent-encoded as ``sanitize_title`` stores them (``%e9%9f%b3``).
- Attachment ids follow the posts' own (``_Ids``), since WordPress numbers both alike.

What it holds is what WordPress's export holds, and no more: commenters' email and IP
addresses are in it (it is the author's own backup), their browsers are not.
"""

import datetime
import json
import re
from html import escape as html_escape
from pathlib import PurePosixPath
from urllib.parse import quote, urljoin
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from blog.feeds import absolute_urls, post_guid
from blog.models import Category, Picture, Post, Video
from comments.models import Comment
from freshness import version
from site_settings.authors import public_name
from site_settings.conf import site_settings

WXR_VERSION = "1.2"
WP = f"http://wordpress.org/export/{WXR_VERSION}/"
# Posts read at once. WordPress's exporter reads 20 at a time; each batch here costs
# five queries (posts, tags, videos, pictures, comments), so a larger one is cheaper,
# and 200 posts with their comments are a few megabytes at most.
BATCH = 200

STATUSES = {Post.Status.DRAFT: "draft", Post.Status.PRIVATE: "private"}
COMMENT_APPROVED = {
    Comment.Status.APPROVED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.TRASH: "trash",
}
# WordPress 5.5 and later write "comment" for a comment (before, an empty type).
COMMENT_TYPES = {
    Comment.Kind.COMMENT: "comment",
    Comment.Kind.PINGBACK: "pingback",
    Comment.Kind.TRACKBACK: "trackback",
}
# What XML 1.0 allows in a document (https://www.w3.org/TR/xml/#charsets): every other
# character, such as a stray control character pasted into a comment, is left out.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def cdata(text):
    """``text`` as CDATA, a ``]]>`` in it split over two sections (as ``wxr_cdata``)."""
    text = _NOT_XML.sub("", str(text))
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def xml_text(text):
    """``text`` escaped as XML character data, for values written outside CDATA."""
    return html_escape(_NOT_XML.sub("", str(text)))


def html_text(text):
    """Montage's plain text as the HTML WordPress keeps in the same field."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;")


def wp_slug(slug):
    """A slug as WordPress stores it: non-ASCII characters percent-encoded, in lower case."""
    return re.sub(r"%[0-9A-F]{2}", lambda found: found[0].lower(), quote(slug, safe="-_.~"))


def block_attributes(attributes):
    """A block's attributes as WordPress serializes them into the block's comment.

    As ``serialize_block_attributes()``: JSON with ``--``, ``<``, ``>``, ``&`` and quotes
    inside strings written as escapes, so the comment never ends early.
    """
    text = json.dumps(attributes, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in (
        ("--", "\\u002d\\u002d"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ('\\"', "\\u0022"),
    ):
        text = text.replace(character, escaped)
    return text


def export_chunks():
    """Yield the site's WXR export, a few kilobytes at a time.

    The content version is read once, as in a request: the site settings and authors'
    names it keys are read through the cache for every item."""
    with version.held():
        yield from _Export().chunks()


class _Ids:
    """WordPress numbers posts and attachments in one sequence; so does the export.

    A post keeps its own id; its poster is ``base + post id`` and a picture
    ``2 * base + picture id``, where ``base`` is the power of ten above every post's id:
    never the same number twice, and the same from one export to the next while the
    highest post id keeps its number of digits.
    """

    def __init__(self, highest_post_id):
        self.base = 10 ** len(str(highest_post_id or 0))

    def poster(self, post):
        return self.base + post.pk

    def picture(self, picture):
        return 2 * self.base + picture.pk


class _Export:
    def __init__(self):
        self.config = site_settings()
        self.site = settings.MONTAGE_SITE_URL.rstrip("/")
        self.zone = ZoneInfo(self.config.time_zone or settings.TIME_ZONE)
        self.now = timezone.now()

    def chunks(self):
        yield self.head()
        yield "".join(self.authors())
        yield "".join(self.categories())
        yield "".join(self.tags())
        self.ids = _Ids(Post.everything.aggregate(highest=Max("pk"))["highest"])
        for post in self.posts():
            yield "".join(self.item(post))
        yield "</channel>\n</rss>\n"

    def absolute(self, url):
        return urljoin(f"{self.site}/", url)

    def local(self, moment):
        return timezone.localtime(moment, self.zone).strftime("%Y-%m-%d %H:%M:%S")

    @staticmethod
    def gmt(moment):
        return moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")

    @staticmethod
    def rfc822(moment):
        return moment.astimezone(datetime.UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")

    # The channel

    def head(self):
        language = settings.LANGUAGE_CODE
        return (
            '<?xml version="1.0" encoding="UTF-8" ?>\n'
            "<!-- This is a WordPress eXtended RSS file generated by Montage as an export of "
            "your site. -->\n"
            "<!-- It contains your posts, pages, comments, categories, tags and the addresses "
            "of your images. -->\n"
            "<!-- To import it into WordPress: Tools > Import > WordPress, then upload this "
            "file. -->\n"
            '<rss version="2.0"\n'
            f'\txmlns:excerpt="{WP}excerpt/"\n'
            '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
            '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
            '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
            f'\txmlns:wp="{WP}"\n'
            ">\n\n<channel>\n"
            f"\t<title>{xml_text(self.config.title)}</title>\n"
            f"\t<link>{xml_text(self.site)}</link>\n"
            f"\t<description>{xml_text(self.config.tagline)}</description>\n"
            f"\t<pubDate>{self.rfc822(self.now)}</pubDate>\n"
            f"\t<language>{xml_text(language)}</language>\n"
            f"\t<wp:wxr_version>{WXR_VERSION}</wp:wxr_version>\n"
            f"\t<wp:base_site_url>{xml_text(self.site)}</wp:base_site_url>\n"
            f"\t<wp:base_blog_url>{xml_text(self.site)}</wp:base_blog_url>\n\n"
        )

    def authors(self):
        # As WordPress: the users who wrote a post or page, not every account.
        users = get_user_model().objects.filter(posts__isnull=False).distinct().order_by("pk")
        for user in users:
            yield (
                "\t<wp:author>"
                f"<wp:author_id>{user.pk}</wp:author_id>"
                f"<wp:author_login>{cdata(user.get_username())}</wp:author_login>"
                f"<wp:author_email>{cdata(user.email)}</wp:author_email>"
                f"<wp:author_display_name>{cdata(public_name(user))}</wp:author_display_name>"
                f"<wp:author_first_name>{cdata(user.first_name)}</wp:author_first_name>"
                f"<wp:author_last_name>{cdata(user.last_name)}</wp:author_last_name>"
                "</wp:author>\n"
            )

    def categories(self):
        remaining = list(Category.objects.order_by("pk"))
        slugs = {category.pk: category.slug for category in remaining}
        written = set()
        # Parents before children, as WordPress orders them; a loop of parents (which
        # the admin cannot make, a database edit could) is written without its parent.
        while remaining:
            ready = [c for c in remaining if c.parent_id is None or c.parent_id in written]
            if not ready:
                ready, remaining[0].parent_id = [remaining[0]], None
            for category in ready:
                parent = slugs.get(category.parent_id, "") if category.parent_id else ""
                description = ""
                if category.description:
                    description = (
                        "\t\t<wp:category_description>"
                        f"{cdata(html_text(category.description))}"
                        "</wp:category_description>\n"
                    )
                yield (
                    "\t<wp:category>\n"
                    f"\t\t<wp:term_id>{category.pk}</wp:term_id>\n"
                    f"\t\t<wp:category_nicename>{cdata(wp_slug(category.slug))}"
                    "</wp:category_nicename>\n"
                    f"\t\t<wp:category_parent>{cdata(wp_slug(parent))}</wp:category_parent>\n"
                    f"\t\t<wp:cat_name>{cdata(html_text(category.name))}</wp:cat_name>\n"
                    f"{description}"
                    "\t</wp:category>\n"
                )
                written.add(category.pk)
            remaining = [c for c in remaining if c.pk not in written]

    def tags(self):
        for tag in Tag.objects.filter(post__isnull=False).distinct().order_by("pk"):
            yield (
                "\t<wp:tag>\n"
                f"\t\t<wp:term_id>{tag.pk}</wp:term_id>\n"
                f"\t\t<wp:tag_slug>{cdata(wp_slug(tag.slug))}</wp:tag_slug>\n"
                f"\t\t<wp:tag_name>{cdata(html_text(tag.name))}</wp:tag_name>\n"
                "\t</wp:tag>\n"
            )

    # Posts and pages

    def posts(self):
        """Every post and page, each with ``export_tags``, ``export_videos``,
        ``export_pictures`` and ``export_comments`` read for its whole batch at once.

        Grouped by hand rather than with ``prefetch_related``, which builds a queryset
        for every post and took most of the export's time.
        """
        posts = (
            Post.everything.select_related("author", "category")
            .order_by("pk")
            .iterator(chunk_size=BATCH)
        )
        batch = []
        for post in posts:
            batch.append(post)
            if len(batch) == BATCH:
                yield from self.batch_complete(batch)
                batch = []
        yield from self.batch_complete(batch)

    def batch_complete(self, batch):
        if not batch:
            return
        ids = [post.pk for post in batch]
        content_type = ContentType.objects.get_for_model(Post)
        tagged = Post.tags.through.objects.filter(content_type=content_type, object_id__in=ids)
        tags = _grouped(tagged.select_related("tag").order_by("pk"), "object_id", "tag")
        videos = _grouped(Video.objects.filter(post_id__in=ids), "post_id")
        pictures = _grouped(Picture.objects.filter(post_id__in=ids), "post_id")
        comments = _grouped(
            Comment.objects.filter(content_type=content_type, object_id__in=ids).order_by(
                "created_at", "pk"
            ),
            "object_id",
        )
        for post in batch:
            post.export_tags = tags.get(post.pk, [])
            post.export_videos = videos.get(post.pk, [])
            post.export_pictures = pictures.get(post.pk, [])
            post.export_comments = comments.get(post.pk, [])
            yield post

    def status(self, post):
        if post.status == Post.Status.PUBLISHED:
            return "publish" if post.published_at <= self.now else "future"
        return STATUSES.get(post.status, "draft")

    def item(self, post):
        link = self.absolute(post.get_absolute_url())
        yield (
            "\t<item>\n"
            f"\t\t<title>{cdata(html_text(post.title))}</title>\n"
            f"\t\t<link>{xml_text(link)}</link>\n"
            f"\t\t<pubDate>{self.rfc822(post.published_at)}</pubDate>\n"
            f"\t\t<dc:creator>{cdata(post.author.get_username())}</dc:creator>\n"
            f'\t\t<guid isPermaLink="false">{xml_text(post_guid(post))}</guid>\n'
            "\t\t<description></description>\n"
            f"\t\t<content:encoded>{cdata(self.content(post))}</content:encoded>\n"
            f"\t\t<excerpt:encoded>{cdata(html_text(post.lead))}</excerpt:encoded>\n"
        )
        yield from self.post_fields(
            post_id=post.pk,
            moment=post.published_at,
            modified=post.updated_at,
            comment_status="open" if post.comments_enabled else "closed",
            name=post.slug,
            status=self.status(post),
            parent=0,
            menu_order=post.menu_position if post.kind == Post.Kind.PAGE else 0,
            post_type=post.kind,
            is_sticky=post.sticky,
        )
        if post.category is not None:
            yield self.term_ref("category", post.category.slug, post.category.name)
        for tag in post.export_tags:
            yield self.term_ref("post_tag", tag.slug, tag.name)
        if post.poster:
            yield self.meta("_thumbnail_id", self.ids.poster(post))
        for comment in post.export_comments:
            yield self.comment(comment)
        yield "\t</item>\n"
        if post.poster:
            yield from self.attachment(
                post,
                attachment_id=self.ids.poster(post),
                file=post.poster,
                alt=post.poster_alt,
                caption="",
            )
        for picture in post.export_pictures:
            yield from self.attachment(
                post,
                attachment_id=self.ids.picture(picture),
                file=picture.image,
                alt=picture.alt,
                caption=picture.caption,
            )

    def content(self, post):
        blocks = [self.embed(video) for video in post.export_videos]
        body = absolute_urls(post.body_html, base=f"{self.site}/", in_page=True).strip()
        if body:
            blocks.append(f"<!-- wp:freeform -->\n{body}\n<!-- /wp:freeform -->")
        return "\n\n".join(blocks)

    @staticmethod
    def embed(video):
        """A video as the block editor saves a pasted YouTube or Vimeo address."""
        provider = video.provider
        attributes = block_attributes(
            {
                "url": video.url,
                "type": "video",
                "providerNameSlug": provider,
                "responsive": True,
                "className": "wp-embed-aspect-16-9 wp-has-aspect-ratio",
            }
        )
        caption = ""
        if video.title:
            caption = (
                f'<figcaption class="wp-element-caption">{html_text(video.title)}</figcaption>'
            )
        return (
            f"<!-- wp:embed {attributes} -->\n"
            f'<figure class="wp-block-embed is-type-video is-provider-{provider} '
            f'wp-block-embed-{provider} wp-embed-aspect-16-9 wp-has-aspect-ratio">'
            f'<div class="wp-block-embed__wrapper">\n{html_escape(video.url)}\n</div>'
            f"{caption}</figure>\n"
            "<!-- /wp:embed -->"
        )

    def post_fields(
        self,
        *,
        post_id,
        moment,
        modified,
        comment_status,
        name,
        status,
        parent,
        menu_order,
        post_type,
        is_sticky,
    ):
        yield (
            f"\t\t<wp:post_id>{post_id}</wp:post_id>\n"
            f"\t\t<wp:post_date>{cdata(self.local(moment))}</wp:post_date>\n"
            f"\t\t<wp:post_date_gmt>{cdata(self.gmt(moment))}</wp:post_date_gmt>\n"
            f"\t\t<wp:post_modified>{cdata(self.local(modified))}</wp:post_modified>\n"
            f"\t\t<wp:post_modified_gmt>{cdata(self.gmt(modified))}</wp:post_modified_gmt>\n"
            f"\t\t<wp:comment_status>{cdata(comment_status)}</wp:comment_status>\n"
            "\t\t<wp:ping_status><![CDATA[closed]]></wp:ping_status>\n"
            f"\t\t<wp:post_name>{cdata(wp_slug(name))}</wp:post_name>\n"
            f"\t\t<wp:status>{cdata(status)}</wp:status>\n"
            f"\t\t<wp:post_parent>{parent}</wp:post_parent>\n"
            f"\t\t<wp:menu_order>{menu_order}</wp:menu_order>\n"
            f"\t\t<wp:post_type>{cdata(post_type)}</wp:post_type>\n"
            "\t\t<wp:post_password><![CDATA[]]></wp:post_password>\n"
            f"\t\t<wp:is_sticky>{int(is_sticky)}</wp:is_sticky>\n"
        )

    @staticmethod
    def term_ref(taxonomy, slug, name):
        return (
            f'\t\t<category domain="{taxonomy}" nicename="{xml_text(wp_slug(slug))}">'
            f"{cdata(html_text(name))}</category>\n"
        )

    @staticmethod
    def meta(key, value):
        return (
            "\t\t<wp:postmeta>\n"
            f"\t\t\t<wp:meta_key>{cdata(key)}</wp:meta_key>\n"
            f"\t\t\t<wp:meta_value>{cdata(value)}</wp:meta_value>\n"
            "\t\t</wp:postmeta>\n"
        )

    def comment(self, comment):
        return (
            "\t\t<wp:comment>\n"
            f"\t\t\t<wp:comment_id>{comment.pk}</wp:comment_id>\n"
            f"\t\t\t<wp:comment_author>{cdata(html_text(comment.name))}</wp:comment_author>\n"
            f"\t\t\t<wp:comment_author_email>{cdata(comment.email)}</wp:comment_author_email>\n"
            f"\t\t\t<wp:comment_author_url>{xml_text(comment.url)}</wp:comment_author_url>\n"
            f"\t\t\t<wp:comment_author_IP>{cdata(comment.ip_address or '')}"
            "</wp:comment_author_IP>\n"
            f"\t\t\t<wp:comment_date>{cdata(self.local(comment.created_at))}</wp:comment_date>\n"
            f"\t\t\t<wp:comment_date_gmt>{cdata(self.gmt(comment.created_at))}"
            "</wp:comment_date_gmt>\n"
            f"\t\t\t<wp:comment_content>{cdata(html_text(comment.text))}</wp:comment_content>\n"
            f"\t\t\t<wp:comment_approved>{cdata(COMMENT_APPROVED.get(comment.status, '0'))}"
            "</wp:comment_approved>\n"
            f"\t\t\t<wp:comment_type>{cdata(COMMENT_TYPES.get(comment.kind, 'comment'))}"
            "</wp:comment_type>\n"
            f"\t\t\t<wp:comment_parent>{comment.parent_id or 0}</wp:comment_parent>\n"
            f"\t\t\t<wp:comment_user_id>{comment.user_id or 0}</wp:comment_user_id>\n"
            "\t\t</wp:comment>\n"
        )

    def attachment(self, post, *, attachment_id, file, alt, caption):
        """An image as WordPress lists an upload: its address, for the importer to fetch."""
        url = self.absolute(file.url)
        stem = PurePosixPath(file.name).stem
        yield (
            "\t<item>\n"
            f"\t\t<title>{cdata(html_text(alt or stem))}</title>\n"
            f"\t\t<link>{xml_text(url)}</link>\n"
            f"\t\t<pubDate>{self.rfc822(post.published_at)}</pubDate>\n"
            f"\t\t<dc:creator>{cdata(post.author.get_username())}</dc:creator>\n"
            f'\t\t<guid isPermaLink="false">{xml_text(url)}</guid>\n'
            "\t\t<description></description>\n"
            "\t\t<content:encoded><![CDATA[]]></content:encoded>\n"
            f"\t\t<excerpt:encoded>{cdata(html_text(caption))}</excerpt:encoded>\n"
        )
        yield from self.post_fields(
            post_id=attachment_id,
            moment=post.published_at,
            modified=post.updated_at,
            comment_status="closed",
            name=slugify(stem) or f"attachment-{attachment_id}",
            status="inherit",
            parent=post.pk,
            menu_order=0,
            post_type="attachment",
            is_sticky=False,
        )
        yield f"\t\t<wp:attachment_url>{cdata(url)}</wp:attachment_url>\n"
        if alt:
            yield self.meta("_wp_attachment_image_alt", alt)
        yield "\t</item>\n"


def _grouped(rows, key, attribute=None):
    """``rows`` in lists by their ``key`` (a post's id), or their ``attribute`` if given."""
    groups = {}
    for row in rows:
        groups.setdefault(getattr(row, key), []).append(
            row if attribute is None else getattr(row, attribute)
        )
    return groups
