"""Old links keep working: one table of old addresses, kept free of chains and loops.

``redirect_add`` records that what was at an old address now lives at a new one (or
is gone). The receivers below call it whenever a change readers could have seen is
saved, whoever saves it (the admin, a service, a management command): a published
post's address changing or the post being deleted, a category's or a tag's slug
changing. Each compares the address before and after the save (``get_absolute_url()``
for posts), so a kind of page built on ``Post`` with its own URL needs no code here.

Not caught: a queryset's ``update()`` (it sends no signal: change slugs with
``save()``), and raw saves, which are fixtures and django-reversion writing a version
back. The admin's restore lays today's address back over the version it wrote and then
saves its form, and that save is recorded like any other.

``RedirectMiddleware`` answers only what would otherwise be a 404: 301 to the new
address, query string kept, or 410 Gone. A page that exists is never redirected.
"""

from urllib.parse import urlencode

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.encoding import iri_to_uri
from taggit.models import Tag

from blog.models import (
    Category,
    Post,
    Redirect,
    address_carried,
    address_is_under,
    address_normalise,
)
from blog.wordpress.permalinks import NOT_HERE, montage_address, montage_query_address


@transaction.atomic
def redirect_add(*, old_path, new_path, note=""):
    """From now on send readers of ``old_path`` to ``new_path`` ("" means gone: 410).

    What pointed at ``old_path``, or below it, now points straight at ``new_path``, so
    no reader takes two steps; a row for ``new_path`` itself goes, since something
    lives there now. So A → B, B → C and C → A leave B and C leading to A, and A served.
    """
    old_path, new_path = address_normalise(old_path), address_normalise(new_path)
    _repoint([(old_path, new_path)])
    if new_path:
        Redirect.objects.filter(old_path=new_path).delete()
    row = Redirect.objects.filter(old_path=old_path).first() or Redirect(old_path=old_path)
    row.new_path, row.note = new_path, note
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def redirects_add(pairs, *, note=""):
    """``redirect_add`` for many (old, new) pairs at once, in a handful of queries.

    For an import, which records several old addresses of each of thousands of posts.
    Raises ``ValidationError`` (and writes nothing) if an address cannot be one. A batch
    in which one pair's new address is another's old one is added pair by pair, as
    the order then matters.
    """
    pairs = {
        old: new
        for old, new in ((address_normalise(o), address_normalise(n)) for o, n in pairs)
        if old != new
    }
    if not pairs:
        return
    if pairs.keys() & set(pairs.values()):
        for old_path, new_path in pairs.items():
            redirect_add(old_path=old_path, new_path=new_path, note=note)
        return
    _repoint(pairs.items())
    Redirect.objects.filter(old_path__in={new for new in pairs.values() if new}).delete()
    existing = {row.old_path: row for row in Redirect.objects.filter(old_path__in=pairs)}
    rows = []
    for old_path, new_path in pairs.items():
        row = existing.get(old_path) or Redirect(old_path=old_path)
        row.new_path, row.note = new_path, note
        # Unique old addresses: the keys of ``pairs``, and those that exist are updated.
        row.full_clean(validate_unique=False, validate_constraints=False)
        rows.append(row)
    Redirect.objects.bulk_create([row for row in rows if row.pk is None])
    Redirect.objects.bulk_update([row for row in rows if row.pk is not None], ["new_path", "note"])


def redirect_remove(*, old_path):
    """Something readers can open lives at ``old_path`` again: no redirect claims it."""
    Redirect.objects.filter(old_path=address_normalise(old_path)).delete()


