"""Bring a WordPress export into Montage, item by item, without fetching anything.

``import_export(path, ...)`` reads the export as a stream (``wxr``) and writes each
post or page with its comments in one transaction, so a bad item never half-imports.
Everything imported is recorded in ``ImportedItem`` under the export's blog address:
a second run skips what is there and picks up what a stopped run left. A dry run does
the same work inside a transaction that is rolled back, so its report is exact.

Posts are saved as a fixture would be (``raw``): they were announced long ago on the
old site, so the import mails no subscriber and sends no notice. Comments are written
in bulk for the same reason.
"""

import datetime
import hashlib
import ipaddress
import json
import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.core.validators import validate_email
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from taggit.models import Tag

from blog.feeds import post_guid
from blog.forms import slug_is_the_sites_own
from blog.images import ImageNotStored
from blog.markup import clean_html
from blog.models import POSTER, Category, Post, Video
from blog.redirects import redirects_add
from blog.wordpress import permalinks
from blog.wordpress.content import GALLERY, convert, gallery_ids, gallery_replace
from blog.wordpress.media import Attachment, MediaFolder, PostPictures
from blog.wordpress.models import ImportedItem
from blog.wordpress.wxr import Author, ExportError, Item, Site, Term, read_export
from comments.models import EMAIL_MAX, NAME_MAX, TEXT_MAX, URL_MAX, Comment
from comments.text import render_comment_text
from site_settings.conf import site_settings

logger = logging.getLogger(__name__)

# WordPress's post statuses, as readers here see them: pending and private stay hidden.
STATUSES = {
    "publish": Post.Status.PUBLISHED,
    "future": Post.Status.PUBLISHED,
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.DRAFT,
    "private": Post.Status.PRIVATE,
}
SKIPPED_STATUSES = {
    "auto-draft": "an empty auto-draft",
    "trash": "in WordPress's trash",
    "inherit": "a revision",
}
COMMENT_STATUSES = {
    "1": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    "post-trashed": Comment.Status.TRASH,
}
LINKBACKS = {"pingback": Comment.Kind.PINGBACK, "trackback": Comment.Kind.TRACKBACK}
KINDS = {"post": Post.Kind.POST, "page": Post.Kind.PAGE}
IMPORTED_REASON = "Imported from WordPress"


@dataclass
class Report:
    """What an import did (or, in a dry run, would do)."""

    created: Counter = field(default_factory=Counter)
    already_there: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    failed: list[str] = field(default_factory=list)
    unknown: Counter = field(default_factory=Counter)
    attachments: list[str] = field(default_factory=list)
    missing_media: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False


def import_export(
    path, *, author=None, keep_linkbacks=True, dry_run=False, media=None, progress=None
):
    """Import the export at ``path``; raise ``wxr.ExportError`` if it is not one.

    ``author``: the user every post goes to, instead of one per WordPress author.
    ``media``: the old site's ``wp-content/uploads`` folder, for posters and pictures.
    ``progress(bytes_read, bytes_total)`` is called after each item.
    """
    report = Report(dry_run=dry_run)
    run = _Import(report, author=author, keep_linkbacks=keep_linkbacks, media=media)
    try:
        if dry_run:
            with transaction.atomic():
                run.read(path, progress)
                transaction.set_rollback(True)
        else:
            run.read(path, progress)
    except ExportError as error:
        if not (report.created or report.already_there) or dry_run:
            raise
        # A file that breaks off: what came before the break is here, and said so.
        raise ExportError(
            f"{error} What came before that point is imported; importing a complete "
            "export adds the rest.",
            report=report,
        ) from None
    return report


