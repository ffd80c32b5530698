"""The comment section of any page: the form's POST, and what the section shows.

The host page's view owns the URL and the template and calls these two functions, so a
rejected comment comes back on the same page, in the same form, with what was typed:

    result = comment_post(request, target=post)      # on POST
    if result.redirect: return result.redirect
    section = comment_section(request, target=post, form=result.form)
"""

import ipaddress
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Max
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from comments.checks import Submission
from comments.conf import discussion_settings
from comments.forms import CommentForm, FormTampered, make_form_token
from comments.models import Comment
from comments.services import comment_submit, comments_are_open
from comments.threads import build_thread

PENDING_COOKIE = "comments_pending"
COMMENTER_COOKIE = "comments_commenter"
PENDING_COOKIE_AGE = 30 * 24 * 3600
COMMENTER_COOKIE_AGE = 365 * 24 * 3600
MAX_PENDING_REMEMBERED = 20


@dataclass
class PostResult:
    redirect: HttpResponseRedirect | None = None
    form: CommentForm | None = None
    status: int = 200


def _check_target(target, conf):
    if target._meta.label_lower not in {label.lower() for label in conf.target_models}:
        raise ImproperlyConfigured(
            f"Add {target._meta.label!r} to COMMENTS_TARGET_MODELS to allow comments on it."
        )


def client_ip(request):
    """The reader's address as the server saw it, or None if it is not an IP address."""
    address = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def pending_ids(request):
    """Ids of the comments this browser sent that may still await moderation."""
    raw = request.get_signed_cookie(PENDING_COOKIE, default="", salt=PENDING_COOKIE)
    return [int(part) for part in raw.split(",") if part.isdigit()][-MAX_PENDING_REMEMBERED:]


def _remembered(request):
    try:
        data = signing.loads(request.COOKIES.get(COMMENTER_COOKIE, ""), salt=COMMENTER_COOKIE)
    except signing.BadSignature:
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: str(data.get(key, ""))[:245] for key in ("name", "email", "url")}


def comment_post(request, *, target):
    conf = discussion_settings()
    _check_target(target, conf)
    form = CommentForm(request.POST, target=target, max_form_age=conf.max_form_age_seconds)
    try:
        valid = form.is_valid()
    except FormTampered:
        data = request.POST.copy()
        data["token"] = make_form_token(target)
        form = CommentForm(data, target=target, max_form_age=conf.max_form_age_seconds)
        form.is_valid()
        form.add_error(None, _("This form could not be checked. Please post your comment again."))
        return PostResult(form=form, status=400)
    if not comments_are_open(target, conf):
        form.add_error(None, _("Comments are closed on this post."))
        return PostResult(form=form, status=403)
    if not valid:
        return PostResult(form=form, status=400)

    data = form.cleaned_data
    submission = Submission(
        target=target,
        name=data["name"],
        email=data["email"],
        url=data["url"],
        text=data["text"],
        parent=data["parent"],
        user=request.user,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        seconds_since_form_shown=form.seconds_since_shown,
        honeypot_filled=bool(data["homepage"]),
    )
    outcome = comment_submit(
        submission=submission, admin_base_url=request.build_absolute_uri("/").rstrip("/")
    )
    if outcome.refusal:
        form.add_error(None, outcome.refusal.message)
        return PostResult(form=form, status=outcome.refusal.http_status)
    return PostResult(redirect=_after_posting(request, target, outcome.comment, data, conf))