def _repoint(pairs):
    """What pointed at each old address, or below it, now points at its new one."""
    pairs = dict(pairs)
    narrowed = Redirect.objects.none()
    for old_path in pairs:
        narrowed |= Redirect.objects.filter(_pointing_under(old_path))
    pointing = []
    for row in narrowed:
        # The longest old address the row lies under is the one it follows.
        under = [old for old in pairs if address_is_under(row.new_path, old)]
        if not under:
            continue
        old_path = max(under, key=len)
        new_path = pairs[old_path]
        row.new_path = address_carried(row.new_path, old_path, new_path) if new_path else ""
        pointing.append(row)
    looping = [row.pk for row in pointing if row.new_path == row.old_path]
    Redirect.objects.filter(pk__in=looping).delete()
    Redirect.objects.bulk_update([row for row in pointing if row.pk not in looping], ["new_path"])


def _pointing_under(old_path):
    """A condition that every row pointing at or below ``old_path`` meets (and a few more:
    the exact test is ``address_is_under``), which an index on ``new_path`` can answer."""
    if "?" in old_path:
        # Nothing lies below an address with a query (/?p=12): only that address itself.
        return Q(new_path=old_path)
    if connection.vendor == "sqlite":
        # SQLite's LIKE ignores case, and so its index; a range of the same prefix uses it
        # (its text compares byte by byte, so the range holds exactly the prefix's rows).
        return Q(new_path__gte=old_path, new_path__lt=old_path + "\U0010ffff")
    return Q(new_path__startswith=old_path)


# What readers could have seen of each kind of thing, at which address.


def _tag_address(tag):
    return reverse("blog:tag", kwargs={"slug": tag.slug})


def _seen_address(instance):
    """The address readers can open for ``instance``, or None if it is hidden from them.

    A draft, scheduled or private post has none; nor has a tag used on no published
    post (its page is a 404): moving either records nothing and reveals nothing. Nor
    does a post unpublished in the same save that moves it: a redirect would show
    readers the hidden post's new address.
    """
    if isinstance(instance, Post):
        return instance.get_absolute_url() if instance.is_published else None
    if isinstance(instance, Tag):
        address = _tag_address(instance)
        shown = address and Post.objects.published().filter(tags=instance).exists()
        return address if shown else None
    return instance.get_absolute_url()


def _living_address(instance):
    """Where ``instance`` lives after a save, so that no redirect may claim it."""
    if isinstance(instance, Post):
        return _seen_address(instance)
    # A category or a tag lives at its address even before a post shows there.
    return _tag_address(instance) if isinstance(instance, Tag) else instance.get_absolute_url()


def _tracked(instance):
    return isinstance(instance, (Post, Category, Tag))


def _note(instance, what):
    kind = str(instance._meta.verbose_name).capitalize()
    return f"{kind} “{instance}” {what}"[: Redirect._meta.get_field("note").max_length]


# Connected without a sender: a proxy of Post sends its own class as the sender.
@receiver(pre_save, dispatch_uid="blog.redirects.address_before")
def address_before(sender, instance, raw, **kwargs):
    if raw or not _tracked(instance) or instance._state.adding:
        return
    stored = type(instance)._base_manager.filter(pk=instance.pk).first()
    # A category's or tag's address is its slug; a post's may be more (a page's kind).
    if stored is not None and (isinstance(instance, Post) or stored.slug != instance.slug):
        instance._seen_before = _seen_address(stored)


@receiver(post_save, dispatch_uid="blog.redirects.address_after")
def address_after(sender, instance, raw, **kwargs):
    if raw or not _tracked(instance):
        return
    before = instance.__dict__.pop("_seen_before", None)
    after = _living_address(instance)
    if after is None:
        return
    if before is not None and before != after:
        redirect_add(old_path=before, new_path=after, note=_note(instance, "changed address"))
    else:
        redirect_remove(old_path=after)


@receiver(post_delete, dispatch_uid="blog.redirects.post_deleted")
def post_deleted(sender, instance, **kwargs):
    if isinstance(instance, Post) and instance.is_published:
        redirect_add(
            old_path=instance.get_absolute_url(), new_path="", note=_note(instance, "deleted")
        )