class _Import:
    def __init__(self, report, *, author, keep_linkbacks, media):
        self.report = report
        self.media = MediaFolder(media) if media else None
        self.attachments = {}
        self.attachments_of = defaultdict(list)
        # (post id, WordPress id, featured image id) of posts whose attachments wait
        # for the end of the export, where attachments are listed after their posts.
        self.waiting_for_attachments = []
        self.only_author = author
        self.keep_linkbacks = keep_linkbacks
        self.site = ""
        self.base_path = ""
        self.is_own_export = False
        self.users = {}
        self.user_wp_ids = {}
        self.categories = {}
        self.category_parents = {}
        self.category_terms = {}
        self.posts_made = set()
        self.tags = {}
        self.item_ids = set()
        # WordPress's local dates are the site's: Montage's is the author's setting.
        self.zone = ZoneInfo(site_settings().time_zone)
        self.old_offset = None
        self.old_clock_is_ours = False
        self.post_type = ContentType.objects.get_for_model(Post)

    def read(self, path, progress):
        for entry in read_export(path, progress=progress):
            if isinstance(entry, Site):
                self.site_start(entry)
            elif isinstance(entry, Author):
                self.atomically(f"author {entry.login}", self.author_import, entry)
            elif isinstance(entry, Term):
                self.atomically(f"term {entry.slug}", self.term_import, entry)
            elif isinstance(entry, Item):
                self.atomically(f"item {entry.wp_id}", self.item_import, entry)
        with transaction.atomic():
            self.category_parents_link()
            self.category_addresses_record()
        self.clock_compare()
        for waiting in self.waiting_for_attachments:
            self.atomically(f"attachments of item {waiting[1]}", self.attachments_place, waiting)

    def clock_compare(self):
        """Say so when the old site kept another time than this one shows."""
        here = datetime.datetime.now(self.zone).utcoffset()
        if self.old_offset is None or abs(self.old_offset - here) < datetime.timedelta(minutes=1):
            return
        self.report.notes.append(
            f"The old site's clock was {_utc_offset(self.old_offset)}; this site shows "
            f"times as {_utc_offset(here)} ({self.zone.key}). Dates are kept exactly; "
            "to show them as the old site did, set the time zone in Site settings."
        )

    def atomically(self, what, step, entry):
        """Run one item's ``step`` whole or not at all; a failure is the report's, and the
        import goes on with the next item."""
        try:
            with transaction.atomic():
                step(entry)
        except (DatabaseError, ValidationError, ValueError, ImageNotStored) as error:
            self.report.failed.append(f"{what}: {error}")
        except Exception as error:
            # Not foreseen: the log keeps the traceback for a bug report.
            logger.exception("WordPress import: %s failed", what)
            self.report.failed.append(f"{what}: {type(error).__name__}: {error}")

    def site_start(self, site):
        self.site = (site.base_blog_url or site.link or site.base_site_url).rstrip("/")[:200]
        self.base_path = urlsplit(self.site).path.rstrip("/")
        self.is_own_export = self.site == settings.MONTAGE_SITE_URL.rstrip("/")
        if self.media is not None:
            self.media.site_host = urlsplit(self.site).hostname
        self.redirects_add(permalinks.site_addresses(base_path=self.base_path))
        done = ImportedItem.objects.filter(site=self.site)
        for kind, store in (
            (ImportedItem.Kind.CATEGORY, self.categories),
            (ImportedItem.Kind.TAG, self.tags),
        ):
            store.update(done.filter(kind=kind).values_list("wp_key", "object_id"))

    def record(self, kind, wp_key, target, guid="", counted_as=None, *, was_here=False):
        """Remember what ``wp_key`` became; ``was_here``: it was found, not made."""
        ImportedItem.objects.create(
            site=self.site,
            kind=kind,
            wp_key=str(wp_key)[:300],
            guid=guid[:500],
            content_type=ContentType.objects.get_for_model(target, for_concrete_model=True),
            object_id=target.pk,
        )
        counts = self.report.already_there if was_here else self.report.created
        counts[counted_as or kind] += 1

    def recorded(self, kind, wp_key):
        found = ImportedItem.objects.filter(site=self.site, kind=kind, wp_key=str(wp_key)[:300])
        return found.values_list("object_id", flat=True).first()

    # Authors

    def author_import(self, author):
        user = self.user_for(author.login, author)
        # With --author, only that user's own WordPress account is them: a co-author's
        # comments are a reader's, without the Author badge.
        is_them = self.only_author is None or author.login == self.only_author.get_username()
        if author.wp_id is not None and is_them:
            self.user_wp_ids[author.wp_id] = user
        # A one-author blog here: the author's archive is the home page.
        address = permalinks.author_address(base_path=self.base_path, login=slugify(author.login))
        self.redirects_add([(address, "/")])

    def user_for(self, login, author=None):
        if self.only_author is not None:
            return self.only_author
        if login in self.users:
            return self.users[login]
        User = get_user_model()
        user_id = self.recorded(ImportedItem.Kind.AUTHOR, login)
        user = User.objects.filter(pk=user_id).first() if user_id else None
        if user is None:
            user = User.objects.filter(username=login[:150]).first()
            was_here = user is not None
            if user is None:
                user = User(username=login[:150] or "wordpress")
                user.set_unusable_password()
                if author is not None:
                    user.email = author.email if _is_email(author.email) else ""
                    full_name = f"{author.first_name} {author.last_name}".strip()
                    user.first_name = (author.display_name or full_name or login)[:150]
                user.save()
            self.record(ImportedItem.Kind.AUTHOR, login, user, was_here=was_here)
        else:
            self.report.already_there[ImportedItem.Kind.AUTHOR] += 1
        self.users[login] = user
        return user

    # Categories and tags

    def term_import(self, term):
        if term.taxonomy == "category":
            self.category_import(term)
        elif term.taxonomy == "post_tag":
            self.tag_for(term.slug, term.name)
        elif term.taxonomy not in ("nav_menu", "post_format"):
            self.report.skipped[f"terms of the {term.taxonomy} taxonomy"] += 1

    def category_import(self, term):
        category = self.category_for(term.slug, term.name, term.description)
        if term.parent_slug:
            self.category_parents[category.pk] = _category_slug(term.parent_slug, "")
        self.category_terms[unquote(term.slug)] = (category, unquote(term.parent_slug))

    def category_for(self, slug, name, description=""):
        slug = _category_slug(slug, name)
        key = f"category:{slug}"
        if key in self.categories:
            found = Category.objects.filter(pk=self.categories[key]).first()
            if found is not None:
                return found
            # Deleted here since an earlier run: made again, as the posts need it.
            del self.categories[key]
            ImportedItem.objects.filter(
                site=self.site, kind=ImportedItem.Kind.CATEGORY, wp_key=key
            ).delete()
        category = Category.objects.filter(slug=slug[:100]).first()
        was_here = category is not None
        if category is None:
            name = (unescape(name) or slug)[:100]
            if Category.objects.filter(name=name).exists():
                name = f"{name} ({slug})"[:100]
            category = Category.objects.create(
                slug=slug[:100], name=name, description=unescape(description)
            )
        self.record(ImportedItem.Kind.CATEGORY, key, category, was_here=was_here)
        self.categories[key] = category.pk
        return category

    def category_parents_link(self):
        for category_id, parent_slug in self.category_parents.items():
            parent_id = self.categories.get(f"category:{parent_slug}")
            if parent_id and parent_id != category_id:
                Category.objects.filter(pk=category_id).update(parent_id=parent_id)

    def category_addresses_record(self):
        """``/category/parent/child/`` as WordPress wrote it, to the category's page here."""
        pairs = []
        for wp_slug, (category, parent_slug) in self.category_terms.items():
            slugs = [wp_slug]
            while parent_slug in self.category_terms and len(slugs) < 20:
                if parent_slug in slugs:
                    break
                slugs.insert(0, parent_slug)
                parent_slug = self.category_terms[parent_slug][1]
            address = permalinks.category_address(base_path=self.base_path, slugs=slugs)
            pairs.append((address, category.get_absolute_url()))
        self.redirects_add(pairs)

    def tag_for(self, slug, name):
        wp_slug = unquote(slug)
        slug = _slug(slug, allow_unicode=True) or slugify(name, allow_unicode=True)
        key = f"tag:{slug}"
        if key in self.tags:
            return self.tags[key]
        name = (unescape(name) or slug)[:100]
        tag = Tag.objects.filter(slug=slug[:100]).first() or Tag.objects.filter(name=name).first()
        was_here = tag is not None
        if tag is None:
            tag = Tag.objects.create(name=name, slug=slug[:100])
        self.record(ImportedItem.Kind.TAG, key, tag, was_here=was_here)
        self.tags[key] = tag.pk
        if wp_slug and wp_slug != tag.slug:
            # An emoji or a sign WordPress kept in a slug: the old address leads here.
            old_address = f"{self.base_path}/tag/{wp_slug}/"
            self.redirects_add([(old_address, reverse("blog:tag", kwargs={"slug": tag.slug}))])
        return tag.pk

    # Posts and pages

    def item_import(self, item):
        if item.post_type == "attachment":
            if item.attachment_url:
                self.report.attachments.append(item.attachment_url)
            attachment = Attachment.of(item)
            self.attachments[item.wp_id] = attachment
            if item.parent_id:
                self.attachments_of[item.parent_id].append(attachment)
            return
        kind = KINDS.get(item.post_type)
        if kind is None:
            self.report.skipped[f"items of type {item.post_type}"] += 1
            return
        if item.status in SKIPPED_STATUSES:
            self.report.skipped[f"{item.post_type}s {SKIPPED_STATUSES[item.status]}"] += 1
            return
        post_id = self.recorded(ImportedItem.Kind.POST, _item_key(item))
        self.item_ids.add(_item_key(item))
        if post_id is None and item.guid:
            # The guid finds a post whose id changed since an earlier run; a post seen in
            # this run is another one (WordPress.com copies keep the original's guid).
            post_id = next(
                (
                    object_id
                    for object_id, wp_key in ImportedItem.objects.filter(
                        site=self.site, kind=ImportedItem.Kind.POST, guid=item.guid[:500]
                    ).values_list("object_id", "wp_key")
                    if wp_key not in self.item_ids
                ),
                None,
            )
        post = Post.everything.filter(pk=post_id).first() if post_id is not None else None
        if post_id is not None and post is None:
            self.report.skipped[f"{item.post_type}s deleted here since an earlier import"] += 1
            return
        if post is None and item.guid:
            # This site's own export, or one of a blog imported before: already here.
            # Not a post made in this run: WordPress.com copies keep the original's guid.
            post = _post_with_guid(item.guid, slug=_slug(item.slug))
            post = None if post is not None and post.pk in self.posts_made else post
        if post is None:
            post = self.post_create(item, kind)
            self.posts_made.add(post.pk)
            was_here = False
        else:
            self.report.already_there[kind] += 1
            was_here = True
        self.comments_import(item, post, was_here=was_here)
        self.attachments_wait(item, post)

    def post_create(self, item, kind):
        converted = convert(item.content)
        self.report.unknown.update(converted.unknown)
        status = STATUSES.get(item.status, Post.Status.DRAFT)
        if item.status == "pending":
            self.report.skipped["pending review: imported as drafts"] += 1
        if item.status not in STATUSES:
            self.report.skipped[f"unknown status {item.status!r}: imported as drafts"] += 1
        if item.password:
            status = Post.Status.PRIVATE
            self.report.skipped["password-protected: imported as private"] += 1
        moment = self.moment(item.date_gmt, item.date) or timezone.now()
        if kind == Post.Kind.PAGE:
            # A page has no lead: all of it is its body.
            lead, body = "", f"{converted.more_lead}\n\n{converted.body}".strip()
        else:
            lead, body = _lead_and_body(_plain(item.excerpt), converted)
        body = _with_footnotes(body, item.meta.get("footnotes", ""))
        post = Post(
            kind=kind,
            title=(_plain(item.title) or "(untitled)")[:200],
            slug=self.slug_free(item, kind),
            author=self.user_for(item.creator or "wordpress"),
            lead=lead,
            body=body,
            status=status,
            published_at=moment,
            created_at=moment,
            updated_at=moment,
            comments_enabled=item.comment_status != "closed",
            sticky=item.is_sticky and kind == Post.Kind.POST,
            feed_guid=item.guid[:500],
            menu_position=min(max(item.menu_order, 0), 1000),
        )
        if kind == Post.Kind.POST:
            post.category_id = self.item_category(item)
        post.body_html = post.body_render()
        post.save_base(raw=True)
        for position, url in enumerate(converted.videos):
            # A video needs a title (the player's name for screen readers): its
            # caption in the post, else the post's own title.
            title = (converted.video_titles.get(url) or post.title)[:200]
            video = Video(post=post, url=url, title=title, position=position)
            video.full_clean(exclude=["post"])
            video.save()
        # A post in several categories is filed under one here; the others become tags.
        categories = [term for term in item.terms if term.taxonomy == "category"]
        other_categories = [term for term in categories if term.slug != "uncategorized"][1:]
        tag_ids = [
            self.tag_for(term.slug, term.name)
            for term in item.terms
            if term.taxonomy == "post_tag"
        ] + [self.tag_for(term.slug, term.name) for term in other_categories]
        if tag_ids:
            post.tags.add(*Tag.objects.filter(pk__in=tag_ids))
        self.record(ImportedItem.Kind.POST, _item_key(item), post, guid=item.guid, counted_as=kind)
        if post.is_published:
            self.old_addresses_record(item, post)
        return post

    def item_category(self, item):
        categories = [term for term in item.terms if term.taxonomy == "category"]
        chosen = [term for term in categories if term.slug != "uncategorized"] or categories
        if not chosen:
            return None
        if len(chosen) > 1:
            self.report.skipped[
                "posts in several categories: filed under the first, tagged with the others"
            ] += 1
        return self.category_for(chosen[0].slug, chosen[0].name).pk

    def slug_free(self, item, kind):
        slug = _slug(item.slug) or slugify(unescape(item.title)) or f"{kind}-{item.wp_id}"
        slug = slug[:190].strip("-") or f"{kind}-{item.wp_id}"
        candidate, number = slug, 1
        while Post.everything.filter(slug=candidate).exists() or (
            kind == Post.Kind.PAGE and slug_is_the_sites_own(candidate)
        ):
            number += 1
            candidate = f"{slug}-{number}"
        if candidate != unquote(item.slug) and item.slug:
            self.report.renamed.append(f"{unquote(item.slug)} → {candidate}")
        return candidate

    def moment(self, utc, local):
        """When something happened: its UTC date, else its local one on the old site's clock.

        The old site's clock is learnt from the first item that gives both dates; until
        then, and if it never is, it is taken to be this site's time zone.
        """
        if utc is not None:
            if local is not None and self.old_offset is None:
                self.old_offset = local - utc.replace(tzinfo=None)
                # The same clock as this site's then: its summer time applies as well.
                self.old_clock_is_ours = utc.astimezone(self.zone).utcoffset() == self.old_offset
            return utc
        if local is None:
            return None
        if self.old_offset is not None and not self.old_clock_is_ours:
            return (local - self.old_offset).replace(tzinfo=datetime.UTC)
        return timezone.make_aware(local, self.zone)

    def old_addresses_record(self, item, post):
        addresses = permalinks.post_addresses(
            base_path=self.base_path,
            link=item.link,
            slug=item.slug,
            kind=item.post_type,
            wp_id=item.wp_id,
            local_date=item.date or item.date_gmt,
        )
        self.redirects_add((address, post.get_absolute_url()) for address in addresses)

    def redirects_add(self, pairs):
        pairs = list(pairs)
        try:
            with transaction.atomic():
                redirects_add(pairs, note=IMPORTED_REASON)
        except ValidationError:
            # One address that cannot be one (too long, a space...): the others, one by one.
            for old_path, new_path in pairs:
                try:
                    redirects_add([(old_path, new_path)], note=IMPORTED_REASON)
                except ValidationError:
                    self.report.skipped["old addresses that cannot be redirected"] += 1

    # Attachments: posters, pictures and galleries

    def attachments_wait(self, item, post):
        featured = _number(item.meta.get("_thumbnail_id", ""))
        wants_files = self.media is not None and (featured or "<img" in post.body)
        if wants_files or GALLERY.search(post.body):
            self.waiting_for_attachments.append((post.pk, item.wp_id, featured))

    def attachments_place(self, waiting):
        post_id, wp_id, featured = waiting
        post = Post.everything.get(pk=post_id)
        pictures = PostPictures(
            post, self.media, self.report, dry_run=self.report.dry_run, moved=self.redirects_add
        )
        pictures = pictures if self.media else None
        # The body's own images first: a figure's caption is the picture's.
        body = pictures.placed(post.body) if pictures is not None else post.body
        body = gallery_replace(body, list(self.galleries(body, wp_id, pictures)))
        fields = []
        if pictures is not None:
            poster = self.attachments.get(featured)
            if poster is not None and not post.poster and pictures.poster_set(poster):
                fields += [*POSTER.fields, "poster_alt"]
        if body != post.body:
            post.body = body
            post.body_html = post.body_render()
            fields += ["body", "body_html"]
        if fields:
            # A page that was viewed while the import ran is shown anew.
            post.updated_at = timezone.now()
            post.save_base(raw=True, update_fields=[*fields, "updated_at"])

    def galleries(self, body, wp_id, pictures):
        """For each ``[gallery]`` in ``body``, its pictures as HTML, or None."""
        for shortcode in GALLERY.finditer(body):
            ids = gallery_ids(shortcode.group(0))
            if ids:
                attachments = [self.attachments[i] for i in ids if i in self.attachments]
            else:
                attachments = self.attachments_of.get(wp_id, [])
            if not attachments:
                yield None
                continue
            yield "\n\n".join(
                (pictures.reference(attachment) if pictures else None)
                or format_html(
                    '<p><img src="{}" alt="{}"></p>', attachment.url, attachment.description
                )
                for attachment in attachments
            )

    # Comments

    def comments_import(self, item, post, *, was_here=False):
        wanted = []  # (comment, kind, key)
        for index, comment in enumerate(item.comments):
            kind = LINKBACKS.get(comment.type, Comment.Kind.COMMENT)
            if kind != Comment.Kind.COMMENT and not self.keep_linkbacks:
                self.report.skipped[f"{kind}s"] += 1
                continue
            # An export from elsewhere may number nothing: its place then names it.
            key = str(comment.wp_id) if comment.wp_id else f"{_item_key(item)}#{index}"
            wanted.append((comment, kind, key[:300]))
        if not wanted:
            return
        done = {}
        if was_here:
            # A post made in this run has none of its comments yet: they are written in
            # its own transaction. Asking costs a query a post, and on PostgreSQL without
            # table statistics it read every comment of the site (bench/).
            parent_keys = {str(comment.parent_id) for comment, _kind, _key in wanted}
            done = dict(
                ImportedItem.objects.filter(
                    site=self.site,
                    kind=ImportedItem.Kind.COMMENT,
                    wp_key__in={key for _comment, _kind, key in wanted} | parent_keys - {"0"},
                ).values_list("wp_key", "object_id")
            )
            # This site's own export: its comments are numbered as here.
            numbers = [comment.wp_id for comment, _kind, _key in wanted if comment.wp_id]
            numbers = numbers if self.is_own_export else []
            done.update(
                (str(pk), pk)
                for pk in Comment.objects.filter(
                    content_type=self.post_type, object_id=post.pk, pk__in=numbers
                ).values_list("pk", flat=True)
            )
        new = [entry for entry in wanted if entry[2] not in done]
        if len(new) < len(wanted):
            self.report.already_there[ImportedItem.Kind.COMMENT] += len(wanted) - len(new)
        if not new:
            return
        rows = [self.comment_row(comment, kind, post) for comment, kind, _key in new]
        self.comment_numbers_keep([comment for comment, _kind, _key in new], rows)
        Comment.objects.bulk_create(rows)
        if rows and rows[0].pk is not None:
            _sequence_reset(Comment)
        ids = {key: row.pk for (_comment, _kind, key), row in zip(new, rows, strict=True)}
        ImportedItem.objects.bulk_create(
            ImportedItem(
                site=self.site,
                kind=ImportedItem.Kind.COMMENT,
                wp_key=wp_key,
                content_type_id=ContentType.objects.get_for_model(Comment).pk,
                object_id=pk,
            )
            for wp_key, pk in ids.items()
        )
        self.report.created[ImportedItem.Kind.COMMENT] += len(rows)
        ids.update(done)
        threaded = []
        for (comment, _kind, _key), row in zip(new, rows, strict=True):
            parent_id = ids.get(str(comment.parent_id)) if comment.parent_id else None
            if parent_id and parent_id != row.pk:
                row.parent_id = parent_id
                threaded.append(row)
        Comment.objects.bulk_update(threaded, ["parent"])

    def comment_numbers_keep(self, comments, rows):
        """Each comment keeps its WordPress number, so old ``#comment-N`` links land on it.

        Only when every number of the post's batch is free: a batch that mixed kept
        numbers with new ones could be handed a kept one by the database's counter.
        """
        numbers = [comment.wp_id for comment in comments]
        if not all(numbers) or len(set(numbers)) < len(numbers):
            return
        if Comment.objects.filter(pk__in=numbers).exists():
            self.report.skipped["comments numbered anew (their old number is taken)"] += len(rows)
            return
        for number, row in zip(numbers, rows, strict=True):
            row.pk = number

    def comment_row(self, comment, kind, post):
        text = _comment_text(comment.content)[:TEXT_MAX]
        user = self.user_wp_ids.get(comment.user_id) if comment.user_id else None
        moment = self.moment(comment.date_gmt, comment.date) or post.published_at
        return Comment(
            content_type=self.post_type,
            object_id=post.pk,
            user=user,
            is_author=user is not None and user.pk == post.author_id,
            name=(unescape(comment.author).strip() or "Anonymous")[:NAME_MAX],
            email=comment.email if _is_email(comment.email) else "",
            url=comment.url[:URL_MAX] if comment.url.startswith(("http://", "https://")) else "",
            text=text,
            text_html=render_comment_text(text),
            status=COMMENT_STATUSES.get(comment.approved, Comment.Status.PENDING),
            kind=kind,
            moderation_reason=IMPORTED_REASON,
            ip_address=_ip(comment.ip),
            user_agent=comment.user_agent[:500],
            created_at=moment,
            updated_at=moment,
        )