def _after_posting(request, target, comment, data, conf):
    page = _page_of(comment, conf)
    query = f"?cpage={page}" if page > 1 else ""
    response = HttpResponseRedirect(f"{target.get_absolute_url()}{query}#comment-{comment.pk}")
    response.status_code = 303
    if not comment.is_approved:
        # Spam and trash are remembered too, so a bot is told nothing different.
        ids = [*pending_ids(request), comment.pk][-MAX_PENDING_REMEMBERED:]
        response.set_signed_cookie(
            PENDING_COOKIE,
            ",".join(map(str, ids)),
            salt=PENDING_COOKIE,
            max_age=PENDING_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    if data["remember"]:
        remembered = {key: data[key] for key in ("name", "email", "url")}
        response.set_cookie(
            COMMENTER_COOKIE,
            signing.dumps(remembered, salt=COMMENTER_COOKIE),
            max_age=COMMENTER_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(COMMENTER_COOKIE, samesite="Lax")
    return response


def _page_of(comment, conf):
    """The comment page that shows ``comment``'s thread (threads are paged oldest first)."""
    root = comment
    while root.parent_id is not None:
        root = root.parent
    earlier_roots = (
        Comment.objects.filter(
            content_type_id=comment.content_type_id,
            object_id=comment.object_id,
            parent__isnull=True,
            status=Comment.Status.APPROVED,
            created_at__lt=root.created_at,
        )
    ).count()
    return earlier_roots // conf.comments_per_page + 1


def _requested_page(request):
    value = request.GET.get("cpage", "1")
    return int(value) if value.isdigit() and len(value) < 7 else 1


def _thread(target, *, page, own_pending, conf, stamp=None):
    """One page of ``target``'s thread: cached when only approved comments are shown.

    The cache key holds the number of approved comments and the latest change among
    them, read from the database, so every process sees a change at once, whatever
    the cache backend (a local-memory cache is per process).
    """
    content_type = ContentType.objects.get_for_model(target)
    comments = Comment.objects.filter(content_type=content_type, object_id=target.pk)

    def render():
        rows = list(
            comments.visible_to(own_pending)
            .defer("email", "ip_address", "user_agent", "text", "updated_at", "user_id")
            .order_by("created_at", "id")
        )
        thread = build_thread(
            rows, max_depth=conf.thread_depth, per_page=conf.comments_per_page, page=page
        )
        html = render_to_string("comments/_thread.html", {"thread": thread})
        return {"html": html, "count": thread.count, "page": thread.page, "pages": thread.pages}

    if own_pending or not conf.cache_seconds:
        return render()
    if stamp is None:
        found = comments.approved().aggregate(count=Count("pk"), latest=Max("updated_at"))
        stamp = found["count"], found["latest"]
    count, latest = stamp
    key = ":".join(
        str(part)
        for part in (
            "comments:thread", content_type.pk, target.pk, count,
            latest.timestamp() if latest else 0, page, conf.thread_depth, conf.comments_per_page,
        )
    )  # fmt: skip
    return cache.get_or_set(key, render, conf.cache_seconds)


def comment_section(request, *, target, form=None, stamp=None):
    """Everything the page's comment section shows, for its template.

    ``stamp`` is the target's (approved comment count, latest change among them), as
    read with ``Comment.objects.thread_stamp_for()``; without it, it costs a query.
    """
    conf = discussion_settings()
    _check_target(target, conf)
    is_open = comments_are_open(target, conf)
    thread = _thread(
        target,
        page=_requested_page(request),
        own_pending=pending_ids(request),
        conf=conf,
        stamp=stamp,
    )
    replying_to = None
    if form is None:
        initial = _remembered(request)
        initial["remember"] = bool(initial)
        reply_id = request.GET.get("replytocom", "")
        if reply_id.isdigit() and len(reply_id) < 19:
            replying_to = Comment.objects.for_target(target).approved().filter(pk=reply_id).first()
            initial["parent"] = replying_to.pk if replying_to else None
        form = CommentForm(target=target, max_form_age=conf.max_form_age_seconds, initial=initial)
    elif form.is_bound and isinstance(form.cleaned_data.get("parent"), Comment):
        replying_to = form.cleaned_data["parent"]
    return {
        "thread_html": thread["html"],
        "count": thread["count"],
        "page": thread["page"],
        "pages": range(1, thread["pages"] + 1) if thread["pages"] > 1 else None,
        "form": form,
        "is_open": is_open,
        # A refused comment is shown back with its text even once comments have closed.
        "shows_form": is_open or form.is_bound,
        "replying_to": replying_to,
    }