class RedirectMiddleware:
    """Answers a 404 from the redirect table: 301 to the new address, or 410 Gone.

    Listed last in ``MIDDLEWARE``, so it sees the view's 404 before CommonMiddleware
    tries adding a slash. Old addresses are read as readers typed or kept them: with
    or without their last slash, in any case, and in WordPress's grammar (``/page/2/``,
    ``/2016/03/``, ``/?feed=rss2``: see ``blog.wordpress.permalinks``). A query the
    home page does not know (``/?p=12``) is answered before the home page, which would
    show the newest posts instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in {"GET", "HEAD"} and _is_an_old_query_address(request):
            answer = self.old_query_answer(request)
            if answer is not None:
                return answer
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in {"GET", "HEAD"}:
            return response
        if "\x00" in request.path:
            return response  # no address holds one; PostgreSQL refuses to look it up
        query_string = request.META.get("QUERY_STRING", "")
        for path in _spellings(request.path):
            answer = self.old_address_answer(request, path, query_string)
            if answer is not None:
                return answer
        return response

    def old_query_answer(self, request):
        """``/?p=12``, ``/?p=12&replytocom=5``, ``/?feed=rss2``: or None, for the home page."""
        query_string = request.META.get("QUERY_STRING", "")
        asked = request.GET
        pairs = [urlencode({key: asked[key]}) for key in WORDPRESS_QUERY_KEYS if key in asked]
        for candidate in dict.fromkeys([query_string, *pairs]):
            answer = self.answer(request, request.path, candidate)
            if answer is not None:
                return answer
        meant = montage_query_address(request.GET)
        if meant is NOT_HERE:
            return render(request, "404.html", status=404)
        if meant is not None:
            return self.answer(request, *meant, found_anyway=True)
        return None

    def old_address_answer(self, request, path, query_string):
        meant = montage_address(path)
        if meant is not None:
            path, meant_query = meant
            query_string = "&".join(part for part in (meant_query, query_string) if part)
        return self.answer(request, path, query_string, found_anyway=meant is not None)

    def answer(self, request, path, query_string, *, found_anyway=False):
        """The answer for ``path?query_string`` from the table, or None.

        ``found_anyway``: the address means a Montage one, answered even with no row.
        """
        row = Redirect.objects.for_address(path, query_string)
        if row is None and not found_anyway:
            return None
        if row is not None and row.is_gone:
            answer = render(request, "410.html", status=410)
        else:
            if row is not None:
                target = row.target_for(path, query_string)
            else:
                target = f"{path}?{query_string}" if query_string else path
            # Only ever an address on this site: //elsewhere.example/amp/ read as a
            # post's view would otherwise lead off it.
            if target == request.get_full_path() or not _is_on_this_site(target):
                return None
            answer = HttpResponsePermanentRedirect(target)
        # Browsers keep a 301 or a 410 as long as they like unless told (RFC 9110
        # §15.1: heuristically cacheable): after a slug changed back, a kept 301 would
        # send them round in a loop. Asking again costs one small request.
        patch_cache_control(answer, no_cache=True)
        return answer


def _is_on_this_site(address):
    """Whether ``address``, as the Location header will send it, is a path here."""
    sent = iri_to_uri(address)
    return sent.startswith("/") and not sent.startswith(("//", "/\\"))


# What the home page reads from its query; any other key is an address of its own.
HOME_QUERY_KEYS = {"page"}
# The keys of WordPress's own query addresses, each looked up alone in the table when
# the whole query is not there (/?p=12&replytocom=5 is /?p=12).
WORDPRESS_QUERY_KEYS = ("p", "page_id", "attachment_id", "cat", "tag", "author", "m")


def _is_an_old_query_address(request):
    return request.path == "/" and bool(request.GET.keys() - HOME_QUERY_KEYS)


def _spellings(path):
    """``path`` as asked, then with its last slash, then in lower case (slugs are)."""
    spellings = [path]
    if not path.endswith("/"):
        spellings.append(f"{path}/")
    spellings += [spelling.lower() for spelling in spellings]
    return list(dict.fromkeys(spellings))