def _with_footnotes(body, footnotes_json):
    """The block editor's footnotes (kept in the post's meta since WordPress 6.3) at the
    body's end, where the numbers in the text link to them and they link back."""
    try:
        footnotes = json.loads(footnotes_json) if footnotes_json else []
    except ValueError:
        return body
    notes = [
        format_html(
            '<li id="{}">{} <a href="#{}-link">↩︎</a></li>',
            note["id"],
            mark_safe(clean_html(str(note.get("content", "")), for_source=True)),
            note["id"],
        )
        for note in footnotes
        if isinstance(note, dict) and re.fullmatch(r"[\w-]{1,64}", str(note.get("id", "")))
    ]
    return f"{body}\n\n<ol>\n{chr(10).join(notes)}\n</ol>" if notes else body


def _post_with_guid(guid, *, slug):
    """The post here whose GUID is ``guid``: one imported with it, or one of this site's.

    A GUID of this site's names a post by its number, so a post of another site's (a
    fresh one, numbered from 1 as well) counts only with the same day and ``slug``.
    """
    found = Post.everything.filter(feed_guid=guid[:500]).first()
    if found is not None or not guid.startswith("tag:"):
        return found
    number = guid.rpartition("/")[2]
    candidate = Post.everything.filter(pk=number, slug=slug).first() if number.isdigit() else None
    return candidate if candidate is not None and post_guid(candidate) == guid else None


def _utc_offset(delta):
    minutes = round(delta.total_seconds() / 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _item_key(item):
    """What names a post or page across runs: its WordPress id, or where it has none (an
    export written by another tool), its guid or address."""
    if item.wp_id:
        return str(item.wp_id)
    return "guid:" + (item.guid or item.link or f"{item.title}|{item.date}")[:290]


def _number(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _sequence_reset(model):
    """After rows written with their own numbers, the next new row's is past them all."""
    statements = connection.ops.sequence_reset_sql(no_style(), [model])
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _category_slug(slug, name):
    """A category's address here, which must be ASCII (``<slug:slug>`` in blog/urls.py).

    A name in Cyrillic or Japanese leaves nothing for slugify, so two such categories
    would become one: a short digest of WordPress's own slug keeps them apart.
    """
    plain = _slug(slug) or slugify(name)
    if plain or not (slug or name):
        return plain or "category"
    own = unquote(slug) or name
    return f"category-{hashlib.sha1(own.encode()).hexdigest()[:8]}"


def _slug(value, *, allow_unicode=False):
    """WordPress keeps a slug percent-encoded (``%e2%99%aa``); this one is plain."""
    return slugify(unquote(value), allow_unicode=allow_unicode)


def _plain(html):
    return re.sub(r"\s+", " ", unescape(strip_tags(html))).strip()


def _lead_and_body(excerpt, converted):
    """The excerpt is the lead; else the first paragraph before ``<!--more-->``, or of all.

    An excerpt is written apart from the post, so the whole post stays its body; a lead
    taken from the post's own text leaves it.
    """
    teaser, rest = converted.more_lead, converted.body
    if excerpt:
        return excerpt, f"{teaser}\n\n{rest}".strip()
    if teaser:
        lead, teaser_rest = _first_paragraph(teaser)
        return lead, f"{teaser_rest}\n\n{rest}".strip()
    return _first_paragraph(rest)


_PARAGRAPH = re.compile(r"\A\s*<p>(?P<text>.*?)</p>\s*", re.DOTALL)
# A paragraph with a picture, or a footnote's number, would lose it as a plain lead.
_KEPT_IN_THE_BODY = re.compile(r"<img\b|<sup\b", re.IGNORECASE)
# An address alone, or a shortcode alone ([soundcloud …]): nothing to read on a list.
_NOT_A_LEAD = re.compile(r"(?:https?://|www\.)\S+|\[[^\]]*\]")


def _first_paragraph(body):
    """A lead for a post with no excerpt: its first paragraph, taken out of the body."""
    found = _PARAGRAPH.match(body)
    if found and not _KEPT_IN_THE_BODY.search(found["text"]):
        lead = _plain(found["text"])
        # A paragraph that is only an address, or only what readers are not shown (a
        # shortcode Montage does not know), says nothing on the home page.
        if not lead or _NOT_A_LEAD.fullmatch(lead):
            return "", body.strip()
        return lead, body[found.end() :]
    first, _sep, rest = body.strip().partition("\n\n")
    if first.startswith("<"):
        # A picture, heading or list first: as plain text it would lose its image or
        # its shape, so it stays in the body and the lead is left for the author.
        return "", body.strip()
    return _plain(first), rest


# WordPress shows a comment through wpautop: "<br />" and the newline after it are one
# line break; a new paragraph is a blank line, as in Montage's comment text.
_LINE_BREAK = re.compile(r"<br\s*/?>[ \t]*\n?", re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"</p>\s*<p[^>]*>", re.IGNORECASE)


# <a href="https://x.example/">this</a>: the words, and the address after them.
_COMMENT_LINK = re.compile(
    r"""<a\b[^>]*?\shref\s*=\s*["'](?P<href>https?://[^"']+)["'][^>]*>(?P<text>.*?)</a>""",
    re.IGNORECASE | re.DOTALL,
)


def _comment_link(match):
    text, href = match["text"], unescape(match["href"])
    return text if unescape(strip_tags(text)).strip() == href else f"{text} ({href})"


def _comment_text(html):
    """A WordPress comment's HTML as the plain text Montage's comments are written in.

    Montage's comments are plain text that links its addresses, so a link keeps its
    address beside its words.
    """
    text = _COMMENT_LINK.sub(_comment_link, html)
    text = _PARAGRAPH_BREAK.sub("\n\n", text.replace("\r\n", "\n"))
    text = _LINE_BREAK.sub("\n", text)
    return unescape(strip_tags(text)).strip()


def _is_email(value):
    if not value or len(value) > EMAIL_MAX:
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _ip(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None
